import Foundation

/// When an SLA clock runs: the opening hours of a week in a time zone, less holidays — or
/// every hour of every day (`calendarHours`).
///
/// Rules, all in the calendar's own time zone:
/// - A slot is a stretch of local wall-clock time of one weekday, in minutes after local
///   midnight: `start` in 0..<1440 and `start < end ≤ start + 1440`. An `end` above 1440 runs
///   past midnight into the next day (22:00–06:00 is `Slot(start: 1320, end: 1800)`); such a
///   slot belongs to the day it starts on.
/// - Business time is the union of all slots (a Monday night slot that runs into Tuesday's
///   morning slot counts the shared minutes once).
/// - A holiday closes the slots that start on that local date. A night slot that starts the
///   evening before a holiday still runs to its end.
/// - Daylight saving time: a slot opens at the first instant at which the local clock shows
///   its start and closes at the first instant at which it shows its end. So on the day Berlin
///   springs forward a 01:00–04:00 slot lasts two real hours and a slot starting at 02:30 (a
///   time that does not exist that day) opens at 03:00, when the clock jumps past 02:30; on
///   the day it falls back a 01:00–04:00 slot lasts four real hours.
/// - Calendar hours (24/7) ignore slots, holidays and time zone.
///
/// Instants are handled in whole milliseconds. The open stretches of each block of 64 local
/// days are worked out once, as UTC instants, and kept in a cache shared by copies of the
/// calendar, so a due time costs a few comparisons and no time-zone arithmetic.
public struct BusinessCalendar: Sendable {
    /// A day of the week; raw values are the onboarding keys `mon` … `sun`.
    public enum Weekday: String, CaseIterable, Codable, Sendable, CodingKeyRepresentable, Comparable {
        case monday = "mon", tuesday = "tue", wednesday = "wed", thursday = "thu", friday = "fri"
        case saturday = "sat", sunday = "sun"

        /// 0 for Monday … 6 for Sunday.
        public var index: Int { Self.allCases.firstIndex(of: self)! }

        /// `mon` or `monday`, in any case, with white space around.
        public init?(name: String) {
            let text = name.trimmingWhitespace().lowercased()
            guard let day = Self.allCases.first(where: { $0.rawValue == text || $0.fullName == text }) else { return nil }
            self = day
        }

        /// `monday` … `sunday`.
        public var fullName: String {
            switch self {
            case .monday: "monday"
            case .tuesday: "tuesday"
            case .wednesday: "wednesday"
            case .thursday: "thursday"
            case .friday: "friday"
            case .saturday: "saturday"
            case .sunday: "sunday"
            }
        }

        public static func < (lhs: Self, rhs: Self) -> Bool { lhs.index < rhs.index }
    }

    /// Open from `start` to `end`, in minutes after local midnight; `end` above 1440 is on the
    /// next day (see the type's notes).
    public struct Slot: Sendable, Hashable, Codable, CustomStringConvertible {
        public let start: Int
        public let end: Int

        public init(start: Int, end: Int) {
            self.start = start
            self.end = end
        }

        /// 0 ≤ start < 1440 and start < end ≤ start + 1440.
        public var isValid: Bool { (0..<1440).contains(start) && end > start && end <= start + 1440 }

        /// Whether the slot runs past midnight.
        public var spansMidnight: Bool { end > 1440 }

        /// `22:00-06:00`, `09:00-17:00`, `00:00-24:00`.
        public var description: String {
            func clock(_ minutes: Int) -> String {
                let hours = minutes / 60, rest = minutes % 60
                return (hours < 10 ? "0" : "") + "\(hours):" + (rest < 10 ? "0" : "") + "\(rest)"
            }
            return clock(start) + "-" + clock(end > 1440 ? end - 1440 : end)
        }
    }

    /// A closed day: one date (`2026-12-24`) or the same date every year (`12-25`).
    public struct Holiday: Sendable, Hashable, Codable, CustomStringConvertible {
        /// nil for a holiday every year.
        public let year: Int?
        public let month: Int
        public let day: Int

