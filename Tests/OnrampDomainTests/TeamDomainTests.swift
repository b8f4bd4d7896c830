import Foundation
@testable import OnrampDomain
import Testing

private func instant(_ text: String) -> Date { ISO8601DateFormatter().date(from: text)! }
private func uuid(_ number: Int) -> UUID { UUID(uuidString: "00000000-0000-0000-0000-\(String(format: "%012d", number))")! }

// MARK: - Dashboard

@Suite("Team dashboard")
struct TeamDashboardTests {
    typealias Facts = TeamDashboard.TicketFacts

    /// The week of Sunday 1 March 2026 (UTC).
    static let week = DateInterval(start: instant("2026-03-01T00:00:00Z"), end: instant("2026-03-08T00:00:00Z"))
    static let ann = uuid(1), bob = uuid(2), cem = uuid(3), former = uuid(9)

    static let tickets: [Facts] = [
        // Ann: answered after 30 minutes, solved after 2 hours; both SLA metrics met.
        Facts(assignee: ann, createdAt: instant("2026-03-02T10:00:00Z"), firstResponseAt: instant("2026-03-02T10:30:00Z"),
              solvedAt: instant("2026-03-02T12:00:00Z"), isOpen: false, slaAchieved: 2),
        // Ann: answered after 10 minutes, still open, one metric breached.
        Facts(assignee: ann, createdAt: instant("2026-03-03T09:00:00Z"), firstResponseAt: instant("2026-03-03T09:10:00Z"),
              isOpen: true, slaBreached: 1),
        // Ann: created the week before, solved at the very start of this one (two days); its SLA belongs to last week.
        Facts(assignee: ann, createdAt: instant("2026-02-27T00:00:00Z"), firstResponseAt: instant("2026-02-27T01:00:00Z"),
              solvedAt: instant("2026-03-01T00:00:00Z"), isOpen: false, slaAchieved: 5),
        // Bob: not answered yet.
        Facts(assignee: bob, createdAt: instant("2026-03-05T00:00:00Z"), isOpen: true),
        // Bob: created after the week; open now.
        Facts(assignee: bob, createdAt: instant("2026-03-09T00:00:00Z"), firstResponseAt: instant("2026-03-09T00:05:00Z"), isOpen: true,
              slaBreached: 3),
        // Unassigned, answered after an hour, one metric met and one breached.
        Facts(assignee: nil, createdAt: instant("2026-03-04T00:00:00Z"), firstResponseAt: instant("2026-03-04T01:00:00Z"), isOpen: true,
              slaAchieved: 1, slaBreached: 1),
        // Someone who has left the team: answered after 20 minutes, solved after 40.
        Facts(assignee: former, createdAt: instant("2026-03-06T00:00:00Z"), firstResponseAt: instant("2026-03-06T00:20:00Z"),
              solvedAt: instant("2026-03-06T00:40:00Z"), isOpen: false, slaAchieved: 1),
    ]

