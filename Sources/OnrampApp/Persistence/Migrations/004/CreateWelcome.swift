import Fluent

/// Sample records made at activation (removable in one action).
struct CreateSampleRecords: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("sample_records")
            .id()
            .field("tenant_id", .uuid, .required, .references("tenants", "id", onDelete: .cascade))
            .field("kind", .string, .required)
            .field("title", .string, .required)
            .field("body", .string, .required)
            .field("details", .string, .required)
            .field("created_at", .datetime)
            .create()
        try await database.createIndex("sample_records_tenant_idx", on: "sample_records", ["tenant_id"])
    }

    func revert(on database: any Database) async throws {
        try await database.schema("sample_records").delete()
    }
}

/// Each member's progress through the welcome tour.
struct AddMembershipTour: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("memberships")
            .field("tour_state", .string, .required, .sql(.default("not_started")))
            .update()
        try await database.schema("memberships")
            .field("tour_stop", .int, .required, .sql(.default(0)))
            .update()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("memberships").deleteField("tour_stop").update()
        try await database.schema("memberships").deleteField("tour_state").update()
    }
}
