import Fluent
import Foundation
import OnrampDomain
import SQLKit
import Vapor

/// The team dashboard (TEAM-3): per agent, open tickets now, and over a chosen period the
/// median first response, median resolution and SLA attainment (`TeamDashboard` computes;
/// this reads the tickets and replays each SLA clock once).
struct TeamDashboardController {
    struct AgentRow: Content {
        let name: String
        let email: String
        let stats: TeamDashboard.Row

        func encode(to encoder: any Encoder) throws {
            try stats.encode(to: encoder)
            var container = encoder.container(keyedBy: Keys.self)
            try container.encode(name, forKey: .name)
            try container.encode(email, forKey: .email)
        }

        enum Keys: String, CodingKey { case name, email }

        init(name: String, email: String, stats: TeamDashboard.Row) {
            self.name = name
            self.email = email
            self.stats = stats
        }

        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: Keys.self)
            self.init(name: try container.decode(String.self, forKey: .name), email: try container.decode(String.self, forKey: .email),
                      stats: try TeamDashboard.Row(from: decoder))
        }
    }

    struct Dashboard: Content {
        let from: Date
        let to: Date
        let team: TeamDashboard.Row
        let agents: [AgentRow]
        /// Tickets looked at; at most `limit`, the most recent first.
        let ticketsConsidered: Int
        let truncated: Bool
    }

    static let limit = 50_000

    func register(on routes: any RoutesBuilder, registry: APIOperationRegistry) {
        routes.register(.init(
            id: "getTeamDashboard", method: .GET, path: "/api/v1/team/dashboard", tag: "Team",
            summary: "Per agent: open tickets, median first response, median resolution and SLA attainment over a period",
            parameters: [
                .init(name: "from", location: .query, description: "Start of the period (ISO 8601; default 30 days ago).",
                      schema: Schema.string(format: "date-time"), required: false),
                .init(name: "to", location: .query, description: "End of the period, exclusive (ISO 8601; default now).",
                      schema: Schema.string(format: "date-time"), required: false),
            ],
            responses: [.init(status: 200, description: "The dashboard.", schema: Schemas.ref(TeamDashboardController.Dashboard.self))]
        ), in: registry, use: dashboard)
    }

    struct Query: Decodable {
        var from: String?
        var to: String?
    }

    static func date(_ text: String?, field: String, errors: inout FieldErrors) -> Date? {
        guard let text else { return nil }
        let formatter = ISO8601DateFormatter()
        if let date = formatter.date(from: text) { return date }
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        if let date = formatter.date(from: text) { return date }
        formatter.formatOptions = [.withFullDate]
        if let date = formatter.date(from: text) { return date }
        errors.add(field, "Write a date and time such as 2026-11-01T00:00:00Z, or a date such as 2026-11-01.", code: "invalid_format")
        return nil
    }

    @Sendable func dashboard(_ req: Request) async throws -> Dashboard {
        let (scope, _) = try req.requireTenant(.reportsRead)
        let query = try req.query.decode(Query.self)
        var errors = FieldErrors()
        let now = Date()
        let to = Self.date(query.to, field: "to", errors: &errors) ?? now
        let from = Self.date(query.from, field: "from", errors: &errors) ?? to.addingTimeInterval(-30 * 86_400)
        if errors.isEmpty, from >= to { errors.add("from", "The period must start before it ends.", code: "inconsistent") }
        if errors.isEmpty, to.timeIntervalSince(from) > 366 * 86_400 { errors.add("from", "Choose a period of at most a year.", code: "out_of_range") }
        try errors.check()
        let period = DateInterval(start: from, end: to)
        let open = TeamStore.openStatuses
        let rows = try await TicketStore(db: req.db).measured(scope, openStatuses: open, from: from, to: to, limit: Self.limit + 1)
        let truncated = rows.count > Self.limit
        var facts: [UUID: TeamDashboard.TicketFacts] = [:]
        var measured: [UUID] = []
        for row in rows.prefix(Self.limit) {
            facts[row.id] = TeamDashboard.TicketFacts(assignee: row.assigneeId, createdAt: row.createdAt, firstResponseAt: row.firstResponseAt,
                                                      solvedAt: row.solvedAt, isOpen: open.contains(row.status))
            if row.slaPolicyId != nil, period.start <= row.createdAt, row.createdAt < period.end { measured.append(row.id) }
        }
        // SLA outcomes as of the period's end: metrics that ended in time, and those breached.
        let asOf = min(now, to)
        for id in measured {
            guard let loaded = try await SLAMonitor.load(ticket: id, scope: scope, on: req.db) else { continue }
            for status in loaded.clock.status(at: asOf).values {
                if status.breachedAt != nil { facts[id]?.slaBreached += 1 } else if status.state == .achieved { facts[id]?.slaAchieved += 1 }
            }
        }
        let agents = try await TeamStore(db: req.db).agents(scope)
        let result = TeamDashboard.rows(agents: agents.map(\.userID), tickets: Array(facts.values), period: period)
        return Dashboard(from: from, to: to, team: result.team,
                         agents: zip(agents, result.agents).map { AgentRow(name: $0.name, email: $0.email, stats: $1) },
                         ticketsConsidered: min(rows.count, Self.limit), truncated: truncated)
    }
}

