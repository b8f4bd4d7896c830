/// A streaming reader of JSON exports: feed it the file's bytes in chunks of any size and get
/// complete records back, so a file of any size is read while holding only the record being
/// read (at most `maxRecordBytes`) and a little state.
///
/// What the records are:
/// - a top-level array `[{…}, {…}]`: each element;
/// - a top-level object that wraps the records (Zendesk incremental exports
///   `{"tickets":[…],"next_page":…,"end_of_stream":true}`, Help Scout
///   `{"_embedded":{"conversations":[…]},"page":{…}}`, Help Scout report drilldowns
///   `{"conversations":{"page":1,"results":[…]}}`): the elements of the first array member named
///   tickets, users, organizations, companies, contacts, customers, conversations, agents,
///   groups, items, results, data or records, at depth 1 or at depth 2 under `_embedded` (or
///   under one of those names holding an object); it is taken as soon as it is seen. Failing
///   those, the first such array member (any name) whose first element is an object. The rest
///   of the document is read and ignored;
/// - Help Scout v1 `{"item":{…}}` (that single member): the object in `item`;
/// - any other top-level object, and any top-level object with a scalar `id` member seen
///   before its records array (a single ticket with its `conversations`, a customer with its
///   `emails`): the object itself;
/// - with `Options.lines`, JSON Lines: one value per line, blank lines skipped.
///
/// Until a top-level object is known to be a wrapper, its bytes are held (up to
/// `maxRecordBytes`) so that it can be read again as one record, or with the records array
/// found by the fallback rule. When it grows larger than that, what has been seen decides: the
/// fallback array if one was seen (read again from the held bytes), otherwise the next array of
/// objects as it comes; with a scalar `id`, it is one record, too large.
///
/// Numbers are kept as written, strings decoded with every JSON escape (a lone surrogate
/// becomes U+FFFD), keys in file order, repeated keys kept. Lenient: a trailing comma before
/// `]` of the records array, raw control characters inside strings, and a wrapper left
/// unclosed after its records array has closed.
///
/// A record that cannot be used (not an object, larger than `maxRecordBytes`, nested deeper
/// than `maxDepth`, not valid JSON, not valid UTF-8) comes back with its `problem` and
/// `value == .object([])`, and reading goes on: the scanner tracks strings and brackets, so it
/// finds the record's end even when the record is not valid JSON (a closing bracket that does
/// not match closes up to the matching opening one). A file that is not JSON where records can
/// no longer be told apart, or that ends in the middle of the records, is an
/// `ImportReadFailure` naming the byte offset; records completed before the failure are still
/// returned (the failure is thrown by the next call).
///
/// `ImportRecord.endOffset` is the absolute offset just past the record (for JSON Lines, past
/// its line end); a reader created with `resumeAt: record.endOffset, recordsBefore:
/// record.number` and fed the file from there yields exactly the records after it. Resumed,
/// what follows the records array is not checked, and a file with nothing but white space left
/// is complete. `ImportRecord.line` is the line the record starts on, counted from the start of
/// the reading: when resuming, line 1 is the line the resume offset is on (the reader cannot
/// know how many lines came before), so a resumed reader names only byte offsets in messages.
public struct JSONRecordReader: Sendable, SlicedRecordReader {
    public struct Options: Sendable {
        public var encoding: TextEncoding = .utf8
        /// A record (or, for a top-level object, the part of the document read before it is
        /// known to be a wrapper) larger than this is reported and skipped without being held.
        public var maxRecordBytes = 16 << 20
        /// Nesting deeper than this inside a record is reported (at most 512 is used).
        public var maxDepth = 64
        /// JSON Lines: one object per line.
        public var lines = false

        public init(encoding: TextEncoding = .utf8, maxRecordBytes: Int = 16 << 20, maxDepth: Int = 64, lines: Bool = false) {
            self.encoding = encoding
            self.maxRecordBytes = maxRecordBytes
            self.maxDepth = maxDepth
            self.lines = lines
        }
    }

    /// Bytes are read in slices of this size, however they are fed.
    static let sliceSize = 1 << 16

    private let maxRecordBytes: Int
    private let maxDepth: Int
    private let linesMode: Bool
    private let latin1: Bool

    // MARK: Position

    /// The absolute offset of the first byte of the slice being read.
    private var base: Int64
    private var line = 1
    /// Records returned so far, counting `recordsBefore`.
    private var count: Int
    private(set) var failure: ImportReadFailure?
    private let resumed: Bool
    /// Something other than white space was read in the document.
    private var sawContent = false
    private var bomBytes = 0

    private enum Phase: Sendable { case start, document, after, trailer, lines }
    private var phase: Phase

    private enum Mode: Sendable, Equatable {
        /// A top-level array, or a resumed reading: the records array is known.
        case array
        /// A top-level object not yet known to be a record or a wrapper.
        case undecided
        /// A wrapper whose records array starts at this offset (read again from its start).
        case targeted(Int64)
        /// A wrapper whose records array has been found.
        case decided
    }
    private var mode: Mode

    /// Where a container's walk is: `first` just after `[`/`{`, `beforeItem` after a `,`,
    /// `afterItem` after an array element; for objects, in / after a member name, before / after
    /// its value.
    private enum State: UInt8, Sendable {
        case first, beforeItem, afterItem
        case key, afterKey, beforeValue, afterValue
    }

