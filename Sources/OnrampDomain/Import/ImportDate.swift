import Foundation

/// Timestamps as helpdesk exports write them, read by hand over the UTF-8 bytes: no
/// `DateFormatter` (slow, and not safe to share between threads), because an import reads
/// several date columns of a million rows.
///
/// Accepted (surrounding white space is ignored):
/// - ISO 8601 / RFC 3339: `2024-01-15T10:30:00Z`, `…+01:00`, `…+0100`, `…+01`, fractional seconds
///   of 1–9 digits (`.5`, `.123456789`), seconds optional (`2024-01-15T10:30Z`);
/// - the same with a space for `T` and an optional zone after a space: `2024-01-15 10:30:00`,
///   `2024-01-15 10:30:00 +0100` (Zendesk CSV), `… UTC`, `… GMT`, `… Z`;
/// - a date alone, `2024-01-15`, as midnight;
/// - RFC 2822 (Freshdesk, mail headers): `Mon, 15 Jan 2024 10:30:00 +0000`, weekday optional, zone
///   `+hhmm`, `GMT`, `UT`, `UTC`, `Z` or the US names `EST`…`PDT`, optionally a `(comment)` after it;
///   a weekday that does not match the date rejects the text;
/// - `15/01/2024 10:30` and `01/15/2024 10:30`, with `AM`/`PM` for a 12-hour clock, but only when the
///   order is certain: one of the first two numbers is above 12 (or both are equal, which reads the
///   same either way). `03/04/2024` is rejected, never guessed. (`AM`/`PM` is also read after a
///   space-separated ISO time, not after one with `T`);
/// - Unix time as text: 10 digits are seconds, 13 digits milliseconds (Zendesk `generated_timestamp`).
///
/// Impossible dates and times (30 February, month 13, hour 24 or 25, second 60) and years outside
/// 1970…2100 give nil.
public enum ImportDate {
    /// Parses a timestamp as real exports write them; `timeZone` is used when the text carries no offset (nil = UTC).
    ///
    /// Local times in `timeZone` that a daylight-saving change makes ambiguous are read as follows:
    /// in the autumn overlap (02:30 in Berlin on the last Sunday of October happens twice) the
    /// earlier instant, still on summer time, is taken; a time in the spring gap (02:30 on the last
    /// Sunday of March does not exist) is read with the offset from before the change, so it lands
    /// as far after the change as it was written after its start (03:30 summer time). These are
    /// the rules of RFC 5545 and of `java.time`.
    public static func parse(_ raw: String, timeZone: TimeZone? = nil) -> Date? {
        var text = raw
        guard let fields = text.withUTF8({ Parser.fields($0) }) else { return nil }
        let seconds: Int
        if let offset = fields.offset {
            seconds = fields.localSeconds - offset
        } else if let timeZone {
            seconds = utcSeconds(wallClock: fields.localSeconds, in: timeZone)
        } else {
            seconds = fields.localSeconds
        }
        return Date(timeIntervalSinceReferenceDate: Double(seconds - referenceDateOffset) + Double(fields.nanoseconds) / 1e9)
    }

    /// Seconds from 1970-01-01 to 2001-01-01, the epoch of `Date`.
    private static let referenceDateOffset = 978_307_200

    /// The UTC instant of a wall-clock time in `zone` (wall clock given as seconds since 1970 as if it were UTC).
    static func utcSeconds(wallClock local: Int, in zone: TimeZone) -> Int {
        func offset(at seconds: Int) -> Int {
            zone.secondsFromGMT(for: Date(timeIntervalSinceReferenceDate: Double(seconds - referenceDateOffset)))
        }
        // Offsets a day either side bracket every possible instant of this wall-clock time (zones
        // are at most 14 hours from UTC); when they agree there is no change in between.
        let before = offset(at: local - 86_400)
        let after = offset(at: local + 86_400)
        if before == after { return local - before }
        let early = local - before, late = local - after
        switch (offset(at: early) == before, offset(at: late) == after) {
        case (true, true): return min(early, late)  // overlap: the first of the two instants
        case (true, false): return early
        case (false, true): return late
        case (false, false): return early            // gap: the offset before the change
        }
    }

