import Fluent
import Foundation

/// A company with its own support desk. Every tenant-owned row points here.
// Fluent models are mutable reference types; instances never cross tasks (handlers map them to DTOs).
final class Tenant: Model, @unchecked Sendable {
    static let schema = "tenants"

    @ID(key: .id) var id: UUID?
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?
    @Timestamp(key: "updated_at", on: .update) var updatedAt: Date?

    @Field(key: "name") var name: String
    @Field(key: "slug") var slug: String
    @Field(key: "status") var status: Status
    @OptionalField(key: "activated_at") var activatedAt: Date?
    /// JSON list of the features activation turned on.
    @OptionalField(key: "features") var features: String?

    init() {}

    init(id: UUID? = nil, name: String, slug: String, status: Status = .active) {
        self.id = id
        self.name = name
        self.slug = slug
        self.status = status
    }

    enum Status: String, Codable, Sendable {
        case active, suspended
    }
}
