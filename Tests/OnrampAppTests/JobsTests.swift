import Fluent
import Foundation
import NIOConcurrencyHelpers
@testable import OnrampApp
import OnrampDomain
import SQLKit
import Testing
import VaporTesting

extension JobRunner {
    /// Ticks at `now` and waits until the jobs it started have finished.
    func drain(at now: Date = Date()) async throws -> Int {
        let started = try await tick(now: now)
        while isBusy { try await Task.sleep(for: .milliseconds(10)) }
        return started
    }
}

func jobRow(_ id: UUID, on db: any Database) async throws -> (state: String, attempts: Int, runAt: Date, error: String?) {
    let row = try #require(try await db.sql.raw("SELECT state, attempts, run_at, last_error FROM jobs WHERE id = \(bind: id)").first())
    return (try row.decode(column: "state", as: String.self), try row.decode(column: "attempts", as: Int.self),
            try row.decode(column: "run_at", as: Date.self), try row.decode(column: "last_error", as: String?.self))
}

func runOutcomes(_ id: UUID, on db: any Database) async throws -> [String] {
    try await db.sql.raw("SELECT outcome FROM job_runs WHERE job_id = \(bind: id) ORDER BY attempt").all()
        .map { try $0.decode(column: "outcome", as: String?.self) ?? "open" }
}

@Suite("Durable jobs")
struct JobsTests {
    @Test func anAuditVerificationIsQueuedOnceRunAndReported() async throws {
        try await withOnrampApp { app in
            let account = try await app.signUp()
            let first = try await app.testing().sendRequest(.POST, "/api/v1/audit-events/verify", headers: account.bearer)
            #expect(first.status == .accepted)
            let job = try first.jsonObject()
            #expect(job["state"] as? String == "queued")
            let again = try await app.testing().sendRequest(.POST, "/api/v1/audit-events/verify", headers: account.bearer)
            #expect(try again.jsonObject()["id"] as? String == job["id"] as? String, "the same work is not queued twice")

            #expect(try await app.jobRunner.drain() == 1)
            let id = try #require(job["id"] as? String)
            let done = try await app.testing().sendRequest(.GET, "/api/v1/jobs/\(id)", headers: account.bearer).jsonObject()
            #expect(done["state"] as? String == "succeeded")
            #expect(((done["progress"] as? [String: Any])?["message"] as? String)?.contains("intact") == true)
            #expect(try await runOutcomes(try #require(UUID(uuidString: id)), on: app.db) == ["succeeded"])
            let list = try await app.testing().sendRequest(.GET, "/api/v1/jobs?state=succeeded", headers: account.bearer).jsonObject()
            #expect((list["items"] as? [[String: Any]])?.count == 1)
            let bad = try await app.testing().sendRequest(.GET, "/api/v1/jobs?state=sleeping", headers: account.bearer)
            try bad.expectProblem(.unprocessableEntity)
            let metrics = try await app.testing().sendRequest(.GET, "/metrics").body.string
            #expect(metrics.contains(#"onramp_jobs_runs_total{kind="audit.verify",outcome="succeeded"} 1"#))
            #expect(metrics.contains("onramp_jobs_queue_depth"))
        }
    }

    @Test func failuresBackOffThenDie() async throws {
        try await withOnrampApp { app in
            let failing = JobHandler(kind: "test.fail", retry: RetryPolicy(maxAttempts: 3, baseDelay: 60, maxDelay: 600, jitter: 0)) { _ in
                throw JobFailure("The remote service said no.")
            }
            let runner = JobRunner(application: app, handlers: [failing])
            let id = try await app.writer.atomically { db in
                try await JobQueue(db: db).enqueue(NewJob(kind: "test.fail", maxAttempts: 3))
            }
            let start = Date()
            #expect(try await runner.drain(at: start) == 1)
            var row = try await jobRow(id, on: app.db)
            #expect(row.state == "queued" && row.attempts == 1)
            #expect(row.error == "The remote service said no.")
            #expect(row.runAt.timeIntervalSince(start) > 50, "the retry waits about a minute")
            #expect(try await runner.drain(at: start.addingTimeInterval(30)) == 0, "not before its time")
            #expect(try await runner.drain(at: start.addingTimeInterval(1000)) == 1)
            #expect(try await runner.drain(at: start.addingTimeInterval(5000)) == 1)
            row = try await jobRow(id, on: app.db)
            #expect(row.state == "dead" && row.attempts == 3)
            #expect(try await runOutcomes(id, on: app.db) == ["failed", "failed", "failed"])
            #expect(try await runner.drain(at: start.addingTimeInterval(90_000)) == 0, "dead jobs stay dead")
        }
    }

