import Fluent
import Foundation
import OnrampDomain
import SQLKit

/// A row of `imports`: what was uploaded, what it was told to do and how far it got.
struct ImportRow: Decodable, Sendable {
    let id: UUID
    let fileName: String
    let byteSize: Int64
    let sha256: String
    let storagePath: String
    let format: String
    let source: String
    let object: String
    let encoding: String
    /// JSON array of the detected field names.
    let fields: String
    let state: String
    let createdAt: Date
    /// JSON of the saved `ImportMapping`, if any.
    let mapping: String?
    /// JSON of the saved `ImportOptions`, if any.
    let options: String?
    let checkpointOffset: Int64
    let checkpointRows: Int
    let checkpointLine: Int
    /// JSON of the `ImportCounts`, if any.
    let counts: String?
    let errorCount: Int
    let jobId: UUID?
    let message: String?
    let startedAt: Date?
    let finishedAt: Date?

    static let columns = """
        id, file_name, byte_size, sha256, storage_path, format, source, object, encoding, fields, state, created_at, mapping, options,
        checkpoint_offset, checkpoint_rows, checkpoint_line, counts, error_count, job_id, message, started_at, finished_at
        """

    var checkpoint: ImportCheckpoint {
        ImportCheckpoint(offset: checkpointOffset, rows: checkpointRows, line: checkpointLine, counts: ImportCounts.parse(counts),
                         errors: errorCount)
    }
}

/// A rejected or skipped row of an import (the error report).
struct ImportErrorRow: Decodable, Sendable {
    let rowNumber: Int
    let line: Int?
    let verdict: String
    let reason: String
    let original: String
}

/// A new row of `imports` (an upload, or a file the CLI imports straight from disk).
struct NewImport: Sendable {
    var id: UUID
    var fileName: String
    var byteSize: Int64
    var sha256: String
    var storagePath: String
    var format: String
    var source: String
    var object: String
    var encoding: String
    var fields: String
    var state: String
    var createdBy: UUID
    var mapping: String?
    var options: String?
    var startedAt: Date?
}

/// The imports of a tenant and their error rows (`imports`, `import_errors`). The rows the
/// import writes into other tables go through `ImportApplier`, the import's bulk writer.
struct ImportStore {
    let db: any Database

    func create(_ scope: TenantScope, _ new: NewImport, now: Date = Date()) async throws {
        try await db.sql.raw("""
            INSERT INTO imports (id, tenant_id, file_name, byte_size, sha256, storage_path, format, source, object,
                                 encoding, fields, state, created_by, created_at, updated_at, mapping, options, started_at)
            VALUES (\(bind: new.id), \(bind: scope.tenantID), \(bind: new.fileName), \(bind: new.byteSize), \(bind: new.sha256),
                    \(bind: new.storagePath), \(bind: new.format), \(bind: new.source), \(bind: new.object),
                    \(bind: new.encoding), \(bind: new.fields), \(bind: new.state), \(bind: new.createdBy), \(bind: now), \(bind: now),
                    \(bind: new.mapping), \(bind: new.options), \(bind: new.startedAt))
            """).run()
    }

    /// The import, or nil when there is no such import in the scope.
    func find(_ scope: TenantScope, _ id: UUID) async throws -> ImportRow? {
        try await db.sql.raw("""
            SELECT \(unsafeRaw: ImportRow.columns) FROM imports WHERE id = \(bind: id) AND tenant_id = \(bind: scope.tenantID)
            """).first(decoding: ImportRow.self, keyDecodingStrategy: .convertFromSnakeCase)
    }

    /// The newest imports first.
    func list(_ scope: TenantScope, limit: Int = 200) async throws -> [ImportRow] {
        try await db.sql.raw("""
            SELECT \(unsafeRaw: ImportRow.columns) FROM imports WHERE tenant_id = \(bind: scope.tenantID)
            ORDER BY created_at DESC LIMIT \(literal: limit)
            """).all(decoding: ImportRow.self, keyDecodingStrategy: .convertFromSnakeCase)
    }

    /// The import of this file that the CLI started and did not finish (killed or crashed), if any.
    func unfinishedCommandImport(_ scope: TenantScope, sha256: String, storagePath: String) async throws -> UUID? {
        struct Found: Decodable { let id: UUID }
        return try await db.sql.raw("""
            SELECT id FROM imports WHERE tenant_id = \(bind: scope.tenantID) AND sha256 = \(bind: sha256) AND job_id IS NULL
                AND state = 'running' AND storage_path = \(bind: storagePath)
            ORDER BY created_at DESC LIMIT 1
            """).first(decoding: Found.self)?.id
    }

