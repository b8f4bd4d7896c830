import Fluent
import Foundation
@testable import OnrampApp
import OnrampDomain
import SQLKit
import Testing
import VaporTesting

/// Onboarding changes are committed in groups (`OnboardingChangeQueue`): concurrent changes
/// share one transaction but must behave exactly as if each had its own.
@Suite("Onboarding group commit")
struct OnboardingGroupCommitTests {
    func patch(_ app: Application, _ account: TestAccount, _ step: String, _ body: [String: Any]) async throws -> UInt {
        try await app.testing().sendRequest(.PATCH, "/api/v1/onboarding/steps/\(step)", headers: account.bearer + .json,
                                            body: .json(body)).status.code
    }

    @Test func concurrentChangesOfTwoTenantsAreAllKeptInOrderAndAudited() async throws {
        try await withOnrampApp { app in
            let first = try await app.signUp(organization: "First Desk")
            let second = try await app.signUp(organization: "Second Desk")
            // 12 saves per tenant at once, plus per tenant one change that must be refused
            // (completing the portal before branding) in the middle of them.
            let statuses = try await withThrowingTaskGroup(of: (UUID, UInt).self) { group in
                for account in [first, second] {
                    for index in 0..<12 {
                        group.addTask {
                            (account.tenantID, try await patch(app, account, "ai", ["config": ["note_\(index)": "value \(index)"]]))
                        }
                    }
                    group.addTask {
                        (account.tenantID, try await patch(app, account, "portal", ["config": ["subdomain": "acme"], "complete": true]))
                    }
                }
                return try await group.reduce(into: [(UUID, UInt)]()) { $0.append($1) }
            }
            for account in [first, second] {
                let mine = statuses.filter { $0.0 == account.tenantID }.map(\.1)
                #expect(mine.filter { $0 == 200 }.count == 12)
                #expect(mine.filter { $0 == 409 }.count == 1)
                let session = try await app.testing().sendRequest(.GET, "/api/v1/onboarding", headers: account.bearer).jsonObject()
                // Version 1 at sign-up, one more per kept change; the refused one left no trace.
                #expect(session["version"] as? Int == 13)
                let ai = (session["steps"] as? [[String: Any]])?.first { $0["id"] as? String == "ai" }
                #expect((ai?["config"] as? [String: Any])?.count == 12)
                let portal = (session["steps"] as? [[String: Any]])?.first { $0["id"] as? String == "portal" }
                #expect(portal?["state"] as? String == "not_started")
                // Sign-up's events plus one per kept change, in one unbroken chain per tenant.
                let verdict = try await AuditLog.verify(tenantID: account.tenantID, on: app.db)
                guard case .intact(let events) = verdict else {
                    Issue.record("the audit chain of \(account.tenantID) is broken: \(verdict)")
                    continue
                }
                let saved = try await AuditEvent.query(on: app.db)
                    .filter(\.$tenantID == account.tenantID).filter(\.$action == "onboarding.step.saved").count()
                #expect(saved == 12)
                #expect(events >= 13)
                let activity = try await app.db.sql.raw("""
                    SELECT COUNT(*) AS n FROM activity_events WHERE tenant_id = \(bind: account.tenantID) AND action = 'step.saved'
                    """).first()?.decode(column: "n", as: Int.self)
                #expect(activity == 12)
            }
        }
    }

    @Test func aChangeBasedOnAVersionMadeInTheSameGroupStillConflicts() async throws {
        try await withOnrampApp { app in
            let account = try await app.signUp()
            // Eight writers all based on version 1: whatever groups they land in, one wins.
            let statuses = try await withThrowingTaskGroup(of: UInt.self) { group in
                for index in 0..<8 {
                    group.addTask {
                        try await app.testing().sendRequest(
                            .PATCH, "/api/v1/onboarding/steps/organization", headers: account.bearer + .json,
                            body: .json(["config": ["legal_name": "Writer \(index)"], "version": 1])).status.code
                    }
                }
                return try await group.reduce(into: [UInt]()) { $0.append($1) }
            }
            #expect(statuses.filter { $0 == 200 }.count == 1)
            #expect(statuses.filter { $0 == 409 }.count == 7)
        }
    }

    @Test func changesThatWaitTogetherCommitTogether() async throws {
        try await withOnrampApp { app in
            let account = try await app.signUp()
            // A first call records the token's use, so that authentication writes nothing below.
            _ = try await app.testing().sendRequest(.GET, "/api/v1/onboarding", headers: account.bearer)
            // Hold the write path (SQLite queues writers in the process; on PostgreSQL a row lock
            // of the session holds the first batch) while eight changes arrive.
            let serializer = app.onramp.sqliteWrites
            await serializer?.acquire()
            let hold = serializer == nil ? try await holdSessionRow(app, account) : nil
            let statuses = Task {
                try await withThrowingTaskGroup(of: UInt.self) { group in
                    for index in 0..<8 {
                        group.addTask { try await patch(app, account, "ai", ["config": ["note_\(index)": "value"]]) }
                    }
                    return try await group.reduce(into: [UInt]()) { $0.append($1) }
                }
            }
            let queue = app.onramp.onboardingChanges
            let deadline = Date().addingTimeInterval(10)
            while await queue.pendingCount < 7, Date() < deadline { try await Task.sleep(for: .milliseconds(5)) }
            #expect(await queue.pendingCount == 7, "seven changes wait behind the first")
            await serializer?.release()
            try await hold?()
            #expect(try await statuses.value.allSatisfy { $0 == 200 })
            #expect(await queue.largestBatch >= 7, "the seven waiting changes went into one transaction")
            let session = try await app.testing().sendRequest(.GET, "/api/v1/onboarding", headers: account.bearer).jsonObject()
            #expect(session["version"] as? Int == 9)
        }
    }

    /// PostgreSQL: locks the tenant's session row in a transaction of its own; returns the release.
    func holdSessionRow(_ app: Application, _ account: TestAccount) async throws -> @Sendable () async throws -> Void {
        let locked = AsyncStream<Void>.makeStream()
        let release = AsyncStream<Void>.makeStream()
        let task = Task {
            try await app.db.transaction { db in
                try await db.sql.raw("SELECT 1 FROM onboarding_sessions WHERE tenant_id = \(bind: account.tenantID) FOR UPDATE").run()
                locked.continuation.yield()
                for await _ in release.stream { break }
            }
        }
        for await _ in locked.stream { break }
        return {
            release.continuation.yield()
            try await task.value
        }
    }
}
