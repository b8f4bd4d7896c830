import Fluent
import SQLKit

extension Database {
    /// The SQL interface of this database (both supported drivers provide one).
    var sql: any SQLDatabase { self as! any SQLDatabase }

    var isSQLite: Bool { sql.dialect.name == "sqlite" }

    /// Asks the database to answer a trivial query (the readiness probe); throws when it cannot.
    func ping() async throws {
        _ = try await sql.raw("SELECT 1 AS ok").first()
    }

    /// Creates a plain index; Fluent's schema builder only knows unique constraints.
    func createIndex(_ name: String, on table: String, _ columns: [String]) async throws {
        var builder = sql.create(index: name).on(table)
        for column in columns { builder = builder.column(column) }
        try await builder.run()
    }
}

/// Lets one write transaction at a time into an SQLite database from this process.
/// SQLite has a single writer anyway; queueing writers here (instead of in SQLite's busy
/// handler, which spins on the shared I/O threads) keeps them from starving each other.
actor WriteSerializer {
    private var busy = false
    private var waiting: [CheckedContinuation<Void, Never>] = []

    func acquire() async {
        guard busy else {
            busy = true
            return
        }
        await withCheckedContinuation { waiting.append($0) }
    }

    func release() {
        if waiting.isEmpty { busy = false } else { waiting.removeFirst().resume() }
    }
}

/// The one way Onramp writes: every change runs in a transaction through here.
struct DatabaseWriter: Sendable {
    let database: any Database
    /// Present for SQLite only; PostgreSQL handles concurrent writers itself.
    let serializer: WriteSerializer?

    /// Runs `body` in one transaction. On SQLite the transaction waits its turn in this process
    /// and takes the write lock first (`BEGIN IMMEDIATE`), so a read that turns into a write
    /// never fails mid-way because another process wrote in between. `body` must not start
    /// another transaction.
    func atomically<T: Sendable>(_ body: @escaping @Sendable (any Database) async throws -> T) async throws -> T {
        guard let serializer else { return try await database.transaction(body) }
        await serializer.acquire()
        do {
            let result = try await database.withConnection { connection in
                // WAL with synchronous=NORMAL: commits are atomic and consistent and survive a
                // crash of the process; only an OS crash or power loss may lose the newest ones.
                // Saves an fsync per commit. (The setting is per connection, hence here.)
                try await connection.sql.raw("PRAGMA synchronous = NORMAL").run()
                // 16 MiB of page cache for writers (the default 2 MiB re-reads index pages from
                // disk during large imports).
                try await connection.sql.raw("PRAGMA cache_size = -16384").run()
                // Checkpoint the WAL every 32 MiB rather than every 4 (fewer, larger copies
                // during imports; readers and the WAL stay small enough).
                try await connection.sql.raw("PRAGMA wal_autocheckpoint = 8192").run()
                // Statement journals (multi-row inserts) stay in memory instead of spilling to a
                // temporary file.
                try await connection.sql.raw("PRAGMA temp_store = MEMORY").run()
                // IMMEDIATE takes the write lock at the start, so a read that turns into a write
                // never fails because another process (a CLI command) wrote in between.
                try await connection.sql.raw("BEGIN IMMEDIATE").run()
                do {
                    let result = try await body(connection)
                    try await connection.sql.raw("COMMIT").run()
                    return result
                } catch {
                    try? await connection.sql.raw("ROLLBACK").run()
                    throw error
                }
            }
            await serializer.release()
            return result
        } catch {
            await serializer.release()
            throw error
        }
    }
}
