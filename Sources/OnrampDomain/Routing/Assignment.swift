import Foundation

// Skill-based automatic assignment (WF-2): among the agents of the ticket's team, those who are
// eligible — online, within their working hours, below capacity, with the required skills and
// language — one is chosen by round robin or by load. When nobody is eligible the ticket waits
// in the team queue, and the reason says why each team member was passed over.
//
// Tie-breaking is deterministic:
// - Round robin walks the agents in ascending order of id (UUID text), starting after the last
//   agent assigned (even one no longer in the list: its id still has a place in that order) and
//   wrapping around; the first eligible agent is chosen. Without a last agent it starts at the
//   lowest id.
// - Least loaded chooses the fewest open tickets; then the most spare capacity; then the name
//   (case-insensitive); then the id.

/// A ticket waiting for an agent.
public struct AssignmentRequest: Sendable, Hashable {
    public var team: String
    /// Skill → minimum level (1 … 5).
    public var requiredSkills: [String: Int]
    /// The customer's language, if it matters.
    public var language: String?
    public var now: Date

    public init(team: String, requiredSkills: [String: Int] = [:], language: String? = nil, now: Date) {
        self.team = team
        self.requiredSkills = requiredSkills
        self.language = language
        self.now = now
    }
}

public enum AssignmentStrategy: Sendable, Hashable {
    /// Takes turns: the next eligible agent after the one assigned last.
    case roundRobin(lastAssigned: UUID?)
    /// The eligible agent with the fewest open tickets.
    case leastLoaded
}

/// Why an agent cannot take a ticket.
public enum IneligibilityReason: Sendable, Hashable, CustomStringConvertible {
    case notInTeam(String)
    case unavailable(AgentProfile.Availability)
    /// `localTime` as the agent's clock shows it, e.g. "Sat 10:00 Europe/Berlin".
    case outsideWorkingHours(localTime: String)
    case atCapacity(open: Int, capacity: Int)
    case lacksSkill(String, required: Int, has: Int?)
    case lacksLanguage(String)

    /// Reads after the agent's name: "is away", "lacks billing ≥ 3 (has 2)".
    public var description: String {
        switch self {
        case .notInTeam(let team): "is not in team \(team)"
        case .unavailable(let availability): "is \(availability.rawValue)"
        case .outsideWorkingHours(let local): "is outside working hours (\(local))"
        case .atCapacity(let open, let capacity): "is at capacity (\(open) of \(capacity))"
        case .lacksSkill(let skill, let required, let has):
            "lacks \(skill) ≥ \(required)" + (has.map { " (has \($0))" } ?? "")
        case .lacksLanguage(let language): "does not speak \(language)"
        }
    }
}

public enum AssignmentResult: Sendable, Hashable {
    case assigned(agentID: UUID, reason: String)
    /// Nobody is eligible: the ticket waits in the team queue, for this reason.
    case queued(reason: String)
}

/// Chooses an agent for a ticket.
public enum Assignment {
    /// Every reason `agent` cannot take the ticket; empty when they can. Checked in this order:
    /// team, availability, working hours, capacity, skills (by name), language.
    public static func ineligibility(of agent: AgentProfile, for request: AssignmentRequest) -> [IneligibilityReason] {
        var reasons: [IneligibilityReason] = []
        let team = request.team.trimmingWhitespace().lowercased()
        if !agent.teams.contains(where: { $0.trimmingWhitespace().lowercased() == team }) {
            reasons.append(.notInTeam(request.team))
        }
        if agent.availability != .online { reasons.append(.unavailable(agent.availability)) }
        if !agent.isWorking(at: request.now) {
            let (day, minute) = agent.localTime(of: request.now)
            reasons.append(.outsideWorkingHours(localTime: "\(day.shortName) \(AgentProfile.clock(minute)) \(agent.timeZone.identifier)"))
        }
        if agent.openTickets >= agent.capacity { reasons.append(.atCapacity(open: agent.openTickets, capacity: agent.capacity)) }
        for (skill, required) in request.requiredSkills.sorted(by: { $0.key.lowercased() < $1.key.lowercased() }) {
            let has = agent.level(in: skill)
            if (has ?? 0) < required { reasons.append(.lacksSkill(skill, required: required, has: has)) }
        }
        if let language = request.language, !language.trimmingWhitespace().isEmpty,
           !agent.languages.contains(where: { speaks($0, language) }) {
            reasons.append(.lacksLanguage(language))
        }
        return reasons
    }

