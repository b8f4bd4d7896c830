import Foundation
@testable import OnrampDomain
import Testing

/// Seconds since 1970 of a parsed timestamp, nil when it is rejected.
private func epoch(_ text: String, _ zone: TimeZone? = nil) -> Double? {
    ImportDate.parse(text, timeZone: zone)?.timeIntervalSince1970
}

/// Whether a parsed timestamp is within a microsecond of `expected` (for fractional seconds,
/// which a `Double` near 1.7e9 holds to about 0.2 µs).
private func epoch(_ text: String, isNear expected: Double) -> Bool {
    guard let value = epoch(text) else { return false }
    return abs(value - expected) < 1e-6
}

private let berlin = TimeZone(identifier: "Europe/Berlin")!
private let newYork = TimeZone(identifier: "America/New_York")!

// Instants checked with GNU `date -u -d … +%s`.
// 2024-01-15T10:30:00Z = 1705314600, 2024-01-15T00:00:00Z = 1705276800.

@Suite("Import dates")
struct ImportDateTests {
    @Test func iso8601WithZoneAndOffsets() {
        #expect(epoch("2024-01-15T10:30:00Z") == 1_705_314_600)
        #expect(epoch("2024-01-15T10:30:00+01:00") == 1_705_311_000)
        #expect(epoch("2024-01-15T10:30:00+0100") == 1_705_311_000)
        #expect(epoch("2024-01-15T10:30:00+01") == 1_705_311_000)
        #expect(epoch("2024-01-15T10:30:00-05:00") == 1_705_332_600)
        #expect(epoch("2024-01-15T10:30:00+05:45") == 1_705_293_900)
        #expect(epoch("2024-01-15T10:30:00-00:00") == 1_705_314_600, "RFC 3339's unknown offset is UTC")
        #expect(epoch("2024-01-15t10:30:00z") == 1_705_314_600, "RFC 3339 allows lower-case t and z")
        #expect(epoch("2024-01-15T10:30Z") == 1_705_314_600, "seconds are optional")
        #expect(epoch("  2024-01-15T10:30:00Z\r\n") == 1_705_314_600, "surrounding white space is ignored")
        #expect(epoch("2024-01-15T10:30:00") == 1_705_314_600, "no offset and no zone: UTC")
    }

    @Test func fixtureTimestamps() {
        // Zendesk / Freshdesk / Help Scout fixtures write RFC 3339 in UTC.
        #expect(epoch("2022-11-16T16:16:58Z") == 1_668_615_418)
        #expect(epoch("2023-04-12T14:04:56Z") == 1_681_308_296)
    }

    @Test func fractionalSecondsOfOneToNineDigits() {
        #expect(epoch("2024-01-15T10:30:00.5Z") == 1_705_314_600.5)
        #expect(epoch("2024-01-15T10:30:00.123Z", isNear: 1_705_314_600.123))
        #expect(epoch("2024-01-15T10:30:00.123456Z", isNear: 1_705_314_600.123456))
        #expect(epoch("2024-01-15T10:30:00.123456789Z", isNear: 1_705_314_600.123456789))
        #expect(epoch("2024-01-15T10:30:00.250+01:00") == 1_705_311_000.25)
        #expect(epoch("2024-01-15T10:30:00,5Z") == 1_705_314_600.5, "ISO 8601 allows a decimal comma")
        #expect(epoch("2024-01-15T10:30:00.1234567891Z") == nil, "more than nine digits")
        #expect(epoch("2024-01-15T10:30:00.Z") == nil, "a point without digits")
    }

