import Fluent
import Foundation
import OnrampDomain
import SQLKit

/// A tenant's onboarding session, read and written through its scope.
struct OnboardingRepository {
    let db: any Database

    static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .millisecondsSince1970
        encoder.outputFormatting = [.sortedKeys]
        return encoder
    }()

    static let decoder: JSONDecoder = {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .millisecondsSince1970
        return decoder
    }()

    /// Creates the session of a new tenant (inside the sign-up transaction).
    @discardableResult
    func create(in scope: TenantScope, at now: Date = Date()) async throws -> OnboardingSession {
        let session = OnboardingSession.start(at: now)
        let record = OnboardingSessionRecord()
        record.tenantID = scope.tenantID
        try apply(session, to: record)
        try await record.create(on: db)
        return session
    }

    /// The session as stored, or nil for tenants that predate onboarding. Plain SQL: this is
    /// on the path of every onboarding request. With `forUpdate` on PostgreSQL the row stays
    /// locked until the transaction ends.
    func find(in scope: TenantScope, forUpdate: Bool = false) async throws -> OnboardingSession? {
        let lock = forUpdate && !db.isSQLite ? " FOR UPDATE" : ""
        guard let row = try await db.sql.raw("""
            SELECT document FROM onboarding_sessions WHERE tenant_id = \(bind: scope.tenantID)\(unsafeRaw: lock)
            """).first()
        else { return nil }
        return try Self.decoder.decode(OnboardingSession.self, from: Data(try row.decode(column: "document", as: String.self).utf8))
    }

    /// The session, created on first use for tenants that predate onboarding.
    func load(in scope: TenantScope, forUpdate: Bool = false) async throws -> OnboardingSession {
        if let session = try await find(in: scope, forUpdate: forUpdate) { return session }
        return try await create(in: scope)
    }

    /// Stores `session` for the tenant of `scope` (the row exists: it was loaded before).
    func save(_ session: OnboardingSession, in scope: TenantScope) async throws {
        let lastActivity = session.lastActivityAt
        let document = String(decoding: try Self.encoder.encode(session), as: UTF8.self)
        try await db.sql.raw("""
            UPDATE onboarding_sessions
            SET version = \(bind: session.version), state = \(bind: session.state.rawValue),
                current_step = \(bind: session.currentStep.rawValue), progress = \(bind: session.progress),
                last_activity_at = \(bind: lastActivity), completed_at = \(bind: session.completedAt),
                document = \(bind: document), updated_at = \(bind: Date())
            WHERE tenant_id = \(bind: scope.tenantID)
            """).run()
    }

    /// Appends onboarding activity events (of any tenants, each under its own scope) in one INSERT.
    func recordActivity(_ events: [OnboardingActivity]) async throws {
        guard !events.isEmpty else { return }
        let rows: [SQLQueryString] = events.map { event in
            """
            (\(bind: event.id), \(bind: event.scope.tenantID), \(bind: event.actorUserID), 'onboarding', \(bind: event.step),
             \(bind: event.action), \(bind: event.occurredAt), \(bind: event.durationSeconds))
            """
        }
        try await db.sql.raw("""
            INSERT INTO activity_events (id, tenant_id, actor_user_id, kind, step, action, occurred_at, duration_seconds)
            VALUES \(rows.joined(separator: ", "))
            """).run()
    }

    /// The sessions' summary columns of several tenants, in one query: a platform operator's
    /// read across tenants (the tenant list), hence tenant ids rather than one tenant's scope.
    /// Tenants without a session have no row.
    func operatorSummaries(of tenantIDs: [UUID]) async throws -> [OnboardingSummaryRow] {
        guard !tenantIDs.isEmpty else { return [] }
        return try await db.sql.raw("""
            SELECT tenant_id, state, progress, current_step, started_at, last_activity_at, completed_at
            FROM onboarding_sessions WHERE tenant_id IN (\(binds: tenantIDs))
            """).all(decoding: OnboardingSummaryRow.self, keyDecodingStrategy: .convertFromSnakeCase)
    }

    private func apply(_ session: OnboardingSession, to record: OnboardingSessionRecord) throws {
        record.version = session.version
        record.state = session.state.rawValue
        record.currentStep = session.currentStep.rawValue
        record.progress = session.progress
        record.startedAt = session.startedAt
        record.completedAt = session.completedAt
        record.lastActivityAt = session.lastActivityAt
        record.document = String(decoding: try Self.encoder.encode(session), as: UTF8.self)
    }
}

/// One onboarding activity event (a step saved, skipped, …) of the tenant of `scope`.
struct OnboardingActivity: Sendable {
    var scope: TenantScope
    var id: UUID
    var actorUserID: UUID?
    var step: String?
    var action: String
    var occurredAt: Date
    var durationSeconds: Double?
}

/// The summary columns of a row of `onboarding_sessions`.
struct OnboardingSummaryRow: Decodable, Sendable {
    let tenantId: UUID
    let state: String
    let progress: Int
    let currentStep: String
    let startedAt: Date
    let lastActivityAt: Date?
    let completedAt: Date?
}
