import Fluent

/// A tenant's routing rules: each stored as its JSON definition, with its order and version.
struct CreateRoutingRules: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("routing_rules")
            .id()
            .field("tenant_id", .uuid, .required, .references("tenants", "id", onDelete: .cascade))
            .field("position", .int, .required)
            .field("version", .int, .required)
            .field("definition", .string, .required)
            .field("created_at", .datetime, .required)
            .field("updated_at", .datetime, .required)
            .create()
        try await database.createIndex("routing_rules_tenant_idx", on: "routing_rules", ["tenant_id", "position"])
    }

    func revert(on database: any Database) async throws {
        try await database.schema("routing_rules").delete()
    }
}
