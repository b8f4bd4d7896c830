import Foundation

/// How a condition compares a field with its value. Raw values are the API's names.
public enum ConditionOperator: String, Sendable, Hashable, Codable, CaseIterable {
    case equal
    case notEqual = "not_equal"
    case contains
    case notContains = "not_contains"
    case startsWith = "starts_with"
    case present
    case notPresent = "not_present"
    case greaterThan = "greater_than"
    case lessThan = "less_than"
    case withinBusinessHours = "within_business_hours"
    case olderThanMinutes = "older_than_minutes"

    /// How a person reads it.
    public var label: String {
        switch self {
        case .equal: "equal"
        case .notEqual: "not equal"
        case .contains: "contains"
        case .notContains: "does not contain"
        case .startsWith: "starts with"
        case .present: "present"
        case .notPresent: "not present"
        case .greaterThan: "greater than"
        case .lessThan: "less than"
        case .withinBusinessHours: "within business hours"
        case .olderThanMinutes: "older than (minutes)"
        }
    }

    /// Whether the operator compares with a value (`present`, `not_present` and
    /// `within_business_hours` do not).
    public var takesValue: Bool {
        switch self {
        case .present, .notPresent, .withinBusinessHours: false
        default: true
        }
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let raw = try container.decode(String.self)
        guard let value = ConditionOperator(rawValue: raw) else {
            throw DecodingError.dataCorruptedError(
                in: container,
                debugDescription: "There is no operator \"\(raw)\"; use one of \(ConditionOperator.allCases.map(\.rawValue).joined(separator: ", ")).")
        }
        self = value
    }
}
