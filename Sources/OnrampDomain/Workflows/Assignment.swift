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

/// An agent as assignment sees them.
public struct AgentProfile: Sendable, Hashable, Identifiable {
    public enum Availability: String, Sendable, Hashable, Codable, CaseIterable {
        case online, away, offline
    }

    /// Days as `Calendar` numbers them (Sunday = 1).
    public enum Weekday: Int, Sendable, Hashable, Codable, CaseIterable, Comparable {
        case sunday = 1, monday, tuesday, wednesday, thursday, friday, saturday

        public var shortName: String {
            switch self {
            case .sunday: "Sun"
            case .monday: "Mon"
            case .tuesday: "Tue"
            case .wednesday: "Wed"
            case .thursday: "Thu"
            case .friday: "Fri"
            case .saturday: "Sat"
            }
        }

        public static func < (lhs: Weekday, rhs: Weekday) -> Bool { lhs.rawValue < rhs.rawValue }
    }

    public var id: UUID
    public var name: String
    /// Skill → level 1 (basic) … 5 (expert); names compare case-insensitively.
    public var skills: [String: Int]
    /// Language tags (`en`, `de`, `pt-BR`); compared case-insensitively by primary language.
    public var languages: Set<String>
    public var timeZone: TimeZone
    /// Per day, the agent's shifts in minutes after local midnight, `[start, end)`, end ≤ 1440.
    /// Empty: always working. A day without an entry is a day off. A night shift is two
    /// entries (Mon 22:00–24:00, Tue 00:00–06:00).
    public var workingHours: [Weekday: [Range<Int>]]
    public var availability: Availability
    /// The most open tickets the agent takes.
    public var capacity: Int
    public var openTickets: Int
    public var teams: Set<String>

    public init(
        id: UUID, name: String, skills: [String: Int] = [:], languages: Set<String> = [], timeZone: TimeZone,
        workingHours: [Weekday: [Range<Int>]] = [:], availability: Availability = .online, capacity: Int,
        openTickets: Int = 0, teams: Set<String>
    ) {
        self.id = id
        self.name = name
        self.skills = skills
        self.languages = languages
        self.timeZone = timeZone
        self.workingHours = workingHours
        self.availability = availability
        self.capacity = capacity
        self.openTickets = openTickets
        self.teams = teams
    }

    /// Whether `date` falls in one of the agent's shifts, on the clock of the agent's time zone
    /// (daylight saving time included).
    public func isWorking(at date: Date) -> Bool {
        if workingHours.isEmpty { return true }
        let (weekday, minute) = localTime(of: date)
        return workingHours[weekday, default: []].contains { $0.contains(minute) }
    }

    /// The weekday and minute after midnight of `date` in the agent's time zone.
    func localTime(of date: Date) -> (Weekday, Int) {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        let parts = calendar.dateComponents([.weekday, .hour, .minute], from: date)
        return (Weekday(rawValue: parts.weekday ?? 1) ?? .sunday, (parts.hour ?? 0) * 60 + (parts.minute ?? 0))
    }

    /// The agent's level in `skill` (case-insensitive), if they have it.
    public func level(in skill: String) -> Int? {
        if let level = skills[skill] { return level }
        let key = skill.lowercased()
        return skills.first { $0.key.lowercased() == key }?.value
    }

    /// Everything wrong with the profile, in words a person understands.
    public func validate() -> [FieldError] {
        var errors = FieldErrors()
        errors.requireText(name, field: "name", label: "The agent's name", maxLength: 120)
        for (skill, level) in skills.sorted(by: { $0.key < $1.key }) {
            if skill.trimmingWhitespace().isEmpty {
                errors.add("skills", "A skill needs a name.", code: "required")
            } else if !(1...5).contains(level) {
                errors.add("skills.\(skill)", "The level of \(skill) is 1 to 5; \(level) is not.", code: "out_of_range")
            }
        }
        if !(0...1000).contains(capacity) {
            errors.add("capacity", "Capacity is a number of open tickets from 0 to 1000.", code: "out_of_range")
        }
        if openTickets < 0 { errors.add("open_tickets", "Open tickets cannot be below 0.", code: "out_of_range") }
        for (day, shifts) in workingHours.sorted(by: { $0.key < $1.key }) {
            let ordered = shifts.sorted { $0.lowerBound < $1.lowerBound }
            for shift in ordered where shift.lowerBound < 0 || shift.upperBound > 1440 || shift.isEmpty {
                errors.add("working_hours.\(day.shortName.lowercased())",
                           "A shift runs from a start to a later end within the day (00:00–24:00); \(Self.clock(shift.lowerBound))–\(Self.clock(shift.upperBound)) does not.",
                           code: "invalid_range")
            }
            for (previous, next) in zip(ordered, ordered.dropFirst()) where next.lowerBound < previous.upperBound {
                errors.add("working_hours.\(day.shortName.lowercased())", "Shifts on \(day.shortName) overlap.", code: "overlap")
            }
        }
        return errors.all
    }

    static func clock(_ minutes: Int) -> String {
        let hours = minutes / 60, rest = minutes % 60
        return (hours < 10 ? "0" : "") + "\(hours):" + (rest < 10 ? "0" : "") + "\(rest)"
    }
}

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
