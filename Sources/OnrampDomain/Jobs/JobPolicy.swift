import Foundation

/// The life of a background job. `queued` jobs wait for `runAt`; a worker holds a `running`
/// job under a lease it renews; a failure queues it again after a backoff until it has used
/// its attempts, then it is `dead` (kept for inspection). `cancelled` and `succeeded` are final.
public enum JobState: String, Sendable, Codable, CaseIterable {
    case queued, running, succeeded, dead, cancelled

    public var isFinal: Bool { self == .succeeded || self == .dead || self == .cancelled }
}

/// How often and how far apart failed jobs are tried again.
public struct RetryPolicy: Sendable, Equatable {
    public var maxAttempts: Int
    /// Delay before the second attempt; doubles with each further failure.
    public var baseDelay: TimeInterval
    public var maxDelay: TimeInterval
    /// Each delay is spread at random over ±this fraction, so failed jobs do not retry in step.
    public var jitter: Double

    public static let standard = RetryPolicy(maxAttempts: 5, baseDelay: 10, maxDelay: 3600, jitter: 0.2)

    public init(maxAttempts: Int, baseDelay: TimeInterval, maxDelay: TimeInterval, jitter: Double) {
        self.maxAttempts = max(1, maxAttempts)
        self.baseDelay = max(0, baseDelay)
        self.maxDelay = max(self.baseDelay, maxDelay)
        self.jitter = min(max(jitter, 0), 1)
    }

    /// The delay after failed attempt number `attempt` (1-based): exponential, capped, jittered.
    public func delay(afterAttempt attempt: Int, using generator: inout some RandomNumberGenerator) -> TimeInterval {
        let exponent = Double(max(0, attempt - 1))
        let raw = min(maxDelay, baseDelay * pow(2, min(exponent, 60)))
        guard jitter > 0, raw > 0 else { return raw }
        let spread = raw * jitter
        return max(0, raw + Double.random(in: -spread...spread, using: &generator))
    }

    /// What a failure of attempt number `attempt` leads to.
    public func afterFailure(attempt: Int, at now: Date, using generator: inout some RandomNumberGenerator) -> FailureOutcome {
        attempt >= maxAttempts ? .dead : .retry(at: now.addingTimeInterval(delay(afterAttempt: attempt, using: &generator)))
    }

    public enum FailureOutcome: Sendable, Equatable {
        case retry(at: Date)
        case dead
    }
}
