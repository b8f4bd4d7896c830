import Fluent
import Foundation
import OnrampDomain
import SQLKit
import Vapor

/// Routing rules are sent as JSON with the app's coders (snake_case keys).
extension RoutingRule: Content {}

/// Routing rules (WF-1): list, create, revise (each change is a new version), and a dry run
/// that shows which rules would fire for a ticket and why.
struct RoutingRulesController {
    /// A rule as a client writes it (the id and version are Onramp's).
    struct RuleInput: Content {
        var name: String?
        var position: Int?
        var events: [RuleEvent]?
        var conditions: ConditionGroup?
        var actions: [RuleAction]?
        var stopProcessing: Bool?
        var enabled: Bool?
    }

    struct RulePage: Content {
        let items: [RoutingRule]
    }

    struct DryRunRequest: Content {
        var event: RuleEvent?
    }

    struct DryRunResponse: Content {
        let event: RuleEvent
        let firedRuleIds: [UUID]
        let actions: [RuleAction]
        let trace: [RuleTrace]
    }

    func register(on routes: any RoutesBuilder, registry: APIOperationRegistry) {
        let ruleID = APIOperation.Parameter(name: "ruleId", location: .path, description: "The rule's id.", schema: Schemas.uuid)
        routes.register(.init(
            id: "listRoutingRules", method: .GET, path: "/api/v1/routing-rules", tag: "Workflows",
            summary: "The tenant's routing rules in the order they run",
            responses: [.init(status: 200, description: "The rules.", schema: Schemas.ref(RoutingRulesController.RulePage.self))]
        ), in: registry, use: list)
        routes.register(.init(
            id: "createRoutingRule", method: .POST, path: "/api/v1/routing-rules", tag: "Workflows",
            summary: "Adds a routing rule (event, conditions, actions, stop processing)",
            requestBody: Schemas.ref(RoutingRulesController.RuleInput.self),
            responses: [.init(status: 201, description: "The rule, version 1.", schema: Schemas.ref(RoutingRule.self))]
        ), in: registry, use: create)
        routes.register(.init(
            id: "updateRoutingRule", method: .PUT, path: "/api/v1/routing-rules/{ruleId}", tag: "Workflows",
            summary: "Replaces a routing rule; the stored rule becomes its next version",
            parameters: [ruleID], requestBody: Schemas.ref(RoutingRulesController.RuleInput.self),
            responses: [.init(status: 200, description: "The rule's new version.", schema: Schemas.ref(RoutingRule.self))]
        ), in: registry, use: update)
        routes.register(.init(
            id: "dryRunRoutingRules", method: .POST, path: "/api/v1/tickets/{ticketId}/routing-dry-run", tag: "Workflows",
            summary: "Which routing rules would fire for this ticket, with the reason for each rule; nothing changes",
            parameters: [.init(name: "ticketId", location: .path, description: "The ticket to try the rules on.", schema: Schemas.uuid)],
            requestBody: Schemas.ref(RoutingRulesController.DryRunRequest.self), requestBodyOptional: true,
            responses: [.init(status: 200, description: "The actions and a trace per rule.", schema: Schemas.ref(RoutingRulesController.DryRunResponse.self))]
        ), in: registry, use: dryRun)
    }

    @Sendable func list(_ req: Request) async throws -> RulePage {
        let (scope, _) = try req.requireTenant(.ticketsRead)
        return RulePage(items: try await RoutingRuleStore(db: req.db).rules(scope))
    }

