import Fluent
import Foundation
import OnrampDomain
import NIOConcurrencyHelpers
import SQLKit
import Vapor

/// What happened to a ticket, kept in `ticket_events`: the SLA clock replays it, the team
/// dashboard measures it, and the ticket page shows it.
enum TicketEventKind: String {
    case created, status, priority, reopened, team, assigned, queued, note
    case agentReply = "agent_reply", customerReply = "customer_reply"
    case rule, slaPolicy = "sla_policy", slaWarning = "sla_warning", slaBreach = "sla_breach", escalated, suppressed
}

/// A ticket as the workflow reads it.
struct TicketState: Sendable {
    let id: UUID
    let number: Int64
    var subject: String
    var status: TicketStatus
    var priority: TicketPriority
    let channel: String
    let type: String?
    var tags: [String]
    let customFields: [String: String]
    var team: String?
    var assigneeID: UUID?
    let requesterEmail: String?
    let requesterName: String?
    let createdAt: Date
    var slaPolicyID: UUID?
    var queueReason: String?
}

/// The ticket service's automation, run inside the transaction of each change (API, channels):
/// it records the change, runs the routing rules for the event and applies their actions,
/// assigns the ticket when it has a team and no agent, settles its SLA policy and schedules
/// the next SLA check. Nothing is sent from here: mail and webhooks become jobs that exist
/// exactly when the change commits.
enum TicketWorkflow {
    static func record(_ kind: TicketEventKind, _ value: String? = nil, ticket: UUID, scope: TenantScope, user: UUID? = nil, at: Date,
                       on db: any Database) async throws {
        try await db.sql.raw("""
            INSERT INTO ticket_events (id, tenant_id, ticket_id, kind, value, user_id, at)
            VALUES (\(bind: TimeOrderedID.make(at: at)), \(bind: scope.tenantID), \(bind: ticket), \(bind: kind.rawValue),
                    \(bind: value.map { String($0.prefix(500)) }), \(bind: user), \(bind: at))
            """).run()
    }

    static func load(_ id: UUID, scope: TenantScope, on db: any Database) async throws -> TicketState? {
        guard let row = try await db.sql.raw("""
            SELECT t.id, t.number, t.subject, t.status, t.priority, t.channel, t.type, t.tags, t.custom_fields, t.group_name,
                   t.assignee_id, t.created_at, t.sla_policy_id, t.queue_reason, c.email AS requester_email, c.name AS requester_name
            FROM tickets t LEFT JOIN contacts c ON c.id = t.requester_id AND c.tenant_id = t.tenant_id
            WHERE t.id = \(bind: id) AND t.tenant_id = \(bind: scope.tenantID)
            """).first() else { return nil }
        let fields = (try? JSONDecoder().decode([String: String].self, from: Data(try row.decode(column: "custom_fields", as: String.self).utf8))) ?? [:]
        return TicketState(
            id: id, number: try row.decode(column: "number", as: Int64.self), subject: try row.decode(column: "subject", as: String.self),
            status: TicketStatus(rawValue: try row.decode(column: "status", as: String.self)) ?? .open,
            priority: TicketPriority(rawValue: try row.decode(column: "priority", as: String.self)) ?? .normal,
            channel: try row.decode(column: "channel", as: String.self), type: try row.decode(column: "type", as: String?.self),
            tags: TicketsController.tags(try row.decode(column: "tags", as: String.self)), customFields: fields,
            team: try row.decode(column: "group_name", as: String?.self), assigneeID: try row.decode(column: "assignee_id", as: UUID?.self),
            requesterEmail: try row.decode(column: "requester_email", as: String?.self),
            requesterName: try row.decode(column: "requester_name", as: String?.self),
            createdAt: try row.decode(column: "created_at", as: Date.self),
            slaPolicyID: try row.decode(column: "sla_policy_id", as: UUID?.self), queueReason: try row.decode(column: "queue_reason", as: String?.self))
    }

