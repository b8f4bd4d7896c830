import Fluent
import Foundation
import OnrampDomain
import SQLKit
import Vapor

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

    static func summary(_ row: TicketStore.Row) -> TicketSummary {
        TicketSummary(id: row.id, number: row.number, subject: row.subject, status: row.status, priority: row.priority, channel: row.channel,
                      team: row.groupName, assigneeId: row.assigneeId,
                      requester: Requester(id: row.requesterId, email: row.requesterEmail, name: row.requesterName),
                      tags: row.tagList, createdAt: row.createdAt, updatedAt: row.updatedAt)
    }

    /// The ticket with its conversation and SLA state, as the API shows it.
    static func find(_ id: UUID, in scope: TenantScope, on db: any Database) async throws -> Ticket? {
        let store = TicketStore(db: db)
        guard let row = try await store.find(scope, id: id) else { return nil }
        let messages = try await store.messages(scope, ticket: id).map { message in
            Message(id: message.id, visibility: message.visibility, fromCustomer: message.fromCustomer, author: message.author,
                    body: message.body, createdAt: message.createdAt)
        }
        let state = row.state
        return Ticket(id: row.id, number: row.number, subject: row.subject, status: row.status, priority: row.priority,
                      channel: row.channel, type: row.type, team: row.groupName, assigneeId: row.assigneeId,
                      requester: Requester(id: row.requesterId, email: row.requesterEmail, name: row.requesterName),
                      tags: state.tags, customFields: state.customFields, source: row.sourceSystem, createdAt: row.createdAt,
                      updatedAt: row.updatedAt, messages: messages, sla: try await SLAMonitor.state(state, scope: scope, now: Date(), on: db),
                      queueReason: row.queueReason)
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
        let filter = TicketStore.Filter(status: status, priority: priority, assignee: assignee, words: query.q, before: Int64(clamping: before))
        let rows = try await TicketStore(db: req.db).list(scope, filter: filter, limit: limit + 1).map(Self.summary)
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
        guard let current = try await TicketStore(db: req.db).load(scope, id: id) else { throw Problem.notFound("That ticket") }
        let input = try req.decodeJSON(UpdateRequest.self)
        var errors = FieldErrors()
        let subject = input.subject.flatMap { errors.requireText($0, field: "subject", label: "Subject", maxLength: 500) }
        let status: TicketStatus? = errors.choice(input.status, field: "status", label: "Status")
        let priority: TicketPriority? = errors.choice(input.priority, field: "priority", label: "Priority")
        let team = input.team.map { $0.trimmingWhitespace().isEmpty ? "" : (errors.requireText($0, field: "team", label: "Team", maxLength: 100) ?? "") }
        let tags = input.tags.map { TicketDraft.normalisedTags($0, errors: &errors) }
        try errors.check()
        let change = TicketChange(subject: subject, status: status, priority: priority, team: team, assigneeID: input.assigneeId, tags: tags)
        try current.check(change)
        if let assignee = input.assigneeId {
            guard principal.tenant?.can(.ticketsAssign) == true else {
                throw Problem(.forbidden, "Assigning tickets needs the supervisor role or higher.")
            }
            if try await !TeamStore(db: req.db).isMember(scope, user: assignee) {
                throw Problem.validation(ValidationFailure([FieldError(field: "assignee_id", message: "The assignee must be a member of this team.", code: "invalid")]))
            }
        }
        let userID = principal.userID
        try await req.writer.atomically { db in
            let now = Date()
            let store = TicketStore(db: db)
            guard var ticket = try await store.load(scope, id: id) else { throw Problem.notFound("That ticket") }
            // Applied to the ticket as it is inside the transaction: a concurrent change may have closed it.
            let events = try ticket.apply(change)
            try await TicketWorkflow.record(events, ticket: id, scope: scope, user: userID, at: now, on: db)
            try await store.save(scope, ticket, at: now)
            try await TicketWorkflow.run(.ticketUpdated, ticket: id, scope: scope, message: nil, now: now, on: db)
        }
        guard let ticket = try await Self.find(id, in: scope, on: req.db) else { throw Problem.notFound("That ticket") }
        return ticket
    }

    @Sendable func addMessage(_ req: Request) async throws -> Response {
        let (scope, principal) = try req.requireTenant(.ticketsNote)
        let id = try ticketID(req)
        guard let current = try await TicketStore(db: req.db).load(scope, id: id) else { throw Problem.notFound("That ticket") }
        let input = try req.decodeJSON(MessageRequest.self)
        var errors = FieldErrors()
        let body = errors.requireText(input.body, field: "body", label: "The message", maxLength: TicketDraft.maxBodyLength, allowingLineBreaks: true)
        let visibility = MessageVisibility.parse(input.visibility, errors: &errors)
        try errors.check()
        if visibility == .public, principal.tenant?.can(.ticketsWrite) != true {
            throw Problem(.forbidden, "Your role (\(principal.tenant?.roleName ?? "none")) writes internal notes only; a colleague answers the customer.")
        }
        var preview = current
        _ = try preview.addMemberMessage(visibility!)
        let userID = principal.userID
        try await req.writer.atomically { db in
            let now = Date()
            let store = TicketStore(db: db)
            guard var ticket = try await store.load(scope, id: id) else { throw Problem.notFound("That ticket") }
            let events = try ticket.addMemberMessage(visibility!)
            try await store.addMessage(scope, ticket: id, visibility: visibility!, author: .member(userID), body: body!, at: now)
            try await TicketWorkflow.record(events, ticket: id, scope: scope, user: userID, at: now, on: db)
            if visibility == .public { try await store.markFirstResponse(scope, ticket: id, at: now) }
            try await store.save(scope, ticket, at: now)
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
                "id": Schemas.uuid, "visibility": Schema.string(enumeration: MessageVisibility.allCases.map(\.rawValue)), "from_customer": Schema.boolean,
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
            "visibility": Schema.string(enumeration: MessageVisibility.allCases.map(\.rawValue), nullable: true),
        ], required: ["body"])
    }
    static var example: Self {
        Self(body: "Sorry about that, Jonas! A replacement pole is on its way; could you send a photo of the break?", visibility: "public")
    }
}
