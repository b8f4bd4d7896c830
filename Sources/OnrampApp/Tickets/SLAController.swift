import Fluent
import Foundation
import OnrampDomain
import SQLKit
import Vapor

/// Business calendars and SLA policies (WF-3, WF-4): list and create. Definitions are stored
/// as the domain's JSON; the ticket workflow reads them to work out each ticket's SLA state.
struct SLAController {
    /// A business calendar as a client writes it.
    struct CalendarInput: Decodable {
        var name: String?
        var timeZone: String?
        var hours: [String: String]?
        var holidays: [String]?
        var calendarHours: Bool?
        var isDefault: Bool?

        enum CodingKeys: String, CodingKey {
            case name, timeZone = "time_zone", hours, holidays, calendarHours = "calendar_hours", isDefault = "is_default"
        }
    }

    struct CalendarDTO: Content {
        let id: UUID
        let name: String
        let isDefault: Bool
        let timeZone: String
        let calendarHours: Bool
        let hours: [String: String]
        let holidays: [String]
        let createdAt: Date
    }

    struct CalendarPage: Content { let items: [CalendarDTO] }

    /// What a policy carries besides the domain's `SLAPolicy`.
    struct PolicyExtras: Decodable {
        var position: Int?
        var escalation: EscalationPath?
    }

    struct PolicyDTO: Content {
        let id: UUID
        let position: Int
        let policy: SLAPolicy
        let escalation: EscalationPath
        let createdAt: Date

        enum Keys: String, CodingKey { case id, position, escalation, createdAt = "created_at" }

        func encode(to encoder: any Encoder) throws {
            try policy.encode(to: encoder)
            var container = encoder.container(keyedBy: Keys.self)
            try container.encode(id, forKey: .id)
            try container.encode(position, forKey: .position)
            try container.encode(escalation, forKey: .escalation)
            try container.encode(createdAt, forKey: .createdAt)
        }

