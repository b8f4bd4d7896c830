import Foundation
import OnrampDomain
import Testing

@Suite("AuditChain")
struct AuditChainTests {
    static let tenant = UUID(uuidString: "6F9619FF-8B86-D011-B42D-00C04FC964FF")!
    static let start = Date(timeIntervalSince1970: 1_700_000_000.123)

    /// A correctly linked chain of `count` events.
    static func chain(_ count: Int, tenant: UUID = tenant) -> [AuditEntry] {
        var entries: [AuditEntry] = []
        var previous = AuditChain.genesis
        for sequence in stride(from: 1, through: count, by: 1) {
            let entry = entry(sequence: sequence, tenant: tenant, actor: "user:\(sequence % 2)",
                              action: "member.invited", target: "member:\(sequence)",
                              changes: #"{"role":"agent"}"#, requestID: sequence == 2 ? nil : "req-\(sequence)",
                              occurredAt: start.addingTimeInterval(Double(sequence) * 60), previousHash: previous)
            entries.append(entry)
            previous = entry.hash
        }
        return entries
    }

    /// An event with its hash computed from its fields.
    static func entry(sequence: Int, tenant: UUID = tenant, actor: String, action: String, target: String,
                      changes: String, requestID: String?, occurredAt: Date, previousHash: String) -> AuditEntry {
        let hash = AuditChain.hash(sequence: sequence, tenantID: tenant, actor: actor, action: action,
                                   target: target, changes: changes, requestID: requestID,
                                   occurredAt: occurredAt, previousHash: previousHash)
        return AuditEntry(sequence: sequence, tenantID: tenant, actor: actor, action: action, target: target,
                          changes: changes, requestID: requestID, occurredAt: occurredAt,
                          previousHash: previousHash, hash: hash)
    }

    /// `entry` with one field replaced, keeping its stored hash.
    static func altered(_ entry: AuditEntry, actor: String? = nil, action: String? = nil, target: String? = nil,
                        changes: String? = nil, occurredAt: Date? = nil, previousHash: String? = nil,
                        sequence: Int? = nil, tenantID: UUID? = nil, requestID: String?? = nil,
                        hash: String? = nil) -> AuditEntry {
        AuditEntry(sequence: sequence ?? entry.sequence, tenantID: tenantID ?? entry.tenantID,
                   actor: actor ?? entry.actor, action: action ?? entry.action, target: target ?? entry.target,
                   changes: changes ?? entry.changes, requestID: requestID ?? entry.requestID,
                   occurredAt: occurredAt ?? entry.occurredAt, previousHash: previousHash ?? entry.previousHash,
                   hash: hash ?? entry.hash)
    }

    static func hash(of entry: AuditEntry) -> String {
        AuditChain.hash(sequence: entry.sequence, tenantID: entry.tenantID, actor: entry.actor,
                        action: entry.action, target: entry.target, changes: entry.changes,
                        requestID: entry.requestID, occurredAt: entry.occurredAt, previousHash: entry.previousHash)
    }

    @Test("the genesis hash is 64 zeros")
    func genesis() {
        #expect(AuditChain.genesis == String(repeating: "0", count: 64))
    }

    @Test("the hash is SHA-256 over length-prefixed fields")
    func hashFormat() {
        let hash = AuditChain.hash(sequence: 1, tenantID: Self.tenant, actor: "user:1", action: "tenant.created",
                                   target: "tenant:acme", changes: "{}", requestID: "req-1",
                                   occurredAt: Date(timeIntervalSince1970: 1_700_000_000.5),
                                   previousHash: AuditChain.genesis)
        let preimage = "64:" + AuditChain.genesis + "1:1" + "36:6f9619ff-8b86-d011-b42d-00c04fc964ff"
            + "6:user:1" + "14:tenant.created" + "11:tenant:acme" + "2:{}" + "5:req-1" + "13:1700000000500"
        #expect(hash == SecretDigest.sha256Hex(preimage))
        #expect(hash.count == 64)
        #expect(hash.allSatisfy { "0123456789abcdef".contains($0) })
    }

