import Foundation
@testable import OnrampDomain
import Testing

@Suite("Routing rule conditions")
struct RoutingConditionTests {
    typealias F = RoutingFixture

    @Test func everyTextOperatorOnEveryTextField() throws {
        for field in F.textFields {
            let ref = FieldRef(field)
            let set = F.context(field, text: "Refund for Order 42")
            #expect(try F.fires(Condition(ref, .equal, "refund for ORDER 42"), in: set), "\(field)")
            #expect(try !F.fires(Condition(ref, .equal, "refund"), in: set))
            #expect(try F.fires(Condition(ref, .notEqual, "refund"), in: set))
            #expect(try !F.fires(Condition(ref, .notEqual, "REFUND FOR ORDER 42"), in: set))
            #expect(try F.fires(Condition(ref, .contains, "ORDER"), in: set))
            #expect(try F.fires(Condition(ref, .contains, "r 4"), in: set))
            #expect(try !F.fires(Condition(ref, .contains, "parcel"), in: set))
            #expect(try F.fires(Condition(ref, .notContains, "parcel"), in: set))
            #expect(try !F.fires(Condition(ref, .notContains, "order"), in: set))
            #expect(try F.fires(Condition(ref, .startsWith, "REFUND f"), in: set))
            #expect(try !F.fires(Condition(ref, .startsWith, "order"), in: set))
            #expect(try F.fires(Condition(ref, .present), in: set))
            #expect(try !F.fires(Condition(ref, .notPresent), in: set))

            // Unset (or, for message fields, no message): never equal nor containing; negations hold.
            let unset = F.context(field, text: nil)
            #expect(try !F.fires(Condition(ref, .equal, "refund"), in: unset), "\(field)")
            #expect(try F.fires(Condition(ref, .notEqual, "refund"), in: unset))
            #expect(try !F.fires(Condition(ref, .contains, "refund"), in: unset))
            #expect(try F.fires(Condition(ref, .notContains, "refund"), in: unset))
            #expect(try !F.fires(Condition(ref, .startsWith, "refund"), in: unset))
            #expect(try !F.fires(Condition(ref, .present), in: unset))
            #expect(try F.fires(Condition(ref, .notPresent), in: unset))

            let blank = F.context(field, text: "  \n")
            #expect(try !F.fires(Condition(ref, .present), in: blank), "blank text is not present: \(field)")
            #expect(try F.fires(Condition(ref, .notPresent), in: blank))
        }
    }

    @Test func textComparisonsFoldUnicodeCaseAndComposition() throws {
        let subject: FieldRef = "ticket.subject"
        #expect(try F.fires(Condition(subject, .contains, "café"), in: F.context(subject: "GRAND CAFÉ opening")))
        #expect(try F.fires(Condition(subject, .equal, "CAFÉ"), in: F.context(subject: "cafe\u{301}")), "decomposed é")
        #expect(try F.fires(Condition(subject, .startsWith, "straße"), in: F.context(subject: "STRAßE 5")))
        #expect(try !F.fires(Condition(subject, .contains, "cafe"), in: F.context(subject: "café")))
        #expect(try F.fires(Condition(subject, .contains, " spaces"), in: F.context(subject: "two spaces")))
        #expect(try !F.fires(Condition(subject, .contains, " spaces"), in: F.context(subject: "twospaces")), "values are not trimmed")
    }

    @Test func overlappingValuesAreAllFound() throws {
        // Aho–Corasick: "she", "he", "hers" all end inside "ushers"; a prefix must start the text.
        let body: FieldRef = "message.body"
        let context = F.context(message: .init(body: "Ushers"))
        let rules = ["she", "he", "hers", "usher", "sh", "ushers!"].enumerated().map { index, needle in
            F.rule("r\(index)", all: [Condition(body, .contains, needle)], position: index)
        } + [
            F.rule("prefix us", all: [Condition(body, .startsWith, "us")], position: 10),
            F.rule("prefix sh", all: [Condition(body, .startsWith, "sh")], position: 11),
            F.rule("equal", all: [Condition(body, .equal, "USHERS")], position: 12),
            F.rule("equal prefix", all: [Condition(body, .equal, "usher")], position: 13),
        ]
        let set = try CompiledRuleSet(rules: rules)
        let fired = set.evaluate(context).firedRuleIDs.compactMap { id in rules.first { $0.id == id }?.name }
        #expect(fired == ["r0", "r1", "r2", "r3", "r4", "prefix us", "equal"])
        #expect(try !F.fires(Condition(body, .startsWith, "ab"), in: F.context(message: .init(body: "aab"))))
    }

