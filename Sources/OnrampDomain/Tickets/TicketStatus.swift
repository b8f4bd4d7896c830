import Foundation

public enum TicketStatus: String, CaseIterable, Codable, Sendable {
    case new, open, pending, onHold = "on_hold", resolved, closed

    /// Resolved or closed: the ticket waits on nobody and no SLA clock runs.
    public var isSolved: Bool { self == .resolved || self == .closed }
}

extension TicketStatus {
    /// Whether a ticket may move from this status to `next`. A closed ticket is final (a
    /// follow-up is a new ticket, as in Zendesk); nothing goes back to `new`.
    public func canChange(to next: TicketStatus) -> Bool {
        if next == self { return true }
        switch self {
        case .closed: return false
        default: return next != .new
        }
    }

    /// Why the change is not allowed, for the person who tried it.
    public func refusal(to next: TicketStatus) -> String? {
        guard !canChange(to: next) else { return nil }
        if self == .closed { return "A closed ticket cannot change status; open a follow-up ticket instead." }
        return "A ticket cannot go back to “new” once it has been worked on."
    }
}
