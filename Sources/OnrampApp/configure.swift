import Fluent
import FluentPostgresDriver
import FluentSQLiteDriver
import Foundation
import OnrampDomain
import OnrampIntegrations
import Vapor

/// Overrides the composition root accepts; production uses the defaults.
public struct ConfigureOptions: Sendable {
    /// The variables to read settings from (the process environment by default).
    public var environment: [String: String]
    public var rateLimits: RateLimits
    /// PostgreSQL schemas to use instead of `public` (tests isolate themselves this way).
    public var postgresSearchPath: [String]?
    /// Whether `serve` runs background jobs in this process (tests drive the runner themselves).
    public var startsJobWorkers = true
    /// Delivers outgoing webhooks; nil: the live client over the application's HTTP client.
    public var webhooks: WebhookClient?

    public init(environment: [String: String] = ProcessInfo.processInfo.environment,
                rateLimits: RateLimits = .standard, postgresSearchPath: [String]? = nil) {
        self.environment = environment
        self.rateLimits = rateLimits
        self.postgresSearchPath = postgresSearchPath
    }
}

/// The one composition root: reads all configuration, registers the database, migrations,
/// middleware, commands and routes. `main` and the tests call the same function.
public func configure(_ app: Application, options: ConfigureOptions = .init()) async throws {
    let settings = try OnrampSettings.parse(options.environment)

    let masterKey: [UInt8]
    switch settings.masterKey {
    case .provided(let key):
        masterKey = key
    case .keyFile(let path):
        masterKey = try MasterKeyFile.loadOrCreate(at: path)
    }
    let secretBox = SecretBox(masterKey: masterKey, previousKeys: settings.previousMasterKeys)

    let loops = System.coreCount
    let poolSize: Int
    var postgres: SQLPostgresConfiguration?
    switch settings.database {
    case .sqlite(let path):
        try FileManager.default.createDirectory(
            atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        // Several connections per event loop: under WAL readers run beside the one writer, and
        // the writer (which keeps its connection for a whole group commit) must not hold up
        // the reads of requests on its event loop.
        let perLoop = 4
        app.databases.use(.sqlite(.file(path), maxConnectionsPerEventLoop: perLoop, sqlLogLevel: .debug), as: .sqlite)
        // Writers queue in this process (one at a time) on a pool of their own.
        app.databases.use(.sqlite(.file(path), maxConnectionsPerEventLoop: 1, sqlLogLevel: .debug), as: .sqliteWrites,
                          isDefault: false)
        poolSize = perLoop * loops
    case .postgres(let url):
        var configuration = try SQLPostgresConfiguration(url: url)
        if let searchPath = options.postgresSearchPath ?? settings.databaseSchema.map({ [$0] }) { configuration.searchPath = searchPath }
        let perLoop = 4
        app.databases.use(.postgres(configuration: configuration, maxConnectionsPerEventLoop: perLoop,
                                    sqlLogLevel: .debug), as: .psql)
        poolSize = perLoop * loops
        postgres = configuration
    }

    app.passwords.use(.bcrypt(cost: settings.bcryptCost))

    app.onramp = OnrampServices(settings: settings, secretBox: secretBox, rateLimits: options.rateLimits,
                                databasePoolSize: poolSize,
                                serializesWrites: settings.database.isSQLite,
                                live: LiveUpdates(postgres: postgres, logger: app.logger),
                                mailer: makeMailer(settings, app: app),
                                webhooks: options.webhooks ?? .live(app.http.client.shared))

    configureJSON()
    Migrations001.register(on: app.migrations)
    app.lifecycle.use(SchemaUpdater())
    app.lifecycle.use(LiveShutdown())
    if options.startsJobWorkers { app.lifecycle.use(JobWorkersLifecycle(concurrency: settings.workerConcurrency)) }

    app.routes.defaultMaxBodySize = "64kb"
    app.http.server.configuration.serverName = "Onramp"

    let pages = try await PageRenderer.load()
    app.middleware = Middlewares()
    app.middleware.use(RequestIDMiddleware())
    app.middleware.use(SecurityHeadersMiddleware())
    app.middleware.use(MetricsMiddleware(metrics: app.onramp.metrics))
    app.middleware.use(ProblemMiddleware(pages: pages))
    app.middleware.use(AuthenticationMiddleware())

    app.asyncCommands.use(CreateOperatorCommand(), as: "create-operator")
    app.asyncCommands.use(AuditCommandGroup(), as: "audit")
    app.asyncCommands.use(WorkerCommand(), as: "worker")
    app.asyncCommands.use(ImportCommand(), as: "import")

    routes(app, pages: pages, assets: try StaticAssets.load())
}

/// snake_case JSON on the wire, ISO 8601 dates.
private func configureJSON() {
    let encoder = JSONEncoder()
    encoder.keyEncodingStrategy = .convertToSnakeCase
    encoder.dateEncodingStrategy = .iso8601
    encoder.outputFormatting = [.withoutEscapingSlashes]
    let decoder = JSONDecoder()
    decoder.keyDecodingStrategy = .convertFromSnakeCase
    decoder.dateDecodingStrategy = .iso8601
    ContentConfiguration.global.use(encoder: encoder, for: .json)
    ContentConfiguration.global.use(decoder: decoder, for: .json)
}

/// Brings the schema up to date before the application serves or runs a command.
/// Closes live streams and the listening connection when the application stops.
struct LiveShutdown: LifecycleHandler {
    func shutdownAsync(_ app: Application) async {
        await app.onramp.live.shutdown()
    }
}

struct SchemaUpdater: LifecycleHandler {
    func willBootAsync(_ app: Application) async throws {
        try await Self.update(app)
    }

    /// Runs pending migrations. On PostgreSQL, processes starting together take turns
    /// under an advisory lock, so each migration runs exactly once.
    static func update(_ app: Application) async throws {
        if app.db.isSQLite {
            try await app.db.sql.raw("PRAGMA journal_mode=WAL").run()
            try await app.autoMigrate()
            return
        }
        try await app.db.withConnection { connection in
            try await connection.sql.raw("SELECT pg_advisory_lock(\(literal: migrationLockKey))").run()
            do {
                try await app.autoMigrate()
            } catch {
                try? await connection.sql.raw("SELECT pg_advisory_unlock(\(literal: migrationLockKey))").run()
                throw error
            }
            try await connection.sql.raw("SELECT pg_advisory_unlock(\(literal: migrationLockKey))").run()
        }
    }

    /// An arbitrary constant naming Onramp's migration lock among PostgreSQL advisory locks.
    static let migrationLockKey = 7_406_153_001
}


/// SMTP when `ONRAMP_SMTP_URL` is set; otherwise each mail is written as an `.eml` file under
/// the data directory, and the log says so.
func makeMailer(_ settings: OnrampSettings, app: Application) -> any EmailSender {
    if let smtp = settings.smtp {
        app.logger.info("Mail is sent through \(smtp) as \(settings.mailFrom).")
        return SMTPEmailSender(configuration: smtp, eventLoopGroup: app.eventLoopGroup, logger: app.logger)
    }
    let directory = URL(fileURLWithPath: settings.dataDirectory).appendingPathComponent("mail")
    if settings.mode != .testing {
        app.logger.notice("ONRAMP_SMTP_URL is not set: outgoing mail is written to files in \(directory.path) instead of being sent.")
    }
    return FileEmailSender(directory: directory)
}
