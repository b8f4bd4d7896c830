/// Phone numbers from helpdesk exports, normalised to E.164 (`+4930123456`).
///
/// Exports write numbers the way people typed them: `+44 20 7946 0958`, `(415) 555-2671`,
/// `030 1234567`, `5552368`. Separators (spaces, dots, hyphens, parentheses, slashes) are dropped,
/// an international prefix (`+`, `00`, and `011` for North American numbers) selects the country
/// calling code, and a number without one is read in the import's default country. A number with
/// neither is rejected with the reason, never guessed. Number plans are not checked beyond length
/// (E.164: 8 to 15 digits with the calling code; North American numbers: exactly 10 after `+1`).
/// Works over the UTF-8 bytes without allocating on the way, for imports of a million rows.
public enum PhoneNumber {
    public enum Failure: Error, Equatable, Sendable, CustomStringConvertible {
        /// Nothing but white space.
        case empty
        /// Letters or symbols that belong to no phone number (an extension such as `ext. 12` is fine).
        case invalidCharacters(String)
        case tooShort(String)
        case tooLong(String)
        /// An international number whose first digits are no ITU country calling code (`+999 …`).
        case unknownCallingCode(String)
        /// A national number and no default country to read it in.
        case noCountry(String)
        /// The default country given is not an ISO 3166-1 alpha-2 code.
        case unknownCountry(String)

        public var description: String {
            switch self {
            case .empty:
                return "The phone number is empty."
            case .invalidCharacters(let text):
                return "“\(text)” contains letters or symbols that are not part of a phone number."
            case .tooShort(let text):
                return "“\(text)” is too short to be a phone number."
            case .tooLong(let text):
                return "“\(text)” is too long to be a phone number (at most 15 digits with the country code)."
            case .unknownCallingCode(let text):
                return "“\(text)” has no known country calling code."
            case .noCountry(let text):
                return "“\(text)” has no country: give it as +<country code> and number, or set the import's default country."
            case .unknownCountry(let code):
                return "“\(code)” is not an ISO 3166 country code such as DE or US."
            }
        }
    }

    /// Normalises to E.164 (`+4930123456`). `country` is an ISO 3166-1 alpha-2 code (case-insensitive)
    /// used when the number has no international prefix; nil = unknown.
    public static func e164(_ raw: String, country: String?) -> Result<String, Failure> {
        var text = raw
        return text.withUTF8 { bytes in
            withUnsafeTemporaryAllocation(of: UInt8.self, capacity: digitCapacity) { digits in
                normalise(bytes, digits: digits, raw: raw, country: country)
            }
        }
    }

    /// The calling code of an ISO 3166-1 alpha-2 country (case-insensitive): "DE" → "49", "US" → "1".
    public static func callingCode(forCountry country: String) -> String? {
        guard let index = countryIndex(country) else { return nil }
        let code = codeByCountry[index]
        return code == 0 ? nil : String(code)
    }

    /// Whether `code` is an ISO 3166-1 alpha-2 country code (case-insensitive) this type knows.
    public static func isKnownCountry(_ code: String) -> Bool {
        guard let index = countryIndex(code) else { return false }
        return codeByCountry[index] != 0
    }

    // MARK: - Normalisation

    /// Digits kept while scanning; more than this is too long anyway (15 + a 3-digit prefix).
    private static let digitCapacity = 24

