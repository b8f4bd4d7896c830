import Foundation

struct PlanBuilder {
    var factKeys: [FactKey] = [.never]
    var factIDs: [FactKey: Int32] = [.never: 0]
    var numberSources: [NumberSource] = [.none]
    var numberSlots: [NumberSource: Int32] = [.none: 0]

    mutating func fact(_ key: FactKey) -> Int32 {
        if let id = factIDs[key] { return id }
        let id = Int32(factKeys.count)
        factKeys.append(key)
        factIDs[key] = id
        return id
    }

    mutating func slot(_ source: NumberSource) -> Int32 {
        if let slot = numberSlots[source] { return slot }
        let slot = Int32(numberSources.count)
        numberSources.append(source)
        numberSlots[source] = slot
        return slot
    }

    /// The condition as a test. The condition has been validated.
    mutating func test(for condition: Condition) -> Test {
        let field = condition.field.field!
        let value = condition.value
        let negate = condition.op == .notEqual || condition.op == .notContains || condition.op == .notPresent
        func fact(_ key: FactKey) -> Test { Test(operand: 0, fact: self.fact(key), slot: 0, kind: .fact, negate: negate) }
        func compare(_ source: NumberSource, _ kind: Test.Kind, _ operand: Double) -> Test {
            Test(operand: operand, fact: 0, slot: slot(source), kind: kind, negate: negate)
        }
        let text = value.map { TextNormalizer.normalize($0.textForm) } ?? ""
        switch (field.type, condition.op) {
        case (_, .present), (_, .notPresent):
            return fact(.present(field))
        case (.text, .equal), (.text, .notEqual):
            return fact(.text(field, .equal, text))
        case (.text, .contains), (.text, .notContains), (.custom, .contains), (.custom, .notContains):
            return fact(.text(field, .contains, text))
        case (.text, .startsWith), (.custom, .startsWith):
            return fact(.text(field, .prefix, text))
        case (.tags, _):
            return fact(.tag(text))
        case (.status, _):
            return compare(.status, .equal, Double(RoutingRule.statuses.firstIndex(of: text.trimmingWhitespace())!))
        case (.priority, let op):
            let rank = Double(RoutingRule.priorities.firstIndex(of: text.trimmingWhitespace())!)
            return compare(.priority, op == .greaterThan ? .greater : op == .lessThan ? .less : .equal, rank)
        case (.boolean, _):
            guard case .bool(let bool)? = value else { preconditionFailure("validated") }
            return fact(.fromCustomer(bool))
        case (_, .withinBusinessHours):
            return fact(.open(field))
        case (_, .olderThanMinutes):
            return compare(.date(field), .olderThan, Double(value!.wholeMinutes!) * 60)
        case (.date, let op):
            return compare(.date(field), op == .greaterThan ? .greater : .less, value!.date!.timeIntervalSinceReferenceDate)
        case (.custom, .greaterThan), (.custom, .lessThan):
            guard case .custom(let name) = field else { preconditionFailure() }
            let kind: Test.Kind = condition.op == .greaterThan ? .greater : .less
            if let number = value!.number { return compare(.customNumber(name), kind, number) }
            return compare(.date(field), kind, value!.date!.timeIntervalSinceReferenceDate)
        case (.custom, _):
            guard case .custom(let name) = field else { preconditionFailure() }
            return fact(.customEqual(name, text))
        default:
            preconditionFailure("\(condition) was not validated")
        }
    }

    func build() -> Plan {
        var needles: [FieldRef.Field: [(NeedleKind, [UInt8], Int32)]] = [:]
        var textOrder: [FieldRef.Field] = []
        func addNeedle(_ field: FieldRef.Field, _ kind: NeedleKind, _ text: String, _ id: Int32) {
            if needles[field] == nil { textOrder.append(field) }
            needles[field, default: []].append((kind, Array(text.utf8), id))
        }
        var plan = Plan()
        plan.factWords = (factKeys.count + 63) / 64
        plan.numberSources = numberSources
        for (index, key) in factKeys.enumerated() {
            let id = Int32(index)
            switch key {
            case .never: break
            case .text(let field, let kind, let text): addNeedle(field, kind, text, id)
            case .present(let field): plan.presence.append(FieldFact(field: field, fact: id))
            case .tag(let tag): plan.tags[tag] = id
            case .fromCustomer(true): plan.fromCustomerTrue = id
            case .fromCustomer(false): plan.fromCustomerFalse = id
            case .open(let field): plan.openFacts.append(FieldFact(field: field, fact: id))
            case .customEqual(let name, let text):
                addNeedle(.custom(name), .equal, text, id)
                plan.customEquals.append(CustomEqual(name: name, number: ConditionValue.readNumber(text),
                                                     bool: ConditionValue.readBool(text),
                                                     date: ConditionValue.readDate(text)?.timeIntervalSinceReferenceDate, fact: id))
            }
        }
        plan.textSlots = textOrder.map { TextSlot(field: $0, automaton: Automaton(needles[$0]!)) }
        return plan
    }
}

enum FactKey: Hashable, Sendable {
    /// Fact 0: never set.
    case never
    case text(FieldRef.Field, NeedleKind, String)
    case present(FieldRef.Field)
    case tag(String)
    case fromCustomer(Bool)
    case open(FieldRef.Field)
    /// `custom.<name> equal v`, keyed by v's normalised text form.
    case customEqual(String, String)
}
