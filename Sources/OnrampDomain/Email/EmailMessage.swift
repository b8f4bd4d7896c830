import Foundation

/// An email ready to be sent: validated on creation, so that every value of this type renders to a
/// well-formed RFC 5322 message and no header can be injected through its fields.
///
/// Bodies are plain text (and optionally HTML) in UTF-8, carried as quoted-printable; the rendered
/// message is 7-bit clean, so it needs neither 8BITMIME nor SMTPUTF8 from the server.
public struct EmailMessage: Sendable, Equatable {
    /// An address with an optional display name, as in `Ada Lovelace <ada@example.com>`.
    public struct Mailbox: Sendable, Equatable, CustomStringConvertible {
        public let address: String
        public let name: String?

        public init(_ address: String, name: String? = nil) {
            self.address = address
            self.name = name
        }

        public var description: String { name.map { "\($0) <\(address)>" } ?? address }
    }

    /// An extra header such as `X-Onramp-Kind: password-reset`.
    public struct Header: Sendable, Equatable {
        public let name: String
        public let value: String

        public init(_ name: String, _ value: String) {
            self.name = name
            self.value = value
        }
    }

    public let from: Mailbox
    public let to: [Mailbox]
    public let subject: String
    public let textBody: String
    public let htmlBody: String?
    public let headers: [Header]
    /// The Message-ID without angle brackets, e.g. `1F6B…@onramp.example`.
    public let messageID: String
    /// The Date header; nil stamps the message with the time it is rendered.
    public let date: Date?

    /// Headers that the renderer writes itself and that `headers` may therefore not contain.
    public static let reservedHeaders: Set<String> = [
        "date", "from", "to", "cc", "bcc", "subject", "message-id", "mime-version",
        "content-type", "content-transfer-encoding",
    ]

    /// Validates every field; throws when an address is implausible, a header value holds a line
    /// break or control character, a header name is malformed or reserved, or there is no recipient.
    /// `messageID` defaults to a random UUID at the sender's domain.
    public init(
        from: Mailbox,
        to: [Mailbox],
        subject: String,
        textBody: String,
        htmlBody: String? = nil,
        headers: [Header] = [],
        messageID: String? = nil,
        date: Date? = nil
    ) throws(Invalid) {
        try Self.checkMailbox(from, field: "From")
        guard !to.isEmpty else { throw .noRecipients }
        for mailbox in to { try Self.checkMailbox(mailbox, field: "To") }
        try Self.checkHeaderValue(subject, field: "Subject")
        for header in headers {
            guard !header.name.isEmpty, header.name.utf8.count <= 76,
                  header.name.utf8.allSatisfy({ $0 > 32 && $0 < 127 && $0 != UInt8(ascii: ":") })
            else { throw .invalidHeaderName(header.name) }
            guard !Self.reservedHeaders.contains(header.name.lowercased()) else { throw .reservedHeader(header.name) }
            try Self.checkHeaderValue(header.value, field: header.name)
        }
        let id = messageID ?? "\(UUID().uuidString)@\(from.address.split(separator: "@").last ?? "localhost")"
        guard Self.isPlausibleMessageID(id) else { throw .invalidMessageID(id) }

        self.from = from
        self.to = to
        self.subject = subject
        self.textBody = textBody
        self.htmlBody = htmlBody
        self.headers = headers
        self.messageID = id
        self.date = date
    }

    /// Why a message could not be built.
    public enum Invalid: Error, Sendable, Equatable, CustomStringConvertible {
        case invalidAddress(field: String, address: String)
        case noRecipients
        case lineBreakInHeader(field: String)
        case controlCharacterInHeader(field: String)
        case invalidHeaderName(String)
        case reservedHeader(String)
        case invalidMessageID(String)

        public var description: String {
            switch self {
            case let .invalidAddress(field, address):
                "The \(field) address \"\(address)\" is not a valid email address."
            case .noRecipients:
                "The message has no recipient; give at least one To address."
            case let .lineBreakInHeader(field):
                "The \(field) header contains a line break, which could inject headers, so the message was refused."
            case let .controlCharacterInHeader(field):
                "The \(field) header contains a control character, so the message was refused."
            case let .invalidHeaderName(name):
                "\"\(name)\" is not a valid header name (printable ASCII without spaces or colons)."
            case let .reservedHeader(name):
                "The \(name) header is written by the renderer and cannot be set as an extra header."
            case let .invalidMessageID(id):
                "\"\(id)\" is not a valid Message-ID (expected left@right without spaces or angle brackets)."
            }
        }
    }

    // MARK: Validation

    private static func checkMailbox(_ mailbox: Mailbox, field: String) throws(Invalid) {
        guard isPlausibleAddress(mailbox.address) else {
            // A line break in an address is an injection attempt: report it as such.
            if mailbox.address.contains(where: \.isNewline) { throw .lineBreakInHeader(field: field) }
            throw .invalidAddress(field: field, address: mailbox.address)
        }
        if let name = mailbox.name { try checkHeaderValue(name, field: "\(field) display name") }
    }

