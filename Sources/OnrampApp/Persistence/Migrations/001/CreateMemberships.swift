import Fluent

struct CreateMemberships: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("memberships")
            .id()
            .field("tenant_id", .uuid, .required, .references("tenants", "id", onDelete: .cascade))
            .field("user_id", .uuid, .required, .references("users", "id", onDelete: .cascade))
            .field("role", .string, .required)
            .field("created_at", .datetime)
            .unique(on: "tenant_id", "user_id")
            .create()
        try await database.createIndex("memberships_user_id_idx", on: "memberships", ["user_id"])
    }

    func revert(on database: any Database) async throws {
        try await database.schema("memberships").delete()
    }
}
