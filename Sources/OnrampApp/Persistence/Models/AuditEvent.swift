import Fluent
import Foundation

/// One recorded configuration change, chained to its tenant's previous event by hash.
// Fluent models are mutable reference types; instances never cross tasks (handlers map them to DTOs).
final class AuditEvent: Model, @unchecked Sendable {
    static let schema = "audit_events"

    @ID(key: .id) var id: UUID?

    @Field(key: "tenant_id") var tenantID: UUID
    @Field(key: "sequence") var sequence: Int
    @Field(key: "actor") var actor: String
    @OptionalField(key: "actor_user_id") var actorUserID: UUID?
    @Field(key: "action") var action: String
    @Field(key: "target") var target: String
    @Field(key: "changes") var changes: String
    @OptionalField(key: "request_id") var requestID: String?
    @Field(key: "occurred_at") var occurredAt: Date
    @Field(key: "previous_hash") var previousHash: String
    @Field(key: "hash") var hash: String

    init() {}
}
