import Fluent
import Foundation
import NIOCore
@testable import OnrampApp
import OnrampDomain
import OnrampIntegrations
import SQLKit
import Testing
import VaporTesting

/// Which database the suite runs on: SQLite in a temporary directory by default, PostgreSQL
/// when `ONRAMP_TEST_DATABASE_URL` is set (each test then gets a schema of its own).
enum TestDatabase {
    static var postgresURL: String? {
        ProcessInfo.processInfo.environment["ONRAMP_TEST_DATABASE_URL"].flatMap { $0.isEmpty ? nil : $0 }
    }
}

/// Limits high enough that ordinary tests never hit them.
let relaxedLimits = RateLimits.uniform(perIP: 100_000, perEmail: 100_000, window: 60)

/// Runs `body` against a fully configured, migrated application and always shuts it down.
func withOnrampApp(
    rateLimits: RateLimits = relaxedLimits,
    extraEnvironment: [String: String] = [:],
    webhooks: WebhookClient = .unimplemented,
    _ body: (Application) async throws -> Void
) async throws {
    let dataDirectory = FileManager.default.temporaryDirectory
        .appendingPathComponent("onramp-test-\(UUID().uuidString)").path
    var environment = ["ONRAMP_ENV": "testing", "ONRAMP_DATA_DIR": dataDirectory]
    var schema: String?
    if let url = TestDatabase.postgresURL {
        environment["DATABASE_URL"] = url
        schema = "t_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased()
    }
    environment.merge(extraEnvironment) { _, new in new }

    let app = try await Application.make(.testing)
    app.logger.logLevel = .error
    do {
        var options = ConfigureOptions(environment: environment, rateLimits: rateLimits, postgresSearchPath: schema.map { [$0] })
        options.startsJobWorkers = false
        options.webhooks = webhooks
        try await configure(app, options: options)
        if let schema {
            try await app.db.sql.raw("CREATE SCHEMA \(ident: schema)").run()
        }
        try await app.autoMigrate()
        try await body(app)
    } catch {
        await cleanUp(app, schema: schema, dataDirectory: dataDirectory)
        throw error
    }
    await cleanUp(app, schema: schema, dataDirectory: dataDirectory)
}

private func cleanUp(_ app: Application, schema: String?, dataDirectory: String) async {
    if let schema {
        try? await app.db.sql.raw("DROP SCHEMA \(ident: schema) CASCADE").run()
    }
    try? await app.asyncShutdown()
    try? FileManager.default.removeItem(atPath: dataDirectory)
}

/// A signed-up tenant owner with both credentials.
struct TestAccount {
    let email: String
    let password: String
    let tenantID: UUID
    let userID: UUID
    let apiToken: String
    let sessionCookie: String
    let csrfToken: String

    var bearer: HTTPHeaders { ["Authorization": "Bearer \(apiToken)"] }

    /// Headers of a browser: both cookies and the CSRF header.
    var browser: HTTPHeaders {
        ["Cookie": "onramp_session=\(sessionCookie); onramp_csrf=\(csrfToken)", "X-CSRF-Token": csrfToken]
    }
}

let strongPassword = "violet tractor marmalade 77"

