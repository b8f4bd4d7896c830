import FluentPostgresDriver
import Foundation
import Logging
import NIOConcurrencyHelpers
import NIOCore
import OnrampDomain
import SQLKit

/// A change of a tenant's onboarding, as pushed to open wizards and operator dashboards.
struct OnboardingLiveEvent: Codable, Sendable, Equatable {
    var type = "onboarding"
    var tenantId: UUID
    var version: Int
    var state: String
    var progress: Int
    var currentStep: String
    var startedAt: Date
    var pausedAt: Date?
    var completedAt: Date?
    var lastActivityAt: Date?
    /// Step id → step state.
    var steps: [String: String]

    init(tenantID: UUID, session: OnboardingSession) {
        tenantId = tenantID
        version = session.version
        state = session.state.rawValue
        progress = session.progress
        currentStep = session.currentStep.rawValue
        startedAt = session.startedAt
        pausedAt = session.pausedAt
        completedAt = session.completedAt
        lastActivityAt = session.lastActivityAt
        steps = Dictionary(uniqueKeysWithValues: OnboardingStepID.allCases.map { ($0.rawValue, session.record($0).state.rawValue) })
    }

    static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.dateEncodingStrategy = .iso8601
        encoder.outputFormatting = [.sortedKeys]
        return encoder
    }()

    static let decoder: JSONDecoder = {
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        decoder.dateDecodingStrategy = .iso8601
        return decoder
    }()

    var json: String { String(decoding: (try? Self.encoder.encode(self)) ?? Data("{}".utf8), as: UTF8.self) }
}

/// Any live event as it travels: its kind (`onboarding`, `import`), its tenant and its JSON.
struct LiveMessage: Sendable, Equatable {
    let kind: String
    let tenantID: UUID
    let json: String

    init(kind: String, tenantID: UUID, json: String) {
        self.kind = kind
        self.tenantID = tenantID
        self.json = json
    }

    init(_ event: OnboardingLiveEvent) {
        self.init(kind: "onboarding", tenantID: event.tenantId, json: event.json)
    }

    /// Reads a notification's payload: any JSON object with `type` and `tenant_id`.
    init?(payload: String) {
        struct Head: Decodable { let type: String; let tenant_id: UUID }
        guard let head = try? JSONDecoder().decode(Head.self, from: Data(payload.utf8)) else { return nil }
        self.init(kind: head.type, tenantID: head.tenant_id, json: payload)
    }
}

/// An import's progress, as pushed to open import pages.
struct ImportLiveEvent: Codable, Sendable {
    var type = "import"
    var tenantId: UUID
    var importId: UUID
    var state: String
    var rowsDone: Int
    var bytesDone: Int64
    var bytesTotal: Int64
    var percent: Int
    var summary: String
    var errorCount: Int

    var message: LiveMessage {
        LiveMessage(kind: "import", tenantID: tenantId,
                    json: String(decoding: (try? OnboardingLiveEvent.encoder.encode(self)) ?? Data("{}".utf8), as: UTF8.self))
    }
}

/// Fans changes out to the WebSocket connections of this process. Subscribers see the events
/// of one tenant, or (operators) of every tenant.
actor LiveHub {
    private var subscribers: [UUID: (tenantID: UUID?, kind: String, continuation: AsyncStream<LiveMessage>.Continuation)] = [:]

    var count: Int { subscribers.count }

    /// Events of `kind` for `tenantID`, or for all tenants when nil, until the stream is dropped.
    func subscribe(tenantID: UUID?, kind: String = "onboarding") -> (id: UUID, events: AsyncStream<LiveMessage>) {
        let id = UUID()
        // A slow client keeps only the newest events; each carries the whole progress state.
        let (stream, continuation) = AsyncStream<LiveMessage>.makeStream(bufferingPolicy: .bufferingNewest(64))
        subscribers[id] = (tenantID, kind, continuation)
        return (id, stream)
    }

    func unsubscribe(_ id: UUID) {
        subscribers.removeValue(forKey: id)?.continuation.finish()
    }

    func deliver(_ events: [LiveMessage]) {
        for event in events {
            for subscriber in subscribers.values
            where subscriber.kind == event.kind && (subscriber.tenantID == nil || subscriber.tenantID == event.tenantID) {
                subscriber.continuation.yield(event)
            }
        }
    }

    func finishAll() {
        for subscriber in subscribers.values { subscriber.continuation.finish() }
        subscribers.removeAll()
    }
}

