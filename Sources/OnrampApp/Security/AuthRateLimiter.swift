import Foundation
import NIOConcurrencyHelpers
import OnrampDomain
import Vapor

/// Limits log-in and sign-up attempts per client IP and per email address (in this process).
final class AuthRateLimiter: Sendable {
    struct Rules: Sendable {
        var perIP: AttemptLimiter.Rule
        var perEmail: AttemptLimiter.Rule

        /// Generous for people, tight for scripts guessing passwords.
        static let login = Rules(perIP: .init(limit: 30, window: 300), perEmail: .init(limit: 10, window: 900))
        static let signup = Rules(perIP: .init(limit: 20, window: 3600), perEmail: .init(limit: 5, window: 3600))
    }

    private let byIP: NIOLockedValueBox<AttemptLimiter>
    private let byEmail: NIOLockedValueBox<AttemptLimiter>

    init(rules: Rules) {
        byIP = .init(AttemptLimiter(rule: rules.perIP))
        byEmail = .init(AttemptLimiter(rule: rules.perEmail))
    }

    /// Records an attempt; throws 429 with `Retry-After` when either limit is exceeded.
    func check(ip: String, email: String?, now: Date = Date()) throws {
        let ipDecision = byIP.withLockedValue { $0.attempt(ip, now: now) }
        if case .limited(let seconds) = ipDecision { throw Problem.rateLimited(retryAfter: seconds) }
        guard let email else { return }
        let key = email.trimmingWhitespace().lowercased()
        let emailDecision = byEmail.withLockedValue { $0.attempt(key, now: now) }
        if case .limited(let seconds) = emailDecision { throw Problem.rateLimited(retryAfter: seconds) }
    }
}

extension Request {
    /// The client's address as seen by this server (no proxy headers are trusted).
    var clientIP: String { remoteAddress?.ipAddress ?? "unknown" }
}
