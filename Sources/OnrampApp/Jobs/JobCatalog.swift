import Fluent
import Foundation
import OnrampDomain
import Vapor

/// The jobs Onramp runs, and the recurring ones.
enum JobCatalog {
    /// Verifies a tenant's audit hash chain; the verdict is the job's progress message.
    static let auditVerify = JobKinds.auditVerify.handler(unreadable: "An audit verification takes no payload.") { context, _ in
        guard let tenantID = context.job.tenantID else { throw JobFailure("An audit verification needs a tenant.") }
        try await context.progress(done: 0, total: 1, message: "Checking the audit trail…")
        let verdict = try await AuditLog.verify(tenantID: tenantID, on: context.application.db)
        switch verdict {
        case .intact(let events):
            try await context.progress(done: 1, total: 1, message: "The audit trail is intact: \(events) events, every hash matches.")
        default:
            try await context.progress(done: 1, total: 1, message: "The audit trail is broken: \(verdict).")
            throw JobFailure("The audit trail is broken: \(verdict).")
        }
    }

    /// Deletes expired sign-in sessions (hourly).
    static let pruneSessions = JobKinds.sessionsPrune.handler(unreadable: "Pruning sessions takes no payload.") { context, _ in
        try await context.application.writer.atomically { db in try await WebSessions.deleteExpired(on: db) }
    }

    static let handlers = [auditVerify, pruneSessions, ImportJob.handler, SLAMonitor.handler, WebhookJob.handler,
                           Invitations.sendHandler, Outbox.handler]

    static let schedules = [
        RecurringJob(name: "prune-expired-sessions", cron: try! CronSchedule("17 * * * *"),
                     timeZone: TimeZone(identifier: "UTC")!, kind: JobKinds.sessionsPrune.kind),
    ]

    static func handler(_ kind: String) -> JobHandler? { handlers.first { $0.kind == kind } }
}

/// A job's own failure, with a message a person understands.
struct JobFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// Runs the job runner inside `serve` (not inside other commands), and stops it on shutdown.
struct JobWorkersLifecycle: LifecycleHandler {
    let concurrency: Int

    func didBootAsync(_ app: Application) async throws {
        let command = app.environment.arguments.dropFirst().first { !$0.hasPrefix("-") }
        guard concurrency > 0, command == nil || command == "serve" else { return }
        app.jobRunner.start()
    }

    func shutdownAsync(_ app: Application) async {
        await app.storage[JobRunnerKey.self]?.stop()
    }
}

struct JobRunnerKey: StorageKey { typealias Value = JobRunner }

extension Application {
    /// This process's job runner (made on first use).
    var jobRunner: JobRunner {
        if let runner = storage[JobRunnerKey.self] { return runner }
        let runner = JobRunner(application: self, handlers: JobCatalog.handlers, schedules: JobCatalog.schedules,
                               options: .init(concurrency: max(1, onramp.settings.workerConcurrency)))
        storage[JobRunnerKey.self] = runner
        return runner
    }
}