    @Test func aWorkerThatDiesGivesItsJobBackWhenTheLeaseEnds() async throws {
        try await withOnrampApp { app in
            let ran = NIOLockedValueBox(0)
            let handler = JobHandler(kind: "test.count") { _ in ran.withLockedValue { $0 += 1 } }
            let id = try await app.writer.atomically { db in
                try await JobQueue(db: db).enqueue(NewJob(kind: "test.count", maxAttempts: 2))
            }
            let now = Date()
            // A worker takes the job and is never heard of again.
            let taken = try await app.writer.atomically { db in
                try await JobQueue(db: db).claim(worker: "ghost", limit: 5, leaseUntil: now.addingTimeInterval(30), now: now, kinds: ["test.count"])
            }
            #expect(taken.map(\.id) == [id])
            let runner = JobRunner(application: app, handlers: [handler])
            #expect(try await runner.drain(at: now.addingTimeInterval(10)) == 0, "the lease still holds")
            #expect(try await runner.drain(at: now.addingTimeInterval(40)) == 1, "reclaimed and run")
            #expect(ran.withLockedValue { $0 } == 1)
            let row = try await jobRow(id, on: app.db)
            #expect(row.state == "succeeded" && row.attempts == 2)
        }
    }

    @Test func cancellingQueuedRunningAndFinishedJobs() async throws {
        try await withOnrampApp { app in
            let account = try await app.signUp()
            let started = NIOLockedValueBox(false)
            let slow = JobHandler(kind: "test.slow") { context in
                started.withLockedValue { $0 = true }
                while true {
                    try context.checkCancellation()
                    try await Task.sleep(for: .milliseconds(20))
                }
            }
            let runner = JobRunner(application: app, handlers: [slow], options: .init(concurrency: 2, lease: 0.3, pollInterval: 0.05))
            let (queued, running) = try await app.writer.atomically { db in
                (try await JobQueue(db: db).enqueue(NewJob(tenantID: account.tenantID, kind: "test.slow", runAt: Date().addingTimeInterval(3600))),
                 try await JobQueue(db: db).enqueue(NewJob(tenantID: account.tenantID, kind: "test.slow")))
            }
            let cancelQueued = try await app.testing().sendRequest(.POST, "/api/v1/jobs/\(queued)/cancel", headers: account.bearer)
            #expect(try cancelQueued.jsonObject()["state"] as? String == "cancelled")

            _ = try await runner.tick()
            while !started.withLockedValue({ $0 }) { try await Task.sleep(for: .milliseconds(10)) }
            let cancelRunning = try await app.testing().sendRequest(.POST, "/api/v1/jobs/\(running)/cancel", headers: account.bearer)
            #expect(try cancelRunning.jsonObject()["cancel_requested"] as? Bool == true)
            while runner.isBusy { try await Task.sleep(for: .milliseconds(20)) }
            #expect(try await jobRow(running, on: app.db).state == "cancelled")
            #expect(try await runOutcomes(running, on: app.db) == ["cancelled"])

            let twice = try await app.testing().sendRequest(.POST, "/api/v1/jobs/\(queued)/cancel", headers: account.bearer)
            try twice.expectProblem(.conflict)
            let other = try await app.signUp(organization: "Other")
            let foreign = try await app.testing().sendRequest(.POST, "/api/v1/jobs/\(running)/cancel", headers: other.bearer)
            try foreign.expectProblem(.notFound)
        }
    }

