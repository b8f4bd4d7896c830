import Fluent

/// Uploaded import files and what was detected about them.
struct CreateImports: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("imports")
            .id()
            .field("tenant_id", .uuid, .required, .references("tenants", "id", onDelete: .cascade))
            .field("file_name", .string, .required)
            .field("byte_size", .int64, .required)
            .field("sha256", .string, .required)
            .field("storage_path", .string, .required)
            .field("format", .string, .required)
            .field("source", .string, .required)
            .field("object", .string, .required)
            .field("encoding", .string, .required)
            .field("fields", .string, .required)
            .field("state", .string, .required)
            .field("created_by", .uuid, .required)
            .field("created_at", .datetime, .required)
            .field("updated_at", .datetime, .required)
            .create()
        try await database.createIndex("imports_tenant_idx", on: "imports", ["tenant_id", "created_at"])
    }

    func revert(on database: any Database) async throws {
        try await database.schema("imports").delete()
    }
}