extension Application {
    /// Signs up a fresh tenant through the API.
    func signUp(organization: String = "Acme Support", email: String? = nil) async throws -> TestAccount {
        let address = email ?? "owner-\(UUID().uuidString.prefix(8).lowercased())@example.com"
        let response = try await testing().sendRequest(.POST, "/api/v1/auth/signup", headers: .json, body: .json([
            "organization_name": organization, "name": "Olive Owner", "email": address, "password": strongPassword,
        ]))
        try #require(response.status == .created, "sign-up failed: \(response.body.string)")
        let json = try response.jsonObject()
        let tenant = try #require(json["tenant"] as? [String: Any])
        let user = try #require(json["user"] as? [String: Any])
        return TestAccount(
            email: address.lowercased(), password: strongPassword,
            tenantID: try #require(UUID(uuidString: tenant["id"] as? String ?? "")),
            userID: try #require(UUID(uuidString: user["id"] as? String ?? "")),
            apiToken: try #require(json["api_token"] as? String),
            sessionCookie: try #require(response.cookie("onramp_session")),
            csrfToken: try #require(response.cookie("onramp_csrf")))
    }

    /// A platform operator (no tenant), signed in: browser headers with the session and CSRF cookies.
    func signUpOperator() async throws -> HTTPHeaders {
        let email = "ops-\(UUID().uuidString.prefix(8).lowercased())@vendor.example"
        let user = User(email: email, name: "Opal Ops", passwordHash: try Bcrypt.hash(strongPassword, cost: 4))
        user.isOperator = true
        try await user.create(on: db)
        let login = try await testing().sendRequest(.POST, "/api/v1/auth/login", headers: .json,
                                                    body: .json(["email": email, "password": strongPassword]))
        let session = try #require(login.cookie("onramp_session"))
        let csrf = try #require(login.cookie("onramp_csrf"))
        return ["Cookie": "onramp_session=\(session); onramp_csrf=\(csrf)", "X-CSRF-Token": csrf]
    }

    /// Adds a member with `role` to `account`'s tenant and returns an API token for them.
    func addMember(to account: TestAccount, role: Role) async throws -> String {
        let user = User(email: "\(role.rawValue)-\(UUID().uuidString.prefix(8).lowercased())@example.com",
                        name: "\(role.rawValue.capitalized) Member", passwordHash: try Bcrypt.hash(strongPassword, cost: 4))
        try await user.create(on: db)
        try await Membership(tenantID: account.tenantID, userID: try user.requireID(), role: role).create(on: db)
        let secret = APITokenSecret.generate()
        _ = try await APITokenRepository(db: db).create(
            in: TenantScope(tenantID: account.tenantID), userID: try user.requireID(), name: "test",
            secret: secret, expiresAt: nil)
        return secret.value
    }
}

extension HTTPHeaders {
    static var json: HTTPHeaders { ["Content-Type": "application/json"] }

    static func + (lhs: HTTPHeaders, rhs: HTTPHeaders) -> HTTPHeaders {
        var copy = lhs
        for (name, value) in rhs { copy.replaceOrAdd(name: name, value: value) }
        return copy
    }
}

extension ByteBuffer {
    static func json(_ object: [String: Any]) -> ByteBuffer {
        ByteBuffer(data: try! JSONSerialization.data(withJSONObject: object))
    }

    static func text(_ text: String) -> ByteBuffer { ByteBuffer(string: text) }
}

extension TestingHTTPResponse {
    func jsonObject() throws -> [String: Any] {
        let data = Data(body.readableBytesView)
        return try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any], "not a JSON object: \(body.string)")
    }

    /// The value a `Set-Cookie` header gives `name`.
    func cookie(_ name: String) -> String? {
        for header in headers[.setCookie] {
            let pair = header.split(separator: ";", maxSplits: 1)[0]
            let parts = pair.split(separator: "=", maxSplits: 1)
            if parts.count == 2, parts[0].trimmingCharacters(in: .whitespaces) == name { return String(parts[1]) }
        }
        return nil
    }

    /// Checks the response is RFC 9457 problem details with `status`, and returns its members.
    @discardableResult
    func expectProblem(_ status: HTTPStatus, type: String? = nil,
                       sourceLocation: SourceLocation = #_sourceLocation) throws -> [String: Any] {
        #expect(self.status == status, "expected \(status.code), got \(self.status.code): \(body.string)",
                sourceLocation: sourceLocation)
        #expect(headers.first(name: .contentType)?.hasPrefix("application/problem+json") == true,
                "content type was \(headers.first(name: .contentType) ?? "none")", sourceLocation: sourceLocation)
        let json = try jsonObject()
        #expect(json["status"] as? Int == Int(status.code), sourceLocation: sourceLocation)
        #expect((json["title"] as? String)?.isEmpty == false, sourceLocation: sourceLocation)
        #expect((json["detail"] as? String)?.isEmpty == false, sourceLocation: sourceLocation)
        #expect(json["request_id"] as? String == headers.first(name: "X-Request-ID"), sourceLocation: sourceLocation)
        if let type { #expect(json["type"] as? String == "/problems/\(type)", sourceLocation: sourceLocation) }
        return json
    }
}
