import Foundation
@testable import OnrampApp

/// Validates JSON against JSON Schema 2020-12, for the subset the OpenAPI document uses:
/// `type` (also arrays of types, `null`), `properties`, `required`, `additionalProperties`,
/// `propertyNames`, `items`, `enum`, `const`, `minimum`/`maximum`, `minLength`/`maxLength`
/// (in code points), `minItems`/`maxItems`, `pattern`, `format` (uuid, date-time, email,
/// binary), `oneOf`/`anyOf`/`allOf` and `$ref` into the document. A keyword outside the
/// subset is reported as an error rather than ignored, so nothing passes unchecked.
struct JSONSchemaValidator {
    /// The document `$ref`s point into (`#/components/schemas/…`).
    let document: JSONValue
    /// Also refuse members an object schema does not list when it allows others only by
    /// `additionalProperties: true` (a member the schema forgot, or misspelt, is found so).
    var membersMustBeDocumented = false
    /// Components whose objects are open on purpose (exempt from `membersMustBeDocumented`).
    var openComponents: Set<String> = []

    static let annotations: Set<String> = ["description", "title", "examples", "default", "deprecated", "readOnly", "writeOnly"]
    static let keywords: Set<String> = [
        "$ref", "type", "properties", "required", "additionalProperties", "propertyNames", "items", "enum", "const",
        "minimum", "maximum", "minLength", "maxLength", "minItems", "maxItems", "pattern", "format", "oneOf", "anyOf", "allOf",
    ]

    /// Every way `value` breaks `schema`, as `path: message`; empty when it is valid.
    func errors(_ value: JSONValue, against schema: JSONValue, at path: String = "$") -> [String] {
        check(value, schema, path, strict: membersMustBeDocumented)
    }

    private func check(_ value: JSONValue, _ schema: JSONValue, _ path: String, strict: Bool) -> [String] {
        guard case .object(let keywords) = schema else {
            if case .bool(let allowed) = schema { return allowed ? [] : ["\(path): no value is allowed here"] }
            return ["\(path): the schema is not an object"]
        }
        var errors: [String] = []
        for key in keywords.keys where !Self.keywords.contains(key) && !Self.annotations.contains(key) {
            errors.append("\(path): unsupported schema keyword \(key)")
        }
        if case .string(let ref)? = keywords["$ref"] {
            guard let target = resolve(ref) else { return errors + ["\(path): unresolved $ref \(ref)"] }
            let open = openComponents.contains(String(ref.split(separator: "/").last ?? ""))
            errors += check(value, target, path, strict: strict && !open)
        }
        if let type = keywords["type"] {
            let allowed: [String] = switch type {
            case .string(let name): [name]
            case .array(let names): names.compactMap { value -> String? in if case .string(let name) = value { return name }; return nil }
            default: []
            }
            if !allowed.contains(where: { Self.value(value, is: $0) }) {
                return errors + ["\(path): expected \(allowed.joined(separator: " or ")), got \(Self.describe(value))"]
            }
        }
        if case .array(let options)? = keywords["enum"], !options.contains(where: { Self.equal($0, value) }) {
            errors.append("\(path): \(Self.describe(value)) is not one of the allowed values")
        }
        if let constant = keywords["const"], !Self.equal(constant, value) {
            errors.append("\(path): \(Self.describe(value)) is not the required constant")
        }
        errors += objectErrors(value, keywords, path, strict)
        errors += arrayErrors(value, keywords, path, strict)
        errors += stringErrors(value, keywords, path)
        errors += numberErrors(value, keywords, path)
        if case .array(let options)? = keywords["anyOf"],
           !options.contains(where: { check(value, $0, path, strict: strict).isEmpty }) {
            errors.append("\(path): matches none of anyOf: " + options.flatMap { check(value, $0, path, strict: strict) }.joined(separator: "; "))
        }
        if case .array(let options)? = keywords["oneOf"] {
            let matching = options.filter { check(value, $0, path, strict: strict).isEmpty }.count
            if matching != 1 {
                errors.append("\(path): matches \(matching) of oneOf's schemas, not exactly one: "
                              + options.flatMap { check(value, $0, path, strict: strict) }.joined(separator: "; "))
            }
        }
        if case .array(let all)? = keywords["allOf"] {
            for schema in all { errors += check(value, schema, path, strict: strict) }
        }
        return errors
    }

    /// The schema a local reference (`#/a/b`) points to.
    func resolve(_ ref: String) -> JSONValue? {
        guard ref.hasPrefix("#/") else { return nil }
        var node: JSONValue? = document
        for token in ref.dropFirst(2).split(separator: "/", omittingEmptySubsequences: false) {
            let key = token.replacingOccurrences(of: "~1", with: "/").replacingOccurrences(of: "~0", with: "~")
            node = node?[key]
        }
        return node
    }

