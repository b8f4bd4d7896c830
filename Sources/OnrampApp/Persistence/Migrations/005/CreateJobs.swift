import Fluent
import SQLKit

/// The durable job queue, each attempt's record, and recurring schedules.
struct CreateJobs: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("jobs")
            .id()
            .field("tenant_id", .uuid, .references("tenants", "id", onDelete: .cascade))
            .field("kind", .string, .required)
            .field("payload", .string, .required)
            .field("state", .string, .required)
            .field("priority", .int, .required)
            .field("run_at", .datetime, .required)
            .field("attempts", .int, .required)
            .field("max_attempts", .int, .required)
            .field("lease_owner", .string)
            .field("lease_expires_at", .datetime)
            .field("progress_done", .int, .required)
            .field("progress_total", .int)
            .field("progress_message", .string)
            .field("last_error", .string)
            .field("unique_key", .string)
            .field("cancel_requested", .bool, .required)
            .field("created_at", .datetime, .required)
            .field("updated_at", .datetime, .required)
            .field("finished_at", .datetime)
            .create()
        try await database.createIndex("jobs_due_idx", on: "jobs", ["state", "priority", "run_at"])
        try await database.createIndex("jobs_tenant_idx", on: "jobs", ["tenant_id", "created_at"])
        // The same work is not queued twice while a copy waits or runs.
        try await database.sql.raw("""
            CREATE UNIQUE INDEX jobs_unique_active_idx ON jobs (unique_key)
            WHERE unique_key IS NOT NULL AND state IN ('queued', 'running')
            """).run()

        try await database.schema("job_runs")
            .id()
            .field("job_id", .uuid, .required, .references("jobs", "id", onDelete: .cascade))
            .field("attempt", .int, .required)
            .field("worker", .string, .required)
            .field("started_at", .datetime, .required)
            .field("finished_at", .datetime)
            .field("outcome", .string)
            .field("error", .string)
            .create()
        try await database.createIndex("job_runs_job_idx", on: "job_runs", ["job_id"])

        try await database.schema("job_schedules")
            .id()
            .field("name", .string, .required)
            .field("cron", .string, .required)
            .field("time_zone", .string, .required)
            .field("kind", .string, .required)
            .field("payload", .string, .required)
            .field("next_run_at", .datetime, .required)
            .field("last_enqueued_at", .datetime)
            .unique(on: "name")
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("job_schedules").delete()
        try await database.schema("job_runs").delete()
        try await database.schema("jobs").delete()
    }
}
