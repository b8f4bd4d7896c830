import Fluent
import Foundation

/// A bearer token an integrator uses; only the SHA-256 of its secret is stored.
// Fluent models are mutable reference types; instances never cross tasks (handlers map them to DTOs).
final class APIToken: Model, @unchecked Sendable {
    static let schema = "api_tokens"

    @ID(key: .id) var id: UUID?
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?

    @Field(key: "tenant_id") var tenantID: UUID
    @Field(key: "user_id") var userID: UUID
    @Field(key: "name") var name: String
    @Field(key: "token_hash") var tokenHash: String
    @Field(key: "display_prefix") var displayPrefix: String
    @OptionalField(key: "expires_at") var expiresAt: Date?
    @OptionalField(key: "last_used_at") var lastUsedAt: Date?
    @OptionalField(key: "revoked_at") var revokedAt: Date?

    init() {}

    init(id: UUID? = nil, tenantID: UUID, userID: UUID, name: String, tokenHash: String,
         displayPrefix: String, expiresAt: Date?) {
        self.id = id
        self.tenantID = tenantID
        self.userID = userID
        self.name = name
        self.tokenHash = tokenHash
        self.displayPrefix = displayPrefix
        self.expiresAt = expiresAt
    }
}
