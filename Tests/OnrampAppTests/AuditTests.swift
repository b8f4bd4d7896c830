import Fluent
import Foundation
@testable import OnrampApp
import OnrampDomain
import SQLKit
import Testing
import VaporTesting

@Suite("Audit trail")
struct AuditTests {
    @Test func listAuditEventsPagesNewestFirst() async throws {
        try await withOnrampApp { app in
            let account = try await app.signUp()
            for index in 0..<3 {
                _ = try await app.testing().sendRequest(.POST, "/api/v1/api-tokens", headers: account.bearer + .json,
                                                        body: .json(["name": "token \(index)"]))
            }
            let first = try await app.testing().sendRequest(.GET, "/api/v1/audit-events?limit=4", headers: account.bearer)
            #expect(first.status == .ok)
            let page = try first.jsonObject()
            let items = try #require(page["items"] as? [[String: Any]])
            #expect(items.compactMap { $0["sequence"] as? Int } == [6, 5, 4, 3])
            #expect(items.first?["action"] as? String == "api_token.created")
            #expect((items.first?["changes"] as? [String: Any])?["after"] != nil)
            #expect(items.first?["request_id"] as? String != nil)
            let next = try #require(page["next_before"] as? Int)

            let second = try await app.testing().sendRequest(.GET, "/api/v1/audit-events?limit=4&before=\(next)",
                                                            headers: account.bearer)
            let rest = try #require(try second.jsonObject()["items"] as? [[String: Any]])
            #expect(rest.compactMap { $0["sequence"] as? Int } == [2, 1])
        }
    }

    @Test func badPagingParametersAreValidationErrors() async throws {
        try await withOnrampApp { app in
            let account = try await app.signUp()
            let response = try await app.testing().sendRequest(.GET, "/api/v1/audit-events?limit=0&before=x",
                                                               headers: account.bearer)
            let problem = try response.expectProblem(.unprocessableEntity)
            let fields = Set((problem["errors"] as? [[String: Any]] ?? []).compactMap { $0["field"] as? String })
            #expect(fields == ["limit", "before"])
        }
    }

    @Test func onlyOwnersAndAdminsReadTheTrail() async throws {
        try await withOnrampApp { app in
            let account = try await app.signUp()
            let admin = try await app.addMember(to: account, role: .admin)
            let agent = try await app.addMember(to: account, role: .agent)
            let adminResponse = try await app.testing().sendRequest(.GET, "/api/v1/audit-events",
                                                                   headers: ["Authorization": "Bearer \(admin)"])
            #expect(adminResponse.status == .ok)
            let agentResponse = try await app.testing().sendRequest(.GET, "/api/v1/audit-events",
                                                                   headers: ["Authorization": "Bearer \(agent)"])
            try agentResponse.expectProblem(.forbidden)
        }
    }

    @Test func tamperingBreaksTheChain() async throws {
        try await withOnrampApp { app in
            let account = try await app.signUp()
            #expect(try await AuditLog.verify(tenantID: account.tenantID, on: app.db) == .intact(events: 3))

            try await app.db.sql.raw("""
                UPDATE audit_events SET actor = 'user:mallory@example.com'
                WHERE tenant_id = \(bind: account.tenantID) AND sequence = 2
                """).run()
            let verdict = try await AuditLog.verify(tenantID: account.tenantID, on: app.db)
            guard case .broken(let sequence, _) = verdict else {
                Issue.record("tampering was not detected: \(verdict)")
                return
            }
            #expect(sequence == 2)
        }
    }

    @Test func concurrentWritersKeepOneLinearChain() async throws {
        try await withOnrampApp { app in
            let account = try await app.signUp()
            try await withThrowingTaskGroup(of: Void.self) { group in
                for index in 0..<8 {
                    group.addTask {
                        let response = try await app.testing().sendRequest(
                            .POST, "/api/v1/api-tokens", headers: account.bearer + .json, body: .json(["name": "t\(index)"]))
                        #expect(response.status == .created)
                    }
                }
                try await group.waitForAll()
            }
            #expect(try await AuditLog.verify(tenantID: account.tenantID, on: app.db) == .intact(events: 11))
        }
    }
}

@Suite("Secrets and settings at start-up")
struct StartupTests {
    @Test func productionWithoutMasterKeyRefusesToStartListingEveryProblem() async throws {
        let app = try await Application.make(.testing)
        defer { Task { try? await app.asyncShutdown() } }
        do {
            try await configure(app, options: .init(environment: [
                "ONRAMP_ENV": "production", "ONRAMP_BCRYPT_COST": "99", "DATABASE_URL": "mysql://x",
            ]))
            Issue.record("configure accepted an invalid production environment")
        } catch let invalid as OnrampSettings.Invalid {
            let variables = Set(invalid.problems.map(\.variable))
            #expect(variables == ["ONRAMP_MASTER_KEY", "ONRAMP_BCRYPT_COST", "DATABASE_URL"])
        }
    }

    @Test func developmentGeneratesAPrivateMasterKeyFileAndReusesIt() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("key-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let path = directory + "/master.key"
        let key = try MasterKeyFile.loadOrCreate(at: path)
        #expect(key.count == 32)
        let attributes = try FileManager.default.attributesOfItem(atPath: path)
        #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == 0o600)
        #expect(try MasterKeyFile.loadOrCreate(at: path) == key)

        try "not a key".write(toFile: path, atomically: true, encoding: .utf8)
        #expect(throws: MasterKeyFile.Unusable.self) { try MasterKeyFile.loadOrCreate(at: path) }
    }

    @Test func configuredSecretBoxSealsWithTheMasterKey() async throws {
        let key = Data((0..<32).map { UInt8($0) }).base64EncodedString()
        try await withOnrampApp(extraEnvironment: ["ONRAMP_MASTER_KEY": key]) { app in
            let sealed = try app.onramp.secretBox.seal("whatsapp-token", context: "tenant:1")
            let keyID = SecretBox.keyID(of: (0..<32).map { UInt8($0) })
            #expect(sealed.hasPrefix("sb1.\(keyID)."))
            #expect(try app.onramp.secretBox.open(sealed, context: "tenant:1") == "whatsapp-token")
        }
    }
}
