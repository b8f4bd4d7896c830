import Foundation
import Logging
import OnrampDomain
import NIOCore
import NIOPosix
import NIOSSL

/// Why an SMTP delivery failed; `description` is a sentence fit for logs and operators.
public enum SMTPError: Error, Sendable, CustomStringConvertible {
    /// The server answered `command` with a reply other than the expected one.
    case rejected(command: String, code: Int, message: String)
    case connectionFailed(host: String, port: Int, reason: String)
    case timedOut(step: String, after: TimeAmount)
    case connectionClosed(step: String)
    case tlsFailed(reason: String)
    /// `starttls=required` but the server does not offer STARTTLS.
    case startTLSUnavailable(host: String)
    /// Credentials are configured but the server offers neither PLAIN nor LOGIN.
    case authenticationUnavailable(offered: [String])
    /// Credentials would cross an unencrypted connection to a host that is not loopback.
    case insecureAuthentication(host: String)
    case messageTooLarge(size: Int, limit: Int)
    case protocolViolation(String)

    /// The server's reply code, for `.rejected`.
    public var code: Int? {
        if case let .rejected(_, code, _) = self { return code }
        return nil
    }

    public var description: String {
        switch self {
        case let .rejected(command, code, message):
            "The mail server refused \(command): \(code)\(message.isEmpty ? "" : " " + message)"
        case let .connectionFailed(host, port, reason):
            "Could not connect to the mail server at \(host):\(port): \(reason)."
        case let .timedOut(step, after):
            "The mail server did not answer \(step) within \(Self.describe(after))."
        case let .connectionClosed(step):
            "The mail server closed the connection while we waited for its answer to \(step)."
        case let .tlsFailed(reason):
            "The TLS connection to the mail server failed: \(reason)."
        case let .startTLSUnavailable(host):
            "The mail server at \(host) does not offer STARTTLS, which the configuration requires (starttls=required)."
        case let .authenticationUnavailable(offered):
            "Credentials are configured but the mail server offers neither AUTH PLAIN nor AUTH LOGIN (it offers: \(offered.isEmpty ? "none" : offered.joined(separator: ", ")))."
        case let .insecureAuthentication(host):
            "Refusing to send the SMTP password to \(host) over an unencrypted connection; use smtps:// or a server that offers STARTTLS."
        case let .messageTooLarge(size, limit):
            "The message is \(size) bytes but the mail server accepts at most \(limit)."
        case let .protocolViolation(detail):
            "The mail server broke the SMTP protocol: \(detail)"
        }
    }

    /// `30 seconds`, `1 second`, `0.5 seconds`.
    static func describe(_ time: TimeAmount) -> String {
        let milliseconds = time.nanoseconds / 1_000_000
        if milliseconds % 1000 != 0 { return "\(Double(milliseconds) / 1000) seconds" }
        return milliseconds == 1000 ? "1 second" : "\(milliseconds / 1000) seconds"
    }
}

/// How many received bytes the line decoder holds that do not form a line yet; read at STARTTLS
/// time, when there must be none. Touched only on the channel's event loop.
final class PendingInput {
    var byteCount = 0
}

/// Splits the byte stream into lines on LF (a preceding CR is dropped); a line longer than
/// `maxLineLength` is an error, so a hostile server cannot grow the buffer without bound.
struct SMTPLineDecoder: ByteToMessageDecoder {
    typealias InboundOut = String
    static let maxLineLength = 4096
    var pending = PendingInput()

    mutating func decode(context: ChannelHandlerContext, buffer: inout ByteBuffer) throws -> DecodingState {
        defer { pending.byteCount = buffer.readableBytes }
        let view = buffer.readableBytesView
        guard let newline = view.firstIndex(of: UInt8(ascii: "\n")) else {
            guard view.count <= Self.maxLineLength else { throw Self.tooLong }
            return .needMoreData
        }
        var end = newline
        if end > view.startIndex, view[end - 1] == UInt8(ascii: "\r") { end -= 1 }
        guard end - view.startIndex <= Self.maxLineLength else { throw Self.tooLong }
        let line = String(decoding: view[view.startIndex..<end], as: UTF8.self)
        buffer.moveReaderIndex(forwardBy: newline - view.startIndex + 1)
        context.fireChannelRead(Self.wrapInboundOut(line))
        return .continue
    }

    mutating func decodeLast(context: ChannelHandlerContext, buffer: inout ByteBuffer, seenEOF: Bool) throws -> DecodingState {
        while try decode(context: context, buffer: &buffer) == .continue {}
        return .needMoreData  // a partial last line is dropped
    }

    private static var tooLong: SMTPError {
        .protocolViolation("it sent a line longer than \(maxLineLength) bytes.")
    }
}

