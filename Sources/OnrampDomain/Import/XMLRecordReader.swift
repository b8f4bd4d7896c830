/// A streaming reader of XML exports (Zendesk's XML export:
/// `<tickets type="array"><ticket><nice-id type="integer">5</nice-id>…</ticket></tickets>`): feed
/// it the file's bytes in chunks of any size and get each child of the root element back as a
/// record, holding only the record being read (at most `maxRecordBytes`).
///
/// An element becomes a value this way: `nil="true"` → `.null`; `type="array"` → `.array` of
/// its children's values; child elements → `.object` keyed by the children's names with `-`
/// turned into `_` (a name repeated among the children becomes one member, an array of all its
/// values in order, at the place of its first occurrence); text only → `.text` (numbers and
/// booleans stay text); `<a/>` and `<a></a>` → `.text("")`. Other attributes are ignored, and
/// so is text mixed with child elements. A record (a child of the root) is always an object:
/// its `type`/`nil` attributes are ignored, an empty one is `.object([])`, one holding only
/// text is reported.
///
/// The XML declaration, processing instructions, comments and CDATA sections are read; the
/// five predefined entities and character references (`&#233;` `&#x1F600;`) are decoded. A
/// DOCTYPE or any other `<!` declaration is refused (an `ImportReadFailure`), and an unknown
/// entity is a problem of its record: nothing is ever expanded or fetched.
///
/// A record that cannot be used (not well-formed, an unknown entity, larger than
/// `maxRecordBytes`, nested deeper than `maxDepth`, not valid UTF-8) comes back with its
/// `problem` and `value == .object([])`. A closing tag that does not match is a problem of its
/// record: reading resynchronises at the record's end (closing up to the matching open
/// element, ignoring a stray closing tag). XML that is broken outside the records, or that ends
/// before its root element is closed, is an `ImportReadFailure`; records completed before are
/// still returned (the failure is thrown by the next call).
///
/// Text, comments and processing instructions between records are ignored.
///
/// `ImportRecord.endOffset` is the absolute offset just past the record's closing tag; a reader
/// created with `resumeAt: record.endOffset, recordsBefore: record.number` starts inside the
/// root element, between records (any closing tag there closes the root). `ImportRecord.line`
/// counts from the start of the reading (line 1 is the line the resume offset is on), so a
/// resumed reader names only byte offsets in messages.
public struct XMLRecordReader: Sendable, SlicedRecordReader {
    public struct Options: Sendable {
        public var encoding: TextEncoding = .utf8
        public var maxRecordBytes = 16 << 20
        /// Nesting deeper than this inside a record (the record element is level 1) is
        /// reported (at most 512 is used).
        public var maxDepth = 64

        public init(encoding: TextEncoding = .utf8, maxRecordBytes: Int = 16 << 20, maxDepth: Int = 64) {
            self.encoding = encoding
            self.maxRecordBytes = maxRecordBytes
            self.maxDepth = maxDepth
        }
    }

    private let maxRecordBytes: Int
    private let maxDepth: Int
    private let latin1: Bool
    /// Names of open elements are kept down to this depth (root = 1).
    private let nameDepth: Int

    private var base: Int64
    private var line = 1
    private var count: Int
    private(set) var failure: ImportReadFailure?
    private let resumed: Bool
    private var bomBytes = 0

    private enum State: UInt8, Sendable {
        case content, open, startName, inTag, quoted, endName, endTail, bang, comment, cdata, instruction
    }
    private var state = State.content
    /// 0 outside the root element, 1 inside it (between records), 2 and more inside a record.
    private var depth = 0
    private var rootSeen = false
    private var rootClosed = false
    /// A resumed reading does not know the root element's name.
    private var rootNameUnknown = false
    /// The names of the open elements, one after the other, and where each ends.
    private var names: [UInt8] = []
    private var nameEnds: [Int] = []
    /// The name of the tag being read.
    private var tag: [UInt8] = []
    private var slash = false
    private var quote: UInt8 = 0
    /// Dashes, brackets or a question mark seen at the end of a comment, CDATA section or
    /// processing instruction.
    private var closing = 0
    private var bang: [UInt8] = []
    private var markupStart: Int64 = 0
    private var markupLine = 1