// MARK: - API schemas

extension TeamDashboardController.Dashboard: APISchema {
    static let schemaName = "TeamDashboard"
    static var schema: JSONValue {
        let row: [String: JSONValue] = [
            "agent_id": Schema.string(format: "uuid", nullable: true), "open_tickets": Schema.integer(minimum: 0),
            "tickets_received": Schema.integer(minimum: 0), "tickets_solved": Schema.integer(minimum: 0),
            "median_first_response_minutes": ["type": ["number", "null"]], "median_resolution_minutes": ["type": ["number", "null"]],
            "sla_attainment": ["type": ["number", "null"], "minimum": 0, "maximum": 1], "sla_measured": Schema.integer(minimum: 0),
        ]
        return Schema.object([
            "from": Schemas.dateTime, "to": Schemas.dateTime,
            "team": Schema.object(row, required: ["open_tickets", "tickets_received", "tickets_solved", "sla_measured"]),
            "agents": Schema.array(Schema.object(row.merging(["name": Schema.string(), "email": Schema.string()]) { a, _ in a },
                                                 required: ["name", "email", "open_tickets"])),
            "tickets_considered": Schema.integer(minimum: 0), "truncated": Schema.boolean,
        ], required: ["from", "to", "team", "agents", "tickets_considered", "truncated"])
    }
    /// A week of a small team.
    static var example: Self {
        let maya = AuthController.CurrentUserResponse.UserInfo.example.id
        return Self(
            from: APIExample.date("2026-02-23T00:00:00Z"), to: APIExample.date("2026-03-02T00:00:00Z"),
            team: APIExample.decoded("""
                {"openTickets": 23, "ticketsReceived": 112, "ticketsSolved": 104, "medianFirstResponseMinutes": 38.5,
                 "medianResolutionMinutes": 412, "slaAttainment": 0.94, "slaMeasured": 180}
                """),
            agents: [
                .init(name: "Maya Lindqvist", email: "maya@northwind.example", stats: APIExample.decoded("""
                    {"agentId": "\(maya.uuidString.lowercased())", "openTickets": 7, "ticketsReceived": 0, "ticketsSolved": 41,
                     "medianFirstResponseMinutes": 31, "medianResolutionMinutes": 380.5, "slaAttainment": 0.97, "slaMeasured": 66}
                    """)),
                .init(name: "Erik Holm", email: "erik.holm@northwind.example", stats: APIExample.decoded("""
                    {"agentId": "0193a461-d3e4-7f5a-8b6c-7d8e9fa0b1c2", "openTickets": 0, "ticketsReceived": 0, "ticketsSolved": 0,
                     "slaMeasured": 0}
                    """)),
            ],
            ticketsConsidered: 112, truncated: false)
    }
}