    @Test func statusEqualityIsCaseInsensitive() throws {
        let status: FieldRef = "ticket.status"
        #expect(try F.fires(Condition(status, .equal, "on_hold"), in: F.context(status: "on_hold")))
        #expect(try F.fires(Condition(status, .equal, "Pending"), in: F.context(status: "PENDING")))
        #expect(try !F.fires(Condition(status, .equal, "open"), in: F.context(status: "pending")))
        #expect(try F.fires(Condition(status, .notEqual, "open"), in: F.context(status: "pending")))
        #expect(try F.fires(Condition(status, .notEqual, "open"), in: F.context(status: "unheard-of")), "an unknown status equals nothing")
        #expect(try F.fires(Condition(status, .present), in: F.context(status: "new")))
    }

    @Test func prioritiesCompareInOrder() throws {
        let priority: FieldRef = "ticket.priority"
        let order = RoutingRule.priorities
        for (have, actual) in order.enumerated() {
            for (want, value) in order.enumerated() {
                let context = F.context(priority: actual)
                #expect(try F.fires(Condition(priority, .equal, value), in: context) == (have == want))
                #expect(try F.fires(Condition(priority, .notEqual, value), in: context) == (have != want))
                #expect(try F.fires(Condition(priority, .greaterThan, value), in: context) == (have > want), "\(actual) > \(value)")
                #expect(try F.fires(Condition(priority, .lessThan, value), in: context) == (have < want), "\(actual) < \(value)")
            }
        }
        #expect(try !F.fires(Condition(priority, .greaterThan, "low"), in: F.context(priority: "critical")), "unknown priority is unordered")
        #expect(try F.fires(Condition(priority, .equal, "HIGH"), in: F.context(priority: "high")))
    }

    @Test func tagsContainIsMembership() throws {
        let tags: FieldRef = "ticket.tags"
        let context = F.context(tags: ["VIP", "billing"])
        #expect(try F.fires(Condition(tags, .contains, "vip"), in: context))
        #expect(try F.fires(Condition(tags, .contains, "Billing"), in: context))
        #expect(try !F.fires(Condition(tags, .contains, "bill"), in: context), "membership, not substring")
        #expect(try !F.fires(Condition(tags, .contains, "vip-gold"), in: context))
        #expect(try F.fires(Condition(tags, .notContains, "shipping"), in: context))
        #expect(try !F.fires(Condition(tags, .notContains, "VIP"), in: context))
        #expect(try F.fires(Condition(tags, .present), in: context))
        #expect(try F.fires(Condition(tags, .notPresent), in: F.context()))
        #expect(try !F.fires(Condition(tags, .contains, "vip"), in: F.context()))
    }

