import Fluent
import Foundation
import OnrampDomain
import SQLKit
import Vapor

/// Puts a `WorkflowSetup` on the live desk inside the caller's transaction: the calendar (the
/// default when the tenant has none), the SLA policy and the routing rules. What already exists
/// under the same name is kept and reported as skipped, so installing twice changes nothing.
enum WorkflowInstaller {
    struct Result: Content {
        var calendar: String?
        var slaPolicy: String?
        var rulesCreated: [String] = []
        var skipped: [String] = []
        var notConverted: [String] = []
    }

    /// `audit: false` inside onboarding activation, whose own audit event (`onboarding.session.completed`,
    /// written by the change queue, which numbers that transaction's events itself) covers it.
    static func install(_ setup: WorkflowSetup, scope: TenantScope, actor: String, actorUserID: UUID?, requestID: String?,
                        audit: Bool = true, on db: any Database) async throws -> Result {
        var result = Result()
        let now = Date()
        let sla = SLAStore(db: db)
        if let calendar = setup.calendar {
            if try await sla.nameTaken(scope, .calendar, setup.calendarName) {
                result.skipped.append("calendar \(setup.calendarName)")
            } else {
                try await sla.addCalendar(scope, id: TimeOrderedID.make(), name: setup.calendarName, calendar: calendar, asDefault: false, at: now)
                result.calendar = setup.calendarName
            }
        }
        if let policy = setup.policy {
            if try await sla.nameTaken(scope, .policy, policy.name) {
                result.skipped.append("SLA policy \(policy.name)")
            } else {
                try await sla.addPolicy(scope, id: TimeOrderedID.make(), policy: policy, escalation: EscalationPath(), position: nil, at: now)
                result.slaPolicy = policy.name
            }
        }
        let rules = RoutingRuleStore(db: db)
        let existing = Set(try await rules.rules(scope).map { $0.name.lowercased() })
        for conversion in setup.rules {
            result.notConverted += conversion.notConverted.map { "\(conversion.template.name): \($0)" }
            guard var rule = conversion.rule else { continue }
            if existing.contains(rule.name.lowercased()) {
                result.skipped.append("rule \(rule.name)")
                continue
            }
            rule.id = TimeOrderedID.make()
            try await rules.add(scope, rule, version: 1, at: now)
            result.rulesCreated.append(rule.name)
        }
        guard audit else { return result }
        try await AuditLog.record(on: db, tenantID: scope.tenantID, actor: actor, actorUserID: actorUserID, action: "workflows.installed",
                                  target: "tenant:\(scope.tenantID)",
                                  change: .init(after: ["calendar": result.calendar ?? "", "sla_policy": result.slaPolicy ?? "",
                                                        "rules": result.rulesCreated.joined(separator: ", ")]),
                                  requestID: requestID)
        return result
    }
}

/// `installWorkflowTemplate`: an industry template's hours, SLA and routing rules in one call.
struct WorkflowTemplatesController {
    struct Input: Content { var timeZone: String? }

    func register(on routes: any RoutesBuilder, registry: APIOperationRegistry) {
        routes.register(.init(
            id: "installWorkflowTemplate", method: .POST, path: "/api/v1/templates/{templateId}/workflows", tag: "Workflows",
            summary: "Installs an industry template's business hours, SLA policy and routing rules; what exists by name is kept",
            parameters: [.init(name: "templateId", location: .path, description: "An industry template's id.", schema: Schema.string())],
            requestBody: Schemas.ref(WorkflowTemplatesController.Input.self), requestBodyOptional: true,
            responses: [.init(status: 200, description: "What was installed, skipped, or could not be converted.",
                              schema: Schemas.ref(WorkflowInstaller.Result.self))]
        ), in: registry, use: install)
    }

    @Sendable func install(_ req: Request) async throws -> WorkflowInstaller.Result {
        let (scope, principal) = try req.requireTenant(.settingsManage)
        guard let id = req.parameters.get("templateId"), let template = IndustryTemplates.named(id) else {
            throw Problem.notFound("That template")
        }
        let input = (req.body.data?.readableBytes ?? 0) > 0 ? try req.decodeJSON(Input.self) : Input()
        let zone = (input.timeZone ?? "UTC").trimmingWhitespace()
        guard zone == "UTC" || (zone.contains("/") && TimeZone(identifier: zone) != nil) else {
            throw Problem.validation(ValidationFailure([FieldError(field: "time_zone", message: "\(zone) is not a time zone; use an IANA name such as Europe/Berlin.",
                                                                   code: "invalid_format")]))
        }
        let setup = WorkflowSetup.fromTemplate(template, timeZone: zone)
        let requestID = req.requestID
        return try await req.writer.atomically { db in
            try await WorkflowInstaller.install(setup, scope: scope, actor: principal.actorLabel, actorUserID: principal.userID,
                                                requestID: requestID, on: db)
        }
    }
}

// MARK: - API schemas

extension WorkflowTemplatesController.Input: APISchema {
    static let schemaName = "InstallWorkflowsRequest"
    static var schema: JSONValue {
        Schema.object(["time_zone": Schema.string("IANA time zone of the template's hours (default UTC).", nullable: true)])
    }
    static var example: Self { Self(timeZone: "Europe/Stockholm") }
}

extension WorkflowInstaller.Result: APISchema {
    static let schemaName = "InstalledWorkflows"
    static var schema: JSONValue {
        Schema.object([
            "calendar": Schema.string(nullable: true), "sla_policy": Schema.string(nullable: true),
            "rules_created": Schema.array(Schema.string()), "skipped": Schema.array(Schema.string()),
            "not_converted": Schema.array(Schema.string()),
        ], required: ["rules_created", "skipped", "not_converted"])
    }
    /// The e-commerce template installed where a calendar already existed.
    static var example: Self {
        Self(calendar: nil, slaPolicy: "E-commerce SLA", rulesCreated: ["Refunds to Billing", "Shipping questions to Logistics"],
             skipped: ["calendar Business hours"], notConverted: ["VIP customers first: the condition “customer is VIP” has no field"])
    }
}
