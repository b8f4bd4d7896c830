import Vapor

extension Request {
    /// Decodes a JSON body, refusing other content types (415) and empty bodies (400).
    func decodeJSON<T: Decodable>(_ type: T.Type) throws -> T {
        guard let contentType = headers.contentType,
              contentType.type == "application",
              contentType.subType == "json" || contentType.subType.hasSuffix("+json")
        else {
            throw Problem(.unsupportedMediaType, "Send the body as JSON with the header Content-Type: application/json.")
        }
        guard let body = body.data, body.readableBytes > 0 else {
            throw Problem(.malformedRequest, "The request needs a JSON body.")
        }
        return try ContentConfiguration.global.requireDecoder(for: .json).decode(T.self, from: body, headers: headers)
    }
}
