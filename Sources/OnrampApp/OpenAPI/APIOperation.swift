import NIOConcurrencyHelpers
import Vapor

/// One documented API operation. Routes under `/api` are registered only through
/// `register(_:use:)`, so the OpenAPI document cannot drift from the routes.
struct APIOperation: Sendable {
    struct Response: Sendable {
        let status: Int
        let description: String
        let schema: JSONValue?
        var headers: [String: JSONValue] = [:]
        var mediaType = "application/json"
    }

    struct Parameter: Sendable {
        enum Location: String, Sendable { case path, query, header }
        let name: String
        let location: Location
        let description: String
        let schema: JSONValue
        var required: Bool = false
        /// Whether a path parameter names a tenant's resource (probed across tenants in tests)
        /// rather than a fixed name such as an onboarding step id.
        var identifiesTenantResource: Bool = true
    }

    enum Security: Sendable {
        /// Anyone may call it.
        case none
        /// A bearer API token or the session cookie (with `X-CSRF-Token` on unsafe methods).
        case signedIn
    }

    let id: String
    let method: HTTPMethod
    /// OpenAPI path template, e.g. `/api/v1/api-tokens/{tokenId}`.
    let path: String
    let tag: String
    let summary: String
    var description: String? = nil
    var security: Security = .signedIn
    var parameters: [Parameter] = []
    var requestBody: JSONValue? = nil
    /// Whether the body may be left out (e.g. an optional `{"version": n}`).
    var requestBodyOptional = false
    var responses: [Response]
    /// Problem statuses this operation may answer with besides the common ones.
    var problems: [Int] = []
    /// Largest accepted body.
    var maxBodySize: ByteCount = "64kb"
    /// A file upload: the body is streamed to the handler (which enforces its own limit),
    /// documented as these media types instead of JSON.
    var uploadMediaTypes: [String] = []

    /// Vapor path components for the template (`{tokenId}` → `:tokenId`).
    var pathComponents: [PathComponent] {
        path.split(separator: "/").map { segment in
            segment.hasPrefix("{") && segment.hasSuffix("}")
                ? .parameter(String(segment.dropFirst().dropLast()))
                : .constant(String(segment))
        }
    }
}

/// Every operation registered on an application, in registration order.
final class APIOperationRegistry: Sendable {
    private let operations = NIOLockedValueBox<[APIOperation]>([])

    var all: [APIOperation] { operations.withLockedValue { $0 } }

    func add(_ operation: APIOperation) {
        operations.withLockedValue { list in
            precondition(!list.contains { $0.id == operation.id }, "duplicate operationId \(operation.id)")
            list.append(operation)
        }
    }
}

extension RoutesBuilder {
    /// Registers a documented API route.
    @discardableResult
    func register<Output: AsyncResponseEncodable>(
        _ operation: APIOperation, in registry: APIOperationRegistry,
        use handler: @escaping @Sendable (Request) async throws -> Output
    ) -> Route {
        registry.add(operation)
        if !operation.uploadMediaTypes.isEmpty {
            let route = on(operation.method, operation.pathComponents, body: .stream) { req async throws -> Output in
                try await handler(req)
            }
            route.userInfo["operationId"] = operation.id
            return route
        }
        let maxSize: ByteCount = operation.method == .GET || operation.method == .HEAD ? "1kb" : operation.maxBodySize
        let limit = maxSize.value
        let route = on(operation.method, operation.pathComponents, body: .collect(maxSize: maxSize)) { req async throws -> Output in
            // Bodies that arrived whole skip the streaming limit; check them here too.
            if let bytes = req.body.data?.readableBytes, bytes > limit {
                throw Problem(.payloadTooLarge, "The request body is \(bytes) bytes; this endpoint accepts at most \(limit).")
            }
            return try await handler(req)
        }
        route.userInfo["operationId"] = operation.id
        return route
    }
}
