import Fluent
import Foundation
import OnrampDomain
import SQLKit
import Vapor

/// Each ticket's SLA state, worked out from its policy, calendar and history by `SLAClock`;
/// and the `sla.check` job that fires warnings, breaches and escalation levels when they come
/// due. A check is scheduled for the next deadline after every change and after every check;
/// a check that finds nothing due (the ticket changed meanwhile) only schedules the next.
enum SLAMonitor {
    struct State: Content {
        let policyId: UUID
        let policyName: String
        let metrics: [SLAClock.MetricStatus]
    }

    struct Loaded {
        let policy: SLAStore.Policy
        let clock: SLAClock
        let ticket: TicketState
    }

    static func load(ticket id: UUID, scope: TenantScope, on db: any Database) async throws -> Loaded? {
        guard let ticket = try await TicketStore(db: db).load(scope, id: id) else { return nil }
        return try await load(ticket, scope: scope, on: db)
    }

    /// The clock of a ticket already read (the workflow has it in hand).
    static func load(_ ticket: TicketState, scope: TenantScope, on db: any Database) async throws -> Loaded? {
        let id = ticket.id
        let sla = SLAStore(db: db)
        guard let policyID = ticket.slaPolicyID, let policy = try await sla.policy(scope, id: policyID) else { return nil }
        let calendar = try await sla.businessCalendar(scope, id: policy.policy.calendarID)
        var initial = ticket.priority
        var events: [SLAClock.Event] = []
        let rows = try await TicketStore(db: db).slaEvents(scope, ticket: id)
        for row in rows {
            let at = row.at
            let value = row.value ?? ""
            switch TicketEventKind(rawValue: row.kind) {
            case .created: initial = TicketPriority(rawValue: value) ?? initial
            case .status: if let status = TicketStatus(rawValue: value) { events.append(.statusChanged(to: status, at: at)) }
            case .priority: if let priority = TicketPriority(rawValue: value) { events.append(.priorityChanged(to: priority, at: at)) }
            case .agentReply: events.append(.publicReply(byAgent: true, at: at))
            case .customerReply: events.append(.publicReply(byAgent: false, at: at))
            case .reopened: events.append(.reopened(at: at))
            default: break
            }
        }
        if rows.isEmpty { initial = ticket.priority }
        return Loaded(policy: policy, clock: SLAClock(policy: policy.policy, calendar: calendar, createdAt: ticket.createdAt,
                                                      priority: initial, events: events), ticket: ticket)
    }

    /// The ticket's SLA state for the ticket API; nil without a policy.
    static func state(_ ticket: TicketState, scope: TenantScope, now: Date, on db: any Database) async throws -> State? {
        guard let loaded = try await load(ticket, scope: scope, on: db) else { return nil }
        let status = loaded.clock.status(at: now)
        return State(policyId: loaded.policy.id, policyName: loaded.policy.policy.name,
                     metrics: SLAMetric.allCases.compactMap { status[$0] })
    }

    /// Queues a check for the ticket's next deadline (warning, breach or escalation level).
    static func schedule(_ ticket: TicketState, scope: TenantScope, now: Date, on db: any Database) async throws {
        guard let loaded = try await load(ticket, scope: scope, on: db) else { return }
        try await schedule(loaded, scope: scope, now: now, on: db)
    }

    static func schedule(_ loaded: Loaded, scope: TenantScope, now: Date, on db: any Database) async throws {
        let id = loaded.ticket.id
        var next = loaded.clock.nextDeadlines(now: now).first?.at
        for status in loaded.clock.status(at: now).values {
            if let breached = status.breachedAt, let level = loaded.policy.escalation.nextLevel(breachedAt: breached, now: now) {
                next = min(next ?? level, level)
            }
        }
        guard let next else { return }
        try await JobQueue(db: db).enqueue(JobKinds.slaCheck, CheckPayload(ticketID: id.uuidString.lowercased()), tenantID: scope.tenantID,
                                           runAt: next, uniqueKey: "sla:\(id.uuidString.lowercased()):\(Int(next.timeIntervalSince1970))")
    }

    /// The ticket an `sla.check` job looks at.
    struct CheckPayload: Codable, Sendable {
        let ticketID: String
        enum CodingKeys: String, CodingKey { case ticketID = "ticket_id" }
    }

    static var checkKind: String { JobKinds.slaCheck.kind }

