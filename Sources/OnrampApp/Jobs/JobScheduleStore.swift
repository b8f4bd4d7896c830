import Fluent
import Foundation
import SQLKit

/// The recurring jobs' next due times (`job_schedules`, one row per schedule name; platform
/// data, not a tenant's). Moving a schedule on is a compare-and-set, so of several runners
/// only one enqueues each due time.
struct JobScheduleStore {
    let db: any Database

    /// When the schedule is next due, or nil before its first run is recorded.
    func nextRun(of name: String) async throws -> Date? {
        struct Row: Decodable { let nextRunAt: Date }
        return try await db.sql.raw("SELECT next_run_at FROM job_schedules WHERE name = \(bind: name)")
            .first(decoding: Row.self, keyDecodingStrategy: .convertFromSnakeCase)?.nextRunAt
    }

    /// Records a schedule first due at `next` (another runner may have done so already).
    func add(_ schedule: RecurringJob, firstRunAt next: Date) async throws {
        try await db.sql.raw("""
            INSERT INTO job_schedules (id, name, cron, time_zone, kind, payload, next_run_at)
            VALUES (\(bind: UUID()), \(bind: schedule.name), \(bind: schedule.cron.expression),
                    \(bind: schedule.timeZone.identifier), \(bind: schedule.kind), '{}', \(bind: next))
            ON CONFLICT DO NOTHING
            """).run()
    }

    /// Moves the schedule from its due time `due` to `next`; false when another runner moved it first.
    func advance(_ name: String, from due: Date, to next: Date, enqueuedAt now: Date) async throws -> Bool {
        try await db.sql.raw("""
            UPDATE job_schedules SET next_run_at = \(bind: next), last_enqueued_at = \(bind: now)
            WHERE name = \(bind: name) AND next_run_at = \(bind: due)
            RETURNING name
            """).first() != nil
    }
}
