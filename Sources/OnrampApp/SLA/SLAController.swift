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
            responses: [.init(status: 200, description: "The calendars.", schema: Schemas.ref(SLAController.CalendarPage.self))]
        ), in: registry, use: listCalendars)
        routes.register(.init(
            id: "createBusinessCalendar", method: .POST, path: "/api/v1/business-calendars", tag: "Workflows",
            summary: "Adds a business calendar; the first one (or one marked is_default) is the default for SLA policies",
            requestBody: Schemas.ref(SLAController.CalendarInput.self),
            responses: [.init(status: 201, description: "The calendar.", schema: Schemas.ref(SLAController.CalendarDTO.self))], problems: [409]
        ), in: registry, use: createCalendar)
        routes.register(.init(
            id: "listSlaPolicies", method: .GET, path: "/api/v1/sla-policies", tag: "Workflows",
            summary: "The tenant's SLA policies in the order they are matched",
            responses: [.init(status: 200, description: "The policies.", schema: Schemas.ref(SLAController.PolicyPage.self))]
        ), in: registry, use: listPolicies)
        routes.register(.init(
            id: "createSlaPolicy", method: .POST, path: "/api/v1/sla-policies", tag: "Workflows",
            summary: "Adds an SLA policy: conditions, targets per priority, pausing statuses, warning and escalation path",
            requestBody: Schemas.ref(SLAController.PolicyInput.self),
            responses: [.init(status: 201, description: "The policy.", schema: Schemas.ref(SLAController.PolicyDTO.self))], problems: [409]
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

// MARK: - API schemas

extension SLAController.CalendarInput: APISchema {
    static let schemaName = "BusinessCalendarInput"
    static var schema: JSONValue {
        Schema.object([
            "name": Schema.text("The calendar's name.", maxLength: 120),
            "time_zone": Schema.string("IANA time zone, such as Europe/Berlin."),
            "hours": ["type": ["object", "null"], "propertyNames": Schemas.weekdayKeys,
                      "additionalProperties": Schema.string("09:00-17:00, 09:00-12:00, 13:00-17:00, 22:00-06:00 or closed.")],
            "holidays": ["type": ["array", "null"], "items": Schema.string("2026-12-24 for one day, 12-25 for every year.")],
            "calendar_hours": ["type": ["boolean", "null"]], "is_default": ["type": ["boolean", "null"]],
        ], required: ["name", "time_zone"])
    }
    static var example: Self {
        Self(name: "Stockholm office", timeZone: "Europe/Stockholm",
             hours: ["mon": "08:00-17:00", "tue": "08:00-17:00", "wed": "08:00-17:00", "thu": "08:00-17:00", "fri": "08:00-12:00, 13:00-16:00",
                     "sat": "closed", "sun": "closed"],
             holidays: ["12-24", "12-25", "2026-06-19"], calendarHours: false, isDefault: true)
    }
}

extension SLAController.CalendarDTO: APISchema {
    static let schemaName = "BusinessCalendar"
    static var schema: JSONValue {
        Schema.object([
            "id": Schemas.uuid, "name": Schema.string(), "is_default": Schema.boolean, "time_zone": Schema.string(),
            "calendar_hours": Schema.boolean, "hours": ["type": "object", "additionalProperties": Schema.string()],
            "holidays": Schema.array(Schema.string()), "created_at": Schemas.dateTime,
        ], required: ["id", "name", "is_default", "time_zone", "calendar_hours", "hours", "holidays", "created_at"])
    }
    static var example: Self {
        let input = SLAController.CalendarInput.example
        return Self(id: APIExample.id("0193a440-a0b1-7c2d-9e3f-4a5b6c7d8e9f"), name: "Stockholm office", isDefault: true,
                    timeZone: "Europe/Stockholm", calendarHours: false, hours: input.hours ?? [:], holidays: input.holidays ?? [],
                    createdAt: APIExample.date("2026-03-02T10:04:00Z"))
    }
}

extension SLAController.CalendarPage: APISchema {
    static let schemaName = "BusinessCalendarPage"
    static var schema: JSONValue {
        Schema.object(["items": Schema.array(Schemas.ref(SLAController.CalendarDTO.self))], required: ["items"])
    }
    static var example: Self { Self(items: [.example]) }
}

extension SLAController {
    /// The body of createSlaPolicy: a domain `SLAPolicy` and, in the same object, the
    /// `PolicyExtras` (position, escalation) the handler reads beside it.
    struct PolicyInput: APISchema {
        var policy: SLAPolicy
        var position: Int?
        var escalation: EscalationPath?

        enum Keys: String, CodingKey { case position, escalation }

        init(policy: SLAPolicy, position: Int?, escalation: EscalationPath?) {
            self.policy = policy
            self.position = position
            self.escalation = escalation
        }

        init(from decoder: any Decoder) throws {
            let extras = try PolicyExtras(from: decoder)
            self.init(policy: try SLAPolicy(from: decoder), position: extras.position, escalation: extras.escalation)
        }

        func encode(to encoder: any Encoder) throws {
            try policy.encode(to: encoder)
            var container = encoder.container(keyedBy: Keys.self)
            try container.encodeIfPresent(position, forKey: .position)
            try container.encodeIfPresent(escalation, forKey: .escalation)
        }

        /// The members both the input and the stored policy have.
        static let policyMembers: [String: JSONValue] = [
            "name": Schema.text("The policy's name.", maxLength: 120),
            "conditions": Schema.object([
                "priorities": ["type": ["array", "null"], "items": Schema.string(enumeration: TicketPriority.allCases.map(\.rawValue))],
                "channels": ["type": ["array", "null"], "items": Schema.string()],
                "tags": ["type": ["array", "null"], "items": Schema.string()],
            ]),
            "targets": [
                "type": "object", "description": "Per priority, minutes of business time per metric.",
                "propertyNames": ["enum": .array(TicketPriority.allCases.map { .string($0.rawValue) })],
                "additionalProperties": Schema.object([
                    "first_response_minutes": Schemas.minutes, "next_response_minutes": Schemas.minutes,
                    "periodic_update_minutes": Schemas.minutes, "resolution_minutes": Schemas.minutes,
                ]),
            ],
            "paused_statuses": [
                "type": "object", "description": "Per metric, the statuses in which its clock stands still.",
                "propertyNames": ["enum": .array(SLAMetric.allCases.map { .string($0.rawValue) })],
                "additionalProperties": Schema.array(Schema.string(enumeration: TicketStatus.allCases.map(\.rawValue))),
            ],
            "warning_minutes": Schema.integer("Warn when this many business minutes remain.", minimum: 0, maximum: 10_080),
            "calendar_hours": Schema.boolean,
            "calendar_id": Schema.string("A business calendar's id; the default calendar when absent.", format: "uuid", nullable: true),
            "escalation": Schema.array(Schema.object([
                "after_minutes": Schema.integer(minimum: 0, maximum: 43_200),
                "notify": Schema.array(Schema.string("assignee, role:supervisor, role:admin, role:owner or an email address.")),
            ], required: ["after_minutes", "notify"])),
        ]
    }
}

extension SLAController.PolicyInput {
    static let schemaName = "SlaPolicyInput"
    // In requests, null means "not given" (the default) for every optional member.
    static var schema: JSONValue {
        Schema.object(policyMembers.merging(["position": Schema.integer(minimum: 0, maximum: 100_000)]) { a, _ in a }
                          .reduce(into: [String: JSONValue]()) { members, member in
                              members[member.key] = ["name", "targets"].contains(member.key) ? member.value
                                  : ["anyOf": [member.value, ["type": "null"]]]
                          },
                      required: ["name", "targets"])
    }
    /// Business-hours targets per priority, escalating to supervisors half an hour after a breach.
    static var example: Self {
        Self(policy: SLAPolicy(
                name: "Standard support", conditions: SLAPolicy.Conditions(channels: ["email", "chat"]),
                targets: [.urgent: .init(firstResponse: 30, resolution: 240), .high: .init(firstResponse: 60, resolution: 480),
                          .normal: .init(firstResponse: 240, nextResponse: 480, resolution: 2400)],
                warningMinutes: 30, calendarHours: false, calendarID: nil),
             position: 0,
             escalation: EscalationPath(levels: [.init(afterMinutes: 30, notify: [EscalationPath.Recipient("role:supervisor")!]),
                                                 .init(afterMinutes: 240, notify: [EscalationPath.Recipient("role:admin")!])]))
    }
}

extension SLAController.PolicyDTO: APISchema {
    static let schemaName = "SlaPolicy"
    static var schema: JSONValue {
        Schema.object(SLAController.PolicyInput.policyMembers.merging(["id": Schemas.uuid, "position": Schema.integer(minimum: 0),
                                                                       "created_at": Schemas.dateTime]) { a, _ in a },
                      required: ["id", "name", "position", "conditions", "targets", "paused_statuses", "warning_minutes",
                                 "calendar_hours", "escalation", "created_at"])
    }
    static var example: Self {
        let input = SLAController.PolicyInput.example
        return Self(id: APIExample.id("0193a420-8e9f-7a0b-8c1d-2e3f4a5b6c7d"), position: input.position ?? 0, policy: input.policy,
                    escalation: input.escalation ?? EscalationPath(), createdAt: APIExample.date("2026-03-02T10:06:00Z"))
    }
}

extension SLAController.PolicyPage: APISchema {
    static let schemaName = "SlaPolicyPage"
    static var schema: JSONValue {
        Schema.object(["items": Schema.array(Schemas.ref(SLAController.PolicyDTO.self))], required: ["items"])
    }
    static var example: Self { Self(items: [.example]) }
}
