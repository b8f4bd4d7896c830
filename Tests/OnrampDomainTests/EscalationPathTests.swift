import Crypto
import Foundation
@testable import OnrampDomain
import Testing

private typealias Recipient = EscalationPath.Recipient
private typealias Level = EscalationPath.Level

private func instant(_ text: String) -> Date { ISO8601DateFormatter().date(from: text)! }
private func email(_ text: String) -> Recipient { .email(EmailAddress(text)!) }

@Suite("Escalation recipients")
struct EscalationRecipientTests {
    @Test func parsesAssigneeRolesAndAddresses() {
        #expect(Recipient("assignee") == .assignee)
        #expect(Recipient("  ASSIGNEE\n") == .assignee)
        #expect(Recipient("role:supervisor") == .role(.supervisor))
        #expect(Recipient("ROLE:Admin") == .role(.admin))
        #expect(Recipient(" role:owner ") == .role(.owner))
        #expect(Recipient("role:light_agent") == .role(.lightAgent))
        #expect(Recipient("role:viewer") == .role(.viewer))
        #expect(Recipient(" Ops@Example.COM ") == email("ops@example.com"))
        #expect(Recipient("assignee@example.com") == email("assignee@example.com"), "an address that starts like a keyword")
    }

    @Test func refusesWhatIsNeither() {
        for text in ["", "   ", "role:", "role:boss", "role:lightAgent", "role:admin@example.com", "roles:admin", "assignees",
                     "ops@", "@example.com", "ops example.com", "owner"] {
            #expect(Recipient(text) == nil, "\"\(text)\" is not a recipient")
        }
    }