    /// Builds and checks a rule from the input; every problem is reported together.
    static func rule(_ input: RuleInput, id: UUID, version: Int) throws -> RoutingRule {
        var errors: [FieldError] = []
        let name = (input.name ?? "").trimmingWhitespace()
        if name.isEmpty || name.count > 200 {
            errors.append(FieldError(field: "name", message: "A rule needs a name of 1 to 200 characters.", code: "required"))
        }
        if let position = input.position, !(0...100_000).contains(position) {
            errors.append(FieldError(field: "position", message: "Position is a whole number from 0 to 100000.", code: "out_of_range"))
        }
        if (input.actions?.count ?? 0) > 50 || (input.conditions.map { $0.all.count + $0.any.count } ?? 0) > 50 {
            errors.append(FieldError(field: "conditions", message: "A rule has at most 50 conditions and 50 actions.", code: "too_long"))
        }
        let rule = RoutingRule(id: id, name: name, position: input.position ?? 0, version: version,
                               events: Set(input.events ?? [.ticketCreated]), conditions: input.conditions ?? ConditionGroup(),
                               actions: input.actions ?? [], stopProcessing: input.stopProcessing ?? false, enabled: input.enabled ?? true)
        errors += rule.validate().filter { error in !(error.field == "name" && !errors.contains { $0.field == "name" } && name.isEmpty) }
        if input.events?.isEmpty == true {
            errors.append(FieldError(field: "events", message: "Choose at least one event: ticket_created, ticket_updated or message_created.", code: "required"))
        }
        if !errors.isEmpty { throw Problem.validation(ValidationFailure(errors)) }
        return rule
    }

    func decodeInput(_ req: Request) throws -> RuleInput {
        do {
            return try req.decodeJSON(RuleInput.self)
        } catch let error as DecodingError {
            throw Problem.validation(ValidationFailure([FieldError(field: "rule", message: "The rule cannot be read: \(Self.describe(error))", code: "invalid")]))
        }
    }

    static func describe(_ error: DecodingError) -> String {
        switch error {
        case .dataCorrupted(let context), .typeMismatch(_, let context), .valueNotFound(_, let context), .keyNotFound(_, let context):
            let path = context.codingPath.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }.joined(separator: ".")
            return path.isEmpty ? context.debugDescription : "\(path): \(context.debugDescription)"
        @unknown default: return "\(error)"
        }
    }

    @Sendable func create(_ req: Request) async throws -> Response {
        let (scope, principal) = try req.requireTenant(.settingsManage)
        let rule = try Self.rule(try decodeInput(req), id: TimeOrderedID.make(), version: 1)
        let requestID = req.requestID
        try await req.writer.atomically { db in
            try await RoutingRuleStore(db: db).add(scope, rule, version: 1, at: Date())
            try await AuditLog.record(on: db, tenantID: scope.tenantID, actor: principal.actorLabel, actorUserID: principal.userID,
                                      action: "routing_rule.created", target: "routing_rule:\(rule.id)",
                                      change: .init(after: ["name": rule.name, "version": "1"]), requestID: requestID)
        }
        return try await rule.encodeResponse(status: .created, for: req)
    }

    @Sendable func update(_ req: Request) async throws -> RoutingRule {
        let (scope, principal) = try req.requireTenant(.settingsManage)
        guard let raw = req.parameters.get("ruleId"), let id = UUID(uuidString: raw),
              let (version, before) = try await RoutingRuleStore(db: req.db).stored(scope, id: id) else { throw Problem.notFound("That routing rule") }
        let rule = try Self.rule(try decodeInput(req), id: id, version: version + 1)
        let requestID = req.requestID
        try await req.writer.atomically { db in
            let definition = try await RoutingRuleStore(db: db).replace(scope, rule, at: Date())
            try await AuditLog.record(on: db, tenantID: scope.tenantID, actor: principal.actorLabel, actorUserID: principal.userID,
                                      action: "routing_rule.updated", target: "routing_rule:\(id)",
                                      change: .init(before: ["definition": String(before.prefix(2_000))],
                                                    after: ["definition": String(definition.prefix(2_000)), "version": String(rule.version)]),
                                      requestID: requestID)
        }
        return rule
    }

    @Sendable func dryRun(_ req: Request) async throws -> DryRunResponse {
        let (scope, _) = try req.requireTenant(.ticketsRead)
        guard let raw = req.parameters.get("ticketId"), let ticketID = UUID(uuidString: raw) else { throw Problem.notFound("That ticket") }
        // The body is optional: without one the rules are tried as on a new ticket.
        let input = (req.body.data?.readableBytes ?? 0) > 0 ? try req.decodeJSON(DryRunRequest.self) : DryRunRequest()
        let tickets = TicketStore(db: req.db)
        guard let ticket = try await tickets.find(scope, id: ticketID) else { throw Problem.notFound("That ticket") }
        let event = input.event ?? .ticketCreated
        let last = try await tickets.messages(scope, ticket: ticketID).last
        let context = RuleContext(
            event: event,
            ticket: .init(subject: ticket.subject, status: ticket.status, priority: ticket.priority, channel: ticket.channel,
                          category: ticket.type, tags: Set(ticket.tagList), customFields: ticket.fields.mapValues { .text($0) },
                          createdAt: ticket.createdAt, updatedAt: ticket.updatedAt, team: ticket.groupName,
                          assignee: ticket.assigneeId?.uuidString.lowercased()),
            message: last.map { .init(body: $0.body, fromCustomer: $0.fromCustomer, channel: ticket.channel) },
            contact: .init(email: ticket.requesterEmail, name: ticket.requesterName), now: Date())
        let set: CompiledRuleSet
        do {
            set = try CompiledRuleSet(rules: try await RoutingRuleStore(db: req.db).rules(scope))
        } catch let failure as ValidationFailure {
            throw Problem.validation(failure)
        }
        let evaluation = set.dryRun(context)
        return DryRunResponse(event: evaluation.event, firedRuleIds: evaluation.firedRuleIDs, actions: evaluation.actions, trace: evaluation.trace)
    }
}

