import Foundation
@testable import OnrampDomain
import Testing

enum AssignmentFixture {
    static func date(_ text: String) -> Date { ISO8601DateFormatter().date(from: text)! }
    static func zone(_ identifier: String) -> TimeZone { TimeZone(identifier: identifier)! }
    static func id(_ number: Int) -> UUID { UUID(uuidString: "00000000-0000-0000-0000-\(String(format: "%012d", number))")! }

    /// Tuesday 10 March 2026, 12:00 UTC (13:00 in Berlin).
    static let tuesdayNoon = date("2026-03-10T12:00:00Z")

    static func weekdays(_ hours: Range<Int>) -> [AgentProfile.Weekday: [Range<Int>]] {
        Dictionary(uniqueKeysWithValues: [.monday, .tuesday, .wednesday, .thursday, .friday].map { ($0, [hours.lowerBound * 60..<hours.upperBound * 60]) })
    }

    static func agent(
        _ name: String, _ number: Int, skills: [String: Int] = ["billing": 3], languages: Set<String> = ["en", "de"],
        zone: String = "Europe/Berlin", hours: [AgentProfile.Weekday: [Range<Int>]] = weekdays(9..<17),
        availability: AgentProfile.Availability = .online, capacity: Int = 5, open: Int = 0, teams: Set<String> = ["Billing"]
    ) -> AgentProfile {
        AgentProfile(id: id(number), name: name, skills: skills, languages: languages, timeZone: AssignmentFixture.zone(zone), workingHours: hours,
                     availability: availability, capacity: capacity, openTickets: open, teams: teams)
    }

    static func request(team: String = "Billing", skills: [String: Int] = [:], language: String? = nil, now: Date = tuesdayNoon) -> AssignmentRequest {
        AssignmentRequest(team: team, requiredSkills: skills, language: language, now: now)
    }
}

@Suite("Assignment eligibility")
struct AssignmentEligibilityTests {
    typealias A = AssignmentFixture

    @Test func anOnlineAgentInTheirHoursWithRoomAndSkillsIsEligible() {
        #expect(Assignment.ineligibility(of: A.agent("Ann", 1), for: A.request(skills: ["billing": 3], language: "de")) == [])
        #expect(Assignment.ineligibility(of: A.agent("Ann", 1, teams: ["billing "]), for: A.request(team: "Billing")) == [], "team names ignore case")
    }

