import Fluent

struct CreateWebSessions: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("web_sessions")
            .id()
            .field("token_hash", .string, .required)
            .field("user_id", .uuid, .required, .references("users", "id", onDelete: .cascade))
            .field("tenant_id", .uuid, .references("tenants", "id", onDelete: .cascade))
            .field("expires_at", .datetime, .required)
            .field("last_seen_at", .datetime, .required)
            .field("created_at", .datetime)
            .unique(on: "token_hash")
            .create()
        try await database.createIndex("web_sessions_user_id_idx", on: "web_sessions", ["user_id"])
    }

    func revert(on database: any Database) async throws {
        try await database.schema("web_sessions").delete()
    }
}
