import Foundation
import OnrampDomain
import Testing

@Suite("SecretBox")
struct SecretBoxTests {
    static let keyA = [UInt8](repeating: 0xA1, count: 32)
    static let keyB = (0..<32).map { UInt8($0) }
    static let keyC = [UInt8](repeating: 0x0C, count: 32)

    /// The failure `open` threw, or nil when it opened.
    func failure(_ box: SecretBox, _ sealed: String, context: String = "") -> SecretBox.Failure? {
        do {
            _ = try box.open(sealed, context: context)
            return nil
        } catch {
            return error
        }
    }

    /// `sealed` with the payload character at `offset` replaced by a different base64url character.
    func tamper(_ sealed: String, at offset: Int) -> String {
        var characters = Array(sealed)
        let payloadStart = sealed.distance(from: sealed.startIndex, to: sealed.lastIndex(of: ".")!) + 1
        let index = payloadStart + offset
        characters[index] = characters[index] == "A" ? "B" : "A"
        return String(characters)
    }

    @Test("sealed text opens to the original", arguments: [
        "xoxb-1234-secret", "", "Grüße aus Köln 🔑", String(repeating: "long secret ", count: 500), "a.b.c",
    ])
    func roundTrip(_ plaintext: String) throws {
        let box = SecretBox(masterKey: Self.keyA)
        let sealed = try box.seal(plaintext)
        #expect(try box.open(sealed) == plaintext)
        #expect(!sealed.contains(plaintext) || plaintext.isEmpty)
    }

    @Test("sealed text has the sb1 format and names the current key")
    func format() throws {
        let box = SecretBox(masterKey: Self.keyA)
        let sealed = try box.seal("secret")
        let parts = sealed.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        #expect(parts.count == 3)
        #expect(parts[0] == "sb1")
        #expect(parts[1] == box.currentKeyID)
        let urlSafe = Set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")
        #expect(parts[2].allSatisfy { urlSafe.contains($0) })
        // 12-byte nonce + 6 bytes of ciphertext + 16-byte tag = 34 bytes = 46 unpadded base64 characters.
        #expect(parts[2].count == 46)
    }

    @Test("each seal uses a fresh nonce, so the same secret seals differently")
    func randomNonce() throws {
        let box = SecretBox(masterKey: Self.keyA)
        let sealings = try (0..<20).map { _ in try box.seal("same secret") }
        #expect(Set(sealings).count == 20)
        for sealed in sealings {
            #expect(try box.open(sealed) == "same secret")
        }
    }

    @Test("the context is authenticated: only the same context opens")
    func context() throws {
        let box = SecretBox(masterKey: Self.keyA)
        let sealed = try box.seal("token", context: "tenant:1:whatsapp")
        #expect(try box.open(sealed, context: "tenant:1:whatsapp") == "token")
        #expect(failure(box, sealed, context: "tenant:2:whatsapp") == .tampered)
        #expect(failure(box, sealed) == .tampered)
        let plain = try box.seal("token")
        #expect(failure(box, plain, context: "tenant:1:whatsapp") == .tampered)
    }

    @Test("a changed byte anywhere in the payload is detected", arguments: [0, 5, 15, 20, 30, 40])
    func tampered(_ offset: Int) throws {
        let box = SecretBox(masterKey: Self.keyA)
        let sealed = try box.seal("a secret worth protecting")
        let altered = tamper(sealed, at: offset)
        #expect(altered != sealed)
        #expect(failure(box, altered) == .tampered)
    }

    @Test("a truncated payload is detected")
    func truncated() throws {
        let box = SecretBox(masterKey: Self.keyA)
        // 26 bytes of plaintext: 54 sealed bytes, 72 base64 characters without padding.
        let sealed = try box.seal("a secret worth protecting!")
        #expect(failure(box, String(sealed.dropLast(4))) == .tampered)
    }

    @Test("a secret sealed under a key that is not configured names that key")
    func unknownKey() throws {
        let sealer = SecretBox(masterKey: Self.keyA)
        let sealed = try sealer.seal("secret")
        let other = SecretBox(masterKey: Self.keyB)
        #expect(failure(other, sealed) == .unknownKey(sealer.currentKeyID))

        let renamed = sealed.replacingOccurrences(of: ".\(sealer.currentKeyID).", with: ".deadbeef.")
        #expect(failure(sealer, renamed) == .unknownKey("deadbeef"))
    }

