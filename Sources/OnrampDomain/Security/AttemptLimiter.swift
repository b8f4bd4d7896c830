import struct Foundation.Date
import struct Foundation.TimeInterval

/// Counts attempts per key in a sliding window and refuses past the limit
/// (log-in and sign-up per IP address and per email).
public struct AttemptLimiter: Sendable {
    public struct Rule: Sendable, Equatable {
        public let limit: Int
        public let window: TimeInterval

        public init(limit: Int, window: TimeInterval) {
            precondition(limit > 0 && window > 0)
            self.limit = limit
            self.window = window
        }
    }

    public enum Decision: Sendable, Equatable {
        case allowed
        /// Refused; the caller may try again after this many whole seconds.
        case limited(retryAfter: Int)
    }

    public let rule: Rule
    /// Keys kept at most; the oldest are forgotten first so memory stays bounded.
    public let maxKeys: Int
    private var attempts: [String: [Date]] = [:]

    public init(rule: Rule, maxKeys: Int = 100_000) {
        self.rule = rule
        self.maxKeys = maxKeys
    }

    /// Records an attempt for `key` at `now` unless the key is over its limit.
    public mutating func attempt(_ key: String, now: Date) -> Decision {
        let windowStart = now.addingTimeInterval(-rule.window)
        var recent = (attempts[key] ?? []).filter { $0 > windowStart }
        if recent.count >= rule.limit {
            attempts[key] = recent
            let oldest = recent[recent.count - rule.limit]
            let wait = oldest.addingTimeInterval(rule.window).timeIntervalSince(now)
            return .limited(retryAfter: max(1, Int(wait.rounded(.up))))
        }
        recent.append(now)
        attempts[key] = recent
        if attempts.count > maxKeys { evict(before: windowStart) }
        return .allowed
    }

    /// Forgets a key's attempts (after a successful log-in, say).
    public mutating func reset(_ key: String) {
        attempts[key] = nil
    }

    public var trackedKeys: Int { attempts.count }

    private mutating func evict(before windowStart: Date) {
        attempts = attempts.filter { $0.value.contains { $0 > windowStart } }
        while attempts.count > maxKeys,
              let oldest = attempts.min(by: { ($0.value.last ?? .distantPast) < ($1.value.last ?? .distantPast) }) {
            attempts[oldest.key] = nil
        }
    }
}
