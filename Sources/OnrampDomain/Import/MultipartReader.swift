/// Reads a `multipart/form-data` body as it streams in and hands back the bytes of the part
/// named `file` (RFC 7578), so an upload from a browser form is never held whole in memory.
/// Other parts are skipped. Header blocks are bounded and must be ASCII; anything malformed is
/// an error with a plain message, never a crash.
public struct MultipartReader: Sendable {
    public struct Failure: Error, Sendable, Equatable, CustomStringConvertible {
        public let description: String
    }

    private enum State: Sendable { case preamble, afterBoundary, headers, body, epilogue }

    /// `\r\n--boundary`: what ends a part (the stream is read as if it began with `\r\n`).
    private let delimiter: [UInt8]
    private var buffer: [UInt8] = [0x0D, 0x0A]
    private var state = State.preamble
    private var inFile = false
    public private(set) var foundFile = false
    public private(set) var fileDone = false
    public private(set) var fileName: String?
    static let maxHeaderBytes = 16 * 1024

    public init?(boundary: String) {
        let bytes = Array(boundary.utf8)
        guard !bytes.isEmpty, bytes.count <= 70, bytes.allSatisfy({ $0 > 0x20 && $0 < 0x7F }) else { return nil }
        delimiter = [0x0D, 0x0A, 0x2D, 0x2D] + bytes
    }

    /// Reads `bytes`; returns the file part's bytes they complete.
    public mutating func feed(_ bytes: some Sequence<UInt8>) throws(Failure) -> [UInt8] {
        buffer.append(contentsOf: bytes)
        var out: [UInt8] = []
        while true {
            switch state {
            case .preamble:
                guard let at = find(delimiter, from: 0) else {
                    // Keep what could be the start of the first boundary.
                    buffer.removeFirst(max(0, buffer.count - delimiter.count + 1))
                    if buffer.count > delimiter.count { throw Failure(description: "The form has no boundary line.") }
                    return out
                }
                buffer.removeFirst(at + delimiter.count)
                state = .afterBoundary
            case .afterBoundary:
                guard buffer.count >= 2 else { return out }
                if buffer[0] == 0x2D && buffer[1] == 0x2D { // "--": the last boundary
                    state = .epilogue
                    buffer.removeAll()
                    return out
                }
                // Transport padding (spaces, tabs) may follow a boundary before its line end.
                var index = 0
                while index < buffer.count, buffer[index] == 0x20 || buffer[index] == 0x09 { index += 1 }
                guard index + 1 < buffer.count else { return out }
                guard buffer[index] == 0x0D, buffer[index + 1] == 0x0A else {
                    throw Failure(description: "A boundary line of the form is not followed by a line end.")
                }
                buffer.removeFirst(index + 2)
                state = .headers
            case .headers:
                // A part without headers starts with its blank line at once.
                guard let end = buffer.starts(with: [0x0D, 0x0A]) ? -2 : find([0x0D, 0x0A, 0x0D, 0x0A], from: 0) else {
                    if buffer.count > Self.maxHeaderBytes { throw Failure(description: "A part of the form has more than 16 KB of headers.") }
                    return out
                }
                let block = end < 0 ? [] : Array(buffer[..<end])
                buffer.removeFirst(end < 0 ? 2 : end + 4)
                try readHeaders(block)
                state = .body
            case .body:
                if let at = find(delimiter, from: 0) {
                    if inFile { out.append(contentsOf: buffer[..<at]) }
                    buffer.removeFirst(at + delimiter.count)
                    if inFile { fileDone = true }
                    inFile = false
                    state = .afterBoundary
                } else {
                    let keep = delimiter.count - 1
                    guard buffer.count > keep else { return out }
                    let ready = buffer.count - keep
                    if inFile { out.append(contentsOf: buffer[..<ready]) }
                    buffer.removeFirst(ready)
                    return out
                }
            case .epilogue:
                buffer.removeAll()
                return out
            }
        }
    }

    /// Ends the body: a form must close with its last boundary.
    public func finish() throws(Failure) {
        guard state == .epilogue else { throw Failure(description: "The form ends before its last boundary: it is cut off.") }
    }

    private mutating func readHeaders(_ block: [UInt8]) throws(Failure) {
        // Values may be UTF-8 (RFC 7578 field and file names) and carry whatever a browser puts in a
        // field's name but NUL; names are ASCII tokens.
        guard !block.contains(0) else {
            throw Failure(description: "A part of the form has headers that are not plain text.")
        }
        let text = String(decoding: block, as: UTF8.self)
        for line in text.split(separator: "\r\n") {
            guard let colon = line.firstIndex(of: ":") else { throw Failure(description: "A header of the form has no name.") }
            guard !line[..<colon].isEmpty, line[..<colon].unicodeScalars.allSatisfy({ $0.isASCII && $0.value > 0x20 && $0 != "\u{7F}" }) else {
                throw Failure(description: "A part of the form has headers that are not plain text.")
            }
            let name = line[..<colon].lowercased()
            guard name == "content-disposition" else { continue }
            var parameters: [String: String] = [:]
            for part in line[line.index(after: colon)...].split(separator: ";").dropFirst() {
                let pair = part.split(separator: "=", maxSplits: 1)
                guard pair.count == 2 else { continue }
                var value = pair[1].trimming(" ")
                if value.hasPrefix("\""), value.hasSuffix("\""), value.count >= 2 { value = String(value.dropFirst().dropLast()) }
                parameters[pair[0].trimming(" ").lowercased()] = value
            }
            if parameters["name"] == "file" && !foundFile {
                inFile = true
                foundFile = true
                // Browsers may send a path ("C:\fakepath\x.csv"): keep the last component.
                fileName = parameters["filename"].map { String($0.split(whereSeparator: { $0 == "/" || $0 == "\\" }).last ?? "") }
            }
        }
    }

    private func find(_ needle: [UInt8], from start: Int) -> Int? {
        guard buffer.count >= needle.count else { return nil }
        let first = needle[0]
        var index = start
        let last = buffer.count - needle.count
        while index <= last {
            if buffer[index] == first {
                var matched = true
                for offset in 1..<needle.count where buffer[index + offset] != needle[offset] {
                    matched = false
                    break
                }
                if matched { return index }
            }
            index += 1
        }
        return nil
    }
}

private extension Substring {
    func trimming(_ set: Character) -> String {
        String(drop { $0 == set }.reversed().drop { $0 == set }.reversed())
    }
}
