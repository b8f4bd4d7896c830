import Foundation

/// Case folding for comparisons: Unicode lower case, then canonical composition; all-ASCII text
/// (the usual case) is folded byte by byte as it is read, without a copy.
enum TextNormalizer {
    static func normalize(_ text: String) -> String {
        var copy = text
        if copy.withUTF8({ isASCII($0) }) { return text.lowercased() }
        return text.lowercased().precomposedStringWithCanonicalMapping
    }

    static func isASCII(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        var seen: UInt8 = 0
        for byte in bytes { seen |= byte }
        return seen < 0x80
    }

    /// Calls `body` with the text's UTF-8, in which ASCII letters may still be upper case (the
    /// automaton folds them); other text is normalised first.
    static func withNormalizedUTF8<R>(_ text: String, _ body: (UnsafeBufferPointer<UInt8>) -> R) -> R {
        var copy = text
        return copy.withUTF8 { bytes in
            if isASCII(bytes) { return body(bytes) }
            var normalized = text.lowercased().precomposedStringWithCanonicalMapping
            return normalized.withUTF8(body)
        }
    }
}