/// How a committed change reaches every server process: on SQLite (one process) the hub of
/// this process directly after the commit; on PostgreSQL `pg_notify` inside the transaction,
/// so the notification goes out exactly when the change commits, to every process listening
/// (this one included) through `PostgresLiveListener`.
final class LiveUpdates: Sendable {
    let hub = LiveHub()
    /// The PostgreSQL channel; nil on SQLite.
    let channel: String?
    private let listener: PostgresLiveListener?

    init(postgres configuration: SQLPostgresConfiguration?, logger: Logger) {
        guard let configuration else {
            channel = nil
            listener = nil
            return
        }
        // One channel per schema, so that databases shared by several installations (or tests)
        // do not hear each other.
        let schema = configuration.searchPath?.first.map { "_" + $0.lowercased().filter { $0.isLetter || $0.isNumber || $0 == "_" } } ?? ""
        let channel = String(("onramp_live" + schema).prefix(63))
        self.channel = channel
        listener = PostgresLiveListener(configuration: configuration.coreConfiguration, channel: channel, hub: hub, logger: logger)
    }

    /// Call inside the transaction that makes the changes.
    func publish(_ events: [OnboardingLiveEvent], on db: any Database) async throws {
        try await publish(messages: events.map(LiveMessage.init), on: db)
    }

    func publish(messages: [LiveMessage], on db: any Database) async throws {
        guard let channel else { return }
        for message in messages {
            try await db.sql.raw("SELECT pg_notify(\(bind: channel), \(bind: message.json))").run()
        }
    }

    /// Call after the transaction committed.
    func committed(_ events: [OnboardingLiveEvent]) async {
        await committed(messages: events.map(LiveMessage.init))
    }

    func committed(messages: [LiveMessage]) async {
        guard channel == nil, !messages.isEmpty else { return }
        await hub.deliver(messages)
    }

    /// Sends events that belong to no transaction (progress of work that already committed):
    /// straight to this process's hub on SQLite, through `pg_notify` on PostgreSQL.
    func send(_ messages: [LiveMessage], on db: any Database) async throws {
        if channel == nil { await hub.deliver(messages) } else { try await publish(messages: messages, on: db) }
    }

    /// Subscribes; on PostgreSQL returns once this process listens, so no change committed
    /// after the call returns can be missed.
    func subscribe(tenantID: UUID?, kind: String = "onboarding") async throws -> (id: UUID, events: AsyncStream<LiveMessage>) {
        if let listener { try await listener.ready() }
        return await hub.subscribe(tenantID: tenantID, kind: kind)
    }

    func unsubscribe(_ id: UUID) async { await hub.unsubscribe(id) }

    func shutdown() async {
        await listener?.stop()
        await hub.finishAll()
    }
}

