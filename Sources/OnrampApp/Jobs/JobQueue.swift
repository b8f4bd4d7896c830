import Fluent
import Foundation
import OnrampDomain
import SQLKit

/// A job to enqueue.
struct NewJob: Sendable {
    var tenantID: UUID?
    var kind: String
    var payload: String = "{}"
    var priority = 0
    var runAt = Date()
    var maxAttempts = RetryPolicy.standard.maxAttempts
    /// While a job with this key is queued or running, enqueueing another returns that one.
    var uniqueKey: String?
}

/// A job as a worker holds it.
struct ClaimedJob: Sendable {
    let id: UUID
    let tenantID: UUID?
    let kind: String
    let payload: String
    let attempt: Int
    let maxAttempts: Int
}

/// A row of `jobs` as a tenant sees it (`listJobs`, `getJob`).
struct JobRow: Decodable, Sendable {
    let id: UUID
    let kind: String
    let state: String
    let priority: Int
    let runAt: Date
    let attempts: Int
    let maxAttempts: Int
    let progressDone: Int
    let progressTotal: Int?
    let progressMessage: String?
    let lastError: String?
    let cancelRequested: Bool
    let createdAt: Date
    let updatedAt: Date
    let finishedAt: Date?

    static let columns = """
        id, kind, state, priority, run_at, attempts, max_attempts, progress_done, progress_total, progress_message,
        last_error, cancel_requested, created_at, updated_at, finished_at
        """
}

/// The job table, in plain SQL shared by SQLite and PostgreSQL. Claims are single statements:
/// `UPDATE … WHERE id IN (SELECT … FOR UPDATE SKIP LOCKED) RETURNING` on PostgreSQL, so
/// workers in many processes never take the same job; on SQLite the same statement runs in
/// an immediate transaction, which serialises claimers across processes.
struct JobQueue {
    let db: any Database

    private struct JobID: Decodable { let id: UUID }

    /// Enqueues inside the caller's transaction (so the job exists exactly when the change that
    /// needs it commits). Returns the new job's id, or the id of the active job with the same key.
    @discardableResult
    func enqueue(_ job: NewJob, now: Date = Date()) async throws -> UUID {
        let id = TimeOrderedID.make(at: now)
        let inserted = try await db.sql.raw("""
            INSERT INTO jobs (id, tenant_id, kind, payload, state, priority, run_at, attempts, max_attempts,
                              progress_done, unique_key, cancel_requested, created_at, updated_at)
            VALUES (\(bind: id), \(bind: job.tenantID), \(bind: job.kind), \(bind: job.payload), 'queued', \(bind: job.priority),
                    \(bind: job.runAt), 0, \(bind: max(1, job.maxAttempts)), 0, \(bind: job.uniqueKey), \(bind: false),
                    \(bind: now), \(bind: now))
            ON CONFLICT DO NOTHING
            RETURNING id
            """).first()
        if inserted != nil { return id }
        guard let key = job.uniqueKey, let existing = try await db.sql.raw("""
            SELECT id FROM jobs WHERE unique_key = \(bind: key) AND state IN ('queued', 'running')
            """).first(decoding: JobID.self) else {
            throw Problem(.conflict, "The job could not be queued.")
        }
        return existing.id
    }

    /// Takes up to `limit` due jobs for `worker` under a lease until `leaseUntil`.
    func claim(worker: String, limit: Int, leaseUntil: Date, now: Date = Date(), kinds: [String]) async throws -> [ClaimedJob] {
        guard limit > 0, !kinds.isEmpty else { return [] }
        let lock = db.isSQLite ? "" : " FOR UPDATE SKIP LOCKED"
        struct Claimed: Decodable { let id: UUID; let tenantId: UUID?; let kind: String; let payload: String; let attempts: Int; let maxAttempts: Int }
        return try await db.sql.raw("""
            UPDATE jobs SET state = 'running', lease_owner = \(bind: worker), lease_expires_at = \(bind: leaseUntil),
                            attempts = attempts + 1, updated_at = \(bind: now)
            WHERE id IN (
                SELECT id FROM jobs WHERE state = 'queued' AND run_at <= \(bind: now) AND kind IN (\(binds: kinds))
                ORDER BY priority DESC, run_at LIMIT \(literal: limit)\(unsafeRaw: lock))
            RETURNING id, tenant_id, kind, payload, attempts, max_attempts
            """).all(decoding: Claimed.self, keyDecodingStrategy: .convertFromSnakeCase).map { row in
            ClaimedJob(id: row.id, tenantID: row.tenantId, kind: row.kind, payload: row.payload, attempt: row.attempts,
                       maxAttempts: row.maxAttempts)
        }
    }