    private var inRecord = false
    private var capturing = false
    private var oversized = false
    private var tooDeep = false
    private var broken: String?
    private var buffer: [UInt8] = []
    private var recordStart: Int64 = 0
    private var recordLine = 1
    private var segment = 0
    private var scratch: [UInt8] = []

    /// Resume state: start reading at `offset` (a previous record's `endOffset`), numbering
    /// records after `recordsBefore`.
    public init(options: Options = .init(), resumeAt offset: Int64 = 0, recordsBefore: Int = 0) {
        maxRecordBytes = max(1, options.maxRecordBytes)
        maxDepth = min(max(1, options.maxDepth), 512)
        latin1 = options.encoding == .latin1
        nameDepth = maxDepth + 2
        base = offset
        count = recordsBefore
        resumed = offset > 0
        if offset > 0 {
            depth = 1
            rootSeen = true
            rootNameUnknown = true
            nameEnds = [0]
        }
    }

    /// Reads the next bytes of the file; returns the records they complete.
    public mutating func feed(_ bytes: some Sequence<UInt8>) throws -> [ImportRecord] {
        try feedSlices(bytes)
    }

    /// Ends the input. Throws when the file is cut off before its root element is closed.
    public mutating func finish() throws -> [ImportRecord] {
        if let failure { throw failure }
        if inRecord || (depth == 1 && capturing && state != .content) {
            failure = ImportReadFailure("The file ends in the middle of record \(count + 1) (it starts \(position(recordStart, recordLine))): it is cut off.")
        } else if state != .content {
            failure = ImportReadFailure("The file ends inside markup (a tag, comment, CDATA section or declaration) that starts \(position(markupStart, markupLine)): it is cut off.")
        } else if depth > 0 {
            let root = rootNameUnknown ? "root element" : "root element <\(name(level: 1))>"
            failure = ImportReadFailure("The file ends before the \(root) is closed, after record \(count): it is cut off.")
        }
        if let failure { throw failure }
        buffer = []
        return []
    }

    /// The capacity of the buffers the reader keeps (for tests: an oversized record is not held).
    var heldCapacity: Int { buffer.capacity + scratch.capacity }

    // MARK: - Reading

    mutating func read(_ bytes: UnsafeBufferPointer<UInt8>, into out: inout [ImportRecord]) {
        var start = 0
        do {
            while start < bytes.count {
                let end = min(start + JSONRecordReader.sliceSize, bytes.count)
                let slice = UnsafeBufferPointer(rebasing: bytes[start..<end])
                try process(slice, into: &out)
                base += Int64(slice.count)
                start = end
            }
        } catch let error as ImportReadFailure {
            failure = error
        } catch {
            failure = ImportReadFailure(String(describing: error))
        }
    }

