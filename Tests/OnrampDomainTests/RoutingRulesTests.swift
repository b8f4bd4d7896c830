import Foundation
@testable import OnrampDomain
import Testing

/// Open 09:00–17:00 UTC every day.
struct DaytimeClock: BusinessHoursClock {
    func isOpen(at date: Date) -> Bool {
        let hour = Int(date.timeIntervalSince1970.truncatingRemainder(dividingBy: 86_400) / 3600)
        return (9..<17).contains(hour)
    }
}

enum RoutingFixture {
    static func date(_ text: String) -> Date { ISO8601DateFormatter().date(from: text)! }

    /// Tuesday 10 March 2026, 12:00 UTC.
    static let now = date("2026-03-10T12:00:00Z")

    static func context(
        _ event: RuleEvent = .ticketCreated, subject: String = "", status: String = "open", priority: String = "normal",
        tags: Set<String> = [], message: RuleContext.Message? = nil, custom: [String: CustomFieldValue] = [:],
        createdMinutesAgo: Double = 90, clock: (any BusinessHoursClock)? = nil, now: Date = RoutingFixture.now
    ) -> RuleContext {
        RuleContext(
            event: event,
            ticket: .init(subject: subject, status: status, priority: priority, tags: tags, customFields: custom,
                          createdAt: now.addingTimeInterval(-createdMinutesAgo * 60), updatedAt: now.addingTimeInterval(-300)),
            message: message, contact: .init(email: "ann@example.com", name: "Ann Lee"), now: now, businessHours: clock)
    }

    /// The base context with one text field set (nil: unset; for message fields, no message).
    static func context(_ field: FieldRef.Field, text: String?) -> RuleContext {
        var context = context()
        context.contact = .init()
        switch field {
        case .ticketSubject: context.ticket.subject = text ?? ""
        case .ticketCategory: context.ticket.category = text
        case .ticketChannel: context.ticket.channel = text ?? ""
        case .ticketTeam: context.ticket.team = text
        case .ticketAssignee: context.ticket.assignee = text
        case .messageBody: context.message = text.map { .init(body: $0) }
        case .messageChannel: context.message = text.map { .init(body: "hello", channel: $0) }
        case .contactEmail: context.contact.email = text
        case .contactName: context.contact.name = text
        case .custom(let name): context.ticket.customFields[name] = text.map { .text($0) }
        default: Issue.record("\(field) is not a text field")
        }
        return context
    }

    static func rule(
        _ name: String = "Rule", all: [Condition] = [], any: [Condition] = [], actions: [RuleAction] = [.addTag("routed")],
        events: Set<RuleEvent> = Set(RuleEvent.allCases), position: Int = 0, stop: Bool = false, enabled: Bool = true
    ) -> RoutingRule {
        RoutingRule(name: name, position: position, events: events, conditions: ConditionGroup(all: all, any: any),
                    actions: actions, stopProcessing: stop, enabled: enabled)
    }

    /// Whether a rule with just `condition` fires; the fast path and the dry run must agree.
    static func fires(_ condition: Condition, in context: RuleContext, sourceLocation: SourceLocation = #_sourceLocation) throws -> Bool {
        let rule = rule(all: [condition])
        #expect(rule.validate() == [], "\(condition)", sourceLocation: sourceLocation)
        let set = try CompiledRuleSet(rules: [rule])
        let fast = !set.evaluate(context).firedRuleIDs.isEmpty
        let explained = set.dryRun(context)
        #expect(explained.firedRuleIDs.isEmpty == !fast, "dry run agrees for \(condition)", sourceLocation: sourceLocation)
        #expect(explained.trace.count == 1, sourceLocation: sourceLocation)
        return fast
    }

    static let textFields: [FieldRef.Field] = [
        .ticketSubject, .ticketCategory, .ticketChannel, .ticketTeam, .ticketAssignee,
        .messageBody, .messageChannel, .contactEmail, .contactName, .custom("order_ref"),
    ]
}

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

@Suite("Routing rule sets")
struct RoutingRuleSetTests {
    typealias F = RoutingFixture

    @Test func allAndAnyGroups() throws {
        let vip = Condition("ticket.tags", .contains, "vip")
        let urgent = Condition("ticket.priority", .equal, "urgent")
        let refund = Condition("ticket.subject", .contains, "refund")
        let parcel = Condition("ticket.subject", .contains, "parcel")
        func fires(all: [Condition], any: [Condition], _ context: RuleContext) throws -> Bool {
            try !CompiledRuleSet(rules: [F.rule(all: all, any: any)]).evaluate(context).firedRuleIDs.isEmpty
        }
        let context = F.context(subject: "Refund please", priority: "urgent", tags: ["vip"])
        #expect(try fires(all: [vip, urgent], any: [], context))
        #expect(try !fires(all: [vip, urgent], any: [], F.context(subject: "Refund please", priority: "high", tags: ["vip"])))
        #expect(try fires(all: [vip], any: [parcel, refund], context))
        #expect(try !fires(all: [vip], any: [parcel], context))
        #expect(try fires(all: [], any: [parcel, refund], context))
        #expect(try !fires(all: [vip], any: [refund], F.context(subject: "Refund please")))
        #expect(try fires(all: [], any: [], context), "no conditions: always")
    }

