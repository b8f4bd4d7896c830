import Foundation
@testable import OnrampDomain
import Testing

private typealias Weekday = BusinessCalendar.Weekday
private typealias Slot = BusinessCalendar.Slot

private func date(_ text: String) -> Date { ISO8601DateFormatter().date(from: text)! }

private let weekdays9to5 = ["mon": "09:00-17:00", "tue": "09:00-17:00", "wed": "09:00-17:00", "thu": "09:00-17:00",
                            "fri": "09:00-17:00", "sat": "closed", "sun": "closed"]

private func weekdays(_ hours: String) -> [String: String] {
    ["mon": hours, "tue": hours, "wed": hours, "thu": hours, "fri": hours]
}

@Suite("Business calendars")
struct BusinessCalendarTests {
    @Test func berlinOfficeHours() throws {
        let office = try BusinessCalendar.parse(timeZone: "Europe/Berlin", hours: weekdays9to5, holidays: [])
        // Monday 23 Nov 2026, 09:00 CET is 08:00 UTC; a full day's eight hours end at 17:00, not the next morning.
        #expect(office.addingBusinessMinutes(480, to: date("2026-11-23T08:00:00Z")) == date("2026-11-23T16:00:00Z"))
        // Friday 16:00: one hour that day, the second on Monday.
        #expect(office.addingBusinessMinutes(60, to: date("2026-11-20T15:00:00Z")) == date("2026-11-20T16:00:00Z"))
        #expect(office.addingBusinessMinutes(120, to: date("2026-11-20T15:00:00Z")) == date("2026-11-23T09:00:00Z"))
        // Saturday: the clock starts on Monday morning.
        #expect(office.addingBusinessMinutes(30, to: date("2026-11-21T10:00:00Z")) == date("2026-11-23T08:30:00Z"))
        #expect(office.addingBusinessMinutes(0, to: date("2026-11-21T10:00:00Z")) == date("2026-11-21T10:00:00Z"))
        #expect(office.businessMinutes(from: date("2026-11-20T15:00:00Z"), to: date("2026-11-23T09:00:00Z")) == 120)
        #expect(office.businessMinutes(from: date("2026-11-23T09:00:00Z"), to: date("2026-11-20T15:00:00Z")) == 0)
        // Over the weekend Berlin springs forward: Monday 10:00 is then 08:00 UTC.
        #expect(office.addingBusinessMinutes(120, to: date("2026-03-27T15:00:00Z")) == date("2026-03-30T08:00:00Z"))
        // 10,000 minutes: twenty full days (four weeks) and 400 minutes on Monday 21 December.
        #expect(office.addingBusinessMinutes(10_000, to: date("2026-11-23T08:00:00Z")) == date("2026-12-21T14:40:00Z"))
        #expect(office.isOpen(at: date("2026-11-23T08:30:00Z")))
        #expect(!office.isOpen(at: date("2026-11-23T16:00:00Z")), "17:00 is closing time")
        #expect(!office.isOpen(at: date("2026-11-23T07:59:59Z")))
        #expect(office.nextOpening(after: date("2026-11-21T10:00:00Z")) == date("2026-11-23T08:00:00Z"))
        #expect(office.nextOpening(after: date("2026-11-23T10:17:00Z")) == date("2026-11-23T10:17:00Z"))
    }

    @Test func twoSlotsADay() throws {
        let office = try BusinessCalendar.parse(timeZone: "Europe/Berlin", hours: weekdays("09:00-12:00, 13:00-17:00"), holidays: [])
        #expect(office.addingBusinessMinutes(60, to: date("2026-11-23T10:00:00Z")) == date("2026-11-23T11:00:00Z"))
        #expect(office.addingBusinessMinutes(120, to: date("2026-11-23T10:00:00Z")) == date("2026-11-23T13:00:00Z"))
        #expect(office.addingBusinessMinutes(420, to: date("2026-11-23T08:00:00Z")) == date("2026-11-23T16:00:00Z"))
        #expect(office.addingBusinessMinutes(421, to: date("2026-11-23T08:00:00Z")) == date("2026-11-24T08:01:00Z"))
        #expect(!office.isOpen(at: date("2026-11-23T11:30:00Z")), "lunch")
        #expect(office.nextOpening(after: date("2026-11-23T11:30:00Z")) == date("2026-11-23T12:00:00Z"))
    }

    @Test func nightSlotsRunPastMidnight() throws {
        let nights = try BusinessCalendar.parse(timeZone: "UTC", hours: weekdays("22:00-06:00"), holidays: [])
        #expect(nights.weekly[.monday] == [Slot(start: 1320, end: 1800)])
        #expect(nights.addingBusinessMinutes(300, to: date("2026-11-23T23:00:00Z")) == date("2026-11-24T04:00:00Z"))
        // Friday's night ends on Saturday morning; the next night is Monday's.
        #expect(nights.addingBusinessMinutes(480, to: date("2026-11-27T22:00:00Z")) == date("2026-11-28T06:00:00Z"))
        #expect(nights.addingBusinessMinutes(481, to: date("2026-11-27T22:00:00Z")) == date("2026-11-30T22:01:00Z"))
        #expect(nights.isOpen(at: date("2026-11-28T05:59:00Z")))
        #expect(!nights.isOpen(at: date("2026-11-28T06:00:00Z")))
        #expect(!nights.isOpen(at: date("2026-11-30T02:00:00Z")), "Sunday has no night")
        #expect(nights.isOpen(at: date("2026-12-01T02:00:00Z")))
        // In Berlin a Saturday night across the autumn change lasts nine hours, across the spring one seven.
        let berlin = try BusinessCalendar.parse(timeZone: "Europe/Berlin", hours: ["sat": "22:00-06:00"], holidays: [])
        #expect(berlin.businessMinutes(from: date("2026-10-24T00:00:00Z"), to: date("2026-10-26T00:00:00Z")) == 540)
        #expect(berlin.businessMinutes(from: date("2026-03-28T00:00:00Z"), to: date("2026-03-30T00:00:00Z")) == 420)
        #expect(berlin.addingBusinessMinutes(540, to: date("2026-10-24T20:00:00Z")) == date("2026-10-25T05:00:00Z"))
    }