    private mutating func process(_ p: UnsafeBufferPointer<UInt8>, into out: inout [ImportRecord]) throws {
        let n = p.count
        var i = 0
        segment = 0
        while i < n {
            switch state {
            case .content:
                if depth >= 2 {
                    // Inside a record: on to the next tag.
                    var j = i
                    var lines = 0
                    while j < n {
                        let c = p[j]
                        if c == UInt8(ascii: "<") { break }
                        if c == 0x0A { lines += 1 }
                        j += 1
                    }
                    line += lines
                    i = j
                    if j == n { break }
                    startMarkup(at: i)
                    i += 1
                    continue
                }
                let c = p[i]
                if c == UInt8(ascii: "<") {
                    startMarkup(at: i)
                    if depth == 1 {
                        // Perhaps a record's start tag: keep its bytes from here.
                        capturing = true
                        oversized = false
                        tooDeep = false
                        broken = nil
                        buffer.removeAll(keepingCapacity: true)
                        segment = i
                        recordStart = markupStart
                        recordLine = line
                    }
                    i += 1
                } else if JSONRecordReader.isSpace(c) {
                    if c == 0x0A { line += 1 }
                    i += 1
                } else if depth == 1 {
                    i += 1 // text between records: ignored
                } else {
                    let at = base + Int64(i)
                    if at < 3 && at == Int64(bomBytes) && c == Self.bom[Int(at)] {
                        bomBytes += 1
                        i += 1
                        continue
                    }
                    if !rootSeen {
                        throw ImportReadFailure("The file is not XML: it starts with \(RecordReaderText.describe(c)) \(position(at, line)).")
                    }
                    throw failure("there is text after the root element", at: i)
                }
            case .open:
                let c = p[i]
                switch c {
                case UInt8(ascii: "/"):
                    state = .endName
                    tag.removeAll(keepingCapacity: true)
                    if depth == 1 { cancelCapture() }
                    i += 1
                case UInt8(ascii: "?"):
                    state = .instruction
                    closing = 0
                    if depth == 1 { cancelCapture() }
                    i += 1
                case UInt8(ascii: "!"):
                    state = .bang
                    bang.removeAll(keepingCapacity: true)
                    if depth == 1 { cancelCapture() }
                    i += 1
                default:
                    if Self.isNameStart(c) {
                        state = .startName
                        tag.removeAll(keepingCapacity: true)
                        tag.append(c)
                        slash = false
                        i += 1
                    } else if depth >= 2 {
                        // Left to the record's parser to report; the scanner reads on.
                        if broken == nil { broken = "a `<` starts no tag \(position(markupStart, markupLine))" }
                        state = .content
                    } else {
                        throw tagFailure("a `<` starts no tag")
                    }
                }
            case .startName:
                let c = p[i]
                if Self.isNameChar(c) {
                    if tag.count < 256 { tag.append(c) }
                    i += 1
                } else if c == UInt8(ascii: ">") {
                    i += 1
                    try openTag(selfClosing: false, p, at: i, into: &out)
                } else {
                    state = .inTag
                }
            case .inTag:
                let c = p[i]
                i += 1
                switch c {
                case UInt8(ascii: "\""), UInt8(ascii: "'"):
                    quote = c
                    state = .quoted
                    slash = false
                case UInt8(ascii: "/"):
                    slash = true
                case UInt8(ascii: ">"):
                    try openTag(selfClosing: slash, p, at: i, into: &out)
                case 0x0A:
                    line += 1
                default:
                    if !JSONRecordReader.isSpace(c) { slash = false }
                }
            case .quoted:
                var lines = 0
                while i < n {
                    let c = p[i]
                    i += 1
                    if c == quote {
                        state = .inTag
                        break
                    }
                    if c == 0x0A { lines += 1 }
                }
                line += lines
            case .endName:
                let c = p[i]
                if Self.isNameChar(c) {
                    if tag.count < 256 { tag.append(c) }
                    i += 1
                } else if c == UInt8(ascii: ">") {
                    i += 1
                    try closeTag(p, at: i, into: &out)
                } else if JSONRecordReader.isSpace(c) {
                    if c == 0x0A { line += 1 }
                    state = .endTail
                    i += 1
                } else {
                    try malformedEndTag(c, at: i)
                    i += 1
                }
            case .endTail:
                let c = p[i]
                i += 1
                if c == UInt8(ascii: ">") {
                    try closeTag(p, at: i, into: &out)
                } else if c == 0x0A {
                    line += 1
                } else if !JSONRecordReader.isSpace(c) {
                    try malformedEndTag(c, at: i - 1)
                }
            case .bang:
                let c = p[i]
                i += 1
                bang.append(c)
                if bang.count == 2 && bang == Self.commentStart {
                    state = .comment
                    closing = 0
                } else if bang.count == Self.cdataStart.count && bang == Self.cdataStart {
                    state = .cdata
                    closing = 0
                } else if !(Self.commentStart.starts(with: bang) || Self.cdataStart.starts(with: bang)) {
                    throw ImportReadFailure("XML with a DOCTYPE or entity declarations is refused: external entities and entity expansion are not allowed (a `<!` declaration at byte \(markupStart), line \(markupLine)). Export the file again without them.")
                }
            case .comment, .cdata, .instruction:
                // On to the end: `-->`, `]]>` or `?>`.
                let mark: UInt8 = state == .comment ? UInt8(ascii: "-") : state == .cdata ? UInt8(ascii: "]") : UInt8(ascii: "?")
                let needed = state == .instruction ? 1 : 2
                var lines = 0
                while i < n {
                    let c = p[i]
                    i += 1
                    if c == mark {
                        closing += 1
                    } else if c == UInt8(ascii: ">") && closing >= needed {
                        state = .content
                        break
                    } else {
                        closing = 0
                        if c == 0x0A { lines += 1 }
                    }
                }
                line += lines
            }
        }
        if capturing { capture(p, from: segment, to: n) }
    }

