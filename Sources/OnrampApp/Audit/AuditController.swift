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
            responses: [.init(status: 200, description: "A page of events.", schema: Schemas.ref(AuditController.PageResponse.self))]
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

// MARK: - API schemas

extension AuditController.EventResponse: APISchema {
    static let schemaName = "AuditEvent"
    static var schema: JSONValue {
        Schema.object([
            "id": Schemas.uuid, "sequence": Schema.integer(minimum: 1), "actor": Schema.string(), "action": Schema.string(),
            "target": Schema.string(), "changes": ["type": "object", "description": "Before/after summary."],
            "request_id": Schema.string(nullable: true), "occurred_at": Schemas.dateTime,
            "previous_hash": Schema.string(), "hash": Schema.string(),
        ], required: ["id", "sequence", "actor", "action", "target", "changes", "occurred_at", "previous_hash", "hash"])
    }
    static var example: Self {
        Self(id: APIExample.id("0193a3d2-4b5c-7d6e-8f70-8192a3b4c5d6"), sequence: 42, actor: "user:maya@northwind.example",
             action: "api_token.revoked", target: "api_token:0193a3d0-1a2b-7c3d-8e4f-5a6b7c8d9e0f",
             changes: ["before": ["revoked": "false"], "after": ["revoked": "true"]], requestId: "7f3c2a9e-41b8-4d0f-9a6e-3c5b8d2f1e47",
             occurredAt: APIExample.date("2026-03-05T11:20:31Z"),
             previousHash: "9b2e4f7a1c3d5e8f0a2b4c6d8e0f1a3b5c7d9e1f2a4b6c8d0e2f4a6b8c0d2e4f",
             hash: "4d6f8a0c2e4a6c8e0b2d4f6a8c0e2b4d6f8a0c2e4b6d8f0a2c4e6b8d0f2a4c6e")
    }
}

extension AuditController.PageResponse: APISchema {
    static let schemaName = "AuditEventPage"
    static var schema: JSONValue {
        Schema.object([
            "items": Schema.array(Schemas.ref(AuditController.EventResponse.self)),
            "next_before": ["type": ["integer", "null"], "description": "Pass as `before` for the next page; null at the end."],
        ], required: ["items"])
    }
    static var example: Self { Self(items: [.example], nextBefore: 42) }
}
