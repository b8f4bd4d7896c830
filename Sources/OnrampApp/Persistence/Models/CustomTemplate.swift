import Fluent
import Foundation

/// A template a tenant saved from its configuration: private, or submitted to the
/// platform and, once an operator approves it, offered to every tenant.
// Fluent models are mutable reference types; instances never cross tasks (handlers map them to DTOs).
final class CustomTemplate: Model, @unchecked Sendable {
    static let schema = "custom_templates"

    @ID(key: .id) var id: UUID?
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?

    @Field(key: "tenant_id") var tenantID: UUID
    @Field(key: "name") var name: String
    @Field(key: "summary") var summary: String
    @Field(key: "sharing") var sharing: Sharing
    /// `CustomTemplateContent` as JSON.
    @Field(key: "content") var content: String
    @Field(key: "created_by") var createdBy: UUID
    @OptionalField(key: "approved_at") var approvedAt: Date?

    init() {}

    enum Sharing: String, Codable, Sendable, CaseIterable {
        /// Only the tenant that made it sees it.
        case `private`
        /// Offered to the platform, waiting for an operator.
        case submitted
        /// Approved by an operator: every tenant sees it.
        case approved
    }
}