    @Test func spaceSeparatedWithAndWithoutZone() {
        #expect(epoch("2024-01-15 10:30:00") == 1_705_314_600)
        #expect(epoch("2024-01-15 10:30:00 +0100") == 1_705_311_000, "Zendesk CSV")
        #expect(epoch("2024-01-15 10:30:00 +01:00") == 1_705_311_000)
        #expect(epoch("2024-01-15 10:30:00+01:00") == 1_705_311_000)
        #expect(epoch("2024-01-15 10:30:00 UTC") == 1_705_314_600)
        #expect(epoch("2024-01-15 10:30:00 Z") == 1_705_314_600)
        #expect(epoch("2024-01-15 10:30:00 GMT") == 1_705_314_600)
        #expect(epoch("2024-01-15 10:30:00 UTC+01:00") == 1_705_311_000)
        #expect(epoch("2024-01-15 10:30") == 1_705_314_600)
        #expect(epoch("2024-01-15 10:30:00 CET") == nil, "zone abbreviations are ambiguous outside RFC 2822")
    }

    @Test func dateOnlyIsMidnightInTheZone() {
        #expect(epoch("2024-01-15") == 1_705_276_800)
        #expect(epoch("2024-01-15", berlin) == 1_705_273_200)
        #expect(epoch("2024-02-29") == 1_709_164_800, "2024 is a leap year")
        #expect(epoch("2000-02-29T12:00:00Z") == 951_825_600, "2000 is a leap year (divisible by 400)")
    }

    @Test func freshdeskRFC2822() {
        #expect(epoch("Mon, 15 Jan 2024 10:30:00 +0000") == 1_705_314_600)
        #expect(epoch("15 Jan 2024 10:30:00 +0000") == 1_705_314_600, "weekday is optional")
        #expect(epoch("Mon, 15 Jan 2024 10:30:00 GMT") == 1_705_314_600)
        #expect(epoch("Mon, 15 Jan 2024 10:30:00 UT") == 1_705_314_600)
        #expect(epoch("mon, 15 jan 2024 11:30:00 +0100") == 1_705_314_600, "names in any case")
        #expect(epoch("Mon, 15 Jan 2024 05:30:00 EST") == 1_705_314_600, "RFC 2822 US zone names")
        #expect(epoch("Mon, 15 Jan 2024 10:30:00 +0000 (UTC)") == 1_705_314_600, "trailing comment")
        #expect(epoch("Mon,15 Jan 2024 10:30 +0000") == 1_705_314_600)
        #expect(epoch("5 Jan 2024 10:30:00 +0000") == 1_704_450_600, "one-digit day")
        #expect(epoch("Mon, 15 Jan 2024 10:30:00") == 1_705_314_600, "no zone: the given zone, here UTC")
        #expect(epoch("Tue, 15 Jan 2024 10:30:00 +0000") == nil, "weekday contradicts the date")
        #expect(epoch("Mon, 15 Foo 2024 10:30:00 +0000") == nil)
        #expect(epoch("Mon, 15 Jan 2024 10:30:00 XYZ") == nil)
    }

    @Test func slashedDatesOnlyWhenTheOrderIsCertain() {
        #expect(epoch("15/01/2024 10:30") == 1_705_314_600, "dd/MM/yyyy")
        #expect(epoch("01/15/2024 10:30") == 1_705_314_600, "MM/dd/yyyy")
        #expect(epoch("1/15/2024 10:30:00") == 1_705_314_600)
        #expect(epoch("15/01/2024") == 1_705_276_800)
        #expect(epoch("03/03/2024") == 1_709_424_000, "both orders give the same day")
        #expect(epoch("03/04/2024") == nil, "3 April or 4 March: never guessed")
        #expect(epoch("03/04/2024 10:30") == nil)
        #expect(epoch("12/11/2024 10:30 PM") == nil)
        #expect(epoch("13/13/2024") == nil)
        #expect(epoch("31/02/2024 10:30") == nil, "31 February")
    }