/// Turns lines into replies and hands each to whoever waits for it. One command is in flight at a
/// time (no pipelining); a reply that nobody asked for, beyond the greeting, breaks the connection.
final class SMTPReplyHandler: ChannelInboundHandler {
    typealias InboundIn = String

    private let pendingInput: PendingInput
    private var parser = SMTPReplyParser()
    private var waiter: (promise: EventLoopPromise<SMTPReply>, timeout: Scheduled<Void>, step: String)?
    /// The greeting, when it arrives before we ask for it.
    private var unclaimed: SMTPReply?
    private var asked = false
    private var failure: SMTPError?
    private var context: ChannelHandlerContext?

    init(pendingInput: PendingInput) {
        self.pendingInput = pendingInput
    }

    func handlerAdded(context: ChannelHandlerContext) { self.context = context }
    func handlerRemoved(context: ChannelHandlerContext) { self.context = nil }

    /// The next reply, failing after `timeout`. Call on the event loop, before writing the command.
    func nextReply(step: String, timeout: TimeAmount, eventLoop: any EventLoop) -> EventLoopFuture<SMTPReply> {
        asked = true
        if let reply = unclaimed {
            unclaimed = nil
            return eventLoop.makeSucceededFuture(reply)
        }
        if let failure {
            if case .connectionClosed = failure { return eventLoop.makeFailedFuture(SMTPError.connectionClosed(step: step)) }
            return eventLoop.makeFailedFuture(failure)
        }
        guard waiter == nil else {
            return eventLoop.makeFailedFuture(SMTPError.protocolViolation("internal error: two commands in flight."))
        }
        let promise = eventLoop.makePromise(of: SMTPReply.self)
        let timer = eventLoop.assumeIsolated().scheduleTask(in: timeout) { [self] in
            fail(.timedOut(step: step, after: timeout))
            context?.close(promise: nil)
        }
        waiter = (promise, timer, step)
        return promise.futureResult
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        do {
            guard let reply = try parser.feed(unwrapInboundIn(data)) else { return }
            if let waiter {
                self.waiter = nil
                waiter.timeout.cancel()
                waiter.promise.succeed(reply)
            } else if !asked, unclaimed == nil {
                unclaimed = reply
            } else {
                fail(.protocolViolation("it sent a reply nobody asked for (\(reply))."))
                context.close(promise: nil)
            }
        } catch {
            fail(.protocolViolation(error.description))
            context.close(promise: nil)
        }
    }

    /// Throws (and breaks the connection) unless nothing was received after the STARTTLS reply:
    /// plain-text bytes there would be read as if they came through TLS (response injection).
    func checkNothingPendingBeforeTLS() throws {
        if let failure { throw failure }
        guard pendingInput.byteCount == 0, parser.isIdle else {
            let error = SMTPError.protocolViolation("it sent data after agreeing to STARTTLS, before TLS began.")
            fail(error)
            context?.close(promise: nil)
            throw error
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        fail(.connectionClosed(step: waiter?.step ?? "the next command"))
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        if let error = error as? SMTPError {
            fail(error)
        } else if error is NIOSSLError || error is BoringSSLError || error is NIOSSLExtraError {
            let detail = String(describing: error)
            fail(.tlsFailed(reason: detail.contains("CERTIFICATE_VERIFY_FAILED")
                ? "the server's certificate could not be verified (tls_verify=none skips this, for test servers only): \(detail)"
                : detail))
        } else {
            fail(.protocolViolation("the connection failed: \(error)."))
        }
        context.close(promise: nil)
    }

    /// Records the first failure and fails the waiting command with it.
    private func fail(_ error: SMTPError) {
        if failure == nil { failure = error }
        guard let waiter else { return }
        self.waiter = nil
        waiter.timeout.cancel()
        waiter.promise.fail(failure ?? error)
    }
}

/// One SMTP connection: send a command, await its reply. Sendable: all handler access hops
/// onto the channel's event loop.
struct SMTPConnection: Sendable {
    let channel: any Channel
    private let handler: NIOLoopBound<SMTPReplyHandler>
    let timeout: TimeAmount
    let logger: Logger

