import Fluent
import SQLKit
import Foundation
import OnrampDomain
import Vapor

/// Platform operators (the vendor's success managers) see across tenants: `listTenants`
/// (with each tenant's onboarding), `getTenantOnboarding`, `listTenantAuditEvents`.
struct OperatorController {
    struct OnboardingSummary: Content {
        let state: String
        let progress: Int
        let currentStep: String
        let startedAt: Date
        let lastActivityAt: Date?
        let completedAt: Date?
        /// Active, but no activity for `ONRAMP_STALLED_AFTER_HOURS`.
        let stalled: Bool
    }

    struct TenantSummary: Content {
        let id: UUID
        let name: String
        let slug: String
        let status: String
        let members: Int
        let createdAt: Date?
        let activatedAt: Date?
        let onboarding: OnboardingSummary?
    }

    struct TenantPage: Content {
        let items: [TenantSummary]
    }

    func register(on routes: any RoutesBuilder, registry: APIOperationRegistry) {
        routes.register(.init(
            id: "listTenants", method: .GET, path: "/api/v1/operator/tenants", tag: "Operators",
            summary: "Every tenant on the platform, newest first (platform operators only)",
            parameters: [.init(name: "limit", location: .query, description: "At most this many (1–500, default 100).",
                               schema: Schema.integer(minimum: 1, maximum: 500))],
            responses: [.init(status: 200, description: "The tenants.", schema: Schemas.ref(OperatorController.TenantPage.self))]
        ), in: registry, use: listTenants)
        let tenantID = APIOperation.Parameter(name: "tenantId", location: .path, description: "The tenant's id.",
                                              schema: Schemas.uuid, identifiesTenantResource: true)
        routes.register(.init(
            id: "getTenantOnboarding", method: .GET, path: "/api/v1/operator/tenants/{tenantId}/onboarding", tag: "Operators",
            summary: "One tenant's onboarding session, step by step (platform operators only)",
            parameters: [tenantID],
            responses: [.init(status: 200, description: "The session.", schema: Schemas.ref(OnboardingController.SessionResponse.self))]
        ), in: registry, use: tenantOnboarding)
        routes.register(.init(
            id: "listTenantAuditEvents", method: .GET, path: "/api/v1/operator/tenants/{tenantId}/audit-events", tag: "Operators",
            summary: "One tenant's audit trail, newest first (platform operators only)",
            parameters: [tenantID] + AuditController.pageParameters,
            responses: [.init(status: 200, description: "A page of events.", schema: Schemas.ref(AuditController.PageResponse.self))]
        ), in: registry, use: tenantAudit)
    }

    @Sendable func tenantOnboarding(_ req: Request) async throws -> Response {
        let (scope, _) = try await req.requireOperatorScope(.platformTenantsRead)
        let tenant = try await TenantRepository(db: req.db).current(scope)
        return try await OnboardingController().respond(try await Self.session(of: tenant, scope, on: req.db), req)
    }

    @Sendable func tenantAudit(_ req: Request) async throws -> AuditController.PageResponse {
        let (scope, _) = try await req.requireOperatorScope(.platformTenantsRead)
        return try await AuditController().page(req, scope)
    }

    /// Each tenant's onboarding columns, in one query.
    static func onboardingSummaries(for ids: [UUID], on db: any Database, stalledAfterHours: Int,
                                    now: Date = Date()) async throws -> [UUID: OnboardingSummary] {
        guard !ids.isEmpty else { return [:] }
        let rows = try await db.sql.raw("""
            SELECT tenant_id, state, progress, current_step, started_at, last_activity_at, completed_at
            FROM onboarding_sessions WHERE tenant_id IN (\(binds: ids))
            """).all()
        var summaries: [UUID: OnboardingSummary] = [:]
        for row in rows {
            let state = try row.decode(column: "state", as: String.self)
            let startedAt = try row.decode(column: "started_at", as: Date.self)
            let lastActivity = try row.decode(column: "last_activity_at", as: Date?.self)
            summaries[try row.decode(column: "tenant_id", as: UUID.self)] = OnboardingSummary(
                state: state, progress: try row.decode(column: "progress", as: Int.self),
                currentStep: try row.decode(column: "current_step", as: String.self),
                startedAt: startedAt, lastActivityAt: lastActivity,
                completedAt: try row.decode(column: "completed_at", as: Date?.self),
                stalled: OnboardingStall.isStalled(state: SessionState(rawValue: state) ?? .active, lastActivityAt: lastActivity,
                                                   startedAt: startedAt, now: now, afterHours: stalledAfterHours))
        }
        return summaries
    }

