import AsyncHTTPClient
import Foundation
import NIOConcurrencyHelpers
import NIOCore
import NIOHTTP1

/// Delivers outgoing webhooks: one signed JSON POST to a receiver, answered with a status.
/// `live` sends over an HTTP client; `recording` keeps what it was given, for tests.
public struct WebhookClient: Sendable {
    /// One delivery: where, the JSON body exactly as signed, and the signature header's value.
    public struct Delivery: Sendable, Equatable {
        public let url: URL
        public let body: String
        public let signature: String

        public init(url: URL, body: String, signature: String) {
            self.url = url
            self.body = body
            self.signature = signature
        }
    }

    /// Sends the delivery; returns the receiver's HTTP status code.
    public var deliver: @Sendable (Delivery) async throws -> Int

    public init(deliver: @escaping @Sendable (Delivery) async throws -> Int) {
        self.deliver = deliver
    }

    public static let userAgent = "Onramp-Webhooks/1"
    public static let signatureHeader = "X-Onramp-Signature"
}

extension WebhookClient {
    /// POSTs over `client` with a deadline for the whole exchange.
    public static func live(_ client: HTTPClient, timeout: TimeAmount = .seconds(30)) -> WebhookClient {
        WebhookClient { delivery in
            var request = HTTPClientRequest(url: delivery.url.absoluteString)
            request.method = .POST
            request.headers.add(name: "Content-Type", value: "application/json; charset=utf-8")
            request.headers.add(name: "User-Agent", value: userAgent)
            request.headers.add(name: signatureHeader, value: delivery.signature)
            request.body = .bytes(ByteBuffer(string: delivery.body))
            let response = try await client.execute(request, timeout: timeout)
            return Int(response.status.code)
        }
    }

    /// Keeps every delivery in `log` and answers `status`: a test value with no network.
    public static func recording(into log: NIOLockedValueBox<[Delivery]>, status: Int = 200) -> WebhookClient {
        WebhookClient { delivery in
            log.withLockedValue { $0.append(delivery) }
            return status
        }
    }

    /// Fails every delivery loudly: the value to start from when a test forgets to give one.
    public static let unimplemented = WebhookClient { delivery in
        throw WebhookClientUnimplemented(url: delivery.url)
    }
}

/// A test reached a webhook delivery it did not provide a client for.
public struct WebhookClientUnimplemented: Error, CustomStringConvertible {
    public let url: URL
    public var description: String { "No webhook client was given for the delivery to \(url.absoluteString)." }
}