    private mutating func startMarkup(at i: Int) {
        state = .open
        markupStart = base + Int64(i)
        markupLine = line
    }

    private mutating func malformedEndTag(_ c: UInt8, at i: Int) throws {
        if depth >= 2 {
            if broken == nil { broken = "unexpected \(RecordReaderText.describe(c)) in a closing tag \(position(base + Int64(i), line))" }
            state = .endTail
        } else {
            throw failure("unexpected \(RecordReaderText.describe(c)) in a closing tag", at: i)
        }
    }

    /// A start tag ends just before `i`.
    private mutating func openTag(selfClosing: Bool, _ p: UnsafeBufferPointer<UInt8>, at i: Int, into out: inout [ImportRecord]) throws {
        state = .content
        switch depth {
        case 0:
            if rootClosed { throw tagFailure("there is a second root element <\(Self.text(tag))>") }
            rootSeen = true
            if selfClosing {
                rootClosed = true
            } else {
                depth = 1
                pushName()
            }
        case 1:
            inRecord = true
            if selfClosing {
                endRecord(p, at: i, into: &out)
            } else {
                depth = 2
                pushName()
            }
        default:
            guard !selfClosing else { return }
            depth += 1
            if depth <= nameDepth { pushName() }
            if depth - 1 > maxDepth && !tooDeep {
                tooDeep = true
                capturing = false
                buffer.removeAll(keepingCapacity: true)
            }
        }
    }

    /// A closing tag ends just before `i`.
    private mutating func closeTag(_ p: UnsafeBufferPointer<UInt8>, at i: Int, into out: inout [ImportRecord]) throws {
        state = .content
        if depth == 0 { throw tagFailure("the closing tag </\(Self.text(tag))> closes no element") }
        if depth > nameDepth {
            depth -= 1 // deeper than names are kept (the record is too deep anyway)
            return
        }
        if matches(level: depth) || (depth == 1 && rootNameUnknown) {
            popNames(to: depth - 1)
            depth -= 1
        } else if depth == 1 {
            throw tagFailure("the closing tag </\(Self.text(tag))> does not match the root element <\(name(level: 1))>")
        } else {
            if broken == nil {
                broken = "the closing tag </\(Self.text(tag))> does not match <\(name(level: depth))> \(position(markupStart, markupLine))"
            }
            // Close up to the element it names, if it is open; otherwise ignore it.
            var level = depth - 1
            while level >= 1 && !matches(level: level) { level -= 1 }
            if level >= 1 {
                popNames(to: level - 1)
                depth = level - 1
            }
        }
        if inRecord && depth <= 1 { endRecord(p, at: i, into: &out) }
        if depth == 0 { rootClosed = true }
    }

    private mutating func pushName() {
        names.append(contentsOf: tag)
        nameEnds.append(names.count)
    }

    private func matches(level: Int) -> Bool {
        let start = level == 1 ? 0 : nameEnds[level - 2]
        let end = nameEnds[level - 1]
        return end - start == tag.count && names[start..<end].elementsEqual(tag)
    }

    private mutating func popNames(to level: Int) {
        let keep = min(level, nameEnds.count)
        nameEnds.removeLast(nameEnds.count - keep)
        names.removeLast(names.count - (nameEnds.last ?? 0))
    }

    private func name(level: Int) -> String {
        guard level >= 1 && level <= nameEnds.count else { return "?" }
        let start = level == 1 ? 0 : nameEnds[level - 2]
        return Self.text(Array(names[start..<nameEnds[level - 1]]))
    }

    private mutating func cancelCapture() {
        capturing = false
        buffer.removeAll(keepingCapacity: true)
    }