    struct Query: Decodable {
        var limit: String?
    }

    @Sendable func listTenants(_ req: Request) async throws -> TenantPage {
        _ = try req.requirePermission(.platformTenantsRead)
        var errors = FieldErrors()
        let limit = errors.wholeNumber(try req.query.decode(Query.self).limit, field: "limit", label: "Limit",
                                       in: 1...500, fallback: 100)
        try errors.check()
        return TenantPage(items: try await Self.tenants(limit: limit ?? 100, on: req.db,
                                                        stalledAfterHours: req.onramp.settings.stalledAfterHours))
    }

    /// The newest tenants with their member counts and onboarding (the API's list and the dashboard's rows).
    static func tenants(limit: Int, on db: any Database, stalledAfterHours: Int) async throws -> [TenantSummary] {
        let tenants = try await Tenant.query(on: db).sort(\.$createdAt, .descending).limit(limit).all()
        let ids = try tenants.map { try $0.requireID() }
        let memberships = ids.isEmpty ? [] : try await Membership.query(on: db).filter(\.$tenantID ~~ ids).all()
        let counts = Dictionary(grouping: memberships, by: \.tenantID).mapValues(\.count)
        let onboarding = try await onboardingSummaries(for: ids, on: db, stalledAfterHours: stalledAfterHours)
        return try tenants.map { tenant in
            let id = try tenant.requireID()
            return TenantSummary(id: id, name: tenant.name, slug: tenant.slug, status: tenant.status.rawValue,
                                 members: counts[id] ?? 0, createdAt: tenant.createdAt, activatedAt: tenant.activatedAt,
                                 onboarding: onboarding[id])
        }
    }

    /// A tenant's session for reading: operators never create one, so a tenant from before
    /// onboarding shows a session not yet started.
    static func session(of tenant: Tenant, _ scope: TenantScope, on db: any Database) async throws -> OnboardingSession {
        try await OnboardingRepository(db: db).find(in: scope) ?? OnboardingSession.start(at: tenant.createdAt ?? Date())
    }
}

// MARK: - API schemas

extension OperatorController.TenantPage: APISchema {
    static let schemaName = "TenantSummaryPage"
    static var schema: JSONValue {
        Schema.object([
            "items": Schema.array(Schema.object([
                "id": Schemas.uuid, "name": Schema.string(), "slug": Schema.string(),
                "status": Schema.string(enumeration: ["active", "suspended"]),
                "members": Schema.integer(minimum: 0), "created_at": Schemas.nullableDateTime,
                "activated_at": Schemas.nullableDateTime,
                "onboarding": Schema.object([
                    "state": Schema.string(enumeration: SessionState.allCases.map(\.rawValue)),
                    "progress": Schema.integer(minimum: 0, maximum: 100),
                    "current_step": Schema.string(enumeration: OnboardingStepID.allCases.map(\.rawValue)),
                    "started_at": Schemas.dateTime, "last_activity_at": Schemas.nullableDateTime, "completed_at": Schemas.nullableDateTime,
                    "stalled": Schema.boolean,
                ], required: ["state", "progress", "current_step", "started_at", "stalled"], nullable: true),
            ], required: ["id", "name", "slug", "status", "members"])),
        ], required: ["items"])
    }
    static var example: Self {
        Self(items: [
            OperatorController.TenantSummary(
                id: AuthController.CurrentUserResponse.TenantInfo.example.id, name: "Northwind Outfitters", slug: "northwind-outfitters",
                status: "active", members: 6, createdAt: APIExample.date("2026-03-02T09:14:58Z"), activatedAt: nil,
                onboarding: .init(state: "active", progress: 40, currentStep: "knowledge_base", startedAt: APIExample.date("2026-03-02T09:15:00Z"),
                                  lastActivityAt: APIExample.date("2026-03-04T16:40:12Z"), completedAt: nil, stalled: false)),
            OperatorController.TenantSummary(
                id: APIExample.id("0193a1b2-7c8d-7e9f-a0b1-c2d3e4f5a6b7"), name: "Harbour Dental", slug: "harbour-dental",
                status: "active", members: 3, createdAt: APIExample.date("2026-02-11T14:02:41Z"), activatedAt: APIExample.date("2026-02-18T10:30:00Z"),
                onboarding: .init(state: "completed", progress: 100, currentStep: "data_import", startedAt: APIExample.date("2026-02-11T14:03:00Z"),
                                  lastActivityAt: APIExample.date("2026-02-18T10:29:47Z"), completedAt: APIExample.date("2026-02-18T10:30:00Z"),
                                  stalled: false)),
        ])
    }
}
