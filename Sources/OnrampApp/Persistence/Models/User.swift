import Fluent
import Foundation

/// A person who signs in: a tenant member, a platform operator, or both.
// Fluent models are mutable reference types; instances never cross tasks (handlers map them to DTOs).
final class User: Model, @unchecked Sendable {
    static let schema = "users"

    @ID(key: .id) var id: UUID?
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?
    @Timestamp(key: "updated_at", on: .update) var updatedAt: Date?

    /// Canonical (trimmed, lower-cased) and unique platform-wide.
    @Field(key: "email") var email: String
    @Field(key: "name") var name: String
    @Field(key: "password_hash") var passwordHash: String
    /// The vendor's success managers span tenants.
    @Field(key: "is_operator") var isOperator: Bool
    @OptionalField(key: "last_login_at") var lastLoginAt: Date?

    init() {}

    init(id: UUID? = nil, email: String, name: String, passwordHash: String, isOperator: Bool = false) {
        self.id = id
        self.email = email
        self.name = name
        self.passwordHash = passwordHash
        self.isOperator = isOperator
    }
}