    private mutating func capture(_ p: UnsafeBufferPointer<UInt8>, from start: Int, to end: Int) {
        if buffer.count + (end - start) > maxRecordBytes {
            oversized = true
            capturing = false
            buffer.removeAll(keepingCapacity: true)
        } else {
            buffer.append(contentsOf: UnsafeBufferPointer(rebasing: p[start..<end]))
        }
    }

    /// The record's closing tag (or self-closing start tag) ends just before `i`.
    private mutating func endRecord(_ p: UnsafeBufferPointer<UInt8>, at i: Int, into out: inout [ImportRecord]) {
        inRecord = false
        count += 1
        let number = count
        var value = ImportValue.object([])
        var problem: String?
        if tooDeep {
            problem = "Record \(number) is nested deeper than \(maxDepth) levels."
        } else if oversized || !capturing || buffer.count + (i - segment) > maxRecordBytes {
            problem = "Record \(number) is larger than \(RecordReaderText.size(maxRecordBytes)): it is skipped."
        } else if buffer.isEmpty {
            (value, problem) = parseRecord(UnsafeBufferPointer(rebasing: p[segment..<i]), number: number)
        } else {
            buffer.append(contentsOf: UnsafeBufferPointer(rebasing: p[segment..<i]))
            let bytes = buffer
            (value, problem) = bytes.withUnsafeBufferPointer { parseRecord($0, number: number) }
        }
        if problem == nil, let broken {
            problem = "Record \(number) is not well-formed XML: \(broken)."
        }
        if problem != nil { value = .object([]) }
        capturing = false
        buffer.removeAll(keepingCapacity: true)
        out.append(ImportRecord(number: number, line: recordLine, value: value, endOffset: base + Int64(i), problem: problem))
    }

    private mutating func parseRecord(_ bytes: UnsafeBufferPointer<UInt8>, number: Int) -> (ImportValue, String?) {
        var parser = XMLElementParser(bytes: bytes, maxDepth: maxDepth, latin1: latin1)
        swap(&parser.text, &scratch)
        defer { swap(&parser.text, &scratch) }
        do {
            return (try parser.record(), nil)
        } catch {
            func at(_ index: Int) -> String {
                let clamped = min(max(index, 0), bytes.count)
                var lines = recordLine
                for byte in UnsafeBufferPointer(rebasing: bytes[0..<clamped]) where byte == 0x0A { lines += 1 }
                return position(recordStart + Int64(clamped), lines)
            }
            switch error {
            case .syntax(let what, let index):
                return (.object([]), "Record \(number) is not well-formed XML: \(what) \(at(index)).")
            case .entity(let entity, let index):
                return (.object([]), "Record \(number) uses the unknown entity \(entity) \(at(index)): only the five XML entities and character references are read, nothing is expanded.")
            case .text(let index):
                return (.object([]), "Record \(number) is not valid UTF-8 text (\(at(index))).")
            case .depth:
                return (.object([]), "Record \(number) is nested deeper than \(maxDepth) levels.")
            case .textOnly(let name):
                return (.object([]), "Record \(number) (<\(name)>) holds only text, not fields.")
            }
        }
    }

    private func failure(_ what: String, at i: Int) -> ImportReadFailure {
        ImportReadFailure("The file is not well-formed XML: \(what) \(position(base + Int64(i), line)).")
    }

    /// A failure in the tag that starts at `markupStart`.
    private func tagFailure(_ what: String) -> ImportReadFailure {
        ImportReadFailure("The file is not well-formed XML: \(what) \(position(markupStart, markupLine)).")
    }

    /// `at byte 1234 (line 5)`; without the line when resumed (lines are counted from the resume point).
    private func position(_ offset: Int64, _ line: Int) -> String {
        resumed ? "at byte \(offset)" : "at byte \(offset) (line \(line))"
    }

    static func text(_ bytes: [UInt8]) -> String { String(decoding: bytes, as: UTF8.self) }

    @inline(__always) static func isNameStart(_ c: UInt8) -> Bool {
        (c | 0x20) &- UInt8(ascii: "a") < 26 || c == UInt8(ascii: "_") || c == UInt8(ascii: ":") || c >= 0x80
    }

