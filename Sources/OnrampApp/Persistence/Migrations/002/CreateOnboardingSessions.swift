import Fluent

struct CreateOnboardingSessions: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("onboarding_sessions")
            .id()
            .field("tenant_id", .uuid, .required, .references("tenants", "id", onDelete: .cascade))
            .field("version", .int64, .required)
            .field("state", .string, .required)
            .field("current_step", .string, .required)
            .field("progress", .int64, .required)
            .field("started_at", .datetime, .required)
            .field("last_activity_at", .datetime)
            .field("completed_at", .datetime)
            .field("document", .string, .required)
            .field("updated_at", .datetime)
            .unique(on: "tenant_id")
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("onboarding_sessions").delete()
    }
}

struct CreateActivityEvents: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("activity_events")
            .id()
            .field("tenant_id", .uuid, .required, .references("tenants", "id", onDelete: .cascade))
            .field("actor_user_id", .uuid)
            .field("kind", .string, .required)
            .field("step", .string)
            .field("action", .string, .required)
            .field("occurred_at", .datetime, .required)
            .field("duration_seconds", .double)
            .create()
        try await database.createIndex("activity_events_tenant_time_idx", on: "activity_events", ["tenant_id", "occurred_at"])
    }

    func revert(on database: any Database) async throws {
        try await database.schema("activity_events").delete()
    }
}

/// Tenants remember when they went live and which features activation turned on.
struct AddTenantActivation: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("tenants")
            .field("activated_at", .datetime)
            .update()
        try await database.schema("tenants")
            .field("features", .string)
            .update()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("tenants").deleteField("features").update()
        try await database.schema("tenants").deleteField("activated_at").update()
    }
}