    @Test func rulesRunInPositionOrderAndActionsAccumulate() throws {
        let late = F.rule("Late", actions: [.setPriority("low")], position: 5)
        let early = F.rule("Early", actions: [.setPriority("high"), .addTag("a")], position: 1)
        let tie = F.rule("Tie", actions: [.addTag("b")], position: 1)
        let set = try CompiledRuleSet(rules: [late, early, tie])
        #expect(set.rules.map(\.name) == ["Early", "Tie", "Late"], "ties keep the given order")
        let result = set.evaluate(F.context())
        #expect(result.firedRuleIDs == [early.id, tie.id, late.id])
        #expect(result.actions == [.setPriority("high"), .addTag("a"), .addTag("b"), .setPriority("low")])
        #expect(result.effect.priority == "low", "the last rule wins")
        #expect(result.trace.isEmpty, "no trace unless asked")
    }

    @Test func stopProcessingEndsTheEvaluation() throws {
        let first = F.rule("First", all: [Condition("ticket.priority", .equal, "urgent")], actions: [.assignTeam("Escalations")], position: 0, stop: true)
        let second = F.rule("Second", actions: [.assignTeam("General")], position: 1)
        let third = F.rule("Third", actions: [.addTag("seen")], position: 2, stop: true)
        let set = try CompiledRuleSet(rules: [first, second, third])

        let urgent = set.dryRun(F.context(priority: "urgent"))
        #expect(urgent.firedRuleIDs == [first.id])
        #expect(urgent.effect.team == "Escalations")
        #expect(urgent.trace.map(\.reason) == [
            "condition 1 (ticket.priority equal urgent) holds",
            "after “First”, which stops processing",
            "after “First”, which stops processing",
        ])
        #expect(urgent.trace.map(\.outcome) == [.fired, .skipped, .skipped])

        let normal = set.dryRun(F.context(priority: "normal"))
        #expect(normal.firedRuleIDs == [second.id, third.id], "a rule that does not fire does not stop anything")
        #expect(set.evaluate(F.context(priority: "normal")).firedRuleIDs == normal.firedRuleIDs)
    }

    @Test func rulesListenOnlyToTheirEvents() throws {
        let onMessage = F.rule("On message", events: [.messageCreated])
        let onChange = F.rule("On change", events: [.ticketCreated, .ticketUpdated])
        let set = try CompiledRuleSet(rules: [onMessage, onChange])
        #expect(set.evaluate(F.context(.messageCreated)).firedRuleIDs == [onMessage.id])
        #expect(set.evaluate(F.context(.ticketUpdated)).firedRuleIDs == [onChange.id])
        let trace = set.dryRun(F.context(.ticketCreated)).trace
        #expect(trace[0] == RuleTrace(ruleID: onMessage.id, name: "On message", version: 1, position: 0, outcome: .skipped,
                                      reason: "not for this event (ticket_created); it runs on message_created"))
        #expect(trace[1].reason == "it has no conditions")
    }

    @Test func disabledRulesAreSkipped() throws {
        let off = F.rule("Off", enabled: false)
        let on = F.rule("On", position: 1)
        let set = try CompiledRuleSet(rules: [off, on])
        #expect(set.evaluate(F.context()).firedRuleIDs == [on.id])
        #expect(set.dryRun(F.context()).trace.map(\.reason) == ["disabled", "it has no conditions"])
    }

    @Test func revisionsAreNewVersionsOfTheSameRule() throws {
        let original = F.rule("Urgent to escalations", all: [Condition("ticket.priority", .equal, "urgent")])
        let revised = original.revised { $0.conditions.all = [Condition("ticket.priority", .greaterThan, "normal")]; $0.version = 99 }
        #expect(revised.id == original.id)
        #expect(revised.version == 2, "the version is counted, not set")
        #expect(revised.revised { $0.name = "High and up" }.version == 3)
        let trace = try CompiledRuleSet(rules: [revised]).dryRun(F.context(priority: "high")).trace
        #expect(trace.map(\.version) == [2])
        #expect(trace.map(\.outcome) == [.fired])
        #expect(throws: ValidationFailure.self) { try CompiledRuleSet(rules: [original, revised]) }
        do {
            _ = try CompiledRuleSet(rules: [original, revised])
        } catch {
            #expect(error.errors.map(\.field) == ["rules[1].id"])
            #expect(error.errors.map(\.code) == ["duplicate"])
        }
    }

    @Test func traceSaysWhyEachRuleWasSkipped() throws {
        let vipUrgent = F.rule("VIP urgent", all: [Condition("ticket.tags", .contains, "vip"), Condition("ticket.priority", .equal, "urgent")])
        let refunds = F.rule("Refunds", any: [Condition("ticket.subject", .contains, "refund"), Condition("message.body", .contains, "refund")], position: 1)
        let stale = F.rule("Stale", all: [Condition("ticket.created_at", .olderThanMinutes, .number(60))], position: 2)
        let afterHours = F.rule("After hours", all: [Condition("event.time", .withinBusinessHours)], position: 3)
        let plan = F.rule("Gold plan", all: [Condition("custom.plan", .equal, "gold")], position: 4)
        let set = try CompiledRuleSet(rules: [vipUrgent, refunds, stale, afterHours, plan])
        let result = set.dryRun(F.context(subject: "Hello there", tags: ["vip"], createdMinutesAgo: 12))
        #expect(result.trace.map(\.reason) == [
            "condition 2 (ticket.priority equal urgent) is false: ticket.priority is normal",
            "none of conditions 1–2 holds: condition 1 (ticket.subject contains \"refund\") is false: ticket.subject is \"Hello there\"; condition 2 (message.body contains \"refund\") is false: there is no message",
            "condition 1 (ticket.created_at older than 60 minutes) is false: ticket.created_at is 12 minutes old",
            "condition 1 (event.time within business hours) is false: no business hours calendar was given",
            "condition 1 (custom.plan equal \"gold\") is false: custom.plan is not set",
        ])
        #expect(result.firedRuleIDs.isEmpty)

        let fired = set.dryRun(F.context(subject: "Refund", priority: "urgent", tags: ["vip"]))
        #expect(fired.trace[0].reason == "condition 1 (ticket.tags contains \"vip\") holds; condition 2 (ticket.priority equal urgent) holds")
        #expect(fired.trace[1].reason == "condition 1 (ticket.subject contains \"refund\") holds")
        let evening = set.dryRun(F.context(clock: DaytimeClock(), now: F.date("2026-03-10T20:00:00Z")))
        #expect(evening.trace[3].reason == "condition 1 (event.time within business hours) is false: event.time (2026-03-10T20:00:00Z) is outside business hours")
        let tagsOff = set.dryRun(F.context(tags: ["a", "b"]))
        #expect(tagsOff.trace[0].reason == "condition 1 (ticket.tags contains \"vip\") is false: ticket.tags has a, b")
    }

    @Test func theEffectFoldsEveryKindOfAction() throws {
        let agent = UUID(uuidString: "6F9619FF-8B86-D011-B42D-00C04FC964FF")!.uuidString
        let actions: [RuleAction] = [
            .assignTeam("Billing"), .assignAgent(agent), .setPriority("HIGH"), .setStatus("pending"),
            .addTag("vip"), .addTag("refund"), .removeTag("legacy"), .addInternalNote("Check the order."),
            .notifyEmail(.person("lead@example.com")), .notifyEmail(.team("Billing")), .sendWebhook("https://hooks.example.com/t"),
            .applySLAPolicy("Gold"),
            .assignTeam("Refunds"), .removeTag("VIP"), .addTag("legacy"), .notifyEmail(.team("Billing")),
            .sendWebhook("https://hooks.example.com/t"), .setPriority("urgent"),
        ]
        let rule = F.rule(actions: actions)
        #expect(rule.validate() == [])
        let effect = try CompiledRuleSet(rules: [rule]).evaluate(F.context()).effect
        #expect(effect.team == "Refunds")
        #expect(effect.agent == agent)
        #expect(effect.priority == "urgent")
        #expect(effect.status == "pending")
        #expect(effect.slaPolicy == "Gold")
        #expect(effect.addTags == ["refund", "legacy"])
        #expect(effect.removeTags == ["VIP"])
        #expect(effect.internalNotes == ["Check the order."])
        #expect(effect.notifications == [.person("lead@example.com"), .team("Billing")])
        #expect(effect.webhooks == ["https://hooks.example.com/t"])
        let readded = RuleEffect([.removeTag("x"), .addTag("X")])
        #expect(readded.addTags == ["X"] && readded.removeTags == [], "a later add undoes an earlier remove")
    }

    @Test func rulesHaveAStableSnakeCaseJSONShape() throws {
        let rule = RoutingRule(
            id: UUID(uuidString: "00000000-0000-0000-0000-0000000000AB")!, name: "Urgent", position: 2, version: 3,
            events: [.messageCreated, .ticketCreated],
            conditions: ConditionGroup(all: [Condition("ticket.priority", .equal, "urgent")],
                                       any: [Condition("custom.seats", .greaterThan, .number(10)), Condition("message.from_customer", .equal, .bool(true))]),
            actions: [.assignTeam("Billing"), .notifyEmail(.person("ann@example.com")), .sendWebhook("https://x.example/h")],
            stopProcessing: true)
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let json = String(decoding: try encoder.encode(rule), as: UTF8.self)
        #expect(json == #"{"actions":[{"team":"Billing","type":"assign_team"},{"person":"ann@example.com","type":"notify_email"},{"type":"send_webhook","url":"https://x.example/h"}],"conditions":{"all":[{"field":"ticket.priority","op":"equal","value":"urgent"}],"any":[{"field":"custom.seats","op":"greater_than","value":10},{"field":"message.from_customer","op":"equal","value":true}]},"enabled":true,"events":["ticket_created","message_created"],"id":"00000000-0000-0000-0000-0000000000AB","name":"Urgent","position":2,"stop_processing":true,"version":3}"#)
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        #expect(try decoder.decode(RoutingRule.self, from: Data(json.utf8)) == rule)

        let minimal = #"{"id":"00000000-0000-0000-0000-0000000000AB","name":"Tag","events":["ticket_updated"],"actions":[{"type":"add_tag","tag":"x"}],"conditions":{"all":[{"field":"ticket.tags","op":"present"}]}}"#
        let decoded = try decoder.decode(RoutingRule.self, from: Data(minimal.utf8))
        #expect(decoded.version == 1 && decoded.position == 0 && decoded.enabled && !decoded.stopProcessing)
        #expect(decoded.conditions.any == [] && decoded.conditions.all == [Condition("ticket.tags", .present)])

        // Unknown fields are kept for validation to name; unknown operators and actions fail to decode with a readable reason.
        let unknownField = #"{"field":"ticket.colour","op":"equal","value":"red"}"#
        #expect(try decoder.decode(Condition.self, from: Data(unknownField.utf8)).field.field == nil)
        do {
            _ = try decoder.decode(Condition.self, from: Data(#"{"field":"ticket.subject","op":"matches","value":"x"}"#.utf8))
            Issue.record("decoded an unknown operator")
        } catch let DecodingError.dataCorrupted(context) {
            #expect(context.debugDescription.hasPrefix("There is no operator \"matches\"; use one of equal, not_equal,"))
        }
        do {
            _ = try decoder.decode(RuleAction.self, from: Data(#"{"type":"escalate"}"#.utf8))
            Issue.record("decoded an unknown action")
        } catch let DecodingError.dataCorrupted(context) {
            #expect(context.debugDescription.hasPrefix("There is no action \"escalate\""))
        }
        for action in [RuleAction.assignAgent("a@b.co"), .setPriority("low"), .setStatus("open"), .removeTag("x"),
                       .addInternalNote("n"), .notifyEmail(.team("T")), .applySLAPolicy("Gold")] {
            #expect(try decoder.decode(RuleAction.self, from: try encoder.encode(action)) == action)
        }
    }

    @Test func aDryRunEncodesForTheAPI() throws {
        let rule = F.rule("Tag everything")
        let result = try CompiledRuleSet(rules: [rule]).dryRun(F.context())
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.outputFormatting = [.sortedKeys]
        let json = String(decoding: try encoder.encode(result), as: UTF8.self)
        #expect(json.contains(#""fired_rule_ids":["\#(rule.id.uuidString)"]"#))
        #expect(json.contains(#""rule_id":"\#(rule.id.uuidString)""#))
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        #expect(try decoder.decode(CompiledRuleSet.Evaluation.self, from: Data(json.utf8)) == result)
    }
}

@Suite("Routing rule validation")
struct RoutingRuleValidationTests {
    typealias F = RoutingFixture

    func codes(_ rule: RoutingRule) -> [String: String] {
        Dictionary(rule.validate().map { ($0.field, $0.code) }, uniquingKeysWith: { first, _ in first })
    }

    @Test func conditionProblemsAreNamedAndExplained() {
        let rule = F.rule(all: [
            Condition("ticket.colour", .equal, "red"),
            Condition("custom.my plan", .equal, "x"),
            Condition("ticket.subject", .contains),
            Condition("ticket.tags", .present, "vip"),
            Condition("ticket.priority", .equal, "critical"),
            Condition("ticket.status", .notEqual, .number(3)),
            Condition("ticket.created_at", .greaterThan, "yesterday"),
            Condition("ticket.created_at", .olderThanMinutes, .number(1.5)),
            Condition("message.from_customer", .equal, "yes"),
            Condition("custom.seats", .greaterThan, "many"),
            Condition("ticket.subject", .equal, "   "),
            Condition("ticket.subject", .equal, .number(4)),
            Condition("custom.seats", .equal, .number(.infinity)),
        ])
        let errors = rule.validate()
        #expect(errors.map(\.field) == (0..<13).map { "conditions.all[\($0)]." + ($0 < 2 ? "field" : "value") })
        #expect(errors.map(\.code) == ["unknown_field", "unknown_field", "required", "unexpected_value", "invalid_choice", "invalid_choice",
                                       "invalid_value", "invalid_value", "invalid_value", "invalid_value", "required", "invalid_value", "invalid_value"])
        #expect(errors[0].message.hasPrefix("There is no field \"ticket.colour\". Use one of ticket.subject, ticket.category,"))
        #expect(errors[1].message == "A custom field's name is 1 to 64 letters, digits, _ or -; \"custom.my plan\" is not.")
        #expect(errors[2].message == "“ticket.subject contains” needs a value to compare with.")
        #expect(errors[3].message == "“present” takes no value; remove it.")
        #expect(errors[4].message == "ticket.priority is low, normal, high or urgent; \"critical\" is not one of them.")
        #expect(errors[6].message == "ticket.created_at is compared with a date and time such as 2026-01-31T09:00:00Z; \"yesterday\" is not one.")
        #expect(errors[7].message == "“older than” needs a whole number of minutes above 0; \"1.5\" is not one.")
        #expect(errors[8].message == "message.from_customer is true or false; \"yes\" is neither.")
    }

    @Test func ruleAndActionProblems() {
        var rule = F.rule("  ", actions: [], events: [])
        rule.position = -1
        rule.version = 0
        #expect(codes(rule) == ["name": "required", "position": "out_of_range", "version": "out_of_range", "events": "required", "actions": "required"])
        #expect(rule.validate().first { $0.field == "actions" }?.message == "A rule needs at least one action.")

        let actions = F.rule(actions: [
            .assignTeam(""), .assignAgent("not an agent"), .setPriority("critical"), .setStatus("waiting"), .addTag("two words"),
            .removeTag(""), .addInternalNote(" "), .notifyEmail(.person("bob@")), .notifyEmail(.team("")),
            .sendWebhook("http://hooks.example.com/x"), .sendWebhook("https:///path"), .sendWebhook("https://user:pw@hooks.example.com"),
            .sendWebhook("not a url"), .applySLAPolicy(""),
        ])
        let errors = actions.validate()
        #expect(errors.map { "\($0.field) \($0.code)" } == [
            "actions[0].team required", "actions[1].agent invalid_format", "actions[2].priority invalid_choice",
            "actions[3].status invalid_choice", "actions[4].tag invalid_format", "actions[5].tag required", "actions[6].text required",
            "actions[7].person invalid_format", "actions[8].team required", "actions[9].url insecure_url", "actions[10].url invalid_url",
            "actions[11].url invalid_url", "actions[12].url invalid_url", "actions[13].policy required",
        ])
        #expect(errors[9].message == "The webhook address must start with https:// so the ticket data travels encrypted.")
        #expect(errors[3].message == "The status is new, open, pending, on_hold, resolved or closed; \"waiting\" is not one of them.")
        #expect(F.rule(actions: [.assignAgent(UUID().uuidString), .assignAgent("Ann@Example.com"), .notifyEmail(.person("lead@example.com"))]).validate() == [])
    }

    @Test func compilingRefusesInvalidRulesNamingEach() {
        let good = F.rule("Good")
        let bad = F.rule("Bad", all: [Condition("ticket.subject", .greaterThan, "a")], actions: [])
        do {
            _ = try CompiledRuleSet(rules: [good, bad])
            Issue.record("compiled an invalid rule")
        } catch {
            #expect(error.errors.map(\.field) == ["rules[1].conditions.all[0].op", "rules[1].actions"])
        }
    }

    @Test func fieldPathsParse() {
        #expect(FieldRef(" Ticket.Subject ").field == .ticketSubject)
        #expect(FieldRef(" Ticket.Subject ").path == "ticket.subject")
        #expect(FieldRef("custom.Order_Ref-2").field == .custom("Order_Ref-2"))
        #expect(FieldRef("CUSTOM.plan").path == "custom.plan")
        #expect(FieldRef("custom.").field == nil)
        #expect(FieldRef("custom.\(String(repeating: "x", count: 65))").field == nil)
        #expect(FieldRef("ticket").field == nil)
        for field in FieldRef.Field.builtIn { #expect(FieldRef(field.path).field == field) }
    }
}

