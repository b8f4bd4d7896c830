import ConsoleKit
import Fluent
import Foundation
@testable import OnrampApp
import OnrampDomain
import Testing
import VaporTesting

@Suite("Platform operators and the command line")
struct OperatorTests {
    func run(_ command: any AnyAsyncCommand, _ arguments: [String], on app: Application) async throws {
        var context = CommandContext(console: Terminal(), input: CommandInput(arguments: ["onramp"] + arguments))
        context.application = app
        try await command.run(using: &context)
    }

    @Test func createOperatorThenLogInAndListEveryTenant() async throws {
        try await withOnrampApp { app in
            // setup
            let tenantA = try await app.signUp(organization: "Alpha")
            _ = try await app.signUp(organization: "Beta")

            // act
            try await run(CreateOperatorCommand(),
                          ["--email", "Ops@Vendor.example", "--name", "Opal Ops", "--password", strongPassword], on: app)

            // check: the operator logs in without a tenant and sees every tenant
            let login = try await app.testing().sendRequest(.POST, "/api/v1/auth/login", headers: .json, body: .json([
                "email": "ops@vendor.example", "password": strongPassword,
            ]))
            #expect(login.status == .ok)
            let session = try #require(login.cookie("onramp_session"))
            let cookie: HTTPHeaders = ["Cookie": "onramp_session=\(session)"]
            let me = try await app.testing().sendRequest(.GET, "/api/v1/me", headers: cookie)
            let current = try me.jsonObject()
            #expect(current["tenant"] == nil || current["tenant"] is NSNull)
            #expect((current["permissions"] as? [String])?.contains("platform.tenants.read") == true)

            let list = try await app.testing().sendRequest(.GET, "/api/v1/operator/tenants", headers: cookie)
            #expect(list.status == .ok)
            let items = try #require(try list.jsonObject()["items"] as? [[String: Any]])
            #expect(Set(items.compactMap { $0["name"] as? String }) == ["Alpha", "Beta"])
            #expect(items.allSatisfy { $0["members"] as? Int == 1 })

            // tenant users may not
            let denied = try await app.testing().sendRequest(.GET, "/api/v1/operator/tenants", headers: tenantA.bearer)
            try denied.expectProblem(.forbidden)
            // operators without a tenant cannot reach tenant-scoped routes
            let tokens = try await app.testing().sendRequest(.GET, "/api/v1/api-tokens", headers: cookie)
            try tokens.expectProblem(.forbidden)

            let home = try await app.testing().sendRequest(.GET, "/", headers: cookie)
            #expect(home.body.string.contains("platform operator"))

            #expect(try await AuditLog.verify(tenantID: AuditLog.platformTenantID, on: app.db) == .intact(events: 1))
        }
    }

    @Test func createOperatorRefusesBadInputAndPromotesExistingUsers() async throws {
        try await withOnrampApp { app in
            await #expect(throws: ExitCode.self) {
                try await run(CreateOperatorCommand(), ["--email", "not-an-email"], on: app)
            }
            await #expect(throws: ExitCode.self) {
                try await run(CreateOperatorCommand(), ["--email", "ops@vendor.example", "--password", "short"], on: app)
            }
            #expect(try await User.query(on: app.db).count() == 0)

            let account = try await app.signUp()
            try await run(CreateOperatorCommand(), ["--email", account.email], on: app)
            let user = try #require(try await User.find(account.userID, on: app.db))
            #expect(user.isOperator)
            let actions = try await AuditEvent.query(on: app.db).filter(\.$tenantID == AuditLog.platformTenantID).all()
                .map(\.action)
            #expect(actions == ["operator.promoted"])
        }
    }

    @Test func auditVerifyCommandPassesIntactChainsAndFailsTamperedOnes() async throws {
        try await withOnrampApp { app in
            let account = try await app.signUp(organization: "Verify Me")
            let verify = AuditCommandGroup.VerifyCommand()
            try await run(verify, ["--tenant", account.tenantID.uuidString], on: app)
            try await run(verify, ["--tenant", "verify-me"], on: app)
            await #expect(throws: ExitCode.self) { try await run(verify, ["--tenant", "no-such-tenant"], on: app) }
            await #expect(throws: ExitCode.self) { try await run(verify, [], on: app) }

            let event = try #require(try await AuditEvent.query(on: app.db)
                .filter(\.$tenantID == account.tenantID).filter(\.$sequence == 1).first())
            event.changes = #"{"after":{"name":"Someone Else"}}"#
            try await event.update(on: app.db)
            await #expect(throws: ExitCode.self) {
                try await run(verify, ["--tenant", account.tenantID.uuidString], on: app)
            }
        }
    }
}

@Suite("Schema updates")
struct SchemaUpdateTests {
    /// Several server processes starting at once on one PostgreSQL database must not run a
    /// migration twice; the advisory lock makes them take turns.
    @Test(.enabled(if: TestDatabase.postgresURL != nil, "needs ONRAMP_TEST_DATABASE_URL"))
    func concurrentStartsMigrateOnce() async throws {
        let url = try #require(TestDatabase.postgresURL)
        let schema = "m_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased()
        var apps: [Application] = []
        for _ in 0..<3 {
            let app = try await Application.make(.testing)
            app.logger.logLevel = .error
            try await configure(app, options: ConfigureOptions(
                environment: ["ONRAMP_ENV": "testing", "DATABASE_URL": url], postgresSearchPath: [schema]))
            apps.append(app)
        }
        do {
            try await apps[0].db.sql.raw("CREATE SCHEMA \(ident: schema)").run()
            try await withThrowingTaskGroup(of: Void.self) { group in
                for app in apps { group.addTask { try await SchemaUpdater.update(app) } }
                try await group.waitForAll()
            }
            let rows = try await apps[0].db.sql.raw("SELECT COUNT(*) AS n FROM _fluent_migrations").first()
            #expect(try rows?.decode(column: "n", as: Int.self) == 18, "each of the 18 migrations ran once")
        } catch {
            Issue.record(error)
        }
        try? await apps[0].db.sql.raw("DROP SCHEMA \(ident: schema) CASCADE").run()
        for app in apps { try? await app.asyncShutdown() }
    }
}
