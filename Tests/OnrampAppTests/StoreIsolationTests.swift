import Fluent
import Foundation
@testable import OnrampApp
import OnrampDomain
import SQLKit
import Testing
import VaporTesting

/// One test per store: two tenants are seeded, and every method called with one tenant's scope
/// neither sees nor changes the other's rows. (Run on PostgreSQL too: the rows decode Int64,
/// Bool, Date, UUID and `COUNT(*)` columns through SQLKit.)
@Suite("Store isolation")
struct StoreIsolationTests {
    func newImport(_ account: TestAccount, name: String) -> NewImport {
        NewImport(id: TimeOrderedID.make(), fileName: name, byteSize: 5_000_000_000, sha256: "abc", storagePath: "/nowhere/\(name)",
                  format: "csv", source: "generic", object: "tickets", encoding: "utf-8", fields: #"["Id"]"#, state: "uploaded",
                  createdBy: account.userID)
    }

    @Test func importStoreKeepsTenantsApart() async throws {
        try await withOnrampApp { app in
            let a = try await app.signUp(organization: "Tenant A")
            let b = try await app.signUp(organization: "Tenant B")
            let (scopeA, scopeB) = (TenantScope(tenantID: a.tenantID), TenantScope(tenantID: b.tenantID))
            let importA = newImport(a, name: "a.csv")
            let importB = newImport(b, name: "b.csv")
            try await app.writer.atomically { db in
                try await ImportStore(db: db).create(scopeA, importA)
                try await ImportStore(db: db).create(scopeB, importB)
                for (id, tenant) in [(importA.id, a.tenantID), (importB.id, b.tenantID)] {
                    try await db.sql.raw("""
                        INSERT INTO import_errors (import_id, tenant_id, row_number, line, verdict, reason, original)
                        VALUES (\(bind: id), \(bind: tenant), 1, NULL, 'rejected', 'No subject.', '{}')
                        """).run()
                }
            }
            let store = ImportStore(db: app.db)
            let found = try #require(try await store.find(scopeA, importA.id))
            #expect(found.byteSize == 5_000_000_000 && found.fileName == "a.csv" && found.state == "uploaded")
            #expect(found.checkpoint == ImportCheckpoint() && found.jobId == nil && found.startedAt == nil)
            #expect(try await store.find(scopeB, importA.id) == nil)
            #expect(try await store.list(scopeB).map(\.id) == [importB.id])
            #expect(try await store.errors(scopeB, importID: importA.id, after: 0).isEmpty)
            let errors = try await store.errors(scopeA, importID: importA.id, after: 0)
            #expect(errors.map(\.rowNumber) == [1] && errors.first?.line == nil && errors.first?.reason == "No subject.")

            // B's scope changes nothing of A's import.
            let next = ImportCheckpoint(offset: 10, rows: 2, line: 3, counts: ImportCounts(), errors: 1)
            let moved = try await app.writer.atomically { db in
                let store = ImportStore(db: db)
                try await store.saveMapping(scopeB, importA.id, mapping: "{}", options: "{}", object: "contacts")
                try await store.queue(scopeB, importA.id, jobID: UUID(), mapping: "{}", restart: true)
                try await store.markRunning(scopeB, importA.id)
                try await store.finish(scopeB, importA.id, state: "failed", message: "B was here")
                try await store.cancelBeforeStart(scopeB, importA.id)
                return try await store.moveCheckpoint(scopeB, importA.id, from: ImportCheckpoint(), to: next)
            }
            #expect(!moved)
            let after = try #require(try await store.find(scopeA, importA.id))
            #expect(after.state == "uploaded" && after.mapping == nil && after.object == "tickets" && after.message == nil)
            #expect(after.checkpoint == ImportCheckpoint() && after.startedAt == nil && after.finishedAt == nil)
            #expect(try await store.errors(scopeA, importID: importA.id, after: 0).count == 1, "a restart in B's scope keeps A's errors")
            #expect(try await store.unfinishedCommandImport(scopeB, sha256: "abc", storagePath: importA.storagePath) == nil)

            // A's own scope does change it.
            let movedInA = try await app.writer.atomically { db in
                let store = ImportStore(db: db)
                try await store.markRunning(scopeA, importA.id)
                return try await store.moveCheckpoint(scopeA, importA.id, from: ImportCheckpoint(), to: next)
            }
            #expect(movedInA)
            let running = try #require(try await store.find(scopeA, importA.id))
            #expect(running.state == "running" && running.startedAt != nil && running.checkpoint == next)
            #expect(try await store.unfinishedCommandImport(scopeA, sha256: "abc", storagePath: importA.storagePath) == importA.id)
        }
    }