@Suite("Template routing rules")
struct TemplateRoutingRuleTests {
    typealias F = RoutingFixture

    @Test func everyTemplateRuleConvertsOrSaysWhy() throws {
        for template in IndustryTemplates.all {
            let conversions = RoutingRule.fromTemplate(template)
            #expect(conversions.count == template.routingRules.count)
            for (position, conversion) in conversions.enumerated() {
                if let rule = conversion.rule {
                    #expect(rule.validate() == [], "\(template.id): \(rule.name)")
                    #expect(rule.position == position)
                    #expect(rule.name == conversion.template.name)
                } else {
                    #expect(!conversion.notConverted.isEmpty, "\(template.id): \(conversion.template.name) says why")
                }
                for reason in conversion.notConverted { #expect(reason.contains("“"), "\(reason) quotes what it left out") }
            }
            #expect(throws: Never.self) { try CompiledRuleSet(rules: conversions.compactMap(\.rule)) }
        }
    }

    @Test func theTemplatesRulesBecomeTheseRules() throws {
        func converted(_ template: IndustryTemplate, _ name: String) -> TemplateRuleConversion {
            RoutingRule.fromTemplate(template.routingRules.first { $0.name == name }!)
        }
        let refunds = converted(IndustryTemplates.ecommerce, "Refunds to billing")
        #expect(refunds.rule?.conditions == ConditionGroup(any: [Condition("ticket.subject", .contains, "refund"), Condition("message.body", .contains, "refund")]))
        #expect(refunds.rule?.actions == [.assignTeam("Billing"), .setPriority("high")])
        #expect(refunds.rule?.events == [.ticketCreated, .messageCreated])
        #expect(refunds.notConverted == [])

        let order = converted(IndustryTemplates.ecommerce, "Where is my order")
        #expect(order.rule?.conditions.any == [Condition("message.body", .contains, "tracking"), Condition("message.body", .contains, "delivery")])
        #expect(order.rule?.actions == [.addTag("shipping")])
        #expect(order.notConverted == ["“suggest article Track your order” is left out: routing rules do not suggest articles; the knowledge base suggests them to agents and customers."])

        let outage = converted(IndustryTemplates.saas, "Outages are urgent")
        #expect(outage.rule?.conditions.any.compactMap(\.value) == [.text("down"), .text("outage"), .text("cannot log in")])
        #expect(outage.rule?.actions == [.setPriority("urgent"), .notifyEmail(.team("on-call"))])

        let billing = converted(IndustryTemplates.saas, "Billing questions")
        #expect(billing.rule?.conditions == ConditionGroup(all: [Condition("ticket.category", .equal, "Billing")]))
        #expect(billing.rule?.events == [.ticketCreated, .ticketUpdated])

        let emergency = converted(IndustryTemplates.healthcare, "Emergencies")
        #expect(emergency.rule?.actions == [.setPriority("urgent")])
        #expect(emergency.notConverted.first?.hasPrefix("“reply with emergency number” is left out") == true)

        let it = converted(IndustryTemplates.education, "IT help")
        #expect(it.rule?.actions == [.assignTeam("IT service desk")])
        #expect(it.rule?.conditions.all == [Condition("ticket.category", .equal, "IT & accounts")])

        let fraud = converted(IndustryTemplates.financialServices, "Fraud is urgent")
        #expect(fraud.rule?.actions == [.setPriority("urgent"), .assignTeam("Fraud")])
        #expect(fraud.rule?.conditions.any.count == 3)
    }

    @Test func convertedRulesRoute() throws {
        let rules = RoutingRule.fromTemplate(IndustryTemplates.ecommerce).compactMap(\.rule)
        let set = try CompiledRuleSet(rules: rules)
        let refund = set.evaluate(F.context(.messageCreated, message: .init(body: "I would like a REFUND for my order")))
        #expect(refund.effect.team == "Billing")
        #expect(refund.effect.priority == "high")
        let tracking = set.evaluate(F.context(message: .init(body: "No tracking number yet")))
        #expect(tracking.effect.addTags == ["shipping"])
        #expect(tracking.effect.team == nil)
    }

    @Test func unreadableTemplateRulesAreReported() {
        let vague = RoutingRule.fromTemplate(.init(name: "Vague", when: "the customer sounds angry", then: "priority high"))
        #expect(vague.rule == nil)
        #expect(vague.notConverted.first?.hasPrefix("“when the customer sounds angry” cannot be read as conditions") == true)
        let inert = RoutingRule.fromTemplate(.init(name: "Inert", when: "category is Billing", then: "suggest article Pay, reply politely"))
        #expect(inert.rule == nil)
        #expect(inert.notConverted.count == 3)
        #expect(inert.notConverted.last == "Nothing the rule does is a routing action, so no rule was made.")
        let badPriority = RoutingRule.fromTemplate(.init(name: "Odd", when: "tagged vip", then: "priority critical"))
        #expect(badPriority.rule == nil)
        #expect(badPriority.notConverted == ["The priority is low, normal, high or urgent; \"critical\" is not one of them."])
    }
}

// MARK: - Property: compiled evaluation equals a naive interpreter

/// A direct reading of the documented semantics, written independently of the compiler.
private enum Naive {
    static func evaluate(_ rules: [RoutingRule], _ context: RuleContext) -> (fired: [UUID], actions: [RuleAction]) {
        let ordered = rules.enumerated().sorted { ($0.element.position, $0.offset) < ($1.element.position, $1.offset) }.map(\.element)
        var fired: [UUID] = []
        var actions: [RuleAction] = []
        for rule in ordered where rule.enabled && rule.events.contains(context.event) {
            let all = rule.conditions.all.allSatisfy { holds($0, context) }
            let any = rule.conditions.any.isEmpty || rule.conditions.any.contains { holds($0, context) }
            guard all && any else { continue }
            fired.append(rule.id)
            actions += rule.actions
            if rule.stopProcessing { break }
        }
        return (fired, actions)
    }

