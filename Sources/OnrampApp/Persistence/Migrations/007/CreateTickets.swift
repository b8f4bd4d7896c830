import Fluent
import SQLKit

/// The support desk's records: organisations, contacts, tickets and their messages, and
/// invitations. Imported rows remember where they came from (`source_system`, `source_id`),
/// their values' fingerprint (a re-run skips what did not change) and the import and row that
/// last wrote them.
struct CreateTickets: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("organizations")
            .id()
            .field("tenant_id", .uuid, .required, .references("tenants", "id", onDelete: .cascade))
            .field("name", .string, .required)
            .field("name_key", .string, .required)
            .field("notes", .string)
            .field("tags", .string, .required)
            .field("custom_fields", .string, .required)
            .field("source_system", .string)
            .field("source_id", .string)
            .field("source_hash", .string)
            .field("import_id", .uuid)
            .field("import_row", .int)
            .field("created_at", .datetime, .required)
            .field("updated_at", .datetime, .required)
            .unique(on: "tenant_id", "source_system", "source_id")
            .create()
        try await database.createIndex("organizations_name_idx", on: "organizations", ["tenant_id", "name_key"])

        try await database.schema("organization_domains")
            .field("tenant_id", .uuid, .required, .references("tenants", "id", onDelete: .cascade))
            .field("domain", .string, .required)
            .field("organization_id", .uuid, .required, .references("organizations", "id", onDelete: .cascade))
            .unique(on: "tenant_id", "domain")
            .create()

        try await database.schema("contacts")
            .id()
            .field("tenant_id", .uuid, .required, .references("tenants", "id", onDelete: .cascade))
            .field("name", .string)
            .field("email", .string)
            .field("phone", .string)
            .field("organization_id", .uuid, .references("organizations", "id", onDelete: .setNull))
            .field("tags", .string, .required)
            .field("custom_fields", .string, .required)
            .field("source_system", .string)
            .field("source_id", .string)
            .field("source_hash", .string)
            .field("import_id", .uuid)
            .field("import_row", .int)
            .field("created_at", .datetime, .required)
            .field("updated_at", .datetime, .required)
            .unique(on: "tenant_id", "source_system", "source_id")
            .create()
        try await database.createIndex("contacts_email_idx", on: "contacts", ["tenant_id", "email"])
        try await database.createIndex("contacts_phone_idx", on: "contacts", ["tenant_id", "phone"])

        try await database.schema("ticket_counters")
            .field("tenant_id", .uuid, .identifier(auto: false), .references("tenants", "id", onDelete: .cascade))
            .field("next_number", .int64, .required)
            .create()

        try await database.schema("tickets")
            .id()
            .field("tenant_id", .uuid, .required, .references("tenants", "id", onDelete: .cascade))
            .field("number", .int64, .required)
            .field("subject", .string, .required)
            .field("status", .string, .required)
            .field("priority", .string, .required)
            .field("channel", .string, .required)
            .field("type", .string)
            .field("requester_id", .uuid, .references("contacts", "id", onDelete: .setNull))
            .field("assignee_id", .uuid, .references("users", "id", onDelete: .setNull))
            .field("assignee_email", .string)
            .field("group_name", .string)
            .field("organization_id", .uuid, .references("organizations", "id", onDelete: .setNull))
            .field("tags", .string, .required)
            .field("custom_fields", .string, .required)
            .field("source_system", .string)
            .field("source_id", .string)
            .field("source_hash", .string)
            .field("import_id", .uuid)
            .field("import_row", .int)
            .field("created_at", .datetime, .required)
            .field("updated_at", .datetime, .required)
            .unique(on: "tenant_id", "number")
            .unique(on: "tenant_id", "source_system", "source_id")
            .create()
        try await database.createIndex("tickets_status_idx", on: "tickets", ["tenant_id", "status", "updated_at"])

        try await database.schema("ticket_messages")
            .id()
            .field("tenant_id", .uuid, .required, .references("tenants", "id", onDelete: .cascade))
            .field("ticket_id", .uuid, .required, .references("tickets", "id", onDelete: .cascade))
            .field("visibility", .string, .required)
            .field("from_customer", .bool, .required)
            .field("author_contact_id", .uuid, .references("contacts", "id", onDelete: .setNull))
            .field("author_user_id", .uuid, .references("users", "id", onDelete: .setNull))
            .field("author_label", .string)
            .field("body", .string, .required)
            .field("source_system", .string)
            .field("source_id", .string)
            .field("import_id", .uuid)
            .field("created_at", .datetime, .required)
            .unique(on: "tenant_id", "source_system", "source_id")
            .create()
        try await database.createIndex("ticket_messages_ticket_idx", on: "ticket_messages", ["ticket_id", "created_at"])

        try await database.schema("invitations")
            .id()
            .field("tenant_id", .uuid, .required, .references("tenants", "id", onDelete: .cascade))
            .field("email", .string, .required)
            .field("name", .string)
            .field("role", .string, .required)
            .field("state", .string, .required)
            .field("source_system", .string)
            .field("source_id", .string)
            .field("import_id", .uuid)
            .field("created_at", .datetime, .required)
            .field("updated_at", .datetime, .required)
            .unique(on: "tenant_id", "email")
            .create()

        try await database.schema("import_errors")
            .field("import_id", .uuid, .required, .references("imports", "id", onDelete: .cascade))
            .field("tenant_id", .uuid, .required, .references("tenants", "id", onDelete: .cascade))
            .field("row_number", .int, .required)
            .field("line", .int)
            .field("verdict", .string, .required)
            .field("reason", .string, .required)
            .field("original", .string, .required)
            .unique(on: "import_id", "row_number")
            .create()

        // What an import was told to do and how far it got. (SQLite adds one column per statement.)
        let columns: [(String, DatabaseSchema.DataType, [DatabaseSchema.FieldConstraint])] = [
            ("mapping", .string, []), ("options", .string, []), ("job_id", .uuid, []),
            ("checkpoint_offset", .int64, [.required, .sql(.default(0))]), ("checkpoint_rows", .int, [.required, .sql(.default(0))]),
            ("checkpoint_line", .int, [.required, .sql(.default(1))]), ("counts", .string, []),
            ("error_count", .int, [.required, .sql(.default(0))]), ("message", .string, []),
            ("started_at", .datetime, []), ("finished_at", .datetime, []),
        ]
        for (name, type, constraints) in columns {
            try await database.schema("imports").field(.definition(name: .key(.string(name)), dataType: type, constraints: constraints)).update()
        }
    }

    func revert(on database: any Database) async throws {
        for table in ["import_errors", "invitations", "ticket_messages", "tickets", "ticket_counters", "contacts",
                      "organization_domains", "organizations"] {
            try await database.schema(table).delete()
        }
        for column in ["mapping", "options", "job_id", "checkpoint_offset", "checkpoint_rows", "checkpoint_line", "counts",
                       "error_count", "message", "started_at", "finished_at"] {
            try await database.schema("imports").deleteField(.key(.string(column))).update()
        }
    }
}
