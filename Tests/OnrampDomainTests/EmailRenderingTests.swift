import Foundation
import Testing
@testable import OnrampDomain

/// Independent decoders, so the tests check round trips rather than the encoder's own output.
enum Decode {
    /// Unfolded header value of `name` in a rendered message.
    static func header(_ name: String, in message: String) -> String? {
        let head = message.components(separatedBy: "\r\n\r\n").first ?? ""
        let unfolded = head.replacingOccurrences(of: "\r\n ", with: " ")
        for line in unfolded.components(separatedBy: "\r\n") where line.lowercased().hasPrefix(name.lowercased() + ":") {
            return String(line.dropFirst(name.count + 1)).trimmingCharacters(in: .whitespaces)
        }
        return nil
    }

    /// Decodes `=?UTF-8?B?…?=` words; whitespace between adjacent encoded words is dropped (RFC 2047 §6.2).
    static func encodedWords(_ text: String) -> String {
        var output = ""
        var previousWasEncoded = false
        var pendingSpace = ""
        for token in text.components(separatedBy: " ") {
            if token.hasPrefix("=?UTF-8?B?"), token.hasSuffix("?="),
               let data = Data(base64Encoded: String(token.dropFirst(10).dropLast(2))),
               let decoded = String(data: data, encoding: .utf8) {
                output += (previousWasEncoded ? "" : pendingSpace) + decoded
                previousWasEncoded = true
            } else {
                output += pendingSpace + token
                previousWasEncoded = false
            }
            pendingSpace = " "
        }
        return output
    }

    static func quotedPrintable(_ text: String) -> String {
        var bytes: [UInt8] = []
        let lines = text.components(separatedBy: "\r\n")
        for (index, line) in lines.enumerated() {
            var chars = Array(line.utf8)[...]
            var soft = false
            if chars.last == UInt8(ascii: "=") { soft = true; chars = chars.dropLast() }
            while let byte = chars.first {
                chars = chars.dropFirst()
                if byte == UInt8(ascii: "="), chars.count >= 2,
                   let value = UInt8(String(decoding: chars.prefix(2), as: UTF8.self), radix: 16) {
                    bytes.append(value)
                    chars = chars.dropFirst(2)
                } else {
                    bytes.append(byte)
                }
            }
            if !soft, index < lines.count - 1 { bytes.append(UInt8(ascii: "\n")) }
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}

@Suite struct RenderingTests {
    let fixedDate = Date(timeIntervalSince1970: 1_748_959_509)

    func message(
        from: EmailMessage.Mailbox = .init("noreply@onramp.example", name: "Onramp"),
        to: [EmailMessage.Mailbox] = [.init("ada@example.com")],
        subject: String = "Hello",
        text: String = "Hi there.",
        html: String? = nil,
        headers: [EmailMessage.Header] = []
    ) throws -> EmailMessage {
        try EmailMessage(from: from, to: to, subject: subject, textBody: text, htmlBody: html,
                         headers: headers, messageID: "abc123@onramp.example", date: fixedDate)
    }

    @Test func plainASCIIMessageHasTheStandardHeadersAndCRLFLines() throws {
        let rendered = try message(headers: [.init("X-Onramp-Kind", "password-reset")]).rendered()
        let head = try #require(rendered.components(separatedBy: "\r\n\r\n").first)
        #expect(head.components(separatedBy: "\r\n") == [
            "Date: Tue, 03 Jun 2025 14:05:09 +0000",
            "From: Onramp <noreply@onramp.example>",
            "To: <ada@example.com>",
            "Subject: Hello",
            "Message-ID: <abc123@onramp.example>",
            "X-Onramp-Kind: password-reset",
            "MIME-Version: 1.0",
            "Content-Type: text/plain; charset=utf-8",
            "Content-Transfer-Encoding: quoted-printable",
        ])
        #expect(rendered.hasSuffix("\r\n\r\nHi there.\r\n"))
        // No bare CR or LF anywhere.
        #expect(!rendered.replacingOccurrences(of: "\r\n", with: "").contains(where: { $0 == "\r" || $0 == "\n" }))
    }