    static func blank(_ text: String) -> Bool { text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty }

    static func textForm(_ value: ConditionValue) -> String {
        switch value {
        case .text(let text): text
        case .number(let number): number == number.rounded() ? String(Int(number)) : "\(number)"
        case .bool(let bool): bool ? "true" : "false"
        }
    }

    static func number(_ value: ConditionValue) -> Double? {
        switch value {
        case .number(let number): number
        case .text(let text): Double(text.trimmingCharacters(in: .whitespaces))
        case .bool: nil
        }
    }

    static func bool(_ value: ConditionValue) -> Bool? {
        switch value {
        case .bool(let bool): bool
        case .text(let text): ["true": true, "false": false][text.lowercased()]
        case .number: nil
        }
    }

    static func date(_ value: ConditionValue) -> Date? {
        guard case .text(let text) = value else { return nil }
        return ISO8601DateFormatter().date(from: text)
    }

    static func text(_ field: FieldRef.Field, _ context: RuleContext) -> String? {
        switch field {
        case .ticketSubject: context.ticket.subject
        case .ticketCategory: context.ticket.category
        case .ticketChannel: context.ticket.channel
        case .ticketTeam: context.ticket.team
        case .ticketAssignee: context.ticket.assignee
        case .messageBody: context.message?.body
        case .messageChannel: context.message?.channel
        case .contactEmail: context.contact.email
        case .contactName: context.contact.name
        default: nil
        }
    }

