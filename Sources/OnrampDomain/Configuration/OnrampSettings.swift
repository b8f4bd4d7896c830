import Foundation

/// Every setting Onramp reads from its environment, parsed in one place, once.
public struct OnrampSettings: Sendable, Equatable {
    public enum Mode: String, Sendable, CaseIterable {
        case development, production, testing
    }

    public enum DatabaseLocation: Sendable, Equatable {
        /// The embedded default: one SQLite file.
        case sqlite(path: String)
        /// `postgres://user:password@host:port/database` for several processes on one database.
        case postgres(url: String)

        public var isSQLite: Bool {
            if case .sqlite = self { return true }
            return false
        }
    }

    public enum MasterKeySource: Sendable, Equatable {
        /// Given in `ONRAMP_MASTER_KEY` (32 raw bytes).
        case provided([UInt8])
        /// Development and testing only: read or create the key file in the data directory.
        case keyFile(path: String)
    }

    public var mode: Mode
    public var dataDirectory: String
    public var database: DatabaseLocation
    public var masterKey: MasterKeySource
    /// Keys that were master keys before a rotation: still accepted to open old secrets.
    public var previousMasterKeys: [[UInt8]]
    /// Where people reach this server; `https` makes cookies `Secure`.
    public var publicURL: URL
    /// bcrypt work factor (log2 rounds).
    public var bcryptCost: Int
    /// An active onboarding without activity for this long counts as stalled.
    public var stalledAfterHours: Int = 72
    /// Sign-ups accepted from one IP address per hour.
    public var signupsPerIPPerHour: Int = 20
    /// Jobs `serve` runs at once (0: none; run `onramp worker` instead).
    public var workerConcurrency: Int = 2
    /// PostgreSQL schema to work in (several installations may share one database).
    public var databaseSchema: String?
    /// Largest import file accepted, in bytes.
    public var importMaxBytes: Int = 2 << 30
    /// Where outgoing mail goes; nil: written to files under the data directory (development).
    public var smtp: SMTPConfiguration?
    /// The sender of Onramp's mail (`ONRAMP_MAIL_FROM`, else the SMTP URL's `from`, else noreply at the public host).
    public var mailFrom: String = "noreply@onramp.test"

    /// The variables this reads, each with what it expects (for the README and error messages).
    public static let variables: [(name: String, expected: String)] = [
        ("ONRAMP_ENV", "development, production or testing (default development)"),
        ("ONRAMP_DATA_DIR", "a directory path (default data)"),
        ("DATABASE_URL", "postgres://user:password@host:port/database, or unset for SQLite in ONRAMP_DATA_DIR"),
        ("ONRAMP_MASTER_KEY", "base64 of exactly 32 random bytes, e.g. from `openssl rand -base64 32`; required in production"),
        ("ONRAMP_PREVIOUS_MASTER_KEYS", "comma-separated base64 32-byte keys still accepted for reading after a rotation"),
        ("ONRAMP_PUBLIC_URL", "the http(s) URL people use to reach Onramp (default http://localhost:8080)"),
        ("ONRAMP_BCRYPT_COST", "a whole number from 4 to 31 (default 12; 4 when ONRAMP_ENV=testing)"),
        ("ONRAMP_SIGNUPS_PER_IP_PER_HOUR", "a whole number from 1 to 100000: sign-ups accepted from one IP address per hour (default 20)"),
        ("ONRAMP_WORKER_CONCURRENCY", "a whole number from 0 to 64: background jobs `serve` runs at once; 0 leaves them to `onramp worker` (default 2)"),
        ("ONRAMP_DATABASE_SCHEMA", "a PostgreSQL schema name (letters, digits, _) to work in instead of public"),
        ("ONRAMP_IMPORT_MAX_BYTES", "a whole number of bytes from 1024 to 1099511627776: the largest import file accepted (default 2147483648, 2 GiB)"),
        ("ONRAMP_SMTP_URL", "smtp://user:password@host:port (STARTTLS when offered; ?starttls=required|never), or smtps://… for TLS from the start; unset: mail is written to files under ONRAMP_DATA_DIR/mail"),
        ("ONRAMP_MAIL_FROM", "the address Onramp's mail comes from (default noreply at the public URL's host)"),
        ("ONRAMP_STALLED_AFTER_HOURS", "a whole number of hours from 1 to 8760 after which an onboarding without activity counts as stalled (default 72)"),
    ]

