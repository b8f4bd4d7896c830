import Foundation

/// The team dashboard (TEAM-3): per agent, the open tickets now, and over a period the median
/// first response, the median resolution and the SLA attainment.
public enum TeamDashboard {
    /// What the dashboard needs to know of one ticket.
    public struct TicketFacts: Sendable, Equatable {
        public var assignee: UUID?
        public var createdAt: Date
        public var firstResponseAt: Date?
        public var solvedAt: Date?
        public var isOpen: Bool
        /// SLA metrics of the ticket that ended in time, and that were breached.
        public var slaAchieved: Int
        public var slaBreached: Int

        public init(assignee: UUID?, createdAt: Date, firstResponseAt: Date? = nil, solvedAt: Date? = nil, isOpen: Bool,
                    slaAchieved: Int = 0, slaBreached: Int = 0) {
            self.assignee = assignee
            self.createdAt = createdAt
            self.firstResponseAt = firstResponseAt
            self.solvedAt = solvedAt
            self.isOpen = isOpen
            self.slaAchieved = slaAchieved
            self.slaBreached = slaBreached
        }
    }

    public struct Row: Sendable, Equatable, Codable {
        /// nil for the whole team's row.
        public var agentId: UUID?
        public var openTickets: Int
        /// Tickets created in the period.
        public var ticketsReceived: Int
        /// Tickets solved in the period.
        public var ticketsSolved: Int
        /// Of tickets created in the period that have a first response; minutes, calendar time.
        public var medianFirstResponseMinutes: Double?
        /// Of tickets solved in the period, from creation; minutes, calendar time.
        public var medianResolutionMinutes: Double?
        /// SLA metrics that ended in the period on tickets created in it: share met (0…1); nil when none ended.
        public var slaAttainment: Double?
        public var slaMeasured: Int
    }

    /// A row per agent in `agents` (in that order) and one for the team, counting every
    /// ticket (assigned or not).
    public static func rows(agents: [UUID], tickets: [TicketFacts], period: DateInterval) -> (agents: [Row], team: Row) {
        var byAgent: [UUID: [TicketFacts]] = [:]
        for ticket in tickets {
            if let assignee = ticket.assignee { byAgent[assignee, default: []].append(ticket) }
        }
        return (agents.map { row(agentId: $0, tickets: byAgent[$0] ?? [], period: period) },
                row(agentId: nil, tickets: tickets, period: period))
    }

    static func row(agentId: UUID?, tickets: [TicketFacts], period: DateInterval) -> Row {
        // Half-open, so that back-to-back periods never both count a ticket at their boundary.
        let within = { (date: Date) in period.start <= date && date < period.end }
        let received = tickets.filter { within($0.createdAt) }
        let solved = tickets.filter { $0.solvedAt.map(within) ?? false }
        let firstResponses = received.compactMap { ticket in ticket.firstResponseAt.map { $0.timeIntervalSince(ticket.createdAt) / 60 } }
        let resolutions = solved.compactMap { ticket in ticket.solvedAt.map { $0.timeIntervalSince(ticket.createdAt) / 60 } }
        let met = received.reduce(0) { $0 + $1.slaAchieved }
        let measured = received.reduce(0) { $0 + $1.slaAchieved + $1.slaBreached }
        return Row(agentId: agentId, openTickets: tickets.filter(\.isOpen).count, ticketsReceived: received.count,
                   ticketsSolved: solved.count, medianFirstResponseMinutes: median(firstResponses),
                   medianResolutionMinutes: median(resolutions),
                   slaAttainment: measured == 0 ? nil : Double(met) / Double(measured), slaMeasured: measured)
    }

    /// The middle value (the mean of the two middle ones for an even count), rounded to a tenth; nil when empty.
    public static func median(_ values: [Double]) -> Double? {
        guard !values.isEmpty else { return nil }
        let sorted = values.map { max(0, $0) }.sorted()
        let middle = sorted.count / 2
        let value = sorted.count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
        return (value * 10).rounded() / 10
    }
}