    static func present(_ field: FieldRef.Field, _ context: RuleContext) -> Bool {
        switch field {
        case .ticketStatus: !blank(context.ticket.status)
        case .ticketPriority: !blank(context.ticket.priority)
        case .ticketTags: !context.ticket.tags.isEmpty
        case .ticketCreatedAt, .ticketUpdatedAt, .eventTime: true
        case .messageFromCustomer: context.message != nil
        case .custom(let name):
            switch context.ticket.customFields[name] {
            case nil: false
            case .text(let text)?: !blank(text)
            default: true
            }
        default: text(field, context).map { !blank($0) } ?? false
        }
    }

    static func compareDate(_ moment: Date, _ op: ConditionOperator, _ value: ConditionValue?, _ context: RuleContext) -> Bool {
        switch op {
        case .greaterThan: return date(value!).map { moment > $0 } ?? false
        case .lessThan: return date(value!).map { moment < $0 } ?? false
        case .olderThanMinutes: return context.now.timeIntervalSince(moment) >= number(value!)! * 60
        case .withinBusinessHours: return context.businessHours?.isOpen(at: moment) ?? false
        default: return false
        }
    }

    static func holds(_ condition: Condition, _ context: RuleContext) -> Bool {
        let field = condition.field.field!
        let value = condition.value
        switch condition.op {
        case .present: return present(field, context)
        case .notPresent: return !present(field, context)
        case .notEqual: return !holds(Condition(condition.field, .equal, value), context)
        case .notContains: return !holds(Condition(condition.field, .contains, value), context)
        default: break
        }
        let op = condition.op
        switch field {
        case .ticketStatus:
            return context.ticket.status.lowercased() == textForm(value!).lowercased()
        case .ticketPriority:
            let order = ["low", "normal", "high", "urgent"]
            guard let have = order.firstIndex(of: context.ticket.priority.lowercased()),
                  let want = order.firstIndex(of: textForm(value!).lowercased()) else { return false }
            return op == .equal ? have == want : op == .greaterThan ? have > want : have < want
        case .ticketTags:
            return context.ticket.tags.contains { $0.lowercased() == textForm(value!).lowercased() }
        case .messageFromCustomer:
            guard let message = context.message else { return false }
            return message.fromCustomer == bool(value!)
        case .ticketCreatedAt: return compareDate(context.ticket.createdAt, op, value, context)
        case .ticketUpdatedAt: return compareDate(context.ticket.updatedAt, op, value, context)
        case .eventTime: return compareDate(context.now, op, value, context)
        case .custom(let name):
            switch context.ticket.customFields[name] {
            case nil: return false
            case .text(let text)?:
                let have = text.lowercased(), want = textForm(value ?? .text("")).lowercased()
                switch op {
                case .equal: return have == want
                case .contains: return have.contains(want)
                case .startsWith: return have.hasPrefix(want)
                default: return false
                }
            case .number(let have)?:
                guard let want = number(value ?? .bool(false)) else { return false }
                switch op {
                case .equal: return have == want
                case .greaterThan: return have > want
                case .lessThan: return have < want
                default: return false
                }
            case .bool(let have)?:
                return op == .equal && bool(value!) == have
            case .date(let have)?:
                if op == .equal { return date(value!) == have }
                if op == .greaterThan || op == .lessThan, number(value!) != nil { return false }
                return compareDate(have, op, value, context)
            }
        default:
            guard let text = text(field, context) else { return false }
            let have = text.lowercased(), want = textForm(value!).lowercased()
            switch op {
            case .equal: return have == want
            case .contains: return have.contains(want)
            case .startsWith: return have.hasPrefix(want)
            default: return false
            }
        }
    }
}

private struct Generator {
    var random: SplitMix64
    let now = RoutingFixture.now