    /// What a text says: wall-clock seconds since 1970 as if UTC, and the offset when the text has one.
    struct Fields {
        var localSeconds: Int
        var nanoseconds: Int
        /// Seconds east of UTC; nil when the text has no zone.
        var offset: Int?
    }

    // MARK: - Parser

    struct Parser {
        let bytes: UnsafeBufferPointer<UInt8>
        var i: Int
        let end: Int

        static func fields(_ bytes: UnsafeBufferPointer<UInt8>) -> Fields? {
            var start = 0, end = bytes.count
            while start < end, isSpace(bytes[start]) { start += 1 }
            while end > start, isSpace(bytes[end - 1]) { end -= 1 }
            guard start < end else { return nil }
            var parser = Parser(bytes: bytes, i: start, end: end)
            let first = bytes[start]
            if isDigit(first) {
                var k = start
                while k < end, isDigit(bytes[k]) { k += 1 }
                let run = k - start
                if k == end { return parser.epoch(digits: run) }
                switch bytes[k] {
                case UInt8(ascii: "-") where run == 4: return parser.iso()
                case UInt8(ascii: "/") where run <= 2: return parser.slashed()
                case UInt8(ascii: " ") where run <= 2: return parser.rfc2822()
                default: return nil
                }
            }
            return isLetter(first) ? parser.rfc2822() : nil
        }

        // MARK: Formats

        /// 10 digits of seconds or 13 of milliseconds since 1970.
        mutating func epoch(digits: Int) -> Fields? {
            guard digits == 10 || digits == 13, let value = number(digits: digits) else { return nil }
            let seconds = digits == 10 ? value : value / 1000
            let nanoseconds = digits == 10 ? 0 : value % 1000 * 1_000_000
            guard seconds <= latestSecond else { return nil }
            return Fields(localSeconds: seconds, nanoseconds: nanoseconds, offset: 0)
        }

        /// `yyyy-MM-dd`, then optionally `T` or a space, the time and a zone.
        mutating func iso() -> Fields? {
            guard let year = number(digits: 4), take(UInt8(ascii: "-")),
                  let month = number(digits: 2), take(UInt8(ascii: "-")),
                  let day = number(digits: 2),
                  let days = ImportDate.days(year: year, month: month, day: day)
            else { return nil }
            if i == end { return Fields(localSeconds: days * 86_400, nanoseconds: 0, offset: nil) }
            let separator = bytes[i]
            let spaced = separator == UInt8(ascii: " ")
            guard spaced || separator | 0x20 == UInt8(ascii: "t") else { return nil }
            i += 1
            guard let time = time(lenientHour: false) else { return nil }
            return finish(days: days, time: time, meridiem: spaced, namedZones: false)
        }

        /// `dd/MM/yyyy` or `MM/dd/yyyy` when the order is certain, optionally a time (with `AM`/`PM`) and a zone.
        mutating func slashed() -> Fields? {
            guard let first = number(minDigits: 1, maxDigits: 2), take(UInt8(ascii: "/")),
                  let second = number(minDigits: 1, maxDigits: 2), take(UInt8(ascii: "/")),
                  let year = number(digits: 4)
            else { return nil }
            let day: Int, month: Int
            if first > 12, second <= 12 { (day, month) = (first, second) }
            else if second > 12, first <= 12 { (day, month) = (second, first) }
            else if first == second { (day, month) = (first, first) }
            else { return nil } // 03/04/2024: 3 April or 4 March, never guessed
            guard let days = ImportDate.days(year: year, month: month, day: day) else { return nil }
            if i == end { return Fields(localSeconds: days * 86_400, nanoseconds: 0, offset: nil) }
            _ = take(UInt8(ascii: ","))
            guard skipSpaces() > 0, let time = time(lenientHour: true) else { return nil }
            return finish(days: days, time: time, meridiem: true, namedZones: false)
        }