    /// An array or object of the document being walked member by member (the records array,
    /// the wrapper object, `_embedded`, an array that may hold the records).
    private struct Container: Sendable {
        var isArray: Bool
        var state: State = .first
        /// 1 for the document's top-level container.
        var level: Int
        /// The elements are records.
        var emits = false
        /// Undecided: the array becomes the records array when its first element is an object.
        var watched = false
        /// An object whose array members may hold the records (`_embedded`).
        var descend = false
        var opened: Int64
        var elements = 0
    }
    private var contexts: [Container] = []
    /// The outermost container is the records array a resumed reading starts in.
    private var resumeContainer = false
    /// The records array has been closed.
    private var recordsClosed = false

    // MARK: Member keys

    private var inKey = false
    private var key: [UInt8] = []
    private var keyEscaped = false

    // MARK: The value being scanned (a record or a skipped member value)

    private var inValue = false
    private var scalar = false
    private var depth = 0
    private var inString = false
    private var escaped = false
    /// The opening bracket at each depth (up to maxDepth + 1), to match closing ones.
    private var kinds: [UInt8]
    /// A closing bracket did not match its opening one.
    private var broken = false
    private var tooDeep = false
    private var isRecord = false
    private var first: UInt8 = 0
    /// The record's bytes are being kept in `buffer`.
    private var capturing = false
    private var oversized = false
    private var buffer: [UInt8] = []
    private var recordStart: Int64 = 0
    private var recordLine = 1
    /// Where in the current slice the bytes not yet copied to `buffer` / `docBuffer` start.
    private var segment = 0

    // MARK: A top-level object not yet known to be a record or a wrapper

    private var docBuffering = false
    private var docBuffer: [UInt8] = []
    private var docStart: Int64 = 0
    private var docLine = 1
    private var sawID = false
    private var members = 0
    private var itemObject = false
    private var fallback: Int64?
    private var replayWanted = false

    private var scratch: [UInt8] = []

    /// Resume state: start reading at `offset` (a previous record's `endOffset`), numbering
    /// records after `recordsBefore`.
    public init(options: Options = .init(), resumeAt offset: Int64 = 0, recordsBefore: Int = 0) {
        maxRecordBytes = max(1, options.maxRecordBytes)
        maxDepth = min(max(1, options.maxDepth), 512)
        linesMode = options.lines
        latin1 = options.encoding == .latin1
        base = offset
        count = recordsBefore
        resumed = offset > 0
        kinds = [UInt8](repeating: 0, count: maxDepth + 2)
        if options.lines {
            mode = .array
            phase = resumed ? .lines : .start
            if resumed { startLine(at: 0) }
        } else if resumed {
            // Between two elements of the records array: next comes `,` or `]`.
            mode = .array
            phase = .document
            contexts = [Container(isArray: true, state: .afterItem, level: 1, emits: true, opened: offset)]
            resumeContainer = true
        } else {
            mode = .array
            phase = .start
        }
    }

    /// Reads the next bytes of the file; returns the records they complete.
    public mutating func feed(_ bytes: some Sequence<UInt8>) throws -> [ImportRecord] {
        try feedSlices(bytes)
    }

    /// Ends the input; returns the last record (JSON Lines without a final line end). Throws
    /// when the file is cut off before its records end.
    public mutating func finish() throws -> [ImportRecord] {
        if let failure { throw failure }
        var out: [ImportRecord] = []
        do {
            switch phase {
            case .start, .after, .trailer:
                break
            case .lines:
                if oversized || !buffer.isEmpty { try endLine(nil, end: 0, final: true, into: &out) }
            case .document:
                if resumed && !sawContent { break } // resumed just past the last record of the file
                if recordsClosed { break }
                if inValue && isRecord {
                    throw ImportReadFailure("The file ends in the middle of record \(count + 1) (it starts \(position(recordStart, recordLine))): it is cut off.")
                }
                if mode == .undecided {
                    throw ImportReadFailure("The file ends before the JSON document that starts at byte \(docStart) is closed: it is cut off.")
                }
                throw ImportReadFailure("The file ends before the list of records is closed, after record \(count): it is cut off.")
            }
        } catch let error as ImportReadFailure {
            failure = error
            if out.isEmpty { throw error }
        }
        phase = .after
        buffer = []
        return out
    }

    /// The capacity of the buffers the reader keeps (for tests: an oversized record is not held).
    var heldCapacity: Int { buffer.capacity + docBuffer.capacity + scratch.capacity }

    // MARK: - Reading

    mutating func read(_ bytes: UnsafeBufferPointer<UInt8>, into out: inout [ImportRecord]) {
        do {
            try drive(bytes, into: &out)
        } catch let error as ImportReadFailure {
            failure = error
        } catch {
            failure = ImportReadFailure(String(describing: error))
        }
    }

    private mutating func drive(_ bytes: UnsafeBufferPointer<UInt8>, into out: inout [ImportRecord]) throws {
        var start = 0
        while start < bytes.count {
            let end = min(start + Self.sliceSize, bytes.count)
            let slice = UnsafeBufferPointer(rebasing: bytes[start..<end])
            var index = 0
            while index < slice.count {
                index = try process(slice, from: index, into: &out)
                if replayWanted {
                    replayWanted = false
                    let saved = base
                    try replay(into: &out)
                    base = saved
                }
            }
            base += Int64(slice.count)
            start = end
        }
    }

