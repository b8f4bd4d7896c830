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

/// Fans changes out to the WebSocket connections of this process. Subscribers see the events
/// of one tenant, or (operators) of every tenant.
actor LiveHub {
    private var subscribers: [UUID: (tenantID: UUID?, continuation: AsyncStream<OnboardingLiveEvent>.Continuation)] = [:]

    var count: Int { subscribers.count }

    /// Events for `tenantID`, or for all tenants when nil, until the stream is dropped.
    func subscribe(tenantID: UUID?) -> (id: UUID, events: AsyncStream<OnboardingLiveEvent>) {
        let id = UUID()
        // A slow client keeps only the newest events; each carries the whole progress state.
        let (stream, continuation) = AsyncStream<OnboardingLiveEvent>.makeStream(bufferingPolicy: .bufferingNewest(64))
        subscribers[id] = (tenantID, continuation)
        return (id, stream)
    }

    func unsubscribe(_ id: UUID) {
        subscribers.removeValue(forKey: id)?.continuation.finish()
    }

    func deliver(_ events: [OnboardingLiveEvent]) {
        for event in events {
            for subscriber in subscribers.values where subscriber.tenantID == nil || subscriber.tenantID == event.tenantId {
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
        guard let channel else { return }
        for event in events {
            try await db.sql.raw("SELECT pg_notify(\(bind: channel), \(bind: event.json))").run()
        }
    }

    /// Call after the transaction committed.
    func committed(_ events: [OnboardingLiveEvent]) async {
        guard channel == nil, !events.isEmpty else { return }
        await hub.deliver(events)
    }

    /// Subscribes; on PostgreSQL returns once this process listens, so no change committed
    /// after the call returns can be missed.
    func subscribe(tenantID: UUID?) async throws -> (id: UUID, events: AsyncStream<OnboardingLiveEvent>) {
        if let listener { try await listener.ready() }
        return await hub.subscribe(tenantID: tenantID)
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
                        guard let event = try? OnboardingLiveEvent.decoder.decode(
                            OnboardingLiveEvent.self, from: Data(notification.payload.utf8)) else {
                            logger.warning("live: ignored a malformed notification")
                            continue
                        }
                        await hub.deliver([event])
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