    func saveMapping(_ scope: TenantScope, _ id: UUID, mapping: String, options: String, object: String, now: Date = Date()) async throws {
        try await db.sql.raw("""
            UPDATE imports SET mapping = \(bind: mapping), options = \(bind: options), object = \(bind: object),
                updated_at = \(bind: now)
            WHERE id = \(bind: id) AND tenant_id = \(bind: scope.tenantID)
            """).run()
    }

    /// Queues the import under `jobID`. A restart (of a finished import) starts from the
    /// beginning again and drops the old error rows; otherwise it goes on from its checkpoint.
    func queue(_ scope: TenantScope, _ id: UUID, jobID: UUID, mapping: String, restart: Bool, now: Date = Date()) async throws {
        try await db.sql.raw("""
            UPDATE imports SET state = 'queued', job_id = \(bind: jobID), mapping = \(bind: mapping), message = NULL,
                finished_at = NULL, updated_at = \(bind: now)
                \(unsafeRaw: restart ? ", checkpoint_offset = 0, checkpoint_rows = 0, checkpoint_line = 1, counts = NULL, error_count = 0" : "")
            WHERE id = \(bind: id) AND tenant_id = \(bind: scope.tenantID)
            """).run()
        if restart {
            try await db.sql.raw("""
                DELETE FROM import_errors WHERE import_id = \(bind: id) AND tenant_id = \(bind: scope.tenantID)
                """).run()
        }
    }

    /// Marks a queued import cancelled (its job was cancelled before it started).
    func cancelBeforeStart(_ scope: TenantScope, _ id: UUID, now: Date = Date()) async throws {
        try await db.sql.raw("""
            UPDATE imports SET state = 'cancelled', finished_at = \(bind: now), message = 'Cancelled before it started.',
                updated_at = \(bind: now)
            WHERE id = \(bind: id) AND tenant_id = \(bind: scope.tenantID)
            """).run()
    }

    /// A worker started (or resumed) the import.
    func markRunning(_ scope: TenantScope, _ id: UUID, now: Date = Date()) async throws {
        try await db.sql.raw("""
            UPDATE imports SET state = 'running', started_at = COALESCE(started_at, \(bind: now)), updated_at = \(bind: now)
            WHERE id = \(bind: id) AND tenant_id = \(bind: scope.tenantID)
            """).run()
    }

    /// The import ended: `completed`, `cancelled` or `failed`, with a message a person reads.
    func finish(_ scope: TenantScope, _ id: UUID, state: String, message: String, now: Date = Date()) async throws {
        try await db.sql.raw("""
            UPDATE imports SET state = \(bind: state), message = \(bind: message), finished_at = \(bind: now), updated_at = \(bind: now)
            WHERE id = \(bind: id) AND tenant_id = \(bind: scope.tenantID)
            """).run()
    }

    /// Moves the checkpoint from `previous` to `next`; false when it is no longer at `previous`
    /// (another runner wrote a batch of this import, or it was reset).
    func moveCheckpoint(_ scope: TenantScope, _ id: UUID, from previous: ImportCheckpoint, to next: ImportCheckpoint,
                        now: Date = Date()) async throws -> Bool {
        try await db.sql.raw("""
            UPDATE imports SET checkpoint_offset = \(bind: next.offset), checkpoint_rows = \(bind: next.rows),
                checkpoint_line = \(bind: next.line), counts = \(bind: next.counts.json), error_count = \(bind: next.errors),
                updated_at = \(bind: now)
            WHERE id = \(bind: id) AND tenant_id = \(bind: scope.tenantID)
                AND checkpoint_offset = \(bind: previous.offset) AND checkpoint_rows = \(bind: previous.rows)
            RETURNING id
            """).first() != nil
    }

    /// Up to `limit` error rows of the import after row number `after`, in row order.
    func errors(_ scope: TenantScope, importID: UUID, after: Int, limit: Int = 1000) async throws -> [ImportErrorRow] {
        try await db.sql.raw("""
            SELECT row_number, line, verdict, reason, original FROM import_errors
            WHERE import_id = \(bind: importID) AND tenant_id = \(bind: scope.tenantID) AND row_number > \(bind: after)
            ORDER BY row_number LIMIT \(literal: limit)
            """).all(decoding: ImportErrorRow.self, keyDecodingStrategy: .convertFromSnakeCase)
    }
}