    /// Reads `p` from `start` to its end, or until the document must be read again.
    private mutating func process(_ p: UnsafeBufferPointer<UInt8>, from start: Int, into out: inout [ImportRecord]) throws -> Int {
        let n = p.count
        var i = start
        segment = start
        while i < n {
            if inValue {
                if scanValue(p, &i) {
                    try endValue(p, at: i, into: &out)
                    if replayWanted { return i }
                }
                continue
            }
            if inKey {
                try scanKey(p, &i)
                continue
            }
            let b = p[i]
            switch phase {
            case .lines:
                i = try scanLines(p, from: i, into: &out)
            case .document:
                if b <= 0x20, Self.isSpace(b) {
                    if b == 0x0A { line += 1 }
                    i += 1
                    continue
                }
                sawContent = true
                try token(b, p, &i, into: &out)
                if replayWanted { return i }
            case .start:
                let at = base + Int64(i)
                if at < 3 && at == Int64(bomBytes) && b == Self.bom[Int(at)] {
                    bomBytes += 1
                    i += 1
                    continue
                }
                if linesMode {
                    phase = .lines
                    startLine(at: i)
                    continue
                }
                if Self.isSpace(b) {
                    if b == 0x0A { line += 1 }
                    i += 1
                    continue
                }
                try startDocument(b, p, &i)
            case .after:
                if Self.isSpace(b) {
                    if b == 0x0A { line += 1 }
                    i += 1
                    continue
                }
                let hint = mode == .array ? "" : " If the file holds one object per line, read it as JSON Lines."
                throw ImportReadFailure("There is more data after the end of the JSON document, \(position(base + Int64(i), line)): \(Self.describe(b)).\(hint)")
            case .trailer:
                // Resumed: what follows the records array holds no records.
                i = n
            }
        }
        // The slice ends: keep what is being collected.
        if capturing {
            capture(p, from: segment, to: n)
        } else if docBuffering {
            docBuffer.append(contentsOf: UnsafeBufferPointer(rebasing: p[segment..<n]))
            if docBuffer.count > maxRecordBytes { docOverflow() }
        }
        return n
    }

    private mutating func startDocument(_ b: UInt8, _ p: UnsafeBufferPointer<UInt8>, _ i: inout Int) throws {
        let at = base + Int64(i)
        sawContent = true
        switch b {
        case UInt8(ascii: "["):
            mode = .array
            contexts.append(Container(isArray: true, level: 1, emits: true, opened: at))
        case UInt8(ascii: "{"):
            contexts.append(Container(isArray: false, level: 1, opened: at))
            if case .targeted = mode {} else {
                mode = .undecided
                docBuffering = true
                docBuffer.removeAll(keepingCapacity: true)
                docStart = at
                docLine = line
                segment = i
            }
        default:
            throw ImportReadFailure("The file is not a JSON array or object: it starts with \(Self.describe(b)) \(position(at, line)).")
        }
        phase = .document
        i += 1
    }

    /// A structural byte of the document outside any record or skipped value.
    private mutating func token(_ b: UInt8, _ p: UnsafeBufferPointer<UInt8>, _ i: inout Int, into out: inout [ImportRecord]) throws {
        let top = contexts.count - 1
        let state = contexts[top].state
        if contexts[top].isArray {
            if state == .afterItem {
                if b == UInt8(ascii: ",") {
                    contexts[top].state = .beforeItem
                    i += 1
                } else if b == UInt8(ascii: "]") {
                    i += 1
                    try close(p, at: i, into: &out)
                } else {
                    let after = contexts[top].emits ? "record \(count)" : "an array element"
                    throw failure("expected `,` or `]` after \(after), found \(Self.describe(b))", at: i)
                }
            } else if b == UInt8(ascii: "]") {
                // `[]`, or a trailing comma (accepted).
                i += 1
                try close(p, at: i, into: &out)
            } else {
                beginElement(b, p, at: i)
            }
            return
        }
        switch state {
        case .first, .beforeItem:
            if b == UInt8(ascii: "\"") {
                contexts[top].state = .key
                inKey = true
                key.removeAll(keepingCapacity: true)
                keyEscaped = false
                i += 1
            } else if b == UInt8(ascii: "}") && state == .first {
                i += 1
                try close(p, at: i, into: &out)
            } else {
                throw failure("expected a member name in quotes, found \(Self.describe(b))", at: i)
            }
        case .afterKey:
            guard b == UInt8(ascii: ":") else { throw failure("expected `:` after a member name, found \(Self.describe(b))", at: i) }
            contexts[top].state = .beforeValue
            i += 1
        case .beforeValue:
            beginMember(b, p, &i)
        case .afterValue:
            if b == UInt8(ascii: ",") {
                contexts[top].state = .beforeItem
                i += 1
            } else if b == UInt8(ascii: "}") {
                i += 1
                try close(p, at: i, into: &out)
            } else {
                throw failure("expected `,` or `}` after a member, found \(Self.describe(b))", at: i)
            }
        case .key, .afterItem:
            break // not reached: keys are read by scanKey, arrays above
        }
    }

    private mutating func scanKey(_ p: UnsafeBufferPointer<UInt8>, _ i: inout Int) throws {
        let n = p.count
        while i < n {
            let c = p[i]
            i += 1
            if keyEscaped {
                keyEscaped = false
            } else if c == UInt8(ascii: "\\") {
                keyEscaped = true
            } else if c == UInt8(ascii: "\"") {
                inKey = false
                contexts[contexts.count - 1].state = .afterKey
                return
            } else if c == 0x0A {
                line += 1
            }
            // Names are compared with a few short ones: longer ones need not be kept whole.
            if key.count <= 64 { key.append(c) }
        }
    }

