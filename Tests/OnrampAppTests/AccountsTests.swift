import Fluent
import Foundation
@testable import OnrampApp
import OnrampDomain
import Testing
import VaporTesting

@Suite("Sign-up, log-in, log-out and the current user")
struct AccountsTests {
    @Test func signupCreatesTenantOwnerTokenSessionAndAuditTrail() async throws {
        try await withOnrampApp { app in
            // act
            let account = try await app.signUp(organization: "Zürich Bikes & Co.", email: "Ann.Owner@Example.COM")

            // check: the API token and the session cookie both identify the owner
            let viaToken = try await app.testing().sendRequest(.GET, "/api/v1/me", headers: account.bearer)
            #expect(viaToken.status == .ok)
            let me = try viaToken.jsonObject()
            #expect((me["user"] as? [String: Any])?["email"] as? String == "ann.owner@example.com")
            #expect(me["role"] as? String == "owner")
            #expect(me["authenticated_by"] as? String == "api_token")
            let tenant = try #require(me["tenant"] as? [String: Any])
            #expect(tenant["name"] as? String == "Zürich Bikes & Co.")
            #expect(tenant["slug"] as? String == "zuerich-bikes-co")
            let permissions = try #require(me["permissions"] as? [String])
            #expect(permissions.contains("audit.read"))
            #expect(!permissions.contains("platform.operate"))

            let viaCookie = try await app.testing().sendRequest(.GET, "/api/v1/me", headers: account.browser)
            #expect(viaCookie.status == .ok)
            #expect(try viaCookie.jsonObject()["authenticated_by"] as? String == "session")

            let events = try await AuditEvent.query(on: app.db).filter(\.$tenantID == account.tenantID)
                .sort(\.$sequence).all()
            #expect(events.map(\.action) == ["tenant.created", "member.added", "api_token.created"])
            #expect(AuditChain.verify(events.map(\.entry)) == .intact(events: 3))
            let user = try #require(try await User.find(account.userID, on: app.db))
            #expect(user.passwordHash != strongPassword)
            #expect(try Bcrypt.verify(strongPassword, created: user.passwordHash))
        }
    }

    @Test func signupCookiesAreHttpOnlyAndSameSiteLax() async throws {
        try await withOnrampApp { app in
            let response = try await app.testing().sendRequest(.POST, "/api/v1/auth/signup", headers: .json, body: .json([
                "organization_name": "Cookie Co", "name": "C", "email": "c@example.com", "password": strongPassword,
            ]))
            #expect(response.status == .created)
            let session = try #require(response.headers[.setCookie].first { $0.hasPrefix("onramp_session=") })
            #expect(session.contains("HttpOnly"))
            #expect(session.contains("SameSite=Lax"))
            #expect(!session.contains("Secure"))
        }
    }

    @Test func cookiesAreSecureWhenServedOverTLS() async throws {
        try await withOnrampApp(extraEnvironment: ["ONRAMP_PUBLIC_URL": "https://desk.example.com"]) { app in
            let response = try await app.testing().sendRequest(.POST, "/api/v1/auth/signup", headers: .json, body: .json([
                "organization_name": "Secure Co", "name": "S", "email": "s@example.com", "password": strongPassword,
            ]))
            let session = try #require(response.headers[.setCookie].first { $0.hasPrefix("onramp_session=") })
            #expect(session.contains("Secure"))
        }
    }

    @Test func emailIsUniqueRegardlessOfCase() async throws {
        try await withOnrampApp { app in
            _ = try await app.signUp(email: "dup@example.com")
            let response = try await app.testing().sendRequest(.POST, "/api/v1/auth/signup", headers: .json, body: .json([
                "organization_name": "Other", "name": "O", "email": "  DUP@Example.com ", "password": strongPassword,
            ]))
            let problem = try response.expectProblem(.conflict, type: "conflict")
            let errors = try #require(problem["errors"] as? [[String: Any]])
            #expect(errors.first?["field"] as? String == "email")
            #expect(try await Tenant.query(on: app.db).count() == 1)
        }
    }

    @Test func concurrentSignupsWithOneEmailCreateExactlyOneAccount() async throws {
        try await withOnrampApp { app in
            let statuses = try await withThrowingTaskGroup(of: UInt.self) { group in
                for index in 0..<6 {
                    group.addTask {
                        let response = try await app.testing().sendRequest(
                            .POST, "/api/v1/auth/signup", headers: .json, body: .json([
                                "organization_name": "Race \(index)", "name": "R", "email": "race@example.com",
                                "password": strongPassword,
                            ]))
                        return response.status.code
                    }
                }
                return try await group.reduce(into: [UInt]()) { $0.append($1) }
            }
            #expect(statuses.filter { $0 == 201 }.count == 1)
            #expect(statuses.filter { $0 == 409 }.count == 5)
            #expect(try await User.query(on: app.db).filter(\.$email == "race@example.com").count() == 1)
            #expect(try await Tenant.query(on: app.db).count() == 1)
        }
    }

    @Test func signupReportsEveryInvalidField() async throws {
        try await withOnrampApp { app in
            let response = try await app.testing().sendRequest(.POST, "/api/v1/auth/signup", headers: .json, body: .json([
                "organization_name": " ", "email": "not-an-email", "password": "short",
            ]))
            let problem = try response.expectProblem(.unprocessableEntity, type: "validation-failed")
            let errors = try #require(problem["errors"] as? [[String: Any]])
            let fields = Set(errors.compactMap { $0["field"] as? String })
            #expect(fields == ["organization_name", "name", "email", "password"])
            let password = errors.first { $0["field"] as? String == "password" }
            #expect((password?["message"] as? String)?.contains("12 characters") == true)
            #expect(try await User.query(on: app.db).count() == 0)
        }
    }

