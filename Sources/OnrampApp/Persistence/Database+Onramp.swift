import Fluent
import SQLKit

extension Database {
    /// The SQL interface of this database (both supported drivers provide one).
    var sql: any SQLDatabase { self as! any SQLDatabase }

    var isSQLite: Bool { sql.dialect.name == "sqlite" }

    /// Runs `body` in one transaction. On SQLite the transaction takes the write lock first,
    /// so concurrent writers queue instead of failing when a read turns into a write.
    func atomically<T: Sendable>(_ body: @escaping @Sendable (any Database) async throws -> T) async throws -> T {
        try await transaction { db in
            if db.isSQLite {
                try await db.sql.raw("UPDATE write_gate SET turns = turns + 1 WHERE id = 1").run()
            }
            return try await body(db)
        }
    }

    /// Creates a plain index; Fluent's schema builder only knows unique constraints.
    func createIndex(_ name: String, on table: String, _ columns: [String]) async throws {
        var builder = sql.create(index: name).on(table)
        for column in columns { builder = builder.column(column) }
        try await builder.run()
    }
}
