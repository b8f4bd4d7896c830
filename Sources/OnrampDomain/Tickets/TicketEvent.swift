import Foundation

/// What happened to a ticket, as kept in its history: the SLA clock replays it, the team
/// dashboard measures it, and the ticket page shows it.
public enum TicketEventKind: String, Sendable, CaseIterable {
    case created, status, priority, reopened, team, assigned, queued, note
    case agentReply = "agent_reply", customerReply = "customer_reply"
    case rule, slaPolicy = "sla_policy", slaWarning = "sla_warning", slaBreach = "sla_breach", escalated, suppressed
}

/// One entry of a ticket's history, with the value it records (a status, a priority, a team,
/// an assignee's id, a rule's name …).
public struct TicketEvent: Sendable, Equatable {
    public let kind: TicketEventKind
    public let value: String?

    public init(_ kind: TicketEventKind, _ value: String? = nil) {
        self.kind = kind
        self.value = value
    }
}

/// Who can see a ticket message.
public enum MessageVisibility: String, Sendable, CaseIterable {
    /// A reply the customer sees.
    case `public`
    /// A note for the team only.
    case `internal`
}
