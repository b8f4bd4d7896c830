import Fluent
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
        return try req.onboardingResponse(try await TenantOverview.session(of: tenant, scope, on: req.db))
    }

    @Sendable func tenantAudit(_ req: Request) async throws -> AuditController.PageResponse {
        let (scope, _) = try await req.requireOperatorScope(.platformTenantsRead)
        return try await req.auditEventPage(scope)
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
        return TenantPage(items: try await TenantOverview.tenants(limit: limit ?? 100, on: req.db,
                                                        stalledAfterHours: req.onramp.settings.stalledAfterHours))
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
