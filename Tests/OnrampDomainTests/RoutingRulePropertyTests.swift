import Foundation
@testable import OnrampDomain
import Testing

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
