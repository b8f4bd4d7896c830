import OnrampDomain
import Vapor

/// An error that becomes an RFC 9457 problem details response.
public struct Problem: Error, Sendable {
    public var type: ProblemType
    public var detail: String
    public var errors: [FieldError]
    public var headers: HTTPHeaders
    /// The resource's current state, sent with conflicts so a client can merge and retry.
    var current: JSONValue?

    public init(_ type: ProblemType, _ detail: String, errors: [FieldError] = [], headers: HTTPHeaders = [:]) {
        self.type = type
        self.detail = detail
        self.errors = errors
        self.headers = headers
    }

    public var status: HTTPResponseStatus { type.status }

    public static func notFound(_ what: String) -> Problem {
        Problem(.notFound, "\(what) was not found.")
    }

    public static func validation(_ failure: ValidationFailure) -> Problem {
        let count = failure.errors.count
        let detail = count == 1 ? failure.errors[0].message : "\(count) fields are not valid; see `errors`."
        return Problem(.validationFailed, detail, errors: failure.errors)
    }

    public static func rateLimited(retryAfter seconds: Int) -> Problem {
        Problem(.rateLimited, "Too many attempts. Try again in \(seconds) seconds.",
                headers: ["Retry-After": String(seconds)])
    }
}

/// The JSON body of a problem response.
struct ProblemBody: Content {
    static var defaultContentType: HTTPMediaType { .problemJSON }

    let type: String
    let title: String
    let status: Int
    let detail: String
    let instance: String
    let requestId: String
    let errors: [FieldError]?
    let current: JSONValue?
}

extension HTTPMediaType {
    static let problemJSON = HTTPMediaType(type: "application", subType: "problem+json", parameters: ["charset": "utf-8"])
}

// MARK: - API schemas

extension ProblemBody: APISchema {
    static let schemaName = "Problem"
    static var schema: JSONValue {
        Schema.object([
            "type": Schema.string("URI reference identifying the problem type; `/problems/{slug}` explains it."),
            "title": Schema.string("Short summary of the problem type."),
            "status": Schema.integer("HTTP status code."),
            "detail": Schema.string("What went wrong in this occurrence, for a person."),
            "instance": Schema.string("The request path."),
            "request_id": Schema.string("The request id, as in `X-Request-ID`."),
            "errors": Schema.array(Schemas.ref(FieldError.self)),
            "current": ["description": "With version conflicts: the resource as it is now."],
        ], required: ["type", "title", "status", "detail", "request_id"])
    }
    /// A ticket that failed validation.
    static var example: Self {
        Self(type: ProblemType.validationFailed.uri, title: ProblemType.validationFailed.title, status: 422,
             detail: FieldError.example.message, instance: "/api/v1/tickets", requestId: "7f3c2a9e-41b8-4d0f-9a6e-3c5b8d2f1e47",
             errors: [.example], current: nil)
    }
}

extension FieldError: APISchema {
    static let schemaName = "FieldError"
    static var schema: JSONValue {
        Schema.object([
            "field": Schema.string("The field's name as sent."),
            "message": Schema.string("What is wrong, for a person."),
            "code": Schema.string("Stable machine-readable code."),
        ], required: ["field", "message", "code"])
    }
    static var example: Self { FieldError(field: "subject", message: "The subject is required.", code: "required") }
}
