import Foundation

/// An agent's profile as the API and the database carry it (TEAM-2): skills with levels 1–5,
/// languages, working hours in the agent's own time zone (`"mon": "09:00-17:00"`, several
/// shifts separated by commas, `22:00-06:00` for a night shift), capacity in open tickets,
/// and the teams the agent works in. Availability (online, away, offline) is kept apart: it
/// changes many times a day.
public struct AgentProfileDocument: Sendable, Equatable, Codable {
    public var skills: [String: Int]
    public var languages: [String]
    public var timeZone: String
    public var workingHours: [String: String]
    public var capacity: Int
    public var teams: [String]

    public init(skills: [String: Int] = [:], languages: [String] = [], timeZone: String = "UTC", workingHours: [String: String] = [:],
                capacity: Int = 20, teams: [String] = []) {
        self.skills = skills
        self.languages = languages
        self.timeZone = timeZone
        self.workingHours = workingHours
        self.capacity = capacity
        self.teams = teams
    }

    enum CodingKeys: String, CodingKey {
        case skills, languages, timeZone = "time_zone", workingHours = "working_hours", capacity, teams
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.init(skills: try container.decodeIfPresent([String: Int].self, forKey: .skills) ?? [:],
                  languages: try container.decodeIfPresent([String].self, forKey: .languages) ?? [],
                  timeZone: try container.decodeIfPresent(String.self, forKey: .timeZone) ?? "UTC",
                  workingHours: try container.decodeIfPresent([String: String].self, forKey: .workingHours) ?? [:],
                  capacity: try container.decodeIfPresent(Int.self, forKey: .capacity) ?? 20,
                  teams: try container.decodeIfPresent([String].self, forKey: .teams) ?? [])
    }

    /// The same profile with names trimmed, languages lower-cased and duplicates dropped.
    public var normalised: AgentProfileDocument {
        var copy = self
        // Skills, like teams and languages, are told apart without regard to case: the higher level wins.
        var skillsByKey: [String: (name: String, level: Int)] = [:]
        for (name, level) in skills.sorted(by: { $0.key < $1.key }) {
            let clean = name.trimmingWhitespace()
            if let known = skillsByKey[clean.lowercased()], known.level >= level { continue }
            skillsByKey[clean.lowercased()] = (clean, level)
        }
        copy.skills = Dictionary(skillsByKey.values.map { ($0.name, $0.level) }, uniquingKeysWith: max)
        copy.languages = Self.unique(languages.map { $0.trimmingWhitespace().lowercased() })
        copy.teams = Self.unique(teams.map { $0.trimmingWhitespace() })
        copy.timeZone = timeZone.trimmingWhitespace()
        return copy
    }

    static func unique(_ values: [String]) -> [String] {
        var seen = Set<String>()
        return values.filter { seen.insert($0.lowercased()).inserted }
    }

    /// The profile the assignment engine works with; every problem is reported at once.
    public func profile(id: UUID, name: String, availability: AgentProfile.Availability, openTickets: Int) throws(ValidationFailure) -> AgentProfile {
        var errors = FieldErrors()
        let document = normalised
        var zone = TimeZone(identifier: "UTC")!
        if (document.timeZone == "UTC" || document.timeZone.contains("/")), let found = TimeZone(identifier: document.timeZone) {
            zone = found
        } else {
            errors.add("time_zone", "\(document.timeZone) is not a time zone; use an IANA name such as Europe/Berlin.", code: "invalid_format")
        }
        if document.skills.count > 50 { errors.add("skills", "An agent has at most 50 skills.", code: "too_many") }
        for skill in document.skills.keys where skill.count > 60 {
            errors.add("skills", "A skill name has at most 60 characters.", code: "too_long")
        }
        if document.languages.count > 20 { errors.add("languages", "List at most 20 languages.", code: "too_many") }
        // Indexes name the entries as the client sent them.
        for (index, language) in languages.map({ $0.trimmingWhitespace().lowercased() }).enumerated()
        where !(2...35).contains(language.count) || !language.allSatisfy({ $0.isASCII && ($0.isLetter || $0 == "-") }) {
            errors.add("languages[\(index)]", "A language is a code such as en, de or pt-br.", code: "invalid_format")
        }
        if document.teams.count > 20 { errors.add("teams", "An agent is in at most 20 teams.", code: "too_many") }
        for (index, team) in teams.map({ $0.trimmingWhitespace() }).enumerated() where team.isEmpty || team.count > 100 {
            errors.add("teams[\(index)]", "A team name has 1 to 100 characters.", code: "invalid_format")
        }
        var hours: [AgentProfile.Weekday: [Range<Int>]] = [:]
        let days: [(String, AgentProfile.Weekday)] = [("mon", .monday), ("tue", .tuesday), ("wed", .wednesday), ("thu", .thursday),
                                                     ("fri", .friday), ("sat", .saturday), ("sun", .sunday)]
        for key in document.workingHours.keys.sorted() {
            guard let day = BusinessCalendar.Weekday(name: key), let index = days.firstIndex(where: { $0.0 == day.rawValue })
            else {
                errors.add("working_hours.\(key)", "\(key) is not a day of the week; use mon, tue, wed, thu, fri, sat or sun.", code: "unknown_day")
                continue
            }
            switch BusinessCalendar.daySlots(document.workingHours[key]!) {
            case .failure(let problem):
                errors.add("working_hours.\(key)", problem.message, code: "invalid_format")
            case .success(let slots):
                // A closed day is an empty day, not a missing one: no hours at all means "always working".
                if hours[days[index].1] == nil { hours[days[index].1] = [] }
                for slot in slots {
                    hours[days[index].1, default: []].append(slot.start..<min(slot.end, 1440))
                    // A night shift goes on into the next day.
                    if slot.end > 1440 { hours[days[(index + 1) % 7].1, default: []].append(0..<(slot.end - 1440)) }
                }
            }
        }
        let profile = AgentProfile(id: id, name: name, skills: document.skills, languages: Set(document.languages), timeZone: zone,
                                   workingHours: hours, availability: availability, capacity: document.capacity,
                                   openTickets: openTickets, teams: Set(document.teams))
        for error in profile.validate() where error.field != "name" { errors.add(error.field, error.message, code: error.code) }
        try errors.check()
        return profile
    }
}