    @Test func describesItselfInTheFormItIsWrittenIn() {
        #expect(Recipient.assignee.description == "assignee")
        #expect(Recipient.role(.supervisor).description == "role:supervisor")
        #expect(Recipient.role(.lightAgent).description == "role:light_agent")
        #expect(email("Ann@Example.com").description == "ann@example.com")
        let all: [Recipient] = [.assignee, email("a@b.io")] + Role.allCases.map { .role($0) }
        for recipient in all { #expect(Recipient(recipient.description) == recipient) }
    }

    @Test func codesAsItsText() throws {
        let recipients: [Recipient] = [.assignee, .role(.admin), .role(.lightAgent), email("ops@example.com")]
        let json = String(decoding: try JSONEncoder().encode(recipients), as: UTF8.self)
        #expect(json == #"["assignee","role:admin","role:light_agent","ops@example.com"]"#)
        let decoded = try JSONDecoder().decode([Recipient].self, from: Data(#"[" Assignee","role:Owner","Ops@Example.com"]"#.utf8))
        #expect(decoded == [.assignee, .role(.owner), email("ops@example.com")])
    }

    @Test func decodingSaysWhatIsWrong() throws {
        let error = try #require(throws: DecodingError.self) {
            try JSONDecoder().decode([Recipient].self, from: Data(#"["assignee","role:boss"]"#.utf8))
        }
        guard case .dataCorrupted(let context) = error else {
            Issue.record("expected dataCorrupted, got \(error)")
            return
        }
        #expect(context.debugDescription.hasPrefix(#""role:boss" is not a recipient"#))
        #expect(context.codingPath.count == 1)
        #expect(throws: DecodingError.self) { try JSONDecoder().decode([Recipient].self, from: Data("[42]".utf8)) }
    }
}

@Suite("Escalation paths")
struct EscalationPathTests {
    static let breach = instant("2026-03-10T12:00:00Z")

    /// 0, 30 and 120 minutes after the breach.
    static let threeLevels = EscalationPath(levels: [
        Level(afterMinutes: 0, notify: [.assignee]),
        Level(afterMinutes: 30, notify: [.role(.supervisor)]),
        Level(afterMinutes: 120, notify: [.role(.admin), email("ops@example.com")]),
    ])

    static func levels(_ minutes: [Int]) -> EscalationPath {
        EscalationPath(levels: minutes.map { Level(afterMinutes: $0, notify: [.assignee]) })
    }

    @Test func codesAsAListOfLevelsWithSnakeCaseKeys() throws {
        let path = EscalationPath(levels: [
            Level(afterMinutes: 30, notify: [.assignee, .role(.supervisor)]),
            Level(afterMinutes: 120, notify: [.role(.admin), email("ops@example.com")]),
        ])
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        let json = #"[{"after_minutes":30,"notify":["assignee","role:supervisor"]},{"after_minutes":120,"notify":["role:admin","ops@example.com"]}]"#
        #expect(String(decoding: try encoder.encode(path), as: UTF8.self) == json)
        #expect(try JSONDecoder().decode(EscalationPath.self, from: Data(json.utf8)) == path)
        #expect(try JSONDecoder().decode(EscalationPath.self, from: Data("[]".utf8)) == EscalationPath())
        #expect(String(decoding: try encoder.encode(EscalationPath()), as: UTF8.self) == "[]")
    }

    @Test func decodingRefusesOtherShapes() {
        #expect(throws: DecodingError.self, "camelCase key") {
            try JSONDecoder().decode(EscalationPath.self, from: Data(#"[{"afterMinutes":30,"notify":["assignee"]}]"#.utf8))
        }
        #expect(throws: DecodingError.self, "an object, not a list") {
            try JSONDecoder().decode(EscalationPath.self, from: Data(#"{"levels":[]}"#.utf8))
        }
        #expect(throws: DecodingError.self, "a bad recipient inside a level") {
            try JSONDecoder().decode(EscalationPath.self, from: Data(#"[{"after_minutes":30,"notify":["nobody"]}]"#.utf8))
        }
    }

    @Test func aSoundPathHasNoProblems() {
        #expect(EscalationPath().problems() == [])
        #expect(Self.threeLevels.problems() == [])
        #expect(Self.levels([0, 43_200]).problems() == [], "both ends of the range")
        #expect(Self.levels(Array(1...10)).problems() == [], "ten levels")
        let twenty = Array(repeating: Recipient.assignee, count: 20)
        #expect(EscalationPath(levels: [Level(afterMinutes: 5, notify: twenty)]).problems() == [])
    }

    @Test func tooManyLevels() {
        #expect(Self.levels(Array(1...11)).problems() == [
            FieldError(field: "escalation", message: "An escalation path has at most 10 levels.", code: "too_many"),
        ])
        #expect(Self.levels(Array(1...11)).problems(field: "policy.escalation").map(\.field) == ["policy.escalation"])
    }

    @Test func minutesOutOfRange() {
        let message = "Enter a whole number of minutes from 0 to 43200."
        #expect(Self.levels([-1]).problems() == [FieldError(field: "escalation[0].after_minutes", message: message, code: "out_of_range")])
        #expect(Self.levels([10, 43_201]).problems() == [FieldError(field: "escalation[1].after_minutes", message: message, code: "out_of_range")])
        // A level out of range does not move the bar for the next one below what came before it.
        #expect(Self.levels([10, -5, 20]).problems().map(\.field) == ["escalation[1].after_minutes"])
    }

    @Test func eachLevelComesLaterThanEveryOneBefore() {
        #expect(Self.levels([30, 30]).problems() == [
            FieldError(field: "escalation[1].after_minutes", message: "Each level comes later than the one before (after 30 minutes).",
                       code: "inconsistent"),
        ])
        // The bar is the latest level so far, not the one just before.
        #expect(Self.levels([60, 30, 45, 61]).problems() == [
            FieldError(field: "escalation[1].after_minutes", message: "Each level comes later than the one before (after 60 minutes).",
                       code: "inconsistent"),
            FieldError(field: "escalation[2].after_minutes", message: "Each level comes later than the one before (after 60 minutes).",
                       code: "inconsistent"),
        ])
    }

    @Test func eachLevelNotifiesOneToTwentyRecipients() {
        let message = "Name 1 to 20 recipients: assignee, role:supervisor, role:admin or email addresses."
        let path = EscalationPath(levels: [
            Level(afterMinutes: 0, notify: []),
            Level(afterMinutes: 10, notify: Array(repeating: .assignee, count: 21)),
        ])
        #expect(path.problems(field: "sla.escalation") == [
            FieldError(field: "sla.escalation[0].notify", message: message, code: "required"),
            FieldError(field: "sla.escalation[1].notify", message: message, code: "required"),
        ])
    }

    @Test func everyProblemAtOnce() {
        var levels = (1...11).map { Level(afterMinutes: $0 * 10, notify: [.assignee]) }
        levels[2] = Level(afterMinutes: -1, notify: [])
        levels[4].afterMinutes = 40
        #expect(EscalationPath(levels: levels).problems().map { "\($0.field) \($0.code)" } == [
            "escalation too_many",
            "escalation[2].after_minutes out_of_range",
            "escalation[2].notify required",
            "escalation[4].after_minutes inconsistent",
        ])
    }

    @Test func aLevelOutOfRangeIsNotTheBarForTheNext() {
        // [10, 50000, 20]: level 1 is out of range; level 2 comes after level 0 and is fine once level 1 is fixed.
        #expect(Self.levels([10, 50_000, 20]).problems().map(\.field) == ["escalation[1].after_minutes"])
    }

    @Test func levelsFallDueAtTheirMinute() {
        let path = Self.threeLevels, breach = Self.breach
        #expect(path.levelsDue(breachedAt: breach, now: breach.addingTimeInterval(-1)) == [])
        #expect(path.levelsDue(breachedAt: breach, now: breach) == [0])
        #expect(path.levelsDue(breachedAt: breach, now: instant("2026-03-10T12:29:59Z")) == [0])
        #expect(path.levelsDue(breachedAt: breach, now: instant("2026-03-10T12:30:00Z")) == [0, 1])
        #expect(path.levelsDue(breachedAt: breach, now: instant("2026-03-10T13:59:59Z")) == [0, 1])
        #expect(path.levelsDue(breachedAt: breach, now: instant("2026-03-10T14:00:00Z")) == [0, 1, 2])
        #expect(path.levelsDue(breachedAt: breach, now: instant("2026-04-10T00:00:00Z")) == [0, 1, 2])
        #expect(EscalationPath().levelsDue(breachedAt: breach, now: instant("2030-01-01T00:00:00Z")) == [])
        // Indices are the levels' own, whatever their order.
        #expect(Self.levels([120, 30]).levelsDue(breachedAt: breach, now: instant("2026-03-10T12:45:00Z")) == [1])
    }

    @Test func theNextLevelIsTheFirstStillToCome() {
        let path = Self.threeLevels, breach = Self.breach
        #expect(path.nextLevel(breachedAt: breach, now: breach.addingTimeInterval(-60)) == breach)
        #expect(path.nextLevel(breachedAt: breach, now: breach) == instant("2026-03-10T12:30:00Z"))
        #expect(path.nextLevel(breachedAt: breach, now: instant("2026-03-10T12:29:59Z")) == instant("2026-03-10T12:30:00Z"))
        #expect(path.nextLevel(breachedAt: breach, now: instant("2026-03-10T12:30:00Z")) == instant("2026-03-10T14:00:00Z"))
        #expect(path.nextLevel(breachedAt: breach, now: instant("2026-03-10T14:00:00Z")) == nil)
        #expect(EscalationPath().nextLevel(breachedAt: breach, now: breach) == nil)
        #expect(Self.levels([120, 30]).nextLevel(breachedAt: breach, now: breach) == instant("2026-03-10T12:30:00Z"))
        // A month-long level: 43,200 minutes is 30 days of wall-clock time.
        #expect(Self.levels([43_200]).nextLevel(breachedAt: breach, now: breach) == instant("2026-04-09T12:00:00Z"))
    }
}

