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
        if let calendar = setup.calendar {
            if try await SLAController.nameTaken("business_calendars", setup.calendarName, scope: scope, on: db) {
                result.skipped.append("calendar \(setup.calendarName)")
            } else {
                let count = try await db.sql.raw("SELECT COUNT(*) AS n FROM business_calendars WHERE tenant_id = \(bind: scope.tenantID)")
                    .first()?.decode(column: "n", as: Int.self) ?? 0
                try await db.sql.raw("""
                    INSERT INTO business_calendars (id, tenant_id, name, is_default, definition, created_at, updated_at)
                    VALUES (\(bind: TimeOrderedID.make()), \(bind: scope.tenantID), \(bind: setup.calendarName), \(bind: count == 0),
                            \(bind: String(decoding: try JSONEncoder().encode(calendar), as: UTF8.self)), \(bind: now), \(bind: now))
                    """).run()
                result.calendar = setup.calendarName
            }
        }
        if let policy = setup.policy {
            if try await SLAController.nameTaken("sla_policies", policy.name, scope: scope, on: db) {
                result.skipped.append("SLA policy \(policy.name)")
            } else {
                let position = try await db.sql.raw("SELECT COUNT(*) AS n FROM sla_policies WHERE tenant_id = \(bind: scope.tenantID)")
                    .first()?.decode(column: "n", as: Int.self) ?? 0
                try await db.sql.raw("""
                    INSERT INTO sla_policies (id, tenant_id, name, position, definition, escalation, created_at, updated_at)
                    VALUES (\(bind: TimeOrderedID.make()), \(bind: scope.tenantID), \(bind: policy.name), \(bind: position),
                            \(bind: String(decoding: try JSONEncoder().encode(policy), as: UTF8.self)), '[]', \(bind: now), \(bind: now))
                    """).run()
                result.slaPolicy = policy.name
            }
        }
        let existing = Set(try await RoutingRulesController.rules(in: scope, on: db).map { $0.name.lowercased() })
        for conversion in setup.rules {
            result.notConverted += conversion.notConverted.map { "\(conversion.template.name): \($0)" }
            guard var rule = conversion.rule else { continue }
            if existing.contains(rule.name.lowercased()) {
                result.skipped.append("rule \(rule.name)")
                continue
            }
            rule.id = TimeOrderedID.make()
            try await db.sql.raw("""
                INSERT INTO routing_rules (id, tenant_id, position, version, definition, created_at, updated_at)
                VALUES (\(bind: rule.id), \(bind: scope.tenantID), \(bind: rule.position), 1,
                        \(bind: String(decoding: try RoutingRulesController.encoder.encode(rule), as: UTF8.self)), \(bind: now), \(bind: now))
                """).run()
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