    private func objectErrors(_ value: JSONValue, _ keywords: [String: JSONValue], _ path: String, _ strict: Bool) -> [String] {
        guard case .object(let members) = value else { return [] }
        var errors: [String] = []
        let properties = keywords["properties"]?.objectValue ?? [:]
        if case .array(let required)? = keywords["required"] {
            for case .string(let name) in required where members[name] == nil {
                errors.append("\(path): the required member \(name) is missing")
            }
        }
        for (name, member) in members.sorted(by: { $0.key < $1.key }) {
            let memberPath = "\(path).\(name)"
            if let names = keywords["propertyNames"] {
                errors += check(.string(name), names, "\(memberPath) (name)", strict: strict)
            }
            if let schema = properties[name] {
                errors += check(member, schema, memberPath, strict: strict)
            } else if case .bool(false)? = keywords["additionalProperties"] {
                errors.append("\(path): unknown member \(name) (additionalProperties is false)")
            } else if strict, keywords["properties"] != nil, keywords["additionalProperties"].map({ $0 == .bool(true) }) ?? true {
                errors.append("\(path): member \(name) is not among the schema's properties")
            } else if let additional = keywords["additionalProperties"] {
                errors += check(member, additional, memberPath, strict: strict)
            }
        }
        return errors
    }

    private func arrayErrors(_ value: JSONValue, _ keywords: [String: JSONValue], _ path: String, _ strict: Bool) -> [String] {
        guard case .array(let items) = value else { return [] }
        var errors: [String] = []
        if case .int(let minimum)? = keywords["minItems"], items.count < minimum {
            errors.append("\(path): \(items.count) items, fewer than \(minimum)")
        }
        if case .int(let maximum)? = keywords["maxItems"], items.count > maximum {
            errors.append("\(path): \(items.count) items, more than \(maximum)")
        }
        if let schema = keywords["items"] {
            for (index, item) in items.enumerated() { errors += check(item, schema, "\(path)[\(index)]", strict: strict) }
        }
        return errors
    }

    private func stringErrors(_ value: JSONValue, _ keywords: [String: JSONValue], _ path: String) -> [String] {
        guard case .string(let text) = value else { return [] }
        var errors: [String] = []
        let length = text.unicodeScalars.count
        if case .int(let minimum)? = keywords["minLength"], length < minimum {
            errors.append("\(path): \(length) characters, fewer than \(minimum)")
        }
        if case .int(let maximum)? = keywords["maxLength"], length > maximum {
            errors.append("\(path): \(length) characters, more than \(maximum)")
        }
        if case .string(let pattern)? = keywords["pattern"] {
            if let expression = try? NSRegularExpression(pattern: pattern) {
                let range = NSRange(text.startIndex..., in: text)
                if expression.firstMatch(in: text, range: range) == nil {
                    errors.append("\(path): \(Self.describe(value)) does not match \(pattern)")
                }
            } else {
                errors.append("\(path): the pattern \(pattern) does not compile")
            }
        }
        if case .string(let format)? = keywords["format"] {
            let valid: Bool = switch format {
            case "uuid": UUID(uuidString: text) != nil && text.count == 36
            case "date-time": Self.isDateTime(text)
            case "email": text.wholeMatch(of: #/[^@\s]+@[^@\s]+\.[^@\s.]+/#) != nil
            case "binary": true
            default: false
            }
            if !valid { errors.append("\(path): \(Self.describe(value)) is not a valid \(format)") }
        }
        return errors
    }

    private func numberErrors(_ value: JSONValue, _ keywords: [String: JSONValue], _ path: String) -> [String] {
        guard let number = Self.number(value) else { return [] }
        var errors: [String] = []
        if let minimum = keywords["minimum"].flatMap(Self.number), number < minimum {
            errors.append("\(path): \(Self.describe(value)) is less than the minimum \(minimum)")
        }
        if let maximum = keywords["maximum"].flatMap(Self.number), number > maximum {
            errors.append("\(path): \(Self.describe(value)) is more than the maximum \(maximum)")
        }
        return errors
    }

    static func value(_ value: JSONValue, is type: String) -> Bool {
        switch (type, value) {
        case ("null", .null), ("boolean", .bool), ("string", .string), ("array", .array), ("object", .object), ("integer", .int),
             ("number", .int), ("number", .double): true
        case ("integer", .double(let number)): number.rounded() == number
        default: false
        }
    }

    static func number(_ value: JSONValue) -> Double? {
        switch value {
        case .int(let number): Double(number)
        case .double(let number): number
        default: nil
        }
    }

    static func equal(_ left: JSONValue, _ right: JSONValue) -> Bool {
        if let a = number(left), let b = number(right) { return a == b }
        return left == right
    }

    /// RFC 3339 date-time: `2026-03-02T09:15:00Z`, fractions and offsets allowed.
    static func isDateTime(_ text: String) -> Bool {
        guard text.wholeMatch(of: #/\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})/#) != nil else { return false }
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        let plain = ISO8601DateFormatter()
        return plain.date(from: text) != nil || formatter.date(from: text) != nil
    }

    static func describe(_ value: JSONValue) -> String {
        switch value {
        case .string(let text): "\"\(text.prefix(60))\""
        case .int(let number): String(number)
        case .double(let number): String(number)
        case .bool(let flag): String(flag)
        case .null: "null"
        case .array(let items): "an array of \(items.count)"
        case .object: "an object"
        }
    }
}
