import Foundation
import NIOCore
import NIOEmbedded
import Testing
@testable import OnrampIntegrations
import OnrampTestSupport
import OnrampDomain

@Suite struct ReplyParsingTests {
    @Test func singleAndMultiLineReplies() throws {
        var parser = SMTPReplyParser()
        #expect(try parser.feed("220 sink.test ESMTP ready") == SMTPReply(code: 220, lines: ["sink.test ESMTP ready"]))
        #expect(parser.isIdle)
        #expect(try parser.feed("250-sink.test") == nil)
        #expect(!parser.isIdle)
        #expect(try parser.feed("250-SIZE 33554432") == nil)
        #expect(try parser.feed("250-8BITMIME") == nil)
        #expect(try parser.feed("250-STARTTLS") == nil)
        #expect(try parser.feed("250-AUTH LOGIN plain") == nil)
        let reply = try #require(try parser.feed("250 HELP"))
        #expect(reply.code == 250)
        #expect(reply.lines == ["sink.test", "SIZE 33554432", "8BITMIME", "STARTTLS", "AUTH LOGIN plain", "HELP"])
        #expect(parser.isIdle)
        #expect(try parser.feed("354") == SMTPReply(code: 354, lines: [""]))
        #expect(try parser.feed("235 ") == SMTPReply(code: 235, lines: [""]))

        let capabilities = SMTPCapabilities(ehloReply: reply)
        #expect(capabilities.startTLS)
        #expect(capabilities.authMechanisms == ["LOGIN", "PLAIN"])
        #expect(capabilities.maxSize == 33_554_432)
        #expect(capabilities.eightBitMIME)
        #expect(!capabilities.pipelining)
    }

    @Test func legacyAuthSyntaxAndUnlimitedSize() {
        let reply = SMTPReply(code: 250, lines: ["mx.example", "AUTH=LOGIN PLAIN", "SIZE 0", "PIPELINING", "starttls"])
        let capabilities = SMTPCapabilities(ehloReply: reply)
        #expect(capabilities.authMechanisms == ["LOGIN", "PLAIN"])
        #expect(capabilities.maxSize == nil)
        #expect(capabilities.pipelining)
        #expect(capabilities.startTLS)
        // The greeting line is never read as a capability.
        #expect(!SMTPCapabilities(ehloReply: SMTPReply(code: 250, lines: ["STARTTLS"])).startTLS)
    }

    @Test func malformedRepliesAreErrors() throws {
        var parser = SMTPReplyParser()
        #expect(throws: SMTPReplyParser.Failure.malformedLine("hello")) { try parser.feed("hello") }
        #expect(throws: SMTPReplyParser.Failure.malformedLine("25")) { try parser.feed("25") }
        #expect(throws: SMTPReplyParser.Failure.malformedLine("250_x")) { try parser.feed("250_x") }
        #expect(throws: SMTPReplyParser.Failure.malformedLine("650 six")) { try parser.feed("650 six") }
        _ = try parser.feed("250-first")
        #expect(throws: SMTPReplyParser.Failure.codeChanged(expected: 250, got: 550)) { try parser.feed("550 last") }

        var flood = SMTPReplyParser()
        for _ in 0..<SMTPReplyParser.maxLines { _ = try flood.feed("250-more") }
        #expect(throws: SMTPReplyParser.Failure.tooManyLines) { try flood.feed("250-more") }
    }
}

@Suite struct WireFormatTests {
    @Test func dotStuffing() {
        #expect(DotStuffing.stuff("a\n.\n..b\n.c\nd.") == "a\r\n..\r\n...b\r\n..c\r\nd.")
        #expect(DotStuffing.stuff(".first\r\nsecond\r\n") == "..first\r\nsecond\r\n")
        #expect(DotStuffing.dataPayload("line") == "line\r\n.\r\n")
        #expect(DotStuffing.dataPayload("line\r\n") == "line\r\n.\r\n")
        #expect(DotStuffing.dataPayload("x\r\n.\r\n") == "x\r\n..\r\n.\r\n")
        // The terminator occurs only at the very end, however hostile the body.
        let payload = DotStuffing.dataPayload("a\r\n.\r\nb\n.\nc\r.\r")
        #expect(payload.hasSuffix("\r\n.\r\n"))
        #expect(!payload.dropLast(3).contains("\r\n.\r\n"))
    }

