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
        return try await page(req, scope)
    }

    /// A page of `scope`'s events, from the `limit` and `before` query parameters.
    func page(_ req: Request, _ scope: TenantScope) async throws -> PageResponse {
        let query = try req.query.decode(Query.self)
        var errors = FieldErrors()
        let limit = errors.wholeNumber(query.limit, field: "limit", label: "Limit", in: 1...200, fallback: 50) ?? 50
        var before: Int?
        if let raw = query.before {
            if let value = Int(raw), value >= 1 {
                before = value
            } else if !raw.isEmpty, raw.allSatisfy(\.isASCII), raw.allSatisfy(\.isNumber), raw.first != "0" {
                before = Int.max // beyond any sequence: from the newest event
            } else {
                errors.add("before", "Before must be a whole number of at least 1.", code: "out_of_range")
            }
        }
        try errors.check()
        let events = try await AuditRepository(db: req.db).page(in: scope, before: before, limit: limit)
        let items = try events.map { event in
            EventResponse(id: try event.requireID(), sequence: event.sequence, actor: event.actor, action: event.action,
                          target: event.target, changes: JSONValue.parse(event.changes) ?? [:],
                          requestId: event.requestID, occurredAt: event.occurredAt,
                          previousHash: event.previousHash, hash: event.hash)
        }
        let next = items.count == limit ? items.last.map(\.sequence).flatMap { $0 > 1 ? $0 : nil } : nil
        return PageResponse(items: items, nextBefore: next)
    }
}
