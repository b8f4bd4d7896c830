import Foundation

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
