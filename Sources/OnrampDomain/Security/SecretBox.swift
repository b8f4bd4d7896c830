import Crypto
import Foundation

/// Seals secrets (integration tokens, provider keys) with AES-256-GCM before they touch the
/// database. The sealed text names the key it was sealed with, so the master key can rotate:
/// new secrets use the current key, old ones still open with a previous key.
///
/// Format: `sb1.<key id>.<base64url(nonce ‖ ciphertext ‖ tag)>`.
public struct SecretBox: Sendable {
    public enum Failure: Error, Equatable, CustomStringConvertible {
        case malformed
        case unknownKey(String)
        case tampered

        public var description: String {
            switch self {
            case .malformed: "The sealed secret is not in the sb1 format."
            case .unknownKey(let id): "The sealed secret was made with key \(id), which is not configured."
            case .tampered: "The sealed secret failed authentication: it was altered or belongs elsewhere."
            }
        }
    }

    private let current: (id: String, key: SymmetricKey)
    private let keys: [String: SymmetricKey]

    /// - Parameters:
    ///   - masterKey: 32 bytes; seals new secrets.
    ///   - previousKeys: 32-byte keys that may still open older secrets.
    public init(masterKey: [UInt8], previousKeys: [[UInt8]] = []) {
        precondition(masterKey.count == 32, "a master key has 32 bytes")
        let currentKey = SymmetricKey(data: masterKey)
        current = (Self.keyID(of: masterKey), currentKey)
        var all: [String: SymmetricKey] = [:]
        for bytes in previousKeys where bytes.count == 32 { all[Self.keyID(of: bytes)] = SymmetricKey(data: bytes) }
        all[current.id] = currentKey
        keys = all
    }

    /// The id of the key that seals new secrets.
    public var currentKeyID: String { current.id }

    /// A short public fingerprint of a key: the first 8 hex digits of SHA-256 over it.
    public static func keyID(of key: [UInt8]) -> String {
        String(SHA256.hash(data: key).hexEncoded.prefix(8))
    }

    /// A hex HMAC-SHA256 of `message` under a key derived from the current master key for
    /// `context` (HKDF): outgoing webhooks of a tenant are signed with it, so receivers can
    /// check that a call came from Onramp, and no two contexts share a key.
    public func signature(_ message: [UInt8], context: String) -> String {
        let key = HKDF<SHA256>.deriveKey(inputKeyMaterial: current.key, info: Data(context.utf8), outputByteCount: 32)
        return Data(HMAC<SHA256>.authenticationCode(for: message, using: key)).hexEncoded
    }

    /// Seals `plaintext`. `context` (e.g. `tenant:<id>:whatsapp`) is authenticated but not stored:
    /// a sealed value copied to another context will not open.
    public func seal(_ plaintext: String, context: String = "") throws -> String {
        let box = try AES.GCM.seal(Data(plaintext.utf8), using: current.key, authenticating: Data(context.utf8))
        guard let combined = box.combined else { throw Failure.malformed }
        return "sb1.\(current.id).\(Self.base64URL(combined))"
    }

    /// Opens a sealed secret; throws `Failure` when it is malformed, from an unknown key, or altered.
    public func open(_ sealed: String, context: String = "") throws(Failure) -> String {
        let parts = sealed.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0] == "sb1", let bytes = Self.decodeBase64URL(String(parts[2])),
              bytes.count >= 28 else { throw .malformed }
        guard let key = keys[String(parts[1])] else { throw .unknownKey(String(parts[1])) }
        do {
            let box = try AES.GCM.SealedBox(combined: bytes)
            let plain = try AES.GCM.open(box, using: key, authenticating: Data(context.utf8))
            guard let text = String(data: plain, encoding: .utf8) else { throw Failure.tampered }
            return text
        } catch {
            throw .tampered
        }
    }

    /// Whether a sealed value should be re-sealed under the current key.
    public func needsRotation(_ sealed: String) -> Bool {
        let parts = sealed.split(separator: ".", omittingEmptySubsequences: false)
        return parts.count == 3 && parts[1] != current.id
    }

    static func base64URL(_ data: Data) -> String {
        data.base64EncodedString()
            .replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    static func decodeBase64URL(_ text: String) -> Data? {
        var base64 = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while base64.count % 4 != 0 { base64 += "=" }
        return Data(base64Encoded: base64)
    }
}