    static let words = ["refund", "Refund", "order", "ORDER 42", "café", "CAFÉ", "tracking", "down", "outage", "vip", "a", "ab", "abc", "b", "ba", "42"]
    static let customNames = ["plan", "seats", "renewal", "beta"]

    mutating func chance(_ percent: Int) -> Bool { Int.random(in: 0..<100, using: &random) < percent }
    mutating func pick<T>(_ items: [T]) -> T { items.randomElement(using: &random)! }

    mutating func phrase() -> String {
        if chance(8) { return pick(["", "  "]) }
        return (0..<Int.random(in: 1...4, using: &random)).map { _ in pick(Self.words) }.joined(separator: pick([" ", "", "-"]))
    }

    mutating func moment() -> Date { now.addingTimeInterval(Double(Int.random(in: -16...4, using: &random)) * 900) }

    mutating func condition() -> Condition {
        let field: FieldRef.Field = chance(25) ? .custom(pick(Self.customNames)) : pick(FieldRef.Field.builtIn)
        let op = pick(field.type.operators)
        var value: ConditionValue?
        if op.takesValue {
            switch (field.type, op) {
            case (.status, _): value = .text(pick(RoutingRule.statuses + ["OPEN", "On_Hold"]))
            case (.priority, _): value = .text(pick(RoutingRule.priorities + ["URGENT"]))
            case (.boolean, _): value = .bool(chance(50))
            case (_, .olderThanMinutes): value = chance(70) ? .number(Double(Int.random(in: 1...240, using: &random))) : .text("30")
            case (.date, _): value = .date(moment())
            case (.custom, .greaterThan), (.custom, .lessThan):
                value = chance(60) ? pick([.number(Double(Int.random(in: 0...10, using: &random))), .text("5")]) : .date(moment())
            case (.custom, .equal), (.custom, .notEqual):
                value = pick([.text(pick(Self.words)), .number(Double(Int.random(in: 0...10, using: &random))), .bool(chance(50)),
                              .text("5"), .text("TRUE"), .date(moment()), .number(2.5)])
            default:
                value = .text(chance(80) ? pick(Self.words) : pick(Self.words) + " " + pick(Self.words))
            }
        }
        return Condition(FieldRef(field), op, value)
    }