        /// `yyyy-MM-dd` for one date, `MM-dd` for every year; nil unless it names a real date
        /// (`02-29` is a yearly holiday of leap years).
        public init?(_ text: String) {
            let parts = text.trimmingWhitespace().split(separator: "-", omittingEmptySubsequences: false)
            guard parts.allSatisfy({ !$0.isEmpty && $0.allSatisfy { $0.isASCII && $0.isNumber } }) else { return nil }
            switch parts.map(\.count) {
            case [4, 2, 2]: self.init(year: Int(parts[0]), month: Int(parts[1])!, day: Int(parts[2])!)
            case [2, 2]: self.init(year: nil, month: Int(parts[0])!, day: Int(parts[1])!)
            default: return nil
            }
        }

        /// nil unless the date exists (`year` nil: in some year).
        public init?(year: Int?, month: Int, day: Int) {
            guard (1...12).contains(month), day >= 1, day <= BusinessCalendar.daysIn(month: month, year: year),
                  year.map({ (1...9999).contains($0) }) ?? true else { return nil }
            self.year = year
            self.month = month
            self.day = day
        }

        public var description: String {
            let monthDay = (month < 10 ? "0" : "") + "\(month)-" + (day < 10 ? "0" : "") + "\(day)"
            guard let year else { return monthDay }
            return String(repeating: "0", count: max(0, 4 - String(year).count)) + "\(year)-" + monthDay
        }

        public init(from decoder: any Decoder) throws {
            let container = try decoder.singleValueContainer()
            let text = try container.decode(String.self)
            guard let holiday = Holiday(text) else {
                throw DecodingError.dataCorruptedError(in: container, debugDescription: "\(text) is not a date such as 2026-12-24 or 12-25.")
            }
            self = holiday
        }

        public func encode(to encoder: any Encoder) throws {
            var container = encoder.singleValueContainer()
            try container.encode(description)
        }
    }

    public let timeZone: TimeZone
    /// Every hour of every day counts; slots and holidays are not used.
    public let isCalendarHours: Bool
    /// Slots per weekday, each day's ordered with overlapping or touching slots merged; days
    /// without slots are absent.
    public let weekly: [Weekday: [Slot]]
    public let holidays: [Holiday]

    /// Slots by weekday index (Monday first).
    let slotsByDay: [[Slot]]
    /// One-off holidays as yyyyMMdd, yearly ones as MMdd.
    let oneOffHolidays: Set<Int>
    let yearlyHolidays: Set<Int>
    let cache = DayCache()

    /// Slots that break the `Slot` rules are left out; use `parse` to have them reported.
    public init(timeZone: TimeZone, weekly: [Weekday: [Slot]], holidays: [Holiday] = []) {
        self.timeZone = timeZone
        isCalendarHours = false
        var byDay = [[Slot]](repeating: [], count: 7)
        var normalised: [Weekday: [Slot]] = [:]
        for (day, slots) in weekly {
            var merged: [Slot] = []
            for slot in slots.filter(\.isValid).sorted(by: { ($0.start, $0.end) < ($1.start, $1.end) }) {
                if let last = merged.last, slot.start <= last.end {
                    merged[merged.count - 1] = Slot(start: last.start, end: max(last.end, slot.end))
                } else {
                    merged.append(slot)
                }
            }
            byDay[day.index] = merged
            if !merged.isEmpty { normalised[day] = merged }
        }
        self.weekly = normalised
        slotsByDay = byDay
        var unique: [Holiday] = []
        for holiday in holidays where !unique.contains(holiday) { unique.append(holiday) }
        self.holidays = unique
        oneOffHolidays = Set(unique.compactMap { holiday in holiday.year.map { $0 * 10_000 + holiday.month * 100 + holiday.day } })
        yearlyHolidays = Set(unique.filter { $0.year == nil }.map { $0.month * 100 + $0.day })
    }

    private init(calendarHoursIn timeZone: TimeZone) {
        self.timeZone = timeZone
        isCalendarHours = true
        weekly = [:]
        holidays = []
        slotsByDay = [[Slot]](repeating: [], count: 7)
        oneOffHolidays = []
        yearlyHolidays = []
    }

    /// Every hour counts, 24/7; holidays do not exist. The time zone is kept for display.
    public static func calendarHours(timeZone: TimeZone) -> BusinessCalendar {
        BusinessCalendar(calendarHoursIn: timeZone)
    }

    // MARK: Reading the onboarding format