    /// The first byte of a member's value (not consumed).
    private mutating func beginMember(_ b: UInt8, _ p: UnsafeBufferPointer<UInt8>, _ i: inout Int) {
        let top = contexts.count - 1
        let level = contexts[top].level
        let at = base + Int64(i)
        switch mode {
        case .undecided:
            if level == 1 {
                members += 1
                if key == Self.idKey && b != UInt8(ascii: "{") && b != UInt8(ascii: "[") { sawID = true }
                if key == Self.itemKey && b == UInt8(ascii: "{") { itemObject = true }
            }
            if b == UInt8(ascii: "[") && (level == 1 || contexts[top].descend) && !sawID {
                if Self.isRecordsName(key) {
                    // The records: decided as soon as seen.
                    mode = .decided
                    docBuffering = false
                    docBuffer = []
                    contexts.append(Container(isArray: true, level: level + 1, emits: true, opened: at))
                } else {
                    contexts.append(Container(isArray: true, level: level + 1, watched: fallback == nil, opened: at))
                }
                i += 1
                return
            }
            if b == UInt8(ascii: "{") && level == 1 && (key == Self.embeddedKey || Self.isRecordsName(key)) {
                contexts.append(Container(isArray: false, level: 2, descend: true, opened: at))
                i += 1
                return
            }
        case .targeted(let target):
            if b == UInt8(ascii: "[") && at == target {
                mode = .decided
                contexts.append(Container(isArray: true, level: level + 1, emits: true, opened: at))
                i += 1
                return
            }
            if b == UInt8(ascii: "{") && level == 1 && (key == Self.embeddedKey || Self.isRecordsName(key)) {
                contexts.append(Container(isArray: false, level: 2, descend: true, opened: at))
                i += 1
                return
            }
        case .array, .decided:
            break
        }
        startValue(b)
    }

    /// The first byte of an array element (not consumed).
    private mutating func beginElement(_ b: UInt8, _ p: UnsafeBufferPointer<UInt8>, at i: Int) {
        let top = contexts.count - 1
        if contexts[top].emits {
            startRecord(b, at: i)
            return
        }
        if contexts[top].watched && contexts[top].elements == 0 && b == UInt8(ascii: "{") {
            if fallback == nil { fallback = contexts[top].opened }
            if mode == .undecided && !docBuffering && !sawID {
                // Too large to be read again: the first array of objects holds the records.
                mode = .decided
                contexts[top].emits = true
                startRecord(b, at: i)
                return
            }
        }
        startValue(b)
    }

    private mutating func startValue(_ b: UInt8) {
        inValue = true
        isRecord = false
        scalar = !(b == UInt8(ascii: "{") || b == UInt8(ascii: "[") || b == UInt8(ascii: "\""))
        depth = 0
        inString = false
        escaped = false
        broken = false
        tooDeep = false
    }

    private mutating func startRecord(_ b: UInt8, at i: Int) {
        startValue(b)
        isRecord = true
        first = b
        recordStart = base + Int64(i)
        recordLine = line
        oversized = false
        capturing = true
        buffer.removeAll(keepingCapacity: true)
        segment = i
    }

    /// Scans the value being read; true when it ends (`i` is then just past it).
    private mutating func scanValue(_ p: UnsafeBufferPointer<UInt8>, _ i: inout Int) -> Bool {
        let n = p.count
        var j = i
        if scalar {
            // A number or a word: it ends before a delimiter.
            while j < n {
                let c = p[j]
                if c == UInt8(ascii: ",") || c == UInt8(ascii: "]") || c == UInt8(ascii: "}") || Self.isSpace(c) {
                    i = j
                    return true
                }
                j += 1
            }
            i = n
            return false
        }
        var depth = self.depth
        var inString = self.inString
        var lines = 0
        var ended = false
        if escaped && j < n {
            escaped = false
            if p[j] == 0x0A { lines += 1 }
            j += 1
        }
        outer: while j < n {
            if inString {
                while j < n {
                    let c = p[j]
                    j &+= 1
                    if c > 0x5C { continue }
                    if c == 0x22 {
                        inString = false
                        if depth == 0 { ended = true; break outer }
                        continue outer
                    }
                    if c == 0x5C {
                        if j < n {
                            if p[j] == 0x0A { lines += 1 }
                            j &+= 1
                        } else {
                            escaped = true
                        }
                    } else if c == 0x0A {
                        lines += 1
                    }
                }
                break
            }
            let c = p[j]
            j &+= 1
            switch c {
            case 0x22:
                inString = true
            case 0x7B, 0x5B: // { [
                depth += 1
                if depth < kinds.count { kinds[depth] = c }
                if depth > maxDepth && !tooDeep && isRecord {
                    tooDeep = true
                    capturing = false
                    buffer.removeAll(keepingCapacity: true)
                }
            case 0x7D, 0x5D: // } ]
                if depth == 0 {
                    broken = true // a stray closing bracket after a string value
                } else if depth >= kinds.count || kinds[depth] == c &- 2 {
                    depth -= 1
                } else {
                    // Mismatched: close up to the matching opening bracket, if any.
                    broken = true
                    var level = depth - 1
                    while level > 0 && kinds[level] != c &- 2 { level -= 1 }
                    if level > 0 { depth = level - 1 }
                }
                if depth == 0 { ended = true; break outer }
            case 0x0A:
                lines += 1
            default:
                break
            }
        }
        self.depth = depth
        self.inString = inString
        line += lines
        i = j
        return ended
    }

