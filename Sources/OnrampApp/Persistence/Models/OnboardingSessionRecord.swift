import Fluent
import Foundation

/// A tenant's onboarding. `document` (the domain's `OnboardingSession` as JSON) is the
/// truth; the other columns copy parts of it for listing and filtering.
// Fluent models are mutable reference types; instances never cross tasks (handlers map them to DTOs).
final class OnboardingSessionRecord: Model, @unchecked Sendable {
    static let schema = "onboarding_sessions"

    @ID(key: .id) var id: UUID?
    @Timestamp(key: "updated_at", on: .update) var updatedAt: Date?

    @Field(key: "tenant_id") var tenantID: UUID
    @Field(key: "version") var version: Int
    @Field(key: "state") var state: String
    @Field(key: "current_step") var currentStep: String
    @Field(key: "progress") var progress: Int
    @Field(key: "started_at") var startedAt: Date
    @OptionalField(key: "last_activity_at") var lastActivityAt: Date?
    @OptionalField(key: "completed_at") var completedAt: Date?
    @Field(key: "document") var document: String

    init() {}
}

/// Something a tenant did, for analytics and health scores (onboarding steps so far).
// Fluent models are mutable reference types; instances never cross tasks (handlers map them to DTOs).
final class ActivityEvent: Model, @unchecked Sendable {
    static let schema = "activity_events"

    @ID(key: .id) var id: UUID?

    @Field(key: "tenant_id") var tenantID: UUID
    @OptionalField(key: "actor_user_id") var actorUserID: UUID?
    @Field(key: "kind") var kind: String
    @OptionalField(key: "step") var step: String?
    @Field(key: "action") var action: String
    @Field(key: "occurred_at") var occurredAt: Date
    @OptionalField(key: "duration_seconds") var durationSeconds: Double?

    init() {}
}
