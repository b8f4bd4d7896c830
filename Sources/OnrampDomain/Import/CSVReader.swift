import Foundation

/// A streaming RFC 4180 reader: feed it bytes as they arrive, get complete records back, so a
/// file of any size is read in constant memory. Quoted fields with doubled quotes and embedded
/// newlines, CRLF/LF/CR line ends, a UTF-8 byte-order mark, and `,` `;` or tab (detected from
/// the header line when not given). A record that cannot be read (a field over the size
/// limit, text that is not in the file's encoding) comes back with its problem instead of
/// stopping the reading; a file that ends inside a quoted field is an error.
public struct CSVReader: Sendable {
    public struct Options: Sendable {
        public var delimiter: UInt8?
        public var encoding: TextEncoding = .utf8
        public var maxFieldBytes = 1 << 20
        public var maxFields = 2_000

        public init(delimiter: UInt8? = nil, encoding: TextEncoding = .utf8, maxFieldBytes: Int = 1 << 20, maxFields: Int = 2_000) {
            self.delimiter = delimiter
            self.encoding = encoding
            self.maxFieldBytes = maxFieldBytes
            self.maxFields = maxFields
        }
    }

    public struct Record: Sendable, Equatable {
        /// 1 for the first record (usually the header).
        public let number: Int
        /// The line the record starts on.
        public let line: Int
        public let fields: [String]
        /// Why the record cannot be used, when it cannot.
        public let problem: String?
        /// The byte offset just past the record's line end (counting from the reader's start offset).
        public var endOffset: Int64 = 0
    }

    public struct Failure: Error, Sendable, Equatable, CustomStringConvertible {
        public let description: String
    }

    public private(set) var options: Options
    public private(set) var delimiter: UInt8?

    private enum State { case fieldStart, unquoted, quoted, quoteInQuoted }
    private var state = State.fieldStart
    private var field: [UInt8] = []
    private var fields: [String] = []
    private var problem: String?
    private var line = 1
    private var recordLine = 1
    private var records = 0
    private var pendingCR = false
    private var started = false
    /// Bytes held back until the delimiter is known (the header line).
    private var held: [UInt8] = []

    /// Bytes read so far, plus the offset the reader started at.
    private var consumed: Int64 = 0

    /// `startOffset` and `line` resume reading in the middle of a file (just past a record
    /// that an earlier reader returned); `records` is how many records came before.
    public init(options: Options = .init(), startOffset: Int64 = 0, line: Int = 1, records: Int = 0) {
        self.options = options
        delimiter = options.delimiter
        consumed = startOffset
        self.line = line
        recordLine = line
        self.records = records
        if startOffset > 0 { started = true; bom = -1 }
    }

    /// Reads `bytes`; returns the records they complete.
    public mutating func feed(_ bytes: some Sequence<UInt8>) -> [Record] {
        var output: [Record] = []
        if delimiter == nil {
            held.append(contentsOf: bytes)
            guard let chosen = Self.detectDelimiter(in: held, final: false) else { return [] }
            delimiter = chosen
            let pending = held
            held = []
            for byte in pending { consumed += 1; consume(byte, into: &output) }
            return output
        }
        for byte in bytes { consumed += 1; consume(byte, into: &output) }
        return output
    }

    /// Ends the input; returns the last record. Throws when the file ends inside a quoted field.
    public mutating func finish() throws -> [Record] {
        var output: [Record] = []
        if delimiter == nil {
            delimiter = Self.detectDelimiter(in: held, final: true) ?? UInt8(ascii: ",")
            let pending = held
            held = []
            for byte in pending { consumed += 1; consume(byte, into: &output) }
        }
        if state == .quoted {
            throw Failure(description: "The file ends inside a quoted field that starts on line \(recordLine): it is cut off, or a quote is not closed.")
        }
        if state != .fieldStart || !fields.isEmpty || !field.isEmpty { endRecord(into: &output) }
        return output
    }

    private mutating func consume(_ byte: UInt8, into output: inout [Record]) {
        if !started {
            started = true
            // A UTF-8 byte-order mark is not data.
            if byte == 0xEF { bom = 1; return }
        }
        if bom > 0 {
            let expected: [UInt8] = [0xEF, 0xBB, 0xBF]
            if bom < 3, byte == expected[bom] { bom += 1; if bom == 3 { bom = -1 }; return }
            // Not a BOM after all: replay what was held.
            let replay = Array(expected[0..<bom])
            bom = -1
            for held in replay { consume(held, into: &output) }
        }
        if pendingCR {
            pendingCR = false
            if byte == 0x0A { return } // CRLF: the CR already ended the record
        }
        let delimiter = self.delimiter ?? UInt8(ascii: ",")
        if state == .quoted {
            if byte == UInt8(ascii: "\"") {
                state = .quoteInQuoted
            } else {
                if byte == 0x0A { line += 1 }
                append(byte)
            }
            return
        }
        // Outside quotes (a field's start, its unquoted text, or just after its closing quote).
        if byte == UInt8(ascii: "\"") && state != .unquoted {
            if state == .quoteInQuoted { append(byte) } // a doubled quote inside a quoted field
            state = .quoted
        } else if byte == delimiter {
            endField()
        } else if byte == 0x0A || byte == 0x0D {
            pendingCR = byte == 0x0D
            line += 1
            endRecord(into: &output)
        } else {
            // Text, or a stray character after a closing quote (kept, as spreadsheets do).
            state = .unquoted
            append(byte)
        }
    }