    @Test func aRowPerAgentInTheOrderGivenAndOneForTheTeam() {
        let (agents, team) = TeamDashboard.rows(agents: [Self.cem, Self.ann, Self.bob], tickets: Self.tickets, period: Self.week)
        #expect(agents.map(\.agentId) == [Self.cem, Self.ann, Self.bob])
        #expect(agents[0] == TeamDashboard.Row(agentId: Self.cem, openTickets: 0, ticketsReceived: 0, ticketsSolved: 0,
                                               medianFirstResponseMinutes: nil, medianResolutionMinutes: nil,
                                               slaAttainment: nil, slaMeasured: 0))
        #expect(agents[1] == TeamDashboard.Row(agentId: Self.ann, openTickets: 1, ticketsReceived: 2, ticketsSolved: 2,
                                               medianFirstResponseMinutes: 20, medianResolutionMinutes: 1500,
                                               slaAttainment: 2.0 / 3.0, slaMeasured: 3))
        #expect(agents[2] == TeamDashboard.Row(agentId: Self.bob, openTickets: 2, ticketsReceived: 1, ticketsSolved: 0,
                                               medianFirstResponseMinutes: nil, medianResolutionMinutes: nil,
                                               slaAttainment: nil, slaMeasured: 0))
        // Every ticket, assigned or not, and those of agents not listed.
        #expect(team == TeamDashboard.Row(agentId: nil, openTickets: 4, ticketsReceived: 5, ticketsSolved: 3,
                                          medianFirstResponseMinutes: 25, medianResolutionMinutes: 120,
                                          slaAttainment: 4.0 / 6.0, slaMeasured: 6))
    }

    @Test func noAgentsAndNoTickets() {
        let (agents, team) = TeamDashboard.rows(agents: [], tickets: [], period: Self.week)
        #expect(agents.isEmpty)
        #expect(team == TeamDashboard.Row(agentId: nil, openTickets: 0, ticketsReceived: 0, ticketsSolved: 0,
                                          medianFirstResponseMinutes: nil, medianResolutionMinutes: nil, slaAttainment: nil, slaMeasured: 0))
    }

    @Test func everySLAMetricBreached() {
        let ticket = Facts(assignee: Self.ann, createdAt: instant("2026-03-02T00:00:00Z"), isOpen: true, slaBreached: 2)
        let row = TeamDashboard.rows(agents: [Self.ann], tickets: [ticket], period: Self.week).agents[0]
        #expect(row.slaAttainment == 0)
        #expect(row.slaMeasured == 2)
    }

    @Test func theStartOfThePeriodBelongsToIt() {
        let ticket = Facts(assignee: nil, createdAt: Self.week.start, firstResponseAt: Self.week.start.addingTimeInterval(90),
                           solvedAt: Self.week.start.addingTimeInterval(300), isOpen: false)
        let team = TeamDashboard.rows(agents: [], tickets: [ticket], period: Self.week).team
        #expect(team.ticketsReceived == 1)
        #expect(team.ticketsSolved == 1)
        #expect(team.medianFirstResponseMinutes == 1.5)
        #expect(team.medianResolutionMinutes == 5)
        let before = Facts(assignee: nil, createdAt: Self.week.start.addingTimeInterval(-1), isOpen: true)
        #expect(TeamDashboard.rows(agents: [], tickets: [before], period: Self.week).team.ticketsReceived == 0)
    }

    @Test func aTicketOnTheBoundaryOfTwoPeriodsCountsOnce() {
        let next = DateInterval(start: Self.week.end, duration: 7 * 86_400)
        let ticket = Facts(assignee: nil, createdAt: Self.week.end, solvedAt: Self.week.end.addingTimeInterval(600), isOpen: false)
        let received = [Self.week, next].map { TeamDashboard.rows(agents: [], tickets: [ticket], period: $0).team.ticketsReceived }
        #expect(received == [0, 1])
    }

    @Test func responsesBeforeCreationCountAsZero() {
        // Clock skew between systems: a first response stamped before the ticket.
        let ticket = Facts(assignee: nil, createdAt: instant("2026-03-02T10:00:00Z"), firstResponseAt: instant("2026-03-02T09:55:00Z"),
                           isOpen: true)
        #expect(TeamDashboard.rows(agents: [], tickets: [ticket], period: Self.week).team.medianFirstResponseMinutes == 0)
    }

    @Test func medians() {
        #expect(TeamDashboard.median([]) == nil)
        #expect(TeamDashboard.median([5]) == 5)
        #expect(TeamDashboard.median([3, 1, 2]) == 2, "sorted first")
        #expect(TeamDashboard.median([10, 20, 1000]) == 20)
        #expect(TeamDashboard.median([1, 3]) == 2)
        #expect(TeamDashboard.median([4, 1, 3, 2]) == 2.5)
        #expect(TeamDashboard.median([-10, 4]) == 2, "negative values count as 0")
        #expect(TeamDashboard.median([-3, -1]) == 0)
        #expect(TeamDashboard.median([2.44]) == 2.4, "rounded to a tenth")
        #expect(TeamDashboard.median([2.46]) == 2.5)
        #expect(TeamDashboard.median([0.25]) == 0.3, "halves round away from zero")
        #expect(TeamDashboard.median([1, 2.5]) == 1.8)
        #expect(TeamDashboard.median([1.0 / 3.0, 1.0 / 3.0, 7]) == 0.3)
    }
}

// MARK: - Invitations

@Suite("Invitations")
struct InvitationTests {
    static let body = String(repeating: "A", count: 40)

    @Test func parsesOnlyInvitationTokens() throws {
        let token = try #require(InvitationToken("inv_" + Self.body))
        #expect(token.value == "inv_" + Self.body)
        let mixed = "inv_0123456789abcdefghijABCDEFGHIJklmnopqrst"
        #expect(InvitationToken(mixed)?.value == mixed)
        let short = String(Self.body.dropFirst()), body = Self.body
        let texts: [String] = ["", "inv_", "inv_" + short, "inv_" + body + "B", "onr_" + body, "INV_" + body, " inv_" + body,
                               "inv_" + short + "-", "inv_" + short + "_", "inv_" + short + "é", "inv_" + short + "٣",
                               "inv_onr_" + String(body.dropFirst(4))]
        for text in texts {
            #expect(InvitationToken(text) == nil, "\"\(text)\" is not an invitation token")
        }
    }