    private static func normalise(
        _ bytes: UnsafeBufferPointer<UInt8>, digits: UnsafeMutableBufferPointer<UInt8>, raw: String, country: String?
    ) -> Result<String, Failure> {
        let n = bytes.count
        var count = 0 // digits seen, possibly more than stored
        var plus = false
        var i = 0
        scan: while i < n {
            let byte = bytes[i]
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"):
                if count < digitCapacity { digits[count] = byte &- UInt8(ascii: "0") }
                count += 1
                i += 1
            case UInt8(ascii: "("):
                // `+44 (0)20 …`: the national trunk 0 written after the calling code is not dialled.
                if i + 2 < n, bytes[i + 1] == UInt8(ascii: "0"), bytes[i + 2] == UInt8(ascii: ")"), count > 0,
                   plus || (count >= 2 && digits[0] == 0 && digits[1] == 0) {
                    i += 3
                } else {
                    i += 1
                }
            case UInt8(ascii: " "), UInt8(ascii: "\t"), UInt8(ascii: "\n"), UInt8(ascii: "\r"),
                 UInt8(ascii: "."), UInt8(ascii: "-"), UInt8(ascii: ")"), UInt8(ascii: "/"):
                i += 1
            case UInt8(ascii: "+"):
                guard !plus, count == 0 else { return .failure(.invalidCharacters(shown(raw))) }
                plus = true
                i += 1
            case 0xC2 where i + 1 < n && bytes[i + 1] == 0xA0: // no-break space
                i += 2
            case 0xE2 where i + 2 < n && bytes[i + 1] == 0x80 && isUnicodeSeparator(bytes[i + 2]):
                i += 3
            default:
                if count > 0, isExtension(bytes, from: i) { break scan }
                return .failure(.invalidCharacters(shown(raw)))
            }
        }

        if count == 0 {
            let blank = bytes.allSatisfy { $0 == 0x20 || $0 == 0x09 || $0 == 0x0A || $0 == 0x0D }
            return .failure(blank ? .empty : .tooShort(shown(raw)))
        }
        if count > digitCapacity { return .failure(.tooLong(shown(raw))) }

        let countryIndex = country.flatMap(Self.countryIndex)
        let countryCode = countryIndex.map { Int(codeByCountry[$0]) } ?? 0

        // International prefix: `+`, `00`, or `011` when the default country is North American.
        var start = -1
        if plus {
            start = 0
        } else if count >= 2, digits[0] == 0, digits[1] == 0 {
            start = 2
        } else if countryCode == 1, count >= 3, digits[0] == 0, digits[1] == 1, digits[2] == 1 {
            start = 3
        }

        if start >= 0 {
            let total = count - start
            var codeLength = 0
            for length in stride(from: min(3, total), through: 1, by: -1) {
                var value = 0
                for k in start..<(start + length) { value = value * 10 + Int(digits[k]) }
                if digits[start] != 0, isCallingCode[value] { codeLength = length; break }
            }
            guard codeLength > 0 else {
                return .failure(total == 0 ? .tooShort(shown(raw)) : .unknownCallingCode(shown(raw)))
            }
            let isNANP = codeLength == 1 && digits[start] == 1
            if let failure = lengthFailure(total: total, national: total - codeLength, isNANP: isNANP, raw: raw) {
                return .failure(failure)
            }
            return .success(format(code: nil, digits: digits, from: start, to: count))
        }

        // A national number: read it in the default country.
        if count < 4 { return .failure(.tooShort(shown(raw))) }
        if count > 15 { return .failure(.tooLong(shown(raw))) }
        guard let countryIndex, countryCode != 0 else {
            let code = (country ?? "").trimmingWhitespace()
            return .failure(code.isEmpty ? .noCountry(shown(raw)) : .unknownCountry(String(code.prefix(8))))
        }

