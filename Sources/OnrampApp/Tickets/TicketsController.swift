import Fluent
import Foundation
import OnrampDomain
import SQLKit
import Vapor

/// Per-tenant ticket numbers: reserved in blocks inside the caller's transaction.
enum TicketNumbers {
    /// Reserves `count` consecutive numbers; returns the first.
    static func reserve(_ count: Int, tenantID: UUID, on sql: any SQLDatabase) async throws -> Int64 {
        let row = try await sql.raw("""
            INSERT INTO ticket_counters (tenant_id, next_number) VALUES (\(bind: tenantID), \(bind: Int64(count + 1)))
            ON CONFLICT (tenant_id) DO UPDATE SET next_number = ticket_counters.next_number + \(bind: Int64(count))
            RETURNING next_number
            """).first()
        let next = try row?.decode(column: "next_number", as: Int64.self) ?? Int64(count + 1)
        return next - Int64(count)
    }
}

/// Tickets: list and filter, create (with the requester as a contact), read with the
/// conversation, update (status changes follow `TicketStatus.canChange`), and add replies or
/// internal notes. Imported tickets are the same tickets.
struct TicketsController {
    struct Requester: Content {
        let id: UUID?
        let email: String?
        let name: String?
    }

    struct TicketSummary: Content {
        let id: UUID
        let number: Int64
        let subject: String
        let status: String
        let priority: String
        let channel: String
        let team: String?
        let assigneeId: UUID?
        let requester: Requester
        let tags: [String]
        let createdAt: Date
        let updatedAt: Date
    }

    struct Message: Content {
        let id: UUID
        let visibility: String
        let fromCustomer: Bool
        let author: String?
        let body: String
        let createdAt: Date
    }

    struct Ticket: Content {
        let id: UUID
        let number: Int64
        let subject: String
        let status: String
        let priority: String
        let channel: String
        let type: String?
        let team: String?
        let assigneeId: UUID?
        let requester: Requester
        let tags: [String]
        let customFields: [String: String]
        let source: String?
        let createdAt: Date
        let updatedAt: Date
        let messages: [Message]
        /// The SLA policy and each measured metric's state; nil without a policy.
        var sla: SLAMonitor.State?
        /// Why the ticket waits in its team's queue instead of being assigned.
        let queueReason: String?
    }

    struct TicketPage: Content {
        let items: [TicketSummary]
        /// Pass as `before` for the next page; nil on the last.
        let nextBefore: Int64?
    }

    struct CreateRequest: Content {
        struct RequesterInput: Content {
            var email: String?
            var name: String?
        }
        var subject: String?
        var body: String?
        var priority: String?
        var channel: String?
        var requester: RequesterInput?
        var tags: [String]?
        var customFields: [String: String]?
        var team: String?
    }

    struct UpdateRequest: Content {
        var subject: String?
        var status: String?
        var priority: String?
        var team: String?
        var assigneeId: UUID?
        var tags: [String]?
    }

    struct MessageRequest: Content {
        var body: String?
        var visibility: String?
    }