    private mutating func endValue(_ p: UnsafeBufferPointer<UInt8>, at i: Int, into out: inout [ImportRecord]) throws {
        inValue = false
        let top = contexts.count - 1
        if isRecord {
            isRecord = false
            emitRecord(p, end: i, into: &out)
        }
        contexts[top].state = contexts[top].isArray ? .afterItem : .afterValue
        contexts[top].elements += 1
    }

    private mutating func close(_ p: UnsafeBufferPointer<UInt8>, at i: Int, into out: inout [ImportRecord]) throws {
        let closed = contexts.removeLast()
        if closed.emits { recordsClosed = true }
        if contexts.isEmpty {
            if resumeContainer {
                phase = .trailer
            } else {
                try endDocument(p, at: i, into: &out)
            }
        } else {
            contexts[contexts.count - 1].state = .afterValue
        }
    }

    /// The top-level container has just closed at `i`.
    private mutating func endDocument(_ p: UnsafeBufferPointer<UInt8>, at i: Int, into out: inout [ImportRecord]) throws {
        phase = .after
        guard mode == .undecided else { return }
        let end = base + Int64(i)
        if docBuffering {
            docBuffer.append(contentsOf: UnsafeBufferPointer(rebasing: p[segment..<i]))
            if docBuffer.count > maxRecordBytes {
                docOverflow()
                if replayWanted { return }
            } else {
                docBuffering = false
                if !sawID && !(members == 1 && itemObject) && fallback != nil {
                    replayWanted = true
                    return
                }
                count += 1
                let document = docBuffer
                docBuffer = []
                var (value, problem, _) = document.withUnsafeBufferPointer { parseRecord($0, number: count, start: docStart, line: docLine) }
                if members == 1 && itemObject && !sawID, problem == nil, case .object(let all) = value,
                   all.count == 1, case .object = all[0].1 {
                    value = all[0].1
                }
                if problem != nil { value = .object([]) }
                out.append(ImportRecord(number: count, line: docLine, value: value, endOffset: end, problem: problem))
                mode = .decided
                return
            }
        }
        // Read without being held: one record, too large.
        count += 1
        out.append(ImportRecord(number: count, line: docLine, value: .object([]), endOffset: end,
                                problem: "Record \(count) is larger than \(RecordReaderText.size(maxRecordBytes)): it is skipped."))
        mode = .decided
    }

    /// The undecided document is larger than a record may be.
    private mutating func docOverflow() {
        docBuffering = false
        if !sawID && fallback != nil {
            replayWanted = true // read it again, taking the first array of objects as the records
        } else {
            docBuffer = []
        }
    }

    /// Reads the held document again from its start, now knowing where its records are.
    private mutating func replay(into out: inout [ImportRecord]) throws {
        guard let target = fallback else { return }
        let document = docBuffer
        docBuffer = []
        mode = .targeted(target)
        contexts.removeAll(keepingCapacity: true)
        inValue = false
        inKey = false
        phase = .start
        line = docLine
        base = docStart
        try document.withUnsafeBufferPointer { try drive($0, into: &out) }
    }

    // MARK: Records

    private mutating func capture(_ p: UnsafeBufferPointer<UInt8>, from start: Int, to end: Int) {
        if buffer.count + (end - start) > maxRecordBytes {
            oversized = true
            capturing = false
            buffer.removeAll(keepingCapacity: true)
        } else {
            buffer.append(contentsOf: UnsafeBufferPointer(rebasing: p[start..<end]))
        }
    }

    private mutating func emitRecord(_ p: UnsafeBufferPointer<UInt8>, end i: Int, into out: inout [ImportRecord]) {
        count += 1
        let number = count
        var value = ImportValue.object([])
        var problem: String?
        if first != UInt8(ascii: "{") && (tooDeep || oversized) {
            problem = Self.kindProblem(first, number: number, start: recordStart, line: recordLine)
        } else if tooDeep {
            problem = "Record \(number) is nested deeper than \(maxDepth) levels."
        } else if oversized || buffer.count + (i - segment) > maxRecordBytes {
            problem = "Record \(number) is larger than \(RecordReaderText.size(maxRecordBytes)): it is skipped."
        } else if buffer.isEmpty {
            (value, problem, _) = parseRecord(UnsafeBufferPointer(rebasing: p[segment..<i]), number: number, start: recordStart, line: recordLine)
        } else {
            buffer.append(contentsOf: UnsafeBufferPointer(rebasing: p[segment..<i]))
            let bytes = buffer
            (value, problem, _) = bytes.withUnsafeBufferPointer { parseRecord($0, number: number, start: recordStart, line: recordLine) }
        }
        if problem == nil && broken {
            problem = "Record \(number) is not valid JSON: its brackets do not match."
        }
        if problem != nil { value = .object([]) }
        capturing = false
        buffer.removeAll(keepingCapacity: true)
        out.append(ImportRecord(number: number, line: recordLine, value: value, endOffset: base + Int64(i), problem: problem))
    }

