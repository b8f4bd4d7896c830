import Foundation

/// One SMTP reply: a three-digit code and the text of each of its lines (codes stripped).
public struct SMTPReply: Sendable, Equatable, CustomStringConvertible {
    public let code: Int
    public let lines: [String]

    public init(code: Int, lines: [String]) {
        self.code = code
        self.lines = lines
    }

    /// 2xx.
    public var isPositiveCompletion: Bool { (200..<300).contains(code) }
    /// 3xx: the server waits for more (DATA's 354, AUTH's 334).
    public var isPositiveIntermediate: Bool { (300..<400).contains(code) }
    /// The lines joined by spaces, as shown in errors.
    public var text: String { lines.joined(separator: " ") }
    public var description: String { text.isEmpty ? "\(code)" : "\(code) \(text)" }
}

/// Assembles replies from lines (CRLF already removed): `250-first`, `250-second`, `250 last`.
public struct SMTPReplyParser: Sendable {
    /// Most lines accepted in one reply; a server sending more is broken or hostile.
    public static let maxLines = 128

    public enum Failure: Error, Sendable, Equatable, CustomStringConvertible {
        case malformedLine(String)
        case codeChanged(expected: Int, got: Int)
        case tooManyLines

        public var description: String {
            switch self {
            case let .malformedLine(line): "The mail server sent a malformed reply line: \"\(line.prefix(200))\"."
            case let .codeChanged(expected, got): "The mail server changed reply code from \(expected) to \(got) within one reply."
            case .tooManyLines: "The mail server sent a reply of more than \(SMTPReplyParser.maxLines) lines."
            }
        }
    }

    private var code: Int?
    private var lines: [String] = []

    public init() {}

    /// Whether a multi-line reply has started but not ended.
    public var isIdle: Bool { code == nil }

    /// Adds one line; returns the reply when this line completes it.
    public mutating func feed(_ line: String) throws(Failure) -> SMTPReply? {
        let bytes = Array(line.utf8)
        guard bytes.count >= 3, bytes[0] >= UInt8(ascii: "2"), bytes[0] <= UInt8(ascii: "5"),
              bytes[1...2].allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }),
              let code = Int(String(decoding: bytes[0..<3], as: UTF8.self))
        else { throw .malformedLine(line) }
        let separator = bytes.count > 3 ? bytes[3] : UInt8(ascii: " ")
        guard separator == UInt8(ascii: " ") || separator == UInt8(ascii: "-") else { throw .malformedLine(line) }
        if let current = self.code, current != code { throw .codeChanged(expected: current, got: code) }
        guard lines.count < Self.maxLines else { throw .tooManyLines }
        self.code = code
        lines.append(bytes.count > 4 ? String(decoding: bytes[4...], as: UTF8.self) : "")
        guard separator == UInt8(ascii: " ") else { return nil }
        defer { self.code = nil; lines = [] }
        return SMTPReply(code: code, lines: lines)
    }
}

/// What a server offers in its EHLO reply.
public struct SMTPCapabilities: Sendable, Equatable {
    public var startTLS = false
    /// Upper-cased mechanism names, e.g. `["LOGIN", "PLAIN"]`.
    public var authMechanisms: Set<String> = []
    /// The SIZE limit in octets; nil when not advertised or 0 (no limit).
    public var maxSize: Int?
    public var eightBitMIME = false
    public var pipelining = false

    public init() {}

    /// Reads the capability lines of an EHLO reply (every line but the first, the greeting).
    public init(ehloReply reply: SMTPReply) {
        for line in reply.lines.dropFirst() {
            let words = line.split(separator: " ")
            guard let first = words.first else { continue }
            let keyword = first.uppercased()
            switch keyword {
            case "STARTTLS": startTLS = true
            case "8BITMIME": eightBitMIME = true
            case "PIPELINING": pipelining = true
            case "SIZE":
                if let limit = words.dropFirst().first.flatMap({ Int($0) }), limit > 0 { maxSize = limit }
            case "AUTH":
                authMechanisms.formUnion(words.dropFirst().map { $0.uppercased() })
            default:
                // Old servers advertise `AUTH=LOGIN PLAIN`.
                if keyword.hasPrefix("AUTH=") {
                    authMechanisms.insert(String(keyword.dropFirst(5)))
                    authMechanisms.formUnion(words.dropFirst().map { $0.uppercased() })
                }
            }
        }
    }
}