    /// Sends what has come due for the ticket at `now` (each once) and schedules the next check.
    /// Returns the notifications sent, as `metric:kind` (`first_response:warning`, `resolution:escalation-1`).
    @discardableResult
    static func check(ticket id: UUID, scope: TenantScope, now: Date, on db: any Database) async throws -> [String] {
        guard let loaded = try await load(ticket: id, scope: scope, on: db) else { return [] }
        var sent: [String] = []
        let ticket = loaded.ticket
        let sandbox = try await TicketWorkflow.isSandbox(scope, on: db)
        for (metric, status) in loaded.clock.status(at: now).sorted(by: { $0.key.rawValue < $1.key.rawValue }) {
            var due: [(kind: String, at: Date, recipients: [EscalationPath.Recipient], text: String)] = []
            let label = metric.rawValue.replacingOccurrences(of: "_", with: " ")
            if status.state == .active, let warning = status.warningAt, warning <= now, let dueAt = status.dueAt {
                due.append(("warning", dueAt, [.assignee, .role(.supervisor)],
                            "The \(label) target of ticket #\(ticket.number) runs out at \(dueAt.formatted(.iso8601)) (\(status.remainingBusinessMinutes ?? 0) business minutes left)."))
            }
            if let breached = status.breachedAt {
                due.append(("breach", breached, [.assignee, .role(.supervisor)],
                            "The \(label) target of ticket #\(ticket.number) was breached at \(breached.formatted(.iso8601))."))
                for level in loaded.policy.escalation.levelsDue(breachedAt: breached, now: now) {
                    due.append(("escalation-\(level + 1)", breached, loaded.policy.escalation.levels[level].notify,
                                "Escalation level \(level + 1): the \(label) target of ticket #\(ticket.number) was breached at \(breached.formatted(.iso8601)) and is still not met."))
                }
            }
            for item in due {
                // One row per metric, kind and due time: a repeated check sends nothing twice.
                guard try await SLAStore(db: db).markNotified(scope, ticket: id, metric: metric, kind: item.kind, due: item.at, at: now) else { continue }
                let kind: TicketEventKind = item.kind == "warning" ? .slaWarning : item.kind == "breach" ? .slaBreach : .escalated
                try await TicketWorkflow.record(kind, "\(metric.rawValue):\(item.kind)", ticket: id, scope: scope, at: now, on: db)
                let addresses = try await emails(item.recipients, ticket: ticket, scope: scope, on: db)
                for address in addresses where !sandbox {
                    try await Outbox.enqueue(to: address, subject: "[#\(ticket.number)] SLA \(item.kind.replacingOccurrences(of: "-", with: " ")): \(ticket.subject)",
                                             body: item.text + "\n\nSubject: \(ticket.subject)\nPriority: \(ticket.priority.rawValue)\nTeam: \(ticket.team ?? "none")\n",
                                             kind: "sla_\(item.kind.hasPrefix("escalation") ? "escalation" : item.kind)", tenantID: scope.tenantID, on: db)
                }
                sent.append("\(metric.rawValue):\(item.kind)")
            }
        }
        try await schedule(loaded, scope: scope, now: now, on: db)
        return sent
    }

    static func emails(_ recipients: [EscalationPath.Recipient], ticket: TicketState, scope: TenantScope, on db: any Database) async throws -> [String] {
        var addresses: [String] = []
        for recipient in recipients {
            switch recipient {
            case .assignee:
                if let assignee = ticket.assigneeID {
                    addresses += try await TicketWorkflow.emails(of: .person(assignee.uuidString), scope: scope, on: db)
                }
            case .role(let role):
                let roles = Role.allCases.filter { $0 >= role }
                addresses += try await TeamStore(db: db).emails(scope, roles: roles)
            case .email(let email):
                addresses.append(email.value)
            }
        }
        var seen = Set<String>()
        return addresses.filter { seen.insert($0.lowercased()).inserted }
    }

    static let handler = JobKinds.slaCheck.handler(unreadable: "An SLA check needs a tenant and a ticket.") { context, payload in
        guard let tenantID = context.job.tenantID, let ticketID = UUID(uuidString: payload.ticketID) else {
            throw JobFailure("An SLA check needs a tenant and a ticket.")
        }
        let sent = try await context.application.writer.atomically { db in
            try await check(ticket: ticketID, scope: TenantScope(tenantID: tenantID), now: Date(), on: db)
        }
        try await context.progress(done: 1, total: 1, message: sent.isEmpty ? "Nothing was due." : "Sent: \(sent.joined(separator: ", ")).")
    }
}

// MARK: - API schemas

extension SLAMonitor.State: APISchema {
    static let schemaName = "SlaState"
    static var schema: JSONValue {
        let metric = Schema.object([
            "metric": Schema.string(enumeration: SLAMetric.allCases.map(\.rawValue)),
            "state": Schema.string(enumeration: ["active", "paused", "achieved", "breached"]),
            "target_minutes": Schema.integer(minimum: 1), "started_at": Schemas.dateTime, "due_at": Schemas.nullableDateTime,
            "remaining_business_minutes": ["type": ["integer", "null"]], "warning_at": Schemas.nullableDateTime,
            "breached_at": Schemas.nullableDateTime, "achieved_at": Schemas.nullableDateTime,
        ], required: ["metric", "state", "target_minutes", "started_at"])
        return Schema.object(["policy_id": Schemas.uuid, "policy_name": Schema.string(), "metrics": Schema.array(metric)],
                             required: ["policy_id", "policy_name", "metrics"])
    }
    /// First response achieved, resolution running.
    static var example: Self {
        Self(policyId: APIExample.id("0193a420-8e9f-7a0b-8c1d-2e3f4a5b6c7d"), policyName: "Standard support",
             metrics: APIExample.decoded("""
                 [{"metric": "first_response", "state": "achieved", "target_minutes": 240, "started_at": "2026-03-04T08:12:00Z",
                   "achieved_at": "2026-03-04T09:03:00Z"},
                  {"metric": "resolution", "state": "active", "target_minutes": 2400, "started_at": "2026-03-04T08:12:00Z",
                   "due_at": "2026-03-09T08:12:00Z", "remaining_business_minutes": 1873, "warning_at": "2026-03-09T07:42:00Z"}]
                 """))
    }
}