    /// Parses one record's bytes: an object, or the problem with it (and whether the bytes end
    /// before the value does).
    private mutating func parseRecord(_ bytes: UnsafeBufferPointer<UInt8>, number: Int, start: Int64, line: Int)
        -> (value: ImportValue, problem: String?, truncated: Bool) {
        var parser = JSONValueParser(bytes: bytes, maxDepth: maxDepth, latin1: latin1)
        swap(&parser.scratch, &scratch)
        defer { swap(&parser.scratch, &scratch) }
        do {
            let value = try parser.document()
            guard case .object = value else {
                let kind: String
                switch value {
                case .text: kind = "a string"
                case .number: kind = "a number"
                case .bool: kind = "true or false"
                case .null: kind = "null"
                default: kind = "an array"
                }
                return (.object([]), "Record \(number) is \(kind), not an object.", false)
            }
            return (value, nil, false)
        } catch {
            var truncated = false
            if case .truncated = error { truncated = true }
            return (.object([]), message(error, number: number, bytes: bytes, start: start, line: line), truncated)
        }
    }

    private func message(_ error: JSONValueParser.Failure, number: Int, bytes: UnsafeBufferPointer<UInt8>, start: Int64, line: Int) -> String {
        func at(_ index: Int) -> String {
            let clamped = min(max(index, 0), bytes.count)
            var lines = line
            for byte in UnsafeBufferPointer(rebasing: bytes[0..<clamped]) where byte == 0x0A { lines += 1 }
            return position(start + Int64(clamped), lines)
        }
        switch error {
        case .syntax(let what, let index): return "Record \(number) is not valid JSON: \(what) \(at(index))."
        case .truncated(let index): return "Record \(number) is not valid JSON: it ends too early, \(at(index))."
        case .text(let index): return "Record \(number) is not valid UTF-8 text (a string \(at(index)))."
        case .depth: return "Record \(number) is nested deeper than \(maxDepth) levels."
        }
    }

    private static func kindProblem(_ first: UInt8, number: Int, start: Int64, line: Int) -> String {
        switch first {
        case UInt8(ascii: "\""): return "Record \(number) is a string, not an object."
        case UInt8(ascii: "["): return "Record \(number) is an array, not an object."
        case UInt8(ascii: "t"), UInt8(ascii: "f"): return "Record \(number) is true or false, not an object."
        case UInt8(ascii: "n"): return "Record \(number) is null, not an object."
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return "Record \(number) is a number, not an object."
        default: return "Record \(number) is not valid JSON: unexpected \(describe(first)) at byte \(start)."
        }
    }

    // MARK: JSON Lines

    private mutating func startLine(at i: Int) {
        recordStart = base + Int64(i)
        recordLine = line
        segment = i
        capturing = true
        oversized = false
        buffer.removeAll(keepingCapacity: true)
    }

    private mutating func scanLines(_ p: UnsafeBufferPointer<UInt8>, from i: Int, into out: inout [ImportRecord]) throws -> Int {
        let n = p.count
        var j = i
        while j < n && p[j] != 0x0A { j += 1 }
        if j == n { return n }
        try endLine(p, end: j, final: false, into: &out)
        line += 1
        startLine(at: j + 1)
        return j + 1
    }

    /// A line ends at `end` in `p` (before its line end), or at the end of the file.
    private mutating func endLine(_ p: UnsafeBufferPointer<UInt8>?, end: Int, final: Bool, into out: inout [ImportRecord]) throws {
        let endOffset = p == nil ? base : base + Int64(end) + 1
        if oversized || (p != nil && buffer.count + (end - segment) > maxRecordBytes) {
            count += 1
            out.append(ImportRecord(number: count, line: recordLine, value: .object([]), endOffset: endOffset,
                                    problem: "Record \(count) is larger than \(RecordReaderText.size(maxRecordBytes)): it is skipped."))
            return
        }
        func handle(_ bytes: UnsafeBufferPointer<UInt8>) throws {
            var from = 0
            var to = bytes.count
            while from < to && Self.isSpace(bytes[from]) { from += 1 }
            while to > from && Self.isSpace(bytes[to - 1]) { to -= 1 }
            guard from < to else { return } // a blank line
            count += 1
            let content = UnsafeBufferPointer(rebasing: bytes[from..<to])
            let start = recordStart + Int64(from)
            let (value, problem, truncated) = parseRecord(content, number: count, start: start, line: recordLine)
            if final && truncated {
                throw ImportReadFailure("The file ends in the middle of record \(count) (\(position(recordStart, recordLine))): it is cut off.")
            }
            out.append(ImportRecord(number: count, line: recordLine, value: value, endOffset: endOffset, problem: problem))
        }
        if let p, buffer.isEmpty {
            try handle(UnsafeBufferPointer(rebasing: p[segment..<end]))
        } else {
            if let p { buffer.append(contentsOf: UnsafeBufferPointer(rebasing: p[segment..<end])) }
            let bytes = buffer
            try bytes.withUnsafeBufferPointer { try handle($0) }
        }
        buffer.removeAll(keepingCapacity: true)
    }

    // MARK: Helpers

    private func failure(_ what: String, at i: Int) -> ImportReadFailure {
        ImportReadFailure("The file is not valid JSON: \(what) \(position(base + Int64(i), line)).")
    }

    /// `at byte 1234 (line 5)`; without the line when resumed (lines are counted from the resume point).
    private func position(_ offset: Int64, _ line: Int) -> String {
        resumed ? "at byte \(offset)" : "at byte \(offset) (line \(line))"
    }