    @Test func everyReasonAnAgentIsPassedOver() {
        let request = A.request(skills: ["billing": 3, "refunds": 1], language: "fr")
        func reasons(_ agent: AgentProfile, _ request: AssignmentRequest = A.request()) -> [IneligibilityReason] {
            Assignment.ineligibility(of: agent, for: request)
        }
        #expect(reasons(A.agent("Ann", 1, teams: ["Sales"])) == [.notInTeam("Billing")])
        #expect(reasons(A.agent("Ann", 1, availability: .away)) == [.unavailable(.away)])
        #expect(reasons(A.agent("Ann", 1, availability: .offline)) == [.unavailable(.offline)])
        #expect(reasons(A.agent("Ann", 1), A.request(now: A.date("2026-03-14T10:00:00Z"))) == [.outsideWorkingHours(localTime: "Sat 11:00 Europe/Berlin")])
        #expect(reasons(A.agent("Ann", 1, capacity: 5, open: 5)) == [.atCapacity(open: 5, capacity: 5)])
        #expect(reasons(A.agent("Ann", 1, capacity: 5, open: 7)) == [.atCapacity(open: 7, capacity: 5)])
        #expect(reasons(A.agent("Ann", 1, capacity: 0)) == [.atCapacity(open: 0, capacity: 0)])
        #expect(reasons(A.agent("Ann", 1, skills: ["billing": 2]), A.request(skills: ["billing": 3])) == [.lacksSkill("billing", required: 3, has: 2)])
        #expect(reasons(A.agent("Ann", 1, skills: [:]), A.request(skills: ["billing": 1])) == [.lacksSkill("billing", required: 1, has: nil)])
        #expect(reasons(A.agent("Ann", 1, skills: ["Billing": 4]), A.request(skills: ["billing": 3])) == [], "skill names ignore case")
        #expect(reasons(A.agent("Ann", 1, languages: ["en"]), A.request(language: "de")) == [.lacksLanguage("de")])
        #expect(reasons(A.agent("Ann", 1, languages: ["en"]), A.request(language: "en-GB")) == [], "same primary language")
        #expect(reasons(A.agent("Ann", 1, languages: ["pt-BR"]), A.request(language: "PT")) == [])
        #expect(reasons(A.agent("Ann", 1, languages: []), A.request(language: "en")) == [.lacksLanguage("en")])
        #expect(reasons(A.agent("Ann", 1, languages: []), A.request(language: nil)) == [])

        let everything = A.agent("Ann", 1, skills: ["billing": 1], languages: ["en"], availability: .offline, capacity: 2, open: 2, teams: ["Sales"])
        #expect(reasons(everything, A.request(skills: ["billing": 3, "refunds": 1], language: "fr", now: A.date("2026-03-14T10:00:00Z"))) == [
            .notInTeam("Billing"), .unavailable(.offline), .outsideWorkingHours(localTime: "Sat 11:00 Europe/Berlin"),
            .atCapacity(open: 2, capacity: 2), .lacksSkill("billing", required: 3, has: 1), .lacksSkill("refunds", required: 1, has: nil),
            .lacksLanguage("fr"),
        ])
        #expect(Assignment.ineligibility(of: A.agent("Ann", 1), for: request) == [.lacksSkill("refunds", required: 1, has: nil), .lacksLanguage("fr")])
    }

    @Test func reasonsReadAfterTheName() {
        let texts: [IneligibilityReason: String] = [
            .notInTeam("Billing"): "is not in team Billing",
            .unavailable(.away): "is away",
            .unavailable(.offline): "is offline",
            .outsideWorkingHours(localTime: "Sat 11:00 Europe/Berlin"): "is outside working hours (Sat 11:00 Europe/Berlin)",
            .atCapacity(open: 5, capacity: 5): "is at capacity (5 of 5)",
            .lacksSkill("billing", required: 3, has: 2): "lacks billing ≥ 3 (has 2)",
            .lacksSkill("refunds", required: 1, has: nil): "lacks refunds ≥ 1",
            .lacksLanguage("de"): "does not speak de",
        ]
        for (reason, text) in texts { #expect(reason.description == text) }
    }
}

@Suite("Working hours")
struct WorkingHoursTests {
    typealias A = AssignmentFixture

