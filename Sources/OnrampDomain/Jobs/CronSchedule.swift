import Foundation

/// A five-field cron expression (minute hour day-of-month month day-of-week) evaluated in a
/// time zone, for recurring jobs: `*/15 * * * *`, `0 9 * * mon-fri`, `30 2 1 * *`.
/// Lists (`1,15`), ranges (`1-5`), steps (`*/10`, `8-18/2`) and month/day names are accepted;
/// day-of-week 0 and 7 are Sunday. As in Vixie cron, when both day fields are restricted a
/// day matching either one runs.
public struct CronSchedule: Sendable, Equatable {
    public let expression: String
    let minutes: Set<Int>
    let hours: Set<Int>
    let daysOfMonth: Set<Int>
    let months: Set<Int>
    let daysOfWeek: Set<Int>
    let dayOfMonthRestricted: Bool
    let dayOfWeekRestricted: Bool

    public struct Invalid: Error, Sendable, Equatable, CustomStringConvertible {
        public let message: String
        public var description: String { message }
    }

    static let monthNames = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]
    static let dayNames = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"]

    public init(_ expression: String) throws {
        let fields = expression.split(whereSeparator: \.isWhitespace).map { String($0).lowercased() }
        guard fields.count == 5 else {
            throw Invalid(message: "A schedule has five fields (minute hour day-of-month month day-of-week), e.g. \"0 9 * * mon-fri\"; got \(fields.count).")
        }
        self.expression = fields.joined(separator: " ")
        minutes = try Self.field(fields[0], name: "minute", range: 0...59)
        hours = try Self.field(fields[1], name: "hour", range: 0...23)
        daysOfMonth = try Self.field(fields[2], name: "day of month", range: 1...31)
        months = try Self.field(fields[3], name: "month", range: 1...12, names: Self.monthNames, firstName: 1)
        let weekdays = try Self.field(fields[4], name: "day of week", range: 0...7, names: Self.dayNames, firstName: 0)
        daysOfWeek = Set(weekdays.map { $0 == 7 ? 0 : $0 })
        dayOfMonthRestricted = !fields[2].hasPrefix("*")
        dayOfWeekRestricted = !fields[4].hasPrefix("*")
    }

    static func field(_ text: String, name: String, range: ClosedRange<Int>, names: [String] = [], firstName: Int = 0) throws -> Set<Int> {
        func number(_ token: Substring) throws -> Int {
            if let value = Int(token), range.contains(value) { return value }
            if let index = names.firstIndex(of: String(token)) { return index + firstName }
            throw Invalid(message: "The \(name) field has \"\(token)\"; use \(range.lowerBound)–\(range.upperBound)"
                + (names.isEmpty ? "." : " or a name such as \(names[0])."))
        }
        var values = Set<Int>()
        for part in text.split(separator: ",", omittingEmptySubsequences: false) {
            let pieces = part.split(separator: "/", omittingEmptySubsequences: false)
            guard pieces.count <= 2, !pieces[0].isEmpty else { throw Invalid(message: "The \(name) field \"\(text)\" cannot be read.") }
            var step = 1
            if pieces.count == 2 {
                guard let value = Int(pieces[1]), value > 0 else {
                    throw Invalid(message: "The step in the \(name) field must be a whole number above 0.")
                }
                step = value
            }
            var low = range.lowerBound, high = range.upperBound
            if pieces[0] != "*" {
                let bounds = pieces[0].split(separator: "-", omittingEmptySubsequences: false)
                guard bounds.count <= 2, !bounds.contains(where: \.isEmpty) else {
                    throw Invalid(message: "The \(name) field \"\(text)\" cannot be read.")
                }
                low = try number(bounds[0])
                high = bounds.count == 2 ? try number(bounds[1]) : (pieces.count == 2 ? range.upperBound : low)
                guard low <= high else { throw Invalid(message: "The \(name) range \(pieces[0]) runs backwards.") }
            }
            values.formUnion(stride(from: low, through: high, by: step))
        }
        return values
    }

    /// The first moment strictly after `date` that the schedule names, in `timeZone`; nil if
    /// none within eight years (e.g. 31 February). Local times skipped by a daylight-saving
    /// jump do not run; repeated ones run once.
    public func next(after date: Date, in timeZone: TimeZone) -> Date? {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        var parts = calendar.dateComponents([.year, .month, .day, .hour, .minute], from: date.addingTimeInterval(60))
        parts.second = 0
        guard var candidate = calendar.date(from: parts) else { return nil }
        let limit = date.addingTimeInterval(8 * 366 * 86_400)
        // Wall-clock time of `date`: a repeated local time (the hour after clocks go back) counts once.
        let after = Self.wall(calendar.dateComponents([.year, .month, .day, .hour, .minute], from: date))
        while candidate <= limit {
            let c = calendar.dateComponents([.year, .month, .day, .hour, .minute, .weekday], from: candidate)
            guard let year = c.year, let month = c.month, let day = c.day, let hour = c.hour, let minute = c.minute,
                  let weekday = c.weekday else { return nil }
            if !months.contains(month) {
                candidate = calendar.date(from: DateComponents(year: month == 12 ? year + 1 : year, month: month % 12 + 1, day: 1))
                    ?? candidate.addingTimeInterval(86_400)
                continue
            }
            if !dayMatches(day: day, weekday: weekday - 1) {
                candidate = calendar.date(byAdding: .day, value: 1, to: calendar.startOfDay(for: candidate))
                    ?? candidate.addingTimeInterval(86_400)
                continue
            }
            if !hours.contains(hour) {
                candidate = calendar.date(byAdding: .minute, value: 60 - minute, to: candidate) ?? candidate.addingTimeInterval(3600)
                continue
            }
            if minutes.contains(minute), candidate > date, after.lexicographicallyPrecedes(Self.wall(c)) { return candidate }
            candidate = candidate.addingTimeInterval(60)
        }
        return nil
    }

    static func wall(_ c: DateComponents) -> [Int] {
        [c.year ?? 0, c.month ?? 0, c.day ?? 0, c.hour ?? 0, c.minute ?? 0]
    }

    func dayMatches(day: Int, weekday: Int) -> Bool {
        switch (dayOfMonthRestricted, dayOfWeekRestricted) {
        case (true, true): daysOfMonth.contains(day) || daysOfWeek.contains(weekday)
        case (true, false): daysOfMonth.contains(day)
        case (false, true): daysOfWeek.contains(weekday)
        case (false, false): true
        }
    }
}
