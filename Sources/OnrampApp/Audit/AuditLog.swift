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

        private static let encoder: JSONEncoder = {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys]
            return encoder
        }()

        func json() -> String {
            (try? Self.encoder.encode(self)).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
        }
    }

    /// One event to append.
    struct Entry: Sendable {
        var tenantID: UUID
        var actor: String
        var actorUserID: UUID?
        var action: String
        var target: String
        var change: Change
        var requestID: String?
        var at: Date = Date()
    }

    /// Appends an event; `db` must be inside a transaction (see `DatabaseWriter.atomically`).
    static func record(
        on db: any Database, tenantID: UUID, actor: String, actorUserID: UUID?, action: String, target: String,
        change: Change, requestID: String?, now: Date = Date()
    ) async throws {
        try await append([Entry(tenantID: tenantID, actor: actor, actorUserID: actorUserID, action: action,
                                target: target, change: change, requestID: requestID, at: now)], on: db)
    }

    /// The newest event of each chain: where the next events attach.
    typealias Heads = [UUID: (sequence: Int, hash: String)]

    /// Locks (PostgreSQL) and reads the heads of the tenants' chains; `db` must be inside a
    /// transaction. Sorted, so that writers in several processes take the locks in one order.
    static func heads(of tenantIDs: Set<UUID>, on db: any Database) async throws -> Heads {
        var heads: Heads = [:]
        for tenantID in tenantIDs.sorted(by: { $0.uuidString < $1.uuidString }) {
            if !db.isSQLite {
                // Serialise writers of one chain; SQLite transactions are already serial.
                try await db.sql.raw("SELECT pg_advisory_xact_lock(hashtextextended(\(bind: tenantID.uuidString), 0))").run()
            }
            let last = try await db.sql.raw("""
                SELECT sequence, hash FROM audit_events WHERE tenant_id = \(bind: tenantID)
                ORDER BY sequence DESC LIMIT 1
                """).first()
            heads[tenantID] = (try last?.decode(column: "sequence", as: Int.self) ?? 0,
                               try last?.decode(column: "hash", as: String.self) ?? AuditChain.genesis)
        }
        return heads
    }

    /// Appends events, in order, to their tenants' chains in one INSERT; `db` must be inside a
    /// transaction. Plain SQL: this runs in every audited change.
    static func append(_ entries: [Entry], on db: any Database) async throws {
        guard !entries.isEmpty else { return }
        let heads = try await heads(of: Set(entries.map(\.tenantID)), on: db)
        try await insert(entries, after: heads, on: db)
    }

    /// Inserts events after the chain heads read (and locked) by `heads(of:on:)` in this transaction.
    static func insert(_ entries: [Entry], after heads: Heads, on db: any Database) async throws {
        guard !entries.isEmpty else { return }
        var heads = heads
        var rows: [SQLQueryString] = []
        for entry in entries {
            let head = heads[entry.tenantID]!
            let sequence = head.sequence + 1
            let occurredAt = AuditChain.normalize(entry.at)
            let changes = entry.change.json()
            let hash = AuditChain.hash(sequence: sequence, tenantID: entry.tenantID, actor: entry.actor, action: entry.action,
                                       target: entry.target, changes: changes, requestID: entry.requestID,
                                       occurredAt: occurredAt, previousHash: head.hash)
            heads[entry.tenantID] = (sequence, hash)
            rows.append("""
                (\(bind: TimeOrderedID.make(at: entry.at)), \(bind: entry.tenantID), \(bind: sequence), \(bind: entry.actor), \(bind: entry.actorUserID),
                 \(bind: entry.action), \(bind: entry.target), \(bind: changes), \(bind: entry.requestID), \(bind: occurredAt),
                 \(bind: head.hash), \(bind: hash))
                """)
        }
        try await db.sql.raw("""
            INSERT INTO audit_events (id, tenant_id, sequence, actor, actor_user_id, action, target, changes,
                                      request_id, occurred_at, previous_hash, hash)
            VALUES \(rows.joined(separator: ", "))
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
