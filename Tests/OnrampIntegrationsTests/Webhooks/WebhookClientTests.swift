import AsyncHTTPClient
import Foundation
import NIOConcurrencyHelpers
import NIOCore
import NIOHTTP1
import NIOPosix
import OnrampIntegrations
import Testing

/// A loopback HTTP/1.1 server that keeps every request and answers each with `status`.
final class ReceiverHandler: ChannelInboundHandler, Sendable {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    struct Request: Sendable {
        var method: HTTPMethod
        var uri: String
        var headers: HTTPHeaders
        var body: String
    }

    let status: HTTPResponseStatus
    let received: NIOLockedValueBox<[Request]>
    private let current = NIOLockedValueBox<Request?>(nil)

    init(status: HTTPResponseStatus, received: NIOLockedValueBox<[Request]>) {
        self.status = status
        self.received = received
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head):
            current.withLockedValue { $0 = Request(method: head.method, uri: head.uri, headers: head.headers, body: "") }
        case .body(let buffer):
            current.withLockedValue { $0?.body += String(buffer: buffer) }
        case .end:
            if let request = current.withLockedValue({ $0 }) { received.withLockedValue { $0.append(request) } }
            let headers: HTTPHeaders = ["Content-Length": "0"]
            context.write(wrapOutboundOut(.head(HTTPResponseHead(version: .http1_1, status: status, headers: headers))), promise: nil)
            context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
        }
    }
}

@Suite("Webhook client")
struct WebhookClientTests {
    static func withReceiver(status: HTTPResponseStatus, _ body: (Int, NIOLockedValueBox<[ReceiverHandler.Request]>) async throws -> Void)
        async throws {
        let received = NIOLockedValueBox<[ReceiverHandler.Request]>([])
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .childChannelInitializer { channel in
                channel.pipeline.configureHTTPServerPipeline().flatMap {
                    channel.pipeline.addHandler(ReceiverHandler(status: status, received: received))
                }
            }
            .bind(host: "127.0.0.1", port: 0).get()
        do {
            try await body(channel.localAddress?.port ?? 0, received)
        } catch {
            try? await channel.close()
            throw error
        }
        try await channel.close()
    }

    @Test("the live client POSTs the body as signed, with the signature and its user agent, and returns the status")
    func livePost() async throws {
        try await Self.withReceiver(status: .accepted) { port, received in
            let client = WebhookClient.live(HTTPClient.shared, timeout: .seconds(10))
            let body = #"{"event":"ticket_created","ticket":{"subject":"Grüße"}}"#
            let status = try await client.deliver(.init(url: URL(string: "http://127.0.0.1:\(port)/hooks/onramp")!, body: body,
                                                        signature: "sha256=abc123"))
            #expect(status == 202)
            let request = try #require(received.withLockedValue { $0.first })
            #expect(request.method == .POST)
            #expect(request.uri == "/hooks/onramp")
            #expect(request.body == body)
            #expect(request.headers["X-Onramp-Signature"] == ["sha256=abc123"])
            #expect(request.headers["User-Agent"] == ["Onramp-Webhooks/1"])
            #expect(request.headers["Content-Type"].first?.hasPrefix("application/json") == true)
        }
    }

    @Test("a refusing receiver's status comes back as it is")
    func refusal() async throws {
        try await Self.withReceiver(status: .serviceUnavailable) { port, _ in
            let status = try await WebhookClient.live(HTTPClient.shared).deliver(.init(
                url: URL(string: "http://127.0.0.1:\(port)/")!, body: "{}", signature: "sha256=0"))
            #expect(status == 503)
        }
    }

    @Test("nothing listening is an error, not a status")
    func nothingListening() async throws {
        var port = 0
        try await Self.withReceiver(status: .ok) { free, _ in port = free }
        await #expect(throws: (any Error).self) {
            _ = try await WebhookClient.live(HTTPClient.shared, timeout: .seconds(5)).deliver(.init(
                url: URL(string: "http://127.0.0.1:\(port)/")!, body: "{}", signature: "sha256=0"))
        }
    }

    @Test("the recording value keeps deliveries; the unimplemented one fails loudly")
    func testValues() async throws {
        let log = NIOLockedValueBox<[WebhookClient.Delivery]>([])
        let delivery = WebhookClient.Delivery(url: URL(string: "https://hooks.example.com/x")!, body: "{}", signature: "sha256=1")
        #expect(try await WebhookClient.recording(into: log, status: 201).deliver(delivery) == 201)
        #expect(log.withLockedValue { $0 } == [delivery])
        await #expect(throws: WebhookClientUnimplemented.self) { _ = try await WebhookClient.unimplemented.deliver(delivery) }
    }
}