    private static func checkHeaderValue(_ value: String, field: String) throws(Invalid) {
        for scalar in value.unicodeScalars {
            switch scalar.value {
            case 0x0A, 0x0D, 0x85, 0x2028, 0x2029: throw .lineBreakInHeader(field: field)
            case 0x09: continue
            case 0x00..<0x20, 0x7F: throw .controlCharacterInHeader(field: field)
            default: continue
            }
        }
    }

    /// ASCII `local@domain` with no whitespace, controls or characters that would break out of `<…>`.
    /// (Stricter checks belong to the domain layer; this guards the SMTP envelope and headers.)
    static func isPlausibleAddress(_ address: String) -> Bool {
        let forbidden = Set("<>()[]\\,;:\" ".utf8)
        let bytes = Array(address.utf8)
        guard (3...254).contains(bytes.count),
              bytes.allSatisfy({ $0 > 32 && $0 < 127 && !forbidden.contains($0) }),
              let at = bytes.lastIndex(of: UInt8(ascii: "@")), at > 0, at < bytes.count - 1,
              bytes.firstIndex(of: UInt8(ascii: "@")) == at
        else { return false }
        return true
    }

    private static func isPlausibleMessageID(_ id: String) -> Bool {
        let parts = id.split(separator: "@", omittingEmptySubsequences: false)
        return parts.count == 2 && parts.allSatisfy { !$0.isEmpty } && id.utf8.count <= 200
            && id.utf8.allSatisfy { $0 > 32 && $0 < 127 && $0 != UInt8(ascii: "<") && $0 != UInt8(ascii: ">") }
    }
}

// MARK: - Rendering

extension EmailMessage {
    /// The message as sent over SMTP (before dot-stuffing): headers, a blank line, and the body,
    /// every line ending in CRLF and no line longer than 78 characters unless a single word is.
    public func rendered(now: Date = Date()) -> String {
        var lines: [String] = []
        lines.append(HeaderEncoding.fold(name: "Date", tokens: [Self.rfc5322Date(date ?? now)]))
        lines.append(HeaderEncoding.fold(name: "From", tokens: HeaderEncoding.mailboxTokens(from, name: "From")))
        var toTokens: [String] = []
        for (index, mailbox) in to.enumerated() {
            var tokens = HeaderEncoding.mailboxTokens(mailbox, name: "To", first: index == 0)
            if index < to.count - 1, let last = tokens.popLast() { tokens.append(last + ",") }
            toTokens += tokens
        }
        lines.append(HeaderEncoding.fold(name: "To", tokens: toTokens))
        lines.append(HeaderEncoding.unstructured(name: "Subject", value: subject))
        lines.append("Message-ID: <\(messageID)>")
        for header in headers {
            lines.append(HeaderEncoding.unstructured(name: header.name, value: header.value))
        }
        lines.append("MIME-Version: 1.0")

        let text = QuotedPrintable.encode(textBody)
        if let htmlBody {
            let boundary = "=_onramp_" + Self.boundaryHash(messageID)
            lines.append("Content-Type: multipart/alternative;")
            lines.append(" boundary=\"\(boundary)\"")
            lines.append("")
            lines.append("This is a multi-part message in MIME format.")
            for (type, body) in [("text/plain", text), ("text/html", QuotedPrintable.encode(htmlBody))] {
                lines.append("--\(boundary)")
                lines.append("Content-Type: \(type); charset=utf-8")
                lines.append("Content-Transfer-Encoding: quoted-printable")
                lines.append("")
                lines.append(body)
            }
            lines.append("--\(boundary)--")
        } else {
            lines.append("Content-Type: text/plain; charset=utf-8")
            lines.append("Content-Transfer-Encoding: quoted-printable")
            lines.append("")
            lines.append(text)
        }
        return lines.joined(separator: "\r\n") + "\r\n"
    }

    /// `Tue, 03 Jun 2025 14:05:09 +0000`, always in UTC and English whatever the locale.
    static func rfc5322Date(_ date: Date) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC") ?? calendar.timeZone
        let c = calendar.dateComponents([.weekday, .day, .month, .year, .hour, .minute, .second], from: date)
        let days = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
        let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        func two(_ n: Int?) -> String { let n = n ?? 0; return n < 10 ? "0\(n)" : "\(n)" }
        let weekday = days[((c.weekday ?? 1) - 1 + 7) % 7]
        let month = months[((c.month ?? 1) - 1 + 12) % 12]
        return "\(weekday), \(two(c.day)) \(month) \(c.year ?? 1970) \(two(c.hour)):\(two(c.minute)):\(two(c.second)) +0000"
    }

    /// A stable boundary suffix (FNV-1a of the Message-ID). The `=_` prefix of the boundary can never
    /// occur in quoted-printable output, so no body can contain the boundary.
    private static func boundaryHash(_ text: String) -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in text.utf8 { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3 }
        return String(hash, radix: 16)
    }
}

/// Header folding and RFC 2047 encoded words.
enum HeaderEncoding {
    /// Longest header line we aim for (RFC 5322's recommended 78).
    static let lineLimit = 78
    /// RFC 2047: an encoded word is at most 75 characters.
    static let encodedWordLimit = 75