    @Test func hoursAreReadOnEachAgentsOwnClock() {
        let tokyo = A.agent("Aiko", 1, zone: "Asia/Tokyo")
        let newYork = A.agent("Nora", 2, zone: "America/New_York")
        // 01:00 UTC: Tuesday 10:00 in Tokyo, Monday 21:00 in New York (daylight time since 8 March).
        let early = A.date("2026-03-10T01:00:00Z")
        #expect(tokyo.isWorking(at: early))
        #expect(!newYork.isWorking(at: early))
        #expect(Assignment.ineligibility(of: newYork, for: A.request(now: early)) == [.outsideWorkingHours(localTime: "Mon 21:00 America/New_York")])
        // 14:00 UTC: 10:00 in New York, 23:00 in Tokyo.
        let afternoon = A.date("2026-03-10T14:00:00Z")
        #expect(newYork.isWorking(at: afternoon))
        #expect(!tokyo.isWorking(at: afternoon))
        #expect(Assignment.assign(A.request(now: early), among: [tokyo, newYork], strategy: .leastLoaded) == .assigned(
            agentID: tokyo.id, reason: "Aiko has the fewest open tickets (0 of 5), the only eligible agent."))
    }

    @Test func daylightSavingTimeMovesTheHours() {
        var everyDay: [AgentProfile.Weekday: [Range<Int>]] = [:]
        for day in AgentProfile.Weekday.allCases { everyDay[day] = [9 * 60..<17 * 60] }
        let berlin = A.agent("Ben", 1, hours: everyDay)
        // Clocks go forward on Sunday 29 March 2026: 07:30 UTC is 08:30 the day before, 09:30 that day.
        #expect(!berlin.isWorking(at: A.date("2026-03-28T07:30:00Z")))
        #expect(berlin.isWorking(at: A.date("2026-03-29T07:30:00Z")))
        #expect(!berlin.isWorking(at: A.date("2026-03-29T15:00:00Z")), "17:00 summer time: the shift has ended")
        // Clocks go back on Sunday 25 October 2026.
        #expect(berlin.isWorking(at: A.date("2026-10-24T07:30:00Z")))
        #expect(!berlin.isWorking(at: A.date("2026-10-25T07:30:00Z")))
        #expect(berlin.isWorking(at: A.date("2026-10-25T15:30:00Z")), "16:30 winter time")
        let newYork = A.agent("Nora", 2, zone: "America/New_York", hours: everyDay)
        #expect(!newYork.isWorking(at: A.date("2026-03-07T13:30:00Z")), "08:30 EST")
        #expect(newYork.isWorking(at: A.date("2026-03-08T13:30:00Z")), "09:30 EDT")
    }

    @Test func emptyHoursMeanAlwaysAndMissingDaysAreOff() {
        let always = A.agent("Al", 1, hours: [:])
        #expect(always.isWorking(at: A.date("2026-03-14T03:00:00Z")))
        let nights = A.agent("Nat", 2, hours: [.monday: [22 * 60..<24 * 60], .tuesday: [0..<6 * 60]])
        #expect(nights.isWorking(at: A.date("2026-03-09T22:30:00Z")), "Mon 23:30 in Berlin")
        #expect(nights.isWorking(at: A.date("2026-03-10T04:59:00Z")), "Tue 05:59 in Berlin")
        #expect(!nights.isWorking(at: A.date("2026-03-10T05:00:00Z")), "Tue 06:00: the end is excluded")
        #expect(!nights.isWorking(at: A.date("2026-03-11T01:00:00Z")), "Wednesday is a day off")
    }

    @Test func profilesAreValidated() {
        var profile = A.agent(" ", 1, skills: ["billing": 6, "refunds": 0], capacity: -1, open: -2)
        profile.workingHours = [.monday: [9 * 60..<12 * 60, 11 * 60..<14 * 60], .tuesday: [20 * 60..<25 * 60]]
        #expect(profile.validate().map { "\($0.field) \($0.code)" } == [
            "name required", "skills.billing out_of_range", "skills.refunds out_of_range", "capacity out_of_range", "open_tickets out_of_range",
            "working_hours.mon overlap", "working_hours.tue invalid_range",
        ])
        #expect(profile.validate().last?.message == "A shift runs from a start to a later end within the day (00:00–24:00); 20:00–25:00 does not.")
        #expect(A.agent("Ann", 1).validate() == [])
    }
}

@Suite("Assignment strategies")
struct AssignmentStrategyTests {
    typealias A = AssignmentFixture

