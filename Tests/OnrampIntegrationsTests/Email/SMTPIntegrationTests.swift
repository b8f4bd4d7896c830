import Foundation
import Logging
@testable import OnrampIntegrations
import OnrampTestSupport
import OnrampDomain
import NIOCore
import NIOPosix
import Testing

/// Sends through `SMTPEmailSender` to a real aiosmtpd server and reads back what it received.
@Suite(.enabled(if: SMTPSink.isAvailable, "python3 with aiosmtpd is needed for these tests: pip install aiosmtpd"))
struct SMTPIntegrationTests {
    static let subject = "Grüße — your Onramp ticket #4711 “Zugang” 🎉 is waiting for a reply from our team"
    static let body = """
        Hello Zoë,

        A line with = signs, ümlauts and a trailing space 
        .this line starts with a dot
        .
        The line above is a lone dot, which must not end the DATA section.
        \(String(repeating: "long-line-", count: 20))
        """

    func sender(_ url: String, timeout: TimeAmount = .seconds(10)) throws -> SMTPEmailSender {
        SMTPEmailSender(configuration: try SMTPConfiguration.parse(url), eventLoopGroup: MultiThreadedEventLoopGroup.singleton,
                        logger: Logger(label: "smtp-test"), timeout: timeout)
    }

    func message(to: [String] = ["ada@example.test", "bob@example.test"], html: String? = nil) throws -> EmailMessage {
        try EmailMessage(
            from: .init("noreply@onramp.test", name: "Onramp Süpport"),
            to: to.map { .init($0) },
            subject: Self.subject,
            textBody: Self.body,
            htmlBody: html,
            headers: [.init("X-Onramp-Kind", "ticket-reply")]
        )
    }

    /// Python's email parser keeps CRLF line ends in decoded bodies.
    func lf(_ text: String?) -> String? { text?.replacingOccurrences(of: "\r\n", with: "\n") }

    /// A single-part body arrives with one line break added: SMTP data ends with CRLF, and in a
    /// non-multipart message that CRLF belongs to the body.
    var singlePartBody: String { Self.body + "\n" }

    @Test func plainDeliveryArrivesIntact() async throws {
        let sink = try await SMTPSink()
        let message = try message()
        try await sender("smtp://127.0.0.1:\(sink.port)").send(message)

        let received = try sink.received()
        try #require(received.count == 1)
        let mail = received[0]
        #expect(mail.mail_from == "noreply@onramp.test")
        #expect(mail.rcpt_tos == ["ada@example.test", "bob@example.test"])
        #expect(mail.subject == Self.subject)
        #expect(mail.from == "Onramp Süpport <noreply@onramp.test>")
        #expect(mail.to == "ada@example.test, bob@example.test")
        #expect(mail.message_id == "<\(message.messageID)>")
        #expect(mail.headers["X-Onramp-Kind"] == "ticket-reply")
        #expect(mail.content_type == "text/plain")
        #expect(mail.defects.isEmpty)
        #expect(lf(mail.text) == singlePartBody)
        #expect(!mail.tls)
        #expect(mail.esmtp)
        #expect(mail.auth_user == nil)
    }

    @Test func fallsBackToHELOWhenEHLOIsRefused() async throws {
        let sink = try await SMTPSink(["--no-ehlo"])
        try await sender("smtp://127.0.0.1:\(sink.port)").send(try message())
        let mail = try #require(try sink.received().first)
        #expect(!mail.esmtp)
        #expect(mail.subject == Self.subject)
    }

    @Test func multipartDeliveryCarriesBothBodies() async throws {
        let sink = try await SMTPSink()
        let html = "<p>Hello <b>Zoë</b></p>\n<p>.dot</p>"
        try await sender("smtp://127.0.0.1:\(sink.port)").send(try message(html: html))
        let mail = try #require(try sink.received().first)
        #expect(mail.content_type == "multipart/alternative")
        #expect(lf(mail.text) == Self.body)
        #expect(lf(mail.html) == html)
        #expect(mail.defects.isEmpty)
    }

    @Test(arguments: ["PLAIN", "LOGIN"])
    func authenticatesWithTheOfferedMechanism(mechanism: String) async throws {
        let password = "p@ss:wörd/1"
        let sink = try await SMTPSink(["--user", "ada", "--password", password, "--mechanisms", mechanism])
        let encoded = try #require(password.addingPercentEncoding(withAllowedCharacters: .alphanumerics))
        try await sender("smtp://ada:\(encoded)@127.0.0.1:\(sink.port)").send(try message())
        let mail = try #require(try sink.received().first)
        #expect(mail.auth_user == "ada")
        #expect(mail.subject == Self.subject)
    }