    /// Jobs whose worker stopped renewing the lease go back to the queue (or die on their last attempt).
    @discardableResult
    func reclaimExpired(now: Date = Date()) async throws -> Int {
        let rows = try await db.sql.raw("""
            UPDATE jobs SET
                state = CASE WHEN attempts >= max_attempts THEN 'dead' ELSE 'queued' END,
                finished_at = CASE WHEN attempts >= max_attempts THEN \(bind: now) ELSE NULL END,
                last_error = 'The worker stopped before finishing (its lease ran out).',
                lease_owner = NULL, lease_expires_at = NULL, run_at = \(bind: now), updated_at = \(bind: now)
            WHERE state = 'running' AND lease_expires_at < \(bind: now)
            RETURNING id
            """).all(decoding: JobID.self)
        if !rows.isEmpty {
            let ids = rows.map(\.id)
            try await db.sql.raw("""
                UPDATE job_runs SET finished_at = \(bind: now), outcome = 'lease_expired'
                WHERE job_id IN (\(binds: ids)) AND finished_at IS NULL
                """).run()
        }
        return rows.count
    }

    /// Renews the lease; returns whether cancellation was requested (nil: the job is no longer this worker's).
    func heartbeat(_ id: UUID, worker: String, leaseUntil: Date, now: Date = Date()) async throws -> Bool? {
        struct Renewed: Decodable { let cancelRequested: Bool }
        return try await db.sql.raw("""
            UPDATE jobs SET lease_expires_at = \(bind: leaseUntil), updated_at = \(bind: now)
            WHERE id = \(bind: id) AND lease_owner = \(bind: worker) AND state = 'running'
            RETURNING cancel_requested
            """).first(decoding: Renewed.self, keyDecodingStrategy: .convertFromSnakeCase)?.cancelRequested
    }

    /// Records progress; returns whether the job is still this worker's (false: nothing was written).
    @discardableResult
    func progress(_ id: UUID, worker: String, done: Int, total: Int?, message: String?, now: Date = Date()) async throws -> Bool {
        try await db.sql.raw("""
            UPDATE jobs SET progress_done = \(bind: done), progress_total = \(bind: total),
                            progress_message = \(bind: message.map { String($0.prefix(500)) }), updated_at = \(bind: now)
            WHERE id = \(bind: id) AND lease_owner = \(bind: worker) AND state = 'running'
            RETURNING id
            """).first() != nil
    }

    func startRun(_ job: ClaimedJob, worker: String, now: Date = Date()) async throws -> UUID {
        let id = TimeOrderedID.make(at: now)
        try await db.sql.raw("""
            INSERT INTO job_runs (id, job_id, attempt, worker, started_at)
            VALUES (\(bind: id), \(bind: job.id), \(bind: job.attempt), \(bind: worker), \(bind: now))
            """).run()
        return id
    }

    enum Finish: Sendable {
        case succeeded
        case retry(at: Date, error: String)
        case dead(error: String)
        case cancelled
    }