    @Test("lengths are counted in UTF-8 bytes")
    func utf8Lengths() {
        let hash = AuditChain.hash(sequence: 2, tenantID: Self.tenant, actor: "Jürgen", action: "a", target: "t",
                                   changes: "", requestID: nil, occurredAt: Date(timeIntervalSince1970: 0),
                                   previousHash: "p")
        let preimage = "1:p" + "1:2" + "36:6f9619ff-8b86-d011-b42d-00c04fc964ff" + "7:Jürgen" + "1:a" + "1:t"
            + "0:" + "0:" + "1:0"
        #expect(hash == SecretDigest.sha256Hex(preimage))
    }

    @Test("hashing is deterministic")
    func deterministic() {
        let a = Self.chain(3)
        let b = Self.chain(3)
        #expect(a.map(\.hash) == b.map(\.hash))
        #expect(Set(a.map(\.hash)).count == 3)
    }

    @Test("changing any hashed field changes the hash", arguments: [
        "sequence", "tenant", "actor", "action", "target", "changes", "requestID", "requestIDRemoved",
        "occurredAt", "previousHash",
    ])
    func everyFieldCounts(_ field: String) {
        let original = Self.chain(1)[0]
        let changed: AuditEntry = switch field {
        case "sequence": Self.altered(original, sequence: 2)
        case "tenant": Self.altered(original, tenantID: UUID())
        case "actor": Self.altered(original, actor: "user:evil")
        case "action": Self.altered(original, action: "member.removed")
        case "target": Self.altered(original, target: "member:99")
        case "changes": Self.altered(original, changes: #"{"role":"owner"}"#)
        case "requestID": Self.altered(original, requestID: .some("req-other"))
        case "requestIDRemoved": Self.altered(original, requestID: .some(nil))
        case "occurredAt": Self.altered(original, occurredAt: original.occurredAt.addingTimeInterval(0.001))
        default: Self.altered(original, previousHash: String(repeating: "f", count: 64))
        }
        #expect(Self.hash(of: changed) != original.hash)
    }

    @Test("moving text between neighbouring fields changes the hash")
    func lengthPrefixesSeparateFields() {
        let date = Date(timeIntervalSince1970: 0)
        let first = AuditChain.hash(sequence: 1, tenantID: Self.tenant, actor: "ab", action: "c", target: "t",
                                    changes: "", requestID: nil, occurredAt: date, previousHash: AuditChain.genesis)
        let second = AuditChain.hash(sequence: 1, tenantID: Self.tenant, actor: "a", action: "bc", target: "t",
                                     changes: "", requestID: nil, occurredAt: date, previousHash: AuditChain.genesis)
        #expect(first != second)
    }

    @Test("times are hashed to the millisecond")
    func millisecondPrecision() {
        let original = Self.chain(1)[0]
        let nearby = Self.altered(original, occurredAt: original.occurredAt.addingTimeInterval(0.0002))
        #expect(Self.hash(of: nearby) == original.hash)
        let normalized = Self.altered(original, occurredAt: AuditChain.normalize(original.occurredAt))
        #expect(Self.hash(of: normalized) == original.hash)
    }

    @Test("normalize rounds to the nearest millisecond", arguments: [
        (1_700_000_000.1234, 1_700_000_000.123),
        (1_700_000_000.1236, 1_700_000_000.124),
        (1_700_000_000.0, 1_700_000_000.0),
        (0.0004, 0.0),
        (-1.2344, -1.234),
    ])
    func normalize(_ seconds: Double, _ expected: Double) {
        let normalized = AuditChain.normalize(Date(timeIntervalSince1970: seconds))
        #expect(abs(normalized.timeIntervalSince1970 - expected) < 1e-7)
        #expect(AuditChain.normalize(normalized) == normalized)
    }

    @Test("an empty chain is intact")
    func empty() {
        #expect(AuditChain.verify([]) == .intact(events: 0))
    }

    @Test("a correctly linked chain is intact", arguments: [1, 2, 5, 20])
    func intact(_ count: Int) {
        let entries = Self.chain(count)
        #expect(entries.first?.previousHash == AuditChain.genesis)
        #expect(AuditChain.verify(entries) == .intact(events: count))
    }

    @Test("a chain stored with millisecond times is still intact")
    func intactAfterNormalizing() {
        let entries = Self.chain(4).map { Self.altered($0, occurredAt: AuditChain.normalize($0.occurredAt)) }
        #expect(AuditChain.verify(entries) == .intact(events: 4))
    }

    @Test("an altered field is found at its event", arguments: [1, 3, 5])
    func alteredField(_ sequence: Int) {
        var entries = Self.chain(5)
        entries[sequence - 1] = Self.altered(entries[sequence - 1], changes: #"{"role":"owner"}"#)
        #expect(AuditChain.verify(entries) == .broken(sequence: sequence,
                                                       reason: "event \(sequence) was altered after it was written"))
    }

