import Fluent
import Foundation
import OnrampDomain
import Vapor

/// `createApiToken`, `listApiTokens`, `revokeApiToken`.
struct APITokenController {
    struct CreateRequest: Content {
        var name: String?
        var expiresInDays: Int?
    }

    struct TokenResponse: Content {
        let id: UUID
        let name: String
        let prefix: String
        let userId: UUID
        let createdAt: Date
        let expiresAt: Date?
        let lastUsedAt: Date?
        let revokedAt: Date?

        init(_ token: APIToken) throws {
            id = try token.requireID()
            name = token.name
            prefix = token.displayPrefix
            userId = token.userID
            createdAt = token.createdAt ?? Date()
            expiresAt = token.expiresAt
            lastUsedAt = token.lastUsedAt
            revokedAt = token.revokedAt
        }
    }

    struct CreatedResponse: Content {
        let token: TokenResponse
        let secret: String
    }

    struct ListResponse: Content {
        let items: [TokenResponse]
    }

    func register(on api: any RoutesBuilder, registry: APIOperationRegistry) {
        let tokenID = APIOperation.Parameter(name: "tokenId", location: .path, description: "The token's id.",
                                             schema: Schemas.uuid)
        api.register(.init(
            id: "createApiToken", method: .POST, path: "/api/v1/api-tokens", tag: "API tokens",
            summary: "Create an API token; its secret is returned once",
            requestBody: Schemas.ref(APITokenController.CreateRequest.self),
            responses: [.init(status: 201, description: "Created.", schema: Schemas.ref(APITokenController.CreatedResponse.self))]
        ), in: registry, use: create)
        api.register(.init(
            id: "listApiTokens", method: .GET, path: "/api/v1/api-tokens", tag: "API tokens",
            summary: "List API tokens (your own; owners and admins see the whole tenant's)",
            responses: [.init(status: 200, description: "The tokens, newest first.", schema: Schemas.ref(APITokenController.ListResponse.self))]
        ), in: registry, use: list)
        api.register(.init(
            id: "revokeApiToken", method: .DELETE, path: "/api/v1/api-tokens/{tokenId}", tag: "API tokens",
            summary: "Revoke an API token; it stops working at once",
            parameters: [tokenID],
            responses: [.init(status: 204, description: "Revoked (also when it already was).", schema: nil)]
        ), in: registry, use: revoke)
    }

    @Sendable func create(_ req: Request) async throws -> Response {
        let (scope, principal) = try req.requireTenant(.apiTokensOwn)
        let body = try req.decodeJSON(CreateRequest.self)
        var errors = FieldErrors()
        let name = errors.requireText(body.name, field: "name", label: "Name", maxLength: 100)
        if let days = body.expiresInDays, !(1...3650).contains(days) {
            errors.add("expires_in_days", "Expiry must be between 1 and 3650 days.", code: "out_of_range")
        }
        try errors.check()
        let secret = APITokenSecret.generate()
        let expiresAt = body.expiresInDays.map { Date().addingTimeInterval(Double($0) * 86_400) }
        let requestID = req.requestID
        let token = try await req.writer.atomically { db in
            let token = try await APITokenRepository(db: db).create(
                in: scope, userID: principal.userID, name: name!, secret: secret, expiresAt: expiresAt)
            try await AuditLog.record(on: db, tenantID: scope.tenantID, actor: principal.actorLabel,
                                      actorUserID: principal.userID, action: "api_token.created",
                                      target: "api_token:\(try token.requireID())",
                                      change: .init(after: ["name": token.name, "prefix": token.displayPrefix]),
                                      requestID: requestID)
            return try TokenResponse(token)
        }
        return try await CreatedResponse(token: token, secret: secret.value).encodeResponse(status: .created, for: req)
    }

    @Sendable func list(_ req: Request) async throws -> ListResponse {
        let (scope, principal) = try req.requireTenant(.apiTokensOwn)
        let seesAll = principal.permissions.contains(.apiTokensManage)
        let tokens = try await APITokenRepository(db: req.db).list(in: scope, ownedBy: seesAll ? nil : principal.userID)
        return ListResponse(items: try tokens.map(TokenResponse.init))
    }

