import Foundation

public enum TicketPriority: String, CaseIterable, Codable, Sendable, CodingKeyRepresentable {
    case low, normal, high, urgent
}
