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
