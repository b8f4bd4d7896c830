import Fluent
import Foundation
import OnrampDomain
import SQLKit
import Vapor

/// The ticket service's automation, run inside the transaction of each change (API, channels):
/// it records the change, runs the routing rules for the event and applies their actions,
/// assigns the ticket when it has a team and no agent, settles its SLA policy and schedules
/// the next SLA check. Nothing is sent from here: mail and webhooks become jobs that exist
/// exactly when the change commits.
enum TicketWorkflow {
    static func record(_ kind: TicketEventKind, _ value: String? = nil, ticket: UUID, scope: TenantScope, user: UUID? = nil, at: Date,
                       on db: any Database) async throws {
        try await TicketStore(db: db).record(scope, ticket: ticket, TicketEvent(kind, value), user: user, at: at)
    }

    /// Records the events a change returned, in order.
    static func record(_ events: [TicketEvent], ticket: UUID, scope: TenantScope, user: UUID? = nil, at: Date, on db: any Database) async throws {
        let store = TicketStore(db: db)
        for event in events { try await store.record(scope, ticket: ticket, event, user: user, at: at) }
    }

    /// Creates a ticket with its first message and runs the automation: the one way tickets are
    /// made (the API, the sandbox's practice tickets, and channels). The requester is matched to
    /// a contact by email, or created with `contactTags`; the first message is the requester's
    /// when there is one, else the member's. Returns the ticket's id.
    static func create(_ draft: TicketDraft, type: String? = nil, contactTags: [String] = [], author: UUID?, scope: TenantScope,
                       at now: Date, on db: any Database) async throws -> UUID {
        let store = TicketStore(db: db)
        let id = TimeOrderedID.make(at: now)
        var requesterID: UUID?
        if let email = draft.requesterEmail {
            requesterID = try await store.contact(scope, email: email, name: draft.requesterName, tags: contactTags, at: now)
        }
        try await store.insert(scope, id: id, draft: draft, type: type, requester: requesterID, at: now)
        try await store.addMessage(scope, ticket: id, visibility: .public, author: requesterID.map { .contact($0) } ?? .member(author),
                                   body: draft.body, at: now)
        try await record(.created, draft.priority.rawValue, ticket: id, scope: scope, user: author, at: now, on: db)
        try await run(.ticketCreated, ticket: id, scope: scope,
                      message: .init(body: draft.body, fromCustomer: requesterID != nil, channel: draft.channel), now: now, on: db)
        return id
    }

    static func isSandbox(_ scope: TenantScope, on db: any Database) async throws -> Bool {
        try await TenantRepository(db: db).sandboxOf(scope) != nil
    }

    /// Runs the automation for `event` on the ticket; returns what it did, in words.
    @discardableResult
    static func run(_ event: RuleEvent, ticket id: UUID, scope: TenantScope, message: RuleContext.Message?, now: Date,
                    on db: any Database) async throws -> [String] {
        let store = TicketStore(db: db)
        guard var ticket = try await store.load(scope, id: id) else { return [] }
        var done: [String] = []
        let cached = try await RuleSetCache.ruleSet(for: scope, on: db)
        let rules = cached.rules
        if let set = cached.set {
            let calendar = try await SLAStore(db: db).businessCalendar(scope, id: nil)
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
        try await store.save(scope, ticket, at: now)
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
            if let member = try await TeamStore(db: db).memberID(scope, reference: agent) {
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
            let events = ticket.changeStatus(to: status)
            try await record(events, ticket: ticket.id, scope: scope, at: now, on: db)
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
            if let found = try await SLAStore(db: db).policyID(scope, reference: policy) {
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

    /// An internal note by the automation.
    static func note(_ text: String, ticket: UUID, scope: TenantScope, at now: Date, on db: any Database) async throws {
        try await TicketStore(db: db).addMessage(scope, ticket: ticket, visibility: .internal, author: .label("Automation"),
                                                 body: String(text.prefix(TicketDraft.maxBodyLength)), at: now)
    }

    /// The addresses a notification reaches: a person (member id or any address), or every
    /// member of a team (from their agent profiles).
    static func emails(of target: NotifyTarget, scope: TenantScope, on db: any Database) async throws -> [String] {
        switch target {
        case .person(let person):
            if let id = UUID(uuidString: person.trimmingWhitespace()) {
                return try await TeamStore(db: db).emails(scope, user: id)
            }
            return EmailAddress(person).map { [$0.value] } ?? []
        case .team(let team):
            return try await TeamStore(db: db).agents(scope)
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
        let directory = TeamStore(db: db)
        let agents = try await directory.agents(scope).filter { $0.role >= .agent }.compactMap(\.profile)
        let language = ticket.tags.first { $0.hasPrefix("lang-") }.map { String($0.dropFirst(5)) }
        let skills = Dictionary(ticket.tags.filter { $0.hasPrefix("skill-") }.map { (String($0.dropFirst(6)), 1) }, uniquingKeysWith: max)
        let strategy: AssignmentStrategy
        switch try await TenantRepository(db: db).assignmentStrategy(scope).flatMap(AssignmentSettings.Strategy.init(rawValue:)) ?? .leastLoaded {
        case .roundRobin:
            // The turn passes on from whoever in the team was given a ticket last.
            let teamAgents = agents.filter { $0.teams.contains { $0.lowercased() == team.lowercased() } }.map(\.id)
            let last = try await directory.lastAssigned(scope, among: teamAgents)
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
            try await directory.markAssigned(scope, agent: agent, at: now)
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
        let policies = try await SLAStore(db: db).policies(scope)
        guard let match = policies.first(where: { $0.policy.matches(priority: ticket.priority, channel: ticket.channel, tags: Set(ticket.tags)) })
        else { return }
        ticket.slaPolicyID = match.id
        try await record(.slaPolicy, match.id.uuidString.lowercased(), ticket: ticket.id, scope: scope, at: now, on: db)
    }
}