    @Test func recurringJobsAreQueuedOncePerDueTime() async throws {
        try await withOnrampApp { app in
            let ran = NIOLockedValueBox(0)
            let handler = JobHandler(kind: "test.tick") { _ in ran.withLockedValue { $0 += 1 } }
            let schedule = RecurringJob(name: "every-minute", cron: try CronSchedule("* * * * *"), timeZone: .gmt, kind: "test.tick")
            let one = JobRunner(application: app, handlers: [handler], schedules: [schedule])
            let two = JobRunner(application: app, handlers: [handler], schedules: [schedule])
            let now = Date()
            _ = try await one.drain(at: now)
            #expect(ran.withLockedValue { $0 } == 0, "the first due time is the next minute")
            _ = try await one.drain(at: now.addingTimeInterval(61))
            _ = try await two.drain(at: now.addingTimeInterval(61))
            #expect(ran.withLockedValue { $0 } == 1, "two runners, one due time: one run")
            _ = try await two.drain(at: now.addingTimeInterval(125))
            #expect(ran.withLockedValue { $0 } == 2)
        }
    }

    /// Two `onramp worker` processes on one PostgreSQL database: every job runs exactly once.
    @Test(.enabled(if: TestDatabase.postgresURL != nil, "needs ONRAMP_TEST_DATABASE_URL"))
    func twoWorkerProcessesRunEveryJobExactlyOnce() async throws {
        let url = try #require(TestDatabase.postgresURL)
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let binary = root.appendingPathComponent(".build/debug/onramp")
        try #require(FileManager.default.isExecutableFile(atPath: binary.path), "build the executable first (swift build)")
        try await withOnrampApp { app in
            let account = try await app.signUp()
            let schema = try #require(try await app.db.sql.raw("SELECT current_schema() AS s").first()?.decode(column: "s", as: String.self))
            let ids = try await app.writer.atomically { db in
                var ids: [UUID] = []
                for _ in 0..<40 {
                    ids.append(try await JobQueue(db: db).enqueue(NewJob(tenantID: account.tenantID, kind: "audit.verify", maxAttempts: 1)))
                }
                return ids
            }
            var workers: [Process] = []
            for _ in 0..<2 {
                let process = Process()
                process.executableURL = binary
                process.arguments = ["worker", "--until-idle"]
                var environment = ProcessInfo.processInfo.environment
                environment["DATABASE_URL"] = url
                environment["ONRAMP_DATABASE_SCHEMA"] = schema
                environment["ONRAMP_ENV"] = "testing"
                environment["ONRAMP_DATA_DIR"] = FileManager.default.temporaryDirectory.appendingPathComponent("onramp-worker-\(UUID())").path
                environment["LOG_LEVEL"] = "error"
                process.environment = environment
                process.standardOutput = FileHandle.nullDevice
                try process.run()
                workers.append(process)
            }
            let deadline = Date().addingTimeInterval(60)
            while workers.contains(where: \.isRunning), Date() < deadline { try await Task.sleep(for: .milliseconds(50)) }
            for worker in workers where worker.isRunning { worker.terminate() }
            #expect(workers.allSatisfy { $0.terminationStatus == 0 })
            let runs = try await app.db.sql.raw("SELECT job_id, worker FROM job_runs").all()
            let perJob = Dictionary(grouping: try runs.map { try $0.decode(column: "job_id", as: UUID.self) }, by: { $0 })
            #expect(Set(perJob.keys) == Set(ids), "every job ran")
            #expect(perJob.values.allSatisfy { $0.count == 1 }, "no job ran twice")
            let states = try await app.db.sql.raw("SELECT state, COUNT(*) AS n FROM jobs GROUP BY state").all()
            #expect(try states.map { try $0.decode(column: "state", as: String.self) } == ["succeeded"])
            let workerNames = Set(try runs.map { try $0.decode(column: "worker", as: String.self) })
            #expect(!workerNames.isEmpty)
        }
    }
}
