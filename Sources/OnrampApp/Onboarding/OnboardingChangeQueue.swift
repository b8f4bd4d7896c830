import Fluent
import Foundation
import OnrampDomain

/// Applies onboarding changes with group commit: changes that arrive while a transaction is
/// running wait, then go together into the next one. Each change is checked against the
/// session as the changes before it in the batch left it (version, state machine), exactly as
/// if it had its own transaction; a refused change touches nothing. A batch reads each
/// tenant's session once, writes it once, and appends the audit and activity events of all its
/// changes in one INSERT each, so the cost of a transaction is shared by everyone waiting.
actor OnboardingChangeQueue {
    /// One requested change and who asked for it.
    struct Change: Sendable {
        var scope: TenantScope
        var actor: String
        var actorUserID: UUID?
        var requestID: String?
        /// The version the change is based on; nil when the client did not say.
        var expectedVersion: Int?
        /// The audit and activity action, e.g. `step.saved`.
        var action: String
        var step: OnboardingStepID?
        /// Completing the session also activates the tenant.
        var activates: Bool
        var operation: @Sendable (inout OnboardingSession, Date) throws -> Void
    }

    /// What a change left behind.
    struct Applied: Sendable {
        var session: OnboardingSession
        var nextSteps: [String]?
    }

    /// Most changes in one transaction (bounds the statement size).
    static let maximumBatch = 128

    private var pending: [(Change, CheckedContinuation<Applied, any Error>)] = []
    private var draining = false
    /// The most changes committed together so far (tests check that grouping happens).
    private(set) var largestBatch = 0
    var pendingCount: Int { pending.count }

    /// Applies `change` in the next transaction and returns the session after it; throws the
    /// `Problem` of a refused change (409 with the current state, 422 with field errors).
    func apply(_ change: Change, using writer: DatabaseWriter, live: LiveUpdates) async throws -> Applied {
        try await withCheckedThrowingContinuation { continuation in
            pending.append((change, continuation))
            if !draining {
                draining = true
                Task { await self.drain(using: writer, live: live) }
            }
        }
    }

    private func drain(using writer: DatabaseWriter, live: LiveUpdates) async {
        while !pending.isEmpty {
            let batch = Array(pending.prefix(Self.maximumBatch))
            pending.removeFirst(batch.count)
            largestBatch = max(largestBatch, batch.count)
            do {
                let (outcomes, events) = try await writer.atomically { db in try await Self.run(batch.map(\.0), live: live, on: db) }
                for ((_, continuation), outcome) in zip(batch, outcomes) { continuation.resume(with: outcome) }
                await live.committed(events)
            } catch {
                // The transaction failed as a whole (the database, or one change's activation):
                // nothing of it was written. Each change then runs on its own, so only the change
                // that fails reports a failure.
                for (change, continuation) in batch {
                    do {
                        let (outcomes, events) = try await writer.atomically { db in try await Self.run([change], live: live, on: db) }
                        continuation.resume(with: outcomes[0])
                        await live.committed(events)
                    } catch {
                        continuation.resume(throwing: error)
                    }
                }
            }
        }
        draining = false
    }

    /// Runs a batch inside one transaction; a refused change is an outcome, not an error.
    private static func run(_ changes: [Change], live: LiveUpdates, on db: any Database) async throws
        -> ([Result<Applied, any Error>], [OnboardingLiveEvent]) {
        // Sessions in a fixed order, so writers in several processes lock rows in one order;
        // then the audit chains' heads (locked on PostgreSQL).
        let scopes = Dictionary(changes.map { ($0.scope.tenantID, $0.scope) }, uniquingKeysWith: { first, _ in first })
            .sorted(by: { $0.key.uuidString < $1.key.uuidString }).map(\.value)
        let loads: [@Sendable () async throws -> (UUID, OnboardingSession)] = scopes.map { scope in
            { (scope.tenantID, try await OnboardingRepository(db: db).load(in: scope, forUpdate: true)) }
        }
        var sessions = Dictionary(uniqueKeysWithValues: try await Self.run(loads, concurrently: db.isSQLite))
        let heads = try await AuditLog.heads(of: Set(sessions.keys), on: db)
        var changed: [UUID: TenantScope] = [:]
        var audit: [AuditLog.Entry] = []
        var activity: [OnboardingActivity] = []
        var outcomes: [Result<Applied, any Error>] = []
        for change in changes {
            let tenantID = change.scope.tenantID
            let current = sessions[tenantID]!
            let now = Date()
            var session = current
            do {
                try check(change, against: current)
                try attempt(change, on: &session, at: now)
            } catch {
                outcomes.append(.failure(error))
                continue
            }
            var nextSteps: [String]?
            if change.activates {
                nextSteps = try await OnboardingActivation.activate(session, scope: change.scope, on: db, at: now)
            }
            sessions[tenantID] = session
            changed[tenantID] = change.scope
            audit.append(AuditLog.Entry(
                tenantID: tenantID, actor: change.actor, actorUserID: change.actorUserID, action: "onboarding.\(change.action)",
                target: change.step.map { "onboarding_step:\($0.rawValue)" } ?? "onboarding",
                change: .init(before: OnboardingActivation.summary(current, change.step),
                              after: OnboardingActivation.summary(session, change.step)),
                requestID: change.requestID, at: now))
            activity.append(OnboardingActivity(
                scope: change.scope, id: TimeOrderedID.make(at: now), actorUserID: change.actorUserID, step: change.step?.rawValue,
                action: change.action, occurredAt: now, durationSeconds: change.step.map { session.record($0).secondsSpent }))
            outcomes.append(.success(Applied(session: session, nextSteps: nextSteps)))
        }
        var events: [OnboardingLiveEvent] = []
        var writes: [@Sendable () async throws -> Void] = []
        for (tenantID, scope) in changed.sorted(by: { $0.key.uuidString < $1.key.uuidString }) {
            let session = sessions[tenantID]!
            writes.append { try await OnboardingRepository(db: db).save(session, in: scope) }
            events.append(OnboardingLiveEvent(tenantID: tenantID, session: session))
        }
        let (notifications, entries, rows) = (events, audit, activity)
        writes.append { try await live.publish(notifications, on: db) }
        writes.append { try await AuditLog.insert(entries, after: heads, on: db) }
        if !rows.isEmpty {
            writes.append { try await OnboardingRepository(db: db).recordActivity(rows) }
        }
        _ = try await Self.run(writes, concurrently: db.isSQLite)
        return (outcomes, events)
    }

    /// Runs independent statements of one transaction. On SQLite they go side by side: the
    /// connection is in serialized mode (SQLite's own mutex orders them), so the batch waits
    /// for one round trip to the thread pool instead of one per statement. On PostgreSQL they
    /// run in the given order.
    private static func run<T: Sendable>(_ operations: [@Sendable () async throws -> T], concurrently: Bool) async throws -> [T] {
        guard concurrently, operations.count > 1 else {
            var results: [T] = []
            for operation in operations { results.append(try await operation()) }
            return results
        }
        return try await withThrowingTaskGroup(of: T.self) { group in
            for operation in operations { group.addTask { try await operation() } }
            return try await group.reduce(into: [T]()) { $0.append($1) }
        }
    }

    /// A stale version gets 409 with the current state, so the client can merge and retry.
    private static func check(_ change: Change, against current: OnboardingSession) throws {
        guard let expected = change.expectedVersion, expected != current.version else { return }
        var problem = Problem(.conflict, "Onboarding changed since version \(expected) (it is at version \(current.version) now). Reload, then apply your change again.")
        problem.current = try JSONValue(encoding: OnboardingController.SessionResponse(current))
        problem.headers.replaceOrAdd(name: .eTag, value: "\"\(current.version)\"")
        throw problem
    }

    private static func attempt(_ change: Change, on session: inout OnboardingSession, at now: Date) throws {
        do {
            try change.operation(&session, now)
        } catch let failure as OnboardingFailure {
            switch failure {
            case .refused(let error): throw Problem(.conflict, error.description)
            case .invalid(let errors): throw Problem.validation(ValidationFailure(errors))
            }
        }
    }
}