    @Test func datesCompareAgeAndBusinessHours() throws {
        let created: FieldRef = "ticket.created_at", updated: FieldRef = "ticket.updated_at", time: FieldRef = "event.time"
        let context = F.context(createdMinutesAgo: 90) // created 10:30, updated 11:55, now 12:00
        #expect(try F.fires(Condition(created, .greaterThan, "2026-03-10T10:00:00Z"), in: context))
        #expect(try !F.fires(Condition(created, .lessThan, "2026-03-10T10:00:00Z"), in: context))
        #expect(try !F.fires(Condition(created, .lessThan, "2026-03-10T11:30:00+01:00"), in: context), "the same moment, with an offset")
        #expect(try F.fires(Condition(created, .lessThan, "2026-03-10T11:31:00+01:00"), in: context))
        #expect(try !F.fires(Condition(created, .lessThan, "2026-03-10T10:30:00Z"), in: context), "strictly before")
        #expect(try F.fires(Condition(created, .lessThan, "2026-03-10T10:30:00.500Z"), in: context), "fractional seconds")
        #expect(try F.fires(Condition(updated, .greaterThan, .date(F.date("2026-03-10T11:50:00Z"))), in: context))
        #expect(try F.fires(Condition(created, .olderThanMinutes, .number(90)), in: context), "exactly 90 minutes counts")
        #expect(try !F.fires(Condition(created, .olderThanMinutes, .number(91)), in: context))
        #expect(try F.fires(Condition(updated, .olderThanMinutes, "5"), in: context))
        #expect(try !F.fires(Condition(updated, .olderThanMinutes, .number(6)), in: context))
        #expect(try !F.fires(Condition(time, .olderThanMinutes, .number(1)), in: context), "the event is happening now")
        #expect(try F.fires(Condition(created, .present), in: context))
        #expect(try !F.fires(Condition(created, .notPresent), in: context))

        let open = F.context(clock: DaytimeClock())
        #expect(try F.fires(Condition(time, .withinBusinessHours), in: open))
        #expect(try F.fires(Condition(created, .withinBusinessHours), in: open))
        let evening = F.context(createdMinutesAgo: 600, clock: DaytimeClock(), now: F.date("2026-03-10T19:00:00Z"))
        #expect(try !F.fires(Condition(time, .withinBusinessHours), in: evening))
        #expect(try F.fires(Condition(created, .withinBusinessHours), in: evening), "created at 09:00")
        #expect(try !F.fires(Condition(time, .withinBusinessHours), in: F.context()), "no calendar: never within")
    }

    @Test func fromCustomerIsYesOrNo() throws {
        let flag: FieldRef = "message.from_customer"
        let customer = F.context(message: .init(body: "hi", fromCustomer: true))
        let agent = F.context(message: .init(body: "hi", fromCustomer: false))
        #expect(try F.fires(Condition(flag, .equal, .bool(true)), in: customer))
        #expect(try !F.fires(Condition(flag, .equal, .bool(true)), in: agent))
        #expect(try F.fires(Condition(flag, .equal, .bool(false)), in: agent))
        #expect(try F.fires(Condition(flag, .notEqual, .bool(true)), in: agent))
        #expect(try !F.fires(Condition(flag, .notEqual, .bool(false)), in: agent))
        #expect(try !F.fires(Condition(flag, .equal, .bool(false)), in: F.context()), "no message")
        #expect(try F.fires(Condition(flag, .notEqual, .bool(true)), in: F.context()))
        #expect(try F.fires(Condition(flag, .present), in: agent))
        #expect(try F.fires(Condition(flag, .notPresent), in: F.context()))
    }

