import Foundation

/// What an SLA measures, in business time.
public enum SLAMetric: String, CaseIterable, Codable, Sendable, CodingKeyRepresentable {
    /// From creation to the first public agent reply.
    case firstResponse = "first_response"
    /// From a customer's public reply (the oldest one not yet answered) to the next public agent reply.
    case nextResponse = "next_response"
    /// From each public agent reply to the next one.
    case periodicUpdate = "periodic_update"
    /// From creation to resolved.
    case resolution
}

/// Which tickets a policy covers and the targets it sets for them.
public struct SLAPolicy: Sendable, Equatable, Codable {
    /// A ticket matches when every condition that is set holds; a nil or empty set does not restrict.
    public struct Conditions: Sendable, Equatable, Codable {
        public var priorities: Set<TicketPriority>?
        /// Channel names (`email`, `chat`), compared without regard to case.
        public var channels: Set<String>?
        /// The ticket carries at least one of these tags (compared without regard to case).
        public var tags: Set<String>?

        public init(priorities: Set<TicketPriority>? = nil, channels: Set<String>? = nil, tags: Set<String>? = nil) {
            self.priorities = priorities
            self.channels = channels
            self.tags = tags
        }

        public func matches(priority: TicketPriority, channel: String, tags ticketTags: Set<String>) -> Bool {
            if let priorities, !priorities.isEmpty, !priorities.contains(priority) { return false }
            if let channels, !channels.isEmpty, !channels.contains(where: { $0.lowercased() == channel.lowercased() }) { return false }
            if let tags, !tags.isEmpty {
                let wanted = Set(tags.map { $0.lowercased() })
                if !ticketTags.contains(where: { wanted.contains($0.lowercased()) }) { return false }
            }
            return true
        }
    }

    /// Minutes of business time per metric; nil: not measured.
    public struct Targets: Sendable, Equatable, Codable {
        public var firstResponse: Int?
        public var nextResponse: Int?
        public var periodicUpdate: Int?
        public var resolution: Int?

        public init(firstResponse: Int? = nil, nextResponse: Int? = nil, periodicUpdate: Int? = nil, resolution: Int? = nil) {
            self.firstResponse = firstResponse
            self.nextResponse = nextResponse
            self.periodicUpdate = periodicUpdate
            self.resolution = resolution
        }

        public subscript(metric: SLAMetric) -> Int? {
            switch metric {
            case .firstResponse: firstResponse
            case .nextResponse: nextResponse
            case .periodicUpdate: periodicUpdate
            case .resolution: resolution
            }
        }

        enum CodingKeys: String, CodingKey {
            case firstResponse = "first_response_minutes", nextResponse = "next_response_minutes"
            case periodicUpdate = "periodic_update_minutes", resolution = "resolution_minutes"
        }
    }

    public var name: String
    public var conditions: Conditions
    public var targets: [TicketPriority: Targets]
    /// Statuses in which a metric's clock stands still.
    public var pausedStatuses: [SLAMetric: Set<TicketStatus>]
    /// A warning fires when this many business minutes remain (none when the target is not longer).
    public var warningMinutes: Int
    /// Measure in calendar hours (24/7) rather than business hours.
    public var calendarHours: Bool
    /// The business calendar to use; nil: the organisation's default one.
    public var calendarID: String?

    /// Pending and on-hold pause resolution and periodic updates; first and next response
    /// keep running (a status change is no answer to the customer).
    public static let defaultPausedStatuses: [SLAMetric: Set<TicketStatus>] = [
        .resolution: [.pending, .onHold],
        .periodicUpdate: [.pending, .onHold],
    ]

    public init(
        name: String, conditions: Conditions = Conditions(), targets: [TicketPriority: Targets],
        pausedStatuses: [SLAMetric: Set<TicketStatus>] = SLAPolicy.defaultPausedStatuses, warningMinutes: Int = 30,
        calendarHours: Bool = false, calendarID: String? = nil
    ) {
        self.name = name
        self.conditions = conditions
        self.targets = targets
        self.pausedStatuses = pausedStatuses
        self.warningMinutes = warningMinutes
        self.calendarHours = calendarHours
        self.calendarID = calendarID
    }

    public func matches(priority: TicketPriority, channel: String, tags: Set<String>) -> Bool {
        conditions.matches(priority: priority, channel: channel, tags: tags)
    }

    /// The first of `policies`, in order, that covers the ticket.
    public static func first(in policies: [SLAPolicy], priority: TicketPriority, channel: String, tags: Set<String>) -> SLAPolicy? {
        policies.first { $0.matches(priority: priority, channel: channel, tags: tags) }
    }

    public func target(_ metric: SLAMetric, priority: TicketPriority) -> Int? {
        targets[priority]?[metric]
    }

    public func pauses(_ metric: SLAMetric, in status: TicketStatus) -> Bool {
        pausedStatuses[metric]?.contains(status) ?? false
    }

    /// What is wrong with the policy, field by field: a name, targets of 1 to 525,600 minutes
    /// (a year), a warning of 0 to 10,080 minutes (a week).
    public func problems() -> [FieldError] {
        var errors = FieldErrors()
        errors.requireText(name, field: "name", label: "Name", maxLength: 120)
        for priority in TicketPriority.allCases {
            for metric in SLAMetric.allCases {
                guard let minutes = targets[priority]?[metric], !(1...525_600).contains(minutes) else { continue }
                errors.add("targets.\(priority.rawValue).\(metric.rawValue)_minutes",
                           "Enter a whole number of minutes from 1 to 525600.", code: "out_of_range")
            }
        }
        if !(0...10_080).contains(warningMinutes) {
            errors.add("warning_minutes", "Enter a whole number of minutes from 0 to 10080.", code: "out_of_range")
        }
        return errors.all
    }

    enum CodingKeys: String, CodingKey {
        case name, conditions, targets, pausedStatuses = "paused_statuses", warningMinutes = "warning_minutes"
        case calendarHours = "calendar_hours", calendarID = "calendar_id"
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            name: try container.decode(String.self, forKey: .name),
            conditions: try container.decodeIfPresent(Conditions.self, forKey: .conditions) ?? Conditions(),
            targets: try container.decode([TicketPriority: Targets].self, forKey: .targets),
            pausedStatuses: try container.decodeIfPresent([SLAMetric: Set<TicketStatus>].self, forKey: .pausedStatuses)
                ?? Self.defaultPausedStatuses,
            warningMinutes: try container.decodeIfPresent(Int.self, forKey: .warningMinutes) ?? 30,
            calendarHours: try container.decodeIfPresent(Bool.self, forKey: .calendarHours) ?? false,
            calendarID: try container.decodeIfPresent(String.self, forKey: .calendarID))
    }
}