    @inline(__always) static func isNameChar(_ c: UInt8) -> Bool {
        isNameStart(c) || c &- UInt8(ascii: "0") < 10 || c == UInt8(ascii: "-") || c == UInt8(ascii: ".")
    }

    private static let bom: [UInt8] = [0xEF, 0xBB, 0xBF]
    private static let commentStart = Array("--".utf8)
    private static let cdataStart = Array("[CDATA[".utf8)
}

// MARK: - Parsing one record

/// A recursive-descent parser of one record element. Recursion is bounded by `maxDepth`.
struct XMLElementParser {
    enum Failure: Error {
        case syntax(String, Int)
        case entity(String, Int)
        case text(Int)
        case depth
        case textOnly(String)
    }

    let bytes: UnsafeBufferPointer<UInt8>
    var index = 0
    let maxDepth: Int
    let latin1: Bool
    /// The text of the element being read, as UTF-8.
    var text: [UInt8] = []
    /// A byte of `text` (copied from the file, UTF-8) is not ASCII: it must be validated.
    private var rawHigh = false

    init(bytes: UnsafeBufferPointer<UInt8>, maxDepth: Int, latin1: Bool) {
        self.bytes = bytes
        self.maxDepth = maxDepth
        self.latin1 = latin1
    }

    mutating func record() throws(Failure) -> ImportValue {
        try element(depth: 1, record: true).value
    }

    @inline(__always) private mutating func skipSpace() {
        while index < bytes.count && JSONRecordReader.isSpace(bytes[index]) { index += 1 }
    }

    private func equal(_ range: Range<Int>, _ word: StaticString) -> Bool {
        guard range.count == word.utf8CodeUnitCount else { return false }
        for k in 0..<range.count where bytes[range.lowerBound + k] != word.utf8Start[k] { return false }
        return true
    }

    private func sameBytes(_ a: Range<Int>, _ b: Range<Int>) -> Bool {
        a.count == b.count && UnsafeBufferPointer(rebasing: bytes[a]).elementsEqual(UnsafeBufferPointer(rebasing: bytes[b]))
    }

    private func describe(_ range: Range<Int>) -> String {
        String(decoding: UnsafeBufferPointer(rebasing: bytes[range]), as: UTF8.self)
    }

    /// An element name as a key: `-` becomes `_`.
    private func key(_ range: Range<Int>) throws(Failure) -> String {
        var dash = false
        var bits: UInt8 = 0
        for k in range {
            let b = bytes[k]
            if b == UInt8(ascii: "-") { dash = true }
            bits |= b
        }
        if !dash && bits < 0x80 { return String(decoding: UnsafeBufferPointer(rebasing: bytes[range]), as: UTF8.self) }
        var name: [UInt8] = []
        name.reserveCapacity(range.count)
        for k in range { name.append(bytes[k] == UInt8(ascii: "-") ? UInt8(ascii: "_") : bytes[k]) }
        if bits < 0x80 { return String(decoding: name, as: UTF8.self) }
        if latin1 {
            var utf8: [UInt8] = []
            name.withUnsafeBufferPointer { RecordReaderText.appendLatin1($0, to: &utf8) }
            return String(decoding: utf8, as: UTF8.self)
        }
        guard let string = String(validating: name, as: UTF8.self) else { throw .text(range.lowerBound) }
        return string
    }

    /// Skips to just past `end` (`-->`, `]]>`, `?>`); returns where `end` starts.
    private mutating func skip(to end: StaticString, from start: Int, what: String) throws(Failure) -> Int {
        let count = end.utf8CodeUnitCount
        var k = index
        while k + count <= bytes.count {
            if bytes[k] == end.utf8Start[0] && equal(k..<(k + count), end) {
                index = k + count
                return k
            }
            k += 1
        }
        throw .syntax("\(what) is not closed", start)
    }