    @Test func dateDefaultsToRenderTime() throws {
        let undated = try EmailMessage(from: .init("a@b.example"), to: [.init("c@d.example")], subject: "s", textBody: "t")
        #expect(Decode.header("Date", in: undated.rendered(now: Date(timeIntervalSince1970: 0))) == "Thu, 01 Jan 1970 00:00:00 +0000")
        #expect(undated.messageID.hasSuffix("@b.example"))
    }

    @Test(arguments: [
        "Grüße aus Köln",
        "Your Onramp ticket #4711 — “Zugang gesperrt” 🎉 日本語のテキストがここに続きます、とても長い件名です",
        String(repeating: "ça va? ", count: 30),
        "Looks like =?UTF-8?B?aGk=?= but is plain",
    ])
    func nonASCIISubjectsBecomeFoldedEncodedWords(subject: String) throws {
        let rendered = try message(subject: subject).rendered()
        let head = try #require(rendered.components(separatedBy: "\r\n\r\n").first)
        let subjectLines = head.components(separatedBy: "\r\n").drop { !$0.hasPrefix("Subject:") }
            .prefix { $0.hasPrefix("Subject:") || $0.hasPrefix(" ") }
        #expect(subjectLines.count >= 1)
        for line in subjectLines {
            #expect(line.utf8.count <= 78, "line too long: \(line)")
            #expect(line.allSatisfy { $0.isASCII })
            for word in line.split(separator: " ") where word.hasPrefix("=?") {
                #expect(word.utf8.count <= 75)
                #expect(word.hasPrefix("=?UTF-8?B?") && word.hasSuffix("?="))
            }
        }
        let value = try #require(Decode.header("Subject", in: rendered))
        #expect(Decode.encodedWords(value) == subject)
    }

    @Test func longASCIISubjectIsFoldedAtSpacesOnly() throws {
        let subject = (1...30).map { "word\($0)" }.joined(separator: " ")
        let rendered = try message(subject: subject).rendered()
        let lines = rendered.components(separatedBy: "\r\n").filter { $0.hasPrefix("Subject:") || $0.hasPrefix(" word") }
        #expect(lines.count > 1)
        #expect(lines.allSatisfy { $0.utf8.count <= 78 })
        #expect(Decode.header("Subject", in: rendered) == subject)
    }

    @Test func displayNames() throws {
        let rendered = try message(
            from: .init("support@onramp.example", name: "Zoë Ü. Support"),
            to: [.init("ada@example.com", name: "Lovelace, Ada"), .init("bob@example.com", name: "Bob Smith"), .init("c@example.com")]
        ).rendered()
        let from = try #require(Decode.header("From", in: rendered))
        #expect(from.hasPrefix("=?UTF-8?B?"))
        #expect(Decode.encodedWords(from) == "Zoë Ü. Support <support@onramp.example>")
        #expect(Decode.header("To", in: rendered) == "\"Lovelace, Ada\" <ada@example.com>, Bob Smith <bob@example.com>, <c@example.com>")
    }

    @Test func quotedPrintableBody() throws {
        let body = "Price = 5€\nTrailing space \nTab\tinside\n" + String(repeating: "x", count: 200) + "\n.starts with dot\nlast"
        let encoded = QuotedPrintable.encode(body)
        let lines = encoded.components(separatedBy: "\r\n")
        #expect(lines.allSatisfy { $0.utf8.count <= 76 })
        #expect(lines.allSatisfy { $0.allSatisfy { $0.isASCII } })
        #expect(lines.allSatisfy { !$0.hasSuffix(" ") && !$0.hasSuffix("\t") })
        #expect(lines[0] == "Price =3D 5=E2=82=AC")
        #expect(lines[1] == "Trailing space=20")
        #expect(Decode.quotedPrintable(encoded) == body)
    }