@Suite("SecretBox signatures")
struct SecretBoxSignatureTests {
    static let key = (0..<32).map { UInt8($0) }
    static let otherKey = [UInt8](repeating: 7, count: 32)
    static let body = Array(#"{"event":"ticket.created"}"#.utf8)
    static let context = "tenant:abc:webhooks"

    /// HKDF-SHA256 (salt: 32 zero bytes, as RFC 5869 reads an absent one) and HMAC-SHA256, computed here.
    static func independent(_ message: [UInt8], key: [UInt8], context: String) -> String {
        let derived = HKDF<SHA256>.deriveKey(inputKeyMaterial: SymmetricKey(data: key), salt: [UInt8](repeating: 0, count: 32),
                                             info: Array(context.utf8), outputByteCount: 32)
        let code = HMAC<SHA256>.authenticationCode(for: message, using: derived)
        return code.map { String(format: "%02x", $0) }.joined()
    }

    @Test func knownValues() {
        // Computed with Python's hmac and hashlib (RFC 5869 HKDF written out by hand).
        let box = SecretBox(masterKey: Self.key)
        #expect(box.signature(Self.body, context: Self.context) == "0778700013c8466d22a2cc73d4694567eb8f3411bef293c5f90a32cc99488f80")
        #expect(box.signature(Self.body, context: "tenant:xyz:webhooks") == "7d2a30d988be1d19905cff94c6fd78728a13152bef7e55b6609131e78d861fd8")
        #expect(box.signature([], context: "") == "4e864f6b9839274463def981bd67fa903f04ca46e862516defde621dd3da3509")
        #expect(SecretBox(masterKey: Self.otherKey).signature(Self.body, context: Self.context)
            == "791740b2b8ff315e8fd2fd7719637aefc5d615e0d95cb5a579cb44cdabf3e358")
    }

