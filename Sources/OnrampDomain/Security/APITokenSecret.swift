import Crypto
import struct Foundation.Data

/// A bearer token for integrators: `onr_` followed by 40 base62 characters (≈238 bits).
/// Only its SHA-256 is stored; the secret is shown once, at creation.
public struct APITokenSecret: Sendable, Hashable {
    public static let prefix = "onr_"
    static let bodyLength = 40
    static let alphabet = Array("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz")

    public let value: String

    /// Parses a presented token; nil when it cannot be one of ours (no database lookup needed).
    public init?(_ text: String) {
        guard text.hasPrefix(Self.prefix) else { return nil }
        let body = text.dropFirst(Self.prefix.count)
        guard body.count == Self.bodyLength, body.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber) }) else {
            return nil
        }
        value = text
    }

    /// A new random token from the system's secure generator.
    public static func generate() -> APITokenSecret {
        var generator = SystemRandomNumberGenerator()
        return generate(using: &generator)
    }

    public static func generate<G: RandomNumberGenerator>(using generator: inout G) -> APITokenSecret {
        var body = ""
        for _ in 0..<bodyLength {
            body.append(alphabet[Int.random(in: 0..<alphabet.count, using: &generator)])
        }
        return APITokenSecret(prefix + body)!
    }

    /// Hex SHA-256 of the token: what the database keeps and looks up by.
    public var hash: String { SecretDigest.sha256Hex(value) }

    /// The first characters, safe to show in lists so people can tell tokens apart.
    public var displayPrefix: String { String(value.prefix(Self.prefix.count + 6)) }
}