    /// A calendar from the workflows step: `time_zone`, hours per day (`mon` … `sun` or
    /// `monday` … `sunday`, as `BusinessHoursText` reads them, or `HH:MM-HH:MM` with the end
    /// before the start for a slot that runs past midnight; a missing day is closed; a
    /// `time_zone` key among the hours is ignored) and holidays (`2026-12-24`, yearly `12-25`).
    /// Every problem is reported, each against its field (`business_hours.mon`, `holidays[2]`).
    public static func parse(timeZone: String, hours: [String: String], holidays: [String]) throws(ValidationFailure) -> BusinessCalendar {
        var errors = FieldErrors()
        let zoneName = timeZone.trimmingWhitespace()
        var zone: TimeZone?
        if zoneName.isEmpty {
            errors.add("business_hours.time_zone", "Business hours need a time zone.", code: "required")
        } else if (zoneName == "UTC" || zoneName.contains("/")), let found = TimeZone(identifier: zoneName) {
            zone = found
        } else {
            errors.add("business_hours.time_zone", "\(zoneName) is not a time zone; use an IANA name such as Europe/Berlin.", code: "invalid_format")
        }

        var weekly: [Weekday: [Slot]] = [:]
        var keyOf: [Weekday: String] = [:]
        let keys = hours.keys.sorted { (Weekday(name: $0)?.index ?? 7, $0) < (Weekday(name: $1)?.index ?? 7, $1) }
        for key in keys where key != "time_zone" {
            let field = "business_hours.\(key)"
            guard let day = Weekday(name: key) else {
                errors.add(field, "\(key) is not a day of the week; use mon, tue, wed, thu, fri, sat or sun.", code: "unknown_day")
                continue
            }
            if let other = keyOf[day] {
                errors.add(field, "\(day.fullName.capitalized) is given twice (\(other) and \(key)).", code: "duplicate")
                continue
            }
            keyOf[day] = key
            switch daySlots(hours[key]!) {
            case .success(let slots): weekly[day] = slots
            case .failure(let problem): errors.add(field, problem.message, code: "invalid_format")
            }
        }
        // A slot that runs past midnight must end before the next day's first slot starts.
        for day in Weekday.allCases {
            let next = Weekday.allCases[(day.index + 1) % 7]
            guard let night = weekly[day]?.last(where: \.spansMidnight),
                  let clash = weekly[next]?.first(where: { $0.start < night.end - 1440 }) else { continue }
            errors.add("business_hours.\(keyOf[day]!)",
                       "\(day.fullName.capitalized)'s \(night) runs into \(next.fullName.capitalized)'s \(clash).", code: "overlap")
        }
        if errors.isEmpty, weekly.values.allSatisfy(\.isEmpty) {
            errors.add("business_hours", "Set the hours of at least one day.", code: "required")
        }

        var days: [Holiday] = []
        for (index, text) in holidays.enumerated() {
            if let holiday = Holiday(text) {
                days.append(holiday)
            } else {
                errors.add("holidays[\(index)]", "\"\(text.trimmingWhitespace())\" is not a date; write 2026-12-24 for one day or 12-25 for every year.",
                           code: "invalid_format")
            }
        }
        try errors.check()
        return BusinessCalendar(timeZone: zone!, weekly: weekly, holidays: days)
    }

    struct DayProblem: Error { let message: String }

    /// One day's slots: `BusinessHoursText` first; failing that, read again allowing ranges that
    /// run past midnight, and say what is wrong.
    static func daySlots(_ text: String) -> Result<[Slot], DayProblem> {
        if let slots = BusinessHoursText.parse(text) { return .success(slots.map { Slot(start: $0.start, end: $0.end) }) }
        let usage = "Write hours as 09:00-17:00, several slots separated by commas, 22:00-06:00 for a night, or closed."
        let trimmed = text.trimmingWhitespace().lowercased()
        guard !trimmed.isEmpty else { return .failure(DayProblem(message: usage)) }
        var slots: [Slot] = []
        for part in trimmed.split(separator: ",", omittingEmptySubsequences: false) {
            let range = part.trimmingCharacters(in: .whitespaces)
            let bounds = range.split(separator: "-", omittingEmptySubsequences: false)
            guard bounds.count == 2, let start = BusinessHoursText.minutes(String(bounds[0])),
                  var end = BusinessHoursText.minutes(String(bounds[1])) else {
                return .failure(DayProblem(message: range.isEmpty ? usage : "\"\(range)\" is not a time range. " + usage))
            }
            if start == 1440 { return .failure(DayProblem(message: "\"\(range)\": 24:00 can only end a slot.")) }
            if end == start { return .failure(DayProblem(message: "\"\(range)\" is empty; write 00:00-24:00 for the whole day.")) }
            if end < start { end += 1440 }
            slots.append(Slot(start: start, end: end))
        }
        slots.sort { $0.start < $1.start }
        for (previous, next) in zip(slots, slots.dropFirst()) where next.start < previous.end {
            return .failure(DayProblem(message: "\(previous) and \(next) overlap."))
        }
        return .success(slots)
    }

