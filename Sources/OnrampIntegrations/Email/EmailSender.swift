import Foundation
import Logging
import OnrampDomain
import NIOCore
import NIOPosix
import NIOSSL

/// Delivers email messages somewhere: an SMTP server, a directory, …
public protocol EmailSender: Sendable {
    func send(_ message: EmailMessage) async throws
}

/// Sends each message over its own SMTP connection: greeting, EHLO (HELO when EHLO is refused),
/// STARTTLS as configured, AUTH PLAIN or LOGIN when credentials are set, MAIL FROM, one RCPT TO
/// per recipient, DATA, QUIT. Every wait is bounded by `timeout`; every failure is an `SMTPError`.
public struct SMTPEmailSender: EmailSender {
    public let configuration: SMTPConfiguration
    private let eventLoopGroup: any EventLoopGroup
    private let logger: Logger
    private let timeout: TimeAmount
    private let tlsContext: Result<NIOSSLContext, SMTPError>

    public init(configuration: SMTPConfiguration, eventLoopGroup: any EventLoopGroup, logger: Logger, timeout: TimeAmount = .seconds(30)) {
        self.configuration = configuration
        self.eventLoopGroup = eventLoopGroup
        self.timeout = timeout
        var logger = logger
        logger[metadataKey: "smtp.server"] = "\(configuration.host):\(configuration.port)"
        self.logger = logger
        var tls = TLSConfiguration.makeClientConfiguration()
        if !configuration.verifyCertificates { tls.certificateVerification = .none }
        tlsContext = Result { try NIOSSLContext(configuration: tls) }
            .mapError { SMTPError.tlsFailed(reason: "could not set up TLS: \($0)") }
    }

    public func send(_ message: EmailMessage) async throws {
        let config = configuration
        // SNI and certificate names are host names; an IP literal is verified without SNI.
        let serverHostname = (try? SocketAddress(ipAddress: config.host, port: 0)) == nil ? config.host : nil
        do {
            let connection = try await SMTPConnection.connect(
                host: config.host, port: config.port,
                tls: config.security == .implicitTLS ? (try tlsContext.get(), serverHostname) : nil,
                group: eventLoopGroup, timeout: timeout, logger: logger
            )
            do {
                try await converse(over: connection, message: message, serverHostname: serverHostname)
                await connection.close()
            } catch {
                await connection.close()
                throw error
            }
        } catch {
            logger.warning("Email not sent", metadata: ["message-id": "\(message.messageID)", "error": "\(error)"])
            throw error
        }
        logger.info("Email sent", metadata: ["message-id": "\(message.messageID)", "recipients": "\(message.to.count)"])
    }

    private func converse(over connection: SMTPConnection, message: EmailMessage, serverHostname: String?) async throws {
        let config = configuration
        let greeting = try await connection.readReply(step: "the greeting")
        guard greeting.code == 220 else {
            throw SMTPError.rejected(command: "the connection", code: greeting.code, message: greeting.text)
        }
        var capabilities = try await hello(connection)
        var encrypted = config.security == .implicitTLS

        if config.security == .startTLSIfAvailable || config.security == .startTLSRequired {
            if capabilities.startTLS {
                try await connection.expect(.startTLS, 220)
                try await connection.startTLS(context: tlsContext.get(), serverHostname: serverHostname)
                encrypted = true
                capabilities = try await hello(connection)
            } else if config.security == .startTLSRequired {
                throw SMTPError.startTLSUnavailable(host: config.host)
            }
        }

        if let username = config.username {
            guard encrypted || connection.isLoopback else { throw SMTPError.insecureAuthentication(host: config.host) }
            let password = config.password ?? ""
            if capabilities.authMechanisms.contains("PLAIN") {
                try await connection.expect(.authPlain(username: username, password: password), 235)
            } else if capabilities.authMechanisms.contains("LOGIN") {
                try await connection.expect(.authLogin, 334)
                try await connection.expect(.authResponse(SMTPAuth.login(username), what: "user name"), 334)
                try await connection.expect(.authResponse(SMTPAuth.login(password), what: "password"), 235)
            } else {
                throw SMTPError.authenticationUnavailable(offered: capabilities.authMechanisms.sorted())
            }
        }

        let body = SMTPCommand.messageBody(message.rendered())
        if let limit = capabilities.maxSize, body.wire.utf8.count > limit {
            throw SMTPError.messageTooLarge(size: body.wire.utf8.count, limit: limit)
        }
        try await connection.expect(.mailFrom(message.from.address), 250)
        for recipient in message.to {
            try await connection.expect(.rcptTo(recipient.address), 250, 251)
        }
        try await connection.expect(.data, 354)
        try await connection.expect(body, 250)
        // The message is accepted; a failing or slow QUIT changes nothing.
        _ = try? await connection.send(.quit, timeout: min(timeout, .seconds(2)))
    }

    /// EHLO, or HELO (no extensions) when the server refuses EHLO with a 5xx.
    private func hello(_ connection: SMTPConnection) async throws -> SMTPCapabilities {
        let name = configuration.heloName
        let reply = try await connection.send(.ehlo(name))
        if reply.isPositiveCompletion { return SMTPCapabilities(ehloReply: reply) }
        guard (500..<600).contains(reply.code) else {
            throw SMTPError.rejected(command: SMTPCommand.ehlo(name).description, code: reply.code, message: reply.text)
        }
        try await connection.expect(.helo(name), 250)
        return SMTPCapabilities()
    }
}

/// Writes each message to `<directory>/<timestamp>-<message-id>.eml` instead of sending it,
/// for development: open the files with any mail client. Creates the directory when needed.
public struct FileEmailSender: EmailSender {
    public let directory: URL

    public init(directory: URL) {
        self.directory = directory
    }

    public func send(_ message: EmailMessage) async throws {
        let now = Date()
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let safeID = String(message.messageID.map { $0.isASCII && ($0.isLetter || $0.isNumber || "._@-".contains($0)) ? $0 : "_" })
        let file = directory.appendingPathComponent("\(Self.timestamp(now))-\(safeID).eml")
        try Data(message.rendered(now: now).utf8).write(to: file, options: .atomic)
    }

    /// `20250603T140509.123Z`: sorts by time and is safe in file names.
    static func timestamp(_ date: Date) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC") ?? calendar.timeZone
        let c = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second, .nanosecond], from: date)
        func pad(_ n: Int?, _ width: Int) -> String {
            let s = String(n ?? 0)
            return String(repeating: "0", count: max(0, width - s.count)) + s
        }
        return pad(c.year, 4) + pad(c.month, 2) + pad(c.day, 2) + "T" + pad(c.hour, 2) + pad(c.minute, 2) + pad(c.second, 2)
            + "." + pad((c.nanosecond ?? 0) / 1_000_000, 3) + "Z"
    }
}