    @Test func twelveHourClock() {
        #expect(epoch("01/15/2024 10:30 AM") == 1_705_314_600)
        #expect(epoch("01/15/2024 10:30 PM") == 1_705_357_800)
        #expect(epoch("01/15/2024 10:30pm") == 1_705_357_800)
        #expect(epoch("01/15/2024 12:05 AM") == 1_705_277_100, "12 AM is just after midnight")
        #expect(epoch("01/15/2024 12:05 PM") == 1_705_320_300, "12 PM is just after noon")
        #expect(epoch("1/15/2024, 9:05:00 AM") == 1_705_309_500)
        #expect(epoch("01/15/2024 13:30 PM") == nil)
        #expect(epoch("01/15/2024 0:30 AM") == nil)
        #expect(epoch("2024-01-15T10:30:00 PM") == nil, "no AM/PM with a T")
    }

    @Test func unixEpochAsText() {
        #expect(epoch("1681308296") == 1_681_308_296, "Zendesk generated_timestamp")
        #expect(epoch("1681308296123", isNear: 1_681_308_296.123))
        #expect(epoch("168130829") == nil, "9 digits")
        #expect(epoch("16813082961") == nil, "11 digits")
        #expect(epoch("9999999999") == nil, "after 2100")
    }

    @Test func impossibleAndOutOfRangeAreRejected() {
        for text in ["", "   ", "garbage", "n/a", "2024-02-30", "2023-02-29T10:00:00Z", "2100-02-29",
                     "2024-13-01", "2024-00-10", "2024-01-00", "2024-01-32",
                     "2024-01-15T25:00:00Z", "2024-01-15T24:00:00Z", "2024-01-15T10:60:00Z", "2024-01-15T10:30:60Z",
                     "2024-01-15T10:30:00+25:00", "2024-01-15T10:30:00+01:60", "2024-01-15T10:30:00 garbage",
                     "2024-01-15T10:30:00ZZ", "2024-1-15", "2024-01-15T", "2024-01-15X10:30:00",
                     "1969-12-31T23:59:59Z", "2101-01-01T00:00:00Z", "-2024-01-15", "２０２４-01-15"] {
            #expect(epoch(text) == nil, "\(text)")
        }
        #expect(epoch("1970-01-01T00:00:00Z") == 0, "first accepted year")
        #expect(epoch("1970-01-01T00:00:00+01:00") == -3_600, "the year as written counts")
        #expect(epoch("2100-12-31T23:59:59Z") == 4_133_980_799, "last accepted second")
        #expect(epoch("2100-02-28") == 4_107_456_000)
    }

    @Test func localTimesInADaylightSavingZone() {
        #expect(epoch("2024-01-15 10:30:00", berlin) == 1_705_311_000, "winter, +01:00")
        #expect(epoch("2024-07-01 12:00:00", berlin) == 1_719_828_000, "summer, +02:00")
        #expect(epoch("2024-07-01T12:00:00", berlin) == 1_719_828_000)
        #expect(epoch("Mon, 01 Jul 2024 12:00:00", berlin) == 1_719_828_000)
        #expect(epoch("2024-07-01 12:00:00 +0000", berlin) == 1_719_835_200, "an offset in the text wins")
        #expect(epoch("2024-07-01T12:00:00Z", berlin) == 1_719_835_200)
        #expect(epoch("1719835200", berlin) == 1_719_835_200, "Unix time has no zone")
        // Spring gap: 02:30 on 31 March 2024 does not exist; read with +01:00, i.e. 03:30 summer time.
        #expect(epoch("2024-03-31 02:30:00", berlin) == 1_711_848_600)
        #expect(epoch("2024-03-31 03:30:00", berlin) == 1_711_848_600)
        #expect(epoch("2024-03-31 01:59:59", berlin) == 1_711_846_799)
        // Autumn overlap: 02:30 on 27 October 2024 happens twice; the first (still +02:00) is taken.
        #expect(epoch("2024-10-27 02:30:00", berlin) == 1_729_989_000)
        #expect(epoch("2024-10-27 03:30:00", berlin) == 1_729_996_200, "after the overlap, +01:00")
        // The same rules in New York (changes at 02:00 local).
        #expect(epoch("2024-11-03 01:30:00", newYork) == 1_730_611_800, "overlap: first, EDT")
        #expect(epoch("2024-03-10 02:30:00", newYork) == 1_710_055_800, "gap: read with EST")
        #expect(epoch("2024-01-15 10:30", TimeZone(secondsFromGMT: 3_600)) == 1_705_311_000, "fixed-offset zone")
    }

