import Fluent
import Foundation
import OnrampDomain
import Vapor

/// `signup`, `login`, `logout`, `getCurrentUser`.
struct AuthController {
    struct SignupRequest: Content {
        var organizationName: String?
        var name: String?
        var email: String?
        var password: String?
    }

    struct LoginRequest: Content {
        var email: String?
        var password: String?
    }

    struct SignupResponse: Content {
        let user: CurrentUserResponse.UserInfo
        let tenant: CurrentUserResponse.TenantInfo
        let role: Role
        /// Shown only here; store it now.
        let apiToken: String
        let csrfToken: String
    }

    struct CurrentUserResponse: Content {
        struct UserInfo: Content {
            let id: UUID
            let email: String
            let name: String
            let isOperator: Bool
        }

        struct TenantInfo: Content {
            let id: UUID
            let name: String
            let slug: String
        }

        let user: UserInfo
        let tenant: TenantInfo?
        let role: Role?
        let permissions: [String]
        let authenticatedBy: String
    }

    struct LoginResponse: Content {
        let current: CurrentUserResponse
        let csrfToken: String
    }

    func register(on api: any RoutesBuilder, registry: APIOperationRegistry) {
        api.register(.init(
            id: "signup", method: .POST, path: "/api/v1/auth/signup", tag: "Accounts",
            summary: "Open an account: organisation, owner, API token and session",
            description: "Creates the tenant and its owner, returns an API token (shown once) and sets the session and CSRF cookies. Rate-limited per IP and per email.",
            security: .none, requestBody: Schemas.ref(AuthController.SignupRequest.self),
            responses: [.init(status: 201, description: "Signed up and signed in.", schema: Schemas.ref(AuthController.SignupResponse.self),
                              headers: ["Set-Cookie": ["description": "Session and CSRF cookies.", "schema": ["type": "string"]]])],
            problems: [409, 429]
        ), in: registry, use: signup)
        api.register(.init(
            id: "login", method: .POST, path: "/api/v1/auth/login", tag: "Accounts",
            summary: "Sign in with email and password (sets the session cookie)",
            security: .none, requestBody: Schemas.ref(AuthController.LoginRequest.self),
            responses: [.init(status: 200, description: "Signed in.", schema: Schemas.ref(AuthController.LoginResponse.self))],
            problems: [401, 429]
        ), in: registry, use: login)
        api.register(.init(
            id: "logout", method: .POST, path: "/api/v1/auth/logout", tag: "Accounts",
            summary: "End the browser session",
            security: .none,
            responses: [.init(status: 204, description: "Signed out (also when there was no session).", schema: nil)],
            problems: [403]
        ), in: registry, use: logout)
        api.register(.init(
            id: "getCurrentUser", method: .GET, path: "/api/v1/me", tag: "Accounts",
            summary: "Who is calling: user, tenant, role and permissions",
            responses: [.init(status: 200, description: "The caller.", schema: Schemas.ref(AuthController.CurrentUserResponse.self))]
        ), in: registry, use: currentUser)
    }

    @Sendable func signup(_ req: Request) async throws -> Response {
        let body = try req.decodeJSON(SignupRequest.self)
        let result = try await AccountService(request: req).signup(
            SignupForm(organizationName: body.organizationName, name: body.name, email: body.email, password: body.password))
        let csrf = SecretDigest.randomToken()
        let payload = SignupResponse(
            user: .init(id: result.userID, email: result.email, name: result.name, isOperator: false),
            tenant: .init(id: result.tenantID, name: result.tenantName, slug: result.tenantSlug),
            role: .owner, apiToken: result.apiToken.value, csrfToken: csrf)
        let response = try await payload.encodeResponse(status: .created, for: req)
        WebSessions.attach(secret: result.sessionSecret, csrf: csrf, to: response, secure: req.onramp.settings.servesTLS)
        return response
    }

    @Sendable func login(_ req: Request) async throws -> Response {
        let body = try req.decodeJSON(LoginRequest.self)
        let result = try await AccountService(request: req).login(LoginForm(email: body.email, password: body.password))
        guard let principal = try await AuthenticationMiddleware.principal(forSessionSecret: result.sessionSecret, reading: req.db, using: req.writer)
        else { throw Problem(.unauthenticated, "The email or password is incorrect.") }
        let csrf = SecretDigest.randomToken()
        let payload = LoginResponse(current: try await Self.describe(principal, on: req.db), csrfToken: csrf)
        let response = try await payload.encodeResponse(status: .ok, for: req)
        WebSessions.attach(secret: result.sessionSecret, csrf: csrf, to: response, secure: req.onramp.settings.servesTLS)
        return response
    }

    @Sendable func logout(_ req: Request) async throws -> Response {
        // A live session cookie was already CSRF-checked by AuthenticationMiddleware.
        try await AccountService(request: req).logout()
        let response = Response(status: .noContent)
        WebSessions.clear(on: response, secure: req.onramp.settings.servesTLS)
        return response
    }

    @Sendable func currentUser(_ req: Request) async throws -> CurrentUserResponse {
        try await Self.describe(try req.requirePrincipal(), on: req.db)
    }