/// The commands the client sends; `description` never shows credentials.
public enum SMTPCommand: Sendable, Equatable, CustomStringConvertible {
    case ehlo(String)
    case helo(String)
    case startTLS
    /// `AUTH PLAIN <initial response>`.
    case authPlain(username: String, password: String)
    case authLogin
    /// A base64 line answering a 334 challenge (AUTH LOGIN user name or password).
    case authResponse(String, what: String)
    case mailFrom(String)
    case rcptTo(String)
    case data
    /// The dot-stuffed message followed by the terminating `.` line.
    case messageBody(String)
    case quit

    /// The bytes to send, CRLF included.
    public var wire: String {
        switch self {
        case let .ehlo(name): "EHLO \(name)\r\n"
        case let .helo(name): "HELO \(name)\r\n"
        case .startTLS: "STARTTLS\r\n"
        case let .authPlain(username, password): "AUTH PLAIN \(SMTPAuth.plain(username: username, password: password))\r\n"
        case .authLogin: "AUTH LOGIN\r\n"
        case let .authResponse(line, _): "\(line)\r\n"
        case let .mailFrom(address): "MAIL FROM:<\(address)>\r\n"
        case let .rcptTo(address): "RCPT TO:<\(address)>\r\n"
        case .data: "DATA\r\n"
        case let .messageBody(message): DotStuffing.dataPayload(message)
        case .quit: "QUIT\r\n"
        }
    }

    public var description: String {
        switch self {
        case let .ehlo(name): "EHLO \(name)"
        case let .helo(name): "HELO \(name)"
        case .startTLS: "STARTTLS"
        case .authPlain: "AUTH PLAIN"
        case .authLogin: "AUTH LOGIN"
        case let .authResponse(_, what): "AUTH LOGIN (\(what))"
        case let .mailFrom(address): "MAIL FROM:<\(address)>"
        case let .rcptTo(address): "RCPT TO:<\(address)>"
        case .data: "DATA"
        case .messageBody: "the message"
        case .quit: "QUIT"
        }
    }
}

/// SASL encodings for AUTH (RFC 4616 PLAIN, and the LOGIN convention).
public enum SMTPAuth {
    /// base64 of `\0user\0password`.
    public static func plain(username: String, password: String) -> String {
        Data("\u{0}\(username)\u{0}\(password)".utf8).base64EncodedString()
    }

    /// base64 of one AUTH LOGIN answer (the user name, then the password).
    public static func login(_ text: String) -> String {
        Data(text.utf8).base64EncodedString()
    }
}

/// DATA transparency (RFC 5321 §4.5.2).
public enum DotStuffing {
    /// The line that ends DATA.
    public static let terminator = ".\r\n"

    /// Normalises line endings to CRLF and doubles a leading `.` on every line, so that no line
    /// of the message can be mistaken for the terminator.
    public static func stuff(_ message: String) -> String {
        let normalized = message.replacingOccurrences(of: "\r\n", with: "\n").replacingOccurrences(of: "\r", with: "\n")
        return normalized.split(separator: "\n", omittingEmptySubsequences: false)
            .map { $0.hasPrefix(".") ? "." + $0 : String($0) }
            .joined(separator: "\r\n")
    }

    /// What follows the 354 reply: the stuffed message, ending in CRLF, then `.` CRLF.
    public static func dataPayload(_ message: String) -> String {
        var stuffed = stuff(message)
        if !stuffed.hasSuffix("\r\n") { stuffed += "\r\n" }
        return stuffed + terminator
    }
}
