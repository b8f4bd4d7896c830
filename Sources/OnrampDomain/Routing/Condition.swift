import Foundation

/// One test of a field: `ticket.priority equal urgent`, `message.body contains "refund"`.
public struct Condition: Sendable, Hashable, Codable, CustomStringConvertible {
    public var field: FieldRef
    public var op: ConditionOperator
    public var value: ConditionValue?

    public init(_ field: FieldRef, _ op: ConditionOperator, _ value: ConditionValue? = nil) {
        self.field = field
        self.op = op
        self.value = value
    }

    /// Shorthand for a text value.
    public init(_ field: FieldRef, _ op: ConditionOperator, _ text: String) {
        self.init(field, op, .text(text))
    }

    /// `ticket.priority equal urgent`, `message.body contains "refund"`, `ticket.tags present`.
    public var description: String {
        guard op.takesValue, let value else { return "\(field.path) \(op.label)" }
        if op == .olderThanMinutes { return "\(field.path) older than \(value.textForm) minutes" }
        switch (field.field?.type, value) {
        case (.status?, _), (.priority?, _), (_, .number), (_, .bool): return "\(field.path) \(op.label) \(value.textForm)"
        case (_, .text(let text)): return "\(field.path) \(op.label) \"\(text)\""
        }
    }

    /// Adds what is wrong with the condition to `errors`, its fields named under `path`.
    func validate(into errors: inout FieldErrors, at path: String) {
        guard let known = field.field else {
            if field.path.lowercased().hasPrefix("custom.") {
                errors.add("\(path).field", "A custom field's name is 1 to 64 letters, digits, _ or -; \"\(field.path)\" is not.", code: "unknown_field")
            } else {
                let paths = FieldRef.Field.builtIn.map(\.path).joined(separator: ", ")
                errors.add("\(path).field", "There is no field \"\(field.path)\". Use one of \(paths), or custom.<name>.", code: "unknown_field")
            }
            return
        }
        let type = known.type
        guard type.operators.contains(op) else {
            let allowed = type.operators.map(\.label)
            let hint = known == .ticketTags && op == .equal ? " (to look for one tag, use contains)" : ""
            errors.add("\(path).op", "“\(op.label)” cannot be used with \(field.path), which is \(type.label); use \(Self.listing(allowed, conjunction: "or"))\(hint).", code: "operator_not_applicable")
            return
        }
        guard op.takesValue else {
            if value != nil { errors.add("\(path).value", "“\(op.label)” takes no value; remove it.", code: "unexpected_value") }
            return
        }
        guard let value else {
            errors.add("\(path).value", "“\(field.path) \(op.label)” needs a value to compare with.", code: "required")
            return
        }
        let valuePath = "\(path).value"
        func requireText() {
            guard let text = value.text else {
                errors.add(valuePath, "“\(field.path) \(op.label)” compares with text; \(value.textForm) is not text.", code: "invalid_value")
                return
            }
            if text.trimmingWhitespace().isEmpty {
                errors.add(valuePath, "“\(field.path) \(op.label)” needs text to compare with; it is empty.", code: "required")
            } else if text.count > 1000 {
                errors.add(valuePath, "A condition's text must be at most 1000 characters long.", code: "too_long")
            }
        }
        func requireChoice(_ choices: [String]) {
            guard let text = value.text, choices.contains(text.trimmingWhitespace().lowercased()) else {
                errors.add(valuePath, "\(field.path) is \(Self.listing(choices, conjunction: "or")); \"\(value.textForm)\" is not one of them.", code: "invalid_choice")
                return
            }
        }
        if case .number(let number) = value, !number.isFinite {
            errors.add(valuePath, "The value must be a finite number.", code: "invalid_value")
            return
        }
        switch (type, op) {
        case (.text, _), (.tags, _), (.custom, .contains), (.custom, .notContains), (.custom, .startsWith):
            requireText()
        case (.status, _):
            requireChoice(RoutingRule.statuses)
        case (.priority, _):
            requireChoice(RoutingRule.priorities)
        case (.boolean, _):
            if case .bool = value {} else {
                errors.add(valuePath, "\(field.path) is true or false; \"\(value.textForm)\" is neither.", code: "invalid_value")
            }
        case (_, .olderThanMinutes):
            if value.wholeMinutes == nil {
                errors.add(valuePath, "“older than” needs a whole number of minutes above 0; \"\(value.textForm)\" is not one.", code: "invalid_value")
            }
        case (.date, _):
            if value.date == nil {
                errors.add(valuePath, "\(field.path) is compared with a date and time such as 2026-01-31T09:00:00Z; \"\(value.textForm)\" is not one.", code: "invalid_value")
            }
        case (.custom, .greaterThan), (.custom, .lessThan):
            if value.number == nil && value.date == nil {
                errors.add(valuePath, "“\(op.label)” compares with a number or a date and time such as 2026-01-31T09:00:00Z; \"\(value.textForm)\" is neither.", code: "invalid_value")
            }
        case (.custom, _):
            if let text = value.text, text.trimmingWhitespace().isEmpty {
                errors.add(valuePath, "“\(field.path) \(op.label)” needs a value to compare with; it is empty.", code: "required")
            }
        }
    }

    static func listing(_ items: [String], conjunction: String) -> String {
        guard items.count > 1 else { return items.first ?? "" }
        return items.dropLast().joined(separator: ", ") + " \(conjunction) " + items.last!
    }
}
