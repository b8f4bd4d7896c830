import Crypto
import struct Foundation.Data

/// Random opaque secrets for cookies and CSRF tokens, and their digests.
public enum SecretDigest {
    public static func sha256Hex(_ text: String) -> String {
        SHA256.hash(data: Data(text.utf8)).hexEncoded
    }

    /// 32 random bytes as URL-safe base64 without padding.
    public static func randomToken() -> String {
        let key = SymmetricKey(size: .bits256)
        let data = key.withUnsafeBytes { Data($0) }
        return SecretBox.base64URL(data)
    }

    /// Compares two strings in time that does not depend on where they first differ.
    public static func constantTimeEquals(_ lhs: String, _ rhs: String) -> Bool {
        let a = Array(lhs.utf8), b = Array(rhs.utf8)
        guard a.count == b.count else { return false }
        var difference: UInt8 = 0
        for index in a.indices { difference |= a[index] ^ b[index] }
        return difference == 0
    }
}
