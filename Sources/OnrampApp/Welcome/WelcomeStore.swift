import Fluent
import Foundation
import OnrampDomain
import SQLKit

/// A row of `sample_records`.
struct SampleRecordRow: Decodable, Sendable {
    let id: UUID
    let kind: String
    let title: String
    let body: String
    /// JSON object of text details (channel, priority, …).
    let details: String

    var detailValues: [String: String] { (try? JSONDecoder().decode([String: String].self, from: Data(details.utf8))) ?? [:] }
}

/// A member's progress through the welcome tour (the tour columns of `memberships`).
struct TourProgressRow: Decodable, Sendable {
    let tourState: String
    let tourStop: Int

    var progress: GuidedTour.Progress {
        GuidedTour.Progress(state: GuidedTour.State(rawValue: tourState) ?? .notStarted, stop: tourStop)
    }
}

/// What a new desk shows after activation: the sample records made at activation, and each
/// member's progress through the welcome tour.
struct WelcomeStore {
    let db: any Database

    /// Tickets first, then articles, each by title.
    func samples(_ scope: TenantScope) async throws -> [SampleRecordRow] {
        try await db.sql.raw("""
            SELECT id, kind, title, body, details FROM sample_records WHERE tenant_id = \(bind: scope.tenantID)
            ORDER BY kind DESC, title
            """).all(decoding: SampleRecordRow.self)
    }

    /// Creates the samples of a newly activated tenant (inside the activation transaction).
    func createSamples(_ scope: TenantScope, for session: OnboardingSession, at now: Date) async throws {
        let rows: [SQLQueryString] = try SampleData.make(for: session).map { sample in
            let details = String(decoding: try JSONEncoder().encode(sample.details), as: UTF8.self)
            return "(\(bind: UUID()), \(bind: scope.tenantID), \(bind: sample.kind.rawValue), \(bind: sample.title), \(bind: sample.body), \(bind: details), \(bind: now))"
        }
        guard !rows.isEmpty else { return }
        try await db.sql.raw("""
            INSERT INTO sample_records (id, tenant_id, kind, title, body, details, created_at) VALUES \(rows.joined(separator: ", "))
            """).run()
    }

    func countSamples(_ scope: TenantScope) async throws -> Int {
        struct Count: Decodable { let n: Int }
        return try await db.sql.raw("SELECT COUNT(*) AS n FROM sample_records WHERE tenant_id = \(bind: scope.tenantID)")
            .first(decoding: Count.self)?.n ?? 0
    }

    func removeSamples(_ scope: TenantScope) async throws {
        try await db.sql.raw("DELETE FROM sample_records WHERE tenant_id = \(bind: scope.tenantID)").run()
    }

    /// The member's tour progress, or nil when `userID` is not a member of the tenant.
    func tour(_ scope: TenantScope, userID: UUID) async throws -> TourProgressRow? {
        try await db.sql.raw("""
            SELECT tour_state, tour_stop FROM memberships WHERE tenant_id = \(bind: scope.tenantID) AND user_id = \(bind: userID)
            """).first(decoding: TourProgressRow.self, keyDecodingStrategy: .convertFromSnakeCase)
    }

    func saveTour(_ scope: TenantScope, userID: UUID, _ progress: GuidedTour.Progress) async throws {
        try await db.sql.raw("""
            UPDATE memberships SET tour_state = \(bind: progress.state.rawValue), tour_stop = \(bind: progress.stop)
            WHERE tenant_id = \(bind: scope.tenantID) AND user_id = \(bind: userID)
            """).run()
    }
}