    @Test("malformed input is refused as malformed", arguments: [
        "", "secret", "sb1", "sb1.abcd", "sb1..", "sb2.00000000.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
        "sb1.00000000.AAAA.AAAA", "sb1.00000000.!!!!not-base64!!!!", "sb1.00000000.A",
        // 27 bytes: shorter than a nonce and a tag.
        "sb1.00000000.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
    ])
    func malformed(_ sealed: String) {
        #expect(failure(SecretBox(masterKey: Self.keyA), sealed) == .malformed)
    }

    @Test("a payload of exactly a nonce and a tag is not malformed, only unauthentic")
    func minimalPayload() throws {
        let box = SecretBox(masterKey: Self.keyA)
        // 28 zero bytes: the size of a sealed empty string.
        let payload = Data(count: 28).base64EncodedString().replacingOccurrences(of: "=", with: "")
        #expect(failure(box, "sb1.\(box.currentKeyID).\(payload)") == .tampered)
    }

    @Test("after a rotation the previous key still opens old secrets, and they need re-sealing")
    func rotation() throws {
        let old = SecretBox(masterKey: Self.keyA)
        let sealedBefore = try old.seal("integration token", context: "tenant:7")

        let rotated = SecretBox(masterKey: Self.keyB, previousKeys: [Self.keyA])
        #expect(rotated.currentKeyID == SecretBox.keyID(of: Self.keyB))
        #expect(try rotated.open(sealedBefore, context: "tenant:7") == "integration token")
        #expect(rotated.needsRotation(sealedBefore))
        #expect(!old.needsRotation(sealedBefore))

        let resealed = try rotated.seal(try rotated.open(sealedBefore, context: "tenant:7"), context: "tenant:7")
        #expect(!rotated.needsRotation(resealed))
        #expect(resealed.contains(".\(SecretBox.keyID(of: Self.keyB))."))
        #expect(try rotated.open(resealed, context: "tenant:7") == "integration token")
        // The old box does not know the new key.
        #expect(failure(old, resealed, context: "tenant:7") == .unknownKey(rotated.currentKeyID))
    }

    @Test("several previous keys are all accepted")
    func severalPreviousKeys() throws {
        let sealedA = try SecretBox(masterKey: Self.keyA).seal("a")
        let sealedB = try SecretBox(masterKey: Self.keyB).seal("b")
        let box = SecretBox(masterKey: Self.keyC, previousKeys: [Self.keyA, Self.keyB])
        #expect(try box.open(sealedA) == "a")
        #expect(try box.open(sealedB) == "b")
    }

    @Test("previous keys that are not 32 bytes are ignored")
    func shortPreviousKeysIgnored() throws {
        let sealed = try SecretBox(masterKey: Self.keyA).seal("secret")
        let box = SecretBox(masterKey: Self.keyB, previousKeys: [Array(Self.keyA.prefix(16)), []])
        #expect(failure(box, sealed) == .unknownKey(SecretBox.keyID(of: Self.keyA)))
    }

    @Test("needsRotation looks only at sealed-looking values")
    func needsRotationShapes() {
        let box = SecretBox(masterKey: Self.keyA)
        #expect(!box.needsRotation("sb1.\(box.currentKeyID).AAAA"))
        #expect(box.needsRotation("sb1.00000000.AAAA"))
        #expect(!box.needsRotation("plain text"))
        #expect(!box.needsRotation("sb1.only-two"))
    }

    @Test("key ids are the first 8 hex digits of the key's SHA-256")
    func keyIDs() {
        #expect(SecretBox.keyID(of: [UInt8](repeating: 0, count: 32)) == "66687aad")
        #expect(SecretBox.keyID(of: Self.keyA) == SecretBox.keyID(of: Self.keyA))
        #expect(SecretBox.keyID(of: Self.keyA) != SecretBox.keyID(of: Self.keyB))
        #expect(SecretBox.keyID(of: Self.keyB).count == 8)
        #expect(SecretBox(masterKey: Self.keyA).currentKeyID == SecretBox.keyID(of: Self.keyA))
        #expect(SecretBox.keyID(of: Self.keyB) == String(SecretDigest.sha256Hex(
            String(decoding: Self.keyB, as: UTF8.self)).prefix(8)))
    }

    @Test("failures describe themselves")
    func descriptions() {
        #expect(SecretBox.Failure.malformed.description.contains("sb1"))
        #expect(SecretBox.Failure.unknownKey("cafebabe").description.contains("cafebabe"))
        #expect(SecretBox.Failure.tampered.description.contains("altered"))
        let all: [SecretBox.Failure] = [.malformed, .unknownKey("x"), .tampered]
        #expect(Set(all.map(\.description)).count == 3)
    }
}
