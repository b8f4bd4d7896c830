import Foundation

/// What happened to a ticket.
public enum RuleEvent: String, Sendable, Hashable, Codable, CaseIterable {
    case ticketCreated = "ticket_created"
    case ticketUpdated = "ticket_updated"
    case messageCreated = "message_created"

    var bit: UInt8 {
        switch self {
        case .ticketCreated: 1
        case .ticketUpdated: 2
        case .messageCreated: 4
        }
    }
}