    private mutating func element(depth: Int, record: Bool) throws(Failure) -> (key: String, value: ImportValue) {
        let open = index
        index += 1
        let nameStart = index
        while index < bytes.count && XMLRecordReader.isNameChar(bytes[index]) { index += 1 }
        let nameRange = nameStart..<index
        guard !nameRange.isEmpty else { throw .syntax("expected an element name after `<`", open) }
        var isArray = false
        var isNil = false
        var empty = false
        while true {
            skipSpace()
            guard index < bytes.count else { throw .syntax("the tag <\(describe(nameRange))> is not closed", open) }
            let c = bytes[index]
            if c == UInt8(ascii: ">") {
                index += 1
                break
            }
            if c == UInt8(ascii: "/") {
                guard index + 1 < bytes.count, bytes[index + 1] == UInt8(ascii: ">") else {
                    throw .syntax("expected `>` after `/` in the tag <\(describe(nameRange))>", index)
                }
                index += 2
                empty = true
                break
            }
            let attributeStart = index
            while index < bytes.count && XMLRecordReader.isNameChar(bytes[index]) { index += 1 }
            let attribute = attributeStart..<index
            guard !attribute.isEmpty else {
                throw .syntax("unexpected \(RecordReaderText.describe(c)) in the tag <\(describe(nameRange))>", index)
            }
            skipSpace()
            guard index < bytes.count, bytes[index] == UInt8(ascii: "=") else {
                throw .syntax("expected `=` after the attribute \(describe(attribute))", index)
            }
            index += 1
            skipSpace()
            guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") || bytes[index] == UInt8(ascii: "'") else {
                throw .syntax("expected a quoted value for the attribute \(describe(attribute))", index)
            }
            let quote = bytes[index]
            index += 1
            let valueStart = index
            while index < bytes.count && bytes[index] != quote { index += 1 }
            guard index < bytes.count else { throw .syntax("the value of the attribute \(describe(attribute)) is not closed", valueStart) }
            let value = valueStart..<index
            index += 1
            if equal(attribute, "type") {
                isArray = equal(value, "array")
            } else if equal(attribute, "nil") {
                isNil = equal(value, "true")
            }
        }
        let key = record ? "" : try key(nameRange)
        if empty { return (key, record ? .object([]) : isNil ? .null : isArray ? .array([]) : .text("")) }