    func register(on routes: any RoutesBuilder, registry: APIOperationRegistry) {
        let ticketID = APIOperation.Parameter(name: "ticketId", location: .path, description: "The ticket's id.", schema: Schemas.uuid)
        let one = APIOperation.Response(status: 200, description: "The ticket with its conversation.", schema: Schemas.ref(TicketsController.Ticket.self))
        routes.register(.init(
            id: "listTickets", method: .GET, path: "/api/v1/tickets", tag: "Tickets",
            summary: "The tenant's tickets, newest first, filtered",
            parameters: [
                .init(name: "status", location: .query, description: "Only tickets in this status.",
                      schema: Schema.string(enumeration: TicketStatus.allCases.map(\.rawValue)), required: false),
                .init(name: "priority", location: .query, description: "Only tickets of this priority.",
                      schema: Schema.string(enumeration: TicketPriority.allCases.map(\.rawValue)), required: false),
                .init(name: "assignee_id", location: .query, description: "Only tickets assigned to this member.", schema: Schemas.uuid, required: false),
                .init(name: "q", location: .query, description: "Words the subject contains (at most 200 characters).",
                      schema: Schema.string(maxLength: 200), required: false),
                .init(name: "before", location: .query, description: "Tickets numbered below this (the previous page's next_before).",
                      schema: Schema.integer(minimum: 1, maximum: 9_007_199_254_740_991), required: false),
                .init(name: "limit", location: .query, description: "At most this many (1–200, default 50).",
                      schema: Schema.integer(minimum: 1, maximum: 200), required: false),
            ],
            responses: [.init(status: 200, description: "A page of tickets.", schema: Schemas.ref(TicketsController.TicketPage.self))]
        ), in: registry, use: list)
        routes.register(.init(
            id: "createTicket", method: .POST, path: "/api/v1/tickets", tag: "Tickets",
            summary: "Creates a ticket with its first message; the requester becomes (or is matched to) a contact by email",
            requestBody: Schemas.ref(TicketsController.CreateRequest.self),
            responses: [.init(status: 201, description: "The ticket.", schema: Schemas.ref(TicketsController.Ticket.self))],
            maxBodySize: "256kb"
        ), in: registry, use: create)
        routes.register(.init(
            id: "getTicket", method: .GET, path: "/api/v1/tickets/{ticketId}", tag: "Tickets",
            summary: "One ticket with its conversation", parameters: [ticketID], responses: [one]
        ), in: registry, use: get)
        routes.register(.init(
            id: "updateTicket", method: .PATCH, path: "/api/v1/tickets/{ticketId}", tag: "Tickets",
            summary: "Changes status, priority, subject, team, assignee or tags (only the fields sent)",
            parameters: [ticketID], requestBody: Schemas.ref(TicketsController.UpdateRequest.self), responses: [one], problems: [409]
        ), in: registry, use: update)
        routes.register(.init(
            id: "addTicketMessage", method: .POST, path: "/api/v1/tickets/{ticketId}/messages", tag: "Tickets",
            summary: "Adds a public reply or an internal note by the signed-in member",
            parameters: [ticketID], requestBody: Schemas.ref(TicketsController.MessageRequest.self),
            responses: [.init(status: 201, description: "The ticket with the new message.", schema: Schemas.ref(TicketsController.Ticket.self))],
            problems: [409], maxBodySize: "256kb"
        ), in: registry, use: addMessage)
    }

    // MARK: Reading

    static let summaryColumns = """
        t.id, t.number, t.subject, t.status, t.priority, t.channel, t.group_name, t.assignee_id, t.tags, t.created_at, t.updated_at,
        t.requester_id, c.email AS requester_email, c.name AS requester_name
        """

    static func tags(_ json: String) -> [String] { (try? JSONDecoder().decode([String].self, from: Data(json.utf8))) ?? [] }

    static func summary(_ row: any SQLRow) throws -> TicketSummary {
        TicketSummary(
            id: try row.decode(column: "id", as: UUID.self), number: try row.decode(column: "number", as: Int64.self),
            subject: try row.decode(column: "subject", as: String.self), status: try row.decode(column: "status", as: String.self),
            priority: try row.decode(column: "priority", as: String.self), channel: try row.decode(column: "channel", as: String.self),
            team: try row.decode(column: "group_name", as: String?.self), assigneeId: try row.decode(column: "assignee_id", as: UUID?.self),
            requester: Requester(id: try row.decode(column: "requester_id", as: UUID?.self), email: try row.decode(column: "requester_email", as: String?.self),
                                 name: try row.decode(column: "requester_name", as: String?.self)),
            tags: tags(try row.decode(column: "tags", as: String.self)),
            createdAt: try row.decode(column: "created_at", as: Date.self), updatedAt: try row.decode(column: "updated_at", as: Date.self))
    }