    /// Creates a ticket with its first message and runs the automation: the one way tickets are
    /// made (the API, the sandbox's practice tickets, and channels). The requester is matched to
    /// a contact by email, or created with `contactTags`; the first message is the requester's
    /// when there is one, else the member's. Returns the ticket's id.
    static func create(_ draft: TicketDraft, type: String? = nil, contactTags: [String] = [], author: UUID?, scope: TenantScope,
                       at now: Date, on db: any Database) async throws -> UUID {
        let id = TimeOrderedID.make(at: now)
        var requesterID: UUID?
        if let email = draft.requesterEmail {
            if let row = try await db.sql.raw("""
                SELECT id FROM contacts WHERE tenant_id = \(bind: scope.tenantID) AND email = \(bind: email) LIMIT 1
                """).first() {
                requesterID = try row.decode(column: "id", as: UUID.self)
            } else {
                let contact = TimeOrderedID.make(at: now)
                try await db.sql.raw("""
                    INSERT INTO contacts (id, tenant_id, name, email, tags, custom_fields, created_at, updated_at)
                    VALUES (\(bind: contact), \(bind: scope.tenantID), \(bind: draft.requesterName), \(bind: email),
                            \(bind: ImportValue.array(contactTags.map { .text($0) }).json), '{}', \(bind: now), \(bind: now))
                    """).run()
                requesterID = contact
            }
        }
        let number = try await TicketNumbers.reserve(1, tenantID: scope.tenantID, on: db.sql)
        let tags = ImportValue.array(draft.tags.map { .text($0) }).json
        let fields = ImportValue.object(draft.customFields.keys.sorted().map { ($0, .text(draft.customFields[$0]!)) }).json
        try await db.sql.raw("""
            INSERT INTO tickets (id, tenant_id, number, subject, status, priority, channel, type, requester_id, group_name, tags, custom_fields,
                                 created_at, updated_at)
            VALUES (\(bind: id), \(bind: scope.tenantID), \(bind: number), \(bind: draft.subject), 'new', \(bind: draft.priority.rawValue),
                    \(bind: draft.channel), \(bind: type), \(bind: requesterID), \(bind: draft.team), \(bind: tags), \(bind: fields), \(bind: now), \(bind: now))
            """).run()
        try await db.sql.raw("""
            INSERT INTO ticket_messages (id, tenant_id, ticket_id, visibility, from_customer, author_contact_id, author_user_id, body, created_at)
            VALUES (\(bind: TimeOrderedID.make(at: now)), \(bind: scope.tenantID), \(bind: id), 'public', \(bind: requesterID != nil),
                    \(bind: requesterID), \(bind: requesterID == nil ? author : nil), \(bind: draft.body), \(bind: now))
            """).run()
        try await record(.created, draft.priority.rawValue, ticket: id, scope: scope, user: author, at: now, on: db)
        try await run(.ticketCreated, ticket: id, scope: scope,
                      message: .init(body: draft.body, fromCustomer: requesterID != nil, channel: draft.channel), now: now, on: db)
        return id
    }

    static func save(_ ticket: TicketState, scope: TenantScope, at now: Date, on db: any Database) async throws {
        try await db.sql.raw("""
            UPDATE tickets SET subject = \(bind: ticket.subject), status = \(bind: ticket.status.rawValue), priority = \(bind: ticket.priority.rawValue),
                tags = \(bind: ImportValue.array(ticket.tags.map { .text($0) }).json), group_name = \(bind: ticket.team),
                assignee_id = \(bind: ticket.assigneeID), sla_policy_id = \(bind: ticket.slaPolicyID), queue_reason = \(bind: ticket.queueReason),
                solved_at = CASE WHEN \(bind: ticket.status.isSolved) THEN COALESCE(solved_at, \(bind: now)) ELSE NULL END,
                updated_at = \(bind: now)
            WHERE id = \(bind: ticket.id) AND tenant_id = \(bind: scope.tenantID)
            """).run()
    }