    @Test func timeZonesAheadOfAndBehindUTC() throws {
        // Kolkata, +05:30 all year: Monday 08:30 IST is 03:00 UTC.
        let kolkata = try BusinessCalendar.parse(timeZone: "Asia/Kolkata", hours: weekdays("09:30-18:00").merging(["sat": "09:30-18:00"]) { $1 }, holidays: [])
        #expect(kolkata.addingBusinessMinutes(60, to: date("2026-11-23T03:00:00Z")) == date("2026-11-23T05:00:00Z"))
        // Saturday 17:30 IST: half an hour then, Sunday closed, Monday 09:30 + 30 minutes.
        #expect(kolkata.addingBusinessMinutes(60, to: date("2026-11-28T12:00:00Z")) == date("2026-11-30T04:30:00Z"))
        // Los Angeles: Friday 16:00 PST (-08:00); Monday 10:00 is PDT (-07:00) after the weekend's change.
        let losAngeles = try BusinessCalendar.parse(timeZone: "America/Los_Angeles", hours: weekdays9to5, holidays: [])
        #expect(losAngeles.addingBusinessMinutes(120, to: date("2026-03-07T00:00:00Z")) == date("2026-03-09T17:00:00Z"))
        // Chatham: +13:45 in the southern summer, +12:45 in winter.
        let chatham = try BusinessCalendar.parse(timeZone: "Pacific/Chatham", hours: weekdays9to5, holidays: [])
        #expect(chatham.addingBusinessMinutes(30, to: date("2026-11-22T19:00:00Z")) == date("2026-11-22T19:45:00Z"))
        #expect(chatham.addingBusinessMinutes(30, to: date("2026-06-21T20:00:00Z")) == date("2026-06-21T20:45:00Z"))
        #expect(!chatham.isOpen(at: date("2026-11-22T19:14:00Z")))
        #expect(chatham.isOpen(at: date("2026-11-22T19:15:00Z")))
    }

    @Test func holidaysOneOffAndYearly() throws {
        let office = try BusinessCalendar.parse(timeZone: "Europe/Berlin", hours: weekdays9to5, holidays: ["2026-12-24", "12-25", " 01-01 "])
        #expect(office.holidays.map(\.description) == ["2026-12-24", "12-25", "01-01"])
        // Wednesday 23 Dec 16:00: one hour, then Christmas Eve (once) and Christmas Day (a Friday, yearly).
        #expect(office.addingBusinessMinutes(120, to: date("2026-12-23T15:00:00Z")) == date("2026-12-28T09:00:00Z"))
        #expect(!office.isOpen(at: date("2026-12-24T10:00:00Z")))
        #expect(!office.isOpen(at: date("2026-12-25T10:00:00Z")))
        #expect(office.isOpen(at: date("2026-12-22T10:00:00Z")))
        // In 2029 the 24th is a working Monday and the 25th a Tuesday holiday.
        #expect(office.addingBusinessMinutes(120, to: date("2029-12-24T15:00:00Z")) == date("2029-12-26T09:00:00Z"))
        // New Year's Day 2027 is a Friday.
        #expect(office.businessMinutes(from: date("2026-12-28T00:00:00Z"), to: date("2027-01-04T00:00:00Z")) == 4 * 480)
        // A night that starts before a holiday runs to its end; the holiday's own night is closed.
        let nights = try BusinessCalendar.parse(timeZone: "UTC", hours: ["thu": "22:00-06:00", "fri": "22:00-06:00"], holidays: ["2026-12-25"])
        #expect(nights.isOpen(at: date("2026-12-25T05:00:00Z")))
        #expect(!nights.isOpen(at: date("2026-12-25T23:00:00Z")))
        #expect(nights.businessMinutes(from: date("2026-12-24T00:00:00Z"), to: date("2026-12-27T00:00:00Z")) == 480)
    }

    @Test func calendarHoursCountEveryMinute() {
        let always = BusinessCalendar.calendarHours(timeZone: TimeZone(identifier: "Europe/Berlin")!)
        // Across the spring-forward night: ninety real minutes.
        #expect(always.addingBusinessMinutes(90, to: date("2026-03-29T00:30:00Z")) == date("2026-03-29T02:00:00Z"))
        #expect(always.businessMinutes(from: date("2026-03-29T00:30:00Z"), to: date("2026-03-29T02:00:59Z")) == 90)
        #expect(always.isOpen(at: date("2026-12-25T03:00:00Z")))
        #expect(always.nextOpening(after: date("2026-12-25T03:00:00Z")) == date("2026-12-25T03:00:00Z"))
    }

    @Test func daylightSavingDaysInBerlin() throws {
        let early = try BusinessCalendar.parse(timeZone: "Europe/Berlin", hours: ["sun": "01:00-04:00"], holidays: [])
        // 29 March 2026: 02:00 CET jumps to 03:00 CEST, so 01:00–04:00 is 00:00–02:00 UTC, two hours.
        #expect(early.businessMinutes(from: date("2026-03-28T12:00:00Z"), to: date("2026-03-29T12:00:00Z")) == 120)
        #expect(early.addingBusinessMinutes(60, to: date("2026-03-29T00:00:00Z")) == date("2026-03-29T01:00:00Z"))
        #expect(early.addingBusinessMinutes(120, to: date("2026-03-29T00:00:00Z")) == date("2026-03-29T02:00:00Z"))
        #expect(early.addingBusinessMinutes(121, to: date("2026-03-29T00:00:00Z")) == date("2026-04-04T23:01:00Z"))
        #expect(early.isOpen(at: date("2026-03-29T01:59:00Z")))
        #expect(!early.isOpen(at: date("2026-03-29T02:00:00Z")))
        // 25 October 2026: 03:00 CEST falls back to 02:00 CET, so the slot is 23:00–03:00 UTC, four hours.
        #expect(early.businessMinutes(from: date("2026-10-24T12:00:00Z"), to: date("2026-10-25T12:00:00Z")) == 240)
        #expect(early.addingBusinessMinutes(180, to: date("2026-10-24T23:00:00Z")) == date("2026-10-25T02:00:00Z"))
        #expect(early.addingBusinessMinutes(240, to: date("2026-10-24T23:00:00Z")) == date("2026-10-25T03:00:00Z"))
        // A slot starting at 02:30, a time the spring day skips, opens when the clock jumps to 03:00.
        let late = try BusinessCalendar.parse(timeZone: "Europe/Berlin", hours: ["sun": "02:30-05:00"], holidays: [])
        #expect(late.nextOpening(after: date("2026-03-28T12:00:00Z")) == date("2026-03-29T01:00:00Z"))
        #expect(late.businessMinutes(from: date("2026-03-28T12:00:00Z"), to: date("2026-03-29T12:00:00Z")) == 120)
        // In autumn it opens at the first 02:30 (CEST) and stays open through the repeated hour.
        #expect(late.nextOpening(after: date("2026-10-24T12:00:00Z")) == date("2026-10-25T00:30:00Z"))
        #expect(late.isOpen(at: date("2026-10-25T01:15:00Z")), "02:15 CET, the second time round")
        #expect(late.businessMinutes(from: date("2026-10-24T12:00:00Z"), to: date("2026-10-25T12:00:00Z")) == 210)
    }

    @Test func daylightSavingDaysInNewYork() throws {
        let early = try BusinessCalendar.parse(timeZone: "America/New_York", hours: ["sun": "01:00-04:00"], holidays: [])
        // 8 March 2026: 01:00 EST is 06:00 UTC, 04:00 EDT is 08:00 UTC.
        #expect(early.nextOpening(after: date("2026-03-07T12:00:00Z")) == date("2026-03-08T06:00:00Z"))
        #expect(early.addingBusinessMinutes(120, to: date("2026-03-07T12:00:00Z")) == date("2026-03-08T08:00:00Z"))
        #expect(early.businessMinutes(from: date("2026-03-07T12:00:00Z"), to: date("2026-03-09T00:00:00Z")) == 120)
        // 1 November 2026: 01:00 EDT is 05:00 UTC, 04:00 EST is 09:00 UTC.
        #expect(early.nextOpening(after: date("2026-10-31T12:00:00Z")) == date("2026-11-01T05:00:00Z"))
        #expect(early.addingBusinessMinutes(240, to: date("2026-10-31T12:00:00Z")) == date("2026-11-01T09:00:00Z"))
        #expect(early.businessMinutes(from: date("2026-10-31T12:00:00Z"), to: date("2026-11-02T00:00:00Z")) == 240)
    }

