@testable import OnrampDomain
import Testing

@Suite("Ticket rules")
struct TicketRulesTests {
    @Test func closedIsFinalAndNothingReturnsToNew() {
        for from in TicketStatus.allCases {
            for to in TicketStatus.allCases {
                let allowed = from == to || (from != .closed && to != .new)
                #expect(from.canChange(to: to) == allowed, "\(from) → \(to)")
                #expect((from.refusal(to: to) == nil) == allowed)
            }
        }
        #expect(TicketStatus.closed.refusal(to: .open)?.contains("follow-up") == true)
        #expect(TicketStatus.open.refusal(to: .new)?.contains("new") == true)
    }

    @Test func aDraftIsTrimmedNormalisedAndDefaulted() throws {
        let draft = try TicketDraft.validate(subject: "  Refund ", body: "Line one\nLine two\t!", priority: nil, channel: nil,
                                             requesterEmail: " Ann@Example.COM ", requesterName: "  ", tags: ["VIP", "vip", " late "],
                                             customFields: ["plan": "pro"], team: " Billing ")
        #expect(draft.subject == "Refund")
        #expect(draft.body == "Line one\nLine two\t!")
        #expect(draft.priority == .normal)
        #expect(draft.channel == "api")
        #expect(draft.requesterEmail == "ann@example.com")
        #expect(draft.requesterName == nil)
        #expect(draft.tags == ["vip", "late"])
        #expect(draft.team == "Billing")
    }

    @Test func everyProblemOfADraftIsReported() {
        do {
            _ = try TicketDraft.validate(subject: nil, body: "a\u{0}b", priority: "asap", channel: "fax", requesterEmail: "",
                                         requesterName: String(repeating: "n", count: 201), tags: Array(repeating: "x", count: 1) + ["two words"],
                                         customFields: ["": "v"], team: String(repeating: "t", count: 101))
            Issue.record("an invalid draft was accepted")
        } catch {
            let fields = Set(error.errors.map(\.field))
            #expect(fields == ["subject", "body", "priority", "channel", "requester.email", "requester.name", "tags", "custom_fields", "team"])
        }
    }

    @Test func tagsAreBounded() {
        var errors = FieldErrors()
        let tags = TicketDraft.normalisedTags((0..<51).map { "t\($0)" }, errors: &errors)
        #expect(tags.count == 51)
        #expect(errors.all.map(\.code) == ["too_many"])
    }
}
