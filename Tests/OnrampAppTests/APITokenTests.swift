import Fluent
import Foundation
@testable import OnrampApp
import OnrampDomain
import Testing
import VaporTesting

@Suite("API tokens")
struct APITokenTests {
    @Test func createdTokenIsShownOnceStoredHashedAndWorks() async throws {
        try await withOnrampApp { app in
            let account = try await app.signUp()
            let created = try await app.testing().sendRequest(
                .POST, "/api/v1/api-tokens", headers: account.bearer + .json,
                body: .json(["name": "Zapier", "expires_in_days": 30]))
            #expect(created.status == .created)
            let json = try created.jsonObject()
            let secret = try #require(json["secret"] as? String)
            #expect(secret.hasPrefix("onr_") && secret.count == 44)
            let token = try #require(json["token"] as? [String: Any])
            #expect(token["name"] as? String == "Zapier")
            #expect((token["prefix"] as? String).map { secret.hasPrefix($0) } == true)
            #expect(token["expires_at"] as? String != nil)

            let stored = try await APIToken.query(on: app.db).filter(\.$name == "Zapier").first()
            #expect(stored?.tokenHash == SecretDigest.sha256Hex(secret))

            let list = try await app.testing().sendRequest(.GET, "/api/v1/api-tokens", headers: account.bearer)
            #expect(list.status == .ok)
            #expect(!list.body.string.contains(secret))
            let items = try #require(try list.jsonObject()["items"] as? [[String: Any]])
            #expect(items.count == 2)

            let me = try await app.testing().sendRequest(.GET, "/api/v1/me", headers: ["Authorization": "Bearer \(secret)"])
            #expect(me.status == .ok)
        }
    }

    @Test func revokedTokenStopsWorkingAndRevokeIsAudited() async throws {
        try await withOnrampApp { app in
            let account = try await app.signUp()
            let created = try await app.testing().sendRequest(
                .POST, "/api/v1/api-tokens", headers: account.bearer + .json, body: .json(["name": "temp"]))
            let json = try created.jsonObject()
            let secret = try #require(json["secret"] as? String)
            let id = try #require((json["token"] as? [String: Any])?["id"] as? String)

            let revoked = try await app.testing().sendRequest(.DELETE, "/api/v1/api-tokens/\(id)", headers: account.bearer)
            #expect(revoked.status == .noContent)
            let again = try await app.testing().sendRequest(.DELETE, "/api/v1/api-tokens/\(id)", headers: account.bearer)
            #expect(again.status == .noContent)

            let me = try await app.testing().sendRequest(.GET, "/api/v1/me", headers: ["Authorization": "Bearer \(secret)"])
            try me.expectProblem(.unauthorized)
            let actions = try await AuditEvent.query(on: app.db).filter(\.$tenantID == account.tenantID)
                .sort(\.$sequence).all().map(\.action)
            #expect(actions.filter { $0 == "api_token.revoked" }.count == 1)
        }
    }

    @Test func expiredTokenIsRefused() async throws {
        try await withOnrampApp { app in
            let account = try await app.signUp()
            let secret = APITokenSecret.generate()
            _ = try await APITokenRepository(db: app.db).create(
                in: TenantScope(tenantID: account.tenantID), userID: account.userID, name: "old", secret: secret,
                expiresAt: Date().addingTimeInterval(-60))
            let me = try await app.testing().sendRequest(.GET, "/api/v1/me", headers: ["Authorization": "Bearer \(secret.value)"])
            try me.expectProblem(.unauthorized)
        }
    }

    @Test func invalidTokenRequestsAreExplained() async throws {
        try await withOnrampApp { app in
            let account = try await app.signUp()
            let blank = try await app.testing().sendRequest(
                .POST, "/api/v1/api-tokens", headers: account.bearer + .json,
                body: .json(["name": "", "expires_in_days": 0]))
            let problem = try blank.expectProblem(.unprocessableEntity)
            let fields = Set((problem["errors"] as? [[String: Any]] ?? []).compactMap { $0["field"] as? String })
            #expect(fields == ["name", "expires_in_days"])

            let badID = try await app.testing().sendRequest(.DELETE, "/api/v1/api-tokens/not-a-uuid", headers: account.bearer)
            try badID.expectProblem(.notFound)
        }
    }

    @Test func agentsSeeOnlyTheirOwnTokensAndViewersNone() async throws {
        try await withOnrampApp { app in
            let account = try await app.signUp()
            let agentToken = try await app.addMember(to: account, role: .agent)
            let viewerToken = try await app.addMember(to: account, role: .viewer)

            let agentList = try await app.testing().sendRequest(.GET, "/api/v1/api-tokens",
                                                               headers: ["Authorization": "Bearer \(agentToken)"])
            #expect(agentList.status == .ok)
            #expect((try agentList.jsonObject()["items"] as? [Any])?.count == 1)

            let ownerList = try await app.testing().sendRequest(.GET, "/api/v1/api-tokens", headers: account.bearer)
            #expect((try ownerList.jsonObject()["items"] as? [Any])?.count == 3)

            // an agent cannot revoke the owner's token: it answers as if it did not exist
            let ownerTokenID = try #require(try await APIToken.query(on: app.db)
                .filter(\.$userID == account.userID).first()?.requireID())
            let revoke = try await app.testing().sendRequest(.DELETE, "/api/v1/api-tokens/\(ownerTokenID)",
                                                            headers: ["Authorization": "Bearer \(agentToken)"])
            try revoke.expectProblem(.notFound)

            let viewer = try await app.testing().sendRequest(.GET, "/api/v1/api-tokens",
                                                            headers: ["Authorization": "Bearer \(viewerToken)"])
            try viewer.expectProblem(.forbidden, type: "forbidden")
        }
    }
}