    @inline(__always) static func isSpace(_ b: UInt8) -> Bool {
        b == 0x20 || b == 0x0A || b == 0x0D || b == 0x09
    }

    static func describe(_ b: UInt8) -> String { RecordReaderText.describe(b) }

    private static let bom: [UInt8] = [0xEF, 0xBB, 0xBF]
    private static let idKey = Array("id".utf8)
    private static let itemKey = Array("item".utf8)
    private static let embeddedKey = Array("_embedded".utf8)
    private static let recordsNames: [[UInt8]] = [
        "tickets", "users", "organizations", "companies", "contacts", "customers", "conversations", "agents",
        "groups", "items", "results", "data", "records",
    ].map { Array($0.utf8) }

    private static func isRecordsName(_ key: [UInt8]) -> Bool {
        recordsNames.contains(key)
    }
}

// MARK: - Parsing one value

/// A recursive-descent JSON parser over one record's bytes. Recursion is bounded by `maxDepth`.
struct JSONValueParser {
    enum Failure: Error {
        case syntax(String, Int)
        case truncated(Int)
        case text(Int)
        case depth
    }

    let bytes: UnsafeBufferPointer<UInt8>
    var index = 0
    let maxDepth: Int
    let latin1: Bool
    var scratch: [UInt8] = []

    init(bytes: UnsafeBufferPointer<UInt8>, maxDepth: Int, latin1: Bool) {
        self.bytes = bytes
        self.maxDepth = maxDepth
        self.latin1 = latin1
    }

    /// The one value in the bytes (white space around it allowed).
    mutating func document() throws(Failure) -> ImportValue {
        skipSpace()
        let value = try parseValue(depth: 0)
        skipSpace()
        if index < bytes.count {
            throw .syntax("unexpected \(RecordReaderText.describe(bytes[index])) after the end of the record", index)
        }
        return value
    }

    @inline(__always) private mutating func skipSpace() {
        while index < bytes.count {
            let b = bytes[index]
            guard b == 0x20 || b == 0x0A || b == 0x0D || b == 0x09 else { return }
            index += 1
        }
    }

    private mutating func parseValue(depth: Int) throws(Failure) -> ImportValue {
        guard index < bytes.count else { throw .truncated(index) }
        switch bytes[index] {
        case UInt8(ascii: "{"): return try parseObject(depth: depth + 1)
        case UInt8(ascii: "["): return try parseArray(depth: depth + 1)
        case UInt8(ascii: "\""): return .text(try parseString())
        case UInt8(ascii: "t"): try literal("true"); return .bool(true)
        case UInt8(ascii: "f"): try literal("false"); return .bool(false)
        case UInt8(ascii: "n"): try literal("null"); return .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return try parseNumber()
        case let other: throw .syntax("unexpected \(RecordReaderText.describe(other)) where a value should be", index)
        }
    }

    private mutating func literal(_ word: StaticString) throws(Failure) {
        let start = index
        for k in 0..<word.utf8CodeUnitCount {
            guard index < bytes.count else { throw .truncated(index) }
            guard bytes[index] == word.utf8Start[k] else { throw .syntax("unexpected \(RecordReaderText.describe(bytes[start])) where a value should be", start) }
            index += 1
        }
    }

    private mutating func parseObject(depth: Int) throws(Failure) -> ImportValue {
        if depth > maxDepth { throw .depth }
        index += 1
        var members: [(String, ImportValue)] = []
        skipSpace()
        guard index < bytes.count else { throw .truncated(index) }
        if bytes[index] == UInt8(ascii: "}") {
            index += 1
            return .object(members)
        }
        while true {
            guard index < bytes.count else { throw .truncated(index) }
            guard bytes[index] == UInt8(ascii: "\"") else {
                throw .syntax("expected a member name in quotes, found \(RecordReaderText.describe(bytes[index]))", index)
            }
            let name = try parseString()
            skipSpace()
            guard index < bytes.count else { throw .truncated(index) }
            guard bytes[index] == UInt8(ascii: ":") else {
                throw .syntax("expected `:` after the member name \"\(name.prefix(40))\", found \(RecordReaderText.describe(bytes[index]))", index)
            }
            index += 1
            skipSpace()
            let value = try parseValue(depth: depth)
            members.append((name, value))
            skipSpace()
            guard index < bytes.count else { throw .truncated(index) }
            let c = bytes[index]
            index += 1
            if c == UInt8(ascii: ",") {
                skipSpace()
                continue
            }
            if c == UInt8(ascii: "}") { return .object(members) }
            throw .syntax("expected `,` or `}` after the member \"\(name.prefix(40))\", found \(RecordReaderText.describe(c))", index - 1)
        }
    }

    private mutating func parseArray(depth: Int) throws(Failure) -> ImportValue {
        if depth > maxDepth { throw .depth }
        index += 1
        var items: [ImportValue] = []
        skipSpace()
        guard index < bytes.count else { throw .truncated(index) }
        if bytes[index] == UInt8(ascii: "]") {
            index += 1
            return .array(items)
        }
        while true {
            items.append(try parseValue(depth: depth))
            skipSpace()
            guard index < bytes.count else { throw .truncated(index) }
            let c = bytes[index]
            index += 1
            if c == UInt8(ascii: ",") {
                skipSpace()
                continue
            }
            if c == UInt8(ascii: "]") { return .array(items) }
            throw .syntax("expected `,` or `]` in an array, found \(RecordReaderText.describe(c))", index - 1)
        }
    }