    @Test func dayArithmeticMatchesTheCalendar() throws {
        // Every day 1970…2100 against Foundation's Gregorian calendar.
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = try #require(TimeZone(identifier: "UTC"))
        var mismatches = 0
        for year in stride(from: 1970, through: 2100, by: 1) {
            for month in 1...12 {
                let count = ImportDate.daysInMonth(year: year, month: month)
                let first = calendar.date(from: DateComponents(year: year, month: month, day: 1))!
                #expect(calendar.range(of: .day, in: .month, for: first)?.count == count)
                if let days = ImportDate.days(year: year, month: month, day: 1),
                   Double(days * 86_400) != first.timeIntervalSince1970 {
                    mismatches += 1
                }
            }
        }
        #expect(mismatches == 0)
        #expect(ImportDate.days(year: 1970, month: 1, day: 1) == 0)
        #expect(ImportDate.days(year: 1969, month: 12, day: 31) == nil)
    }
}

@Suite("Import phone numbers")
struct PhoneNumberTests {
    @Test func nationalNumbersInTheDefaultCountry() {
        #expect(PhoneNumber.e164("030 1234567", country: "DE") == .success("+49301234567"))
        #expect(PhoneNumber.e164("030/123 45 67", country: "de") == .success("+49301234567"), "country in any case")
        #expect(PhoneNumber.e164("(415) 555-2671", country: "US") == .success("+14155552671"))
        #expect(PhoneNumber.e164("1-415-555-2671", country: "US") == .success("+14155552671"))
        #expect(PhoneNumber.e164("415.555.2671", country: "CA") == .success("+14155552671"))
        #expect(PhoneNumber.e164("06 1234 5678", country: "IT") == .success("+390612345678"), "Italy keeps its 0")
        #expect(PhoneNumber.e164("020 7946 0958", country: "GB") == .success("+442079460958"))
        #expect(PhoneNumber.e164("01 23 45 67 89", country: "FR") == .success("+33123456789"))
        #expect(PhoneNumber.e164("8 495 123-45-67", country: "RU") == .success("+74951234567"), "Russian trunk 8")
        #expect(PhoneNumber.e164("06 1 234 5678", country: "HU") == .success("+3612345678"), "Hungarian trunk 06")
        #expect(PhoneNumber.e164("912 345 678", country: "PT") == .success("+351912345678"), "no trunk prefix")
    }

