import Foundation

/// A value read from an export, whatever its format: CSV cells are `.text`, JSON keeps its
/// shape, XML elements become objects (children), arrays (`type="array"`) or text.
public indirect enum ImportValue: Sendable, Equatable {
    case null
    case bool(Bool)
    /// A number as written in the file (so ids like 360839922496 keep every digit).
    case number(String)
    case text(String)
    case array([ImportValue])
    /// Keys in file order.
    case object([(String, ImportValue)])

    public static func == (lhs: ImportValue, rhs: ImportValue) -> Bool {
        switch (lhs, rhs) {
        case (.null, .null): true
        case let (.bool(a), .bool(b)): a == b
        case let (.number(a), .number(b)): a == b
        case let (.text(a), .text(b)): a == b
        case let (.array(a), .array(b)): a == b
        case let (.object(a), .object(b)): a.count == b.count && zip(a, b).allSatisfy { $0.0 == $1.0 && $0.1 == $1.1 }
        default: false
        }
    }

    /// The member `key` of an object (the first, compared case-insensitively when no exact match).
    public subscript(key: String) -> ImportValue? {
        guard case .object(let members) = self else { return nil }
        if let exact = members.first(where: { $0.0 == key }) { return exact.1 }
        let count = key.utf8.count
        let lowered = key.lowercased()
        return members.first { $0.0.utf8.count == count && $0.0.lowercased() == lowered }?.1
    }

    /// Follows a dotted path (`via.channel`, `_embedded.threads`).
    public func value(at path: String) -> ImportValue? {
        if let direct = self[path] { return direct } // CSV headers may contain dots
        var current: ImportValue? = self
        for part in path.split(separator: ".", omittingEmptySubsequences: false) {
            current = current?[String(part)]
            if current == nil { return nil }
        }
        return current
    }

    /// The value as one piece of text: nil for null, empty text, arrays and objects.
    public var scalarText: String? {
        switch self {
        case .text(let text): text.isEmpty ? nil : text
        case .number(let number): number
        case .bool(let flag): flag ? "true" : "false"
        case .null, .array, .object: nil
        }
    }

    /// Dotted paths of every scalar and array in an object (not descending into arrays), in
    /// order: what a mapping can point at.
    public var paths: [String] {
        var result: [String] = []
        func walk(_ value: ImportValue, prefix: String, depth: Int) {
            guard case .object(let members) = value, depth < 8 else { return }
            for (key, member) in members {
                let path = prefix.isEmpty ? key : "\(prefix).\(key)"
                if case .object = member { walk(member, prefix: path, depth: depth + 1) } else { result.append(path) }
            }
        }
        walk(self, prefix: "", depth: 0)
        return result
    }

    /// Compact JSON, for error reports and stored custom fields.
    public var json: String {
        var out = ""
        write(to: &out)
        return out
    }

    private func write(to out: inout String) {
        switch self {
        case .null: out += "null"
        case .bool(let flag): out += flag ? "true" : "false"
        case .number(let number): out += number
        case .text(let text): Self.quote(text, into: &out)
        case .array(let items):
            out += "["
            for (index, item) in items.enumerated() {
                if index > 0 { out += "," }
                item.write(to: &out)
            }
            out += "]"
        case .object(let members):
            out += "{"
            for (index, (key, member)) in members.enumerated() {
                if index > 0 { out += "," }
                Self.quote(key, into: &out)
                out += ":"
                member.write(to: &out)
            }
            out += "}"
        }
    }

    /// Appends `text` as a JSON string literal.
    public static func quote(_ text: String, into out: inout String) {
        // Most text needs no escape: append it whole.
        if !text.utf8.contains(where: { $0 < 0x20 || $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\\") }) {
            out += "\""
            out += text
            out += "\""
            return
        }
        out += "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case let control where control.value < 0x20:
                out += String(format: "\\u%04x", control.value)
            default: out.unicodeScalars.append(scalar)
            }
        }
        out += "\""
    }
}

/// One record read from an export, with where it ends in the file so an import can resume
/// right after it.
public struct ImportRecord: Sendable, Equatable {
    /// 1 for the first data record (a CSV header is not a record).
    public var number: Int
    /// The line the record starts on, where the format has lines.
    public var line: Int?
    /// An object: CSV columns by header, a JSON object, an XML element's children.
    public var value: ImportValue
    /// The byte offset just past this record: reading again from here (with the reader's
    /// `resume` state) yields the next record.
    public var endOffset: Int64
    /// Why the record cannot be used, when it cannot (it is then reported, not imported).
    public var problem: String?

    public init(number: Int, line: Int?, value: ImportValue, endOffset: Int64, problem: String? = nil) {
        self.number = number
        self.line = line
        self.value = value
        self.endOffset = endOffset
        self.problem = problem
    }
}

/// The failure that stops reading a file (a record-level problem is an `ImportRecord.problem`).
public struct ImportReadFailure: Error, Sendable, Equatable, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}