    @Test("an altered event whose hash was recomputed breaks the link of the next one")
    func rehashedEvent() {
        var entries = Self.chain(5)
        let forged = Self.altered(entries[2], actor: "user:evil")
        entries[2] = Self.altered(forged, hash: Self.hash(of: forged))
        #expect(AuditChain.verify(entries) == .broken(sequence: 4,
                                                       reason: "event 4 does not link to the event before it"))
    }

    @Test("a removed event is reported as missing")
    func missingEvent() {
        var entries = Self.chain(5)
        entries.remove(at: 1)
        #expect(AuditChain.verify(entries) == .broken(sequence: 2,
                                                       reason: "event 2 is missing (found 3 in its place)"))
    }

    @Test("a chain that does not start at 1 is missing its first event")
    func missingFirst() {
        let entries = Array(Self.chain(3).dropFirst())
        #expect(AuditChain.verify(entries) == .broken(sequence: 1,
                                                       reason: "event 1 is missing (found 2 in its place)"))
    }

    @Test("removing the last event cannot be seen, but the rest stays intact")
    func truncatedTail() {
        #expect(AuditChain.verify(Array(Self.chain(5).dropLast())) == .intact(events: 4))
    }

    @Test("reordered events are reported")
    func reordered() {
        var entries = Self.chain(4)
        entries.swapAt(1, 2)
        #expect(AuditChain.verify(entries) == .broken(sequence: 2,
                                                       reason: "event 2 is missing (found 3 in its place)"))
    }

    @Test("a renumbered event that no longer links is reported as a broken link")
    func brokenLink() {
        var entries = Self.chain(3)
        // Event 2 rebuilt (with a valid own hash) on top of a different predecessor.
        let relinked = Self.altered(entries[1], previousHash: String(repeating: "a", count: 64))
        entries[1] = Self.altered(relinked, hash: Self.hash(of: relinked))
        #expect(AuditChain.verify(entries) == .broken(sequence: 2,
                                                       reason: "event 2 does not link to the event before it"))
    }

    @Test("a first event that does not start from genesis is a broken link")
    func firstEventWithoutGenesis() {
        let entry = Self.entry(sequence: 1, actor: "a", action: "b", target: "c", changes: "{}", requestID: nil,
                               occurredAt: Self.start, previousHash: String(repeating: "1", count: 64))
        #expect(AuditChain.verify([entry]) == .broken(sequence: 1,
                                                       reason: "event 1 does not link to the event before it"))
    }

    @Test("events of another tenant do not verify under a copied chain")
    func tenantSwap() {
        var entries = Self.chain(3)
        entries[1] = Self.altered(entries[1], tenantID: UUID())
        #expect(AuditChain.verify(entries) == .broken(sequence: 2,
                                                       reason: "event 2 was altered after it was written"))
    }
}
