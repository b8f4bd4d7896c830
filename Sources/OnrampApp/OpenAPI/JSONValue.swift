/// A JSON value built in code (the OpenAPI document and its schemas).
indirect enum JSONValue: Sendable, Encodable, Equatable, ExpressibleByStringLiteral, ExpressibleByBooleanLiteral,
    ExpressibleByIntegerLiteral, ExpressibleByArrayLiteral, ExpressibleByDictionaryLiteral {
    case string(String)
    case int(Int)
    case double(Double)
    case bool(Bool)
    case array([JSONValue])
    case object([String: JSONValue])
    case null

    init(stringLiteral value: String) { self = .string(value) }
    init(booleanLiteral value: Bool) { self = .bool(value) }
    init(integerLiteral value: Int) { self = .int(value) }
    init(arrayLiteral elements: JSONValue...) { self = .array(elements) }
    init(dictionaryLiteral elements: (String, JSONValue)...) {
        self = .object(Dictionary(elements, uniquingKeysWith: { _, last in last }))
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .string(let value): try container.encode(value)
        case .int(let value): try container.encode(value)
        case .double(let value): try container.encode(value)
        case .bool(let value): try container.encode(value)
        case .array(let value): try container.encode(value)
        case .object(let value): try container.encode(value)
        case .null: try container.encodeNil()
        }
    }

    subscript(key: String) -> JSONValue? {
        if case .object(let members) = self { return members[key] }
        return nil
    }

    var objectValue: [String: JSONValue]? {
        if case .object(let members) = self { return members }
        return nil
    }
}

/// Small constructors for JSON Schema (2020-12, as OpenAPI 3.1 uses).
enum Schema {
    static func string(_ description: String? = nil, format: String? = nil, minLength: Int? = nil,
                       maxLength: Int? = nil, pattern: String? = nil, enumeration: [String]? = nil,
                       nullable: Bool = false) -> JSONValue {
        var members: [String: JSONValue] = ["type": nullable ? ["string", "null"] : "string"]
        if let pattern { members["pattern"] = .string(pattern) }
        if let description { members["description"] = .string(description) }
        if let format { members["format"] = .string(format) }
        if let minLength { members["minLength"] = .int(minLength) }
        if let maxLength { members["maxLength"] = .int(maxLength) }
        if let enumeration { members["enum"] = .array(enumeration.map(JSONValue.string) + (nullable ? [.null] : [])) }
        return .object(members)
    }

    static func integer(_ description: String? = nil, minimum: Int? = nil, maximum: Int? = nil) -> JSONValue {
        var members: [String: JSONValue] = ["type": "integer"]
        if let description { members["description"] = .string(description) }
        if let minimum { members["minimum"] = .int(minimum) }
        if let maximum { members["maximum"] = .int(maximum) }
        return .object(members)
    }

    static let boolean: JSONValue = ["type": "boolean"]
    static let number: JSONValue = ["type": "number"]

    /// Required text: at least one character that is not white space, without control characters.
    /// The limit is counted as a person reads it (characters, after trimming spaces), which
    /// JSON Schema's `maxLength` (code points, as sent) cannot say: it is in the description.
    static func text(_ description: String, maxLength: Int) -> JSONValue {
        string(description + " At most \(maxLength) characters (after trimming spaces).", minLength: 1,
               // White space at either end (tabs and line ends included) is trimmed away, not refused.
               pattern: #"^[\s\u0085]*[^\x00-\x1F\x7F-\x9F]*[^\s\x00-\x1F\x7F-\x9F][^\x00-\x1F\x7F-\x9F]*[\s\u0085]*$"#)
    }

    static func array(_ items: JSONValue) -> JSONValue { ["type": "array", "items": items] }

    static func object(_ properties: [String: JSONValue], required: [String] = [],
                       additionalProperties: Bool = true, nullable: Bool = false) -> JSONValue {
        [
            "type": nullable ? ["object", "null"] : "object",
            "properties": .object(properties),
            "required": .array(required.map(JSONValue.string)),
            "additionalProperties": .bool(additionalProperties),
        ]
    }
}

import Foundation

extension JSONValue: Decodable {
    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() { self = .null }
        else if let value = try? container.decode(Bool.self) { self = .bool(value) }
        else if let value = try? container.decode(Int.self) { self = .int(value) }
        else if let value = try? container.decode(Double.self) { self = .double(value) }
        else if let value = try? container.decode(String.self) { self = .string(value) }
        else if let value = try? container.decode([JSONValue].self) { self = .array(value) }
        else { self = .object(try container.decode([String: JSONValue].self)) }
    }

    /// Parses JSON text; nil when it is not valid JSON.
    static func parse(_ text: String) -> JSONValue? {
        try? JSONDecoder().decode(JSONValue.self, from: Data(text.utf8))
    }
}