    static func find(_ id: UUID, in scope: TenantScope, on db: any Database) async throws -> Ticket? {
        guard let row = try await db.sql.raw("""
            SELECT \(unsafeRaw: summaryColumns), t.type, t.custom_fields, t.source_system, t.queue_reason
            FROM tickets t LEFT JOIN contacts c ON c.id = t.requester_id AND c.tenant_id = t.tenant_id
            WHERE t.id = \(bind: id) AND t.tenant_id = \(bind: scope.tenantID)
            """).first() else { return nil }
        let summary = try summary(row)
        let messages = try await db.sql.raw("""
            SELECT m.id, m.visibility, m.from_customer, m.body, m.created_at, m.author_label, u.name AS user_name, c.name AS contact_name,
                   c.email AS contact_email
            FROM ticket_messages m LEFT JOIN users u ON u.id = m.author_user_id LEFT JOIN contacts c ON c.id = m.author_contact_id
            WHERE m.ticket_id = \(bind: id) AND m.tenant_id = \(bind: scope.tenantID)
            ORDER BY m.created_at, m.id LIMIT 1000
            """).all().map { row in
            Message(id: try row.decode(column: "id", as: UUID.self), visibility: try row.decode(column: "visibility", as: String.self),
                    fromCustomer: try row.decode(column: "from_customer", as: Bool.self),
                    author: try row.decode(column: "user_name", as: String?.self) ?? row.decode(column: "contact_name", as: String?.self)
                        ?? row.decode(column: "contact_email", as: String?.self) ?? row.decode(column: "author_label", as: String?.self),
                    body: try row.decode(column: "body", as: String.self), createdAt: try row.decode(column: "created_at", as: Date.self))
        }
        let fields = (try? JSONDecoder().decode([String: String].self, from: Data(try row.decode(column: "custom_fields", as: String.self).utf8))) ?? [:]
        return Ticket(id: summary.id, number: summary.number, subject: summary.subject, status: summary.status, priority: summary.priority,
                      channel: summary.channel, type: try row.decode(column: "type", as: String?.self), team: summary.team,
                      assigneeId: summary.assigneeId, requester: summary.requester, tags: summary.tags, customFields: fields,
                      source: try row.decode(column: "source_system", as: String?.self),
                      createdAt: summary.createdAt, updatedAt: summary.updatedAt, messages: messages,
                      sla: try await SLAMonitor.state(ticket: id, scope: scope, now: Date(), on: db),
                      queueReason: try row.decode(column: "queue_reason", as: String?.self))
    }

    struct ListQuery: Decodable {
        var status: String?
        var priority: String?
        var assignee_id: String?
        var q: String?
        var before: String?
        var limit: String?
    }