    /// One setting that could not be used, with what was expected.
    public struct Problem: Sendable, Equatable, CustomStringConvertible {
        public let variable: String
        public let message: String
        public var description: String { "\(variable): \(message)" }
    }

    /// All invalid settings, reported together.
    public struct Invalid: Error, Sendable, Equatable, CustomStringConvertible {
        public let problems: [Problem]
        public var description: String {
            "Onramp cannot start; fix these settings:\n" + problems.map { "  - \($0)" }.joined(separator: "\n")
        }
    }

    /// Parses `environment`; every problem is collected before anything is thrown.
    public static func parse(_ environment: [String: String]) throws(Invalid) -> OnrampSettings {
        var problems: [Problem] = []
        func value(_ name: String) -> String? {
            guard let raw = environment[name]?.trimmingWhitespace(), !raw.isEmpty else { return nil }
            return raw
        }
        func expected(_ name: String, _ got: String) {
            let what = variables.first { $0.name == name }?.expected ?? "a valid value"
            problems.append(Problem(variable: name, message: "expected \(what); got \"\(got)\""))
        }

        var mode = Mode.development
        if let raw = value("ONRAMP_ENV") {
            if let parsed = Mode(rawValue: raw.lowercased()) { mode = parsed } else { expected("ONRAMP_ENV", raw) }
        }

        let dataDirectory = value("ONRAMP_DATA_DIR") ?? "data"

        var database = DatabaseLocation.sqlite(path: dataDirectory + "/onramp.sqlite")
        if let raw = value("DATABASE_URL") {
            if let url = URL(string: raw), ["postgres", "postgresql"].contains(url.scheme?.lowercased() ?? ""),
               let host = url.host, !host.isEmpty {
                database = .postgres(url: raw)
            } else {
                expected("DATABASE_URL", redactingPassword(raw))
            }
        }

        var masterKey = MasterKeySource.keyFile(path: dataDirectory + "/master.key")
        if let raw = value("ONRAMP_MASTER_KEY") {
            if let key = decodeKey(raw) { masterKey = .provided(key) } else {
                problems.append(Problem(variable: "ONRAMP_MASTER_KEY",
                                        message: "expected base64 of exactly 32 random bytes, e.g. from `openssl rand -base64 32`"))
            }
        } else if mode == .production {
            problems.append(Problem(variable: "ONRAMP_MASTER_KEY",
                                    message: "is required in production: base64 of exactly 32 random bytes, e.g. from `openssl rand -base64 32`"))
        }

        var previous: [[UInt8]] = []
        if let raw = value("ONRAMP_PREVIOUS_MASTER_KEYS") {
            for (index, part) in raw.split(separator: ",").enumerated() {
                if let key = decodeKey(String(part).trimmingWhitespace()) { previous.append(key) } else {
                    problems.append(Problem(variable: "ONRAMP_PREVIOUS_MASTER_KEYS",
                                            message: "key \(index + 1) is not base64 of exactly 32 bytes"))
                }
            }
        }

        var publicURL = URL(string: "http://localhost:8080")!
        if let raw = value("ONRAMP_PUBLIC_URL") {
            if let url = URL(string: raw), ["http", "https"].contains(url.scheme?.lowercased() ?? ""),
               let host = url.host, !host.isEmpty {
                publicURL = url
            } else {
                expected("ONRAMP_PUBLIC_URL", raw)
            }
        }

        var bcryptCost = mode == .testing ? 4 : 12
        if let raw = value("ONRAMP_BCRYPT_COST") {
            if let cost = Int(raw), (4...31).contains(cost) { bcryptCost = cost } else { expected("ONRAMP_BCRYPT_COST", raw) }
        }

        var stalledAfterHours = 72
        if let raw = value("ONRAMP_STALLED_AFTER_HOURS") {
            if let hours = Int(raw), (1...8760).contains(hours) { stalledAfterHours = hours } else { expected("ONRAMP_STALLED_AFTER_HOURS", raw) }
        }

        var signupsPerIP = 20
        if let raw = value("ONRAMP_SIGNUPS_PER_IP_PER_HOUR") {
            if let limit = Int(raw), (1...100_000).contains(limit) { signupsPerIP = limit } else { expected("ONRAMP_SIGNUPS_PER_IP_PER_HOUR", raw) }
        }

        var workerConcurrency = 2
        if let raw = value("ONRAMP_WORKER_CONCURRENCY") {
            if let count = Int(raw), (0...64).contains(count) { workerConcurrency = count } else { expected("ONRAMP_WORKER_CONCURRENCY", raw) }
        }
        var databaseSchema: String?
        if let raw = value("ONRAMP_DATABASE_SCHEMA") {
            if raw.range(of: #"^[a-z_][a-z0-9_]{0,62}$"#, options: .regularExpression) != nil { databaseSchema = raw } else {
                expected("ONRAMP_DATABASE_SCHEMA", raw)
            }
        }

        var importMaxBytes = 2 << 30
        if let raw = value("ONRAMP_IMPORT_MAX_BYTES") {
            if let bytes = Int(raw), (1024...(1 << 40)).contains(bytes) { importMaxBytes = bytes } else { expected("ONRAMP_IMPORT_MAX_BYTES", raw) }
        }

        var smtp: SMTPConfiguration?
        if let raw = value("ONRAMP_SMTP_URL"), !raw.isEmpty {
            do {
                smtp = try SMTPConfiguration.parse(raw)
            } catch {
                problems.append(Problem(variable: "ONRAMP_SMTP_URL", message: error.description))
            }
        }
        let host = publicURL.host ?? ""
        var mailFrom = smtp?.defaultFrom ?? "noreply@\(host.contains(".") ? host : "onramp.test")"
        if let raw = value("ONRAMP_MAIL_FROM") {
            if let address = EmailAddress(raw) { mailFrom = address.value } else { expected("ONRAMP_MAIL_FROM", raw) }
        }

        guard problems.isEmpty else { throw Invalid(problems: problems) }
        var settings = OnrampSettings(mode: mode, dataDirectory: dataDirectory, database: database,
                                      masterKey: masterKey, previousMasterKeys: previous,
                                      publicURL: publicURL, bcryptCost: bcryptCost)
        settings.stalledAfterHours = stalledAfterHours
        settings.signupsPerIPPerHour = signupsPerIP
        settings.workerConcurrency = workerConcurrency
        settings.databaseSchema = databaseSchema
        settings.importMaxBytes = importMaxBytes
        settings.smtp = smtp
        settings.mailFrom = mailFrom
        return settings
    }

