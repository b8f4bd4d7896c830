import Fluent

/// How a tenant's tickets are spread over eligible agents: `least_loaded` (the default) or `round_robin`.
struct AddAssignmentStrategy: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("tenants").field("assignment_strategy", .string).update()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("tenants").deleteField("assignment_strategy").update()
    }
}
