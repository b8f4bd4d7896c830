import Foundation

/// A field a condition reads, written as a path: `ticket.subject`, `message.body`,
/// `contact.email`, `custom.<name>`. A path that names no field is kept (so validation can
/// say so) with `field == nil`.
public struct FieldRef: Sendable, Hashable, Codable, CustomStringConvertible, ExpressibleByStringLiteral {
    public enum Field: Sendable, Hashable {
        case ticketSubject, ticketCategory, ticketStatus, ticketPriority, ticketChannel, ticketTags
        case ticketTeam, ticketAssignee, ticketCreatedAt, ticketUpdatedAt
        case messageBody, messageFromCustomer, messageChannel
        case contactEmail, contactName
        /// When the event happened (the context's `now`).
        case eventTime
        /// A tenant-defined field; the name is matched exactly.
        case custom(String)

        /// Every field except custom ones, in the order they are listed to people.
        public static let builtIn: [Field] = [
            .ticketSubject, .ticketCategory, .ticketStatus, .ticketPriority, .ticketChannel, .ticketTags,
            .ticketTeam, .ticketAssignee, .ticketCreatedAt, .ticketUpdatedAt,
            .messageBody, .messageFromCustomer, .messageChannel, .contactEmail, .contactName, .eventTime,
        ]

        public var path: String {
            switch self {
            case .ticketSubject: "ticket.subject"
            case .ticketCategory: "ticket.category"
            case .ticketStatus: "ticket.status"
            case .ticketPriority: "ticket.priority"
            case .ticketChannel: "ticket.channel"
            case .ticketTags: "ticket.tags"
            case .ticketTeam: "ticket.team"
            case .ticketAssignee: "ticket.assignee"
            case .ticketCreatedAt: "ticket.created_at"
            case .ticketUpdatedAt: "ticket.updated_at"
            case .messageBody: "message.body"
            case .messageFromCustomer: "message.from_customer"
            case .messageChannel: "message.channel"
            case .contactEmail: "contact.email"
            case .contactName: "contact.name"
            case .eventTime: "event.time"
            case .custom(let name): "custom.\(name)"
            }
        }

        public var type: FieldType {
            switch self {
            case .ticketSubject, .ticketCategory, .ticketChannel, .ticketTeam, .ticketAssignee,
                 .messageBody, .messageChannel, .contactEmail, .contactName: .text
            case .ticketStatus: .status
            case .ticketPriority: .priority
            case .ticketTags: .tags
            case .ticketCreatedAt, .ticketUpdatedAt, .eventTime: .date
            case .messageFromCustomer: .boolean
            case .custom: .custom
            }
        }

        var isMessageField: Bool {
            switch self {
            case .messageBody, .messageFromCustomer, .messageChannel: true
            default: false
            }
        }
    }

    static let byPath: [String: Field] = Dictionary(uniqueKeysWithValues: Field.builtIn.map { ($0.path, $0) })

    /// The path as written (trimmed; built-in paths in their canonical lower case).
    public let path: String
    /// The field, or nil when the path names none.
    public let field: Field?

    public init(_ path: String) {
        let trimmed = path.trimmingWhitespace()
        let lower = trimmed.lowercased()
        if let field = Self.byPath[lower] {
            self.path = lower
            self.field = field
        } else if lower.hasPrefix("custom."), trimmed.utf8.count > 7 {
            let name = String(trimmed.utf8.dropFirst(7))!
            let valid = name.utf8.count <= 64 && name.utf8.allSatisfy { byte in
                (byte >= 0x61 && byte <= 0x7A) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x30 && byte <= 0x39)
                    || byte == UInt8(ascii: "_") || byte == UInt8(ascii: "-")
            }
            self.path = "custom.\(name)"
            self.field = valid ? .custom(name) : nil
        } else {
            self.path = trimmed
            self.field = nil
        }
    }

    public init(_ field: Field) {
        path = field.path
        self.field = field
    }

    public init(stringLiteral value: String) { self.init(value) }

    public init(from decoder: any Decoder) throws {
        self.init(try decoder.singleValueContainer().decode(String.self))
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(path)
    }

    public var description: String { path }
}