    @Test func internationalPrefixes() {
        #expect(PhoneNumber.e164("+44 20 7946 0958", country: nil) == .success("+442079460958"))
        #expect(PhoneNumber.e164("0044 20 7946 0958", country: nil) == .success("+442079460958"))
        #expect(PhoneNumber.e164("0044 20 7946 0958", country: "DE") == .success("+442079460958"))
        #expect(PhoneNumber.e164("011 44 20 7946 0958", country: "US") == .success("+442079460958"), "NANP exit code")
        #expect(PhoneNumber.e164("+44 (0)20 7946 0958", country: nil) == .success("+442079460958"), "(0) is not dialled")
        #expect(PhoneNumber.e164("(+44) 20 7946 0958", country: nil) == .success("+442079460958"))
        #expect(PhoneNumber.e164("+49 30 1234567", country: "US") == .success("+49301234567"), "the prefix wins")
        #expect(PhoneNumber.e164("+7 701 234 5678", country: nil) == .success("+77012345678"))
        #expect(PhoneNumber.e164("+353 1 234 5678", country: nil) == .success("+35312345678"), "3-digit code")
        #expect(PhoneNumber.e164("+44\u{00A0}20\u{2011}7946\u{2011}0958", country: nil) == .success("+442079460958"),
                "no-break space and hyphen")
    }

    @Test func fixtureNumbers() {
        // Freshdesk contact and company fixtures.
        #expect(PhoneNumber.e164("+44 8081 698 824", country: nil) == .success("+448081698824"))
        #expect(PhoneNumber.e164("+61 1800 861 302", country: nil) == .success("+611800861302"))
        // Zendesk: formatted and E.164 forms of the same number.
        #expect(PhoneNumber.e164("+1 (205) 953-1462", country: nil) == .success("+12059531462"))
        #expect(PhoneNumber.e164("+12059531462", country: nil) == .success("+12059531462"), "E.164 stays as it is")
        // Help Scout: a bare local number and no default country.
        let helpScout = PhoneNumber.e164("5552368", country: nil)
        #expect(helpScout == .failure(.noCountry("5552368")))
        if case .failure(let failure) = helpScout {
            #expect(failure.description
                == "“5552368” has no country: give it as +<country code> and number, or set the import's default country.")
        }
        #expect(PhoneNumber.e164("5552368", country: "US") == .failure(.tooShort("5552368")),
                "a North American number needs its area code")
    }

    @Test func extensionsAreDropped() {
        for text in ["+44 20 7946 0958 ext. 12", "+44 20 7946 0958 ext 12", "+44 20 7946 0958x12",
                     "+44 20 7946 0958 X 12", "+44 20 7946 0958;ext=12", "+44 20 7946 0958, extension 12",
                     "+44 20 7946 0958 #12"] {
            #expect(PhoneNumber.e164(text, country: nil) == .success("+442079460958"), "\(text)")
        }
        #expect(PhoneNumber.e164("(415) 555-2671 x 4", country: "US") == .success("+14155552671"))
        #expect(PhoneNumber.e164("+44 20 7946 0958 ext.", country: nil) == .failure(.invalidCharacters("+44 20 7946 0958 ext.")))
    }

    @Test func lettersAreRejected() {
        #expect(PhoneNumber.e164("1-800-FLOWERS", country: "US") == .failure(.invalidCharacters("1-800-FLOWERS")))
        #expect(PhoneNumber.e164("call me", country: "DE") == .failure(.invalidCharacters("call me")))
        #expect(PhoneNumber.e164("+44 20 7946 0958 x12 y", country: nil) == .failure(.invalidCharacters("+44 20 7946 0958 x12 y")))
        #expect(PhoneNumber.e164("+44 +20 7946 0958", country: nil) == .failure(.invalidCharacters("+44 +20 7946 0958")))
        #expect(PhoneNumber.e164("030 l234567", country: "DE") == .failure(.invalidCharacters("030 l234567")), "letter l for 1")
        #expect(PhoneNumber.Failure.invalidCharacters("call me").description
            == "“call me” contains letters or symbols that are not part of a phone number.")
    }

    @Test func tooShortAndTooLong() {
        #expect(PhoneNumber.e164("12", country: "DE") == .failure(.tooShort("12")))
        #expect(PhoneNumber.e164("12", country: nil) == .failure(.tooShort("12")))
        #expect(PhoneNumber.Failure.tooShort("12").description == "“12” is too short to be a phone number.")
        #expect(PhoneNumber.e164("+44 1234", country: nil) == .failure(.tooShort("+44 1234")), "6 digits in all")
        #expect(PhoneNumber.e164("+49 123", country: nil) == .failure(.tooShort("+49 123")), "national part under 4")
        #expect(PhoneNumber.e164("+1 415 555 267", country: nil) == .failure(.tooShort("+1 415 555 267")))
        #expect(PhoneNumber.e164("+1 415 555 26711", country: nil) == .failure(.tooLong("+1 415 555 26711")))
        #expect(PhoneNumber.e164("+49 1234 5678 9012 34", country: nil) == .failure(.tooLong("+49 1234 5678 9012 34")),
                "16 digits")
        #expect(PhoneNumber.e164("+49 1234 5678 9012 3", country: nil) == .success("+491234567890123"),
                "15 digits is the most")
        #expect(PhoneNumber.e164("0123 4567 8901 2345 6789", country: "DE") == .failure(.tooLong("0123 4567 8901 2345 6789")))
        #expect(PhoneNumber.e164("+4", country: nil) == .failure(.unknownCallingCode("+4")))
        #expect(PhoneNumber.e164("+", country: nil) == .failure(.tooShort("+")))
        #expect(PhoneNumber.e164("", country: "DE") == .failure(.empty))
        #expect(PhoneNumber.e164("  \t", country: "DE") == .failure(.empty))
        let long = String(repeating: "1", count: 60)
        #expect(PhoneNumber.e164(long, country: "DE") == .failure(.tooLong(String(repeating: "1", count: 40) + "…")),
                "messages show at most 40 characters")
    }

    @Test func unknownCallingCodeAndCountry() {
        #expect(PhoneNumber.e164("+999 123", country: nil) == .failure(.unknownCallingCode("+999 123")))
        #expect(PhoneNumber.Failure.unknownCallingCode("+999 123").description == "“+999 123” has no known country calling code.")
        #expect(PhoneNumber.e164("+999 1234 5678", country: "DE") == .failure(.unknownCallingCode("+999 1234 5678")))
        #expect(PhoneNumber.e164("+0 1234 5678", country: nil) == .failure(.unknownCallingCode("+0 1234 5678")))
        #expect(PhoneNumber.e164("030 1234567", country: "XX") == .failure(.unknownCountry("XX")))
        #expect(PhoneNumber.e164("030 1234567", country: "DEU") == .failure(.unknownCountry("DEU")))
        #expect(PhoneNumber.e164("030 1234567", country: "") == .failure(.noCountry("030 1234567")))
        #expect(PhoneNumber.e164("+800 1234 5678", country: nil) == .success("+80012345678"), "ITU freephone")
    }

    @Test func countryTable() {
        #expect(PhoneNumber.callingCode(forCountry: "DE") == "49")
        #expect(PhoneNumber.callingCode(forCountry: "US") == "1")
        #expect(PhoneNumber.callingCode(forCountry: "gb") == "44")
        #expect(PhoneNumber.callingCode(forCountry: "KZ") == "7")
        #expect(PhoneNumber.callingCode(forCountry: "RU") == "7")
        #expect(PhoneNumber.callingCode(forCountry: "JM") == "1")
        #expect(PhoneNumber.callingCode(forCountry: "IE") == "353")
        #expect(PhoneNumber.callingCode(forCountry: "XX") == nil)
        #expect(PhoneNumber.callingCode(forCountry: "D") == nil)
        #expect(PhoneNumber.isKnownCountry("fr"))
        #expect(PhoneNumber.isKnownCountry("AQ"))
        #expect(!PhoneNumber.isKnownCountry("UK"), "the ISO code is GB")
        #expect(!PhoneNumber.isKnownCountry(""))
        // All 249 ISO 3166-1 codes plus XK.
        #expect(PhoneNumber.callingCodes.count == 250)
        let nanp = PhoneNumber.callingCodes.filter { $0.value == 1 }.map(\.key).sorted()
        #expect(nanp == ["AG", "AI", "AS", "BB", "BM", "BS", "CA", "DM", "DO", "GD", "GU", "JM", "KN", "KY", "LC",
                         "MP", "MS", "PR", "SX", "TC", "TT", "UM", "US", "VC", "VG", "VI"])
        // Calling codes are prefix-free, so the longest match is the only one.
        let codes = Set(PhoneNumber.callingCodes.values).union(PhoneNumber.nonGeographicCallingCodes).map(String.init)
        for code in codes {
            #expect(!codes.contains { $0 != code && $0.hasPrefix(code) }, "\(code)")
        }
    }
}
