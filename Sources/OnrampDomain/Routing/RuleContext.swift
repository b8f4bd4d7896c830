import Foundation

/// The facts rules are evaluated against: one event on one ticket.
public struct RuleContext: Sendable {
    public struct Ticket: Sendable, Hashable {
        public var subject: String
        /// One of `RoutingRule.statuses`.
        public var status: String
        /// One of `RoutingRule.priorities`.
        public var priority: String
        public var channel: String
        public var category: String?
        public var tags: Set<String>
        public var customFields: [String: CustomFieldValue]
        public var createdAt: Date
        public var updatedAt: Date
        public var team: String?
        public var assignee: String?

        public init(
            subject: String = "", status: String = "new", priority: String = "normal", channel: String = "email",
            category: String? = nil, tags: Set<String> = [], customFields: [String: CustomFieldValue] = [:],
            createdAt: Date, updatedAt: Date? = nil, team: String? = nil, assignee: String? = nil
        ) {
            self.subject = subject
            self.status = status
            self.priority = priority
            self.channel = channel
            self.category = category
            self.tags = tags
            self.customFields = customFields
            self.createdAt = createdAt
            self.updatedAt = updatedAt ?? createdAt
            self.team = team
            self.assignee = assignee
        }
    }

    public struct Message: Sendable, Hashable {
        public var body: String
        public var fromCustomer: Bool
        public var channel: String

        public init(body: String, fromCustomer: Bool = true, channel: String = "email") {
            self.body = body
            self.fromCustomer = fromCustomer
            self.channel = channel
        }
    }

    public struct Contact: Sendable, Hashable {
        public var email: String?
        public var name: String?

        public init(email: String? = nil, name: String? = nil) {
            self.email = email
            self.name = name
        }
    }

    public var event: RuleEvent
    public var ticket: Ticket
    /// The message the event is about (the first message of a new ticket, a new reply), if any.
    public var message: Message?
    public var contact: Contact
    public var now: Date
    /// The desk's business hours; without them `within_business_hours` never holds.
    public var businessHours: (any BusinessHoursClock)?

    public init(
        event: RuleEvent, ticket: Ticket, message: Message? = nil, contact: Contact = Contact(),
        now: Date, businessHours: (any BusinessHoursClock)? = nil
    ) {
        self.event = event
        self.ticket = ticket
        self.message = message
        self.contact = contact
        self.now = now
        self.businessHours = businessHours
    }

    func text(_ field: FieldRef.Field) -> String? {
        switch field {
        case .ticketSubject: ticket.subject
        case .ticketCategory: ticket.category
        case .ticketChannel: ticket.channel
        case .ticketTeam: ticket.team
        case .ticketAssignee: ticket.assignee
        case .messageBody: message?.body
        case .messageChannel: message?.channel
        case .contactEmail: contact.email
        case .contactName: contact.name
        case .custom(let name): if case .text(let text)? = ticket.customFields[name] { text } else { nil }
        default: nil
        }
    }

    func date(_ field: FieldRef.Field) -> Date? {
        switch field {
        case .ticketCreatedAt: ticket.createdAt
        case .ticketUpdatedAt: ticket.updatedAt
        case .eventTime: now
        case .custom(let name): if case .date(let date)? = ticket.customFields[name] { date } else { nil }
        default: nil
        }
    }

    func isPresent(_ field: FieldRef.Field) -> Bool {
        switch field {
        case .ticketStatus: !ticket.status.trimmingWhitespace().isEmpty
        case .ticketPriority: !ticket.priority.trimmingWhitespace().isEmpty
        case .ticketTags: !ticket.tags.isEmpty
        case .ticketCreatedAt, .ticketUpdatedAt, .eventTime: true
        case .messageFromCustomer: message != nil
        case .custom(let name):
            switch ticket.customFields[name] {
            case nil: false
            case .text(let text)?: !text.trimmingWhitespace().isEmpty
            case .number?, .bool?, .date?: true
            }
        default: text(field).map { !$0.trimmingWhitespace().isEmpty } ?? false
        }
    }
}

/// A custom field's value on a ticket.
public enum CustomFieldValue: Sendable, Hashable {
    case text(String)
    case number(Double)
    case bool(Bool)
    case date(Date)
}

/// Tells whether the desk is open at a moment (business hours, holidays, time zone). The SLA
/// business calendar conforms; rules use it for `within_business_hours`.
public protocol BusinessHoursClock: Sendable {
    func isOpen(at date: Date) -> Bool
}