    static func isSandbox(_ scope: TenantScope, on db: any Database) async throws -> Bool {
        try await db.sql.raw("SELECT sandbox_of FROM tenants WHERE id = \(bind: scope.tenantID)").first()?
            .decode(column: "sandbox_of", as: UUID?.self) != nil
    }

    /// The default business calendar (calendar hours in UTC when the tenant has none).
    static func calendar(_ id: String?, scope: TenantScope, on db: any Database) async throws -> BusinessCalendar {
        let row: (any SQLRow)?
        if let id, let uuid = UUID(uuidString: id) {
            row = try await db.sql.raw("""
                SELECT definition FROM business_calendars WHERE id = \(bind: uuid) AND tenant_id = \(bind: scope.tenantID)
                """).first()
        } else {
            row = try await db.sql.raw("""
                SELECT definition FROM business_calendars WHERE tenant_id = \(bind: scope.tenantID) ORDER BY is_default DESC, created_at LIMIT 1
                """).first()
        }
        guard let definition = try row?.decode(column: "definition", as: String.self),
              let calendar = try? JSONDecoder().decode(BusinessCalendar.self, from: Data(definition.utf8)) else {
            return .calendarHours(timeZone: TimeZone(identifier: "UTC")!)
        }
        return calendar
    }

    /// Runs the automation for `event` on the ticket; returns what it did, in words.
    @discardableResult
    static func run(_ event: RuleEvent, ticket id: UUID, scope: TenantScope, message: RuleContext.Message?, now: Date,
                    on db: any Database) async throws -> [String] {
        guard var ticket = try await load(id, scope: scope, on: db) else { return [] }
        var done: [String] = []
        let cached = try await RuleSetCache.ruleSet(for: scope, on: db)
        let rules = cached.rules
        if let set = cached.set {
            let calendar = try await calendar(nil, scope: scope, on: db)
            let context = RuleContext(
                event: event,
                ticket: .init(subject: ticket.subject, status: ticket.status.rawValue, priority: ticket.priority.rawValue, channel: ticket.channel,
                              category: ticket.type, tags: Set(ticket.tags), customFields: ticket.customFields.mapValues { .text($0) },
                              createdAt: ticket.createdAt, updatedAt: now, team: ticket.team, assignee: ticket.assigneeID?.uuidString.lowercased()),
                message: message, contact: .init(email: ticket.requesterEmail, name: ticket.requesterName), now: now, businessHours: calendar)
            let evaluation = set.evaluate(context)
            for ruleID in evaluation.firedRuleIDs {
                let name = rules.first { $0.id == ruleID }?.name ?? ruleID.uuidString
                try await record(.rule, name, ticket: id, scope: scope, at: now, on: db)
                done.append("rule \(name) fired")
            }
            done += try await apply(evaluation.effect, to: &ticket, scope: scope, event: event, now: now, on: db)
        }
        done += try await assignIfNeeded(&ticket, scope: scope, now: now, on: db)
        try await settleSLAPolicy(&ticket, scope: scope, now: now, on: db)
        try await save(ticket, scope: scope, at: now, on: db)
        try await SLAMonitor.schedule(ticket, scope: scope, now: now, on: db)
        return done
    }

