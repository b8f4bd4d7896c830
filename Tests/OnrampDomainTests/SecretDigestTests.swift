import Foundation
import OnrampDomain
import Testing

@Suite("SecretDigest and hexEncoded")
struct SecretDigestTests {
    @Test("sha256Hex matches the published test vectors")
    func sha256Vectors() {
        #expect(SecretDigest.sha256Hex("") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(SecretDigest.sha256Hex("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
    }

    @Test("a random token is 32 bytes as unpadded URL-safe base64")
    func randomTokenShape() throws {
        let token = SecretDigest.randomToken()
        #expect(token.count == 43)
        let urlSafe = Set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")
        #expect(token.allSatisfy { urlSafe.contains($0) })
        let standard = token.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/") + "="
        let bytes = try #require(Data(base64Encoded: standard))
        #expect(bytes.count == 32)
    }

    @Test("random tokens differ")
    func randomTokensDiffer() {
        let tokens = Set((0..<100).map { _ in SecretDigest.randomToken() })
        #expect(tokens.count == 100)
    }

    @Test("constantTimeEquals compares whole strings", arguments: [
        ("", "", true),
        ("abc", "abc", true),
        ("csrf-token-value", "csrf-token-value", true),
        ("Grüße", "Grüße", true),
        ("abc", "abd", false),
        ("abc", "bbc", false),
        ("abc", "ABC", false),
        ("abc", "abcd", false),
        ("abcd", "abc", false),
        ("", "a", false),
        ("é", "e\u{301}", false),
    ])
    func constantTimeEquals(_ lhs: String, _ rhs: String, _ equal: Bool) {
        #expect(SecretDigest.constantTimeEquals(lhs, rhs) == equal)
        #expect(SecretDigest.constantTimeEquals(rhs, lhs) == equal)
    }

    @Test("hexEncoded writes two lower-case digits a byte")
    func hex() {
        #expect([UInt8]().hexEncoded == "")
        #expect([0x00, 0x0f, 0x10, 0xab, 0xff].hexEncoded == "000f10abff")
        #expect(Data([0xde, 0xad, 0xbe, 0xef]).hexEncoded == "deadbeef")
        #expect("AZ".utf8.hexEncoded == "415a")
    }

    @Test("hexEncoded covers every byte value and round-trips")
    func hexAllBytes() {
        let bytes = (0...255).map { UInt8($0) }
        let hex = bytes.hexEncoded
        #expect(hex.count == 512)
        #expect(hex.hasPrefix("000102"))
        #expect(hex.hasSuffix("fdfeff"))
        var decoded: [UInt8] = []
        var index = hex.startIndex
        while index < hex.endIndex {
            let next = hex.index(index, offsetBy: 2)
            decoded.append(UInt8(hex[index..<next], radix: 16)!)
            index = next
        }
        #expect(decoded == bytes)
    }
}