    @Test func generatedTokensAreFreshAndParse() throws {
        let tokens = (0..<50).map { _ in InvitationToken.generate() }
        #expect(Set(tokens).count == 50)
        for token in tokens {
            #expect(token.value.hasPrefix("inv_"))
            #expect(token.value.count == 44)
            #expect(token.value.dropFirst(4).allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber) })
            #expect(InvitationToken(token.value) == token)
        }
    }

    @Test func theHashIsTheHexSHA256OfTheWholeLinkSecret() throws {
        let token = try #require(InvitationToken("inv_" + Self.body))
        // printf 'inv_AAAA…A' | sha256sum
        #expect(token.hash == "c7475dd2621add7845ec5a1d94278651efd8fdc657051912939aa120bd09d106")
        #expect(token.hash == SecretDigest.sha256Hex(token.value))
        #expect(token.hash != SecretDigest.sha256Hex("onr_" + Self.body), "the prefix is part of what is hashed")
        let other = try #require(InvitationToken("inv_" + String(Self.body.dropFirst()) + "B"))
        #expect(other.hash != token.hash)
    }

    @Test func linksWorkForAWeek() {
        #expect(InvitationToken.lifetime == 604_800)
    }

    @Test func verdicts() {
        let now = instant("2026-03-10T12:00:00Z")
        let later = now.addingTimeInterval(InvitationToken.lifetime), earlier = now.addingTimeInterval(-1)
        func verdict(_ state: InvitationState?, _ expiresAt: Date?) -> InvitationToken.Verdict {
            InvitationToken.verdict(state: state, expiresAt: expiresAt, now: now)
        }
        #expect(verdict(nil, later) == .unknown, "no invitation has that hash")
        #expect(verdict(nil, nil) == .unknown)
        #expect(verdict(.imported, later) == .unknown, "imported invitations were never sent")
        #expect(verdict(.accepted, later) == .used)
        #expect(verdict(.accepted, earlier) == .used, "used says more than expired")
        #expect(verdict(.revoked, later) == .revoked)
        #expect(verdict(.revoked, earlier) == .revoked)
        #expect(verdict(.pending, later) == .usable)
        #expect(verdict(.pending, now.addingTimeInterval(1)) == .usable)
        #expect(verdict(.pending, now.addingTimeInterval(0.001)) == .usable)
        #expect(verdict(.pending, now) == .expired, "a link stops working at its expiry instant")
        #expect(verdict(.pending, earlier) == .expired)
        #expect(verdict(.pending, nil) == .expired, "a pending invitation without an expiry does not work")
        #expect(InvitationState.allCases == [.imported, .pending, .accepted, .revoked])
    }

    @Test func verdictsExplainThemselves() {
        let all: [InvitationToken.Verdict] = [.usable, .unknown, .expired, .used, .revoked]
        #expect(Set(all.map(\.message)).count == all.count)
        #expect(InvitationToken.Verdict.usable.message == "This invitation is ready to accept.")
        #expect(InvitationToken.Verdict.expired.message == "This invitation has expired. Ask the person who invited you to send it again.")
        #expect(InvitationToken.Verdict.unknown.message.hasPrefix("This invitation link is not valid."))
        #expect(InvitationToken.Verdict.used.message.hasPrefix("This invitation has already been accepted."))
        #expect(InvitationToken.Verdict.revoked.message.hasPrefix("This invitation was withdrawn."))
    }
}

// MARK: - Agent profile documents

@Suite("Agent profile documents")
struct AgentProfileDocumentTests {
    static let id = uuid(7)

    static func profile(_ document: AgentProfileDocument, name: String = "Ann", availability: AgentProfile.Availability = .online,
                        open: Int = 0) throws(ValidationFailure) -> AgentProfile {
        try document.profile(id: id, name: name, availability: availability, openTickets: open)
    }

    /// The errors `profile()` throws; [] when it succeeds.
    static func errors(_ document: AgentProfileDocument, name: String = "Ann", open: Int = 0) -> [FieldError] {
        do {
            _ = try profile(document, name: name, open: open)
            return []
        } catch {
            return error.errors
        }
    }

