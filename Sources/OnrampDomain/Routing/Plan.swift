import Foundation

/// What to work out about an event before the rules run.
struct Plan: Sendable {
    var factWords = 0
    var numberSources: [NumberSource] = []
    var textSlots: [TextSlot] = []
    var presence: [FieldFact] = []
    var tags: [String: Int32] = [:]
    var fromCustomerTrue: Int32 = -1
    var fromCustomerFalse: Int32 = -1
    var openFacts: [FieldFact] = []
    var customEquals: [CustomEqual] = []

    func prepare(_ context: RuleContext, into state: EvaluationState) {
        for slot in textSlots {
            guard let text = context.text(slot.field) else { continue }
            TextNormalizer.withNormalizedUTF8(text) { slot.automaton.scan($0, into: state) }
        }
        for entry in presence where context.isPresent(entry.field) { state.set(entry.fact) }
        if !tags.isEmpty {
            for tag in context.ticket.tags {
                if let fact = tags[TextNormalizer.normalize(tag)] { state.set(fact) }
            }
        }
        if let message = context.message {
            let fact = message.fromCustomer ? fromCustomerTrue : fromCustomerFalse
            if fact >= 0 { state.set(fact) }
        }
        for entry in openFacts {
            if let clock = context.businessHours, let date = context.date(entry.field), clock.isOpen(at: date) { state.set(entry.fact) }
        }
        for entry in customEquals {
            let equal: Bool
            switch context.ticket.customFields[entry.name] {
            case .number(let number)?: equal = entry.number == number
            case .bool(let bool)?: equal = entry.bool == bool
            case .date(let date)?: equal = entry.date == date.timeIntervalSinceReferenceDate
            case .text?, nil: equal = false // text is matched by the automaton
            }
            if equal { state.set(entry.fact) }
        }
        for (slot, source) in numberSources.enumerated() {
            let value: Double
            switch source {
            case .none: value = .nan
            case .priority: value = Self.rank(context.ticket.priority, in: RoutingRule.priorities)
            case .status: value = Self.rank(context.ticket.status, in: RoutingRule.statuses)
            case .date(let field): value = context.date(field)?.timeIntervalSinceReferenceDate ?? .nan
            case .customNumber(let name):
                if case .number(let number)? = context.ticket.customFields[name] { value = number } else { value = .nan }
            }
            state.numbers[slot] = value
        }
    }

    static func rank(_ text: String, in choices: [String]) -> Double {
        if let index = choices.firstIndex(of: text) { return Double(index) }
        if let index = choices.firstIndex(of: text.trimmingWhitespace().lowercased()) { return Double(index) }
        return .nan
    }
}

enum NumberSource: Hashable, Sendable {
    /// Slot 0: always NaN.
    case none
    case priority, status
    case date(FieldRef.Field)
    case customNumber(String)
}

struct FieldFact: Sendable {
    var field: FieldRef.Field
    var fact: Int32
}

struct CustomEqual: Sendable {
    var name: String
    var number: Double?
    var bool: Bool?
    var date: Double?
    var fact: Int32
}

struct TextSlot: Sendable {
    var field: FieldRef.Field
    var automaton: Automaton
}
