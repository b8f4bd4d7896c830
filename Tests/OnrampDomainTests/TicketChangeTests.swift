import Foundation
import OnrampDomain
import Testing

@Suite("Ticket changes")
struct TicketChangeTests {
    static let agent = UUID(uuidString: "0192F0A0-0000-7000-8000-000000000001")!

    static func ticket(_ status: TicketStatus, team: String? = nil, assignee: UUID? = nil) -> TicketState {
        TicketState(id: UUID(), number: 7, subject: "Parcel late", status: status, priority: .normal, channel: "email",
                    tags: ["shipping"], team: team, assigneeID: assignee, createdAt: Date(timeIntervalSince1970: 1_700_000_000))
    }

    @Test("every legal status move records the status, and leaving a solved status records a reopen",
          arguments: TicketStatus.allCases)
    func statusMoves(_ from: TicketStatus) throws {
        for to in TicketStatus.allCases where to != from {
            var ticket = Self.ticket(from)
            let change = TicketChange(status: to)
            if let refusal = from.refusal(to: to) {
                #expect(throws: TicketRefusal(refusal)) { try ticket.apply(change) }
                #expect(ticket.status == from)
                continue
            }
            let events = try ticket.apply(change)
            #expect(ticket.status == to)
            var expected = [TicketEvent(.status, to.rawValue)]
            if from.isSolved && !to.isSolved { expected.append(TicketEvent(.reopened)) }
            #expect(events == expected)
        }
    }

    @Test("nothing goes back to new, and a closed ticket is final")
    func refusals() {
        var open = Self.ticket(.open)
        #expect(throws: TicketRefusal("A ticket cannot go back to “new” once it has been worked on.")) {
            try open.apply(TicketChange(status: .new))
        }
        var closed = Self.ticket(.closed)
        #expect(throws: TicketRefusal("A closed ticket cannot change status; open a follow-up ticket instead.")) {
            try closed.apply(TicketChange(priority: .high))
        }
        #expect(throws: TicketRefusal("A closed ticket cannot change status; open a follow-up ticket instead.")) {
            try closed.check(TicketChange(tags: ["late"]))
        }
        #expect(closed.priority == .normal)
        #expect(closed.tags == ["shipping"])
    }

    @Test("a closed ticket accepts being asked to stay closed")
    func closedStaysClosed() throws {
        var closed = Self.ticket(.closed)
        #expect(try closed.apply(TicketChange(status: .closed)).isEmpty)
    }

    @Test("priority, team and assignee changes are recorded with their values; equal values record nothing")
    func fieldChanges() throws {
        var ticket = Self.ticket(.open, team: "Billing")
        let events = try ticket.apply(TicketChange(subject: "Parcel very late", priority: .urgent, team: "Shipping",
                                                   assigneeID: Self.agent, tags: ["late"]))
        #expect(events == [TicketEvent(.priority, "urgent"), TicketEvent(.team, "Shipping"),
                           TicketEvent(.assigned, Self.agent.uuidString.lowercased())])
        #expect(ticket.subject == "Parcel very late")
        #expect(ticket.priority == .urgent)
        #expect(ticket.team == "Shipping")
        #expect(ticket.assigneeID == Self.agent)
        #expect(ticket.tags == ["late"])
        #expect(try ticket.apply(TicketChange(priority: .urgent, team: "Shipping", assigneeID: Self.agent)).isEmpty)
    }

    @Test("an empty team takes the ticket out of its team, once")
    func teamCleared() throws {
        var ticket = Self.ticket(.open, team: "Billing")
        #expect(try ticket.apply(TicketChange(team: "")) == [TicketEvent(.team, nil)])
        #expect(ticket.team == nil)
        #expect(try ticket.apply(TicketChange(team: "")).isEmpty)
    }

    @Test("a public reply to a new ticket puts it in work; to an open one it only records the reply")
    func publicReply() throws {
        var fresh = Self.ticket(.new)
        #expect(try fresh.addMemberMessage(.public) == [TicketEvent(.agentReply), TicketEvent(.status, "open")])
        #expect(fresh.status == .open)
        var pending = Self.ticket(.pending)
        #expect(try pending.addMemberMessage(.public) == [TicketEvent(.agentReply)])
        #expect(pending.status == .pending)
    }

    @Test("an internal note changes no status, even on a new ticket")
    func note() throws {
        var fresh = Self.ticket(.new)
        #expect(try fresh.addMemberMessage(.internal) == [TicketEvent(.note)])
        #expect(fresh.status == .new)
    }

    @Test("a closed ticket takes no messages of either kind", arguments: MessageVisibility.allCases)
    func closedTakesNoMessages(_ visibility: MessageVisibility) {
        var closed = Self.ticket(.closed)
        #expect(throws: TicketRefusal("A closed ticket takes no more messages; open a follow-up ticket instead.")) {
            try closed.addMemberMessage(visibility)
        }
    }

    @Test("a resolved ticket that gets a reply stays resolved until someone moves it")
    func resolvedReply() throws {
        var resolved = Self.ticket(.resolved)
        #expect(try resolved.addMemberMessage(.public) == [TicketEvent(.agentReply)])
        #expect(resolved.status == .resolved)
    }

    @Test("visibility defaults to public and names the two choices when wrong")
    func visibility() {
        var errors = FieldErrors()
        #expect(MessageVisibility.parse(nil, errors: &errors) == .public)
        #expect(MessageVisibility.parse("internal", errors: &errors) == .internal)
        #expect(errors.isEmpty)
        #expect(MessageVisibility.parse("private", errors: &errors) == nil)
        #expect(throws: ValidationFailure.self) { try errors.check() }
    }
}