    @Sendable func list(_ req: Request) async throws -> TicketPage {
        let (scope, _) = try req.requireTenant(.ticketsRead)
        let query = try req.query.decode(ListQuery.self)
        var errors = FieldErrors()
        let limit = errors.wholeNumber(query.limit, field: "limit", label: "Limit", in: 1...200, fallback: 50) ?? 50
        // The largest whole number JSON carries exactly, as the document says.
        let before = errors.wholeNumber(query.before, field: "before", label: "Before", in: 1...9_007_199_254_740_991,
                                        fallback: Int.max) ?? Int.max
        let status: TicketStatus? = errors.choice(query.status, field: "status", label: "Status")
        let priority: TicketPriority? = errors.choice(query.priority, field: "priority", label: "Priority")
        let assignee = query.assignee_id.flatMap(UUID.init(uuidString:))
        if query.assignee_id != nil && assignee == nil { errors.add("assignee_id", "Assignee is a member's id (a UUID).", code: "invalid_format") }
        // Counted in code points, as the document's maxLength is.
        if (query.q?.unicodeScalars.count ?? 0) > 200 { errors.add("q", "Search for at most 200 characters.", code: "too_long") }
        try errors.check()
        var sql: SQLQueryString = """
            SELECT \(unsafeRaw: Self.summaryColumns) FROM tickets t
            LEFT JOIN contacts c ON c.id = t.requester_id AND c.tenant_id = t.tenant_id
            WHERE t.tenant_id = \(bind: scope.tenantID) AND t.number < \(bind: Int64(clamping: before))
            """
        if let status { sql = sql + " AND t.status = \(bind: status.rawValue)" }
        if let priority { sql = sql + " AND t.priority = \(bind: priority.rawValue)" }
        if let assignee { sql = sql + " AND t.assignee_id = \(bind: assignee)" }
        if let words = query.q?.trimmingWhitespace(), !words.isEmpty {
            let pattern = "%" + words.lowercased().replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "%", with: "\\%")
                .replacingOccurrences(of: "_", with: "\\_") + "%"
            sql = sql + " AND LOWER(t.subject) LIKE \(bind: pattern) ESCAPE '\\'"
        }
        sql = sql + " ORDER BY t.number DESC LIMIT \(literal: limit + 1)"
        let rows = try await req.db.sql.raw(sql).all().map(Self.summary)
        let page = Array(rows.prefix(limit))
        return TicketPage(items: page, nextBefore: rows.count > limit ? page.last?.number : nil)
    }

    func ticketID(_ req: Request) throws -> UUID {
        guard let raw = req.parameters.get("ticketId"), let id = UUID(uuidString: raw) else { throw Problem.notFound("That ticket") }
        return id
    }

    @Sendable func get(_ req: Request) async throws -> Ticket {
        let (scope, _) = try req.requireTenant(.ticketsRead)
        guard let ticket = try await Self.find(try ticketID(req), in: scope, on: req.db) else { throw Problem.notFound("That ticket") }
        return ticket
    }

    // MARK: Writing

    @Sendable func create(_ req: Request) async throws -> Response {
        let (scope, principal) = try req.requireTenant(.ticketsWrite)
        let input = try req.decodeJSON(CreateRequest.self)
        let draft = try TicketDraft.validate(subject: input.subject, body: input.body, priority: input.priority, channel: input.channel,
                                             requesterEmail: input.requester?.email, requesterName: input.requester?.name,
                                             tags: input.tags, customFields: input.customFields, team: input.team)
        let userID = principal.userID
        let id = try await req.writer.atomically { db in
            try await TicketWorkflow.create(draft, author: userID, scope: scope, at: Date(), on: db)
        }
        guard let ticket = try await Self.find(id, in: scope, on: req.db) else { throw Problem.notFound("That ticket") }
        return try await ticket.encodeResponse(status: .created, for: req)
    }

    @Sendable func update(_ req: Request) async throws -> Ticket {
        let (scope, principal) = try req.requireTenant(.ticketsWrite)
        let id = try ticketID(req)
        guard let current = try await Self.find(id, in: scope, on: req.db) else { throw Problem.notFound("That ticket") }
        let input = try req.decodeJSON(UpdateRequest.self)
        var errors = FieldErrors()
        let subject = input.subject.flatMap { errors.requireText($0, field: "subject", label: "Subject", maxLength: 500) }
        let status: TicketStatus? = errors.choice(input.status, field: "status", label: "Status")
        let priority: TicketPriority? = errors.choice(input.priority, field: "priority", label: "Priority")
        let team = input.team.map { $0.trimmingWhitespace().isEmpty ? "" : (errors.requireText($0, field: "team", label: "Team", maxLength: 100) ?? "") }
        let tags = input.tags.map { TicketDraft.normalisedTags($0, errors: &errors) }
        try errors.check()
        if let status, let from = TicketStatus(rawValue: current.status), let refusal = from.refusal(to: status) {
            throw Problem(.conflict, refusal)
        }
        if current.status == TicketStatus.closed.rawValue && (subject != nil || priority != nil || input.assigneeId != nil || team != nil || tags != nil) {
            throw Problem(.conflict, TicketStatus.closed.refusal(to: .open)!)
        }
        if let assignee = input.assigneeId {
            guard principal.tenant?.can(.ticketsAssign) == true else {
                throw Problem(.forbidden, "Assigning tickets needs the supervisor role or higher.")
            }
            let member = try await req.db.sql.raw("""
                SELECT user_id FROM memberships WHERE tenant_id = \(bind: scope.tenantID) AND user_id = \(bind: assignee)
                """).first()
            if member == nil {
                throw Problem.validation(ValidationFailure([FieldError(field: "assignee_id", message: "The assignee must be a member of this team.", code: "invalid")]))
            }
        }
        let userID = principal.userID
        try await req.writer.atomically { db in
            let now = Date()
            guard var ticket = try await TicketWorkflow.load(id, scope: scope, on: db) else { throw Problem.notFound("That ticket") }
            if let subject { ticket.subject = subject }
            if let status, status != ticket.status {
                // Checked again inside the transaction: a concurrent change may have closed it.
                if let refusal = ticket.status.refusal(to: status) { throw Problem(.conflict, refusal) }
                try await TicketWorkflow.changeStatus(&ticket, to: status, scope: scope, user: userID, at: now, on: db)
            }
            if let priority, priority != ticket.priority {
                ticket.priority = priority
                try await TicketWorkflow.record(.priority, priority.rawValue, ticket: id, scope: scope, user: userID, at: now, on: db)
            }
            if let team, (team.isEmpty ? nil : team) != ticket.team {
                ticket.team = team.isEmpty ? nil : team
                try await TicketWorkflow.record(.team, ticket.team, ticket: id, scope: scope, user: userID, at: now, on: db)
            }
            if let assignee = input.assigneeId, assignee != ticket.assigneeID {
                ticket.assigneeID = assignee
                try await TicketWorkflow.record(.assigned, assignee.uuidString.lowercased(), ticket: id, scope: scope, user: userID, at: now, on: db)
            }
            if let tags { ticket.tags = tags }
            try await TicketWorkflow.save(ticket, scope: scope, at: now, on: db)
            try await TicketWorkflow.run(.ticketUpdated, ticket: id, scope: scope, message: nil, now: now, on: db)
        }
        guard let ticket = try await Self.find(id, in: scope, on: req.db) else { throw Problem.notFound("That ticket") }
        return ticket
    }

    @Sendable func addMessage(_ req: Request) async throws -> Response {
        let (scope, principal) = try req.requireTenant(.ticketsNote)
        let id = try ticketID(req)
        guard let current = try await Self.find(id, in: scope, on: req.db) else { throw Problem.notFound("That ticket") }
        let input = try req.decodeJSON(MessageRequest.self)
        var errors = FieldErrors()
        let body = errors.requireText(input.body, field: "body", label: "The message", maxLength: TicketDraft.maxBodyLength, allowingLineBreaks: true)
        let visibility = input.visibility ?? "public"
        if !["public", "internal"].contains(visibility) {
            errors.add("visibility", "Visibility is public (a reply the customer sees) or internal (a note for the team).", code: "invalid_choice")
        }
        try errors.check()
        if visibility == "public", principal.tenant?.can(.ticketsWrite) != true {
            throw Problem(.forbidden, "Your role (\(principal.tenant?.roleName ?? "none")) writes internal notes only; a colleague answers the customer.")
        }
        if current.status == TicketStatus.closed.rawValue {
            throw Problem(.conflict, "A closed ticket takes no more messages; open a follow-up ticket instead.")
        }
        let userID = principal.userID
        try await req.writer.atomically { db in
            let now = Date()
            try await db.sql.raw("""
                INSERT INTO ticket_messages (id, tenant_id, ticket_id, visibility, from_customer, author_user_id, body, created_at)
                VALUES (\(bind: TimeOrderedID.make()), \(bind: scope.tenantID), \(bind: id), \(bind: visibility), \(bind: false),
                        \(bind: userID), \(bind: body!), \(bind: now))
                """).run()
            guard var ticket = try await TicketWorkflow.load(id, scope: scope, on: db) else { throw Problem.notFound("That ticket") }
            if visibility == "public" {
                try await TicketWorkflow.record(.agentReply, nil, ticket: id, scope: scope, user: userID, at: now, on: db)
                try await db.sql.raw("""
                    UPDATE tickets SET first_response_at = COALESCE(first_response_at, \(bind: now)) WHERE id = \(bind: id) AND tenant_id = \(bind: scope.tenantID)
                    """).run()
                // A public reply to a new ticket means it is being worked on.
                if ticket.status == .new { try await TicketWorkflow.changeStatus(&ticket, to: .open, scope: scope, user: userID, at: now, on: db) }
            } else {
                try await TicketWorkflow.record(.note, nil, ticket: id, scope: scope, user: userID, at: now, on: db)
            }
            try await TicketWorkflow.save(ticket, scope: scope, at: now, on: db)
            try await TicketWorkflow.run(.messageCreated, ticket: id, scope: scope,
                                         message: .init(body: body!, fromCustomer: false, channel: ticket.channel), now: now, on: db)
        }
        guard let ticket = try await Self.find(id, in: scope, on: req.db) else { throw Problem.notFound("That ticket") }
        return try await ticket.encodeResponse(status: .created, for: req)
    }
}