    /// Records how an attempt ended; only the worker holding the job can end it.
    func finish(_ job: ClaimedJob, run: UUID, worker: String, as finish: Finish, now: Date = Date()) async throws {
        let (state, runAt, error, outcome): (String, Date?, String?, String) = switch finish {
        case .succeeded: ("succeeded", nil, nil, "succeeded")
        case .retry(let at, let error): ("queued", at, error, "failed")
        case .dead(let error): ("dead", nil, error, "failed")
        case .cancelled: ("cancelled", nil, nil, "cancelled")
        }
        let final = state != "queued"
        try await db.sql.raw("""
            UPDATE jobs SET state = \(bind: state), run_at = COALESCE(\(bind: runAt), run_at),
                            last_error = COALESCE(\(bind: error.map { String($0.prefix(2000)) }), last_error),
                            lease_owner = NULL, lease_expires_at = NULL, updated_at = \(bind: now),
                            finished_at = \(bind: final ? now : nil)
            WHERE id = \(bind: job.id) AND lease_owner = \(bind: worker) AND state = 'running'
            """).run()
        try await db.sql.raw("""
            UPDATE job_runs SET finished_at = \(bind: now), outcome = \(bind: outcome), error = \(bind: error.map { String($0.prefix(2000)) })
            WHERE id = \(bind: run)
            """).run()
    }

    enum Cancellation: Sendable, Equatable {
        case cancelled, requested
        case alreadyEnded(String)
    }

    /// Cancels a job: a queued one at once, a running one when its worker next checks.
    /// Returns what happened, or nil when there is no such job in the scope.
    func cancel(_ scope: TenantScope, _ id: UUID, now: Date = Date()) async throws -> Cancellation? {
        struct Found: Decodable { let state: String }
        guard let state = try await db.sql.raw("""
            SELECT state FROM jobs WHERE id = \(bind: id) AND tenant_id = \(bind: scope.tenantID)
            """).first(decoding: Found.self)?.state else { return nil }
        switch state {
        case "queued":
            try await db.sql.raw("""
                UPDATE jobs SET state = 'cancelled', finished_at = \(bind: now), updated_at = \(bind: now)
                WHERE id = \(bind: id) AND tenant_id = \(bind: scope.tenantID) AND state = 'queued'
                """).run()
            return .cancelled
        case "running":
            try await db.sql.raw("""
                UPDATE jobs SET cancel_requested = \(bind: true), updated_at = \(bind: now)
                WHERE id = \(bind: id) AND tenant_id = \(bind: scope.tenantID)
                """).run()
            return .requested
        default:
            return .alreadyEnded(state)
        }
    }

    /// The job, or nil when there is no such job in the scope.
    func find(_ scope: TenantScope, _ id: UUID) async throws -> JobRow? {
        try await db.sql.raw("""
            SELECT \(unsafeRaw: JobRow.columns) FROM jobs WHERE id = \(bind: id) AND tenant_id = \(bind: scope.tenantID)
            """).first(decoding: JobRow.self, keyDecodingStrategy: .convertFromSnakeCase)
    }

    /// The tenant's jobs, newest first; only those in `state` when it is given.
    func list(_ scope: TenantScope, state: String?, limit: Int) async throws -> [JobRow] {
        var sql: SQLQueryString = "SELECT \(unsafeRaw: JobRow.columns) FROM jobs WHERE tenant_id = \(bind: scope.tenantID)"
        if let state { sql = sql + " AND state = \(bind: state)" }
        sql = sql + " ORDER BY created_at DESC LIMIT \(literal: limit)"
        return try await db.sql.raw(sql).all(decoding: JobRow.self, keyDecodingStrategy: .convertFromSnakeCase)
    }

    /// Jobs waiting to run, per kind (for the queue-depth metric).
    func depth() async throws -> [String: Int] {
        struct Depth: Decodable { let kind: String; let n: Int }
        let rows = try await db.sql.raw("SELECT kind, COUNT(*) AS n FROM jobs WHERE state = 'queued' GROUP BY kind")
            .all(decoding: Depth.self)
        return Dictionary(rows.map { ($0.kind, $0.n) }, uniquingKeysWith: { _, last in last })
    }

    /// Removes a tenant's jobs that are not running (a training sandbox's reset).
    func deleteIdle(_ scope: TenantScope) async throws {
        try await db.sql.raw("""
            DELETE FROM jobs WHERE tenant_id = \(bind: scope.tenantID) AND state IN ('queued', 'failed', 'succeeded', 'cancelled')
            """).run()
    }
}
