import Crypto
import Foundation

/// The fields of one audit event that its hash covers.
public struct AuditEntry: Sendable, Equatable {
    public let sequence: Int
    public let tenantID: UUID
    public let actor: String
    public let action: String
    public let target: String
    /// A JSON summary of the change (before/after), stored verbatim.
    public let changes: String
    public let requestID: String?
    public let occurredAt: Date
    public let previousHash: String
    public let hash: String

    public init(sequence: Int, tenantID: UUID, actor: String, action: String, target: String,
                changes: String, requestID: String?, occurredAt: Date, previousHash: String, hash: String) {
        self.sequence = sequence
        self.tenantID = tenantID
        self.actor = actor
        self.action = action
        self.target = target
        self.changes = changes
        self.requestID = requestID
        self.occurredAt = occurredAt
        self.previousHash = previousHash
        self.hash = hash
    }
}

/// Hash chain over a tenant's audit events: each event carries the hash of the one before,
/// so changing, removing or reordering any event breaks every hash after it.
public enum AuditChain {
    /// The previous-hash of a tenant's first event.
    public static let genesis = String(repeating: "0", count: 64)

    /// Audit times are kept to the millisecond so they survive every database's date type.
    public static func normalize(_ date: Date) -> Date {
        Date(timeIntervalSince1970: (date.timeIntervalSince1970 * 1000).rounded() / 1000)
    }

    public static func hash(
        sequence: Int, tenantID: UUID, actor: String, action: String, target: String,
        changes: String, requestID: String?, occurredAt: Date, previousHash: String
    ) -> String {
        let millis = Int64((occurredAt.timeIntervalSince1970 * 1000).rounded())
        // Length-prefixed fields: no two different events can produce the same byte string.
        let fields = [previousHash, String(sequence), tenantID.uuidString.lowercased(), actor, action,
                      target, changes, requestID ?? "", String(millis)]
        var bytes = Data()
        for field in fields {
            let utf8 = Data(field.utf8)
            bytes.append(contentsOf: "\(utf8.count):".utf8)
            bytes.append(utf8)
        }
        return SHA256.hash(data: bytes).hexEncoded
    }

    /// The result of checking a chain.
    public enum Verification: Sendable, Equatable {
        case intact(events: Int)
        /// The first event whose sequence, link or hash does not hold, and why.
        case broken(sequence: Int, reason: String)
    }

    /// Verifies events ordered by sequence, starting at 1.
    public static func verify(_ entries: [AuditEntry]) -> Verification {
        var previous = genesis
        for (offset, entry) in entries.enumerated() {
            let expected = offset + 1
            guard entry.sequence == expected else {
                return .broken(sequence: expected, reason: "event \(expected) is missing (found \(entry.sequence) in its place)")
            }
            guard entry.previousHash == previous else {
                return .broken(sequence: entry.sequence, reason: "event \(entry.sequence) does not link to the event before it")
            }
            let recomputed = hash(sequence: entry.sequence, tenantID: entry.tenantID, actor: entry.actor,
                                  action: entry.action, target: entry.target, changes: entry.changes,
                                  requestID: entry.requestID, occurredAt: entry.occurredAt,
                                  previousHash: entry.previousHash)
            guard recomputed == entry.hash else {
                return .broken(sequence: entry.sequence, reason: "event \(entry.sequence) was altered after it was written")
            }
            previous = entry.hash
        }
        return .intact(events: entries.count)
    }
}