// MARK: - API schemas

extension Condition: APISchema {
    static let schemaName = "RoutingCondition"
    static var schema: JSONValue {
        Schema.object([
            "field": Schema.string("ticket.subject, ticket.status, ticket.priority, ticket.channel, ticket.category, ticket.tags, ticket.team, "
                                   + "ticket.assignee, ticket.created_at, ticket.updated_at, message.body, message.from_customer, message.channel, "
                                   + "contact.email, contact.name, event.time or custom.<name>."),
            "op": Schema.string(enumeration: ConditionOperator.allCases.map(\.rawValue)),
            "value": ["type": ["string", "number", "boolean", "null"]],
        ], required: ["field", "op"])
    }
    static var example: Self { Condition("ticket.priority", .equal, "urgent") }
}

extension ConditionGroup: APISchema {
    static let schemaName = "RoutingConditions"
    static var schema: JSONValue {
        Schema.object(["all": Schema.array(Schemas.ref(Condition.self)), "any": Schema.array(Schemas.ref(Condition.self))])
    }
    static var example: Self {
        ConditionGroup(all: [Condition("ticket.channel", .equal, "email")],
                       any: [.example, Condition("message.body", .contains, "refund")])
    }
}

extension RuleAction: APISchema {
    static let schemaName = "RoutingAction"
    static var schema: JSONValue {
        Schema.object([
            "type": Schema.string(enumeration: RuleAction.types),
        ], required: ["type"], additionalProperties: true)
    }
    static var example: Self { .assignTeam("Billing") }
}

extension RoutingRulesController.RuleInput: APISchema {
    static let schemaName = "RoutingRuleInput"
    static var schema: JSONValue {
        Schema.object([
            "name": Schema.string(), "position": Schema.integer(minimum: 0, maximum: 100_000),
            "events": Schema.array(Schema.string(enumeration: RuleEvent.allCases.map(\.rawValue))),
            "conditions": Schemas.ref(ConditionGroup.self), "actions": Schema.array(Schemas.ref(RuleAction.self)),
            "stop_processing": Schema.boolean, "enabled": Schema.boolean,
        ], required: ["name", "actions"])
    }
    static var example: Self {
        let rule = RoutingRule.example
        return Self(name: rule.name, position: rule.position, events: [.ticketCreated], conditions: rule.conditions, actions: rule.actions,
                    stopProcessing: rule.stopProcessing, enabled: rule.enabled)
    }
}