    private var bom = 0

    private mutating func append(_ byte: UInt8) {
        if field.count < options.maxFieldBytes {
            field.append(byte)
        } else if problem == nil {
            problem = "A field is longer than \(options.maxFieldBytes / 1024) KB."
        }
    }

    private mutating func endField() {
        if fields.count >= options.maxFields {
            if problem == nil { problem = "The record has more than \(options.maxFields) fields." }
        } else if problem == nil {
            if let text = options.encoding.decode(field) {
                fields.append(text)
            } else {
                problem = "The record is not valid \(options.encoding.name) text."
            }
        }
        field.removeAll(keepingCapacity: true)
        state = .fieldStart
    }

    private mutating func endRecord(into output: inout [Record]) {
        endField()
        records += 1
        // A blank line is no record.
        if !(fields.count == 1 && fields[0].isEmpty && problem == nil) {
            output.append(Record(number: records, line: recordLine, fields: problem == nil ? fields : [], problem: problem,
                                 endOffset: consumed))
        } else {
            records -= 1
        }
        fields.removeAll(keepingCapacity: true)
        problem = nil
        recordLine = line
        state = .fieldStart
    }

    /// The delimiter of the first line (outside quotes): the most frequent of `,` `;` tab.
    /// Nil until a whole line (or 64 KB, or the end) is there.
    static func detectDelimiter(in bytes: [UInt8], final: Bool) -> UInt8? {
        var counts: [UInt8: Int] = [UInt8(ascii: ","): 0, UInt8(ascii: ";"): 0, 0x09: 0]
        var quoted = false
        var sawLineEnd = false
        for byte in bytes.prefix(65_536) {
            if byte == UInt8(ascii: "\"") { quoted.toggle(); continue }
            if !quoted && (byte == 0x0A || byte == 0x0D) { sawLineEnd = true; break }
            if !quoted, counts[byte] != nil { counts[byte]! += 1 }
        }
        guard sawLineEnd || final || bytes.count >= 65_536 else { return nil }
        let best = counts.max { a, b in a.value < b.value || (a.value == b.value && a.key != UInt8(ascii: ",") && b.key == UInt8(ascii: ",")) }
        return (best?.value ?? 0) > 0 ? best!.key : UInt8(ascii: ",")
    }
}

/// The text encodings an import accepts.
public enum TextEncoding: String, Sendable, Equatable {
    case utf8
    /// ISO 8859-1 / Windows-1252 exports of older tools: every byte is a character.
    case latin1

    public var name: String { self == .utf8 ? "UTF-8" : "Latin-1" }

    func decode(_ bytes: [UInt8]) -> String? {
        switch self {
        case .utf8: String(validating: bytes, as: UTF8.self)
        case .latin1: String(String.UnicodeScalarView(bytes.map { Unicode.Scalar($0) }))
        }
    }

    /// Sniffs the encoding from the start of a file: UTF-8 when it decodes (a character cut
    /// off at the end of the sample is fine), Latin-1 otherwise; UTF-16 is refused.
    public static func detect(_ sample: [UInt8]) throws -> TextEncoding {
        if sample.starts(with: [0xFF, 0xFE]) || sample.starts(with: [0xFE, 0xFF])
            || sample.prefix(512).filter({ $0 == 0 }).count > 8 {
            throw CSVReader.Failure(description: "The file is UTF-16 text; save it as UTF-8 and upload it again.")
        }
        // A multi-byte character cut off by the end of the sample does not count against UTF-8.
        var end = sample.count
        var lead = end - 1
        while lead >= 0, end - lead <= 3, sample[lead] & 0xC0 == 0x80 { lead -= 1 }
        if lead >= 0, sample[lead] >= 0xC0 {
            let length = sample[lead] >= 0xF0 ? 4 : sample[lead] >= 0xE0 ? 3 : 2
            if end - lead < length { end = lead }
        }
        return String(validating: sample[..<end], as: UTF8.self) != nil ? .utf8 : .latin1
    }
}
