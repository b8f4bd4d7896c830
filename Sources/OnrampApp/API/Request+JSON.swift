import OnrampDomain
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

extension Request {
    /// Decodes a body whose domain type names its own snake_case keys (SLA policies, agent
    /// profiles): no key conversion, so map keys such as `first_response` stay as sent. A body
    /// that does not fit is a 422 naming the path.
    func decodeDomainJSON<T: Decodable>(_ type: T.Type, field: String) throws -> T {
        guard let contentType = headers.contentType, contentType.type == "application",
              contentType.subType == "json" || contentType.subType.hasSuffix("+json") else {
            throw Problem(.unsupportedMediaType, "Send the body as JSON with the header Content-Type: application/json.")
        }
        guard let body = body.data, body.readableBytes > 0 else { throw Problem(.malformedRequest, "The request needs a JSON body.") }
        do {
            return try JSONDecoder().decode(T.self, from: Data(buffer: body))
        } catch let error as DecodingError {
            if case .dataCorrupted(let context) = error, context.codingPath.isEmpty {
                throw Problem(.malformedRequest, "The body is not valid JSON.")
            }
            throw Problem.validation(ValidationFailure([FieldError(field: field, message: "The \(field.replacingOccurrences(of: "_", with: " ")) cannot be read: \(RoutingRulesController.describe(error))", code: "invalid")]))
        }
    }
}