    @Test func serverRequiresAuthWhenNoCredentialsAreGiven() async throws {
        // Proves the sink really enforces AUTH, so the tests above are meaningful.
        let sink = try await SMTPSink(["--user", "ada", "--password", "pw"])
        let error = await #expect(throws: SMTPError.self) {
            try await sender("smtp://127.0.0.1:\(sink.port)").send(try message())
        }
        #expect(error?.code == 530)
        #expect(error?.description.hasPrefix("The mail server refused MAIL FROM:<noreply@onramp.test>: 530") == true)
    }

    @Test func wrongPasswordIs535() async throws {
        let sink = try await SMTPSink(["--user", "ada", "--password", "right"])
        let error = await #expect(throws: SMTPError.self) {
            try await sender("smtp://ada:wrong@127.0.0.1:\(sink.port)").send(try message())
        }
        #expect(error?.code == 535)
        #expect(error?.description == "The mail server refused AUTH PLAIN: 535 5.7.8 Authentication credentials invalid")
        #expect(try sink.received().isEmpty)
    }

    @Test func startTLSThenAuth() async throws {
        // The sink offers AUTH only after STARTTLS, so delivery proves the upgrade happened first.
        let sink = try await SMTPSink(["--tls", "--auth-require-tls", "--user", "ada", "--password", "pw"])
        try await sender("smtp://ada:pw@127.0.0.1:\(sink.port)?starttls=required&tls_verify=none").send(try message())
        let mail = try #require(try sink.received().first)
        #expect(mail.tls)
        #expect(mail.auth_user == "ada")
        #expect(lf(mail.text) == singlePartBody)
    }

    @Test func startTLSIsUsedWhenOfferedEvenIfNotRequired() async throws {
        let sink = try await SMTPSink(["--tls"])
        try await sender("smtp://127.0.0.1:\(sink.port)?tls_verify=none").send(try message())
        #expect(try sink.received().first?.tls == true)
    }

    @Test func implicitTLS() async throws {
        let sink = try await SMTPSink(["--implicit-tls", "--user", "ada", "--password", "pw"])
        try await sender("smtps://ada:pw@127.0.0.1:\(sink.port)?tls_verify=none").send(try message())
        let mail = try #require(try sink.received().first)
        #expect(mail.tls)
        #expect(mail.auth_user == "ada")
        #expect(mail.subject == Self.subject)
    }

    @Test func startTLSNeverStaysPlain() async throws {
        let sink = try await SMTPSink(["--tls"])
        try await sender("smtp://127.0.0.1:\(sink.port)?starttls=never").send(try message())
        #expect(try sink.received().first?.tls == false)
    }

    @Test func selfSignedCertificateIsRejectedWhenVerifying() async throws {
        let sink = try await SMTPSink(["--tls"])
        let error = await #expect(throws: SMTPError.self) {
            try await sender("smtp://localhost:\(sink.port)?starttls=required").send(try message())
        }
        guard case .tlsFailed = error else {
            Issue.record("expected a TLS failure, got \(String(describing: error))")
            return
        }
        #expect(error?.description.contains("the server's certificate could not be verified") == true)
        #expect(try sink.received().isEmpty)
    }

    @Test func requiredStartTLSThatIsNotOfferedFails() async throws {
        let sink = try await SMTPSink()
        let error = await #expect(throws: SMTPError.self) {
            try await sender("smtp://127.0.0.1:\(sink.port)?starttls=required").send(try message())
        }
        #expect(error?.description == "The mail server at 127.0.0.1 does not offer STARTTLS, which the configuration requires (starttls=required).")
        #expect(try sink.received().isEmpty)
    }

    @Test func credentialsWithoutAnyUsableMechanismFail() async throws {
        let sink = try await SMTPSink(["--user", "ada", "--password", "pw", "--mechanisms", ""])
        let error = await #expect(throws: SMTPError.self) {
            try await sender("smtp://ada:pw@127.0.0.1:\(sink.port)").send(try message())
        }
        guard case .authenticationUnavailable = error else {
            Issue.record("expected authenticationUnavailable, got \(String(describing: error))")
            return
        }
    }

    @Test func refusedRecipientIsAClearError() async throws {
        let sink = try await SMTPSink(["--reject", "nobody@example.test"])
        let error = await #expect(throws: SMTPError.self) {
            try await sender("smtp://127.0.0.1:\(sink.port)").send(try message(to: ["ada@example.test", "nobody@example.test"]))
        }
        #expect(error?.description == "The mail server refused RCPT TO:<nobody@example.test>: 550 5.1.1 No such user here")
        #expect(error?.code == 550)
        #expect(try sink.received().isEmpty)
    }
}

