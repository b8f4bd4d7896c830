import Fluent
import Foundation
import OnrampDomain
import Vapor

/// Platform operators (the vendor's success managers) see across tenants: `listTenants`.
struct OperatorController {
    struct TenantSummary: Content {
        let id: UUID
        let name: String
        let slug: String
        let status: String
        let members: Int
        let createdAt: Date?
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
            responses: [.init(status: 200, description: "The tenants.", schema: Schemas.ref("TenantSummaryPage"))]
        ), in: registry, use: listTenants)
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
        let tenants = try await Tenant.query(on: req.db).sort(\.$createdAt, .descending).limit(limit ?? 100).all()
        let ids = try tenants.map { try $0.requireID() }
        let memberships = ids.isEmpty ? [] : try await Membership.query(on: req.db).filter(\.$tenantID ~~ ids).all()
        let counts = Dictionary(grouping: memberships, by: \.tenantID).mapValues(\.count)
        return TenantPage(items: try tenants.map { tenant in
            let id = try tenant.requireID()
            return TenantSummary(id: id, name: tenant.name, slug: tenant.slug, status: tenant.status.rawValue,
                                 members: counts[id] ?? 0, createdAt: tenant.createdAt)
        })
    }
}