        var from = 0
        if countryCode == 1 {
            if count == 11, digits[0] == 1 { from = 1 }
        } else {
            // Trunk digits packed as base 10 after a marker 1 (`0` → 10, `06` → 106, `8` → 18); 0 = none.
            let trunk = trunkByCountry[countryIndex]
            if trunk != 0 {
                var length = 0, scale = 1
                while scale * 10 <= trunk { scale *= 10; length += 1 }
                var value = 0
                for k in 0..<length { value = value * 10 + Int(digits[k]) }
                if count > length, value == trunk - scale { from = length }
            }
        }
        let national = count - from
        let codeDigits = countryCode >= 100 ? 3 : countryCode >= 10 ? 2 : 1
        if let failure = lengthFailure(total: codeDigits + national, national: national, isNANP: countryCode == 1, raw: raw) {
            return .failure(failure)
        }
        return .success(format(code: countryCode, digits: digits, from: from, to: count))
    }

    private static func lengthFailure(total: Int, national: Int, isNANP: Bool, raw: String) -> Failure? {
        if isNANP {
            // North American numbers are exactly 10 digits after +1; a 7-digit local number lacks its area code.
            if national < 10 { return .tooShort(shown(raw)) }
            if national > 10 { return .tooLong(shown(raw)) }
            return nil
        }
        if total > 15 { return .tooLong(shown(raw)) }
        if total < 8 || national < 4 { return .tooShort(shown(raw)) }
        return nil
    }

    /// `+`, the calling code (when given separately) and `digits[from..<to]`.
    private static func format(code: Int?, digits: UnsafeMutableBufferPointer<UInt8>, from: Int, to: Int) -> String {
        var codeDigits: (UInt8, UInt8, UInt8) = (0, 0, 0)
        var codeLength = 0
        if let code {
            if code >= 100 { codeDigits = (UInt8(code / 100), UInt8(code / 10 % 10), UInt8(code % 10)); codeLength = 3 }
            else if code >= 10 { codeDigits = (UInt8(code / 10), UInt8(code % 10), 0); codeLength = 2 }
            else { codeDigits = (UInt8(code), 0, 0); codeLength = 1 }
        }
        let length = 1 + codeLength + (to - from)
        return String(unsafeUninitializedCapacity: length) { out in
            out[0] = UInt8(ascii: "+")
            var o = 1
            if codeLength > 0 { out[o] = codeDigits.0 + 0x30; o += 1 }
            if codeLength > 1 { out[o] = codeDigits.1 + 0x30; o += 1 }
            if codeLength > 2 { out[o] = codeDigits.2 + 0x30; o += 1 }
            for k in from..<to { out[o] = digits[k] + 0x30; o += 1 }
            return o
        }
    }

    /// Third byte of U+2009 thin space, U+2010…U+2015 hyphens and dashes, U+202F narrow no-break space.
    private static func isUnicodeSeparator(_ byte: UInt8) -> Bool {
        byte == 0x89 || (0x90...0x95).contains(byte) || byte == 0xAF
    }

    /// Whether `bytes[from...]` is an extension that is dropped: an optional `,` or `;`, then `ext`,
    /// `ext.`, `ext=`, `ext:`, `extension`, `x` or `#` (any case), then digits and nothing else.
    private static func isExtension(_ bytes: UnsafeBufferPointer<UInt8>, from: Int) -> Bool {
        let n = bytes.count
        var i = from
        func lower(_ k: Int) -> UInt8 { k < n ? bytes[k] | 0x20 : 0 }
        func skipSpaces() { while i < n, bytes[i] == 0x20 || bytes[i] == 0x09 { i += 1 } }
        if bytes[i] == UInt8(ascii: ",") || bytes[i] == UInt8(ascii: ";") { i += 1; skipSpaces() }
        if i < n, bytes[i] == UInt8(ascii: "#") {
            i += 1
        } else if lower(i) == UInt8(ascii: "x") {
            i += 1
        } else if lower(i) == UInt8(ascii: "e"), lower(i + 1) == UInt8(ascii: "x"), lower(i + 2) == UInt8(ascii: "t") {
            i += 3
            let word = Array("ension".utf8)
            if (0..<word.count).allSatisfy({ lower(i + $0) == word[$0] }) { i += word.count }
            if i < n, [UInt8(ascii: "."), UInt8(ascii: "="), UInt8(ascii: ":")].contains(bytes[i]) { i += 1 }
        } else {
            return false
        }
        skipSpaces()
        let digitsStart = i
        while i < n, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[i]) { i += 1 }
        guard i > digitsStart else { return false }
        while i < n, bytes[i] == 0x20 || bytes[i] == 0x09 || bytes[i] == 0x0A || bytes[i] == 0x0D { i += 1 }
        return i == n
    }

    /// The input as shown in a message: trimmed and at most 40 characters.
    private static func shown(_ raw: String) -> String {
        let text = raw.trimmingWhitespace()
        return text.count > 40 ? String(text.prefix(40)) + "…" : text
    }

    // MARK: - Tables

    /// Index 0..<676 of a two-letter code, case-insensitive.
    private static func countryIndex(_ code: String) -> Int? {
        let utf8 = code.utf8
        guard utf8.count == 2 else { return nil }
        var index = 0
        for byte in utf8 {
            let upper = byte & ~0x20
            guard (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(upper) else { return nil }
            index = index * 26 + Int(upper - UInt8(ascii: "A"))
        }
        return index
    }

    /// ITU-T E.164 country calling code of every ISO 3166-1 alpha-2 country and territory (ITU
    /// "List of ITU-T Recommendation E.164 assigned country codes"), plus XK (Kosovo, +383), which
    /// exports use although it is a user-assigned code. NANP members share 1, Russia and Kazakhstan
    /// share 7, the Crown Dependencies share 44 with GB.
    static let callingCodes: [String: Int] = [
        "AD": 376, "AE": 971, "AF": 93, "AG": 1, "AI": 1, "AL": 355, "AM": 374, "AO": 244, "AQ": 672, "AR": 54,
        "AS": 1, "AT": 43, "AU": 61, "AW": 297, "AX": 358, "AZ": 994,
        "BA": 387, "BB": 1, "BD": 880, "BE": 32, "BF": 226, "BG": 359, "BH": 973, "BI": 257, "BJ": 229, "BL": 590,
        "BM": 1, "BN": 673, "BO": 591, "BQ": 599, "BR": 55, "BS": 1, "BT": 975, "BV": 47, "BW": 267, "BY": 375,
        "BZ": 501,
        "CA": 1, "CC": 61, "CD": 243, "CF": 236, "CG": 242, "CH": 41, "CI": 225, "CK": 682, "CL": 56, "CM": 237,
        "CN": 86, "CO": 57, "CR": 506, "CU": 53, "CV": 238, "CW": 599, "CX": 61, "CY": 357, "CZ": 420,
        "DE": 49, "DJ": 253, "DK": 45, "DM": 1, "DO": 1, "DZ": 213,
        "EC": 593, "EE": 372, "EG": 20, "EH": 212, "ER": 291, "ES": 34, "ET": 251,
        "FI": 358, "FJ": 679, "FK": 500, "FM": 691, "FO": 298, "FR": 33,
        "GA": 241, "GB": 44, "GD": 1, "GE": 995, "GF": 594, "GG": 44, "GH": 233, "GI": 350, "GL": 299, "GM": 220,
        "GN": 224, "GP": 590, "GQ": 240, "GR": 30, "GS": 500, "GT": 502, "GU": 1, "GW": 245, "GY": 592,
        "HK": 852, "HM": 672, "HN": 504, "HR": 385, "HT": 509, "HU": 36,
        "ID": 62, "IE": 353, "IL": 972, "IM": 44, "IN": 91, "IO": 246, "IQ": 964, "IR": 98, "IS": 354, "IT": 39,
        "JE": 44, "JM": 1, "JO": 962, "JP": 81,
        "KE": 254, "KG": 996, "KH": 855, "KI": 686, "KM": 269, "KN": 1, "KP": 850, "KR": 82, "KW": 965, "KY": 1,
        "KZ": 7,
        "LA": 856, "LB": 961, "LC": 1, "LI": 423, "LK": 94, "LR": 231, "LS": 266, "LT": 370, "LU": 352, "LV": 371,
        "LY": 218,
        "MA": 212, "MC": 377, "MD": 373, "ME": 382, "MF": 590, "MG": 261, "MH": 692, "MK": 389, "ML": 223, "MM": 95,
        "MN": 976, "MO": 853, "MP": 1, "MQ": 596, "MR": 222, "MS": 1, "MT": 356, "MU": 230, "MV": 960, "MW": 265,
        "MX": 52, "MY": 60, "MZ": 258,
        "NA": 264, "NC": 687, "NE": 227, "NF": 672, "NG": 234, "NI": 505, "NL": 31, "NO": 47, "NP": 977, "NR": 674,
        "NU": 683, "NZ": 64,
        "OM": 968,
        "PA": 507, "PE": 51, "PF": 689, "PG": 675, "PH": 63, "PK": 92, "PL": 48, "PM": 508, "PN": 64, "PR": 1,
        "PS": 970, "PT": 351, "PW": 680, "PY": 595,
        "QA": 974,
        "RE": 262, "RO": 40, "RS": 381, "RU": 7, "RW": 250,
        "SA": 966, "SB": 677, "SC": 248, "SD": 249, "SE": 46, "SG": 65, "SH": 290, "SI": 386, "SJ": 47, "SK": 421,
        "SL": 232, "SM": 378, "SN": 221, "SO": 252, "SR": 597, "SS": 211, "ST": 239, "SV": 503, "SX": 1, "SY": 963,
        "SZ": 268,
        "TC": 1, "TD": 235, "TF": 262, "TG": 228, "TH": 66, "TJ": 992, "TK": 690, "TL": 670, "TM": 993, "TN": 216,
        "TO": 676, "TR": 90, "TT": 1, "TV": 688, "TW": 886, "TZ": 255,
        "UA": 380, "UG": 256, "UM": 1, "US": 1, "UY": 598, "UZ": 998,
        "VA": 39, "VC": 1, "VE": 58, "VG": 1, "VI": 1, "VN": 84, "VU": 678,
        "WF": 681, "WS": 685,
        "XK": 383,
        "YE": 967, "YT": 262,
        "ZA": 27, "ZM": 260, "ZW": 263,
    ]

    /// Calling codes that belong to no ISO country but are dialled: Ascension (247, ISO lists it under
    /// SH) and the ITU's non-geographic codes (freephone, Inmarsat, satellite and international networks).
    static let nonGeographicCallingCodes: [Int] = [247, 800, 808, 870, 878, 881, 882, 883, 888, 979]

    /// National trunk prefixes that differ from the usual `0`, as dialled before a national number
    /// and dropped in E.164. `""` means none: the number is taken as written (Italy, San Marino and
    /// the Vatican keep their leading 0; in Côte d'Ivoire and the Republic of the Congo the 0 is
    /// part of the number too). North America (calling code 1) is handled apart: a leading 1 is
    /// dropped from 11-digit numbers. Every other country drops a leading `0`.
    static let trunkPrefixes: [String: String] = [
        "IT": "", "SM": "", "VA": "", "CI": "", "CG": "",
        "AD": "", "CY": "", "CZ": "", "DK": "", "EE": "", "ES": "", "FO": "", "GL": "", "GR": "", "HK": "",
        "IS": "", "LU": "", "LV": "", "MC": "", "MO": "", "MT": "", "NO": "", "PL": "", "PT": "", "QA": "",
        "SG": "",
        "RU": "8", "KZ": "8", "BY": "8",
        "HU": "06",
    ]

    /// Calling code per country index (0 = not a country).
    private static let codeByCountry: [Int16] = {
        var table = [Int16](repeating: 0, count: 26 * 26)
        for (country, code) in callingCodes { table[countryIndex(country)!] = Int16(code) }
        return table
    }()

    /// Trunk prefix per country index, packed as base-10 digits after a marker 1 (`0` → 10); 0 = none.
    private static let trunkByCountry: [Int] = {
        var table = [Int](repeating: 10, count: 26 * 26)
        for (country, trunk) in trunkPrefixes {
            table[countryIndex(country)!] = trunk.isEmpty ? 0 : Int("1" + trunk)!
        }
        return table
    }()

    /// Whether a number (1–3 digits, no leading zero) is an assigned calling code. E.164 codes are
    /// prefix-free, so the longest match is the only one.
    private static let isCallingCode: [Bool] = {
        var table = [Bool](repeating: false, count: 1000)
        for code in callingCodes.values { table[code] = true }
        for code in nonGeographicCallingCodes { table[code] = true }
        return table
    }()
}