    mutating func action() -> RuleAction {
        pick([.assignTeam(pick(["Billing", "Support"])), .setPriority(pick(RoutingRule.priorities)), .addTag(pick(["a", "b", "c"])),
              .removeTag("a"), .notifyEmail(.team("Leads")), .setStatus("pending")])
    }

    mutating func rule(_ index: Int) -> RoutingRule {
        var events = Set(RuleEvent.allCases.filter { _ in chance(60) })
        if events.isEmpty { events = [pick(RuleEvent.allCases)] }
        return RoutingRule(
            name: "r\(index)", position: Int.random(in: 0...4, using: &random), events: events,
            conditions: ConditionGroup(all: (0..<Int.random(in: 0...3, using: &random)).map { _ in condition() },
                                       any: (0..<Int.random(in: 0...3, using: &random)).map { _ in condition() }),
            actions: (0..<Int.random(in: 1...2, using: &random)).map { _ in action() },
            stopProcessing: chance(15), enabled: chance(85))
    }

    mutating func customValue() -> CustomFieldValue? {
        switch Int.random(in: 0..<6, using: &random) {
        case 0: nil
        case 1: .text(phrase())
        case 2: .text(pick(["5", "true", "TRUE", "2.5"]))
        case 3: .number(pick([0, 2.5, 5, 7, 10]))
        case 4: .bool(chance(50))
        default: .date(moment())
        }
    }

