import Vapor

/// Builds the OpenAPI 3.1 document from the registered operations.
enum OpenAPIDocument {
    static let problemStatuses: [Int: String] = [
        400: "The request could not be read (malformed JSON, wrong field type).",
        401: "Not signed in, or the API token is invalid.",
        403: "Signed in without the needed permission, or the CSRF token is missing.",
        404: "Not found (another tenant's resources answer the same).",
        409: "Conflicts with the current state.",
        410: "What the link stood for has ended (expired or withdrawn).",
        413: "The body is too large.",
        415: "The body is not JSON.",
        422: "Validation failed; `errors` lists every invalid field.",
        429: "Too many attempts; see `Retry-After`.",
        500: "Unexpected error; quote the request id.",
    ]

    /// `schemas`: the components, `APISchemas.components` (which include `Problem` and `FieldError`).
    static func build(operations: [APIOperation], schemas: [String: JSONValue]) -> JSONValue {
        var paths: [String: [String: JSONValue]] = [:]
        for operation in operations {
            paths[operation.path, default: [:]][operation.method.rawValue.lowercased()] = describe(operation)
        }
        return [
            "openapi": "3.1.0",
            "info": [
                "title": "Onramp API",
                "version": "1.0.0",
                "description": "Onboarding and customer-success API of the Onramp support platform. Every error is RFC 9457 problem details (`application/problem+json`); every response carries `X-Request-ID`.",
            ],
            "servers": [["url": "/"]],
            "tags": .array(Set(operations.map(\.tag)).sorted().map { ["name": .string($0)] }),
            "paths": .object(paths.mapValues { JSONValue.object($0) }),
            "components": [
                "schemas": .object(schemas),
                "securitySchemes": [
                    "bearerAuth": ["type": "http", "scheme": "bearer", "description": "An API token `onr_…` from createApiToken."],
                    "cookieAuth": ["type": "apiKey", "in": "cookie", "name": "onramp_session",
                                   "description": "The web session cookie; unsafe methods also need the `X-CSRF-Token` header."],
                ],
            ],
        ]
    }

    static func describe(_ operation: APIOperation) -> JSONValue {
        var members: [String: JSONValue] = [
            "operationId": .string(operation.id),
            "summary": .string(operation.summary),
            "tags": [.string(operation.tag)],
        ]
        if let description = operation.description { members["description"] = .string(description) }
        let parameters = operation.parameters.map { parameter -> JSONValue in
            [
                "name": .string(parameter.name), "in": .string(parameter.location.rawValue),
                "description": .string(parameter.description),
                "required": .bool(parameter.location == .path || parameter.required),
                "schema": parameter.schema,
            ]
        }
        if !parameters.isEmpty { members["parameters"] = .array(parameters) }
        if !operation.uploadMediaTypes.isEmpty {
            var content: [String: JSONValue] = [:]
            for type in operation.uploadMediaTypes {
                content[type] = type == "multipart/form-data"
                    ? ["schema": Schema.object(["file": ["type": "string", "format": "binary"]], required: ["file"])]
                    : ["schema": ["type": "string", "format": "binary"]]
            }
            members["requestBody"] = ["required": true, "content": .object(content)]
        } else if let body = operation.requestBody {
            members["requestBody"] = ["required": .bool(!operation.requestBodyOptional),
                                      "content": ["application/json": ["schema": body]]]
        }
        var responses: [String: JSONValue] = [:]
        let requestIDHeader: JSONValue = ["description": "The request id, also in the logs.", "schema": ["type": "string"]]
        for response in operation.responses {
            var entry: [String: JSONValue] = ["description": .string(response.description)]
            if let schema = response.schema { entry["content"] = .object([response.mediaType: ["schema": schema]]) }
            entry["headers"] = .object(response.headers.merging(["X-Request-ID": requestIDHeader]) { mine, _ in mine })
            responses[String(response.status)] = .object(entry)
        }
        var statuses = Set(operation.problems + [400, 500])
        if operation.requestBody != nil || !operation.uploadMediaTypes.isEmpty { statuses.formUnion([413, 415, 422]) }
        if operation.parameters.contains(where: { $0.location == .query }) { statuses.insert(422) }
        if operation.security == .signedIn { statuses.formUnion([401, 403]) }
        // Credentials that are sent are checked everywhere: a revoked or unknown token is a 401
        // even on an operation that needs none.
        statuses.insert(401)
        if operation.path.contains("{") { statuses.insert(404) }
        for status in statuses.sorted() {
            var headers: [String: JSONValue] = ["X-Request-ID": requestIDHeader]
            if status == 429 { headers["Retry-After"] = ["description": "Seconds to wait.", "schema": ["type": "integer"]] }
            responses[String(status)] = [
                "description": .string(problemStatuses[status] ?? "Problem."),
                "headers": .object(headers),
                "content": ["application/problem+json": ["schema": Schema.ref(ProblemBody.self)]],
            ]
        }
        members["responses"] = .object(responses)
        switch operation.security {
        case .none: members["security"] = []
        case .signedIn: members["security"] = [["bearerAuth": []], ["cookieAuth": []]]
        }
        return .object(members)
    }
}
