import Fluent

/// Audit events have no foreign key to tenants: the trail must outlive what it describes,
/// and platform-level events use a reserved tenant id.
struct CreateAuditEvents: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("audit_events")
            .id()
            .field("tenant_id", .uuid, .required)
            .field("sequence", .int64, .required)
            .field("actor", .string, .required)
            .field("actor_user_id", .uuid)
            .field("action", .string, .required)
            .field("target", .string, .required)
            .field("changes", .string, .required)
            .field("request_id", .string)
            .field("occurred_at", .datetime, .required)
            .field("previous_hash", .string, .required)
            .field("hash", .string, .required)
            .unique(on: "tenant_id", "sequence")
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("audit_events").delete()
    }
}
