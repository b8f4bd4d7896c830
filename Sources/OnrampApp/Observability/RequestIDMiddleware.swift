import Vapor

/// Gives every request an id: a sane incoming `X-Request-ID` is kept, anything else is
/// replaced. The id goes on every log line (`request.id`) and on every response.
struct RequestIDMiddleware: AsyncMiddleware {
    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        let incoming = request.headers.first(name: .xRequestId)
        let id = incoming.flatMap { Self.isSane($0) ? $0 : nil } ?? UUID().uuidString.lowercased()
        request.storage[RequestIDKey.self] = id
        request.logger[metadataKey: "request-id"] = nil
        request.logger[metadataKey: "request.id"] = .string(id)
        let response = try await next.respond(to: request)
        response.headers.replaceOrAdd(name: .xRequestId, value: id)
        return response
    }

    /// 1–128 characters of letters, digits, `-`, `_`, `.` and `:`; nothing that could forge log lines.
    static func isSane(_ id: String) -> Bool {
        (1...128).contains(id.utf8.count)
            && id.utf8.allSatisfy { byte in
                (0x30...0x39).contains(byte) || (0x41...0x5a).contains(byte) || (0x61...0x7a).contains(byte)
                    || byte == 0x2d || byte == 0x5f || byte == 0x2e || byte == 0x3a
            }
    }
}

private struct RequestIDKey: StorageKey {
    typealias Value = String
}

extension Request {
    /// This request's id, as in `X-Request-ID` and the logs.
    public var requestID: String { storage[RequestIDKey.self] ?? id }
}
