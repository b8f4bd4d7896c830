import Foundation

/// The kind of value a field holds, which decides the operators it accepts.
public enum FieldType: String, Sendable, Hashable, CaseIterable {
    case text, status, priority, tags, date, boolean, custom

    /// The operators that can be used with a field of this type.
    public var operators: [ConditionOperator] {
        switch self {
        case .text: [.equal, .notEqual, .contains, .notContains, .startsWith, .present, .notPresent]
        case .status: [.equal, .notEqual, .present, .notPresent]
        case .priority: [.equal, .notEqual, .greaterThan, .lessThan, .present, .notPresent]
        case .tags: [.contains, .notContains, .present, .notPresent]
        case .date: [.greaterThan, .lessThan, .olderThanMinutes, .withinBusinessHours, .present, .notPresent]
        case .boolean: [.equal, .notEqual, .present, .notPresent]
        case .custom: ConditionOperator.allCases
        }
    }

    /// How a person calls it.
    public var label: String {
        switch self {
        case .text: "text"
        case .status: "a status"
        case .priority: "a priority"
        case .tags: "a list of tags"
        case .date: "a date"
        case .boolean: "yes or no"
        case .custom: "a custom field"
        }
    }
}
