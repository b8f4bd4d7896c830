import Fluent

struct CreateCustomTemplates: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("custom_templates")
            .id()
            .field("tenant_id", .uuid, .required, .references("tenants", "id", onDelete: .cascade))
            .field("name", .string, .required)
            .field("summary", .string, .required)
            .field("sharing", .string, .required)
            .field("content", .string, .required)
            .field("created_by", .uuid, .required)
            .field("approved_at", .datetime)
            .field("created_at", .datetime)
            .create()
        try await database.createIndex("custom_templates_tenant_idx", on: "custom_templates", ["tenant_id"])
        try await database.createIndex("custom_templates_sharing_idx", on: "custom_templates", ["sharing"])
    }

    func revert(on database: any Database) async throws {
        try await database.schema("custom_templates").delete()
    }
}