extension RoutingRule: APISchema {
    static let schemaName = "RoutingRule"
    static var schema: JSONValue {
        Schema.object([
            "id": Schemas.uuid, "name": Schema.string(), "position": Schema.integer(minimum: 0), "version": Schema.integer(minimum: 1),
            "events": Schema.array(Schema.string(enumeration: RuleEvent.allCases.map(\.rawValue))),
            "conditions": Schemas.ref(ConditionGroup.self), "actions": Schema.array(Schemas.ref(RuleAction.self)),
            "stop_processing": Schema.boolean, "enabled": Schema.boolean,
        ], required: ["id", "name", "position", "version", "events", "conditions", "actions", "stop_processing", "enabled"])
    }
    /// Refund requests by email go to Billing, marked high.
    static var example: Self {
        RoutingRule(id: APIExample.id("0193a430-9fa0-7b1c-8d2e-3f4a5b6c7d8e"), name: "Refunds to Billing", position: 10, version: 2,
                    events: [.ticketCreated],
                    conditions: ConditionGroup(all: [Condition("ticket.channel", .equal, "email"), Condition("message.body", .contains, "refund")]),
                    actions: [.assignTeam("Billing"), .setPriority("high"), .addTag("refund")], stopProcessing: false, enabled: true)
    }
}

extension RoutingRulesController.RulePage: APISchema {
    static let schemaName = "RoutingRulePage"
    static var schema: JSONValue {
        Schema.object(["items": Schema.array(Schemas.ref(RoutingRule.self))], required: ["items"])
    }
    static var example: Self { Self(items: [.example]) }
}

extension RoutingRulesController.DryRunRequest: APISchema {
    static let schemaName = "RoutingDryRunRequest"
    static var schema: JSONValue {
        Schema.object([
            "event": Schema.string("The event to try the rules for (default ticket_created).",
                                   enumeration: RuleEvent.allCases.map(\.rawValue), nullable: true),
        ])
    }
    static var example: Self { Self(event: .ticketCreated) }
}

extension RoutingRulesController.DryRunResponse: APISchema {
    static let schemaName = "RoutingDryRun"
    static var schema: JSONValue {
        Schema.object([
            "event": Schema.string(enumeration: RuleEvent.allCases.map(\.rawValue)),
            "fired_rule_ids": Schema.array(Schemas.uuid), "actions": Schema.array(Schemas.ref(RuleAction.self)),
            "trace": Schema.array(Schema.object([
                "rule_id": Schemas.uuid, "name": Schema.string(), "version": Schema.integer(minimum: 1), "position": Schema.integer(minimum: 0),
                "outcome": Schema.string(enumeration: ["fired", "skipped"]), "reason": Schema.string(),
            ], required: ["rule_id", "name", "version", "position", "outcome", "reason"])),
        ], required: ["event", "fired_rule_ids", "actions", "trace"])
    }
    static var example: Self {
        let rule = RoutingRule.example
        return Self(event: .ticketCreated, firedRuleIds: [rule.id], actions: rule.actions, trace: APIExample.decoded("""
            [{"ruleId": "\(rule.id.uuidString.lowercased())", "name": "\(rule.name)", "version": \(rule.version), "position": \(rule.position),
              "outcome": "fired", "reason": "all conditions hold: ticket.channel equal email, message.body contains \\"refund\\""},
             {"ruleId": "0193a431-0a1b-7c2d-8e3f-4a5b6c7d8e9f", "name": "VIP customers first", "version": 1, "position": 20,
              "outcome": "skipped", "reason": "condition 1 (ticket.tags contains vip) is false: ticket.tags is empty"}]
            """))
    }
}