    @Test func leastLoadedTakesTheFewestOpenTickets() {
        let agents = [A.agent("Ann", 1, open: 3), A.agent("Bo", 2, open: 1), A.agent("Cy", 3, open: 2), A.agent("Dee", 4, availability: .away)]
        #expect(Assignment.assign(A.request(), among: agents, strategy: .leastLoaded)
            == .assigned(agentID: A.id(2), reason: "Bo has the fewest open tickets (1 of 5), among 3 eligible agents."))
    }

    @Test func leastLoadedTiesGoToSpareCapacityThenNameThenID() {
        let spare = [A.agent("Ann", 1, capacity: 5, open: 1), A.agent("Bo", 2, capacity: 8, open: 1)]
        #expect(Assignment.assign(A.request(), among: spare, strategy: .leastLoaded) == .assigned(
            agentID: A.id(2), reason: "Bo has the fewest open tickets (1 of 8), among 2 eligible agents (tied on open tickets; chosen by spare capacity, then name)."))
        let names = [A.agent("bo", 1, open: 1), A.agent("Ann", 2, open: 1)]
        #expect(Assignment.assign(A.request(), among: names, strategy: .leastLoaded).agentID == A.id(2))
        let twins = [A.agent("Ann", 9, open: 1), A.agent("Ann", 3, open: 1)]
        #expect(Assignment.assign(A.request(), among: twins, strategy: .leastLoaded).agentID == A.id(3))
        #expect(Assignment.assign(A.request(), among: twins.reversed(), strategy: .leastLoaded).agentID == A.id(3), "order of the list does not matter")
    }

    @Test func roundRobinTakesTurnsAndWrapsAround() {
        let agents = [A.agent("Cy", 3), A.agent("Ann", 1), A.agent("Bo", 2)]
        var last: UUID?
        var turns: [UUID] = []
        for _ in 0..<7 {
            guard case .assigned(let id, _) = Assignment.assign(A.request(), among: agents, strategy: .roundRobin(lastAssigned: last)) else {
                Issue.record("queued")
                return
            }
            turns.append(id)
            last = id
        }
        #expect(turns == [1, 2, 3, 1, 2, 3, 1].map(A.id))
        #expect(Assignment.assign(A.request(), among: agents, strategy: .roundRobin(lastAssigned: A.id(1)))
            == .assigned(agentID: A.id(2), reason: "Bo is next in the rotation after Ann, among 3 eligible agents."))
        #expect(Assignment.assign(A.request(), among: agents, strategy: .roundRobin(lastAssigned: A.id(3)))
            == .assigned(agentID: A.id(1), reason: "Ann is next in the rotation after Cy, starting again from the top, among 3 eligible agents."))
        #expect(Assignment.assign(A.request(), among: agents, strategy: .roundRobin(lastAssigned: nil))
            == .assigned(agentID: A.id(1), reason: "Ann is next in the rotation, among 3 eligible agents."))
    }

    @Test func roundRobinSkipsIneligibleAndDepartedAgents() {
        let agents = [A.agent("Ann", 1), A.agent("Bo", 2), A.agent("Cy", 3, availability: .offline), A.agent("Dee", 5)]
        #expect(Assignment.assign(A.request(), among: agents, strategy: .roundRobin(lastAssigned: A.id(2))).agentID == A.id(5), "Cy is offline")
        #expect(Assignment.assign(A.request(), among: agents, strategy: .roundRobin(lastAssigned: A.id(4))).agentID == A.id(5),
                "an agent no longer listed keeps their place in the order")
        #expect(Assignment.assign(A.request(), among: agents, strategy: .roundRobin(lastAssigned: A.id(5))).agentID == A.id(1))
        #expect(Assignment.assign(A.request(), among: [A.agent("Ann", 1)], strategy: .roundRobin(lastAssigned: A.id(1)))
            == .assigned(agentID: A.id(1), reason: "Ann is next in the rotation after Ann, starting again from the top, the only eligible agent."))
    }

    @Test func whenNobodyIsEligibleTheTicketWaitsWithTheReason() {
        let agents = [
            A.agent("Cy", 3, skills: ["billing": 2]), A.agent("Bo", 2, capacity: 5, open: 5), A.agent("Ann", 1, availability: .away),
            A.agent("Eve", 9, teams: ["Sales"]),
        ]
        let expected = AssignmentResult.queued(reason: "Nobody in team Billing can take the ticket: Ann is away; Bo is at capacity (5 of 5); Cy lacks billing ≥ 3 (has 2).")
        #expect(Assignment.assign(A.request(skills: ["billing": 3]), among: agents, strategy: .leastLoaded) == expected)
        #expect(Assignment.assign(A.request(skills: ["billing": 3]), among: agents, strategy: .roundRobin(lastAssigned: A.id(1))) == expected)

        let several = [A.agent("Dee", 4, languages: ["en"], availability: .offline, capacity: 1, open: 1)]
        #expect(Assignment.assign(A.request(language: "de"), among: several, strategy: .leastLoaded)
            == .queued(reason: "Nobody in team Billing can take the ticket: Dee is offline, is at capacity (1 of 1) and does not speak de."))
        #expect(Assignment.assign(A.request(team: "Refunds"), among: agents, strategy: .leastLoaded) == .queued(reason: "Nobody is in team Refunds."))
        #expect(Assignment.assign(A.request(), among: [], strategy: .roundRobin(lastAssigned: nil)) == .queued(reason: "Nobody is in team Billing."))
    }
}

extension AssignmentResult {
    fileprivate var agentID: UUID? {
        if case .assigned(let id, _) = self { return id }
        return nil
    }
}
