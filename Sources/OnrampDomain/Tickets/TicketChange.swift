import Foundation

/// A change a person asks of a ticket; only the members that are set change. Checked and
/// applied by `TicketState.apply(_:)`, which returns the events to record.
public struct TicketChange: Sendable, Equatable {
    public var subject: String?
    public var status: TicketStatus?
    public var priority: TicketPriority?
    /// The team's name; an empty string takes the ticket out of its team.
    public var team: String?
    public var assigneeID: UUID?
    public var tags: [String]?

    public init(subject: String? = nil, status: TicketStatus? = nil, priority: TicketPriority? = nil, team: String? = nil,
                assigneeID: UUID? = nil, tags: [String]? = nil) {
        self.subject = subject
        self.status = status
        self.priority = priority
        self.team = team
        self.assigneeID = assigneeID
        self.tags = tags
    }

    /// Whether anything besides the status is asked to change.
    var editsMoreThanStatus: Bool { subject != nil || priority != nil || assigneeID != nil || team != nil || tags != nil }
}

/// Why a ticket refuses a change, for the person who asked (a conflict with its state).
public struct TicketRefusal: Error, Sendable, Equatable {
    public let message: String

    public init(_ message: String) {
        self.message = message
    }

    static let closedTakesNoMessages = TicketRefusal("A closed ticket takes no more messages; open a follow-up ticket instead.")
}

extension TicketState {
    /// Checks a change without making it: the status may move there, and a closed ticket
    /// changes no more (a follow-up is a new ticket).
    public func check(_ change: TicketChange) throws(TicketRefusal) {
        if let next = change.status, let refusal = status.refusal(to: next) { throw TicketRefusal(refusal) }
        if status == .closed && change.editsMoreThanStatus, let refusal = TicketStatus.closed.refusal(to: .open) {
            throw TicketRefusal(refusal)
        }
    }

    /// Makes the change; returns the events to record, in order. Asking for what the ticket
    /// already is records nothing.
    public mutating func apply(_ change: TicketChange) throws(TicketRefusal) -> [TicketEvent] {
        try check(change)
        var events: [TicketEvent] = []
        if let subject = change.subject { self.subject = subject }
        if let next = change.status, next != status { events += changeStatus(to: next) }
        if let next = change.priority, next != priority {
            priority = next
            events.append(TicketEvent(.priority, next.rawValue))
        }
        if let requested = change.team {
            let next = requested.isEmpty ? nil : requested
            if next != team {
                team = next
                events.append(TicketEvent(.team, next))
            }
        }
        if let assignee = change.assigneeID, assignee != assigneeID {
            assigneeID = assignee
            events.append(TicketEvent(.assigned, assignee.uuidString.lowercased()))
        }
        if let tags = change.tags { self.tags = tags }
        return events
    }

    /// Moves the status without checking (the caller checked `canChange`); a solved ticket that
    /// is worked on again is also recorded as reopened.
    public mutating func changeStatus(to next: TicketStatus) -> [TicketEvent] {
        let wasSolved = status.isSolved
        status = next
        var events = [TicketEvent(.status, next.rawValue)]
        if wasSolved && !next.isSolved { events.append(TicketEvent(.reopened)) }
        return events
    }

    /// A member adds a message: a public reply answers the customer (and puts a new ticket in
    /// work), an internal note is for the team. A closed ticket takes no more messages.
    public mutating func addMemberMessage(_ visibility: MessageVisibility) throws(TicketRefusal) -> [TicketEvent] {
        guard status != .closed else { throw TicketRefusal.closedTakesNoMessages }
        switch visibility {
        case .public:
            var events = [TicketEvent(.agentReply)]
            if status == .new { events += changeStatus(to: .open) }
            return events
        case .internal:
            return [TicketEvent(.note)]
        }
    }
}

extension MessageVisibility {
    /// The visibility a client asked for (public when it asked for none).
    public static func parse(_ raw: String?, errors: inout FieldErrors) -> MessageVisibility? {
        guard let raw else { return .public }
        guard let visibility = MessageVisibility(rawValue: raw) else {
            errors.add("visibility", "Visibility is public (a reply the customer sees) or internal (a note for the team).", code: "invalid_choice")
            return nil
        }
        return visibility
    }
}