        /// `[Mon, ]15 Jan 2024 10:30[:00] [+0000|GMT|…] [(comment)]`.
        mutating func rfc2822() -> Fields? {
            var weekday: Int?
            if isLetter(bytes[i]) {
                guard let name = word(), let index = Self.weekdays.firstIndex(of: name) else { return nil }
                weekday = index
                let comma = take(UInt8(ascii: ","))
                guard skipSpaces() > 0 || comma else { return nil }
            }
            guard let day = number(minDigits: 1, maxDigits: 2), skipSpaces() > 0,
                  let name = word(), let monthIndex = Self.months.firstIndex(of: name), skipSpaces() > 0,
                  let year = number(digits: 4),
                  let days = ImportDate.days(year: year, month: monthIndex + 1, day: day)
            else { return nil }
            // 1970-01-01 was a Thursday (index 4 with Sunday as 0).
            if let weekday, (days + 4) % 7 != weekday { return nil }
            if i == end { return Fields(localSeconds: days * 86_400, nanoseconds: 0, offset: nil) }
            guard skipSpaces() > 0, let time = time(lenientHour: false) else { return nil }
            return finish(days: days, time: time, meridiem: false, namedZones: true)
        }

        // MARK: Pieces

        /// `HH:mm[:ss[.fffffffff]]` as (hour, minute, second, nanoseconds); hour unchecked here.
        mutating func time(lenientHour: Bool) -> (Int, Int, Int, Int)? {
            guard let hour = lenientHour ? number(minDigits: 1, maxDigits: 2) : number(digits: 2),
                  take(UInt8(ascii: ":")), let minute = number(digits: 2), minute < 60
            else { return nil }
            var second = 0, nanoseconds = 0
            if take(UInt8(ascii: ":")) {
                guard let value = number(digits: 2), value < 60 else { return nil }
                second = value
                if i < end, bytes[i] == UInt8(ascii: ".") || bytes[i] == UInt8(ascii: ",") {
                    i += 1
                    let start = i
                    var value = 0
                    while i < end, isDigit(bytes[i]) { value = value &* 10 &+ Int(bytes[i] &- 0x30); i += 1 }
                    let count = i - start
                    guard (1...9).contains(count) else { return nil }
                    for _ in count..<9 { value *= 10 }
                    nanoseconds = value
                }
            }
            return (hour, minute, second, nanoseconds)
        }

        /// After the time: optional `AM`/`PM`, optional zone, optional RFC 2822 comment, then the end.
        mutating func finish(days: Int, time: (Int, Int, Int, Int), meridiem: Bool, namedZones: Bool) -> Fields? {
            var hour = time.0
            _ = skipSpaces()
            if meridiem, i + 1 < end, bytes[i + 1] | 0x20 == UInt8(ascii: "m"),
               bytes[i] | 0x20 == UInt8(ascii: "a") || bytes[i] | 0x20 == UInt8(ascii: "p"),
               i + 2 == end || !isLetter(bytes[i + 2]) {
                guard (1...12).contains(hour) else { return nil }
                hour = hour % 12 + (bytes[i] | 0x20 == UInt8(ascii: "p") ? 12 : 0)
                i += 2
                _ = skipSpaces()
            }
            guard hour < 24 else { return nil }
            var offset: Int?
            if i < end {
                guard let zone = zone(named: namedZones) else { return nil }
                offset = zone
                if namedZones, skipSpaces() > 0, i < end, bytes[i] == UInt8(ascii: "(") {
                    while i < end, bytes[i] != UInt8(ascii: ")") { i += 1 }
                    guard take(UInt8(ascii: ")")) else { return nil }
                }
                guard i == end else { return nil }
            }
            let seconds = days * 86_400 + hour * 3_600 + time.1 * 60 + time.2
            return Fields(localSeconds: seconds, nanoseconds: time.3, offset: offset)
        }

        /// `Z`, `+hh[[:]mm]`, `UTC`/`GMT`/`UT` (optionally followed by an offset) and, in RFC 2822 text,
        /// the US zone names of RFC 2822 §4.3. Seconds east of UTC.
        mutating func zone(named: Bool) -> Int? {
            let byte = bytes[i]
            if byte == UInt8(ascii: "+") || byte == UInt8(ascii: "-") { return numericOffset() }
            guard let name = word() else { return nil }
            switch name {
            case Self.zulu:
                return 0
            case Self.utc, Self.gmt, Self.ut:
                if i < end, bytes[i] == UInt8(ascii: "+") || bytes[i] == UInt8(ascii: "-") { return numericOffset() }
                return 0
            default:
                guard named, let index = Self.usZones.firstIndex(of: name) else { return nil }
                return Self.usOffsets[index] * 3_600
            }
        }

