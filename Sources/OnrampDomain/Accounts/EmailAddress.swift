/// An email address in its canonical form: trimmed and lower-cased, so that
/// uniqueness is case-insensitive across the platform.
public struct EmailAddress: Sendable, Hashable, Codable, CustomStringConvertible {
    public let value: String

    /// Longest address SMTP can carry (RFC 5321: 254 octets in a path).
    public static let maxLength = 254

    /// Parses and normalises; nil when the text is not a plausible address.
    public init?(_ raw: String) {
        let text = raw.trimmingWhitespace().lowercased()
        guard text.utf8.count <= Self.maxLength, Self.isPlausible(text) else { return nil }
        value = text
    }

    public var description: String { value }

    /// The part after `@`.
    public var domain: String { String(value[value.index(after: value.lastIndex(of: "@")!)...]) }

    /// The part before `@`.
    public var localPart: String { String(value[..<value.lastIndex(of: "@")!]) }

    /// A deliberately practical check (what mail providers accept), not the full RFC 5322 grammar:
    /// one `@`, a non-empty local part of at most 64 octets without spaces, and a domain of
    /// dot-separated labels made of letters, digits and hyphens with a top-level label of 2+
    /// characters that is not all digits.
    static func isPlausible(_ text: String) -> Bool {
        if let ascii = isPlausibleASCII(text) { return ascii }
        let parts = text.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2 else { return false }
        let local = parts[0], domain = parts[1]
        guard !local.isEmpty, local.utf8.count <= 64,
              !local.hasPrefix("."), !local.hasSuffix("."), !local.contains("..")
        else { return false }
        let localAllowed = Set("abcdefghijklmnopqrstuvwxyz0123456789.!#$%&'*+/=?^_`{|}~-")
        guard local.allSatisfy({ localAllowed.contains($0) || (!$0.isASCII && !$0.isWhitespace) })
        else { return false }
        let labels = domain.split(separator: ".", omittingEmptySubsequences: false)
        guard labels.count >= 2 else { return false }
        for label in labels {
            guard !label.isEmpty, label.utf8.count <= 63,
                  !label.hasPrefix("-"), !label.hasSuffix("-"),
                  label.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "-" })
            else { return false }
        }
        // Top-level labels have two or more characters and are never all digits; IDN ones are
        // punycode (`xn--p1ai`), so digits and hyphens may appear.
        guard let top = labels.last, top.count >= 2, top.contains(where: \.isLetter) else { return false }
        return true
    }

    /// The same rules over bytes, for the usual all-ASCII address (imports check millions);
    /// nil when the text is not ASCII.
    static func isPlausibleASCII(_ text: String) -> Bool? {
        var result: Bool?
        text.utf8.withContiguousStorageIfAvailable { bytes in
            guard bytes.allSatisfy({ $0 < 0x80 }) else { return }
            guard let at = bytes.firstIndex(of: UInt8(ascii: "@")), bytes[(at + 1)...].firstIndex(of: UInt8(ascii: "@")) == nil else {
                result = false
                return
            }
            let local = bytes[..<at], domain = bytes[(at + 1)...]
            func isLetter(_ b: UInt8) -> Bool { (b >= 0x61 && b <= 0x7A) || (b >= 0x41 && b <= 0x5A) }
            func isDigit(_ b: UInt8) -> Bool { b >= 0x30 && b <= 0x39 }
            let specials = Array("!#$%&'*+/=?^_`{|}~-.".utf8)
            guard !local.isEmpty, local.count <= 64, local.first != UInt8(ascii: "."), local.last != UInt8(ascii: "."),
                  !zip(local, local.dropFirst()).contains(where: { $0 == UInt8(ascii: ".") && $1 == UInt8(ascii: ".") }),
                  local.allSatisfy({ (b: UInt8) in (b >= 0x61 && b <= 0x7A) || isDigit(b) || specials.contains(b) })
            else { result = false; return }
            let labels = domain.split(separator: UInt8(ascii: "."), omittingEmptySubsequences: false)
            guard labels.count >= 2 else { result = false; return }
            for label in labels {
                guard !label.isEmpty, label.count <= 63, label.first != UInt8(ascii: "-"), label.last != UInt8(ascii: "-"),
                      label.allSatisfy({ isLetter($0) || isDigit($0) || $0 == UInt8(ascii: "-") })
                else { result = false; return }
            }
            guard let top = labels.last, top.count >= 2, top.contains(where: isLetter) else { result = false; return }
            result = true
        }
        return result
    }
}