    @Sendable func revoke(_ req: Request) async throws -> Response {
        let (scope, principal) = try req.requireTenant(.apiTokensOwn)
        let notFound = Problem.notFound("The API token")
        guard let id = req.parameters.get("tokenId", as: UUID.self) else { throw notFound }
        let canManage = principal.permissions.contains(.apiTokensManage)
        let requestID = req.requestID
        try await req.writer.atomically { db in
            guard let token = try await APITokenRepository(db: db).find(id, in: scope),
                  canManage || token.userID == principal.userID
            else { throw notFound }
            guard token.revokedAt == nil else { return }
            token.revokedAt = Date()
            try await token.update(on: db)
            try await AuditLog.record(on: db, tenantID: scope.tenantID, actor: principal.actorLabel,
                                      actorUserID: principal.userID, action: "api_token.revoked",
                                      target: "api_token:\(id)",
                                      change: .init(before: ["revoked": "false"], after: ["revoked": "true"]),
                                      requestID: requestID)
        }
        return Response(status: .noContent)
    }
}

// MARK: - API schemas

extension APITokenController.CreateRequest: APISchema {
    static let schemaName = "CreateApiTokenRequest"
    static var schema: JSONValue {
        Schema.object([
            "name": Schema.text("What the token is for.", maxLength: 100),
            "expires_in_days": ["type": ["integer", "null"], "minimum": 1, "maximum": 3650,
                                "description": "Days until it stops working; omit or null for no expiry."],
        ], required: ["name"])
    }
    static var example: Self { Self(name: "Zapier sync", expiresInDays: 90) }
}

extension APITokenController.TokenResponse: APISchema {
    static let schemaName = "ApiToken"
    static var schema: JSONValue {
        Schema.object([
            "id": Schemas.uuid, "name": Schema.string(), "prefix": Schema.string("The first characters, to tell tokens apart."),
            "user_id": Schemas.uuid, "created_at": Schemas.dateTime, "expires_at": Schemas.nullableDateTime,
            "last_used_at": Schemas.nullableDateTime, "revoked_at": Schemas.nullableDateTime,
        ], required: ["id", "name", "prefix", "user_id", "created_at"])
    }
    static var example: Self {
        Self(id: APIExample.id("0193a3d0-1a2b-7c3d-8e4f-5a6b7c8d9e0f"), name: "Zapier sync", prefix: "onr_7Qm2xK",
             userId: AuthController.CurrentUserResponse.UserInfo.example.id, createdAt: APIExample.date("2026-03-02T09:15:00Z"),
             expiresAt: APIExample.date("2026-05-31T09:15:00Z"), lastUsedAt: APIExample.date("2026-03-04T16:42:10Z"), revokedAt: nil)
    }

    private init(id: UUID, name: String, prefix: String, userId: UUID, createdAt: Date, expiresAt: Date?, lastUsedAt: Date?,
                 revokedAt: Date?) {
        self.id = id
        self.name = name
        self.prefix = prefix
        self.userId = userId
        self.createdAt = createdAt
        self.expiresAt = expiresAt
        self.lastUsedAt = lastUsedAt
        self.revokedAt = revokedAt
    }
}

extension APITokenController.CreatedResponse: APISchema {
    static let schemaName = "CreatedApiToken"
    static var schema: JSONValue {
        Schema.object([
            "token": Schemas.ref(APITokenController.TokenResponse.self),
            "secret": Schema.string("The bearer token `onr_…`; shown only once."),
        ], required: ["token", "secret"])
    }
    static var example: Self { Self(token: .example, secret: "onr_7Qm2xK9pL4vR8sT1wY6zB3nC5dF0gH2j") }
}

extension APITokenController.ListResponse: APISchema {
    static let schemaName = "ApiTokenList"
    static var schema: JSONValue {
        Schema.object(["items": Schema.array(Schemas.ref(APITokenController.TokenResponse.self))], required: ["items"])
    }
    static var example: Self { Self(items: [.example]) }
}
