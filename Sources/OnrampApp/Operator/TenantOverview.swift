import Fluent
import Foundation
import OnrampDomain
import Vapor

/// Every tenant with its members and onboarding, for platform operators (the API and the dashboard).
enum TenantOverview {
    /// The newest tenants with their member counts and onboarding (the API's list and the dashboard's rows).
    static func tenants(limit: Int, on db: any Database, stalledAfterHours: Int) async throws -> [OperatorController.TenantSummary] {
        let tenants = try await Tenant.query(on: db).sort(\.$createdAt, .descending).limit(limit).all()
        let ids = try tenants.map { try $0.requireID() }
        let memberships = ids.isEmpty ? [] : try await Membership.query(on: db).filter(\.$tenantID ~~ ids).all()
        let counts = Dictionary(grouping: memberships, by: \.tenantID).mapValues(\.count)
        let onboarding = try await onboardingSummaries(for: ids, on: db, stalledAfterHours: stalledAfterHours)
        return try tenants.map { tenant in
            let id = try tenant.requireID()
            return OperatorController.TenantSummary(id: id, name: tenant.name, slug: tenant.slug, status: tenant.status.rawValue,
                                 members: counts[id] ?? 0, createdAt: tenant.createdAt, activatedAt: tenant.activatedAt,
                                 onboarding: onboarding[id])
        }
    }

    /// A tenant's session for reading: operators never create one, so a tenant from before
    /// onboarding shows a session not yet started.
    static func session(of tenant: Tenant, _ scope: TenantScope, on db: any Database) async throws -> OnboardingSession {
        try await OnboardingRepository(db: db).find(in: scope) ?? OnboardingSession.start(at: tenant.createdAt ?? Date())
    }

    /// Each tenant's onboarding columns, in one query.
    static func onboardingSummaries(for ids: [UUID], on db: any Database, stalledAfterHours: Int,
                                    now: Date = Date()) async throws -> [UUID: OperatorController.OnboardingSummary] {
        guard !ids.isEmpty else { return [:] }
        let rows = try await OnboardingRepository(db: db).operatorSummaries(of: ids)
        var summaries: [UUID: OperatorController.OnboardingSummary] = [:]
        for row in rows {
            summaries[row.tenantId] = OperatorController.OnboardingSummary(
                state: row.state, progress: row.progress, currentStep: row.currentStep,
                startedAt: row.startedAt, lastActivityAt: row.lastActivityAt, completedAt: row.completedAt,
                stalled: OnboardingStall.isStalled(state: SessionState(rawValue: row.state) ?? .active, lastActivityAt: row.lastActivityAt,
                                                   startedAt: row.startedAt, now: now, afterHours: stalledAfterHours))
        }
        return summaries
    }
}
