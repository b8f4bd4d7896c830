import Foundation

/// A JSON value inside a step's configuration. Step configurations are open-ended
/// documents checked by their step's validator, so they are kept as data.
public indirect enum ConfigValue: Sendable, Equatable, Codable, Hashable {
    case string(String)
    case number(Double)
    case bool(Bool)
    case array([ConfigValue])
    case object([String: ConfigValue])
    case null

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() { self = .null }
        else if let value = try? container.decode(Bool.self) { self = .bool(value) }
        else if let value = try? container.decode(Double.self) { self = .number(value) }
        else if let value = try? container.decode(String.self) { self = .string(value) }
        else if let value = try? container.decode([ConfigValue].self) { self = .array(value) }
        else { self = .object(try container.decode([String: ConfigValue].self)) }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .string(let value): try container.encode(value)
        case .number(let value):
            if value.rounded() == value, abs(value) < 1e15 { try container.encode(Int64(value)) } else { try container.encode(value) }
        case .bool(let value): try container.encode(value)
        case .array(let value): try container.encode(value)
        case .object(let value): try container.encode(value)
        case .null: try container.encodeNil()
        }
    }

    public var stringValue: String? { if case .string(let value) = self { value } else { nil } }
    public var numberValue: Double? { if case .number(let value) = self { value } else { nil } }
    public var boolValue: Bool? { if case .bool(let value) = self { value } else { nil } }
    public var arrayValue: [ConfigValue]? { if case .array(let value) = self { value } else { nil } }
    public var objectValue: [String: ConfigValue]? { if case .object(let value) = self { value } else { nil } }
    public var isNull: Bool { self == .null }

    /// Size in bytes of its JSON, roughly; bounds what one step may store.
    public var approximateSize: Int {
        switch self {
        case .string(let value): value.utf8.count + 2
        case .number: 12
        case .bool: 5
        case .null: 4
        case .array(let items): items.reduce(2) { $0 + $1.approximateSize + 1 }
        case .object(let members): members.reduce(2) { $0 + $1.key.utf8.count + 3 + $1.value.approximateSize + 1 }
        }
    }
}

/// One step's configuration: named fields.
public typealias StepConfig = [String: ConfigValue]
