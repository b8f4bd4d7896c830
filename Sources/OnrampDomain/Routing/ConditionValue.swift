import Foundation

/// The value a condition compares with, as JSON has it: text, a number or true/false. Dates are
/// ISO 8601 text (`ConditionValue.date(_:)` writes one).
public enum ConditionValue: Sendable, Hashable, Codable, CustomStringConvertible {
    case text(String)
    case number(Double)
    case bool(Bool)

    /// A moment as ISO 8601 text, e.g. `2026-01-31T09:00:00Z`.
    public static func date(_ date: Date) -> ConditionValue { .text(date.formatted(.iso8601)) }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let value = try? container.decode(Bool.self) { self = .bool(value) }
        else if let value = try? container.decode(Double.self) { self = .number(value) }
        else if let value = try? container.decode(String.self) { self = .text(value) }
        else {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "A condition's value is text, a number, true or false.")
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .text(let text): try container.encode(text)
        case .number(let number): try container.encode(number)
        case .bool(let bool): try container.encode(bool)
        }
    }

    public var description: String { textForm }

    /// The value as text: numbers without a needless `.0`, booleans as `true`/`false`.
    var textForm: String {
        switch self {
        case .text(let text): text
        case .number(let number): Self.format(number)
        case .bool(let bool): bool ? "true" : "false"
        }
    }

    var text: String? {
        if case .text(let text) = self { return text }
        return nil
    }

    /// A finite number, or text that reads as one.
    var number: Double? {
        switch self {
        case .number(let number): number.isFinite ? number : nil
        case .text(let text): Self.readNumber(text)
        case .bool: nil
        }
    }

    /// true/false, or text that reads `true` or `false`.
    var boolean: Bool? {
        switch self {
        case .bool(let bool): bool
        case .text(let text): Self.readBool(text)
        case .number: nil
        }
    }

    /// ISO 8601 text read as a moment.
    var date: Date? { text.flatMap(Self.readDate) }

    /// A whole number of minutes above zero (a number, or text that reads as one).
    var wholeMinutes: Int? {
        guard let number, number >= 1, number <= 10_000_000, number == number.rounded() else { return nil }
        return Int(number)
    }

    static func format(_ number: Double) -> String {
        if number == number.rounded(), abs(number) < 1e15 { return String(Int64(number)) }
        return "\(number)"
    }

    static func readNumber(_ text: String) -> Double? {
        guard let number = Double(text.trimmingWhitespace()), number.isFinite else { return nil }
        return number
    }

    static func readBool(_ text: String) -> Bool? {
        switch text.trimmingWhitespace().lowercased() {
        case "true": true
        case "false": false
        default: nil
        }
    }

    /// An ISO 8601 date and time with an offset or `Z`, with or without fractional seconds.
    static func readDate(_ text: String) -> Date? {
        let trimmed = text.trimmingWhitespace().uppercased()
        if let date = try? Date(trimmed, strategy: .iso8601) { return date }
        return try? Date(trimmed, strategy: Date.ISO8601FormatStyle(includingFractionalSeconds: true))
    }
}