    @Test func jobQueueKeepsTenantsApart() async throws {
        try await withOnrampApp { app in
            let a = try await app.signUp(organization: "Tenant A")
            let b = try await app.signUp(organization: "Tenant B")
            let (scopeA, scopeB) = (TenantScope(tenantID: a.tenantID), TenantScope(tenantID: b.tenantID))
            let (jobA, jobB) = try await app.writer.atomically { db in
                (try await JobQueue(db: db).enqueue(NewJob(tenantID: a.tenantID, kind: "test.a")),
                 try await JobQueue(db: db).enqueue(NewJob(tenantID: b.tenantID, kind: "test.b")))
            }
            let queue = JobQueue(db: app.db)
            let found = try #require(try await queue.find(scopeA, jobA))
            #expect(found.kind == "test.a" && found.state == "queued" && !found.cancelRequested && found.progressTotal == nil)
            #expect(try await queue.find(scopeB, jobA) == nil)
            #expect(try await queue.list(scopeB, state: nil, limit: 50).map(\.id) == [jobB])
            #expect(try await queue.list(scopeB, state: "queued", limit: 50).map(\.id) == [jobB])
            #expect(try await queue.list(scopeA, state: "running", limit: 50).isEmpty)
            let cancelled = try await app.writer.atomically { db in try await JobQueue(db: db).cancel(scopeB, jobA) }
            #expect(cancelled == nil)
            #expect(try await queue.find(scopeA, jobA)?.state == "queued")
            let own = try await app.writer.atomically { db in try await JobQueue(db: db).cancel(scopeA, jobA) }
            #expect(own == .cancelled)
            #expect(try await queue.find(scopeA, jobA)?.state == "cancelled")
            #expect(try await queue.find(scopeB, jobB)?.state == "queued")
        }
    }

    @Test func jobSchedulesMoveOnOncePerDueTime() async throws {
        try await withOnrampApp { app in
            let schedule = RecurringJob(name: "test-schedule", cron: try CronSchedule("0 * * * *"),
                                        timeZone: TimeZone(identifier: "UTC")!, kind: "test.recurring")
            let due = Date(timeIntervalSince1970: 1_800_000_000)
            let next = due.addingTimeInterval(3600)
            let store = JobScheduleStore(db: app.db)
            #expect(try await store.nextRun(of: schedule.name) == nil)
            try await app.writer.atomically { db in
                try await JobScheduleStore(db: db).add(schedule, firstRunAt: due)
                try await JobScheduleStore(db: db).add(schedule, firstRunAt: next) // another runner: nothing changes
            }
            #expect(try await store.nextRun(of: schedule.name) == due)
            let (first, second) = try await app.writer.atomically { db in
                (try await JobScheduleStore(db: db).advance(schedule.name, from: due, to: next, enqueuedAt: due),
                 try await JobScheduleStore(db: db).advance(schedule.name, from: due, to: next, enqueuedAt: due))
            }
            #expect(first && !second)
            #expect(try await store.nextRun(of: schedule.name) == next)
        }
    }

    @Test func welcomeStoreKeepsTenantsApart() async throws {
        try await withOnrampApp { app in
            let a = try await app.signUp(organization: "Tenant A")
            let b = try await app.signUp(organization: "Tenant B")
            let (scopeA, scopeB) = (TenantScope(tenantID: a.tenantID), TenantScope(tenantID: b.tenantID))
            let session = OnboardingSession.start(at: Date())
            try await app.writer.atomically { db in
                try await WelcomeStore(db: db).createSamples(scopeA, for: session, at: Date())
                try await WelcomeStore(db: db).createSamples(scopeB, for: session, at: Date())
            }
            let store = WelcomeStore(db: app.db)
            let samplesA = try await store.samples(scopeA)
            let samplesB = try await store.samples(scopeB)
            #expect(!samplesA.isEmpty && samplesA.count == samplesB.count)
            #expect(Set(samplesA.map(\.id)).isDisjoint(with: samplesB.map(\.id)))
            #expect(samplesA.first?.detailValues.isEmpty == false)
            #expect(try await store.countSamples(scopeA) == samplesA.count)
            try await app.writer.atomically { db in try await WelcomeStore(db: db).removeSamples(scopeB) }
            #expect(try await store.countSamples(scopeB) == 0)
            #expect(try await store.countSamples(scopeA) == samplesA.count)

            #expect(try await store.tour(scopeB, userID: a.userID) == nil)
            var progress = try #require(try await store.tour(scopeA, userID: a.userID)).progress
            #expect(progress == GuidedTour.Progress())
            progress.apply(.start)
            progress.apply(.next)
            let moved = progress
            try await app.writer.atomically { db in try await WelcomeStore(db: db).saveTour(scopeB, userID: a.userID, moved) }
            #expect(try await store.tour(scopeA, userID: a.userID)?.progress == GuidedTour.Progress())
            try await app.writer.atomically { db in try await WelcomeStore(db: db).saveTour(scopeA, userID: a.userID, moved) }
            #expect(try await store.tour(scopeA, userID: a.userID)?.progress == moved)
            #expect(try await store.tour(scopeB, userID: b.userID)?.progress == GuidedTour.Progress())
        }
    }

