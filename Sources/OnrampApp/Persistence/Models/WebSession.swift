import Fluent
import Foundation

/// A signed-in browser: the cookie holds a random secret, the row its SHA-256.
// Fluent models are mutable reference types; instances never cross tasks (handlers map them to DTOs).
final class WebSession: Model, @unchecked Sendable {
    static let schema = "web_sessions"

    @ID(key: .id) var id: UUID?
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?

    @Field(key: "token_hash") var tokenHash: String
    @Field(key: "user_id") var userID: UUID
    /// The tenant the session works in; nil for an operator without a membership.
    @OptionalField(key: "tenant_id") var tenantID: UUID?
    @Field(key: "expires_at") var expiresAt: Date
    @Field(key: "last_seen_at") var lastSeenAt: Date

    init() {}

    init(id: UUID? = nil, tokenHash: String, userID: UUID, tenantID: UUID?, expiresAt: Date, lastSeenAt: Date) {
        self.id = id
        self.tokenHash = tokenHash
        self.userID = userID
        self.tenantID = tenantID
        self.expiresAt = expiresAt
        self.lastSeenAt = lastSeenAt
    }
}
