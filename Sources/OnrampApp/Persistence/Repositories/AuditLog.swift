import Fluent
import Foundation
import OnrampDomain
import SQLKit

/// Writes audit events into a tenant's hash chain, inside the caller's transaction.
enum AuditLog {
    /// The chain for platform-level events (operators created, and so on).
    static let platformTenantID = UUID(uuidString: "00000000-0000-0000-0000-000000000000")!

    /// What changed, as a before/after summary.
    struct Change: Encodable, Sendable {
        var before: [String: String]?
        var after: [String: String]?

        func json() -> String {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys]
            return (try? encoder.encode(self)).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
        }
    }

    /// Appends an event; `db` must be inside a transaction (see `DatabaseWriter.atomically`).
    static func record(
        on db: any Database, tenantID: UUID, actor: String, actorUserID: UUID?, action: String, target: String,
        change: Change, requestID: String?, now: Date = Date()
    ) async throws {
        if !db.isSQLite {
            // Serialise writers of one chain; SQLite transactions are already serial.
            try await db.sql.raw("SELECT pg_advisory_xact_lock(hashtextextended(\(bind: tenantID.uuidString), 0))").run()
        }
        // Plain SQL on this path: it runs in every audited change.
        let last = try await db.sql.raw("""
            SELECT sequence, hash FROM audit_events WHERE tenant_id = \(bind: tenantID)
            ORDER BY sequence DESC LIMIT 1
            """).first()
        let sequence = (try last?.decode(column: "sequence", as: Int.self) ?? 0) + 1
        let previousHash = try last?.decode(column: "hash", as: String.self) ?? AuditChain.genesis
        let occurredAt = AuditChain.normalize(now)
        let changes = change.json()
        let hash = AuditChain.hash(sequence: sequence, tenantID: tenantID, actor: actor, action: action,
                                   target: target, changes: changes, requestID: requestID,
                                   occurredAt: occurredAt, previousHash: previousHash)
        try await db.sql.raw("""
            INSERT INTO audit_events (id, tenant_id, sequence, actor, actor_user_id, action, target, changes,
                                      request_id, occurred_at, previous_hash, hash)
            VALUES (\(bind: UUID()), \(bind: tenantID), \(bind: sequence), \(bind: actor), \(bind: actorUserID),
                    \(bind: action), \(bind: target), \(bind: changes), \(bind: requestID), \(bind: occurredAt),
                    \(bind: previousHash), \(bind: hash))
            """).run()
    }

    /// Checks a tenant's whole chain.
    static func verify(tenantID: UUID, on db: any Database) async throws -> AuditChain.Verification {
        let events = try await AuditEvent.query(on: db)
            .filter(\.$tenantID == tenantID)
            .sort(\.$sequence, .ascending)
            .all()
        return AuditChain.verify(events.map(\.entry))
    }
}

extension AuditEvent {
    var entry: AuditEntry {
        AuditEntry(sequence: sequence, tenantID: tenantID, actor: actor, action: action, target: target,
                   changes: changes, requestID: requestID, occurredAt: occurredAt,
                   previousHash: previousHash, hash: hash)
    }
}