/// Failures that need no SMTP server at all, or a TCP peer that misbehaves.
@Suite struct SMTPConnectionFailureTests {
    func sender(port: Int, timeout: TimeAmount = .seconds(5)) throws -> SMTPEmailSender {
        SMTPEmailSender(configuration: try SMTPConfiguration.parse("smtp://127.0.0.1:\(port)"),
                        eventLoopGroup: MultiThreadedEventLoopGroup.singleton, logger: Logger(label: "smtp-test"), timeout: timeout)
    }

    func message() throws -> EmailMessage {
        try EmailMessage(from: .init("a@onramp.test"), to: [.init("b@example.test")], subject: "s", textBody: "t")
    }

    /// A loopback TCP server whose every connection is handled by `onConnect` (write some bytes, or nothing).
    func server(onConnect: @escaping @Sendable (any Channel) -> Void) async throws -> any Channel {
        try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                onConnect(channel)
                return channel.eventLoop.makeSucceededVoidFuture()
            }
            .bind(host: "127.0.0.1", port: 0).get()
    }

    @Test func serverNotListening() async throws {
        // Bind then close, so the port is free and nothing listens on it.
        let probe = try await server { _ in }
        let port = try #require(probe.localAddress?.port)
        try await probe.close()

        let error = await #expect(throws: SMTPError.self) { try await sender(port: port).send(try message()) }
        #expect(error?.description == "Could not connect to the mail server at 127.0.0.1:\(port): connection refused (is the server running and listening on that port?).")
    }

    @Test func silentServerTimesOut() async throws {
        let silent = try await server { _ in }
        defer { silent.close(promise: nil) }
        let port = try #require(silent.localAddress?.port)
        // (No wall-clock bound is asserted: the error names the step and the timeout that ran out.)
        let error = await #expect(throws: SMTPError.self) {
            try await sender(port: port, timeout: .seconds(1)).send(try message())
        }
        #expect(error?.description == "The mail server did not answer the greeting within 1 second.")
    }

    @Test func endlessLineIsRefused() async throws {
        let flood = try await server { channel in
            channel.writeAndFlush(ByteBuffer(string: "220 " + String(repeating: "x", count: 10_000)), promise: nil)
        }
        defer { flood.close(promise: nil) }
        let port = try #require(flood.localAddress?.port)
        let error = await #expect(throws: SMTPError.self) { try await sender(port: port).send(try message()) }
        #expect(error?.description == "The mail server broke the SMTP protocol: it sent a line longer than 4096 bytes.")
    }

    @Test func serverHangingUpIsReported() async throws {
        let rude = try await server { channel in
            channel.writeAndFlush(ByteBuffer(string: "220 hi\r\n")).whenComplete { _ in channel.close(promise: nil) }
        }
        defer { rude.close(promise: nil) }
        let port = try #require(rude.localAddress?.port)
        let error = await #expect(throws: SMTPError.self) { try await sender(port: port).send(try message()) }
        #expect(error?.description == "The mail server closed the connection while we waited for its answer to EHLO localhost.")
    }

    /// A loopback server that sends `greeting`, then answers each line it receives with the
    /// response of the first script entry whose prefix matches.
    func scriptedServer(greeting: String, script: [(prefix: String, response: String)]) async throws -> any Channel {
        try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(ScriptedPeer(greeting: greeting, script: script))
                }
            }
            .bind(host: "127.0.0.1", port: 0).get()
    }

    final class ScriptedPeer: ChannelInboundHandler {
        typealias InboundIn = ByteBuffer
        typealias OutboundOut = ByteBuffer
        let greeting: String
        let script: [(prefix: String, response: String)]
        var received = ""

        init(greeting: String, script: [(prefix: String, response: String)]) {
            self.greeting = greeting
            self.script = script
        }

        func channelActive(context: ChannelHandlerContext) {
            context.writeAndFlush(wrapOutboundOut(ByteBuffer(string: greeting)), promise: nil)
        }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            received += String(buffer: unwrapInboundIn(data))
            while let end = received.range(of: "\r\n") {
                let line = received[..<end.lowerBound]
                received = String(received[end.upperBound...])
                if let response = script.first(where: { line.hasPrefix($0.prefix) })?.response {
                    context.writeAndFlush(wrapOutboundOut(ByteBuffer(string: response)), promise: nil)
                }
            }
        }
    }

    @Test func startTLSResponseInjectionIsRefused() async throws {
        // A man in the middle answers STARTTLS and appends a forged EHLO reply in plain text.
        let peer = try await scriptedServer(greeting: "220 hi\r\n", script: [
            ("EHLO", "250-peer\r\n250 STARTTLS\r\n"),
            ("STARTTLS", "220 go ahead\r\n250-forged\r\n250 AUTH PLAIN\r\n"),
        ])
        defer { peer.close(promise: nil) }
        let port = try #require(peer.localAddress?.port)
        let error = await #expect(throws: SMTPError.self) { try await sender(port: port).send(try message()) }
        #expect(error?.description == "The mail server broke the SMTP protocol: it sent a reply nobody asked for (250 forged AUTH PLAIN).")
    }

    @Test func startTLSPartialLineInjectionIsRefused() async throws {
        let peer = try await scriptedServer(greeting: "220 hi\r\n", script: [
            ("EHLO", "250-peer\r\n250 STARTTLS\r\n"),
            ("STARTTLS", "220 go ahead\r\n250 AUTH"),
        ])
        defer { peer.close(promise: nil) }
        let port = try #require(peer.localAddress?.port)
        let error = await #expect(throws: SMTPError.self) { try await sender(port: port).send(try message()) }
        #expect(error?.description == "The mail server broke the SMTP protocol: it sent data after agreeing to STARTTLS, before TLS began.")
    }

    @Test func repliesBetweenCommandsAreRefused() async throws {
        // An extra reply after EHLO's would otherwise be taken as the answer to MAIL FROM.
        let peer = try await scriptedServer(greeting: "220 hi\r\n", script: [("EHLO", "250 peer\r\n250 2.1.0 sure\r\n")])
        defer { peer.close(promise: nil) }
        let port = try #require(peer.localAddress?.port)
        let error = await #expect(throws: SMTPError.self) { try await sender(port: port).send(try message()) }
        #expect(error?.description == "The mail server broke the SMTP protocol: it sent a reply nobody asked for (250 2.1.0 sure).")
    }

    @Test func unsolicitedRepliesBreakTheConnection() async throws {
        let chatty = try await server { channel in
            channel.writeAndFlush(ByteBuffer(string: "220 hi\r\n250 extra\r\n250 more\r\n"), promise: nil)
        }
        defer { chatty.close(promise: nil) }
        let port = try #require(chatty.localAddress?.port)
        let error = await #expect(throws: SMTPError.self) { try await sender(port: port).send(try message()) }
        #expect(error?.description.hasPrefix("The mail server broke the SMTP protocol: it sent a reply nobody asked for") == true)
    }
}

@Suite struct FileEmailSenderTests {
    @Test func writesOneEmlFilePerMessage() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("eml-\(UUID().uuidString)/nested")
        defer { try? FileManager.default.removeItem(at: directory.deletingLastPathComponent()) }
        let message = try EmailMessage(from: .init("a@onramp.test"), to: [.init("b@example.test")], subject: "Grüße",
                                       textBody: "Hi", messageID: "id/1@onramp.test", date: Date(timeIntervalSince1970: 0))
        let sender = FileEmailSender(directory: directory)
        try await sender.send(message)
        try await sender.send(message)

        let files = try FileManager.default.contentsOfDirectory(atPath: directory.path).sorted()
        #expect(files.count == 2)
        let name = try #require(files.first)
        #expect(name.hasSuffix("-id_1@onramp.test.eml"))
        #expect(name.range(of: #"^\d{8}T\d{6}\.\d{3}Z-"#, options: .regularExpression) != nil)
        let contents = try String(contentsOf: directory.appendingPathComponent(name), encoding: .utf8)
        #expect(contents == message.rendered())
    }
}