        init(id: UUID, position: Int, policy: SLAPolicy, escalation: EscalationPath, createdAt: Date) {
            self.id = id
            self.position = position
            self.policy = policy
            self.escalation = escalation
            self.createdAt = createdAt
        }

        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: Keys.self)
            self.init(id: try container.decode(UUID.self, forKey: .id), position: try container.decode(Int.self, forKey: .position),
                      policy: try SLAPolicy(from: decoder), escalation: try container.decode(EscalationPath.self, forKey: .escalation),
                      createdAt: try container.decode(Date.self, forKey: .createdAt))
        }
    }

    struct PolicyPage: Content { let items: [PolicyDTO] }

    func register(on routes: any RoutesBuilder, registry: APIOperationRegistry) {
        routes.register(.init(
            id: "listBusinessCalendars", method: .GET, path: "/api/v1/business-calendars", tag: "Workflows",
            summary: "The tenant's business calendars (hours per day, holidays, time zone)",
            responses: [.init(status: 200, description: "The calendars.", schema: Schemas.ref("BusinessCalendarPage"))]
        ), in: registry, use: listCalendars)
        routes.register(.init(
            id: "createBusinessCalendar", method: .POST, path: "/api/v1/business-calendars", tag: "Workflows",
            summary: "Adds a business calendar; the first one (or one marked is_default) is the default for SLA policies",
            requestBody: Schemas.ref("BusinessCalendarInput"),
            responses: [.init(status: 201, description: "The calendar.", schema: Schemas.ref("BusinessCalendar"))], problems: [409]
        ), in: registry, use: createCalendar)
        routes.register(.init(
            id: "listSlaPolicies", method: .GET, path: "/api/v1/sla-policies", tag: "Workflows",
            summary: "The tenant's SLA policies in the order they are matched",
            responses: [.init(status: 200, description: "The policies.", schema: Schemas.ref("SlaPolicyPage"))]
        ), in: registry, use: listPolicies)
        routes.register(.init(
            id: "createSlaPolicy", method: .POST, path: "/api/v1/sla-policies", tag: "Workflows",
            summary: "Adds an SLA policy: conditions, targets per priority, pausing statuses, warning and escalation path",
            requestBody: Schemas.ref("SlaPolicyInput"),
            responses: [.init(status: 201, description: "The policy.", schema: Schemas.ref("SlaPolicy"))], problems: [409]
        ), in: registry, use: createPolicy)
    }

    // MARK: Calendars

    static func calendarDTO(_ stored: SLAStore.Calendar) -> CalendarDTO {
        let calendar = stored.calendar
        var hours: [String: String] = [:]
        if !calendar.isCalendarHours {
            for day in BusinessCalendar.Weekday.allCases {
                let slots = calendar.weekly[day] ?? []
                hours[day.rawValue] = slots.isEmpty ? "closed" : slots.map(\.description).joined(separator: ", ")
            }
        }
        return CalendarDTO(id: stored.id, name: stored.name, isDefault: stored.isDefault,
                           // Foundation on Linux names UTC "GMT"; show the name people gave.
                           timeZone: calendar.timeZone.identifier == "GMT" ? "UTC" : calendar.timeZone.identifier,
                           calendarHours: calendar.isCalendarHours, hours: hours, holidays: calendar.holidays.map(\.description),
                           createdAt: stored.createdAt)
    }

    @Sendable func listCalendars(_ req: Request) async throws -> CalendarPage {
        let (scope, _) = try req.requireTenant(.ticketsRead)
        return CalendarPage(items: try await SLAStore(db: req.db).calendars(scope).map(Self.calendarDTO))
    }

    /// Checks a calendar input; every problem is reported together.
    static func calendar(_ input: CalendarInput) throws -> (name: String, calendar: BusinessCalendar) {
        var errors = FieldErrors()
        let name = errors.requireText(input.name, field: "name", label: "Name", maxLength: 120)
        var calendar: BusinessCalendar?
        if input.calendarHours == true {
            let zone = (input.timeZone ?? "UTC").trimmingWhitespace()
            if let found = TimeZone(identifier: zone), zone == "UTC" || zone.contains("/") {
                calendar = .calendarHours(timeZone: found)
            } else {
                errors.add("time_zone", "\(zone) is not a time zone; use an IANA name such as Europe/Berlin.", code: "invalid_format")
            }
        } else {
            if (input.holidays?.count ?? 0) > 366 { errors.add("holidays", "List at most 366 holidays.", code: "too_many") }
            do {
                calendar = try BusinessCalendar.parse(timeZone: input.timeZone ?? "", hours: input.hours ?? [:], holidays: input.holidays ?? [])
            } catch {
                for problem in error.errors {
                    // The API names the fields `hours.mon` and `time_zone`, not the onboarding step's `business_hours.…`.
                    let field = problem.field == "business_hours.time_zone" ? "time_zone"
                        : problem.field.replacingOccurrences(of: "business_hours", with: "hours")
                    errors.add(field, problem.message, code: problem.code)
                }
            }
        }
        try errors.check()
        return (name!, calendar!)
    }

    @Sendable func createCalendar(_ req: Request) async throws -> Response {
        let (scope, principal) = try req.requireTenant(.settingsManage)
        let input = try req.decodeDomainJSON(CalendarInput.self, field: "calendar")
        let (name, calendar) = try Self.calendar(input)
        let id = TimeOrderedID.make()
        let definition = try SLAStore.json(calendar)
        let requestID = req.requestID
        try await req.writer.atomically { db in
            let store = SLAStore(db: db)
            if try await store.nameTaken(scope, .calendar, name) {
                throw Problem(.conflict, "There is already a calendar named \(name); choose another name.")
            }
            let isDefault = try await store.addCalendar(scope, id: id, name: name, calendar: calendar, asDefault: input.isDefault == true, at: Date())
            try await AuditLog.record(on: db, tenantID: scope.tenantID, actor: principal.actorLabel, actorUserID: principal.userID,
                                      action: "business_calendar.created", target: "business_calendar:\(id)",
                                      change: .init(after: ["name": name, "default": String(isDefault), "definition": String(definition.prefix(2_000))]),
                                      requestID: requestID)
        }
        guard let stored = try await SLAStore(db: req.db).calendar(scope, id: id) else { throw Problem.notFound("That calendar") }
        return try await Self.calendarDTO(stored).encodeResponse(status: .created, for: req)
    }

    // MARK: Policies

    static func policyDTO(_ stored: SLAStore.Policy) -> PolicyDTO {
        PolicyDTO(id: stored.id, position: stored.position, policy: stored.policy, escalation: stored.escalation, createdAt: stored.createdAt)
    }

    @Sendable func listPolicies(_ req: Request) async throws -> PolicyPage {
        let (scope, _) = try req.requireTenant(.ticketsRead)
        return PolicyPage(items: try await SLAStore(db: req.db).policies(scope).map(Self.policyDTO))
    }

    @Sendable func createPolicy(_ req: Request) async throws -> Response {
        let (scope, principal) = try req.requireTenant(.settingsManage)
        var policy = try req.decodeDomainJSON(SLAPolicy.self, field: "policy")
        let extras = try req.decodeDomainJSON(PolicyExtras.self, field: "policy")
        policy.name = policy.name.trimmingWhitespace()
        var errors = policy.problems()
        let escalation = extras.escalation ?? EscalationPath()
        errors += escalation.problems()
        let position = extras.position ?? 0
        if !(0...100_000).contains(position) {
            errors.append(FieldError(field: "position", message: "Position is a whole number from 0 to 100000.", code: "out_of_range"))
        }
        if policy.targets.values.allSatisfy({ targets in SLAMetric.allCases.allSatisfy { targets[$0] == nil } }) {
            errors.append(FieldError(field: "targets", message: "Set at least one target, e.g. targets.urgent.first_response_minutes.", code: "required"))
        }
        if let calendar = policy.calendarID {
            let known = if let id = UUID(uuidString: calendar) { try await SLAStore(db: req.db).calendar(scope, id: id) } else { nil as SLAStore.Calendar? }
            if known == nil {
                errors.append(FieldError(field: "calendar_id", message: "There is no business calendar \(calendar) in this account.", code: "unknown"))
            }
        }
        if !errors.isEmpty { throw Problem.validation(ValidationFailure(errors)) }
        let id = TimeOrderedID.make()
        let name = policy.name
        let chosen = policy
        let requestID = req.requestID
        try await req.writer.atomically { db in
            let store = SLAStore(db: db)
            if try await store.nameTaken(scope, .policy, name) {
                throw Problem(.conflict, "There is already a SLA policy named \(name); choose another name.")
            }
            let (definition, path) = try await store.addPolicy(scope, id: id, policy: chosen, escalation: escalation, position: position, at: Date())
            try await AuditLog.record(on: db, tenantID: scope.tenantID, actor: principal.actorLabel, actorUserID: principal.userID,
                                      action: "sla_policy.created", target: "sla_policy:\(id)",
                                      change: .init(after: ["name": name, "definition": String(definition.prefix(2_000)), "escalation": path]),
                                      requestID: requestID)
        }
        guard let stored = try await SLAStore(db: req.db).policy(scope, id: id) else { throw Problem.notFound("That policy") }
        return try await Self.policyDTO(stored).encodeResponse(status: .created, for: req)
    }
}