    /// Joins `tokens` with single spaces after `Name: `, breaking lines (CRLF + space) between
    /// tokens so that lines stay within 78 characters where the tokens allow it.
    static func fold(name: String, tokens: [String]) -> String {
        var result = "\(name):"
        var lineLength = result.utf8.count
        for token in tokens {
            let length = token.utf8.count
            if lineLength + 1 + length > lineLimit, lineLength > name.utf8.count + 1, !token.isEmpty {
                result += "\r\n " + token
                lineLength = 1 + length
            } else {
                result += " " + token
                lineLength += 1 + length
            }
        }
        return result
    }

    /// An unstructured header (Subject, extras): plain ASCII words folded at spaces, or encoded
    /// words when the text is not ASCII, looks like an encoded word, or has an unfoldably long word.
    static func unstructured(name: String, value: String) -> String {
        if needsEncoding(value) {
            return fold(name: name, tokens: encodedWords(value, firstBudget: lineLimit - name.utf8.count - 2))
        }
        return fold(name: name, tokens: value.split(separator: " ", omittingEmptySubsequences: false).map(String.init))
    }

    /// Tokens of `Name <address>`: the display name as atoms, a quoted string, or encoded words.
    static func mailboxTokens(_ mailbox: EmailMessage.Mailbox, name: String, first: Bool = true) -> [String] {
        let address = "<\(mailbox.address)>"
        guard let display = mailbox.name, !display.isEmpty else { return [address] }
        if needsEncoding(display) {
            let budget = first ? lineLimit - name.utf8.count - 2 : encodedWordLimit
            return encodedWords(display, firstBudget: budget) + [address]
        }
        let atext = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789!#$%&'*+-/=?^_`{|}~ ".utf8)
        if display.utf8.allSatisfy(atext.contains), !display.hasPrefix(" "), !display.hasSuffix(" "), !display.contains("  ") {
            return display.split(separator: " ").map(String.init) + [address]
        }
        let escaped = display.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
        return ["\"\(escaped)\"", address]
    }

    static func needsEncoding(_ text: String) -> Bool {
        !text.utf8.allSatisfy { $0 >= 32 && $0 < 127 || $0 == 9 } || text.contains("=?")
            || text.split(separator: " ").contains { $0.utf8.count > encodedWordLimit }
    }

    /// `=?UTF-8?B?…?=` words of at most 75 characters (the first one at most `firstBudget`), never
    /// splitting a UTF-8 sequence. Whitespace between adjacent encoded words is ignored by decoders,
    /// so the words reassemble exactly to `text`.
    static func encodedWords(_ text: String, firstBudget: Int) -> [String] {
        // Overhead of `=?UTF-8?B?` + `?=` is 12; 4 base64 characters carry 3 bytes.
        func capacity(_ budget: Int) -> Int { max(1, (min(budget, encodedWordLimit) - 12) / 4) * 3 }
        var words: [String] = []
        var chunk: [UInt8] = []
        var limit = capacity(firstBudget)
        for scalar in text.unicodeScalars {
            let bytes = Array(String(scalar).utf8)
            if chunk.count + bytes.count > limit, !chunk.isEmpty {
                words.append("=?UTF-8?B?\(Data(chunk).base64EncodedString())?=")
                chunk = []
                limit = capacity(encodedWordLimit)
            }
            chunk += bytes
        }
        words.append("=?UTF-8?B?\(Data(chunk).base64EncodedString())?=")
        return words
    }
}

/// Quoted-printable (RFC 2045 §6.7) for UTF-8 text bodies.
public enum QuotedPrintable {
    /// Encodes `text` line by line: any line break style becomes CRLF, lines are at most 76
    /// characters (soft breaks end in `=`), `=`, controls and non-ASCII bytes become `=XX`, and
    /// a space or tab at the end of a line is encoded so that transport cannot strip it.
    public static func encode(_ text: String) -> String {
        let normalized = text.replacingOccurrences(of: "\r\n", with: "\n").replacingOccurrences(of: "\r", with: "\n")
        let hex = Array("0123456789ABCDEF".utf8)
        var output: [String] = []
        for line in normalized.split(separator: "\n", omittingEmptySubsequences: false) {
            var encoded: [UInt8] = []
            var lineLength = 0
            let bytes = Array(line.utf8)
            for (index, byte) in bytes.enumerated() {
                let isLast = index == bytes.count - 1
                let literal = (byte >= 33 && byte <= 126 && byte != UInt8(ascii: "="))
                    || ((byte == 32 || byte == 9) && !isLast)
                let token: [UInt8] = literal ? [byte] : [UInt8(ascii: "="), hex[Int(byte >> 4)], hex[Int(byte & 0x0F)]]
                // Keep room for the soft break's `=` unless this token ends the line.
                let room = isLast ? 76 : 75
                if lineLength + token.count > room {
                    encoded += Array("=\r\n".utf8)
                    lineLength = 0
                }
                encoded += token
                lineLength += token.count
            }
            output.append(String(decoding: encoded, as: UTF8.self))
        }
        return output.joined(separator: "\r\n")
    }
}
