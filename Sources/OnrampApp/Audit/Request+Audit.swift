import Fluent
import Foundation
import OnrampDomain
import Vapor

/// A page of a tenant's audit trail (`listAuditEvents`, and operators' `listTenantAuditEvents`).
extension Request {
    /// A page of `scope`'s events, from the `limit` and `before` query parameters.
    func auditEventPage(_ scope: TenantScope) async throws -> AuditController.PageResponse {
        let query = try query.decode(AuditController.Query.self)
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
        let events = try await AuditRepository(db: db).page(in: scope, before: before, limit: limit)
        let items = try events.map { event in
            AuditController.EventResponse(id: try event.requireID(), sequence: event.sequence, actor: event.actor, action: event.action,
                          target: event.target, changes: JSONValue.parse(event.changes) ?? [:],
                          requestId: event.requestID, occurredAt: event.occurredAt,
                          previousHash: event.previousHash, hash: event.hash)
        }
        let next = items.count == limit ? items.last.map(\.sequence).flatMap { $0 > 1 ? $0 : nil } : nil
        return AuditController.PageResponse(items: items, nextBefore: next)
    }
}
