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
}