    @Test func authEncodings() throws {
        #expect(SMTPAuth.plain(username: "user", password: "pass") == "AHVzZXIAcGFzcw==")
        #expect(SMTPAuth.login("user") == "dXNlcg==")
        let decoded = try #require(Data(base64Encoded: SMTPAuth.plain(username: "zoë", password: "p@ss word")))
        #expect(decoded == Data("\u{0}zoë\u{0}p@ss word".utf8))
    }

    @Test func commandsOnTheWireAndInErrors() {
        #expect(SMTPCommand.ehlo("localhost").wire == "EHLO localhost\r\n")
        #expect(SMTPCommand.mailFrom("a@b.example").wire == "MAIL FROM:<a@b.example>\r\n")
        #expect(SMTPCommand.rcptTo("c@d.example").description == "RCPT TO:<c@d.example>")
        let auth = SMTPCommand.authPlain(username: "ada", password: "s3cret")
        #expect(auth.wire == "AUTH PLAIN \(SMTPAuth.plain(username: "ada", password: "s3cret"))\r\n")
        #expect(auth.description == "AUTH PLAIN")
        let login = SMTPCommand.authResponse(SMTPAuth.login("s3cret"), what: "password")
        #expect(login.description == "AUTH LOGIN (password)")
        #expect(!login.description.contains(SMTPAuth.login("s3cret")))
    }

    @Test func smtpErrorDescriptions() {
        let error = SMTPError.rejected(command: "RCPT TO:<x@y.example>", code: 550, message: "No such user")
        #expect(error.description == "The mail server refused RCPT TO:<x@y.example>: 550 No such user")
        #expect(error.code == 550)
        #expect(SMTPError.timedOut(step: "DATA", after: .seconds(30)).code == nil)
        #expect(SMTPError.timedOut(step: "DATA", after: .seconds(30)).description == "The mail server did not answer DATA within 30 seconds.")
        #expect(SMTPError.timedOut(step: "DATA", after: .milliseconds(1500)).description == "The mail server did not answer DATA within 1.5 seconds.")
    }
}

@Suite struct LineDecoderTests {
    func channel() throws -> EmbeddedChannel {
        let channel = EmbeddedChannel()
        try channel.pipeline.syncOperations.addHandler(ByteToMessageHandler(SMTPLineDecoder()))
        return channel
    }

    @Test func splitsOnCRLFAndBareLFAndWaitsForPartialLines() throws {
        let channel = try channel()
        try channel.writeInbound(ByteBuffer(string: "220 hi\r\n250-a\n250 b"))
        #expect(try channel.readInbound(as: String.self) == "220 hi")
        #expect(try channel.readInbound(as: String.self) == "250-a")
        #expect(try channel.readInbound(as: String.self) == nil)
        try channel.writeInbound(ByteBuffer(string: "cd\r\n"))
        #expect(try channel.readInbound(as: String.self) == "250 bcd")
        _ = try channel.finish()
    }

    @Test func refusesOverlongLinesWithoutBufferingThem() throws {
        let channel = try channel()
        let chunk = ByteBuffer(string: String(repeating: "a", count: 1000))
        var caught: (any Error)?
        for _ in 0..<10 where caught == nil {
            do { try channel.writeInbound(chunk) } catch { caught = error }
        }
        let error = try #require(caught as? SMTPError)
        #expect(error.description == "The mail server broke the SMTP protocol: it sent a line longer than 4096 bytes.")
        _ = try? channel.finish()
    }

    @Test func acceptsALineOfExactlyTheLimit() throws {
        let channel = try channel()
        try channel.writeInbound(ByteBuffer(string: "250 " + String(repeating: "x", count: 4092) + "\r\n"))
        #expect(try channel.readInbound(as: String.self)?.utf8.count == 4096)
        _ = try channel.finish()
    }
}