// MARK: - API schemas

extension TicketsController.Requester: APISchema {
    static let schemaName = "TicketRequester"
    static var schema: JSONValue {
        Schema.object(["id": Schema.string(format: "uuid", nullable: true), "email": Schema.string(nullable: true),
                       "name": Schema.string(nullable: true)])
    }
    static var example: Self {
        Self(id: APIExample.id("0193a410-7d8e-7f90-a1b2-c3d4e5f6a7b8"), email: "jonas.berg@example.se", name: "Jonas Berg")
    }
}

extension TicketsController.TicketSummary: APISchema {
    static let schemaName = "TicketSummary"
    static var schema: JSONValue {
        Schema.object([
            "id": Schemas.uuid, "number": Schema.integer(minimum: 1), "subject": Schema.string(),
            "status": Schema.string(enumeration: TicketStatus.allCases.map(\.rawValue)),
            "priority": Schema.string(enumeration: TicketPriority.allCases.map(\.rawValue)), "channel": Schema.string(),
            "team": Schema.string(nullable: true), "assignee_id": Schema.string(format: "uuid", nullable: true),
            "requester": Schemas.ref(TicketsController.Requester.self), "tags": Schema.array(Schema.string()),
            "created_at": Schemas.dateTime, "updated_at": Schemas.dateTime,
        ], required: ["id", "number", "subject", "status", "priority", "channel", "requester", "tags", "created_at", "updated_at"])
    }
    static var example: Self {
        let ticket = TicketsController.Ticket.example
        return Self(id: ticket.id, number: ticket.number, subject: ticket.subject, status: ticket.status, priority: ticket.priority,
                    channel: ticket.channel, team: ticket.team, assigneeId: ticket.assigneeId, requester: ticket.requester, tags: ticket.tags,
                    createdAt: ticket.createdAt, updatedAt: ticket.updatedAt)
    }
}