    mutating func optionalPhrase() -> String? { chance(25) ? nil : phrase() }

    mutating func context() -> RuleContext {
        var custom: [String: CustomFieldValue] = [:]
        for name in Self.customNames { custom[name] = customValue() }
        let created = moment()
        return RuleContext(
            event: pick(RuleEvent.allCases),
            ticket: .init(subject: phrase(), status: pick(RoutingRule.statuses + ["OPEN", "weird"]),
                          priority: pick(RoutingRule.priorities + ["HIGH", ""]), channel: pick(["email", "Chat", "whatsapp"]),
                          category: optionalPhrase(), tags: Set(["vip", "VIP", "billing", "a", "refund"].filter { _ in chance(30) }),
                          customFields: custom, createdAt: created, updatedAt: created.addingTimeInterval(Double(Int.random(in: 0...8, using: &random)) * 900),
                          team: optionalPhrase(), assignee: optionalPhrase()),
            message: chance(70) ? .init(body: phrase(), fromCustomer: chance(60), channel: pick(["email", "chat"])) : nil,
            contact: .init(email: chance(80) ? pick(["ann@example.com", "BO@Example.com", "vip@ab.c"]) : nil, name: optionalPhrase()),
            now: now.addingTimeInterval(Double(Int.random(in: -12...12, using: &random)) * 3600),
            businessHours: chance(70) ? DaytimeClock() : nil)
    }
}

@Suite("Routing rule properties")
struct RoutingRulePropertyTests {
    @Test func compiledEvaluationEqualsANaiveInterpreter() throws {
        var generator = Generator(random: SplitMix64(seed: 0x5EED_2026))
        var checked = 0, firings = 0
        for round in 0..<250 {
            let rules = (0..<Int.random(in: 1...12, using: &generator.random)).map { generator.rule($0) }
            for rule in rules { #expect(rule.validate() == [], "\(rule)") }
            let set = try CompiledRuleSet(rules: rules)
            for _ in 0..<30 {
                let context = generator.context()
                let expected = Naive.evaluate(rules, context)
                let fast = set.evaluate(context)
                let explained = set.dryRun(context)
                checked += 1
                firings += expected.fired.count
                guard fast.firedRuleIDs == expected.fired, fast.actions == expected.actions,
                      explained.firedRuleIDs == expected.fired, explained.actions == expected.actions,
                      explained.trace.filter({ $0.outcome == .fired }).map(\.ruleID) == expected.fired
                else {
                    let name = { (id: UUID) in rules.first { $0.id == id }!.name }
                    Issue.record("round \(round): expected \(expected.fired.map(name)), got \(fast.firedRuleIDs.map(name)) / \(explained.firedRuleIDs.map(name))\nrules: \(rules)\ncontext: \(context)\ntrace: \(explained.trace.map(\.reason))")
                    return
                }
            }
        }
        #expect(checked == 7500)
        #expect(firings > 2000, "the generator makes rules fire often enough to mean something (\(firings))")
    }
}
