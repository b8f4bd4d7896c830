import Foundation

/// A ticket as the ticket workflow reads and changes it.
public struct TicketState: Sendable, Equatable {
    public let id: UUID
    public let number: Int64
    public var subject: String
    public var status: TicketStatus
    public var priority: TicketPriority
    public let channel: String
    public let type: String?
    public var tags: [String]
    public let customFields: [String: String]
    public var team: String?
    public var assigneeID: UUID?
    public let requesterEmail: String?
    public let requesterName: String?
    public let createdAt: Date
    public var slaPolicyID: UUID?
    public var queueReason: String?

    public init(id: UUID, number: Int64, subject: String, status: TicketStatus, priority: TicketPriority, channel: String,
                type: String? = nil, tags: [String] = [], customFields: [String: String] = [:], team: String? = nil,
                assigneeID: UUID? = nil, requesterEmail: String? = nil, requesterName: String? = nil, createdAt: Date,
                slaPolicyID: UUID? = nil, queueReason: String? = nil) {
        self.id = id
        self.number = number
        self.subject = subject
        self.status = status
        self.priority = priority
        self.channel = channel
        self.type = type
        self.tags = tags
        self.customFields = customFields
        self.team = team
        self.assigneeID = assigneeID
        self.requesterEmail = requesterEmail
        self.requesterName = requesterName
        self.createdAt = createdAt
        self.slaPolicyID = slaPolicyID
        self.queueReason = queueReason
    }
}