    // MARK: Business time

    /// The instant at which `minutes` of business time have passed since `start`; when
    /// `start` is outside business hours the clock starts at the next opening. A due time that
    /// uses up a slot exactly is that slot's end (17:00, not the next morning). `minutes` ≤ 0
    /// gives `start`; a calendar that never opens again (within about eight years of closed
    /// days) gives `Date.distantFuture`.
    public func addingBusinessMinutes(_ minutes: Int, to start: Date) -> Date {
        guard minutes > 0, let startMs = Self.milliseconds(start) else { return start }
        guard let due = addingBusiness(milliseconds: Int64(minutes) * 60_000, to: startMs) else { return .distantFuture }
        return Self.date(due)
    }

    /// Whole minutes of business time from `from` to `to` (0 when `to` is not later).
    public func businessMinutes(from: Date, to: Date) -> Int {
        guard let fromMs = Self.milliseconds(from), let toMs = Self.milliseconds(to) else { return 0 }
        return Int(businessMilliseconds(from: fromMs, to: toMs) / 60_000)
    }

    /// Whether `date` falls within business hours.
    public func isOpen(at date: Date) -> Bool {
        if isCalendarHours { return true }
        guard let instant = Self.milliseconds(date) else { return false }
        var number = Self.firstPage(containing: instant)
        while true {
            let page = page(number)
            if page.lowerBound > instant { return false }
            let index = page.firstInterval(endingAfter: instant)
            if index < page.count { return page.bounds[2 * index] <= instant }
            number += 1
        }
    }

    /// The first instant at or after `date` within business hours (`date` itself when open);
    /// nil when the calendar does not open within about eight years.
    public func nextOpening(after date: Date) -> Date? {
        if isCalendarHours { return date }
        guard let instant = Self.milliseconds(date) else { return nil }
        var number = Self.firstPage(containing: instant)
        var idle = 0
        while idle <= Self.idlePageLimit {
            let page = page(number)
            let index = page.firstInterval(endingAfter: instant)
            if index < page.count {
                let opening = page.bounds[2 * index]
                return opening <= instant ? date : Self.date(opening)
            }
            idle = page.count == 0 ? idle + 1 : 0
            number += 1
        }
        return nil
    }

    /// `addingBusinessMinutes` in milliseconds since 1970; nil when the calendar never opens.
    func addingBusiness(milliseconds amount: Int64, to start: Int64) -> Int64? {
        if amount <= 0 { return start }
        if isCalendarHours { return start + amount }
        var remaining = amount
        var number = Self.firstPage(containing: start)
        var idle = 0
        while idle <= Self.idlePageLimit {
            let page = page(number)
            number += 1
            let count = page.count
            if count == 0 {
                idle += 1
                continue
            }
            idle = 0
            let bounds = page.bounds
            var index = 0
            if start > bounds[0] {
                index = page.firstInterval(endingAfter: start)
            } else if remaining > page.total {
                remaining -= page.total  // the whole block is after the start: skip it
                continue
            }
            while index < count {
                let from = max(bounds[2 * index], start)
                let length = bounds[2 * index + 1] - from
                if remaining <= length { return from + remaining }
                remaining -= length
                index += 1
            }
        }
        return nil
    }

    /// Business milliseconds in [from, to).
    func businessMilliseconds(from: Int64, to: Int64) -> Int64 {
        guard to > from else { return 0 }
        if isCalendarHours { return to - from }
        var total: Int64 = 0
        var number = Self.firstPage(containing: from)
        while true {
            let page = page(number)
            number += 1
            if page.lowerBound >= to { return total }
            let count = page.count
            guard count > 0 else { continue }
            let bounds = page.bounds
            if from <= bounds[0], bounds[2 * count - 1] <= to {
                total += page.total
                continue
            }
            var index = page.firstInterval(endingAfter: from)
            while index < count, bounds[2 * index] < to {
                total += min(bounds[2 * index + 1], to) - max(bounds[2 * index], from)
                index += 1
            }
        }
    }

