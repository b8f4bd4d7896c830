import FluentKit
import OnrampDomain
import Vapor

/// Turns every error into an RFC 9457 problem details response (HTML for browsers on
/// web pages) and never leaks stack traces, SQL or internal type names.
struct ProblemMiddleware: AsyncMiddleware {
    let pages: PageRenderer?

    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        do {
            return try await next.respond(to: request)
        } catch {
            let problem = Self.problem(for: error, request: request)
            if problem.status == .internalServerError {
                request.logger.error("request failed", metadata: [
                    "error.type": "\(String(reflecting: type(of: error)))",
                    "error.message": "\(String(describing: error))",
                ])
            } else {
                request.logger.debug("request refused", metadata: [
                    "problem.type": "\(problem.type.rawValue)", "problem.status": "\(problem.status.code)",
                ])
            }
            return Self.response(for: problem, request: request, pages: pages)
        }
    }

    static func response(for problem: Problem, request: Request, pages: PageRenderer?) -> Response {
        if let pages, request.prefersHTML {
            let response = pages.errorPage(problem, request: request)
            for (name, value) in problem.headers { response.headers.replaceOrAdd(name: name, value: value) }
            return response
        }
        let body = ProblemBody(
            type: problem.type.uri, title: problem.type.title, status: Int(problem.status.code),
            detail: problem.detail, instance: request.url.path, requestId: request.requestID,
            errors: problem.errors.isEmpty ? nil : problem.errors, current: problem.current
        )
        let response = Response(status: problem.status)
        for (name, value) in problem.headers { response.headers.replaceOrAdd(name: name, value: value) }
        do {
            var buffer = ByteBufferAllocator().buffer(capacity: 256)
            var headers = HTTPHeaders()
            try ContentConfiguration.global.requireEncoder(for: .json).encode(body, to: &buffer, headers: &headers)
            response.body = .init(buffer: buffer)
        } catch {
            response.body = .init(string: #"{"type":"/problems/internal-error","title":"Something went wrong on our side","status":500}"#)
        }
        response.headers.contentType = .problemJSON
        return response
    }

    /// Maps any error to the problem a client sees.
    static func problem(for error: any Error, request: Request) -> Problem {
        switch error {
        case let problem as Problem:
            return problem
        case let failure as ValidationFailure:
            return .validation(failure)
        case let refusal as TicketRefusal:
            // The ticket's state does not allow the change (closed is final, nothing goes back to new).
            return Problem(.conflict, refusal.message)
        case let decoding as DecodingError:
            return Problem(.malformedRequest, describe(decoding))
        case let database as any DatabaseError where database.isConstraintFailure:
            // Two requests raced for the same unique name or key; the database decided.
            return Problem(.conflict, "This conflicts with something that was saved at the same moment (a name or address already in use). Reload and try again.")
        case let abort as any AbortError:
            return problem(for: abort, request: request)
        default:
            return Problem(.internalError,
                           "An unexpected error happened. Quote request id \(request.requestID) when you contact support.")
        }
    }

    static func problem(for abort: any AbortError, request: Request) -> Problem {
        var headers = abort.headers
        headers.remove(name: .contentType)
        switch abort.status {
        case .notFound:
            let allowed = MethodIndex.allowedMethods(for: request)
            if !allowed.isEmpty {
                let allow = allowed.map(\.rawValue).joined(separator: ", ")
                return Problem(.methodNotAllowed, "\(request.method.rawValue) is not supported here; use \(allow).",
                               headers: ["Allow": allow])
            }
            return Problem(.notFound, "Nothing exists at \(request.method.rawValue) \(request.url.path).")
        case .payloadTooLarge:
            return Problem(.payloadTooLarge, "The request body is larger than this endpoint accepts.")
        case .unsupportedMediaType:
            return Problem(.unsupportedMediaType, "Send the body as JSON with the header Content-Type: application/json.")
        case .badRequest:
            return Problem(.malformedRequest, "The request could not be read: \(safeReason(abort.reason))")
        case .unauthorized:
            return Problem(.unauthenticated, "Sign in, or send a valid API token as `Authorization: Bearer onr_…`.")
        case .forbidden:
            return Problem(.forbidden, "You do not have permission to do this.")
        case .methodNotAllowed:
            return Problem(.methodNotAllowed, "This method is not supported here.", headers: headers)
        case .tooManyRequests:
            return Problem(.rateLimited, "Too many requests. Try again later.", headers: headers)
        case .conflict:
            return Problem(.conflict, safeReason(abort.reason))
        case .serviceUnavailable:
            return Problem(.unavailable, "The service is temporarily unavailable. Try again shortly.")
        default:
            if abort.status.code >= 500 {
                return Problem(.internalError,
                               "An unexpected error happened. Quote request id \(request.requestID) when you contact support.")
            }
            return Problem(.malformedRequest, safeReason(abort.reason))
        }
    }

    /// A reason safe to show: short, one line, no internal type names.
    static func safeReason(_ reason: String) -> String {
        let line = reason.split(separator: "\n").first.map(String.init) ?? reason
        if line.contains("Swift.") || line.contains("Error(") || line.count > 200 { return "The request is not valid." }
        return line
    }

    /// Describes a JSON decoding failure in terms of the client's field names.
    static func describe(_ error: DecodingError) -> String {
        func path(_ codingPath: [any CodingKey]) -> String {
            let parts = codingPath.map { key in key.intValue.map { "[\($0)]" } ?? key.stringValue }
            return parts.isEmpty ? "the body" : "`" + parts.joined(separator: ".").replacingOccurrences(of: ".[", with: "[") + "`"
        }
        switch error {
        case .typeMismatch(let type, let context):
            return "The field \(path(context.codingPath)) must be \(describe(type))."
        case .valueNotFound(let type, let context):
            return "The field \(path(context.codingPath)) must be \(describe(type)), not null."
        case .keyNotFound(let key, let context):
            return "The field \(path(context.codingPath + [key])) is required."
        case .dataCorrupted(let context):
            if context.codingPath.isEmpty { return "The body is not valid JSON." }
            return "The field \(path(context.codingPath)) has a value that cannot be read."
        @unknown default:
            return "The body could not be read."
        }
    }

    static func describe(_ type: Any.Type) -> String {
        switch type {
        case is String.Type, is Substring.Type: "a string"
        case is Bool.Type: "true or false"
        case is Int.Type, is Int64.Type, is Int32.Type, is UInt.Type: "a whole number"
        case is Double.Type, is Float.Type: "a number"
        case is [Any].Type: "a list"
        default: "an object"
        }
    }
}

extension Request {
    /// Whether a person's browser asked for a page rather than an API client for data.
    var prefersHTML: Bool {
        guard !url.path.hasPrefix("/api/") else { return false }
        let accept = headers.first(name: .accept) ?? ""
        return accept.contains("text/html")
    }
}
