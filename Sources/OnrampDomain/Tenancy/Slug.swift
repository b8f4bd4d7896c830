/// Turns an organisation name into a URL-safe slug ("Acme GmbH & Co." → "acme-gmbh-co").
public enum Slug {
    public static func make(from name: String, maxLength: Int = 48) -> String {
        var result = ""
        var pendingDash = false
        for scalar in name.lowercased().decomposedASCII.unicodeScalars {
            if ("a"..."z").contains(scalar) || ("0"..."9").contains(scalar) {
                if pendingDash && !result.isEmpty {
                    // A dash plus this character would pass the limit: stop before the dash.
                    if result.count + 2 > maxLength { break }
                    result.append("-")
                }
                pendingDash = false
                result.unicodeScalars.append(scalar)
                if result.count >= maxLength { break }
            } else {
                pendingDash = true
            }
        }
        while result.hasSuffix("-") { result.removeLast() }
        return result.isEmpty ? "org" : result
    }
}

extension String {
    /// Latin letters with their accents removed ("Ü" → "U"); other scripts are dropped.
    var decomposedASCII: String {
        var out = String.UnicodeScalarView()
        for scalar in self.decomposedStringWithCanonicalMappingCompat.unicodeScalars where scalar.isASCII {
            out.append(scalar)
        }
        return String(out)
    }

    private var decomposedStringWithCanonicalMappingCompat: String {
        // Canonical decomposition without Foundation: split precomposed Latin-1 letters.
        var out = ""
        for ch in self {
            if let mapped = Self.latinFold[ch] { out += mapped } else { out.append(ch) }
        }
        return out
    }

    private static let latinFold: [Character: String] = [
        "à": "a", "á": "a", "â": "a", "ã": "a", "ä": "ae", "å": "a", "æ": "ae", "ç": "c",
        "è": "e", "é": "e", "ê": "e", "ë": "e", "ì": "i", "í": "i", "î": "i", "ï": "i",
        "ñ": "n", "ò": "o", "ó": "o", "ô": "o", "õ": "o", "ö": "oe", "ø": "o", "ù": "u",
        "ú": "u", "û": "u", "ü": "ue", "ý": "y", "ÿ": "y", "ß": "ss", "œ": "oe", "ł": "l",
        "ś": "s", "ź": "z", "ż": "z", "č": "c", "š": "s", "ž": "z", "ř": "r", "ě": "e",
    ]
}