    /// Shifts per day, each day's in order of start.
    static func shifts(_ profile: AgentProfile) -> [AgentProfile.Weekday: [Range<Int>]] {
        profile.workingHours.mapValues { $0.sorted { $0.lowerBound < $1.lowerBound } }
    }

    static func decode(_ json: String) throws -> AgentProfileDocument {
        try JSONDecoder().decode(AgentProfileDocument.self, from: Data(json.utf8))
    }

    @Test func decodingFillsInDefaults() throws {
        let empty = try Self.decode("{}")
        #expect(empty == AgentProfileDocument())
        #expect(empty.skills == [:] && empty.languages == [] && empty.workingHours == [:] && empty.teams == [])
        #expect(empty.timeZone == "UTC")
        #expect(empty.capacity == 20)
        #expect(try Self.decode(#"{"capacity":null,"time_zone":null,"skills":null}"#) == AgentProfileDocument())
    }

    @Test func decodingReadsSnakeCaseKeys() throws {
        let document = try Self.decode(#"""
            {"skills": {"billing": 3, "refunds": 1}, "languages": ["de", "en"], "time_zone": "Europe/Berlin",
             "working_hours": {"mon": "09:00-17:00", "sat": "closed"}, "capacity": 8, "teams": ["Billing"]}
            """#)
        #expect(document == AgentProfileDocument(skills: ["billing": 3, "refunds": 1], languages: ["de", "en"], timeZone: "Europe/Berlin",
                                                 workingHours: ["mon": "09:00-17:00", "sat": "closed"], capacity: 8, teams: ["Billing"]))
        // camelCase keys are not ours: they are ignored, and the defaults stand.
        let camel = try Self.decode(#"{"timeZone": "Europe/Berlin", "workingHours": {"mon": "09:00-17:00"}}"#)
        #expect(camel.timeZone == "UTC")
        #expect(camel.workingHours == [:])
    }

    @Test func decodingRefusesWrongTypes() {
        #expect(throws: DecodingError.self) { try Self.decode(#"{"capacity": "8"}"#) }
        #expect(throws: DecodingError.self) { try Self.decode(#"{"skills": {"billing": "expert"}}"#) }
        #expect(throws: DecodingError.self) { try Self.decode(#"{"languages": "de"}"#) }
        #expect(throws: DecodingError.self) { try Self.decode(#"{"working_hours": {"mon": 9}}"#) }
        #expect(throws: DecodingError.self) { try Self.decode("[]") }
    }

    @Test func encodesWithSnakeCaseKeysAndRoundTrips() throws {
        let document = AgentProfileDocument(skills: ["billing": 3], languages: ["de"], timeZone: "Europe/Berlin",
                                            workingHours: ["mon": "09:00-17:00"], capacity: 8, teams: ["Billing"])
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        let json = String(decoding: try encoder.encode(document), as: UTF8.self)
        #expect(json == #"{"capacity":8,"languages":["de"],"skills":{"billing":3},"teams":["Billing"],"time_zone":"Europe\/Berlin","working_hours":{"mon":"09:00-17:00"}}"#)
        #expect(try Self.decode(json) == document)
    }

    @Test func normalisedTrimsLowerCasesAndDropsDuplicates() {
        let document = AgentProfileDocument(
            skills: [" billing": 2, "billing ": 4, "Refunds": 1], languages: [" EN ", "de", "en", "pt-BR", "PT-br"],
            timeZone: "  Europe/Berlin\n", workingHours: ["mon": " 09:00-17:00 "], capacity: 7, teams: ["Billing", " billing ", "Sales ", ""])
        let normalised = document.normalised
        #expect(normalised.skills == ["billing": 4, "Refunds": 1], "the higher level wins")
        #expect(normalised.languages == ["en", "de", "pt-br"])
        #expect(normalised.teams == ["Billing", "Sales", ""], "the first spelling of a team wins")
        #expect(normalised.timeZone == "Europe/Berlin")
        #expect(normalised.workingHours == ["mon": " 09:00-17:00 "], "hours are read, not rewritten")
        #expect(normalised.capacity == 7)
        #expect(normalised.normalised == normalised)
        // Skills differing only in case are one skill: the higher level wins, with its spelling.
        #expect(AgentProfileDocument(skills: ["Billing": 2, "billing": 5, "BILLING": 3]).normalised.skills == ["billing": 5])
        #expect(AgentProfileDocument.unique(["a", "A", "b", "a"]) == ["a", "b"])
    }

    @Test func theDefaultProfileWorksAroundTheClock() throws {
        let profile = try Self.profile(AgentProfileDocument(), name: "Ann", availability: .away, open: 3)
        #expect(profile.id == Self.id)
        #expect(profile.name == "Ann")
        // Foundation on Linux names UTC "GMT"; what matters is that the clock never moves.
        #expect(profile.timeZone.secondsFromGMT(for: instant("2026-01-15T12:00:00Z")) == 0)
        #expect(profile.timeZone.secondsFromGMT(for: instant("2026-07-15T12:00:00Z")) == 0)
        #expect(profile.workingHours.isEmpty)
        #expect(profile.isWorking(at: instant("2026-11-29T03:00:00Z")))
        #expect(profile.availability == .away)
        #expect(profile.capacity == 20)
        #expect(profile.openTickets == 3)
        #expect(profile.skills.isEmpty && profile.languages.isEmpty && profile.teams.isEmpty)
    }

    @Test func aProfileCarriesTheNormalisedDocument() throws {
        let document = AgentProfileDocument(skills: [" Billing ": 3, "refunds": 5], languages: ["DE", "en", "de", "pt-BR"],
                                            timeZone: " America/New_York ", workingHours: ["Monday": "09:00-12:00, 13:00-17:00", "sat": "closed"],
                                            capacity: 0, teams: ["Billing", "billing", " Sales "])
        let profile = try Self.profile(document, open: 0)
        #expect(profile.skills == ["Billing": 3, "refunds": 5])
        #expect(profile.level(in: "billing") == 3)
        #expect(profile.languages == ["de", "en", "pt-br"])
        #expect(profile.teams == ["Billing", "Sales"])
        #expect(profile.timeZone.identifier == "America/New_York")
        #expect(profile.capacity == 0)
        #expect(Self.shifts(profile) == [.monday: [540..<720, 780..<1020], .saturday: []], "a closed Saturday is a day off")
        // Monday 23 November 2026 in New York (UTC−5): 11:59 works, 12:30 is lunch, 16:59 works, 17:00 does not.
        #expect(profile.isWorking(at: instant("2026-11-23T16:59:00Z")))
        #expect(!profile.isWorking(at: instant("2026-11-23T17:30:00Z")))
        #expect(profile.isWorking(at: instant("2026-11-23T21:59:00Z")))
        #expect(!profile.isWorking(at: instant("2026-11-23T22:00:00Z")))
        // 09:30 UTC is Monday morning in London but 04:30 in New York.
        #expect(!profile.isWorking(at: instant("2026-11-23T09:30:00Z")))
        #expect(!profile.isWorking(at: instant("2026-11-28T15:00:00Z")), "Saturday")
    }

    @Test func nightShiftsGoOnIntoTheNextDay() throws {
        let profile = try Self.profile(AgentProfileDocument(
            timeZone: "Europe/Berlin", workingHours: ["fri": "22:00-06:00", "sun": "22:00-06:00", "mon": "09:00-17:00"]))
        #expect(Self.shifts(profile) == [
            .friday: [1320..<1440], .saturday: [0..<360], .sunday: [1320..<1440], .monday: [0..<360, 540..<1020],
        ])
        // Berlin is at UTC+1 in late November 2026; Friday is the 27th.
        #expect(!profile.isWorking(at: instant("2026-11-27T11:00:00Z")), "Friday noon")
        #expect(!profile.isWorking(at: instant("2026-11-27T20:59:00Z")), "Friday 21:59")
        #expect(profile.isWorking(at: instant("2026-11-27T21:00:00Z")), "Friday 22:00")
        #expect(profile.isWorking(at: instant("2026-11-27T23:00:00Z")), "Saturday 00:00")
        #expect(profile.isWorking(at: instant("2026-11-28T04:59:00Z")), "Saturday 05:59")
        #expect(!profile.isWorking(at: instant("2026-11-28T05:00:00Z")), "Saturday 06:00")
        #expect(!profile.isWorking(at: instant("2026-11-28T05:30:00Z")), "05:30 in UTC, but 06:30 on the agent's clock")
        #expect(!profile.isWorking(at: instant("2026-11-28T21:30:00Z")), "Saturday 22:30: no Saturday night")
        // Sunday's night runs into Monday, the start of the week.
        #expect(profile.isWorking(at: instant("2026-11-29T22:00:00Z")), "Sunday 23:00")
        #expect(profile.isWorking(at: instant("2026-11-30T02:00:00Z")), "Monday 03:00")
        #expect(!profile.isWorking(at: instant("2026-11-30T06:00:00Z")), "Monday 07:00")
        #expect(profile.isWorking(at: instant("2026-11-30T08:00:00Z")), "Monday 09:00")
        #expect(!profile.isWorking(at: instant("2026-11-30T16:00:00Z")), "Monday 17:00")
    }

    @Test func nightsAndDaysThatMeetOrOverlap() throws {
        let uneven = try Self.profile(AgentProfileDocument(workingHours: ["mon": "23:00-01:30", "TUE": "01:30-09:00"]))
        #expect(Self.shifts(uneven) == [.monday: [1380..<1440], .tuesday: [0..<90, 90..<540]])
        // Tuesday 24 November 2026, UTC.
        #expect(uneven.isWorking(at: instant("2026-11-24T01:29:00Z")))
        #expect(uneven.isWorking(at: instant("2026-11-24T01:30:00Z")))
        #expect(!uneven.isWorking(at: instant("2026-11-24T09:00:00Z")))

        let wholeDay = try Self.profile(AgentProfileDocument(workingHours: ["wed": "00:00-24:00"]))
        #expect(Self.shifts(wholeDay) == [.wednesday: [0..<1440]])

        #expect(Self.errors(AgentProfileDocument(workingHours: ["mon": "22:00-06:00", "tue": "05:00-09:00"])) == [
            FieldError(field: "working_hours.tue", message: "Shifts on Tue overlap.", code: "overlap"),
        ])
        #expect(Self.errors(AgentProfileDocument(workingHours: ["sun": "20:00-02:00", "mon": "01:00-03:00"])) == [
            FieldError(field: "working_hours.mon", message: "Shifts on Mon overlap.", code: "overlap"),
        ])
    }

    @Test func aWeekClosedEveryDayNeverWorks() throws {
        let closed = Dictionary(uniqueKeysWithValues: ["mon", "tue", "wed", "thu", "fri", "sat", "sun"].map { ($0, "closed") })
        let profile = try Self.profile(AgentProfileDocument(workingHours: closed))
        #expect(!profile.isWorking(at: instant("2026-11-24T10:00:00Z")))
    }

    @Test func timeZonesAreIANANames() {
        for zone in ["UTC", "Europe/Berlin", " Asia/Kolkata ", "America/Argentina/Buenos_Aires", "Etc/GMT+5"] {
            #expect(Self.errors(AgentProfileDocument(timeZone: zone)) == [], "\(zone)")
        }
        for zone in ["", "utc", "GMT", "CET", "Berlin", "Mars/Olympus", "Europe/Nowhere"] {
            #expect(Self.errors(AgentProfileDocument(timeZone: zone)) == [
                FieldError(field: "time_zone", message: "\(zone) is not a time zone; use an IANA name such as Europe/Berlin.", code: "invalid_format"),
            ], "\(zone)")
        }
    }

    @Test func skillLimits() {
        let fifty = Dictionary(uniqueKeysWithValues: (1...50).map { ("skill \($0)", 3) })
        #expect(Self.errors(AgentProfileDocument(skills: fifty)) == [])
        #expect(Self.errors(AgentProfileDocument(skills: fifty.merging(["skill 51": 3]) { $1 })) == [
            FieldError(field: "skills", message: "An agent has at most 50 skills.", code: "too_many"),
        ])
        #expect(Self.errors(AgentProfileDocument(skills: fifty.merging([" skill 1 ": 5]) { $1 })) == [], "the same skill twice")
        let sixty = String(repeating: "s", count: 60)
        #expect(Self.errors(AgentProfileDocument(skills: [" \(sixty) ": 1])) == [])
        #expect(Self.errors(AgentProfileDocument(skills: [sixty + "s": 1])) == [
            FieldError(field: "skills", message: "A skill name has at most 60 characters.", code: "too_long"),
        ])
        #expect(Self.errors(AgentProfileDocument(skills: ["billing": 1, "refunds": 5])) == [])
        #expect(Self.errors(AgentProfileDocument(skills: ["billing": 0, "refunds": 6])) == [
            FieldError(field: "skills.billing", message: "The level of billing is 1 to 5; 0 is not.", code: "out_of_range"),
            FieldError(field: "skills.refunds", message: "The level of refunds is 1 to 5; 6 is not.", code: "out_of_range"),
        ])
        #expect(Self.errors(AgentProfileDocument(skills: ["  ": 3])) == [
            FieldError(field: "skills", message: "A skill needs a name.", code: "required"),
        ])
    }

    @Test func languageLimits() {
        let codes = (0..<21).map { "l" + String(UnicodeScalar(UInt8(97 + $0))) }
        #expect(Self.errors(AgentProfileDocument(languages: Array(codes.prefix(20)))) == [])
        #expect(Self.errors(AgentProfileDocument(languages: codes)) == [
            FieldError(field: "languages", message: "List at most 20 languages.", code: "too_many"),
        ])
        #expect(Self.errors(AgentProfileDocument(languages: Array(codes.prefix(20)) + ["LA"])) == [], "duplicates are dropped first")
        #expect(Self.errors(AgentProfileDocument(languages: ["en", "pt-BR", "zh-Hant-TW", String(repeating: "a", count: 35)])) == [])
        let message = "A language is a code such as en, de or pt-br."
        #expect(Self.errors(AgentProfileDocument(languages: ["e", "en_US", "中文", "de", String(repeating: "a", count: 36), "  ", "en1"]))
            == [0, 1, 2, 4, 5, 6].map { FieldError(field: "languages[\($0)]", message: message, code: "invalid_format") })
    }

    @Test func teamLimits() {
        let twenty = (1...20).map { "Team \($0)" }
        #expect(Self.errors(AgentProfileDocument(teams: twenty)) == [])
        #expect(Self.errors(AgentProfileDocument(teams: twenty + ["Team 21"])) == [
            FieldError(field: "teams", message: "An agent is in at most 20 teams.", code: "too_many"),
        ])
        #expect(Self.errors(AgentProfileDocument(teams: twenty + ["team 1"])) == [], "duplicates are dropped first")
        let hundred = String(repeating: "t", count: 100)
        #expect(Self.errors(AgentProfileDocument(teams: [hundred])) == [])
        let message = "A team name has 1 to 100 characters."
        #expect(Self.errors(AgentProfileDocument(teams: ["Billing", " ", hundred + "t"])) == [
            FieldError(field: "teams[1]", message: message, code: "invalid_format"),
            FieldError(field: "teams[2]", message: message, code: "invalid_format"),
        ])
    }

    @Test func capacityAndOpenTickets() {
        #expect(Self.errors(AgentProfileDocument(capacity: 0)) == [])
        #expect(Self.errors(AgentProfileDocument(capacity: 1000)) == [])
        let capacity = FieldError(field: "capacity", message: "Capacity is a number of open tickets from 0 to 1000.", code: "out_of_range")
        #expect(Self.errors(AgentProfileDocument(capacity: -1)) == [capacity])
        #expect(Self.errors(AgentProfileDocument(capacity: 1001)) == [capacity])
        #expect(Self.errors(AgentProfileDocument(), open: -1) == [
            FieldError(field: "open_tickets", message: "Open tickets cannot be below 0.", code: "out_of_range"),
        ])
        #expect(Self.errors(AgentProfileDocument(), name: "") == [], "the name is the account's, not the document's")
    }

    @Test func workingHoursText() {
        let usage = "Write hours as 09:00-17:00, several slots separated by commas, 22:00-06:00 for a night, or closed."
        func problem(_ text: String) -> [FieldError] { Self.errors(AgentProfileDocument(workingHours: ["wed": text])) }
        #expect(problem("9-17") == [FieldError(field: "working_hours.wed", message: "\"9-17\" is not a time range. " + usage, code: "invalid_format")])
        #expect(problem("") == [FieldError(field: "working_hours.wed", message: usage, code: "invalid_format")])
        #expect(problem("24:00-02:00") == [
            FieldError(field: "working_hours.wed", message: "\"24:00-02:00\": 24:00 can only end a slot.", code: "invalid_format"),
        ])
        #expect(problem("09:00-09:00") == [
            FieldError(field: "working_hours.wed", message: "\"09:00-09:00\" is empty; write 00:00-24:00 for the whole day.", code: "invalid_format"),
        ])
        #expect(problem("08:00-12:00, 11:00-15:00") == [
            FieldError(field: "working_hours.wed", message: "08:00-12:00 and 11:00-15:00 overlap.", code: "invalid_format"),
        ])
        #expect(problem("Closed") == [])
        #expect(problem(" 09:00 - 17:00 ") == [])
    }

    @Test func unknownDays() {
        #expect(Self.errors(AgentProfileDocument(workingHours: ["funday": "09:00-17:00", "Tuesday": "09:00-17:00", " sat ": "10:00-14:00"])) == [
            FieldError(field: "working_hours.funday", message: "funday is not a day of the week; use mon, tue, wed, thu, fri, sat or sun.",
                       code: "unknown_day"),
        ])
        #expect(Self.errors(AgentProfileDocument(workingHours: ["mo": "09:00-17:00", "": "closed"])).map(\.field)
            == ["working_hours.", "working_hours.mo"])
    }

    @Test func everyProblemAtOnce() {
        let document = AgentProfileDocument(
            skills: ["billing": 7, "  ": 2], languages: ["en", "e", "EN", "fr_FR"], timeZone: "Berlin",
            workingHours: ["mon": "9-17", "funday": "09:00-17:00", "tue": "24:00-02:00", "wed": "09:00-17:00"], capacity: -1,
            teams: ["Billing", ""])
        #expect(Self.errors(document, name: "", open: -2).map { "\($0.field) \($0.code)" } == [
            "time_zone invalid_format",
            "languages[1] invalid_format",
            "languages[3] invalid_format",
            "teams[1] invalid_format",
            "working_hours.funday unknown_day",
            "working_hours.mon invalid_format",
            "working_hours.tue invalid_format",
            "skills required",
            "skills.billing out_of_range",
            "capacity out_of_range",
            "open_tickets out_of_range",
        ])
    }
}

// MARK: - Roles

@Suite("Light agents and grantable permissions")
struct TeamRoleTests {
    @Test func aLightAgentReadsAndWritesNotesOnly() {
        #expect(Role.lightAgent.permissions == [.tenantRead, .ticketsRead, .ticketsNote, .onboardingRead])
        #expect(Role.lightAgent.can(.ticketsNote))
        for permission: Permission in [.ticketsWrite, .ticketsAssign, .reportsRead, .apiTokensOwn, .membersRead, .knowledgeBaseWrite] {
            #expect(!Role.lightAgent.can(permission), "\(permission.rawValue)")
        }
        #expect(Role.lightAgent.permissions.isStrictSubset(of: Role.agent.permissions))
        #expect(!Role.lightAgent.permissions.isSubset(of: Role.viewer.permissions), "notes are more than a viewer may do")
    }

    @Test func aLightAgentRanksBetweenAgentAndViewer() {
        #expect(Role.lightAgent.rank == 1)
        #expect(Role.viewer < .lightAgent && Role.lightAgent < .agent)
        #expect(Role.allCases == [.owner, .admin, .supervisor, .agent, .lightAgent, .viewer])
        #expect(Set(Role.allCases.map(\.rank)).count == Role.allCases.count, "no two roles share a rank")
    }

    @Test func aLightAgentIsNamedInSnakeCase() throws {
        #expect(Role.lightAgent.rawValue == "light_agent")
        #expect(Role(rawValue: "light_agent") == .lightAgent)
        #expect(Role(rawValue: "lightAgent") == nil)
        #expect(String(decoding: try JSONEncoder().encode([Role.lightAgent]), as: UTF8.self) == #"["light_agent"]"#)
        #expect(try JSONDecoder().decode(Role.self, from: Data(#""light_agent""#.utf8)) == .lightAgent)
    }

    @Test func everyoneWhoWritesTicketsMayWriteNotes() {
        #expect(Permission.ticketsNote.rawValue == "tickets.note")
        #expect(Permission(rawValue: "tickets.note") == .ticketsNote)
        #expect(Role.allCases.filter { $0.can(.ticketsNote) } == [.owner, .admin, .supervisor, .agent, .lightAgent])
        for role in Role.allCases where role.can(.ticketsWrite) { #expect(role.can(.ticketsNote), "\(role)") }
    }

    @Test func grantablePermissions() {
        let excluded: Set<Permission> = [.tenantDelete, .billingManage, .platformTenantsRead, .platformOperate]
        #expect(Permission.grantable == Set(Permission.allCases).subtracting(excluded))
        #expect(Permission.grantable.count == Permission.allCases.count - 4)
        #expect(Permission.grantable.isDisjoint(with: excluded))
        for permission: Permission in [.ticketsNote, .ticketsWrite, .membersManage, .settingsManage, .auditRead, .apiTokensManage] {
            #expect(Permission.grantable.contains(permission), "\(permission.rawValue)")
        }
        #expect(Permission.grantable == Role.admin.permissions)
        #expect(Role.owner.permissions == Permission.grantable.union([.tenantDelete, .billingManage]))
        #expect(Role.allCases.allSatisfy { $0 == .owner || $0.permissions.isSubset(of: Permission.grantable) })
    }
}