    static func apply(_ effect: RuleEffect, to ticket: inout TicketState, scope: TenantScope, event: RuleEvent, now: Date,
                      on db: any Database) async throws -> [String] {
        var done: [String] = []
        if let team = effect.team?.trimmingWhitespace(), !team.isEmpty, team != ticket.team {
            ticket.team = String(team.prefix(100))
            try await record(.team, ticket.team, ticket: ticket.id, scope: scope, at: now, on: db)
            done.append("team set to \(team)")
        }
        if let agent = effect.agent {
            if let member = try await member(agent, scope: scope, on: db) {
                if member != ticket.assigneeID {
                    ticket.assigneeID = member
                    ticket.queueReason = nil
                    try await record(.assigned, member.uuidString.lowercased(), ticket: ticket.id, scope: scope, at: now, on: db)
                    done.append("assigned to \(agent)")
                }
            } else {
                try await note("A routing rule named the agent \(agent), who is not a member of this account; the ticket was not assigned.",
                               ticket: ticket.id, scope: scope, at: now, on: db)
            }
        }
        if let priority = effect.priority.flatMap(TicketPriority.init(rawValue:)), priority != ticket.priority {
            ticket.priority = priority
            try await record(.priority, priority.rawValue, ticket: ticket.id, scope: scope, at: now, on: db)
            done.append("priority set to \(priority.rawValue)")
        }
        if let status = effect.status.flatMap(TicketStatus.init(rawValue:)), status != ticket.status, ticket.status.refusal(to: status) == nil {
            try await changeStatus(&ticket, to: status, scope: scope, user: nil, at: now, on: db)
            done.append("status set to \(status.rawValue)")
        }
        var tags = ticket.tags
        for tag in effect.addTags {
            let clean = tag.trimmingWhitespace().lowercased()
            if !clean.isEmpty, !tags.contains(clean), tags.count < 50 { tags.append(String(clean.prefix(60))) }
        }
        tags.removeAll { tag in effect.removeTags.contains { $0.trimmingWhitespace().lowercased() == tag } }
        if tags != ticket.tags {
            ticket.tags = tags
            done.append("tags now \(tags.joined(separator: ", "))")
        }
        for text in effect.internalNotes {
            try await note(text, ticket: ticket.id, scope: scope, at: now, on: db)
            done.append("internal note added")
        }
        if let policy = effect.slaPolicy {
            if let found = try await policyID(policy, scope: scope, on: db) {
                if found != ticket.slaPolicyID {
                    ticket.slaPolicyID = found
                    try await record(.slaPolicy, found.uuidString.lowercased(), ticket: ticket.id, scope: scope, at: now, on: db)
                    done.append("SLA policy \(policy) applied")
                }
            } else {
                try await note("A routing rule applies the SLA policy \(policy), which does not exist; the ticket keeps its policy.",
                               ticket: ticket.id, scope: scope, at: now, on: db)
            }
        }
        let sandbox = try await isSandbox(scope, on: db)
        for target in effect.notifications {
            let recipients = try await emails(of: target, scope: scope, on: db)
            for address in recipients {
                if sandbox {
                    try await record(.suppressed, "email to \(address)", ticket: ticket.id, scope: scope, at: now, on: db)
                    continue
                }
                try await Outbox.enqueue(
                    to: address, subject: "[#\(ticket.number)] \(ticket.subject)",
                    body: "A routing rule asks you to look at ticket #\(ticket.number) (\(event.rawValue.replacingOccurrences(of: "_", with: " "))).\n\n"
                        + "Subject: \(ticket.subject)\nStatus: \(ticket.status.rawValue)\nPriority: \(ticket.priority.rawValue)\n"
                        + "Team: \(ticket.team ?? "none")\n",
                    kind: "rule_notification", tenantID: scope.tenantID, on: db)
            }
            done.append("notified \(target)")
        }
        for url in effect.webhooks {
            if sandbox {
                try await record(.suppressed, "webhook to \(url)", ticket: ticket.id, scope: scope, at: now, on: db)
                continue
            }
            try await WebhookJob.enqueue(url: url, event: event, ticket: ticket, tenantID: scope.tenantID, at: now, on: db)
            done.append("webhook queued for \(url)")
        }
        return done
    }

    static func changeStatus(_ ticket: inout TicketState, to status: TicketStatus, scope: TenantScope, user: UUID?, at now: Date,
                             on db: any Database) async throws {
        let wasSolved = ticket.status.isSolved
        ticket.status = status
        try await record(.status, status.rawValue, ticket: ticket.id, scope: scope, user: user, at: now, on: db)
        if wasSolved && !status.isSolved { try await record(.reopened, nil, ticket: ticket.id, scope: scope, user: user, at: now, on: db) }
    }

