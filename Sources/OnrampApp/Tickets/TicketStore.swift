import Fluent
import Foundation
import OnrampDomain
import SQLKit

/// Tickets and what belongs to them: their messages, their requesters (contacts), their
/// history (`ticket_events`) and the per-tenant ticket numbers. Every method takes the tenant
/// scope first and reads or writes that tenant's rows only. (The import's bulk writer,
/// `ImportApplier`, writes the same tables in batches.)
struct TicketStore {
    let db: any Database

    /// A ticket row with its requester, as lists and pages show it.
    struct Row: Decodable, Sendable {
        let id: UUID
        let number: Int64
        let subject: String
        let status: String
        let priority: String
        let channel: String
        let type: String?
        let groupName: String?
        let assigneeId: UUID?
        let tags: String
        let customFields: String
        let sourceSystem: String?
        let queueReason: String?
        let slaPolicyId: UUID?
        let createdAt: Date
        let updatedAt: Date
        let requesterId: UUID?
        let requesterEmail: String?
        let requesterName: String?

        var tagList: [String] { TicketStore.strings(tags) }
        var fields: [String: String] { (try? JSONDecoder().decode([String: String].self, from: Data(customFields.utf8))) ?? [:] }

        var state: TicketState {
            TicketState(id: id, number: number, subject: subject, status: TicketStatus(rawValue: status) ?? .open,
                        priority: TicketPriority(rawValue: priority) ?? .normal, channel: channel, type: type, tags: tagList,
                        customFields: fields, team: groupName, assigneeID: assigneeId, requesterEmail: requesterEmail,
                        requesterName: requesterName, createdAt: createdAt, slaPolicyID: slaPolicyId, queueReason: queueReason)
        }
    }

    /// A message of a ticket with the name of whoever wrote it.
    struct MessageRow: Decodable, Sendable {
        let id: UUID
        let visibility: String
        let fromCustomer: Bool
        let body: String
        let createdAt: Date
        let authorLabel: String?
        let userName: String?
        let contactName: String?
        let contactEmail: String?

        var author: String? { userName ?? contactName ?? contactEmail ?? authorLabel }
    }

    /// What the SLA clock replays.
    struct EventRow: Decodable, Sendable {
        let kind: String
        let value: String?
        let at: Date
    }

    /// What the team dashboard measures of a ticket.
    struct MeasureRow: Decodable, Sendable {
        let id: UUID
        let assigneeId: UUID?
        let status: String
        let createdAt: Date
        let firstResponseAt: Date?
        let solvedAt: Date?
        let slaPolicyId: UUID?
    }

    /// Filters of the ticket list; `before` pages by number.
    struct Filter: Sendable {
        var status: TicketStatus?
        var priority: TicketPriority?
        var assignee: UUID?
        var words: String?
        var before: Int64 = .max
    }

    static func strings(_ json: String) -> [String] { (try? JSONDecoder().decode([String].self, from: Data(json.utf8))) ?? [] }

    private static let columns: SQLQueryString = """
        t.id, t.number, t.subject, t.status, t.priority, t.channel, t.type, t.group_name, t.assignee_id, t.tags, t.custom_fields,
        t.source_system, t.queue_reason, t.sla_policy_id, t.created_at, t.updated_at,
        t.requester_id, c.email AS requester_email, c.name AS requester_name
        """

    private static let from: SQLQueryString = """
        FROM tickets t LEFT JOIN contacts c ON c.id = t.requester_id AND c.tenant_id = t.tenant_id
        """

    // MARK: Reading

    func find(_ scope: TenantScope, id: UUID) async throws -> Row? {
        try await db.sql.raw("""
            SELECT \(Self.columns) \(Self.from) WHERE t.id = \(bind: id) AND t.tenant_id = \(bind: scope.tenantID)
            """).first(decoding: Row.self, keyDecodingStrategy: .convertFromSnakeCase)
    }

    /// The ticket as the workflow changes it.
    func load(_ scope: TenantScope, id: UUID) async throws -> TicketState? {
        try await find(scope, id: id)?.state
    }

    /// The conversation, oldest first (at most 1,000 messages).
    func messages(_ scope: TenantScope, ticket id: UUID) async throws -> [MessageRow] {
        try await db.sql.raw("""
            SELECT m.id, m.visibility, m.from_customer, m.body, m.created_at, m.author_label, u.name AS user_name, c.name AS contact_name,
                   c.email AS contact_email
            FROM ticket_messages m LEFT JOIN users u ON u.id = m.author_user_id LEFT JOIN contacts c ON c.id = m.author_contact_id
            WHERE m.ticket_id = \(bind: id) AND m.tenant_id = \(bind: scope.tenantID)
            ORDER BY m.created_at, m.id LIMIT 1000
            """).all(decoding: MessageRow.self, keyDecodingStrategy: .convertFromSnakeCase)
    }