    static func describe(_ principal: Principal, on db: any Database) async throws -> CurrentUserResponse {
        let via: String = switch principal.credential {
        case .session: "session"
        case .apiToken: "api_token"
        }
        return CurrentUserResponse(
            user: .init(id: principal.userID, email: principal.email, name: principal.name, isOperator: principal.isOperator),
            tenant: try await tenantInfo(principal, on: db),
            role: principal.tenant?.role,
            permissions: principal.permissions.map(\.rawValue).sorted(),
            authenticatedBy: via)
    }

    static func tenantInfo(_ principal: Principal, on db: any Database) async throws -> CurrentUserResponse.TenantInfo? {
        guard let scope = principal.tenant?.scope else { return nil }
        let tenant = try await TenantRepository(db: db).current(scope)
        return .init(id: scope.tenantID, name: tenant.name, slug: tenant.slug)
    }
}

// MARK: - API schemas

extension AuthController.SignupRequest: APISchema {
    static let schemaName = "SignupRequest"
    static var schema: JSONValue {
        Schema.object([
            "organization_name": Schema.text("The company's name.", maxLength: 120),
            "name": Schema.text("Your name.", maxLength: 120),
            "email": Schema.string("Your work email; unique across Onramp.", format: "email", maxLength: 254),
            "password": Schema.string("At least 12 characters, not a common password.", minLength: 12, maxLength: 72),
        ], required: ["organization_name", "name", "email", "password"])
    }
    static var example: Self {
        Self(organizationName: "Northwind Outfitters", name: "Maya Lindqvist", email: "maya@northwind.example", password: "canoe-harbour-lantern-42")
    }
}

extension AuthController.LoginRequest: APISchema {
    static let schemaName = "LoginRequest"
    static var schema: JSONValue {
        Schema.object([
            "email": Schema.string(format: "email", maxLength: 254),
            "password": Schema.string(minLength: 1, maxLength: 1024),
        ], required: ["email", "password"])
    }
    static var example: Self { Self(email: "maya@northwind.example", password: "canoe-harbour-lantern-42") }
}

extension AuthController.CurrentUserResponse.UserInfo: APISchema {
    static let schemaName = "User"
    static var schema: JSONValue {
        Schema.object([
            "id": Schemas.uuid, "email": Schema.string(format: "email"), "name": Schema.string(),
            "is_operator": Schema.boolean,
        ], required: ["id", "email", "name", "is_operator"])
    }
    static var example: Self {
        Self(id: APIExample.id("0193a3c4-5e2f-7b10-9c4d-2f6e8a1b3c5d"), email: "maya@northwind.example", name: "Maya Lindqvist", isOperator: false)
    }
}

extension AuthController.CurrentUserResponse.TenantInfo: APISchema {
    static let schemaName = "Tenant"
    static var schema: JSONValue {
        Schema.object([
            "id": Schemas.uuid, "name": Schema.string(), "slug": Schema.string(),
        ], required: ["id", "name", "slug"])
    }
    static var example: Self {
        Self(id: APIExample.id("0193a3c4-5e2e-7a01-8b3c-1e5d7f9a2b4c"), name: "Northwind Outfitters", slug: "northwind-outfitters")
    }
}

extension AuthController.CurrentUserResponse: APISchema {
    static let schemaName = "CurrentUser"
    static var schema: JSONValue {
        Schema.object([
            "user": Schemas.ref(UserInfo.self),
            "tenant": ["oneOf": [Schemas.ref(TenantInfo.self), ["type": "null"]]],
            "role": ["oneOf": [Schemas.role, ["type": "null"]]],
            "permissions": Schema.array(Schema.string()),
            "authenticated_by": Schema.string(enumeration: ["session", "api_token"]),
        ], required: ["user", "permissions", "authenticated_by"])
    }
    static var example: Self {
        Self(user: .example, tenant: .example, role: .owner,
             permissions: Role.owner.permissions.map(\.rawValue).sorted(), authenticatedBy: "session")
    }
}

extension AuthController.SignupResponse: APISchema {
    static let schemaName = "SignupResponse"
    static var schema: JSONValue {
        Schema.object([
            "user": Schemas.ref(AuthController.CurrentUserResponse.UserInfo.self),
            "tenant": Schemas.ref(AuthController.CurrentUserResponse.TenantInfo.self), "role": Schemas.role,
            "api_token": Schema.string("The API token's secret, shown only once."),
            "csrf_token": Schema.string("Send as `X-CSRF-Token` on unsafe requests made with the session cookie."),
        ], required: ["user", "tenant", "role", "api_token", "csrf_token"])
    }
    static var example: Self {
        Self(user: .example, tenant: .example, role: .owner, apiToken: "onr_7Qm2xK9pL4vR8sT1wY6zB3nC5dF0gH2j",
             csrfToken: "c3a9f1e27b5d4086a1f2e3d4c5b6a798")
    }
}

extension AuthController.LoginResponse: APISchema {
    static let schemaName = "LoginResponse"
    static var schema: JSONValue {
        Schema.object([
            "current": Schemas.ref(AuthController.CurrentUserResponse.self),
            "csrf_token": Schema.string("Send as `X-CSRF-Token` on unsafe requests made with the session cookie."),
        ], required: ["current", "csrf_token"])
    }
    static var example: Self { Self(current: .example, csrfToken: "c3a9f1e27b5d4086a1f2e3d4c5b6a798") }
}
