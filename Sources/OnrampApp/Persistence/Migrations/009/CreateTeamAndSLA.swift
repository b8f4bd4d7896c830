import Fluent
import SQLKit

/// SLAs, the team and their history: business calendars and SLA policies (JSON definitions
/// the domain reads), each ticket's SLA policy and event history (what `SLAClock` replays),
/// agent profiles, custom roles, and the SLA warnings, breaches and escalations already sent, and the
/// invitation links (only a hash of each token is kept). A tenant may be a training sandbox
/// of another.
struct CreateTeamAndSLA: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("business_calendars")
            .id()
            .field("tenant_id", .uuid, .required, .references("tenants", "id", onDelete: .cascade))
            .field("name", .string, .required)
            .field("is_default", .bool, .required)
            .field("definition", .string, .required)
            .field("created_at", .datetime, .required)
            .field("updated_at", .datetime, .required)
            .unique(on: "tenant_id", "name")
            .create()

        try await database.schema("sla_policies")
            .id()
            .field("tenant_id", .uuid, .required, .references("tenants", "id", onDelete: .cascade))
            .field("name", .string, .required)
            .field("position", .int, .required)
            .field("definition", .string, .required)
            .field("escalation", .string, .required)
            .field("created_at", .datetime, .required)
            .field("updated_at", .datetime, .required)
            .unique(on: "tenant_id", "name")
            .create()

        try await database.schema("ticket_events")
            .id()
            .field("tenant_id", .uuid, .required, .references("tenants", "id", onDelete: .cascade))
            .field("ticket_id", .uuid, .required, .references("tickets", "id", onDelete: .cascade))
            .field("kind", .string, .required)
            .field("value", .string)
            .field("user_id", .uuid)
            .field("at", .datetime, .required)
            .create()
        try await database.createIndex("ticket_events_ticket_idx", on: "ticket_events", ["ticket_id", "at"])

        try await database.schema("agent_profiles")
            .field("tenant_id", .uuid, .required, .references("tenants", "id", onDelete: .cascade))
            .field("user_id", .uuid, .required, .references("users", "id", onDelete: .cascade))
            .field("definition", .string, .required)
            .field("availability", .string, .required)
            .field("last_assigned_at", .datetime)
            .field("updated_at", .datetime, .required)
            .unique(on: "tenant_id", "user_id")
            .create()

        try await database.schema("custom_roles")
            .id()
            .field("tenant_id", .uuid, .required, .references("tenants", "id", onDelete: .cascade))
            .field("name", .string, .required)
            .field("permissions", .string, .required)
            .field("created_at", .datetime, .required)
            .unique(on: "tenant_id", "name")
            .create()

        try await database.schema("sla_notifications")
            .field("tenant_id", .uuid, .required, .references("tenants", "id", onDelete: .cascade))
            .field("ticket_id", .uuid, .required, .references("tickets", "id", onDelete: .cascade))
            .field("metric", .string, .required)
            .field("kind", .string, .required)
            .field("due_at", .datetime, .required)
            .field("sent_at", .datetime, .required)
            .unique(on: "ticket_id", "metric", "kind", "due_at")
            .create()

        let additions: [(String, String, DatabaseSchema.DataType, [DatabaseSchema.FieldConstraint])] = [
            ("tickets", "sla_policy_id", .uuid, []),
            ("tickets", "queue_reason", .string, []),
            ("tickets", "first_response_at", .datetime, []),
            ("tickets", "solved_at", .datetime, []),
            ("memberships", "custom_role_id", .uuid, []),
            ("invitations", "token_hash", .string, []),
            ("invitations", "expires_at", .datetime, []),
            ("invitations", "invited_by", .uuid, []),
            ("invitations", "sent_at", .datetime, []),
            ("invitations", "send_count", .int, [.required, .sql(.default(0))]),
            ("invitations", "accepted_at", .datetime, []),
            ("invitations", "custom_role_id", .uuid, []),
            ("tenants", "sandbox_of", .uuid, []),
        ]
        for (table, name, type, constraints) in additions {
            try await database.schema(table).field(.definition(name: .key(.string(name)), dataType: type, constraints: constraints)).update()
        }
        try await database.createIndex("tickets_assignee_idx", on: "tickets", ["tenant_id", "assignee_id", "status"])
        try await database.createIndex("invitations_token_idx", on: "invitations", ["token_hash"])
    }

    func revert(on database: any Database) async throws {
        for table in ["sla_notifications", "custom_roles", "agent_profiles", "ticket_events", "sla_policies",
                      "business_calendars"] {
            try await database.schema(table).delete()
        }
        for (table, column) in [("tickets", "sla_policy_id"), ("tickets", "queue_reason"), ("tickets", "first_response_at"),
                                ("tickets", "solved_at"), ("memberships", "custom_role_id"), ("invitations", "token_hash"),
                                ("invitations", "expires_at"), ("invitations", "invited_by"), ("invitations", "sent_at"),
                                ("invitations", "send_count"), ("invitations", "accepted_at"), ("invitations", "custom_role_id"),
                                ("tenants", "sandbox_of")] {
            try await database.schema(table).deleteField(.key(.string(column))).update()
        }
    }
}
