import Foundation
import OnrampDomain
import Testing

@Suite("AttemptLimiter")
struct AttemptLimiterTests {
    static let t0 = Date(timeIntervalSince1970: 1_700_000_000)

    static func at(_ seconds: TimeInterval) -> Date { t0.addingTimeInterval(seconds) }

    @Test("attempts up to the limit are allowed, the next is refused")
    func limit() {
        var limiter = AttemptLimiter(rule: .init(limit: 3, window: 60))
        #expect(limiter.attempt("ip:1", now: Self.at(0)) == .allowed)
        #expect(limiter.attempt("ip:1", now: Self.at(1)) == .allowed)
        #expect(limiter.attempt("ip:1", now: Self.at(2)) == .allowed)
        #expect(limiter.attempt("ip:1", now: Self.at(3)) == .limited(retryAfter: 57))
    }

    @Test("retryAfter is the whole seconds until the oldest counted attempt leaves the window")
    func retryAfter() {
        var limiter = AttemptLimiter(rule: .init(limit: 3, window: 60))
        _ = limiter.attempt("k", now: Self.at(0))
        _ = limiter.attempt("k", now: Self.at(10))
        _ = limiter.attempt("k", now: Self.at(20))
        #expect(limiter.attempt("k", now: Self.at(30)) == .limited(retryAfter: 30))
        #expect(limiter.attempt("k", now: Self.at(30.5)) == .limited(retryAfter: 30))
        #expect(limiter.attempt("k", now: Self.at(59.2)) == .limited(retryAfter: 1))
        #expect(limiter.attempt("k", now: Self.at(59.999)) == .limited(retryAfter: 1))
    }

    @Test("the window slides: an attempt counts for exactly `window` seconds")
    func sliding() {
        var limiter = AttemptLimiter(rule: .init(limit: 3, window: 60))
        _ = limiter.attempt("k", now: Self.at(0))
        _ = limiter.attempt("k", now: Self.at(10))
        _ = limiter.attempt("k", now: Self.at(20))
        #expect(limiter.attempt("k", now: Self.at(60)) == .allowed)
        // Now the attempts at 10, 20 and 60 count: the next slot opens at 70.
        #expect(limiter.attempt("k", now: Self.at(60.5)) == .limited(retryAfter: 10))
        #expect(limiter.attempt("k", now: Self.at(70)) == .allowed)
        #expect(limiter.attempt("k", now: Self.at(80)) == .allowed)
        #expect(limiter.attempt("k", now: Self.at(80)) == .limited(retryAfter: 40))
    }

    @Test("refused attempts do not extend the lock-out")
    func refusedAttemptsNotCounted() {
        var limiter = AttemptLimiter(rule: .init(limit: 2, window: 60))
        _ = limiter.attempt("k", now: Self.at(0))
        _ = limiter.attempt("k", now: Self.at(1))
        for second in 2..<60 {
            #expect(limiter.attempt("k", now: Self.at(Double(second))) != .allowed)
        }
        #expect(limiter.attempt("k", now: Self.at(60)) == .allowed)
    }

    @Test("a limit of one with a one-second window")
    func tinyRule() {
        var limiter = AttemptLimiter(rule: .init(limit: 1, window: 1))
        #expect(limiter.attempt("k", now: Self.at(0)) == .allowed)
        #expect(limiter.attempt("k", now: Self.at(0.5)) == .limited(retryAfter: 1))
        #expect(limiter.attempt("k", now: Self.at(1)) == .allowed)
    }

    @Test("retryAfter rounds up and is never below one second")
    func retryAfterRoundsUp() {
        var limiter = AttemptLimiter(rule: .init(limit: 1, window: 100))
        _ = limiter.attempt("k", now: Self.at(0))
        #expect(limiter.attempt("k", now: Self.at(0)) == .limited(retryAfter: 100))
        #expect(limiter.attempt("k", now: Self.at(0.1)) == .limited(retryAfter: 100))
        #expect(limiter.attempt("k", now: Self.at(98.9)) == .limited(retryAfter: 2))
        #expect(limiter.attempt("k", now: Self.at(99.99999)) == .limited(retryAfter: 1))
    }