    /// Connects, with TLS from the start when `tls` is given.
    static func connect(
        host: String, port: Int, tls: (context: NIOSSLContext, serverHostname: String?)?,
        group: any EventLoopGroup, timeout: TimeAmount, logger: Logger
    ) async throws -> SMTPConnection {
        // The initializer records each attempt's handler (Happy Eyeballs may try several addresses),
        // and we keep the one of the channel that connected: a server that fails fast may tear the
        // pipeline down before we could look the handler up, and the handler holds the reason.
        let eventLoop = group.next()
        let registry = try await eventLoop.submit { NIOLoopBound(HandlerRegistry(), eventLoop: eventLoop) }.get()
        let bootstrap = ClientBootstrap(group: eventLoop)
            .connectTimeout(timeout)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    let pipeline = channel.pipeline.syncOperations
                    if let tls {
                        try pipeline.addHandler(NIOSSLClientHandler(context: tls.context, serverHostname: tls.serverHostname))
                    }
                    let decoder = SMTPLineDecoder()
                    let handler = SMTPReplyHandler(pendingInput: decoder.pending)
                    try pipeline.addHandler(ByteToMessageHandler(decoder))
                    try pipeline.addHandler(handler)
                    registry.value.attempts.append((channel, handler))
                }
            }
        let channel: any Channel
        do {
            channel = try await bootstrap.connect(host: host, port: port).get()
        } catch {
            throw SMTPError.connectionFailed(host: host, port: port, reason: Self.describeConnectError(error, timeout: timeout))
        }
        do {
            let handler = try await eventLoop.submit {
                defer { registry.value.attempts.removeAll() }
                guard let attempt = registry.value.attempts.first(where: { $0.channel === channel }) else {
                    throw SMTPError.protocolViolation("internal error: the connection has no SMTP handler.")
                }
                return NIOLoopBound(attempt.handler, eventLoop: eventLoop)
            }.get()
            return SMTPConnection(channel: channel, handler: handler, timeout: timeout, logger: logger)
        } catch {
            try? await channel.close()
            throw error
        }
    }

    /// The handlers of a connect's attempts, touched only on its event loop.
    private final class HandlerRegistry {
        var attempts: [(channel: any Channel, handler: SMTPReplyHandler)] = []
    }

    /// Whether the peer is a loopback address (where credentials may travel unencrypted).
    var isLoopback: Bool {
        channel.remoteAddress?.ipAddress.map { SMTPConfiguration.isLoopback(ip: $0) } ?? false
    }

    /// Waits for a reply without sending anything (the greeting).
    func readReply(step: String) async throws -> SMTPReply {
        try await exchange(nil, step: step)
    }

    /// Sends `command` and returns the server's reply, whatever its code; `timeout` overrides the
    /// connection's step timeout.
    func send(_ command: SMTPCommand, timeout: TimeAmount? = nil) async throws -> SMTPReply {
        try await exchange(command, step: command.description, timeout: timeout)
    }

    /// Sends `command` and throws `SMTPError.rejected` unless the reply code is in `expected`.
    @discardableResult
    func expect(_ command: SMTPCommand, _ expected: Int...) async throws -> SMTPReply {
        let reply = try await send(command)
        guard expected.contains(reply.code) else {
            throw SMTPError.rejected(command: command.description, code: reply.code, message: reply.text)
        }
        return reply
    }

    private func exchange(_ command: SMTPCommand?, step: String, timeout: TimeAmount? = nil) async throws -> SMTPReply {
        if let command { logger.debug("SMTP >>> \(command)") }
        let channel = self.channel, handler = self.handler, timeout = timeout ?? self.timeout
        let reply = try await channel.eventLoop.flatSubmit {
            let future = handler.value.nextReply(step: step, timeout: timeout, eventLoop: channel.eventLoop)
            if let command { channel.writeAndFlush(ByteBuffer(string: command.wire), promise: nil) }
            return future
        }.get()
        logger.debug("SMTP <<< \(reply)")
        return reply
    }

    /// Puts TLS in front of the pipeline after a 220 reply to STARTTLS; the handshake starts
    /// at once and the next command waits for it.
    func startTLS(context: NIOSSLContext, serverHostname: String?) async throws {
        let channel = self.channel, handler = self.handler
        do {
            // One event-loop turn: no byte can slip in between the check and the TLS handler.
            try await channel.eventLoop.submit {
                try handler.value.checkNothingPendingBeforeTLS()
                let tls = try NIOSSLClientHandler(context: context, serverHostname: serverHostname)
                try channel.pipeline.syncOperations.addHandler(tls, position: .first)
            }.get()
        } catch let error as SMTPError {
            throw error
        } catch {
            throw SMTPError.tlsFailed(reason: String(describing: error))
        }
    }

    func close() async {
        try? await channel.close()
    }

    private static func describeConnectError(_ error: any Error, timeout: TimeAmount) -> String {
        if let error = error as? NIOConnectionError {
            if error.connectionErrors.contains(where: { ($0.error as? IOError)?.errnoCode == ECONNREFUSED }) {
                return "connection refused (is the server running and listening on that port?)"
            }
            if error.connectionErrors.isEmpty, error.dnsAError != nil || error.dnsAAAAError != nil {
                return "the host name could not be resolved"
            }
            if let first = error.connectionErrors.first { return describeConnectError(first.error, timeout: timeout) }
        }
        if let error = error as? IOError, error.errnoCode == ECONNREFUSED {
            return "connection refused (is the server running and listening on that port?)"
        }
        if let error = error as? ChannelError, case .connectTimeout = error {
            return "no answer within \(SMTPError.describe(timeout))"
        }
        return String(describing: error)
    }
}
