import OnrampDomain
import Testing

@Suite("APITokenSecret")
struct APITokenSecretTests {
    static let base62 = Set("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz")
    static let sample = "onr_" + "0123456789ABCDEFGHIJabcdefghijKLMNOPQRST"

    @Test("a generated token is onr_ followed by 40 base62 characters")
    func generatedFormat() throws {
        let token = APITokenSecret.generate()
        #expect(APITokenSecret.prefix == "onr_")
        #expect(token.value.hasPrefix("onr_"))
        #expect(token.value.count == 44)
        #expect(token.value.dropFirst(4).allSatisfy { Self.base62.contains($0) })
        #expect(try #require(APITokenSecret(token.value)) == token)
    }

    @Test("generated tokens differ")
    func generatedTokensDiffer() {
        let tokens = Set((0..<50).map { _ in APITokenSecret.generate().value })
        #expect(tokens.count == 50)
    }

    @Test("generation with a seeded generator is deterministic")
    func seededGeneration() throws {
        var first = SplitMix64(seed: 42)
        var second = SplitMix64(seed: 42)
        let a = APITokenSecret.generate(using: &first)
        let b = APITokenSecret.generate(using: &second)
        #expect(a == b)
        #expect(a.value.count == 44)
        #expect(try #require(APITokenSecret(a.value)) == a)

        // The generator advances: the next token from the same generator is different.
        #expect(APITokenSecret.generate(using: &first) != a)
        var other = SplitMix64(seed: 43)
        #expect(APITokenSecret.generate(using: &other) != a)
    }

    @Test("a generator that always gives the highest value yields the last base62 digit")
    func constantGenerator() {
        struct Highest: RandomNumberGenerator {
            mutating func next() -> UInt64 { .max }
        }
        var highest = Highest()
        #expect(APITokenSecret.generate(using: &highest).value == "onr_" + String(repeating: "z", count: 40))
    }

    @Test("well-formed tokens parse")
    func parses() throws {
        let token = try #require(APITokenSecret(Self.sample))
        #expect(token.value == Self.sample)
        #expect(APITokenSecret("onr_" + String(repeating: "z", count: 40)) != nil)
    }

    @Test("malformed tokens are refused", arguments: [
        "",
        "onr_",
        "ONR_0123456789ABCDEFGHIJabcdefghijKLMNOPQRST",
        "onr-0123456789ABCDEFGHIJabcdefghijKLMNOPQRST",
        "0123456789ABCDEFGHIJabcdefghijKLMNOPQRSTuvwx",
        "onr_0123456789ABCDEFGHIJabcdefghijKLMNOPQRS",
        "onr_0123456789ABCDEFGHIJabcdefghijKLMNOPQRSTU",
        "onr_0123456789ABCDEFGHIJabcdefghijKLMNOPQRS-",
        "onr_0123456789ABCDEFGHIJabcdefghijKLMNOPQRS_",
        "onr_0123456789ABCDEFGHIJabcdefghijKLMNOPQRS ",
        "onr_0123456789ABCDEFGHIJabcdefghijKLMNOPQRSé",
        "onr_0123456789ABCDEFGHIJabcdefghijKLMNOPQRS٣",
        " onr_0123456789ABCDEFGHIJabcdefghijKLMNOPQRST",
        "Bearer onr_0123456789ABCDEFGHIJabcdefghijKLMNOPQRST",
    ])
    func refusesMalformed(_ text: String) {
        #expect(APITokenSecret(text) == nil)
    }

    @Test("the hash is the hex SHA-256 of the whole token")
    func hash() throws {
        let token = try #require(APITokenSecret(Self.sample))
        #expect(token.hash == SecretDigest.sha256Hex(Self.sample))
        #expect(token.hash.count == 64)
        #expect(token.hash.allSatisfy { "0123456789abcdef".contains($0) })
        #expect(try #require(APITokenSecret(Self.sample)).hash == token.hash)
        #expect(APITokenSecret.generate().hash != token.hash)
    }

    @Test("the display prefix is onr_ and the next six characters")
    func displayPrefix() throws {
        let token = try #require(APITokenSecret(Self.sample))
        #expect(token.displayPrefix == "onr_012345")
        #expect(APITokenSecret.generate().displayPrefix.count == 10)
    }
}
