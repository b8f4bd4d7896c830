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