    public init(mode: Mode, dataDirectory: String, database: DatabaseLocation, masterKey: MasterKeySource,
                previousMasterKeys: [[UInt8]], publicURL: URL, bcryptCost: Int) {
        self.mode = mode
        self.dataDirectory = dataDirectory
        self.database = database
        self.masterKey = masterKey
        self.previousMasterKeys = previousMasterKeys
        self.publicURL = publicURL
        self.bcryptCost = bcryptCost
    }

    /// Whether session cookies must carry `Secure`.
    public var servesTLS: Bool { publicURL.scheme?.lowercased() == "https" }

    static func decodeKey(_ text: String) -> [UInt8]? {
        guard let data = Data(base64Encoded: text), data.count == 32 else { return nil }
        return Array(data)
    }

    /// The URL with any password replaced, safe for error messages and logs.
    public static func redactingPassword(_ text: String) -> String {
        if var components = URLComponents(string: text), components.password != nil {
            components.password = "***"
            return components.string ?? "(unparseable URL)"
        }
        // Not parsed as a URL with a password (a password with `#`, `/` or `?`, a bad port, no scheme…):
        // hide whatever lies between the user name's `:` and the last `@`, where a password would be.
        let start = text.range(of: "://")?.upperBound ?? text.startIndex
        guard let at = text[start...].lastIndex(of: "@"), let colon = text[start..<at].firstIndex(of: ":")
        else { return text }
        return String(text[...colon]) + "***" + String(text[at...])
    }
}
