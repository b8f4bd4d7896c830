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

    /// The session, created on first use for tenants that predate onboarding.
    /// Inside a transaction on PostgreSQL the row is locked until it commits.
    func load(in scope: TenantScope, forUpdate: Bool = false) async throws -> (OnboardingSessionRecord, OnboardingSession) {
        if forUpdate, !db.isSQLite {
            try await db.sql.raw("SELECT id FROM onboarding_sessions WHERE tenant_id = \(bind: scope.tenantID) FOR UPDATE").run()
        }
        if let record = try await OnboardingSessionRecord.query(on: db).filter(\.$tenantID == scope.tenantID).first() {
            let session = try Self.decoder.decode(OnboardingSession.self, from: Data(record.document.utf8))
            return (record, session)
        }
        let session = try await create(in: scope)
        guard let record = try await OnboardingSessionRecord.query(on: db).filter(\.$tenantID == scope.tenantID).first() else {
            throw Problem(.internalError, "The onboarding session could not be created.")
        }
        return (record, session)
    }

    func save(_ session: OnboardingSession, to record: OnboardingSessionRecord, in scope: TenantScope) async throws {
        precondition(record.tenantID == scope.tenantID, "an onboarding record is saved only through its own tenant's scope")
        try apply(session, to: record)
        try await record.update(on: db)
    }

    private func apply(_ session: OnboardingSession, to record: OnboardingSessionRecord) throws {
        record.version = session.version
        record.state = session.state.rawValue
        record.currentStep = session.currentStep.rawValue
        record.progress = session.progress
        record.startedAt = session.startedAt
        record.completedAt = session.completedAt
        record.lastActivityAt = OnboardingStepID.allCases.compactMap { session.record($0).lastActivityAt }.max()
        record.document = String(decoding: try Self.encoder.encode(session), as: UTF8.self)
    }
}