    static func note(_ text: String, ticket: UUID, scope: TenantScope, at now: Date, on db: any Database) async throws {
        try await db.sql.raw("""
            INSERT INTO ticket_messages (id, tenant_id, ticket_id, visibility, from_customer, author_label, body, created_at)
            VALUES (\(bind: TimeOrderedID.make(at: now)), \(bind: scope.tenantID), \(bind: ticket), 'internal', \(bind: false),
                    'Automation', \(bind: String(text.prefix(TicketDraft.maxBodyLength))), \(bind: now))
            """).run()
    }

    /// A member by id or email address.
    static func member(_ reference: String, scope: TenantScope, on db: any Database) async throws -> UUID? {
        let trimmed = reference.trimmingWhitespace()
        if let id = UUID(uuidString: trimmed) {
            return try await db.sql.raw("""
                SELECT user_id FROM memberships WHERE tenant_id = \(bind: scope.tenantID) AND user_id = \(bind: id)
                """).first()?.decode(column: "user_id", as: UUID.self)
        }
        return try await db.sql.raw("""
            SELECT m.user_id FROM memberships m JOIN users u ON u.id = m.user_id
            WHERE m.tenant_id = \(bind: scope.tenantID) AND LOWER(u.email) = \(bind: trimmed.lowercased())
            """).first()?.decode(column: "user_id", as: UUID.self)
    }

    static func policyID(_ reference: String, scope: TenantScope, on db: any Database) async throws -> UUID? {
        let trimmed = reference.trimmingWhitespace()
        let row = if let id = UUID(uuidString: trimmed) {
            try await db.sql.raw("SELECT id FROM sla_policies WHERE tenant_id = \(bind: scope.tenantID) AND id = \(bind: id)").first()
        } else {
            try await db.sql.raw("""
                SELECT id FROM sla_policies WHERE tenant_id = \(bind: scope.tenantID) AND LOWER(name) = \(bind: trimmed.lowercased())
                """).first()
        }
        return try row?.decode(column: "id", as: UUID.self)
    }

    /// The addresses a notification reaches: a person (member id or any address), or every
    /// member of a team (from their agent profiles).
    static func emails(of target: NotifyTarget, scope: TenantScope, on db: any Database) async throws -> [String] {
        switch target {
        case .person(let person):
            if let id = UUID(uuidString: person.trimmingWhitespace()) {
                return try await db.sql.raw("""
                    SELECT u.email FROM memberships m JOIN users u ON u.id = m.user_id
                    WHERE m.tenant_id = \(bind: scope.tenantID) AND m.user_id = \(bind: id)
                    """).all().map { try $0.decode(column: "email", as: String.self) }
            }
            return EmailAddress(person).map { [$0.value] } ?? []
        case .team(let team):
            return try await AgentDirectory.profiles(scope: scope, on: db)
                .filter { $0.document.teams.contains { $0.lowercased() == team.trimmingWhitespace().lowercased() } }
                .map(\.email)
        }
    }

