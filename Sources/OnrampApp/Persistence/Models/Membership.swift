import Fluent
import Foundation
import OnrampDomain

/// A user's role inside one tenant.
// Fluent models are mutable reference types; instances never cross tasks (handlers map them to DTOs).
final class Membership: Model, @unchecked Sendable {
    static let schema = "memberships"

    @ID(key: .id) var id: UUID?
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?

    @Field(key: "tenant_id") var tenantID: UUID
    @Field(key: "user_id") var userID: UUID
    @Field(key: "role") var role: Role
    @Field(key: "tour_state") var tourState: String
    @Field(key: "tour_stop") var tourStop: Int
    /// A custom role's permissions replace the role's template.
    @OptionalField(key: "custom_role_id") var customRoleID: UUID?

    init() {}

    init(id: UUID? = nil, tenantID: UUID, userID: UUID, role: Role) {
        self.id = id
        self.tenantID = tenantID
        self.userID = userID
        self.role = role
        tourState = "not_started"
        tourStop = 0
    }
}