        var members: [(String, ImportValue)] = []
        var items: [ImportValue] = []
        var repeated: [Int: [ImportValue]] = [:]
        var hasChildren = false
        text.removeAll(keepingCapacity: true)
        rawHigh = false
        while true {
            guard index < bytes.count else { throw .syntax("the element <\(describe(nameRange))> is not closed", open) }
            let c = bytes[index]
            if c == UInt8(ascii: "<") {
                guard index + 1 < bytes.count else { throw .syntax("the element <\(describe(nameRange))> is not closed", open) }
                let next = bytes[index + 1]
                if next == UInt8(ascii: "/") {
                    let closeAt = index
                    index += 2
                    let closeStart = index
                    while index < bytes.count && XMLRecordReader.isNameChar(bytes[index]) { index += 1 }
                    guard sameBytes(closeStart..<index, nameRange) else {
                        throw .syntax("the closing tag </\(describe(closeStart..<index))> does not match <\(describe(nameRange))>", closeAt)
                    }
                    skipSpace()
                    guard index < bytes.count, bytes[index] == UInt8(ascii: ">") else {
                        throw .syntax("expected `>` to end the closing tag </\(describe(nameRange))>", index)
                    }
                    index += 1
                    break
                } else if next == UInt8(ascii: "!") {
                    let start = index
                    if index + 3 < bytes.count && equal(index..<(index + 4), "<!--") {
                        index += 4
                        _ = try skip(to: "-->", from: start, what: "a comment")
                    } else if index + 8 < bytes.count && equal(index..<(index + 9), "<![CDATA[") {
                        index += 9
                        let contentStart = index
                        let contentEnd = try skip(to: "]]>", from: start, what: "a CDATA section")
                        appendRaw(contentStart, contentEnd)
                    } else {
                        throw .syntax("a `<!` declaration inside a record", start)
                    }
                } else if next == UInt8(ascii: "?") {
                    let start = index
                    index += 2
                    _ = try skip(to: "?>", from: start, what: "a processing instruction")
                } else {
                    if depth >= maxDepth { throw .depth }
                    hasChildren = true
                    let child = try element(depth: depth + 1, record: false)
                    if isArray && !record {
                        items.append(child.value)
                    } else if let at = members.firstIndex(where: { $0.0 == child.key }) {
                        repeated[at, default: []].append(child.value)
                    } else {
                        members.append(child)
                    }
                }
            } else if c == UInt8(ascii: "&") {
                try entity()
            } else if c == 0x0D {
                // Line ends are read as `\n`.
                text.append(0x0A)
                index += 1
                if index < bytes.count && bytes[index] == 0x0A { index += 1 }
            } else {
                let start = index
                while index < bytes.count {
                    let b = bytes[index]
                    if b == UInt8(ascii: "<") || b == UInt8(ascii: "&") || b == 0x0D { break }
                    index += 1
                }
                appendRaw(start, index)
            }
        }
        for (at, values) in repeated {
            members[at].1 = .array([members[at].1] + values)
        }
        if record {
            if !hasChildren && text.contains(where: { !JSONRecordReader.isSpace($0) }) {
                throw .textOnly(describe(nameRange))
            }
            return (key, .object(members))
        }
        if isNil { return (key, .null) }
        if isArray { return (key, .array(items)) }
        if hasChildren { return (key, .object(members)) }
        if latin1 || !rawHigh { return (key, .text(String(decoding: text, as: UTF8.self))) }
        guard let string = String(validating: text, as: UTF8.self) else { throw .text(open) }
        return (key, .text(string))
    }

    private mutating func appendRaw(_ start: Int, _ end: Int) {
        let run = UnsafeBufferPointer(rebasing: bytes[start..<end])
        if latin1 {
            RecordReaderText.appendLatin1(run, to: &text)
        } else {
            if !rawHigh {
                for b in run where b >= 0x80 {
                    rawHigh = true
                    break
                }
            }
            text.append(contentsOf: run)
        }
    }

    /// `&…;` at `index`: the five XML entities and character references; nothing else.
    private mutating func entity() throws(Failure) {
        let start = index
        var end = index + 1
        while end < bytes.count && end - start <= 32 && bytes[end] != UInt8(ascii: ";") && bytes[end] != UInt8(ascii: "<")
            && bytes[end] != UInt8(ascii: "&") && !JSONRecordReader.isSpace(bytes[end]) {
            end += 1
        }
        guard end < bytes.count && bytes[end] == UInt8(ascii: ";") && end > start + 1 else {
            throw .syntax("an `&` starts no entity (write it as &amp;)", start)
        }
        let name = (start + 1)..<end
        index = end + 1
        if equal(name, "lt") { text.append(UInt8(ascii: "<")); return }
        if equal(name, "gt") { text.append(UInt8(ascii: ">")); return }
        if equal(name, "amp") { text.append(UInt8(ascii: "&")); return }
        if equal(name, "quot") { text.append(UInt8(ascii: "\"")); return }
        if equal(name, "apos") { text.append(UInt8(ascii: "'")); return }
        guard bytes[name.lowerBound] == UInt8(ascii: "#") else {
            throw .entity("&\(describe(name));", start)
        }
        var k = name.lowerBound + 1
        let hex = k < end && (bytes[k] | 0x20) == UInt8(ascii: "x")
        if hex { k += 1 }
        guard k < end else { throw .syntax("the character reference &\(describe(name)); has no number", start) }
        var scalar: UInt32 = 0
        while k < end {
            let c = bytes[k]
            let digit: UInt32
            switch c {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = UInt32(c - UInt8(ascii: "0"))
            case UInt8(ascii: "a")...UInt8(ascii: "f") where hex: digit = UInt32(c - UInt8(ascii: "a") + 10)
            case UInt8(ascii: "A")...UInt8(ascii: "F") where hex: digit = UInt32(c - UInt8(ascii: "A") + 10)
            default: throw .syntax("the character reference &\(describe(name)); is malformed", start)
            }
            scalar = scalar * (hex ? 16 : 10) + digit
            guard scalar <= 0x10FFFF else { throw .syntax("the character reference &\(describe(name)); is not a character", start) }
            k += 1
        }
        guard scalar != 0, !(0xD800..<0xE000).contains(scalar) else {
            throw .syntax("the character reference &\(describe(name)); is not a character", start)
        }
        RecordReaderText.appendUTF8(scalar, to: &text)
    }
}