    /// Tickets numbered below `filter.before`, newest first.
    func list(_ scope: TenantScope, filter: Filter, limit: Int) async throws -> [Row] {
        var sql: SQLQueryString = """
            SELECT \(Self.columns) \(Self.from) WHERE t.tenant_id = \(bind: scope.tenantID) AND t.number < \(bind: filter.before)
            """
        if let status = filter.status { sql = sql + " AND t.status = \(bind: status.rawValue)" }
        if let priority = filter.priority { sql = sql + " AND t.priority = \(bind: priority.rawValue)" }
        if let assignee = filter.assignee { sql = sql + " AND t.assignee_id = \(bind: assignee)" }
        if let words = filter.words?.trimmingWhitespace(), !words.isEmpty {
            let pattern = "%" + words.lowercased().replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "%", with: "\\%")
                .replacingOccurrences(of: "_", with: "\\_") + "%"
            sql = sql + " AND LOWER(t.subject) LIKE \(bind: pattern) ESCAPE '\\'"
        }
        sql = sql + " ORDER BY t.number DESC LIMIT \(literal: limit)"
        return try await db.sql.raw(sql).all(decoding: Row.self, keyDecodingStrategy: .convertFromSnakeCase)
    }

    /// The events an SLA clock replays, in order.
    func slaEvents(_ scope: TenantScope, ticket id: UUID) async throws -> [EventRow] {
        try await db.sql.raw("""
            SELECT kind, value, at FROM ticket_events WHERE ticket_id = \(bind: id) AND tenant_id = \(bind: scope.tenantID)
            AND kind IN ('created', 'status', 'priority', 'agent_reply', 'customer_reply', 'reopened') ORDER BY at, id LIMIT 10000
            """).all(decoding: EventRow.self, keyDecodingStrategy: .convertFromSnakeCase)
    }

    /// Tickets that are open now or were created or solved in the period, newest first.
    func measured(_ scope: TenantScope, openStatuses: [String], from: Date, to: Date, limit: Int) async throws -> [MeasureRow] {
        try await db.sql.raw("""
            SELECT id, assignee_id, status, created_at, first_response_at, solved_at, sla_policy_id FROM tickets
            WHERE tenant_id = \(bind: scope.tenantID) AND (status IN (\(binds: openStatuses))
                OR (created_at >= \(bind: from) AND created_at < \(bind: to)) OR (solved_at >= \(bind: from) AND solved_at < \(bind: to)))
            ORDER BY created_at DESC LIMIT \(literal: limit)
            """).all(decoding: MeasureRow.self, keyDecodingStrategy: .convertFromSnakeCase)
    }

    func count(_ scope: TenantScope) async throws -> Int {
        try await db.sql.raw("SELECT COUNT(*) AS n FROM tickets WHERE tenant_id = \(bind: scope.tenantID)")
            .first(decodingColumn: "n", as: Int.self) ?? 0
    }

    // MARK: Writing

    /// Reserves `count` consecutive ticket numbers inside the caller's transaction; returns the first.
    func reserveNumbers(_ scope: TenantScope, count: Int) async throws -> Int64 {
        let next = try await db.sql.raw("""
            INSERT INTO ticket_counters (tenant_id, next_number) VALUES (\(bind: scope.tenantID), \(bind: Int64(count + 1)))
            ON CONFLICT (tenant_id) DO UPDATE SET next_number = ticket_counters.next_number + \(bind: Int64(count))
            RETURNING next_number
            """).first(decodingColumn: "next_number", as: Int64.self) ?? Int64(count + 1)
        return next - Int64(count)
    }

    /// The contact with this email address, made (with `tags`) when there is none.
    func contact(_ scope: TenantScope, email: String, name: String?, tags: [String], at now: Date) async throws -> UUID {
        if let id = try await db.sql.raw("""
            SELECT id FROM contacts WHERE tenant_id = \(bind: scope.tenantID) AND email = \(bind: email) LIMIT 1
            """).first(decodingColumn: "id", as: UUID.self) {
            return id
        }
        let id = TimeOrderedID.make(at: now)
        try await db.sql.raw("""
            INSERT INTO contacts (id, tenant_id, name, email, tags, custom_fields, created_at, updated_at)
            VALUES (\(bind: id), \(bind: scope.tenantID), \(bind: name), \(bind: email),
                    \(bind: ImportValue.array(tags.map { .text($0) }).json), '{}', \(bind: now), \(bind: now))
            """).run()
        return id
    }

    /// Inserts a new ticket (status new) with the next number.
    func insert(_ scope: TenantScope, id: UUID, draft: TicketDraft, type: String?, requester: UUID?, at now: Date) async throws {
        let number = try await reserveNumbers(scope, count: 1)
        let tags = ImportValue.array(draft.tags.map { .text($0) }).json
        let fields = ImportValue.object(draft.customFields.keys.sorted().map { ($0, .text(draft.customFields[$0]!)) }).json
        try await db.sql.raw("""
            INSERT INTO tickets (id, tenant_id, number, subject, status, priority, channel, type, requester_id, group_name, tags, custom_fields,
                                 created_at, updated_at)
            VALUES (\(bind: id), \(bind: scope.tenantID), \(bind: number), \(bind: draft.subject), 'new', \(bind: draft.priority.rawValue),
                    \(bind: draft.channel), \(bind: type), \(bind: requester), \(bind: draft.team), \(bind: tags), \(bind: fields), \(bind: now), \(bind: now))
            """).run()
    }

    /// Who wrote a message: a contact (the customer), a member, or an automation (a label).
    enum Author: Sendable {
        case contact(UUID)
        case member(UUID?)
        case label(String)
    }

    func addMessage(_ scope: TenantScope, ticket: UUID, visibility: MessageVisibility, author: Author, body: String, at now: Date) async throws {
        let (contact, user, label): (UUID?, UUID?, String?) = switch author {
        case .contact(let id): (id, nil, nil)
        case .member(let id): (nil, id, nil)
        case .label(let text): (nil, nil, text)
        }
        try await db.sql.raw("""
            INSERT INTO ticket_messages (id, tenant_id, ticket_id, visibility, from_customer, author_contact_id, author_user_id, author_label,
                                         body, created_at)
            VALUES (\(bind: TimeOrderedID.make(at: now)), \(bind: scope.tenantID), \(bind: ticket), \(bind: visibility.rawValue),
                    \(bind: contact != nil), \(bind: contact), \(bind: user), \(bind: label), \(bind: body), \(bind: now))
            """).run()
    }

    /// Keeps the time of the first public reply (the first time only).
    func markFirstResponse(_ scope: TenantScope, ticket: UUID, at now: Date) async throws {
        try await db.sql.raw("""
            UPDATE tickets SET first_response_at = COALESCE(first_response_at, \(bind: now))
            WHERE id = \(bind: ticket) AND tenant_id = \(bind: scope.tenantID)
            """).run()
    }

    func save(_ scope: TenantScope, _ ticket: TicketState, at now: Date) async throws {
        try await db.sql.raw("""
            UPDATE tickets SET subject = \(bind: ticket.subject), status = \(bind: ticket.status.rawValue), priority = \(bind: ticket.priority.rawValue),
                tags = \(bind: ImportValue.array(ticket.tags.map { .text($0) }).json), group_name = \(bind: ticket.team),
                assignee_id = \(bind: ticket.assigneeID), sla_policy_id = \(bind: ticket.slaPolicyID), queue_reason = \(bind: ticket.queueReason),
                solved_at = CASE WHEN \(bind: ticket.status.isSolved) THEN COALESCE(solved_at, \(bind: now)) ELSE NULL END,
                updated_at = \(bind: now)
            WHERE id = \(bind: ticket.id) AND tenant_id = \(bind: scope.tenantID)
            """).run()
    }

    /// Appends to the ticket's history.
    func record(_ scope: TenantScope, ticket: UUID, _ event: TicketEvent, user: UUID? = nil, at: Date) async throws {
        try await db.sql.raw("""
            INSERT INTO ticket_events (id, tenant_id, ticket_id, kind, value, user_id, at)
            VALUES (\(bind: TimeOrderedID.make(at: at)), \(bind: scope.tenantID), \(bind: ticket), \(bind: event.kind.rawValue),
                    \(bind: event.value.map { String($0.prefix(500)) }), \(bind: user), \(bind: at))
            """).run()
    }

    /// Removes every ticket, contact, organisation and the number counter (a training sandbox's reset).
    func deleteAll(_ scope: TenantScope) async throws {
        for table in ["tickets", "contacts", "organizations", "ticket_counters"] {
            try await db.sql.raw("DELETE FROM \(ident: table) WHERE tenant_id = \(bind: scope.tenantID)").run()
        }
    }
}
