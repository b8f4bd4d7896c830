import Fluent
import SQLKit

/// A one-row table that SQLite transactions write first, so they take the write lock at
/// their start and wait for each other instead of failing with SQLITE_BUSY mid-way.
struct CreateWriteGate: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("write_gate")
            .field("id", .int, .identifier(auto: false))
            .field("turns", .int64, .required)
            .create()
        try await (database as! any SQLDatabase).raw("INSERT INTO write_gate (id, turns) VALUES (1, 0)").run()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("write_gate").delete()
    }
}