    /// Whether an agent's language tag covers the wanted one: the same primary language
    /// (`en` covers `en-GB` and the other way round).
    static func speaks(_ spoken: String, _ wanted: String) -> Bool {
        func primary(_ tag: String) -> Substring {
            tag.trimmingWhitespace().lowercased().split(whereSeparator: { $0 == "-" || $0 == "_" }).first ?? ""
        }
        return primary(spoken) == primary(wanted)
    }

    /// An agent for the ticket, or why it waits in the team queue.
    public static func assign(_ request: AssignmentRequest, among agents: [AgentProfile], strategy: AssignmentStrategy) -> AssignmentResult {
        let verdicts = agents.map { (agent: $0, reasons: ineligibility(of: $0, for: request)) }
        let eligible = verdicts.filter(\.reasons.isEmpty).map(\.agent)
        let count = eligible.count == 1 ? "the only eligible agent" : "among \(eligible.count) eligible agents"
        switch strategy {
        case .leastLoaded:
            let ranked = eligible.sorted { a, b in
                if a.openTickets != b.openTickets { return a.openTickets < b.openTickets }
                if a.capacity - a.openTickets != b.capacity - b.openTickets { return a.capacity - a.openTickets > b.capacity - b.openTickets }
                if a.name.lowercased() != b.name.lowercased() { return a.name.lowercased() < b.name.lowercased() }
                return a.id.uuidString < b.id.uuidString
            }
            if let chosen = ranked.first {
                let tied = ranked.count > 1 && ranked[1].openTickets == chosen.openTickets
                let detail = tied ? " (tied on open tickets; chosen by spare capacity, then name)" : ""
                return .assigned(agentID: chosen.id,
                                 reason: "\(chosen.name) has the fewest open tickets (\(chosen.openTickets) of \(chosen.capacity)), \(count)\(detail).")
            }
        case .roundRobin(let last):
            let ring = eligible.sorted { $0.id.uuidString < $1.id.uuidString }
            if !ring.isEmpty {
                let after = last?.uuidString
                let next = after.flatMap { key in ring.first { $0.id.uuidString > key } }
                let chosen = next ?? ring[0]
                let wrapped = after != nil && next == nil
                let lastName = last.flatMap { id in agents.first { $0.id == id }?.name }
                let turn = lastName.map { " after \($0)" } ?? ""
                return .assigned(agentID: chosen.id,
                                 reason: "\(chosen.name) is next in the rotation\(turn)\(wrapped ? ", starting again from the top" : ""), \(count).")
            }
        }
        return .queued(reason: queuedReason(request, verdicts))
    }

    static func queuedReason(_ request: AssignmentRequest, _ verdicts: [(agent: AgentProfile, reasons: [IneligibilityReason])]) -> String {
        let members = verdicts
            .filter { !$0.reasons.contains(.notInTeam(request.team)) }
            .sorted { ($0.agent.name.lowercased(), $0.agent.id.uuidString) < ($1.agent.name.lowercased(), $1.agent.id.uuidString) }
        guard !members.isEmpty else { return "Nobody is in team \(request.team)." }
        let parts = members.map { member in
            "\(member.agent.name) " + Condition.listing(member.reasons.map(\.description), conjunction: "and")
        }
        return "Nobody in team \(request.team) can take the ticket: " + parts.joined(separator: "; ") + "."
    }
}