/// One connection per process that LISTENs on the live channel and hands every notification
/// to the hub. Started on first use, reconnects with backoff when the connection drops.
actor PostgresLiveListener {
    private let configuration: PostgresConnection.Configuration
    private let channel: String
    private let hub: LiveHub
    private let logger: Logger
    private var task: Task<Void, Never>?
    private var listening = false
    private var waiters: [CheckedContinuation<Void, any Error>] = []
    private var lastError: (any Error)?

    init(configuration: PostgresConnection.Configuration, channel: String, hub: LiveHub, logger: Logger) {
        self.configuration = configuration
        self.channel = channel
        self.hub = hub
        self.logger = logger
    }

    /// Returns once the channel is being listened to (starting the listener if needed).
    func ready() async throws {
        if listening { return }
        if task == nil { task = Task { await self.run() } }
        try await withCheckedThrowingContinuation { waiters.append($0) }
    }

    func stop() {
        task?.cancel()
        task = nil
        let pending = waiters
        waiters.removeAll()
        for waiter in pending { waiter.resume(throwing: CancellationError()) }
    }

    private func setListening(_ value: Bool, error: (any Error)? = nil) {
        listening = value
        lastError = error
        let pending = waiters
        waiters.removeAll()
        for waiter in pending {
            if value { waiter.resume() } else { waiter.resume(throwing: error ?? CancellationError()) }
        }
    }

    private func run() async {
        var delay: Duration = .milliseconds(100)
        var attempt = 0
        while !Task.isCancelled {
            attempt += 1
            do {
                let connection = try await PostgresConnection.connect(configuration: configuration, id: attempt, logger: logger)
                defer { Task { try? await connection.close() } }
                try await connection.listen(on: channel) { notifications in
                    if attempt > 1 {
                        // Notifications sent while this process was not listening are lost: end
                        // the open streams, so clients reconnect and start from the current state.
                        await hub.finishAll()
                    }
                    setListening(true)
                    delay = .milliseconds(100)
                    for try await notification in notifications {
                        guard let message = LiveMessage(payload: notification.payload) else {
                            logger.warning("live: ignored a malformed notification")
                            continue
                        }
                        await hub.deliver([message])
                    }
                }
            } catch {
                if Task.isCancelled { break }
                logger.warning("live: the listening connection failed; reconnecting", metadata: ["error": "\(error)"])
                setListening(false, error: error)
            }
            listening = false
            try? await Task.sleep(for: delay)
            delay = min(delay * 2, .seconds(5))
        }
        listening = false
    }
}

// MARK: - API schemas

extension OnboardingLiveEvent: APISchema {
    static let schemaName = "OnboardingLiveEvent"
    static var schema: JSONValue {
        Schema.object([
            "type": Schema.string(enumeration: ["onboarding"]),
            "tenant_id": Schemas.uuid,
            "version": Schema.integer(minimum: 1),
            "state": Schema.string(enumeration: SessionState.allCases.map(\.rawValue)),
            "progress": Schema.integer(minimum: 0, maximum: 100),
            "current_step": Schema.string(enumeration: OnboardingStepID.allCases.map(\.rawValue)),
            "started_at": Schemas.dateTime, "paused_at": Schemas.dateTime, "completed_at": Schemas.dateTime, "last_activity_at": Schemas.dateTime,
            "steps": [
                "type": "object", "description": "Step id → step state.",
                "additionalProperties": Schema.string(enumeration: StepState.allCases.map(\.rawValue)),
            ],
        ], required: ["type", "tenant_id", "version", "state", "progress", "current_step", "started_at", "steps"])
    }
    /// The event of a session just started.
    static var example: Self {
        OnboardingLiveEvent(tenantID: AuthController.CurrentUserResponse.TenantInfo.example.id,
                            session: OnboardingSession.start(at: APIExample.date("2026-03-02T09:15:00Z")))
    }
}

extension ImportLiveEvent: APISchema {
    static let schemaName = "ImportLiveEvent"
    static var schema: JSONValue {
        Schema.object([
            "type": Schema.string(enumeration: ["import"]), "tenant_id": Schemas.uuid, "import_id": Schemas.uuid,
            "state": Schema.string(enumeration: ["running", "completed", "failed", "cancelled"]),
            "rows_done": Schema.integer(minimum: 0), "bytes_done": Schema.integer(minimum: 0), "bytes_total": Schema.integer(minimum: 0),
            "percent": Schema.integer(minimum: 0, maximum: 100), "summary": Schema.string(), "error_count": Schema.integer(minimum: 0),
        ], required: ["type", "tenant_id", "import_id", "state", "rows_done", "bytes_done", "bytes_total", "percent", "summary", "error_count"])
    }
    /// An import half way through.
    static var example: Self {
        ImportLiveEvent(tenantId: AuthController.CurrentUserResponse.TenantInfo.example.id,
                        importId: ImportsController.ImportResponse.example.id, state: "running", rowsDone: 602, bytesDone: 2_406_165,
                        bytesTotal: 4_812_331, percent: 50, summary: "tickets: 590 created, 12 skipped as duplicates", errorCount: 0)
    }
}