        /// `±hh`, `±hhmm` or `±hh:mm`, at most 18 hours.
        mutating func numericOffset() -> Int? {
            let sign = bytes[i] == UInt8(ascii: "-") ? -1 : 1
            i += 1
            guard let hours = number(digits: 2), hours <= 18 else { return nil }
            var minutes = 0
            if i < end {
                let colon = take(UInt8(ascii: ":"))
                if colon || isDigit(bytes[i]) {
                    guard let value = number(digits: 2), value < 60 else { return nil }
                    minutes = value
                }
            }
            return sign * (hours * 3_600 + minutes * 60)
        }

        /// Exactly `digits` decimal digits.
        mutating func number(digits: Int) -> Int? {
            guard end - i >= digits else { return nil }
            var value = 0
            for k in i..<(i + digits) {
                let digit = bytes[k] &- 0x30
                guard digit < 10 else { return nil }
                value = value * 10 + Int(digit)
            }
            i += digits
            return value
        }

        /// Between `minDigits` and `maxDigits` decimal digits, and no more.
        mutating func number(minDigits: Int, maxDigits: Int) -> Int? {
            let start = i
            var value = 0
            while i < end, isDigit(bytes[i]) {
                guard i - start < maxDigits else { return nil }
                value = value * 10 + Int(bytes[i] &- 0x30)
                i += 1
            }
            return i - start >= minDigits ? value : nil
        }

        /// A run of 1–3 ASCII letters, lower-cased and packed into an integer (longer runs: nil).
        mutating func word() -> UInt32? {
            var code: UInt32 = 0
            var length = 0
            while i < end, isLetter(bytes[i]) {
                guard length < 3 else { return nil }
                code = code << 8 | UInt32(bytes[i] | 0x20)
                length += 1
                i += 1
            }
            return length == 0 ? nil : code
        }

        mutating func take(_ byte: UInt8) -> Bool {
            guard i < end, bytes[i] == byte else { return false }
            i += 1
            return true
        }

        /// Skips spaces and tabs; how many.
        mutating func skipSpaces() -> Int {
            let start = i
            while i < end, bytes[i] == 0x20 || bytes[i] == 0x09 { i += 1 }
            return i - start
        }

        static let weekdays: [UInt32] = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"].map { code($0) }
        static let months: [UInt32] = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]
            .map { code($0) }
        static let usZones: [UInt32] = ["est", "edt", "cst", "cdt", "mst", "mdt", "pst", "pdt"].map { code($0) }
        static let usOffsets: [Int] = [-5, -4, -6, -5, -7, -6, -8, -7]
        static let zulu = code("z"), utc = code("utc"), gmt = code("gmt"), ut = code("ut")

        /// Lower-case letters packed as `word()` packs them.
        private static func code(_ text: String) -> UInt32 {
            text.utf8.reduce(0) { $0 << 8 | UInt32($1) }
        }
    }

    // MARK: - Calendar arithmetic

    /// Last second accepted: 2100-12-31T23:59:59Z.
    static let latestSecond = 4_133_980_799

    /// Days since 1970-01-01 in the proleptic Gregorian calendar; nil for an impossible date or a
    /// year outside 1970…2100. (Howard Hinnant's `days_from_civil`.)
    static func days(year: Int, month: Int, day: Int) -> Int? {
        guard (1970...2100).contains(year), (1...12).contains(month), day >= 1,
              day <= daysInMonth(year: year, month: month)
        else { return nil }
        let y = month <= 2 ? year - 1 : year
        let era = y / 400 // years here are positive
        let yearOfEra = y - era * 400
        let monthFromMarch = (month + 9) % 12
        let dayOfYear = (153 * monthFromMarch + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    static func daysInMonth(year: Int, month: Int) -> Int {
        switch month {
        case 2: return year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }
}

@inline(__always) private func isDigit(_ byte: UInt8) -> Bool { byte &- 0x30 < 10 }
@inline(__always) private func isLetter(_ byte: UInt8) -> Bool { (byte | 0x20) &- 0x61 < 26 }
@inline(__always) private func isSpace(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D }
