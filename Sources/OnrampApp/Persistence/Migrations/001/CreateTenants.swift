import Fluent

struct CreateTenants: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("tenants")
            .id()
            .field("name", .string, .required)
            .field("slug", .string, .required)
            .field("status", .string, .required)
            .field("created_at", .datetime)
            .field("updated_at", .datetime)
            .unique(on: "slug")
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("tenants").delete()
    }
}
