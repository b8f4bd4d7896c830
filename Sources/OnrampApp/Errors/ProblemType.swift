import Vapor

/// The kinds of problem Onramp reports (RFC 9457 `type`), each with a stable slug,
/// a short title, its status and a page at `/problems/{slug}` that explains it.
public enum ProblemType: String, Sendable, CaseIterable {
    case validationFailed = "validation-failed"
    case malformedRequest = "malformed-request"
    case unsupportedMediaType = "unsupported-media-type"
    case payloadTooLarge = "payload-too-large"
    case notFound = "not-found"
    case methodNotAllowed = "method-not-allowed"
    case unauthenticated
    case forbidden
    case csrfFailed = "csrf-failed"
    case conflict
    case gone
    case rateLimited = "rate-limited"
    case upgradeRequired = "upgrade-required"
    case internalError = "internal-error"
    case unavailable

    public var status: HTTPResponseStatus {
        switch self {
        case .validationFailed: .unprocessableEntity
        case .malformedRequest: .badRequest
        case .unsupportedMediaType: .unsupportedMediaType
        case .payloadTooLarge: .payloadTooLarge
        case .notFound: .notFound
        case .methodNotAllowed: .methodNotAllowed
        case .unauthenticated: .unauthorized
        case .forbidden, .csrfFailed: .forbidden
        case .conflict: .conflict
        case .gone: .gone
        case .rateLimited: .tooManyRequests
        case .upgradeRequired: .upgradeRequired
        case .internalError: .internalServerError
        case .unavailable: .serviceUnavailable
        }
    }

    public var title: String {
        switch self {
        case .validationFailed: "Some fields are not valid"
        case .malformedRequest: "The request could not be read"
        case .unsupportedMediaType: "Unsupported content type"
        case .payloadTooLarge: "The request body is too large"
        case .notFound: "Not found"
        case .methodNotAllowed: "Method not allowed"
        case .unauthenticated: "Sign-in required"
        case .forbidden: "Not allowed"
        case .csrfFailed: "The form expired"
        case .conflict: "Conflict"
        case .gone: "No longer available"
        case .rateLimited: "Too many attempts"
        case .upgradeRequired: "WebSocket required"
        case .internalError: "Something went wrong on our side"
        case .unavailable: "Temporarily unavailable"
        }
    }

    /// What a person can do about it; shown on the problem's page.
    public var explanation: String {
        switch self {
        case .validationFailed: "One or more fields failed validation. The `errors` list names each field and what is wrong with it; fix them and send the request again."
        case .malformedRequest: "The body is not valid JSON, or a field has the wrong type. The detail names the field where possible."
        case .unsupportedMediaType: "This endpoint accepts `application/json` only. Set the `Content-Type` header accordingly."
        case .payloadTooLarge: "The body exceeds the limit for this endpoint. Send a smaller body."
        case .notFound: "There is nothing at this address, or it belongs to an account you cannot see."
        case .methodNotAllowed: "The address exists but does not support this HTTP method. The `Allow` header lists the methods it supports."
        case .unauthenticated: "Send a bearer API token (`Authorization: Bearer onr_…`) or sign in to get a session cookie."
        case .forbidden: "You are signed in, but your role does not include the permission this action needs. Ask an owner or admin."
        case .csrfFailed: "Requests authenticated by the session cookie must carry the CSRF token (form field `_csrf` or header `X-CSRF-Token`). Reload the page and try again."
        case .conflict: "The request conflicts with the current state, such as an email address that is already registered."
        case .gone: "What this link or address stood for existed but has ended, such as an invitation that expired or was withdrawn. Ask for a new one."
        case .rateLimited: "Too many attempts in a short time. Wait for the number of seconds in `Retry-After`, then try again."
        case .upgradeRequired: "This address streams live updates over a WebSocket. Connect with a WebSocket client (`Upgrade: websocket`); a plain HTTP request cannot read it."
        case .internalError: "An unexpected error happened. It has been logged with the request id shown; quote it when you contact support."
        case .unavailable: "A dependency such as the database is not answering. Try again shortly."
        }
    }

    /// The `type` URI, relative to the server (RFC 9457 allows a URI reference).
    public var uri: String { "/problems/\(rawValue)" }
}
