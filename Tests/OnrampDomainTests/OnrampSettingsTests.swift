import Foundation
import OnrampDomain
import Testing

@Suite("OnrampSettings")
struct OnrampSettingsTests {
    static let keyBytes = (0..<32).map { UInt8($0) }
    static let key = Data(keyBytes).base64EncodedString()
    static let otherKeyBytes = [UInt8](repeating: 7, count: 32)
    static let otherKey = Data(otherKeyBytes).base64EncodedString()

    /// The problems `parse` reported, or nil when it succeeded.
    static func problems(_ environment: [String: String]) -> [OnrampSettings.Problem]? {
        do {
            _ = try OnrampSettings.parse(environment)
            return nil
        } catch {
            return error.problems
        }
    }

    static func variables(_ environment: [String: String]) -> [String]? {
        problems(environment)?.map(\.variable)
    }

    @Test("an empty environment gives the development defaults")
    func defaults() throws {
        let settings = try OnrampSettings.parse([:])
        #expect(settings.mode == .development)
        #expect(settings.dataDirectory == "data")
        #expect(settings.database == .sqlite(path: "data/onramp.sqlite"))
        #expect(settings.masterKey == .keyFile(path: "data/master.key"))
        #expect(settings.previousMasterKeys.isEmpty)
        #expect(settings.publicURL == URL(string: "http://localhost:8080"))
        #expect(settings.bcryptCost == 12)
        #expect(!settings.servesTLS)
        #expect(settings == OnrampSettings(mode: .development, dataDirectory: "data",
                                           database: .sqlite(path: "data/onramp.sqlite"),
                                           masterKey: .keyFile(path: "data/master.key"), previousMasterKeys: [],
                                           publicURL: URL(string: "http://localhost:8080")!, bcryptCost: 12))
    }

    @Test("empty and blank values count as unset")
    func blankValues() throws {
        let blank = ["ONRAMP_ENV": "", "ONRAMP_DATA_DIR": "  ", "DATABASE_URL": "\n", "ONRAMP_MASTER_KEY": " ",
                     "ONRAMP_PREVIOUS_MASTER_KEYS": "", "ONRAMP_PUBLIC_URL": "\t", "ONRAMP_BCRYPT_COST": ""]
        #expect(try OnrampSettings.parse(blank) == OnrampSettings.parse([:]))
    }

    @Test("unrelated variables are ignored")
    func unrelated() throws {
        #expect(try OnrampSettings.parse(["PATH": "/usr/bin", "HOME": "/root", "ONRAMP_UNKNOWN": "x"])
            == OnrampSettings.parse([:]))
    }

    @Test("ONRAMP_ENV accepts the three modes, in any case and with surrounding spaces", arguments: [
        ("development", OnrampSettings.Mode.development), ("Testing", .testing), (" TESTING ", .testing),
        ("production", .production), ("Production", .production),
    ])
    func modes(_ raw: String, _ mode: OnrampSettings.Mode) throws {
        let settings = try OnrampSettings.parse(["ONRAMP_ENV": raw, "ONRAMP_MASTER_KEY": Self.key])
        #expect(settings.mode == mode)
    }

    @Test("an unknown ONRAMP_ENV is reported with what was given", arguments: ["prod", "dev", "staging", "1"])
    func badMode(_ raw: String) throws {
        let problems = try #require(Self.problems(["ONRAMP_ENV": raw]))
        #expect(problems.count == 1)
        #expect(problems[0].variable == "ONRAMP_ENV")
        #expect(problems[0].message.contains("got \"\(raw)\""))
        #expect(problems[0].message.contains("development, production or testing"))
    }

    @Test("the data directory places the SQLite file and the key file")
    func dataDirectory() throws {
        let settings = try OnrampSettings.parse(["ONRAMP_DATA_DIR": " /var/lib/onramp "])
        #expect(settings.dataDirectory == "/var/lib/onramp")
        #expect(settings.database == .sqlite(path: "/var/lib/onramp/onramp.sqlite"))
        #expect(settings.masterKey == .keyFile(path: "/var/lib/onramp/master.key"))
    }

    @Test("DATABASE_URL accepts postgres URLs verbatim", arguments: [
        "postgres://onramp:secret@db.internal:5432/onramp",
        "postgresql://onramp@localhost/onramp",
        "POSTGRES://user:pw@10.0.0.5/db?sslmode=require",
    ])
    func postgres(_ url: String) throws {
        let settings = try OnrampSettings.parse(["DATABASE_URL": url])
        #expect(settings.database == .postgres(url: url))
    }

    @Test("DATABASE_URL refuses anything else", arguments: [
        "mysql://user@db/onramp", "sqlite:data/onramp.sqlite", "postgres:///onramp", "postgres://user:pw@/db",
        "not a url at all", "db.internal:5432",
    ])
    func badDatabase(_ url: String) throws {
        let problems = try #require(Self.problems(["DATABASE_URL": url]))
        #expect(problems.map(\.variable) == ["DATABASE_URL"])
        #expect(problems[0].message.hasPrefix("expected postgres://"))
    }

    @Test("a password in a refused DATABASE_URL never appears in the message", arguments: [
        ("mysql://app:hunter2@db/onramp", "hunter2"),
        ("postgres://app:hunter2@/onramp", "hunter2"),
        ("postgres://app:hun#ter2@db/onramp", "ter2"),
        ("postgres://app:s3cr/t@db:5432/onramp", "s3cr"),
        ("postgres://app:pa?ss@db/onramp", "pa?ss"),
        ("postgres://app:hunter2@db:notaport/onramp", "hunter2"),
        ("postgres://app:hunter2@db host/onramp", "hunter2"),
        ("app:hunter2@db/onramp", "hunter2"),
    ])
    func redactsPassword(_ url: String, _ secret: String) throws {
        let problems = try #require(Self.problems(["DATABASE_URL": url]))
        #expect(problems.count == 1)
        #expect(!problems[0].message.contains(secret), "\(problems[0].message)")
        #expect(!problems[0].description.contains(secret))
        #expect(problems[0].message.contains("***"))
        #expect(problems[0].message.contains("app"))
    }

    @Test("redactingPassword replaces only the password")
    func redactingPassword() {
        #expect(OnrampSettings.redactingPassword("postgres://app:hunter2@db:5432/onramp")
            == "postgres://app:***@db:5432/onramp")
        #expect(OnrampSettings.redactingPassword("postgres://app@db/onramp") == "postgres://app@db/onramp")
        #expect(OnrampSettings.redactingPassword("no url here") == "no url here")
        #expect(OnrampSettings.redactingPassword("postgres://app:s3cr/t@db/onramp") == "postgres://app:***@db/onramp")
        #expect(OnrampSettings.redactingPassword("postgres://app:a@b@db/onramp") == "postgres://app:***@db/onramp")
    }

    @Test("redactingPassword hides the password of URLs that do not parse, and leaves the rest alone")
    func redactingUnparseable() {
        #expect(OnrampSettings.redactingPassword("postgres://app:pa#ss@db/onramp") == "postgres://app:***@db/onramp")
        #expect(OnrampSettings.redactingPassword("postgres://app:pw@db host/x") == "postgres://app:***@db host/x")
        #expect(OnrampSettings.redactingPassword("app:pw@db host") == "app:***@db host")
        // Without a scheme, URLComponents takes "user" for the scheme and finds no password.
        #expect(OnrampSettings.redactingPassword("user:pw@db/onramp") == "user:***@db/onramp")
        // No password to hide: a user without one, or no user at all.
        #expect(OnrampSettings.redactingPassword("postgres://app@db host/x") == "postgres://app@db host/x")
        #expect(OnrampSettings.redactingPassword("postgres://db host:5432/x") == "postgres://db host:5432/x")
        #expect(OnrampSettings.redactingPassword("mysql://app@db/onramp") == "mysql://app@db/onramp")
    }

    @Test("ONRAMP_MASTER_KEY takes base64 of 32 bytes")
    func masterKey() throws {
        let settings = try OnrampSettings.parse(["ONRAMP_MASTER_KEY": "  " + Self.key + " "])
        #expect(settings.masterKey == .provided(Self.keyBytes))
    }

    @Test("a master key that is not base64 of 32 bytes is refused without echoing it", arguments: [
        Data(count: 16).base64EncodedString(), Data(count: 33).base64EncodedString(), "not base64!!",
        String(Data([UInt8](repeating: 9, count: 32)).base64EncodedString().dropLast(2)),
    ])
    func badMasterKey(_ raw: String) throws {
        let problems = try #require(Self.problems(["ONRAMP_MASTER_KEY": raw]))
        #expect(problems.map(\.variable) == ["ONRAMP_MASTER_KEY"])
        #expect(problems[0].message.contains("32"))
        #expect(!problems[0].message.contains(raw))
    }

    @Test("production refuses to start without a master key")
    func productionNeedsKey() throws {
        let problems = try #require(Self.problems(["ONRAMP_ENV": "production"]))
        #expect(problems.map(\.variable) == ["ONRAMP_MASTER_KEY"])
        #expect(problems[0].message.contains("required in production"))

        let settings = try OnrampSettings.parse(["ONRAMP_ENV": "production", "ONRAMP_MASTER_KEY": Self.key])
        #expect(settings.masterKey == .provided(Self.keyBytes))
        #expect(settings.bcryptCost == 12)
    }

    @Test("development and testing fall back to the key file", arguments: ["development", "testing"])
    func keyFileOutsideProduction(_ mode: String) throws {
        let settings = try OnrampSettings.parse(["ONRAMP_ENV": mode])
        #expect(settings.masterKey == .keyFile(path: "data/master.key"))
    }

    @Test("previous master keys are read in order, ignoring empty entries and spaces around keys")
    func previousKeys() throws {
        let settings = try OnrampSettings.parse(["ONRAMP_PREVIOUS_MASTER_KEYS": "\(Self.key) ,, \(Self.otherKey),"])
        #expect(settings.previousMasterKeys == [Self.keyBytes, Self.otherKeyBytes])
    }

    @Test("each bad previous key is reported by its position")
    func badPreviousKeys() throws {
        let problems = try #require(Self.problems(["ONRAMP_PREVIOUS_MASTER_KEYS": "\(Self.key),short,\(Self.otherKey),x"]))
        #expect(problems.map(\.variable) == ["ONRAMP_PREVIOUS_MASTER_KEYS", "ONRAMP_PREVIOUS_MASTER_KEYS"])
        #expect(problems.map(\.message) == ["key 2 is not base64 of exactly 32 bytes",
                                            "key 4 is not base64 of exactly 32 bytes"])
    }

    @Test("ONRAMP_PUBLIC_URL takes http and https URLs; https means TLS", arguments: [
        ("https://onramp.example.com", true), ("HTTPS://onramp.example.com/", true),
        ("http://10.0.0.1:8080", false), ("http://localhost", false),
    ])
    func publicURL(_ raw: String, _ tls: Bool) throws {
        let settings = try OnrampSettings.parse(["ONRAMP_PUBLIC_URL": raw])
        #expect(settings.publicURL == URL(string: raw))
        #expect(settings.servesTLS == tls)
    }

    @Test("ONRAMP_PUBLIC_URL refuses other schemes and URLs without a host", arguments: [
        "ftp://onramp.example.com", "onramp.example.com", "localhost:8080", "https://", "http:///path", "exa mple",
    ])
    func badPublicURL(_ raw: String) throws {
        let problems = try #require(Self.problems(["ONRAMP_PUBLIC_URL": raw]))
        #expect(problems.map(\.variable) == ["ONRAMP_PUBLIC_URL"])
        #expect(problems[0].message.contains("got \"\(raw)\""))
    }

    @Test("ONRAMP_BCRYPT_COST accepts 4 through 31", arguments: [4, 10, 12, 31])
    func bcryptCost(_ cost: Int) throws {
        #expect(try OnrampSettings.parse(["ONRAMP_BCRYPT_COST": "\(cost)"]).bcryptCost == cost)
    }

    @Test("ONRAMP_BCRYPT_COST refuses anything else", arguments: ["3", "32", "0", "-12", "twelve", "12.5", "1e1"])
    func badBcryptCost(_ raw: String) throws {
        let problems = try #require(Self.problems(["ONRAMP_BCRYPT_COST": raw]))
        #expect(problems.map(\.variable) == ["ONRAMP_BCRYPT_COST"])
        #expect(problems[0].message.contains("4 to 31"))
    }

    @Test("ONRAMP_STALLED_AFTER_HOURS accepts 1 through 8760 and defaults to 72")
    func stalledAfterHours() throws {
        #expect(try OnrampSettings.parse([:]).stalledAfterHours == 72)
        #expect(try OnrampSettings.parse(["ONRAMP_STALLED_AFTER_HOURS": "1"]).stalledAfterHours == 1)
        #expect(try OnrampSettings.parse(["ONRAMP_STALLED_AFTER_HOURS": "8760"]).stalledAfterHours == 8760)
        for raw in ["0", "8761", "-3", "two days", "1.5"] {
            let problems = try #require(Self.problems(["ONRAMP_STALLED_AFTER_HOURS": raw]))
            #expect(problems.map(\.variable) == ["ONRAMP_STALLED_AFTER_HOURS"])
            #expect(problems[0].message.contains("1 to 8760"))
        }
    }

    @Test("ONRAMP_SIGNUPS_PER_IP_PER_HOUR accepts 1 through 100000 and defaults to 20")
    func signupsPerIP() throws {
        #expect(try OnrampSettings.parse([:]).signupsPerIPPerHour == 20)
        #expect(try OnrampSettings.parse(["ONRAMP_SIGNUPS_PER_IP_PER_HOUR": "500"]).signupsPerIPPerHour == 500)
        for raw in ["0", "100001", "many"] {
            let problems = try #require(Self.problems(["ONRAMP_SIGNUPS_PER_IP_PER_HOUR": raw]))
            #expect(problems.map(\.variable) == ["ONRAMP_SIGNUPS_PER_IP_PER_HOUR"])
        }
    }

    @Test("ONRAMP_WORKER_CONCURRENCY and ONRAMP_DATABASE_SCHEMA are checked")
    func workersAndSchema() throws {
        let defaults = try OnrampSettings.parse([:])
        #expect(defaults.workerConcurrency == 2 && defaults.databaseSchema == nil)
        let set = try OnrampSettings.parse(["ONRAMP_WORKER_CONCURRENCY": "0", "ONRAMP_DATABASE_SCHEMA": "tenant_a1"])
        #expect(set.workerConcurrency == 0 && set.databaseSchema == "tenant_a1")
        let problems = try #require(Self.problems(["ONRAMP_WORKER_CONCURRENCY": "65", "ONRAMP_DATABASE_SCHEMA": "public; drop"]))
        #expect(Set(problems.map(\.variable)) == ["ONRAMP_WORKER_CONCURRENCY", "ONRAMP_DATABASE_SCHEMA"])
        #expect(try OnrampSettings.parse([:]).importMaxBytes == 2_147_483_648)
        #expect(try OnrampSettings.parse(["ONRAMP_IMPORT_MAX_BYTES": "4096"]).importMaxBytes == 4096)
        #expect(Self.problems(["ONRAMP_IMPORT_MAX_BYTES": "12"])?.map(\.variable) == ["ONRAMP_IMPORT_MAX_BYTES"])
    }

    @Test("testing mode defaults bcrypt to 4 but an explicit cost wins")
    func testingBcrypt() throws {
        #expect(try OnrampSettings.parse(["ONRAMP_ENV": "testing"]).bcryptCost == 4)
        #expect(try OnrampSettings.parse(["ONRAMP_ENV": "testing", "ONRAMP_BCRYPT_COST": "10"]).bcryptCost == 10)
        #expect(try OnrampSettings.parse(["ONRAMP_ENV": "development"]).bcryptCost == 12)
    }

    @Test("every problem is reported together, in a fixed order")
    func manyProblems() throws {
        let environment = [
            "ONRAMP_ENV": "prod",
            "DATABASE_URL": "mysql://u:topsecret@db/x",
            "ONRAMP_MASTER_KEY": "short",
            "ONRAMP_PREVIOUS_MASTER_KEYS": "bad",
            "ONRAMP_PUBLIC_URL": "ftp://x",
            "ONRAMP_BCRYPT_COST": "99",
        ]
        #expect(Self.variables(environment) == ["ONRAMP_ENV", "DATABASE_URL", "ONRAMP_MASTER_KEY",
                                                "ONRAMP_PREVIOUS_MASTER_KEYS", "ONRAMP_PUBLIC_URL",
                                                "ONRAMP_BCRYPT_COST"])
        do {
            _ = try OnrampSettings.parse(environment)
            Issue.record("parse should have thrown")
        } catch {
            let text = error.description
            #expect(text.hasPrefix("Onramp cannot start; fix these settings:\n  - ONRAMP_ENV: expected "))
            #expect(text.split(separator: "\n").count == 7)
            #expect(!text.contains("topsecret"))
        }
    }

    @Test("production without a key is reported alongside other problems")
    func productionAndOthers() {
        #expect(Self.variables(["ONRAMP_ENV": "production", "ONRAMP_BCRYPT_COST": "2"])
            == ["ONRAMP_MASTER_KEY", "ONRAMP_BCRYPT_COST"])
    }

    @Test("a problem describes itself as variable: message")
    func problemDescription() throws {
        let problem = try #require(Self.problems(["ONRAMP_BCRYPT_COST": "x"])?.first)
        #expect(problem.description == "ONRAMP_BCRYPT_COST: \(problem.message)")
        #expect(problem.message == "expected a whole number from 4 to 31 (default 12; 4 when ONRAMP_ENV=testing); got \"x\"")
    }

    @Test("mail settings: an SMTP URL is read or refused with its reason; the sender follows it, the public host, or ONRAMP_MAIL_FROM")
    func mailSettings() throws {
        let plain = try OnrampSettings.parse(["ONRAMP_PUBLIC_URL": "https://desk.example.com"])
        #expect(plain.smtp == nil)
        #expect(plain.mailFrom == "noreply@desk.example.com")
        #expect(try OnrampSettings.parse([:]).mailFrom == "noreply@onramp.test")
        let smtp = try OnrampSettings.parse(["ONRAMP_SMTP_URL": "smtps://ann:s%40cret@mail.example.com?from=help@example.com"])
        #expect(smtp.smtp?.host == "mail.example.com")
        #expect(smtp.smtp?.port == 465)
        #expect(smtp.smtp?.password == "s@cret")
        #expect(smtp.mailFrom == "help@example.com")
        #expect(try OnrampSettings.parse(["ONRAMP_MAIL_FROM": "Desk@Example.com"]).mailFrom == "desk@example.com")
        #expect(Self.variables(["ONRAMP_SMTP_URL": "http://mail.example.com", "ONRAMP_MAIL_FROM": "nobody"]) == ["ONRAMP_SMTP_URL", "ONRAMP_MAIL_FROM"])
    }

    @Test("the documented variables are exactly the ones read")
    func documentedVariables() {
        #expect(OnrampSettings.variables.map(\.name) == [
            "ONRAMP_ENV", "ONRAMP_DATA_DIR", "DATABASE_URL", "ONRAMP_MASTER_KEY", "ONRAMP_PREVIOUS_MASTER_KEYS",
            "ONRAMP_PUBLIC_URL", "ONRAMP_BCRYPT_COST", "ONRAMP_SIGNUPS_PER_IP_PER_HOUR", "ONRAMP_WORKER_CONCURRENCY", "ONRAMP_DATABASE_SCHEMA", "ONRAMP_IMPORT_MAX_BYTES",
            "ONRAMP_SMTP_URL", "ONRAMP_MAIL_FROM", "ONRAMP_STALLED_AFTER_HOURS",
        ])
        #expect(OnrampSettings.variables.allSatisfy { !$0.expected.isEmpty })
        #expect(OnrampSettings.Mode.allCases.map(\.rawValue) == ["development", "production", "testing"])
    }
}