extension TicketsController.TicketPage: APISchema {
    static let schemaName = "TicketPage"
    static var schema: JSONValue {
        Schema.object(["items": Schema.array(Schemas.ref(TicketsController.TicketSummary.self)), "next_before": ["type": ["integer", "null"]]],
                      required: ["items"])
    }
    static var example: Self { Self(items: [.example], nextBefore: 1041) }
}

extension TicketsController.Ticket: APISchema {
    static let schemaName = "Ticket"
    static var schema: JSONValue {
        Schema.object([
            "id": Schemas.uuid, "number": Schema.integer(minimum: 1), "subject": Schema.string(),
            "status": Schema.string(enumeration: TicketStatus.allCases.map(\.rawValue)),
            "priority": Schema.string(enumeration: TicketPriority.allCases.map(\.rawValue)), "channel": Schema.string(),
            "type": Schema.string(nullable: true), "team": Schema.string(nullable: true),
            "assignee_id": Schema.string(format: "uuid", nullable: true), "requester": Schemas.ref(TicketsController.Requester.self),
            "tags": Schema.array(Schema.string()), "custom_fields": ["type": "object", "additionalProperties": Schema.string()],
            "source": Schema.string("The helpdesk it was imported from.", nullable: true),
            "created_at": Schemas.dateTime, "updated_at": Schemas.dateTime,
            "sla": ["anyOf": [Schemas.ref(SLAMonitor.State.self), ["type": "null"]]],
            "queue_reason": Schema.string("Why the ticket waits in its team's queue.", nullable: true),
            "messages": Schema.array(Schema.object([
                "id": Schemas.uuid, "visibility": Schema.string(enumeration: ["public", "internal"]), "from_customer": Schema.boolean,
                "author": Schema.string(nullable: true), "body": Schema.string(), "created_at": Schemas.dateTime,
            ], required: ["id", "visibility", "from_customer", "body", "created_at"])),
        ], required: ["id", "number", "subject", "status", "priority", "channel", "requester", "tags", "custom_fields", "created_at",
                      "updated_at", "messages"])
    }
    /// A customer's email, answered by an agent, with an internal note.
    static var example: Self {
        Self(id: APIExample.id("0193a411-8e9f-7a01-b2c3-d4e5f6a7b8c9"), number: 1042, subject: "Tent pole snapped on first trip",
             status: TicketStatus.pending.rawValue, priority: TicketPriority.high.rawValue, channel: "email", type: "problem", team: "Warranty",
             assigneeId: AuthController.CurrentUserResponse.UserInfo.example.id, requester: .example, tags: ["warranty", "tents"],
             customFields: ["order_number": "10234"], source: nil,
             createdAt: APIExample.date("2026-03-04T08:12:00Z"), updatedAt: APIExample.date("2026-03-04T09:03:00Z"),
             messages: [
                 .init(id: APIExample.id("0193a411-8e9f-7a01-b2c3-d4e5f6a7b8ca"), visibility: "public", fromCustomer: true, author: "Jonas Berg",
                       body: "Hello, one of the poles of my tent snapped on the first night. Order 10234.",
                       createdAt: APIExample.date("2026-03-04T08:12:00Z")),
                 .init(id: APIExample.id("0193a411-8e9f-7a01-b2c3-d4e5f6a7b8cb"), visibility: "internal", fromCustomer: false,
                       author: "Maya Lindqvist", body: "Second pole complaint this week for this model; flagged to the buyer.",
                       createdAt: APIExample.date("2026-03-04T08:58:00Z")),
                 .init(id: APIExample.id("0193a411-8e9f-7a01-b2c3-d4e5f6a7b8cc"), visibility: "public", fromCustomer: false,
                       author: "Maya Lindqvist", body: "Sorry about that, Jonas! A replacement pole is on its way; could you send a photo of the break?",
                       createdAt: APIExample.date("2026-03-04T09:03:00Z")),
             ],
             sla: .example, queueReason: nil)
    }
}