    private mutating func parseNumber() throws(Failure) -> ImportValue {
        let start = index
        let n = bytes.count
        @inline(__always) func isDigit(_ i: Int) -> Bool { i < n && bytes[i] &- 0x30 < 10 }
        if bytes[index] == UInt8(ascii: "-") { index += 1 }
        guard index < n else { throw .truncated(index) }
        if bytes[index] == UInt8(ascii: "0") {
            index += 1
        } else if isDigit(index) {
            while isDigit(index) { index += 1 }
        } else {
            throw .syntax("a number is malformed", start)
        }
        if index < n && bytes[index] == UInt8(ascii: ".") {
            index += 1
            guard index < n else { throw .truncated(index) }
            guard isDigit(index) else { throw .syntax("a number is malformed", start) }
            while isDigit(index) { index += 1 }
        }
        if index < n && (bytes[index] | 0x20) == UInt8(ascii: "e") {
            index += 1
            if index < n && (bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-")) { index += 1 }
            guard index < n else { throw .truncated(index) }
            guard isDigit(index) else { throw .syntax("a number is malformed", start) }
            while isDigit(index) { index += 1 }
        }
        return .number(String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<index]), as: UTF8.self))
    }

    /// A string at `index` (its opening quote).
    mutating func parseString() throws(Failure) -> String {
        index += 1
        let start = index
        let n = bytes.count
        var bits: UInt8 = 0
        while index < n {
            let c = bytes[index]
            if c == UInt8(ascii: "\"") {
                let text = UnsafeBufferPointer(rebasing: bytes[start..<index])
                index += 1
                if bits < 0x80 { return String(decoding: text, as: UTF8.self) }
                if latin1 {
                    scratch.removeAll(keepingCapacity: true)
                    RecordReaderText.appendLatin1(text, to: &scratch)
                    return String(decoding: scratch, as: UTF8.self)
                }
                guard let string = String(validating: text, as: UTF8.self) else { throw .text(start - 1) }
                return string
            }
            if c == UInt8(ascii: "\\") { return try parseEscapedString(from: start) }
            bits |= c
            index += 1
        }
        throw .truncated(index)
    }

    private mutating func parseEscapedString(from start: Int) throws(Failure) -> String {
        scratch.removeAll(keepingCapacity: true)
        appendRaw(start, index)
        let n = bytes.count
        while index < n {
            let c = bytes[index]
            if c == UInt8(ascii: "\"") {
                index += 1
                if latin1 { return String(decoding: scratch, as: UTF8.self) }
                guard let string = String(validating: scratch, as: UTF8.self) else { throw .text(start - 1) }
                return string
            }
            if c == UInt8(ascii: "\\") {
                guard index + 1 < n else { throw .truncated(n) }
                let escape = bytes[index + 1]
                index += 2
                switch escape {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): scratch.append(escape)
                case UInt8(ascii: "b"): scratch.append(0x08)
                case UInt8(ascii: "f"): scratch.append(0x0C)
                case UInt8(ascii: "n"): scratch.append(0x0A)
                case UInt8(ascii: "r"): scratch.append(0x0D)
                case UInt8(ascii: "t"): scratch.append(0x09)
                case UInt8(ascii: "u"):
                    var scalar = try hex4()
                    if scalar >= 0xD800 && scalar < 0xDC00 {
                        // A high surrogate: with the low one after it, one character.
                        if index + 1 < n && bytes[index] == UInt8(ascii: "\\") && bytes[index + 1] == UInt8(ascii: "u") {
                            let saved = index
                            index += 2
                            let low = try hex4()
                            if low >= 0xDC00 && low < 0xE000 {
                                scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                            } else {
                                index = saved
                                scalar = 0xFFFD
                            }
                        } else {
                            scalar = 0xFFFD
                        }
                    } else if scalar >= 0xDC00 && scalar < 0xE000 {
                        scalar = 0xFFFD // a lone low surrogate
                    }
                    RecordReaderText.appendUTF8(scalar, to: &scratch)
                default:
                    throw .syntax("`\\\(Character(Unicode.Scalar(escape)))` is not a JSON escape", index - 2)
                }
                continue
            }
            var run = index + 1
            while run < n && bytes[run] != UInt8(ascii: "\"") && bytes[run] != UInt8(ascii: "\\") { run += 1 }
            appendRaw(index, run)
            index = run
        }
        throw .truncated(n)
    }

    private mutating func appendRaw(_ from: Int, _ to: Int) {
        let run = UnsafeBufferPointer(rebasing: bytes[from..<to])
        if latin1 { RecordReaderText.appendLatin1(run, to: &scratch) } else { scratch.append(contentsOf: run) }
    }

    private mutating func hex4() throws(Failure) -> UInt32 {
        guard index + 4 <= bytes.count else { throw .truncated(bytes.count) }
        var value: UInt32 = 0
        for k in 0..<4 {
            let c = bytes[index + k]
            let digit: UInt8
            switch c {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = c - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = c - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = c - UInt8(ascii: "A") + 10
            default: throw .syntax("a `\\u` escape needs four hexadecimal digits", index - 2)
            }
            value = value << 4 | UInt32(digit)
        }
        index += 4
        return value
    }
}