    // MARK: Days and pages

    /// Days per cached page.
    static let pageDays = 64
    /// Consecutive empty pages (≈ 8 years) after which a calendar counts as never opening.
    static let idlePageLimit = 46

    /// Milliseconds since 1970, rounded; nil for instants beyond ±300,000 years.
    static func milliseconds(_ date: Date) -> Int64? {
        let seconds = date.timeIntervalSince1970
        guard seconds.isFinite, abs(seconds) < 1e13 else { return nil }
        return Int64((seconds * 1000).rounded())
    }

    static func date(_ milliseconds: Int64) -> Date {
        Date(timeIntervalSince1970: Double(milliseconds) / 1000)
    }

    static func floorDivide(_ value: Int64, _ divisor: Int64) -> Int64 {
        let quotient = value / divisor
        return value % divisor < 0 ? quotient - 1 : quotient
    }

    /// The first page whose stretches may reach past `instant`: local dates lag UTC by at most
    /// a day (offsets stay within ±26 hours), and a slot may run into the next day.
    static func firstPage(containing instant: Int64) -> Int {
        let day = floorDivide(instant, 86_400_000) - 3
        return Int(floorDivide(day, Int64(pageDays)))
    }

    func page(_ number: Int) -> DayCache.Page {
        cache.page(number) { makePage($0) }
    }

    /// The open stretches of the local days of page `number`, in UTC milliseconds, ordered
    /// and disjoint (each day's slots are clipped where the previous day's night slot still runs).
    func makePage(_ number: Int) -> DayCache.Page {
        let firstDay = number * Self.pageDays
        var bounds: [Int64] = []
        var covered = Int64.min
        var discard: [Int64] = []
        appendDay(firstDay - 1, to: &discard, covered: &covered)
        for day in firstDay..<firstDay + Self.pageDays { appendDay(day, to: &bounds, covered: &covered) }
        return DayCache.Page(number: number, bounds: bounds,
                             lowerBound: (Int64(firstDay) * 86_400 - 26 * 3600) * 1000)
    }

    /// Appends the open stretches of local day `day` (days since 1970-01-01) that lie after `covered`.
    func appendDay(_ day: Int, to bounds: inout [Int64], covered: inout Int64) {
        let slots = slotsByDay[Self.weekdayIndex(day)]
        guard !slots.isEmpty, !isHoliday(day) else { return }
        let midnight = Int64(day) * 86_400
        for slot in slots {
            let opens = max(utcSeconds(local: midnight + Int64(slot.start) * 60) * 1000, covered)
            let closes = utcSeconds(local: midnight + Int64(slot.end) * 60) * 1000
            guard closes > opens else { continue }
            bounds.append(opens)
            bounds.append(closes)
            covered = closes
        }
    }

    /// Monday 0 … Sunday 6 for a day since 1970-01-01 (a Thursday).
    static func weekdayIndex(_ day: Int) -> Int {
        ((day + 3) % 7 + 7) % 7
    }

    func isHoliday(_ day: Int) -> Bool {
        if oneOffHolidays.isEmpty, yearlyHolidays.isEmpty { return false }
        let date = Self.civilDate(day)
        return yearlyHolidays.contains(date.month * 100 + date.day)
            || oneOffHolidays.contains(date.year * 10_000 + date.month * 100 + date.day)
    }

