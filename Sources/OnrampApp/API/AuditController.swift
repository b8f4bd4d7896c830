import Fluent
import Foundation
import OnrampDomain
import Vapor

/// `listAuditEvents`.
struct AuditController {
    struct EventResponse: Content {
        let id: UUID
        let sequence: Int
        let actor: String
        let action: String
        let target: String
        let changes: JSONValue
        let requestId: String?
        let occurredAt: Date
        let previousHash: String
        let hash: String
    }

    struct PageResponse: Content {
        let items: [EventResponse]
        let nextBefore: Int?
    }

    static let pageParameters: [APIOperation.Parameter] = [
        .init(name: "limit", location: .query, description: "Events per page (1–200, default 50).",
              schema: Schema.integer(minimum: 1, maximum: 200)),
        .init(name: "before", location: .query, description: "Only events with a lower sequence (from `next_before`).",
              schema: Schema.integer(minimum: 1)),
    ]

    func register(on api: any RoutesBuilder, registry: APIOperationRegistry) {
        api.register(.init(
            id: "listAuditEvents", method: .GET, path: "/api/v1/audit-events", tag: "Audit",
            summary: "The tenant's audit trail, newest first (owners and admins)",
            parameters: Self.pageParameters,
            responses: [.init(status: 200, description: "A page of events.", schema: Schemas.ref("AuditEventPage"))]
        ), in: registry, use: list)
    }

    struct Query: Decodable {
        var limit: String?
        var before: String?
    }

    @Sendable func list(_ req: Request) async throws -> PageResponse {
        let (scope, _) = try req.requireTenant(.auditRead)
        return try await req.auditEventPage(scope)
    }
}