extension TicketsController.CreateRequest: APISchema {
    static let schemaName = "CreateTicketRequest"
    // In requests, null means "not given", as leaving the member out does.
    static var schema: JSONValue {
        Schema.object([
            "subject": Schema.text("The subject.", maxLength: 500),
            "body": Schema.string("The first message (line breaks allowed; at most 100,000 characters).", minLength: 1),
            "priority": Schema.string(enumeration: TicketPriority.allCases.map(\.rawValue), nullable: true),
            "channel": Schema.string(enumeration: TicketDraft.channels, nullable: true),
            "requester": Schema.object(["email": Schema.string(format: "email", nullable: true), "name": Schema.string(nullable: true)],
                                       nullable: true),
            "tags": ["type": ["array", "null"], "items": Schema.string()],
            "custom_fields": ["type": ["object", "null"], "additionalProperties": Schema.string()],
            "team": Schema.string(nullable: true),
        ], required: ["subject", "body"])
    }
    static var example: Self {
        Self(subject: "Tent pole snapped on first trip",
             body: "Hello, one of the poles of my tent snapped on the first night.\nOrder 10234.", priority: "high", channel: "email",
             requester: .init(email: "jonas.berg@example.se", name: "Jonas Berg"), tags: ["warranty", "tents"],
             customFields: ["order_number": "10234"], team: "Warranty")
    }
}

extension TicketsController.UpdateRequest: APISchema {
    static let schemaName = "UpdateTicketRequest"
    static var schema: JSONValue {
        Schema.object([
            "subject": ["anyOf": [Schema.text("The subject.", maxLength: 500), ["type": "null"]]],
            "status": Schema.string(enumeration: TicketStatus.allCases.map(\.rawValue), nullable: true),
            "priority": Schema.string(enumeration: TicketPriority.allCases.map(\.rawValue), nullable: true),
            "team": Schema.string("A team name; empty to clear.", nullable: true),
            "assignee_id": Schema.string(format: "uuid", nullable: true),
            "tags": ["type": ["array", "null"], "items": Schema.string()],
        ])
    }
    static var example: Self {
        Self(subject: nil, status: "pending", priority: "high", team: "Warranty",
             assigneeId: AuthController.CurrentUserResponse.UserInfo.example.id, tags: ["warranty", "tents"])
    }
}

extension TicketsController.MessageRequest: APISchema {
    static let schemaName = "AddTicketMessageRequest"
    static var schema: JSONValue {
        Schema.object([
            "body": Schema.string("The message (line breaks allowed; at most 100,000 characters).", minLength: 1),
            "visibility": Schema.string(enumeration: ["public", "internal"], nullable: true),
        ], required: ["body"])
    }
    static var example: Self {
        Self(body: "Sorry about that, Jonas! A replacement pole is on its way; could you send a photo of the break?", visibility: "public")
    }
}