    /// Year, month and day of a day since 1970-01-01 (proleptic Gregorian; H. Hinnant's algorithm).
    static func civilDate(_ days: Int) -> (year: Int, month: Int, day: Int) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let shiftedMonth = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * shiftedMonth + 2) / 5 + 1
        let month = shiftedMonth < 10 ? shiftedMonth + 3 : shiftedMonth - 9
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }

    static func daysIn(month: Int, year: Int?) -> Int {
        switch month {
        case 2:
            guard let year else { return 29 }
            return year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    func offset(_ seconds: Int64) -> Int64 {
        Int64(timeZone.secondsFromGMT(for: Date(timeIntervalSince1970: Double(seconds))))
    }

    /// The first UTC instant (seconds) at which the local clock shows `local` (seconds since
    /// local 1970-01-01 00:00) or later: the instant itself; the earlier one in an autumn
    /// overlap; the end of a spring-forward gap for a wall time the gap skips.
    func utcSeconds(local: Int64) -> Int64 {
        let before = offset(local - 86_400), after = offset(local + 86_400)
        if before == after, offset(local - before) == before { return local - before }
        var best = Int64.max
        for candidate in [before, after] where offset(local - candidate) == candidate {
            best = min(best, local - candidate)
        }
        if best != .max { return best }
        // Skipped by a jump forward: find the jump, the first instant whose local time is past `local`.
        var low = local - max(before, after), high = local - min(before, after)
        while high - low > 1 {
            let middle = low + (high - low) / 2
            if middle + offset(middle) >= local { high = middle } else { low = middle }
        }
        return high
    }
}

extension BusinessCalendar: Equatable {
    public static func == (lhs: Self, rhs: Self) -> Bool {
        lhs.timeZone.identifier == rhs.timeZone.identifier && lhs.isCalendarHours == rhs.isCalendarHours
            && lhs.weekly == rhs.weekly && Set(lhs.holidays) == Set(rhs.holidays)
    }
}

extension BusinessCalendar: Codable {
    enum CodingKeys: String, CodingKey {
        case timeZone = "time_zone", calendarHours = "calendar_hours", weekly, holidays
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let name = try container.decode(String.self, forKey: .timeZone)
        guard let zone = TimeZone(identifier: name) else {
            throw DecodingError.dataCorruptedError(forKey: .timeZone, in: container, debugDescription: "\(name) is not a time zone.")
        }
        if try container.decodeIfPresent(Bool.self, forKey: .calendarHours) ?? false {
            self = .calendarHours(timeZone: zone)
        } else {
            self.init(timeZone: zone,
                      weekly: try container.decodeIfPresent([Weekday: [Slot]].self, forKey: .weekly) ?? [:],
                      holidays: try container.decodeIfPresent([Holiday].self, forKey: .holidays) ?? [])
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(timeZone.identifier, forKey: .timeZone)
        try container.encode(isCalendarHours, forKey: .calendarHours)
        try container.encode(weekly, forKey: .weekly)
        try container.encode(holidays, forKey: .holidays)
    }
}

/// The open stretches of a calendar, block by block of local days, shared by copies of it.
final class DayCache: @unchecked Sendable {
    /// Open stretches of 64 local days: `bounds` holds [open, close) pairs in UTC milliseconds.
    final class Page: Sendable {
        let number: Int
        let bounds: [Int64]
        /// Number of stretches.
        let count: Int
        /// Business milliseconds in the page.
        let total: Int64
        /// No stretch of this page (or a later one) opens before this instant.
        let lowerBound: Int64

        init(number: Int, bounds: [Int64], lowerBound: Int64) {
            self.number = number
            self.bounds = bounds
            count = bounds.count / 2
            var total: Int64 = 0
            for index in 0..<count { total += bounds[2 * index + 1] - bounds[2 * index] }
            self.total = total
            self.lowerBound = lowerBound
        }

        /// Index of the first stretch that closes after `instant` (`count` if none).
        func firstInterval(endingAfter instant: Int64) -> Int {
            var low = 0, high = count
            while low < high {
                let middle = (low + high) / 2
                if bounds[2 * middle + 1] > instant { high = middle } else { low = middle + 1 }
            }
            return low
        }
    }

    private let lock = NSLock()
    private var pages: [Int: Page] = [:]
    private var recent: Page?
    /// Pages kept before the cache starts over (each holds a few kilobytes).
    static let capacity = 1024

    func page(_ number: Int, make: (Int) -> Page) -> Page {
        lock.lock()
        if let recent, recent.number == number {
            lock.unlock()
            return recent
        }
        if let found = pages[number] {
            recent = found
            lock.unlock()
            return found
        }
        lock.unlock()
        let made = make(number)
        lock.lock()
        if pages.count >= Self.capacity { pages.removeAll(keepingCapacity: true) }
        pages[number] = made
        recent = made
        lock.unlock()
        return made
    }
}

/// A business calendar answers "within business hours" for routing conditions.
extension BusinessCalendar: BusinessHoursClock {}