    @Test func customFieldsCompareByTheirValuesType() throws {
        let seats: FieldRef = "custom.seats", plan: FieldRef = "custom.plan", beta: FieldRef = "custom.beta", renewal: FieldRef = "custom.renewal"
        let context = F.context(custom: [
            "seats": .number(5), "plan": .text("Gold"), "beta": .bool(true), "renewal": .date(F.date("2026-03-10T10:00:00Z")),
            "code": .text("5"),
        ], clock: DaytimeClock())
        // Numbers.
        #expect(try F.fires(Condition(seats, .equal, .number(5)), in: context))
        #expect(try F.fires(Condition(seats, .equal, "5.0"), in: context), "text read as a number")
        #expect(try !F.fires(Condition(seats, .equal, .number(6)), in: context))
        #expect(try F.fires(Condition(seats, .greaterThan, .number(3)), in: context))
        #expect(try F.fires(Condition(seats, .lessThan, "10"), in: context))
        #expect(try !F.fires(Condition(seats, .lessThan, .number(5)), in: context))
        #expect(try !F.fires(Condition(seats, .contains, "5"), in: context), "text operators only match text")
        #expect(try F.fires(Condition(seats, .notContains, "5"), in: context))
        #expect(try F.fires(Condition(seats, .present), in: context))
        // Text.
        #expect(try F.fires(Condition(plan, .equal, "GOLD"), in: context))
        #expect(try F.fires(Condition(plan, .contains, "ol"), in: context))
        #expect(try F.fires(Condition(plan, .startsWith, "go"), in: context))
        #expect(try !F.fires(Condition(plan, .greaterThan, .number(3)), in: context))
        #expect(try F.fires(Condition("custom.code", .equal, .number(5)), in: context), "text against the number's text form")
        #expect(try !F.fires(Condition("custom.code", .equal, .number(5.5)), in: context))
        // Yes/no.
        #expect(try F.fires(Condition(beta, .equal, .bool(true)), in: context))
        #expect(try F.fires(Condition(beta, .equal, "TRUE"), in: context))
        #expect(try F.fires(Condition(beta, .notEqual, .bool(false)), in: context))
        #expect(try !F.fires(Condition(beta, .equal, .number(1)), in: context))
        // Dates.
        #expect(try F.fires(Condition(renewal, .equal, "2026-03-10T11:00:00+01:00"), in: context))
        #expect(try F.fires(Condition(renewal, .greaterThan, "2026-03-01T00:00:00Z"), in: context))
        #expect(try !F.fires(Condition(renewal, .lessThan, "2026-03-01T00:00:00Z"), in: context))
        #expect(try F.fires(Condition(renewal, .olderThanMinutes, .number(120)), in: context))
        #expect(try !F.fires(Condition(renewal, .olderThanMinutes, .number(121)), in: context))
        #expect(try F.fires(Condition(renewal, .withinBusinessHours), in: context))
        #expect(try !F.fires(Condition(renewal, .greaterThan, .number(3)), in: context), "a date is not a number")
        #expect(try !F.fires(Condition(plan, .withinBusinessHours), in: context), "text is not a date")
        // Not set.
        let missing: FieldRef = "custom.absent"
        #expect(try !F.fires(Condition(missing, .equal, "x"), in: context))
        #expect(try F.fires(Condition(missing, .notEqual, "x"), in: context))
        #expect(try !F.fires(Condition(missing, .present), in: context))
        #expect(try F.fires(Condition(missing, .notPresent), in: context))
        #expect(try !F.fires(Condition(missing, .greaterThan, .number(0)), in: context))
        #expect(try !F.fires(Condition("custom.Plan", .equal, "gold"), in: context), "custom names are matched exactly")
    }

    @Test func operatorsThatDoNotFitAFieldAreRefused() {
        for field in FieldRef.Field.builtIn {
            for op in ConditionOperator.allCases where !field.type.operators.contains(op) {
                let errors = RoutingFixture.rule(all: [Condition(FieldRef(field), op, .text("x"))]).validate()
                #expect(errors.map(\.code) == ["operator_not_applicable"], "\(field.path) \(op)")
                #expect(errors.first?.field == "conditions.all[0].op")
            }
        }
        let tagsEqual = RoutingFixture.rule(any: [Condition("ticket.tags", .equal, "vip")]).validate()
        #expect(tagsEqual == [FieldError(
            field: "conditions.any[0].op",
            message: "“equal” cannot be used with ticket.tags, which is a list of tags; use contains, does not contain, present or not present (to look for one tag, use contains).",
            code: "operator_not_applicable")])
        let subjectGreater = RoutingFixture.rule(all: [Condition("ticket.subject", .greaterThan, "a")]).validate()
        #expect(subjectGreater.first?.message == "“greater than” cannot be used with ticket.subject, which is text; use equal, not equal, contains, does not contain, starts with, present or not present.")
    }

    @Test func everyFittingOperatorValidatesWithASuitableValue() {
        func sample(_ type: FieldType, _ op: ConditionOperator) -> ConditionValue? {
            guard op.takesValue else { return nil }
            switch (type, op) {
            case (.status, _): return .text("open")
            case (.priority, _): return .text("high")
            case (.boolean, _): return .bool(true)
            case (_, .olderThanMinutes): return .number(30)
            case (.date, _): return .text("2026-01-31T09:00:00Z")
            case (.custom, .greaterThan), (.custom, .lessThan): return .number(3)
            default: return .text("word")
            }
        }
        for field in FieldRef.Field.builtIn + [.custom("plan")] {
            for op in field.type.operators {
                let rule = RoutingFixture.rule(all: [Condition(FieldRef(field), op, sample(field.type, op))])
                #expect(rule.validate() == [], "\(field.path) \(op)")
                #expect(throws: Never.self) { try CompiledRuleSet(rules: [rule]) }
            }
        }
    }
}