    @Test func readsTheOnboardingFormat() throws {
        let calendar = try BusinessCalendar.parse(
            timeZone: " Europe/Berlin ",
            hours: ["Monday": "09:00-12:00, 13:00-17:00", "tue": "22:00-06:00", "wed": "closed", "sat": "22:00-24:00",
                    "sun": "00:00-24:00", "time_zone": "Europe/Berlin"],
            holidays: ["2026-12-24", "02-29"])
        #expect(calendar.timeZone.identifier == "Europe/Berlin")
        #expect(calendar.weekly == [
            .monday: [Slot(start: 540, end: 720), Slot(start: 780, end: 1020)],
            .tuesday: [Slot(start: 1320, end: 1800)],
            .saturday: [Slot(start: 1320, end: 1440)],
            .sunday: [Slot(start: 0, end: 1440)],
        ])
        #expect(calendar.weekly[.tuesday]?.first?.description == "22:00-06:00")
        #expect(calendar.holidays == [BusinessCalendar.Holiday(year: 2026, month: 12, day: 24)!, BusinessCalendar.Holiday(year: nil, month: 2, day: 29)!])
        // Templates' hours read as they are.
        for template in IndustryTemplates.all {
            let fromTemplate = try BusinessCalendar.parse(timeZone: "Europe/Berlin", hours: template.businessHours, holidays: [])
            #expect(!fromTemplate.weekly.isEmpty, "\(template.id)")
        }
    }

    @Test func refusesWhatItCannotRead() {
        func fields(_ zone: String, _ hours: [String: String], _ holidays: [String] = []) -> [String: String] {
            do {
                _ = try BusinessCalendar.parse(timeZone: zone, hours: hours, holidays: holidays)
                return [:]
            } catch {
                return Dictionary(error.errors.map { ($0.field, $0.code) }) { first, _ in first }
            }
        }
        #expect(fields("Mars/Olympus", weekdays9to5) == ["business_hours.time_zone": "invalid_format"])
        #expect(fields("CET", weekdays9to5) == ["business_hours.time_zone": "invalid_format"], "abbreviations are not IANA names")
        #expect(fields("", weekdays9to5) == ["business_hours.time_zone": "required"])
        #expect(fields("UTC", ["mon": "9-5"]) == ["business_hours.mon": "invalid_format"])
        #expect(fields("UTC", ["mon": "09:00-09:00"]) == ["business_hours.mon": "invalid_format"])
        #expect(fields("UTC", ["mon": "24:00-06:00"]) == ["business_hours.mon": "invalid_format"])
        #expect(fields("UTC", ["mon": "20:00-02:00, 21:00-22:00"]) == ["business_hours.mon": "invalid_format"])
        #expect(fields("UTC", ["mon": "01:00-03:00, 20:00-02:00"]) == [:], "the night's early hours are Tuesday's")
        #expect(fields("UTC", ["funday": "09:00-17:00"]) == ["business_hours.funday": "unknown_day"])
        #expect(fields("UTC", ["mon": "09:00-17:00", "monday": "10:00-11:00"]) == ["business_hours.monday": "duplicate"])
        #expect(fields("UTC", ["mon": "22:00-06:00", "tue": "05:00-09:00"]) == ["business_hours.mon": "overlap"])
        #expect(fields("UTC", ["sun": "22:00-06:00", "mon": "05:00-09:00"]) == ["business_hours.sun": "overlap"], "Sunday night runs into Monday")
        #expect(fields("UTC", ["mon": "22:00-06:00", "tue": "05:59-09:00"]) == ["business_hours.mon": "overlap"], "by a minute")
        #expect(fields("UTC", ["mon": "22:00-06:00", "tue": "06:00-09:00"]) == [:], "touching is fine")
        #expect(fields("UTC", ["mon": "closed"]) == ["business_hours": "required"])
        #expect(fields("UTC", weekdays9to5, ["2026-02-29", "13-01", "christmas", "2026-12-24", "12-32"])
            == ["holidays[0]": "invalid_format", "holidays[1]": "invalid_format", "holidays[2]": "invalid_format", "holidays[4]": "invalid_format"])
        #expect(fields("Nowhere", ["mon": "open"], ["x"]).count == 3, "every problem is reported")
        do {
            _ = try BusinessCalendar.parse(timeZone: "UTC", hours: ["mon": "22:00-06:00", "tue": "05:00-09:00"], holidays: [])
            Issue.record("an overlap across midnight was accepted")
        } catch {
            #expect(error.errors.first?.message == "Monday's 22:00-06:00 runs into Tuesday's 05:00-09:00.")
        }
    }

    @Test func initMergesAndDropsSlots() {
        let calendar = BusinessCalendar(timeZone: TimeZone(identifier: "UTC")!, weekly: [
            .monday: [Slot(start: 600, end: 700), Slot(start: 540, end: 620), Slot(start: 700, end: 720), Slot(start: 1500, end: 1600)],
            .tuesday: [Slot(start: 100, end: 100)],
        ])
        #expect(calendar.weekly == [.monday: [Slot(start: 540, end: 720)]])
    }

    @Test func roundTripsThroughJSON() throws {
        let calendar = try BusinessCalendar.parse(timeZone: "Asia/Kolkata", hours: ["mon": "09:00-12:00, 22:00-06:00"], holidays: ["12-25", "2026-01-26"])
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let json = try encoder.encode(calendar)
        let text = String(decoding: json, as: UTF8.self)
        #expect(text.contains("\"time_zone\":\"Asia/Kolkata\"") && text.contains("\"mon\":[") && text.contains("\"2026-01-26\""))
        let decoded = try JSONDecoder().decode(BusinessCalendar.self, from: json)
        #expect(decoded == calendar)
        #expect(decoded.addingBusinessMinutes(600, to: date("2026-11-23T00:00:00Z")) == calendar.addingBusinessMinutes(600, to: date("2026-11-23T00:00:00Z")))
        let always = BusinessCalendar.calendarHours(timeZone: TimeZone(identifier: "UTC")!)
        #expect(try JSONDecoder().decode(BusinessCalendar.self, from: JSONEncoder().encode(always)) == always)
        #expect(throws: DecodingError.self) {
            try JSONDecoder().decode(BusinessCalendar.self, from: Data(#"{"time_zone":"Nowhere/Atlantis"}"#.utf8))
        }
    }

    /// Local midnights and slot edges agree with Foundation's Calendar wherever the wall time exists.
    @Test func localTimesAgreeWithFoundation() throws {
        var random = SplitMix64(seed: 7)
        var utc = Calendar(identifier: .gregorian)
        utc.timeZone = TimeZone(identifier: "UTC")!
        for name in ["Europe/Berlin", "America/New_York", "Asia/Kolkata", "Pacific/Chatham", "Australia/Lord_Howe", "America/Santiago"] {
            let zone = TimeZone(identifier: name)!
            var local = Calendar(identifier: .gregorian)
            local.timeZone = zone
            let calendar = BusinessCalendar(timeZone: zone, weekly: [:])
            // Random days, and the days of the zone's changes in 2024–2028 near their hour.
            var samples: [Int64] = (0..<300).map { _ in Int64.random(in: 18_000...22_000, using: &random) * 86_400 + Int64.random(in: 0..<1440, using: &random) * 60 }
            var cursor = date("2024-01-01T00:00:00Z")
            while let change = zone.nextDaylightSavingTimeTransition(after: cursor), change < date("2029-01-01T00:00:00Z") {
                let wall = Int64(change.timeIntervalSince1970) + Int64(zone.secondsFromGMT(for: change))
                for minutes in stride(from: -150, through: 150, by: 15) { samples.append(wall + Int64(minutes) * 60) }
                cursor = change
            }
            var gaps = 0
            for localSeconds in samples {
                let wall = utc.dateComponents([.year, .month, .day, .hour, .minute], from: Date(timeIntervalSince1970: Double(localSeconds)))
                let ours = Date(timeIntervalSince1970: Double(calendar.utcSeconds(local: localSeconds)))
                let theirs = try #require(local.date(from: wall))
                let shown = local.dateComponents([.year, .month, .day, .hour, .minute], from: theirs)
                if shown == wall {
                    #expect(ours == theirs, "\(name) \(wall)")
                } else {
                    // A wall time the clock skips: ours is the jump, the first instant showing a later time.
                    gaps += 1
                    func shown(_ instant: Date) -> Int64 {
                        let c = local.dateComponents([.year, .month, .day, .hour, .minute, .second], from: instant)
                        return Int64(utc.date(from: c)!.timeIntervalSince1970)
                    }
                    #expect(shown(ours) > localSeconds && shown(ours.addingTimeInterval(-1)) < localSeconds, "\(name) \(wall)")
                }
            }
            if name != "Asia/Kolkata" { #expect(gaps > 0, "\(name) has spring-forward gaps") }
        }
    }

    @Test func civilDatesAndWeekdaysAgreeWithFoundation() {
        var utc = Calendar(identifier: .gregorian)
        utc.timeZone = TimeZone(identifier: "UTC")!
        var random = SplitMix64(seed: 11)
        for _ in 0..<2000 {
            let day = Int.random(in: -100_000...200_000, using: &random)  // 1696–2517: Foundation switches to the Julian calendar before 1582
            let components = utc.dateComponents([.year, .month, .day, .weekday], from: Date(timeIntervalSince1970: Double(day) * 86_400))
            let ours = BusinessCalendar.civilDate(day)
            #expect([ours.year, ours.month, ours.day] == [components.year, components.month, components.day])
            #expect((BusinessCalendar.weekdayIndex(day) + 1) % 7 + 1 == components.weekday, "\(day)")
        }
    }
}

/// The rules of the calendar, checked by walking minute by minute with Foundation's Calendar.
private struct MinuteWalk {
    let weekly: [Weekday: [Slot]]
    let holidays: Set<String>
    let local: Calendar
    let utc: Calendar
    static let weekdays: [Int: Weekday] = [1: .sunday, 2: .monday, 3: .tuesday, 4: .wednesday, 5: .thursday, 6: .friday, 7: .saturday]

    init(_ calendar: BusinessCalendar) {
        weekly = calendar.weekly
        holidays = Set(calendar.holidays.map(\.description))
        var local = Calendar(identifier: .gregorian)
        local.timeZone = calendar.timeZone
        self.local = local
        var utc = Calendar(identifier: .gregorian)
        utc.timeZone = TimeZone(identifier: "UTC")!
        self.utc = utc
    }

    /// Minutes since local 1970-01-01 00:00 that the wall clock shows at `instant`.
    func wallMinute(_ instant: Date) -> Int {
        let c = local.dateComponents([.year, .month, .day, .hour, .minute], from: instant)
        let midnight = utc.date(from: DateComponents(year: c.year, month: c.month, day: c.day))!
        return Int(midnight.timeIntervalSince1970) / 60 + c.hour! * 60 + c.minute!
    }

    func slots(onDay day: Int) -> [Slot] {
        let c = utc.dateComponents([.year, .month, .day, .weekday], from: Date(timeIntervalSince1970: Double(day) * 86_400))
        let monthDay = String(format: "%02d-%02d", c.month!, c.day!)
        if holidays.contains(monthDay) || holidays.contains(String(format: "%04d-", c.year!) + monthDay) { return [] }
        return weekly[Self.weekdays[c.weekday!]!] ?? []
    }

    /// Open while the highest wall time shown so far is within a slot of its day, or within the
    /// part after midnight of a slot of the day before.
    func isOpen(wall: Int) -> Bool {
        let day = wall >= 0 ? wall / 1440 : (wall - 1439) / 1440
        let minute = wall - day * 1440
        return slots(onDay: day).contains { $0.start <= minute && minute < $0.end }
            || slots(onDay: day - 1).contains { minute + 1440 < $0.end }
    }

    /// The end of the `minutes`-th open minute from the minute-aligned `start`, with every
    /// walked minute's openness handed to `check`; nil beyond `limit` minutes.
    func due(minutes: Int, from start: Date, limit: Int, check: (Date, Bool) -> Void) -> Date? {
        var highest = Int.min
        for back in stride(from: 180, through: 1, by: -1) { highest = max(highest, wallMinute(start.addingTimeInterval(Double(-60 * back)))) }
        var counted = 0
        for step in 0..<limit {
            let instant = start.addingTimeInterval(Double(60 * step))
            highest = max(highest, wallMinute(instant))
            let open = isOpen(wall: highest)
            check(instant, open)
            if open {
                counted += 1
                if counted == minutes { return instant.addingTimeInterval(60) }
            }
        }
        return nil
    }
}

@Suite("Business calendar properties")
struct BusinessCalendarPropertyTests {
    static let zones = ["Europe/Berlin", "America/New_York", "America/Los_Angeles", "Asia/Kolkata", "Pacific/Chatham",
                        "Australia/Lord_Howe", "America/St_Johns", "Asia/Kathmandu", "Pacific/Auckland", "America/Santiago",
                        "UTC", "Asia/Tokyo", "Europe/London", "Pacific/Kiritimati", "Pacific/Pago_Pago"]

    static func randomCalendar(_ random: inout SplitMix64, allowCalendarHours: Bool = true) -> BusinessCalendar {
        let zone = TimeZone(identifier: zones.randomElement(using: &random)!)!
        if allowCalendarHours, Int.random(in: 0..<12, using: &random) == 0 { return .calendarHours(timeZone: zone) }
        var weekly: [Weekday: [Slot]] = [:]
        for day in Weekday.allCases where Int.random(in: 0..<10, using: &random) < 7 {
            weekly[day] = (0..<Int.random(in: 1...3, using: &random)).map { _ in
                // Often in the small hours, where clocks change.
                let start = Int.random(in: 0..<10, using: &random) < 3 ? Int.random(in: 0...240, using: &random) : Int.random(in: 0..<1440, using: &random)
                let length = Bool.random(using: &random) ? Int.random(in: 15...600, using: &random) : Int.random(in: 1...1440, using: &random)
                return Slot(start: start, end: start + length)
            }
        }
        if weekly.isEmpty { weekly[.wednesday] = [Slot(start: 600, end: 660)] }
        let holidays = (0..<Int.random(in: 0...4, using: &random)).compactMap { _ in
            BusinessCalendar.Holiday(year: Bool.random(using: &random) ? nil : Int.random(in: 2025...2028, using: &random),
                                     month: Int.random(in: 1...12, using: &random), day: Int.random(in: 1...28, using: &random))
        }
        return BusinessCalendar(timeZone: zone, weekly: weekly, holidays: holidays)
    }

    /// A start in 2025–2028, half of them within two days of one of the zone's clock changes.
    static func randomStart(_ zone: TimeZone, _ random: inout SplitMix64, minuteAligned: Bool = false) -> Date {
        var start = Date(timeIntervalSince1970: Double.random(in: 1_735_689_600..<1_830_297_600, using: &random).rounded(.down))
        if Bool.random(using: &random), let change = zone.nextDaylightSavingTimeTransition(after: start) {
            start = change.addingTimeInterval(Double(Int.random(in: -2880...2880, using: &random) * 60))
        }
        start = Date(timeIntervalSince1970: (start.timeIntervalSince1970 / 60).rounded(.down) * 60)
        return minuteAligned ? start : start.addingTimeInterval(Double(Int.random(in: 0..<60_000, using: &random)) / 1000)
    }

    static func randomMinutes(_ random: inout SplitMix64) -> Int {
        switch Int.random(in: 0..<10, using: &random) {
        case 0: Int.random(in: 2000...20_000, using: &random)
        case 1...3: Int.random(in: 1...30, using: &random)
        default: Int.random(in: 1...1000, using: &random)
        }
    }

    @Test func dueTimesKeepTheirPromises() {
        var random = SplitMix64(seed: 2026)
        var checked = 0
        for _ in 0..<250 {
            let calendar = Self.randomCalendar(&random)
            for _ in 0..<16 {
                let start = Self.randomStart(calendar.timeZone, &random)
                let minutes = Self.randomMinutes(&random)
                let due = calendar.addingBusinessMinutes(minutes, to: start)
                guard due != .distantFuture else { continue }
                checked += 1
                let context = "\(calendar.timeZone.identifier) \(calendar.weekly) \(calendar.holidays) from \(start) + \(minutes)"
                #expect(due >= start, "(a) \(context)")
                #expect(calendar.businessMinutes(from: start, to: due) == minutes, "(b) \(context)")
                let later = calendar.addingBusinessMinutes(minutes + 1, to: start)
                #expect(later > due, "(c) \(context)")
                let first = Int.random(in: 1...minutes, using: &random)
                #expect(calendar.addingBusinessMinutes(minutes - first, to: calendar.addingBusinessMinutes(first, to: start)) == due, "(d) \(context)")
                #expect(calendar.isOpen(at: due.addingTimeInterval(-0.001)), "(e) \(context)")
                let opening = calendar.nextOpening(after: start)
                #expect(opening.map { $0 >= start && $0 < due && calendar.isOpen(at: $0) } == true, "opening \(context)")
                #expect(opening.map { calendar.businessMinutes(from: start, to: $0) } == 0, "opening \(context)")
            }
        }
        #expect(checked > 3500)
    }

    @Test func agreesWithAMinuteByMinuteWalk() {
        var random = SplitMix64(seed: 42)
        var walked = 0, openMinutes = 0
        for _ in 0..<220 {
            let calendar = Self.randomCalendar(&random, allowCalendarHours: false)
            let walk = MinuteWalk(calendar)
            let start = Self.randomStart(calendar.timeZone, &random, minuteAligned: true)
            let minutes = Int.random(in: 1...240, using: &random)
            var mismatches = 0
            let expected = walk.due(minutes: minutes, from: start, limit: 15 * 1440) { instant, open in
                if calendar.isOpen(at: instant) != open { mismatches += 1 }
                if open { openMinutes += 1 }
            }
            guard let expected else { continue }
            walked += 1
            let context = "\(calendar.timeZone.identifier) \(calendar.weekly) \(calendar.holidays) from \(start) + \(minutes)"
            #expect(mismatches == 0, "isOpen \(context)")
            #expect(calendar.addingBusinessMinutes(minutes, to: start) == expected, "(f) \(context)")
        }
        #expect(walked > 150)
        #expect(openMinutes > 10_000)
    }

    @Test func longTargetsSkipAheadAndStillAgree() {
        // Page skipping must give what adding day by day gives.
        var random = SplitMix64(seed: 99)
        for _ in 0..<60 {
            let calendar = Self.randomCalendar(&random, allowCalendarHours: false)
            let start = Self.randomStart(calendar.timeZone, &random)
            var stepwise = start
            var total = 0
            for _ in 0..<20 {
                let step = Int.random(in: 500...6000, using: &random)
                total += step
                stepwise = calendar.addingBusinessMinutes(step, to: stepwise)
            }
            #expect(calendar.addingBusinessMinutes(total, to: start) == stepwise)
            #expect(calendar.businessMinutes(from: start, to: stepwise) == total)
        }
    }

    /// Due times and sums that end exactly where a cached block of days ends, or just before.
    @Test func blocksOfDaysEndExactly() {
        var random = SplitMix64(seed: 64)
        var blocks = 0
        for _ in 0..<40 {
            let calendar = Self.randomCalendar(&random, allowCalendarHours: false)
            let number = Int.random(in: 300...340, using: &random)
            let page = calendar.page(number)
            guard page.count > 0, page.total % 60_000 == 0 else { continue }
            blocks += 1
            let first = BusinessCalendar.date(page.bounds[0]), last = BusinessCalendar.date(page.bounds[2 * page.count - 1])
            let minutes = Int(page.total / 60_000)
            #expect(calendar.addingBusinessMinutes(minutes, to: first) == last)
            #expect(calendar.businessMinutes(from: first, to: last) == minutes)
            #expect(calendar.businessMinutes(from: first, to: last.addingTimeInterval(-1)) == minutes - 1)
            #expect(calendar.isOpen(at: first) && calendar.isOpen(at: last.addingTimeInterval(-0.001)))
        }
        #expect(blocks > 20)
    }

    @Test func aCalendarThatNeverOpensGivesNoDueTime() {
        let never = BusinessCalendar(timeZone: TimeZone(identifier: "UTC")!, weekly: [:])
        #expect(never.addingBusinessMinutes(60, to: date("2026-11-23T08:00:00Z")) == .distantFuture)
        #expect(never.nextOpening(after: date("2026-11-23T08:00:00Z")) == nil)
        #expect(!never.isOpen(at: date("2026-11-23T08:00:00Z")))
        #expect(never.businessMinutes(from: date("2026-01-01T00:00:00Z"), to: date("2027-01-01T00:00:00Z")) == 0)
    }
}

@Suite("SLA policies and clocks")
struct SLAClockTests {
    typealias Event = SLAClock.Event

    static let office = try! BusinessCalendar.parse(timeZone: "Europe/Berlin", hours: weekdays9to5, holidays: ["12-25"])
    static let policy = SLAPolicy(name: "Standard", targets: [
        .normal: .init(firstResponse: 60, nextResponse: 120, periodicUpdate: 240, resolution: 480),
        .urgent: .init(firstResponse: 15, nextResponse: 30, periodicUpdate: 60, resolution: 120),
    ])
    /// Monday 23 November 2026, 09:00 in Berlin.
    static let monday9 = date("2026-11-23T08:00:00Z")

    static func clock(_ events: [Event], priority: TicketPriority = .normal, policy: SLAPolicy = policy) -> SLAClock {
        SLAClock(policy: policy, calendar: office, createdAt: monday9, priority: priority, events: events)
    }

    @Test func pendingPausesResolutionUntilTheTicketIsOpenAgain() {
        let clock = Self.clock([
            .publicReply(byAgent: true, at: date("2026-11-23T09:00:00Z")),
            .statusChanged(to: .pending, at: date("2026-11-23T09:00:00Z")),
            .statusChanged(to: .open, at: date("2026-11-24T08:00:00Z")),
        ])
        let monday = clock.status(at: date("2026-11-23T11:00:00Z"))
        #expect(monday[.resolution]?.state == .paused)
        #expect(monday[.resolution]?.remainingBusinessMinutes == 420)
        #expect(monday[.resolution]?.dueAt == nil)
        #expect(monday[.firstResponse]?.state == .achieved, "answered exactly at the due time")
        #expect(monday[.firstResponse]?.achievedAt == date("2026-11-23T09:00:00Z"))
        #expect(monday[.periodicUpdate]?.state == .paused)
        #expect(monday[.nextResponse] == nil, "no customer reply yet")
        let tuesday = clock.status(at: date("2026-11-24T09:00:00Z"))
        // Seven hours left from Tuesday 09:00: 16:00 CET.
        #expect(tuesday[.resolution]?.state == .active)
        #expect(tuesday[.resolution]?.dueAt == date("2026-11-24T15:00:00Z"))
        #expect(tuesday[.resolution]?.warningAt == date("2026-11-24T14:30:00Z"))
        #expect(tuesday[.resolution]?.remainingBusinessMinutes == 360)
        #expect(tuesday[.periodicUpdate]?.dueAt == date("2026-11-24T12:00:00Z"))
    }

    @Test func pendingDoesNotPauseFirstResponseUnlessConfigured() {
        let events: [Event] = [.statusChanged(to: .pending, at: date("2026-11-23T08:10:00Z"))]
        let status = Self.clock(events).status(at: date("2026-11-23T09:30:00Z"))
        #expect(status[.firstResponse]?.state == .breached)
        #expect(status[.firstResponse]?.breachedAt == date("2026-11-23T09:00:00Z"))
        #expect(status[.firstResponse]?.dueAt == date("2026-11-23T09:00:00Z"))
        #expect(status[.resolution]?.state == .paused)
        #expect(status[.resolution]?.remainingBusinessMinutes == 470)
        var pausing = Self.policy
        pausing.pausedStatuses[.firstResponse] = [.pending]
        let paused = Self.clock(events, policy: pausing).status(at: date("2026-11-23T09:30:00Z"))
        #expect(paused[.firstResponse]?.state == .paused)
        #expect(paused[.firstResponse]?.remainingBusinessMinutes == 50)
        // Half a minute left counts as a minute.
        let halfMinute = Self.clock([.statusChanged(to: .pending, at: date("2026-11-23T08:10:30Z"))], policy: pausing)
        #expect(halfMinute.status(at: date("2026-11-23T09:30:00Z"))[.firstResponse]?.remainingBusinessMinutes == 50)
        #expect(halfMinute.status(at: date("2026-11-23T09:30:00Z"))[.resolution]?.remainingBusinessMinutes == 470)
        // Answered late: breached, and achieved too.
        let late = Self.clock(events + [.publicReply(byAgent: true, at: date("2026-11-23T09:40:00Z"))]).status(at: date("2026-11-23T10:00:00Z"))
        #expect(late[.firstResponse]?.state == .breached)
        #expect(late[.firstResponse]?.achievedAt == date("2026-11-23T09:40:00Z"))
    }

    @Test func warningsAndBreachesToSchedule() {
        let fresh = Self.clock([])
        #expect(fresh.nextDeadlines(now: date("2026-11-23T08:10:00Z")) == [
            .init(metric: .firstResponse, kind: .warning, at: date("2026-11-23T08:30:00Z")),
            .init(metric: .firstResponse, kind: .breach, at: date("2026-11-23T09:00:00Z")),
            .init(metric: .resolution, kind: .warning, at: date("2026-11-23T15:30:00Z")),
            .init(metric: .resolution, kind: .breach, at: date("2026-11-23T16:00:00Z")),
        ])
        // After the warning has passed only the breach is to come.
        #expect(fresh.nextDeadlines(now: date("2026-11-23T08:45:00Z")).prefix(1) == [
            .init(metric: .firstResponse, kind: .breach, at: date("2026-11-23T09:00:00Z")),
        ])
        let answered = Self.clock([.publicReply(byAgent: true, at: date("2026-11-23T08:20:00Z"))])
        let status = answered.status(at: date("2026-11-23T08:25:00Z"))
        #expect(status[.firstResponse]?.state == .achieved)
        #expect(status[.firstResponse]?.dueAt == nil)
        #expect(status[.firstResponse]?.warningAt == nil, "answered before the warning")
        #expect(answered.nextDeadlines(now: date("2026-11-23T08:25:00Z")) == [
            .init(metric: .periodicUpdate, kind: .warning, at: date("2026-11-23T11:50:00Z")),
            .init(metric: .periodicUpdate, kind: .breach, at: date("2026-11-23T12:20:00Z")),
            .init(metric: .resolution, kind: .warning, at: date("2026-11-23T15:30:00Z")),
            .init(metric: .resolution, kind: .breach, at: date("2026-11-23T16:00:00Z")),
        ])
        // A breach past due is a state, not a deadline; paused metrics schedule nothing.
        let pending = Self.clock([.statusChanged(to: .pending, at: date("2026-11-23T08:05:00Z"))])
        #expect(pending.nextDeadlines(now: date("2026-11-23T09:10:00Z")) == [])
        // No warning when the target is not longer than the warning.
        var short = Self.policy
        short.warningMinutes = 60
        #expect(Self.clock([], policy: short).status(at: Self.monday9)[.firstResponse]?.warningAt == nil)
    }

    @Test func nextResponseFollowsEachCustomerReply() {
        let clock = Self.clock([
            .publicReply(byAgent: true, at: date("2026-11-23T08:20:00Z")),
            .publicReply(byAgent: false, at: date("2026-11-23T10:00:00Z")),
            .publicReply(byAgent: false, at: date("2026-11-23T10:30:00Z")),
            .publicReply(byAgent: true, at: date("2026-11-23T11:00:00Z")),
            // Friday 16:30 CET: half an hour on Friday, ninety minutes on Monday.
            .publicReply(byAgent: false, at: date("2026-11-27T15:30:00Z")),
        ])
        let waiting = clock.status(at: date("2026-11-23T10:45:00Z"))[.nextResponse]
        #expect(waiting?.state == .active)
        #expect(waiting?.startedAt == date("2026-11-23T10:00:00Z"), "the oldest unanswered message counts")
        #expect(waiting?.dueAt == date("2026-11-23T12:00:00Z"))
        let answered = clock.status(at: date("2026-11-23T11:30:00Z"))[.nextResponse]
        #expect(answered?.state == .achieved)
        #expect(answered?.achievedAt == date("2026-11-23T11:00:00Z"))
        let again = clock.status(at: date("2026-11-27T16:00:00Z"))[.nextResponse]
        #expect(again?.state == .active)
        #expect(again?.dueAt == date("2026-11-30T09:30:00Z"))
        // Before the first agent reply a customer message is covered by the first response.
        let early = Self.clock([.publicReply(byAgent: false, at: date("2026-11-23T08:10:00Z"))]).status(at: date("2026-11-23T08:15:00Z"))
        #expect(early[.nextResponse] == nil)
    }

    @Test func priorityChangesApplyFromCreation() {
        let urgent = Self.clock([.priorityChanged(to: .urgent, at: date("2026-11-23T08:10:00Z"))])
        let soon = urgent.status(at: date("2026-11-23T08:12:00Z"))
        #expect(soon[.firstResponse]?.dueAt == date("2026-11-23T08:15:00Z"))
        #expect(soon[.firstResponse]?.targetMinutes == 15)
        #expect(soon[.resolution]?.dueAt == date("2026-11-23T10:00:00Z"))
        // Raised after the urgent target ran out: breached at the moment it ran out.
        let late = Self.clock([.priorityChanged(to: .urgent, at: date("2026-11-23T08:20:00Z"))]).status(at: date("2026-11-23T08:20:00Z"))
        #expect(late[.firstResponse]?.state == .breached)
        #expect(late[.firstResponse]?.breachedAt == date("2026-11-23T08:15:00Z"))
        // An answer given under the old priority keeps its result.
        let kept = Self.clock([
            .publicReply(byAgent: true, at: date("2026-11-23T08:40:00Z")),
            .priorityChanged(to: .urgent, at: date("2026-11-23T09:00:00Z")),
        ]).status(at: date("2026-11-23T09:00:00Z"))
        #expect(kept[.firstResponse]?.state == .achieved)
        #expect(kept[.firstResponse]?.targetMinutes == 60)
        #expect(kept[.resolution]?.state == .active)
        #expect(kept[.resolution]?.dueAt == date("2026-11-23T10:00:00Z"))
        // A priority without targets measures nothing.
        #expect(Self.clock([], priority: .low).status(at: Self.monday9).isEmpty)
    }

    @Test func resolvingEndsTheClocksAndReopeningResumesResolution() {
        let clock = Self.clock([
            .statusChanged(to: .resolved, at: date("2026-11-23T10:00:00Z")),
            .reopened(at: date("2026-11-24T08:00:00Z")),
        ])
        let solved = clock.status(at: date("2026-11-23T11:00:00Z"))
        #expect(solved[.resolution]?.state == .achieved)
        #expect(solved[.resolution]?.achievedAt == date("2026-11-23T10:00:00Z"))
        #expect(solved[.firstResponse]?.state == .breached, "solved after the first response was due")
        #expect(solved[.firstResponse]?.breachedAt == date("2026-11-23T09:00:00Z"))
        let reopened = clock.status(at: date("2026-11-24T09:00:00Z"))
        // Two hours used on Monday, six left from Tuesday 09:00: 15:00 CET.
        #expect(reopened[.resolution]?.state == .active)
        #expect(reopened[.resolution]?.dueAt == date("2026-11-24T14:00:00Z"))
        #expect(reopened[.resolution]?.achievedAt == nil)
        #expect(reopened[.periodicUpdate]?.startedAt == date("2026-11-24T08:00:00Z"))
        #expect(reopened[.periodicUpdate]?.dueAt == date("2026-11-24T12:00:00Z"))
        #expect(reopened[.firstResponse]?.state == .breached, "a reopen does not restart the first response")
    }

    @Test func customerRepliesReopenResolvedTicketsButNotClosedOnes() {
        let resolved = Self.clock([
            .publicReply(byAgent: true, at: date("2026-11-23T08:30:00Z")),
            .statusChanged(to: .resolved, at: date("2026-11-23T09:00:00Z")),
            .publicReply(byAgent: false, at: date("2026-11-23T10:00:00Z")),
        ]).status(at: date("2026-11-23T10:30:00Z"))
        #expect(resolved[.resolution]?.state == .active)
        // An hour used before it was resolved; six more on Monday from 11:00 CET, the last on Tuesday.
        #expect(resolved[.resolution]?.dueAt == date("2026-11-24T09:00:00Z"))
        #expect(resolved[.nextResponse]?.dueAt == date("2026-11-23T12:00:00Z"))
        let closed = Self.clock([
            .publicReply(byAgent: true, at: date("2026-11-23T08:30:00Z")),
            .statusChanged(to: .closed, at: date("2026-11-23T09:00:00Z")),
            .publicReply(byAgent: false, at: date("2026-11-23T10:00:00Z")),
        ]).status(at: date("2026-11-23T10:30:00Z"))
        #expect(closed[.resolution]?.state == .achieved)
        #expect(closed[.nextResponse] == nil)
        #expect(closed[.periodicUpdate]?.state == .achieved)
    }

    @Test func breachedStaysBreachedWhilePaused() {
        let status = Self.clock([.statusChanged(to: .onHold, at: date("2026-11-24T08:00:00Z"))]).status(at: date("2026-11-24T10:00:00Z"))
        #expect(status[.resolution]?.state == .breached)
        #expect(status[.resolution]?.breachedAt == date("2026-11-23T16:00:00Z"))
        #expect(status[.resolution]?.remainingBusinessMinutes == nil)
    }

    @Test func calendarHoursPoliciesIgnoreOpeningHours() {
        var policy = Self.policy
        policy.calendarHours = true
        // Saturday 11:00 CET: due an hour later, not on Monday.
        let clock = SLAClock(policy: policy, calendar: Self.office, createdAt: date("2026-11-21T10:00:00Z"), priority: .normal, events: [])
        #expect(clock.status(at: date("2026-11-21T10:00:00Z"))[.firstResponse]?.dueAt == date("2026-11-21T11:00:00Z"))
        #expect(clock.calendar.isCalendarHours)
        let office = SLAClock(policy: Self.policy, calendar: Self.office, createdAt: date("2026-11-21T10:00:00Z"), priority: .normal, events: [])
        #expect(office.status(at: date("2026-11-21T10:00:00Z"))[.firstResponse]?.dueAt == date("2026-11-23T09:00:00Z"))
    }

    @Test func laterEventsAreIgnoredAndOrderIsRestored() {
        let events: [Event] = [
            .statusChanged(to: .open, at: date("2026-11-23T09:30:00Z")),
            .statusChanged(to: .pending, at: date("2026-11-23T09:00:00Z")),
            .statusChanged(to: .resolved, at: date("2026-11-23T12:00:00Z")),
        ]
        let status = Self.clock(events).status(at: date("2026-11-23T10:00:00Z"))
        // Paused 09:00–09:30 (half an hour), so due half an hour into Tuesday; still open at 10:00
        // although resolved at 12:00 later on.
        #expect(status[.resolution]?.state == .active)
        #expect(status[.resolution]?.dueAt == date("2026-11-24T08:30:00Z"))
        #expect(Self.clock(events).status(at: date("2026-11-23T07:00:00Z")).isEmpty, "before creation")
    }

    /// Random histories: the reported states fit together, and a paused metric's due time moves
    /// on by exactly the business time it was paused.
    @Test func randomHistoriesStayConsistent() {
        var random = SplitMix64(seed: 5)
        for _ in 0..<400 {
            var events: [Event] = []
            var time = Self.monday9
            var pausedBusiness = 0
            var pausedSince: Date?
            for _ in 0..<Int.random(in: 0...8, using: &random) {
                time = time.addingTimeInterval(Double(Int.random(in: 1...600, using: &random) * 60))
                switch Int.random(in: 0..<5, using: &random) {
                case 0, 1:
                    let status: TicketStatus = [.open, .pending, .onHold].randomElement(using: &random)!
                    events.append(.statusChanged(to: status, at: time))
                    let pausing = status != .open
                    if pausing, pausedSince == nil { pausedSince = time }
                    if !pausing, let since = pausedSince {
                        pausedBusiness += Self.office.businessMinutes(from: since, to: time)
                        pausedSince = nil
                    }
                case 2: events.append(.publicReply(byAgent: false, at: time))
                case 3: events.append(.publicReply(byAgent: true, at: time))
                default: events.append(.priorityChanged(to: Bool.random(using: &random) ? .urgent : .normal, at: time))
                }
            }
            let now = time.addingTimeInterval(Double(Int.random(in: 0...3000, using: &random) * 60))
            let clock = Self.clock(events)
            for (metric, status) in clock.status(at: now) {
                #expect(status.metric == metric)
                switch status.state {
                case .active:
                    #expect(status.dueAt.map { $0 > now } == true)
                    #expect(status.remainingBusinessMinutes.map { $0 > 0 } == true)
                case .paused:
                    #expect(status.dueAt == nil)
                    #expect(status.remainingBusinessMinutes.map { $0 > 0 && $0 <= status.targetMinutes } == true)
                case .breached:
                    #expect(status.breachedAt != nil && status.breachedAt == status.dueAt)
                    #expect(status.breachedAt.map { $0 <= now } == true)
                case .achieved:
                    #expect(status.achievedAt.map { $0 <= now } == true)
                    #expect(status.breachedAt == nil)
                }
            }
            // Resolution: business time from creation to due, less the paused business time, is the target.
            let resolution = clock.status(at: now)[.resolution]
            if let resolution, resolution.state == .active, let due = resolution.dueAt, pausedSince == nil {
                #expect(Self.office.businessMinutes(from: Self.monday9, to: due) - pausedBusiness == resolution.targetMinutes)
            }
        }
    }

    @Test func conditionsChooseThePolicy() {
        let vip = SLAPolicy(name: "VIP email", conditions: .init(channels: ["Email"], tags: ["vip", "enterprise"]),
                            targets: [.urgent: .init(firstResponse: 5)])
        let urgentChat = SLAPolicy(name: "Urgent chat", conditions: .init(priorities: [.urgent, .high], channels: ["chat"]),
                                   targets: [.urgent: .init(firstResponse: 10)])
        let fallback = SLAPolicy(name: "Everything else", targets: [.normal: .init(resolution: 480)])
        #expect(vip.matches(priority: .low, channel: "email", tags: ["VIP", "billing"]))
        #expect(!vip.matches(priority: .low, channel: "email", tags: ["billing"]))
        #expect(!vip.matches(priority: .low, channel: "chat", tags: ["vip"]))
        #expect(urgentChat.matches(priority: .high, channel: "chat", tags: []))
        #expect(!urgentChat.matches(priority: .normal, channel: "chat", tags: []))
        #expect(SLAPolicy(name: "Empty sets", conditions: .init(priorities: [], channels: [], tags: []), targets: [:])
            .matches(priority: .low, channel: "phone", tags: []))
        let policies = [vip, urgentChat, fallback]
        #expect(SLAPolicy.first(in: policies, priority: .urgent, channel: "chat", tags: ["vip"])?.name == "Urgent chat")
        #expect(SLAPolicy.first(in: policies, priority: .urgent, channel: "email", tags: ["vip"])?.name == "VIP email")
        #expect(SLAPolicy.first(in: policies, priority: .low, channel: "phone", tags: [])?.name == "Everything else")
        #expect(SLAPolicy.first(in: [vip], priority: .low, channel: "phone", tags: []) == nil)
    }

    @Test func policiesValidateAndRoundTripThroughJSON() throws {
        #expect(Self.policy.problems().isEmpty)
        var broken = Self.policy
        broken.name = " "
        broken.targets[.high] = .init(firstResponse: 0, resolution: 600_000)
        broken.warningMinutes = -1
        #expect(broken.problems().map(\.field) == ["name", "targets.high.first_response_minutes", "targets.high.resolution_minutes", "warning_minutes"])
        let json = try JSONEncoder().encode(Self.policy)
        let text = String(decoding: json, as: UTF8.self)
        #expect(text.contains("\"first_response_minutes\":60") && text.contains("\"paused_statuses\"") && text.contains("\"on_hold\""))
        #expect(try JSONDecoder().decode(SLAPolicy.self, from: json) == Self.policy)
        let minimal = try JSONDecoder().decode(SLAPolicy.self, from: Data(#"{"name":"Basic","targets":{"urgent":{"resolution_minutes":60}}}"#.utf8))
        #expect(minimal.warningMinutes == 30)
        #expect(minimal.pausedStatuses == SLAPolicy.defaultPausedStatuses)
        #expect(minimal.pauses(.resolution, in: .onHold) && !minimal.pauses(.firstResponse, in: .pending))
        #expect(minimal.target(.resolution, priority: .urgent) == 60)
        #expect(TicketStatus.onHold.rawValue == "on_hold")
        let status = Self.clock([]).status(at: Self.monday9)[.firstResponse]!
        let encoded = String(decoding: try JSONEncoder().encode(status), as: UTF8.self)
        #expect(encoded.contains("\"due_at\"") && encoded.contains("\"state\":\"active\""))
    }
}