    @Test func credentialStoreKeepsTenantsApart() async throws {
        try await withOnrampApp { app in
            let a = try await app.signUp(organization: "Tenant A")
            let b = try await app.signUp(organization: "Tenant B")
            let (scopeA, scopeB) = (TenantScope(tenantID: a.tenantID), TenantScope(tenantID: b.tenantID))
            let role = try await app.testing().sendRequest(.POST, "/api/v1/roles", headers: a.bearer + .json,
                                                           body: .json(["name": "Billing lead", "permissions": ["tenant.read", "tickets.read"]]))
            #expect(role.status == .created, "\(role.body.string)")
            let roleA = try #require(UUID(uuidString: try role.jsonObject()["id"] as? String ?? ""))
            let store = CredentialStore(db: app.db)
            let team = TeamStore(db: app.db)
            let custom = try #require(try await team.customRole(scopeA, id: roleA))
            #expect(custom.name == "Billing lead" && custom.permissions == [.tenantRead, .ticketsRead])
            #expect(try await team.customRole(scopeB, id: roleA) == nil)
            #expect(try await team.membership(scopeA, user: a.userID)?.role == .owner)
            #expect(try await team.membership(scopeB, user: a.userID) == nil)

            let secret = try #require(APITokenSecret(a.apiToken))
            let holder = try #require(try await store.tokenHolder(tokenHash: secret.hash))
            #expect(holder.tenantId == a.tenantID && holder.userId == a.userID && !holder.isOperator && holder.revokedAt == nil)
            #expect(holder.role == "owner" && holder.customRole == nil)
            let when = Date(timeIntervalSince1970: 1_800_000_000)
            try await app.writer.atomically { db in try await CredentialStore(db: db).touchToken(scopeB, holder.tokenId, at: when) }
            #expect(try await store.tokenHolder(tokenHash: secret.hash)?.lastUsedAt != when)
            try await app.writer.atomically { db in try await CredentialStore(db: db).touchToken(scopeA, holder.tokenId, at: when) }
            #expect(try await store.tokenHolder(tokenHash: secret.hash)?.lastUsedAt == when)
        }
    }

    @Test func tenantRepositoryTellsASandboxFromItsRealTenant() async throws {
        try await withOnrampApp { app in
            let a = try await app.signUp(organization: "Tenant A")
            let b = try await app.signUp(organization: "Tenant B")
            let created = try await app.testing().sendRequest(.POST, "/api/v1/sandbox", headers: a.bearer + .json, body: .json([:]))
            #expect(created.status == .created, "\(created.body.string)")
            let sandbox = try #require(UUID(uuidString: try created.jsonObject()["tenant_id"] as? String ?? ""))
            let tenants = TenantRepository(db: app.db)
            #expect(try await tenants.sandboxOf(TenantScope(tenantID: sandbox)) == a.tenantID)
            #expect(try await tenants.sandboxOf(TenantScope(tenantID: a.tenantID)) == nil)
            #expect(try await tenants.sandboxOf(TenantScope(tenantID: b.tenantID)) == nil)
        }
    }

    @Test func onboardingActivityIsRecordedUnderEachTenant() async throws {
        try await withOnrampApp { app in
            let a = try await app.signUp(organization: "Tenant A")
            let b = try await app.signUp(organization: "Tenant B")
            let (scopeA, scopeB) = (TenantScope(tenantID: a.tenantID), TenantScope(tenantID: b.tenantID))
            func count(_ tenant: UUID) async throws -> Int {
                try await ActivityEvent.query(on: app.db).filter(\.$tenantID == tenant).count()
            }
            let (beforeA, beforeB) = (try await count(a.tenantID), try await count(b.tenantID))
            try await app.writer.atomically { db in
                try await OnboardingRepository(db: db).recordActivity([
                    OnboardingActivity(scope: scopeA, id: UUID(), actorUserID: a.userID, step: "channels", action: "step.saved",
                                       occurredAt: Date(), durationSeconds: 12.5),
                    OnboardingActivity(scope: scopeA, id: UUID(), actorUserID: nil, step: nil, action: "paused",
                                       occurredAt: Date(), durationSeconds: nil),
                    OnboardingActivity(scope: scopeB, id: UUID(), actorUserID: b.userID, step: "team", action: "step.skipped",
                                       occurredAt: Date(), durationSeconds: 3),
                ])
            }
            #expect(try await count(a.tenantID) == beforeA + 2)
            #expect(try await count(b.tenantID) == beforeB + 1)

            _ = try await OnboardingRepository(db: app.db).load(in: scopeA)
            let summaries = try await OnboardingRepository(db: app.db).operatorSummaries(of: [a.tenantID])
            #expect(summaries.map(\.tenantId) == [a.tenantID])
            #expect(summaries.first?.state == "active" && summaries.first?.completedAt == nil)
        }
    }
}