    @Test(arguments: ["", "tenant:abc:webhooks", "tenant:3f2c9a1e-0000-4000-8000-000000000001:webhooks", "ünïcode ✓"])
    func matchesHKDFThenHMAC(context: String) {
        for key in [Self.key, Self.otherKey] {
            for message in [Self.body, [], Array(repeating: 0xFF, count: 1000)] {
                #expect(SecretBox(masterKey: key).signature(message, context: context) == Self.independent(message, key: key, context: context))
            }
        }
    }

    @Test func deterministicLowerCaseHex() {
        let first = SecretBox(masterKey: Self.key).signature(Self.body, context: Self.context)
        let second = SecretBox(masterKey: Self.key).signature(Self.body, context: Self.context)
        #expect(first == second)
        #expect(first.count == 64)
        #expect(first.allSatisfy { "0123456789abcdef".contains($0) })
    }

    @Test func differsByContextKeyAndMessage() {
        let box = SecretBox(masterKey: Self.key)
        let base = box.signature(Self.body, context: Self.context)
        #expect(box.signature(Self.body, context: "tenant:abd:webhooks") != base)
        #expect(box.signature(Self.body, context: Self.context + " ") != base)
        #expect(box.signature(Self.body, context: "") != base)
        #expect(SecretBox(masterKey: Self.otherKey).signature(Self.body, context: Self.context) != base)
        #expect(box.signature(Self.body + [0x0A], context: Self.context) != base)
        // The master key itself never signs: the key is derived per context.
        let plain = HMAC<SHA256>.authenticationCode(for: Self.body, using: SymmetricKey(data: Self.key))
        #expect(plain.map { String(format: "%02x", $0) }.joined() != base)
    }

    @Test func signsWithTheCurrentKeyOnly() {
        let rotated = SecretBox(masterKey: Self.otherKey, previousKeys: [Self.key])
        #expect(rotated.signature(Self.body, context: Self.context) == SecretBox(masterKey: Self.otherKey).signature(Self.body, context: Self.context))
        #expect(rotated.signature(Self.body, context: Self.context) != SecretBox(masterKey: Self.key).signature(Self.body, context: Self.context))
    }
}