    @Test("keys are counted separately")
    func separateKeys() {
        var limiter = AttemptLimiter(rule: .init(limit: 1, window: 60))
        #expect(limiter.attempt("ip:1", now: Self.at(0)) == .allowed)
        #expect(limiter.attempt("ip:1", now: Self.at(1)) == .limited(retryAfter: 59))
        #expect(limiter.attempt("ip:2", now: Self.at(1)) == .allowed)
        #expect(limiter.attempt("email:ada@example.com", now: Self.at(1)) == .allowed)
        #expect(limiter.trackedKeys == 3)
    }

    @Test("reset forgets a key's attempts and nothing else")
    func reset() {
        var limiter = AttemptLimiter(rule: .init(limit: 1, window: 60))
        _ = limiter.attempt("a", now: Self.at(0))
        _ = limiter.attempt("b", now: Self.at(0))
        #expect(limiter.attempt("a", now: Self.at(1)) != .allowed)
        limiter.reset("a")
        #expect(limiter.trackedKeys == 1)
        #expect(limiter.attempt("a", now: Self.at(1)) == .allowed)
        #expect(limiter.attempt("b", now: Self.at(1)) == .limited(retryAfter: 59))
        limiter.reset("never-seen")
        #expect(limiter.trackedKeys == 2)
    }

    @Test("the number of keys stays bounded; the least recently used key is forgotten first")
    func evictsOldest() {
        var limiter = AttemptLimiter(rule: .init(limit: 1, window: 60), maxKeys: 3)
        #expect(limiter.maxKeys == 3)
        _ = limiter.attempt("a", now: Self.at(0))
        _ = limiter.attempt("b", now: Self.at(1))
        _ = limiter.attempt("c", now: Self.at(2))
        #expect(limiter.trackedKeys == 3)
        #expect(limiter.attempt("d", now: Self.at(3)) == .allowed)
        #expect(limiter.trackedKeys == 3)
        // "a" was forgotten, so it is allowed again; "b" is still remembered.
        #expect(limiter.attempt("b", now: Self.at(4)) == .limited(retryAfter: 57))
        #expect(limiter.attempt("a", now: Self.at(4)) == .allowed)
        #expect(limiter.trackedKeys == 3)
        // Adding "a" back pushed out the oldest remaining key, "b".
        #expect(limiter.attempt("b", now: Self.at(5)) == .allowed)
    }

    @Test("many keys never exceed the bound")
    func boundUnderLoad() {
        var limiter = AttemptLimiter(rule: .init(limit: 5, window: 600), maxKeys: 10)
        for index in 0..<200 {
            #expect(limiter.attempt("ip:\(index)", now: Self.at(Double(index))) == .allowed)
            #expect(limiter.trackedKeys <= 10)
        }
        #expect(limiter.trackedKeys == 10)
    }

    @Test("when the bound is hit, keys with no recent attempts are all dropped first")
    func evictsExpired() {
        var limiter = AttemptLimiter(rule: .init(limit: 1, window: 10), maxKeys: 2)
        _ = limiter.attempt("a", now: Self.at(0))
        _ = limiter.attempt("b", now: Self.at(1))
        #expect(limiter.attempt("c", now: Self.at(100)) == .allowed)
        #expect(limiter.trackedKeys == 1)
    }

    @Test("the default bound is 100 000 keys")
    func defaultBound() {
        let limiter = AttemptLimiter(rule: .init(limit: 5, window: 60))
        #expect(limiter.maxKeys == 100_000)
        #expect(limiter.trackedKeys == 0)
        #expect(limiter.rule == AttemptLimiter.Rule(limit: 5, window: 60))
        #expect(limiter.rule != AttemptLimiter.Rule(limit: 5, window: 61))
    }
}