    /// Automatic assignment (WF-2): a ticket with a team and no agent goes to an eligible agent
    /// of the team, by least load or in turn (the tenant's strategy); when nobody is eligible it
    /// waits with the reason recorded.
    static func assignIfNeeded(_ ticket: inout TicketState, scope: TenantScope, now: Date, on db: any Database) async throws -> [String] {
        guard let team = ticket.team, ticket.assigneeID == nil, !ticket.status.isSolved else {
            if ticket.assigneeID != nil { ticket.queueReason = nil }
            return []
        }
        // Light agents do not answer customers, so they are never given tickets.
        let agents = try await AgentDirectory.profiles(scope: scope, on: db).filter { $0.role >= .agent }.compactMap(\.profile)
        let language = ticket.tags.first { $0.hasPrefix("lang-") }.map { String($0.dropFirst(5)) }
        let skills = Dictionary(ticket.tags.filter { $0.hasPrefix("skill-") }.map { (String($0.dropFirst(6)), 1) }, uniquingKeysWith: max)
        let strategy: AssignmentStrategy
        switch try await AssignmentSettings.strategy(scope, on: db) {
        case .roundRobin:
            // The turn passes on from whoever in the team was given a ticket last.
            let teamAgents = agents.filter { $0.teams.contains { $0.lowercased() == team.lowercased() } }.map(\.id)
            let last = teamAgents.isEmpty ? nil : try await db.sql.raw("""
                SELECT user_id FROM agent_profiles WHERE tenant_id = \(bind: scope.tenantID) AND user_id IN (\(binds: teamAgents))
                AND last_assigned_at IS NOT NULL ORDER BY last_assigned_at DESC LIMIT 1
                """).first()?.decode(column: "user_id", as: UUID.self)
            strategy = .roundRobin(lastAssigned: last)
        case .leastLoaded:
            strategy = .leastLoaded
        }
        let result = Assignment.assign(AssignmentRequest(team: team, requiredSkills: skills, language: language, now: now),
                                       among: agents, strategy: strategy)
        switch result {
        case .assigned(let agent, let reason):
            ticket.assigneeID = agent
            ticket.queueReason = nil
            try await db.sql.raw("""
                UPDATE agent_profiles SET last_assigned_at = \(bind: now) WHERE tenant_id = \(bind: scope.tenantID) AND user_id = \(bind: agent)
                """).run()
            try await record(.assigned, agent.uuidString.lowercased(), ticket: ticket.id, scope: scope, at: now, on: db)
            return ["assigned automatically: \(reason)"]
        case .queued(let reason):
            if ticket.queueReason != reason {
                ticket.queueReason = String(reason.prefix(2_000))
                try await record(.queued, reason, ticket: ticket.id, scope: scope, at: now, on: db)
            }
            return ["waiting in the \(team) queue: \(reason)"]
        }
    }

    /// A ticket without an SLA policy gets the first that covers it (a rule may have applied one).
    static func settleSLAPolicy(_ ticket: inout TicketState, scope: TenantScope, now: Date, on db: any Database) async throws {
        guard ticket.slaPolicyID == nil else { return }
        let policies = try await SLAController.policies(in: scope, on: db)
        guard let match = policies.first(where: { $0.policy.matches(priority: ticket.priority, channel: ticket.channel, tags: Set(ticket.tags)) })
        else { return }
        ticket.slaPolicyID = match.id
        try await record(.slaPolicy, match.id.uuidString.lowercased(), ticket: ticket.id, scope: scope, at: now, on: db)
    }
}

/// Compiled routing rule sets, per tenant, reused while the tenant's rules are the same: each
/// ticket event reads only the rules' ids and versions (every change is a new version), not
/// their definitions, and compiles nothing. Shared by the process; bounded.
enum RuleSetCache {
    struct Entry: Sendable {
        let fingerprint: String
        let rules: [RoutingRule]
        let set: CompiledRuleSet?
    }

    private static let entries = NIOLockedValueBox<[UUID: Entry]>([:])
    static let capacity = 2_000

    static func ruleSet(for scope: TenantScope, on db: any Database) async throws -> Entry {
        let fingerprint = try await db.sql.raw("""
            SELECT id, version FROM routing_rules WHERE tenant_id = \(bind: scope.tenantID) ORDER BY position, created_at LIMIT 1000
            """).all().map { "\(try $0.decode(column: "id", as: UUID.self)):\(try $0.decode(column: "version", as: Int.self))" }
            .joined(separator: ",")
        if let hit = entries.withLockedValue({ $0[scope.tenantID] }), hit.fingerprint == fingerprint { return hit }
        let rules = try await RoutingRulesController.rules(in: scope, on: db)
        // Rules are validated when saved; a set that no longer compiles routes nothing rather than failing the change.
        let entry = Entry(fingerprint: fingerprint, rules: rules, set: rules.isEmpty ? nil : try? CompiledRuleSet(rules: rules))
        entries.withLockedValue { cache in
            if cache.count >= capacity { cache.removeAll(keepingCapacity: true) }
            cache[scope.tenantID] = entry
        }
        return entry
    }
}