    @Test func commonPasswordsAreRefused() async throws {
        try await withOnrampApp { app in
            let response = try await app.testing().sendRequest(.POST, "/api/v1/auth/signup", headers: .json, body: .json([
                "organization_name": "Acme", "name": "A", "email": "a@example.com", "password": "Password1234!",
            ]))
            let problem = try response.expectProblem(.unprocessableEntity)
            let errors = try #require(problem["errors"] as? [[String: Any]])
            #expect(errors.first?["code"] as? String == "too_common")
        }
    }

    @Test func loginSetsSessionAndRefusesWrongCredentialsAlike() async throws {
        try await withOnrampApp { app in
            let account = try await app.signUp()
            let ok = try await app.testing().sendRequest(.POST, "/api/v1/auth/login", headers: .json, body: .json([
                "email": account.email.uppercased(), "password": account.password,
            ]))
            #expect(ok.status == .ok)
            let session = try #require(ok.cookie("onramp_session"))
            let csrf = try #require(ok.cookie("onramp_csrf"))
            #expect(try ok.jsonObject()["csrf_token"] as? String == csrf)
            let me = try await app.testing().sendRequest(.GET, "/api/v1/me",
                                                        headers: ["Cookie": "onramp_session=\(session)"])
            #expect(me.status == .ok)

            let wrongPassword = try await app.testing().sendRequest(.POST, "/api/v1/auth/login", headers: .json, body: .json([
                "email": account.email, "password": "not the right password",
            ]))
            let unknownEmail = try await app.testing().sendRequest(.POST, "/api/v1/auth/login", headers: .json, body: .json([
                "email": "nobody@example.com", "password": "not the right password",
            ]))
            let first = try wrongPassword.expectProblem(.unauthorized, type: "unauthenticated")
            let second = try unknownEmail.expectProblem(.unauthorized, type: "unauthenticated")
            #expect(first["detail"] as? String == second["detail"] as? String)
        }
    }

    @Test func logoutEndsTheSession() async throws {
        try await withOnrampApp { app in
            let account = try await app.signUp()
            let response = try await app.testing().sendRequest(.POST, "/api/v1/auth/logout", headers: account.browser)
            #expect(response.status == .noContent)
            let me = try await app.testing().sendRequest(.GET, "/api/v1/me", headers: account.browser)
            try me.expectProblem(.unauthorized)
            #expect(try await WebSession.query(on: app.db).filter(\.$userID == account.userID).count() == 0)
        }
    }

    @Test func cookieAuthenticatedWritesNeedTheCSRFHeader() async throws {
        try await withOnrampApp { app in
            let account = try await app.signUp()
            let cookieOnly: HTTPHeaders = ["Cookie": "onramp_session=\(account.sessionCookie); onramp_csrf=\(account.csrfToken)",
                                           "Content-Type": "application/json"]
            let refused = try await app.testing().sendRequest(.POST, "/api/v1/api-tokens", headers: cookieOnly,
                                                             body: .json(["name": "ci"]))
            try refused.expectProblem(.forbidden, type: "csrf-failed")
            let wrong = try await app.testing().sendRequest(
                .POST, "/api/v1/api-tokens", headers: cookieOnly + ["X-CSRF-Token": "forged"], body: .json(["name": "ci"]))
            try wrong.expectProblem(.forbidden, type: "csrf-failed")
            let accepted = try await app.testing().sendRequest(
                .POST, "/api/v1/api-tokens", headers: account.browser + .json, body: .json(["name": "ci"]))
            #expect(accepted.status == .created)
        }
    }

    @Test func loginIsRateLimitedPerEmailWithRetryAfter() async throws {
        let limits = RateLimits.uniform(perIP: 100, perEmail: 3, window: 600)
        try await withOnrampApp(rateLimits: limits) { app in
            var last: TestingHTTPResponse?
            for _ in 0..<4 {
                last = try await app.testing().sendRequest(.POST, "/api/v1/auth/login", headers: .json, body: .json([
                    "email": "victim@example.com", "password": "guess guess guess",
                ]))
            }
            let response = try #require(last)
            try response.expectProblem(.tooManyRequests, type: "rate-limited")
            let retryAfter = try #require(response.headers.first(name: "Retry-After").flatMap(Int.init))
            #expect(retryAfter > 0 && retryAfter <= 600)
            // another email from the same address is still allowed
            let other = try await app.testing().sendRequest(.POST, "/api/v1/auth/login", headers: .json, body: .json([
                "email": "someone@example.com", "password": "guess guess guess",
            ]))
            #expect(other.status == .unauthorized)
        }
    }

    @Test func signupIsRateLimitedPerIP() async throws {
        let limits = RateLimits.uniform(perIP: 2, perEmail: 100, window: 600)
        try await withOnrampApp(rateLimits: limits) { app in
            var statuses: [UInt] = []
            for index in 0..<3 {
                let response = try await app.testing().sendRequest(.POST, "/api/v1/auth/signup", headers: .json, body: .json([
                    "organization_name": "Org \(index)", "name": "N", "email": "n\(index)@example.com", "password": strongPassword,
                ]))
                statuses.append(response.status.code)
            }
            #expect(statuses == [201, 201, 429])
        }
    }

    @Test func meWithoutCredentialsIsUnauthenticated() async throws {
        try await withOnrampApp { app in
            let response = try await app.testing().sendRequest(.GET, "/api/v1/me")
            try response.expectProblem(.unauthorized, type: "unauthenticated")
            let forged = try await app.testing().sendRequest(.GET, "/api/v1/me",
                                                            headers: ["Authorization": "Bearer onr_" + String(repeating: "a", count: 40)])
            try forged.expectProblem(.unauthorized)
        }
    }
}