    @Test func quotedPrintableRoundTripsAwkwardInput() {
        // Deterministic pseudo-random text mixing ASCII, spaces at line ends, `=`, emoji and CR/LF.
        let alphabet: [String] = ["a", "Z", " ", "\t", "=", ".", "é", "€", "🎉", "\n", "\r\n", "x", "=3D", "-"]
        var seed: UInt64 = 42
        for _ in 0..<200 {
            var text = ""
            for _ in 0..<(Int(seed % 300)) {
                seed = seed &* 6364136223846793005 &+ 1442695040888963407
                text += alphabet[Int(seed >> 33) % alphabet.count]
            }
            let encoded = QuotedPrintable.encode(text)
            #expect(encoded.components(separatedBy: "\r\n").allSatisfy { $0.utf8.count <= 76 })
            #expect(Decode.quotedPrintable(encoded) == text.replacingOccurrences(of: "\r\n", with: "\n"))
            seed = seed &+ 1
        }
    }

    @Test func htmlBodyMakesMultipartAlternative() throws {
        let html = "<p>Hello <b>Zoë</b> = friend</p>"
        let rendered = try message(text: "Hello Zoë", html: html).rendered()
        let contentType = try #require(Decode.header("Content-Type", in: rendered))
        #expect(contentType.hasPrefix("multipart/alternative; boundary=\""))
        let boundary = String(contentType.split(separator: "\"")[1])
        #expect(boundary.hasPrefix("=_"))
        let parts = rendered.components(separatedBy: "\r\n--\(boundary)")
        #expect(parts.count == 4)  // preamble, text, html, closing "--"
        #expect(parts[3] == "--\r\n")
        let textPart = parts[1].components(separatedBy: "\r\n\r\n")
        #expect(textPart[0] == "\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable")
        #expect(Decode.quotedPrintable(textPart[1]) == "Hello Zoë")
        let htmlPart = parts[2].components(separatedBy: "\r\n\r\n")
        #expect(htmlPart[0].contains("Content-Type: text/html; charset=utf-8"))
        #expect(Decode.quotedPrintable(htmlPart[1]) == html)
    }

    @Test func headerInjectionIsRefused() throws {
        #expect(throws: EmailMessage.Invalid.lineBreakInHeader(field: "Subject")) {
            try message(subject: "Hi\r\nBcc: victim@example.com")
        }
        #expect(throws: EmailMessage.Invalid.lineBreakInHeader(field: "From display name")) {
            try message(from: .init("a@b.example", name: "Eve\nBcc: victim@example.com"))
        }
        #expect(throws: EmailMessage.Invalid.lineBreakInHeader(field: "To")) {
            try message(to: [.init("a@b.example\r\nBcc: victim@example.com")])
        }
        #expect(throws: EmailMessage.Invalid.lineBreakInHeader(field: "X-Onramp-Kind")) {
            try message(headers: [.init("X-Onramp-Kind", "reset\rBcc: victim@example.com")])
        }
        #expect(throws: EmailMessage.Invalid.lineBreakInHeader(field: "Subject")) {
            try message(subject: "unicode line\u{2028}separator")
        }
        #expect(throws: EmailMessage.Invalid.controlCharacterInHeader(field: "Subject")) {
            try message(subject: "nul\u{0}byte")
        }
        #expect(throws: EmailMessage.Invalid.invalidHeaderName("X-Bad: y")) {
            try message(headers: [.init("X-Bad: y", "v")])
        }
        #expect(throws: EmailMessage.Invalid.reservedHeader("BCC")) {
            try message(headers: [.init("BCC", "victim@example.com")])
        }
        #expect(throws: EmailMessage.Invalid.invalidAddress(field: "To", address: "a@b>x")) {
            try message(to: [.init("a@b>x")])
        }
        #expect(throws: EmailMessage.Invalid.noRecipients) { try message(to: []) }
        #expect(throws: EmailMessage.Invalid.invalidMessageID("<x@y>")) {
            try EmailMessage(from: .init("a@b.example"), to: [.init("c@d.example")], subject: "", textBody: "", messageID: "<x@y>")
        }
    }

    @Test func invalidDescriptionsReadLikeSentences() {
        #expect(EmailMessage.Invalid.lineBreakInHeader(field: "Subject").description
            == "The Subject header contains a line break, which could inject headers, so the message was refused.")
        #expect(EmailMessage.Invalid.invalidAddress(field: "To", address: "nope").description
            == "The To address \"nope\" is not a valid email address.")
    }
}
