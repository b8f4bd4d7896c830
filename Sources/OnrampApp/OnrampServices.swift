import Fluent
import Foundation
import NIOConcurrencyHelpers
import OnrampDomain
import OnrampIntegrations
import Vapor

/// What the composition root builds once and every request shares.
final class OnrampServices: Sendable {
    let settings: OnrampSettings
    let secretBox: SecretBox
    let metrics: OnrampMetrics
    let operations: APIOperationRegistry
    let loginLimiter: AuthRateLimiter
    let signupLimiter: AuthRateLimiter
    private let decoyHash = NIOLockedValueBox<String?>(nil)
    /// Most database connections this process may open (reported in `/metrics`).
    let databasePoolSize: Int
    /// Queues SQLite writers in this process; nil on PostgreSQL.
    let sqliteWrites: WriteSerializer?
    /// Onboarding changes, committed in groups.
    let onboardingChanges = OnboardingChangeQueue()
    /// Pushes committed changes to open wizards and dashboards, across processes.
    let live: LiveUpdates
    /// Sends the outbox's mail: SMTP (`ONRAMP_SMTP_URL`), or files under the data directory.
    let mailer: any EmailSender
    /// Delivers the `send_webhook` actions' requests.
    let webhooks: WebhookClient

    init(settings: OnrampSettings, secretBox: SecretBox, rateLimits: RateLimits,
         databasePoolSize: Int, serializesWrites: Bool, live: LiveUpdates, mailer: any EmailSender, webhooks: WebhookClient) {
        self.live = live
        self.mailer = mailer
        self.webhooks = webhooks
        sqliteWrites = serializesWrites ? WriteSerializer() : nil
        self.databasePoolSize = databasePoolSize
        self.settings = settings
        self.secretBox = secretBox
        metrics = OnrampMetrics()
        operations = APIOperationRegistry()
        loginLimiter = AuthRateLimiter(rules: rateLimits.login)
        var signup = rateLimits.signup
        if rateLimits.signupPerIPFromSettings {
            signup.perIP = .init(limit: settings.signupsPerIPPerHour, window: 3600)
        }
        signupLimiter = AuthRateLimiter(rules: signup)
    }
}

/// Log-in and sign-up attempt limits (overridable in tests).
public struct RateLimits: Sendable {
    var login: AuthRateLimiter.Rules
    var signup: AuthRateLimiter.Rules
    /// The per-IP sign-up limit comes from `ONRAMP_SIGNUPS_PER_IP_PER_HOUR`.
    var signupPerIPFromSettings = false

    public static let standard = RateLimits(login: .login, signup: .signup, signupPerIPFromSettings: true)

    /// Limits of `limit` attempts per `window` seconds for both log-in and sign-up, per IP and per email.
    public static func uniform(perIP: Int, perEmail: Int, window: TimeInterval) -> RateLimits {
        let rules = AuthRateLimiter.Rules(perIP: .init(limit: perIP, window: window),
                                          perEmail: .init(limit: perEmail, window: window))
        return RateLimits(login: rules, signup: rules)
    }
}

extension OnrampServices {
    /// A bcrypt hash (at the configured cost) checked when a log-in names an unknown email,
    /// so both paths cost the same. Made on first use to keep start-up fast.
    var decoyPasswordHash: String {
        get throws {
            try decoyHash.withLockedValue { cached in
                if let cached { return cached }
                let hash = try Bcrypt.hash("onramp-decoy-password", cost: settings.bcryptCost)
                cached = hash
                return hash
            }
        }
    }
}

private struct OnrampServicesKey: StorageKey { typealias Value = OnrampServices }

extension Application {
    var onramp: OnrampServices {
        get {
            guard let services = storage[OnrampServicesKey.self] else {
                fatalError("configure(_:) must run before the application is used")
            }
            return services
        }
        set { storage[OnrampServicesKey.self] = newValue }
    }
}

extension Request {
    var onramp: OnrampServices { application.onramp }

    /// Writes go through here so they are transactional (and queued on SQLite, on connections
    /// of their own so that they never wait behind reads for a pooled connection).
    var writer: DatabaseWriter {
        DatabaseWriter(database: onramp.sqliteWrites == nil ? db : db(.sqliteWrites), serializer: onramp.sqliteWrites)
    }
}

extension Application {
    var writer: DatabaseWriter {
        DatabaseWriter(database: onramp.sqliteWrites == nil ? db : db(.sqliteWrites), serializer: onramp.sqliteWrites)
    }
}

extension DatabaseID {
    /// The same SQLite file as `.sqlite`, with a pool of its own for write transactions.
    static let sqliteWrites = DatabaseID(string: "sqlite-writes")
}
