import Foundation
import OnrampDomain
import Testing

@Suite("EmailAddress")
struct EmailAddressTests {
    @Test("trims surrounding white space and lower-cases the whole address")
    func normalises() throws {
        let address = try #require(EmailAddress("  \tAda.Lovelace@Example.COM \n"))
        #expect(address.value == "ada.lovelace@example.com")
        #expect(address.description == "ada.lovelace@example.com")
        #expect(address.localPart == "ada.lovelace")
        #expect(address.domain == "example.com")
    }

    @Test("addresses differing only in case are the same address")
    func caseInsensitiveIdentity() throws {
        let upper = try #require(EmailAddress("ADA@EXAMPLE.ORG"))
        let mixed = try #require(EmailAddress("Ada@Example.org"))
        #expect(upper == mixed)
        #expect(Set([upper, mixed]).count == 1)
    }

    @Test("accepts plausible addresses", arguments: [
        "a@b.co",
        "first.last+tag@sub.example.org",
        "o'brien@example.ie",
        "user_name-1@my-domain.example",
        "x@example.museum",
        "!#$%&'*+/=?^_`{|}~-@example.com",
        "jörg@bücher.de",
        "1234@123.example.com",
        "ivan@example.xn--p1ai",
    ])
    func acceptsPlausible(_ raw: String) throws {
        let address = try #require(EmailAddress(raw))
        #expect(address.value == raw.lowercased())
    }

    @Test("rejects implausible addresses", arguments: [
        "", "   ", "plain", "@example.com", "ada@", "ada@@example.com", "ada@b@example.com",
        "ada lovelace@example.com", ".ada@example.com", "ada.@example.com", "ada..l@example.com",
        "ada(x)@example.com", "ada\"x@example.com", "ada,x@example.com", "ada@example",
        "ada@example.c", "ada@example.123", "ada@-example.com", "ada@example-.com",
        "ada@exa_mple.com", "ada@example..com", "ada@.example.com", "ada@example.com.",
        "ada@exa mple.com", "ada@[127.0.0.1]", "ada@example.com\u{0}",
    ])
    func rejectsImplausible(_ raw: String) {
        #expect(EmailAddress(raw) == nil)
    }

    @Test("rejects white space inside the local part, ASCII or not", arguments: [
        "ada\u{00A0}lovelace@example.com", "ada\u{3000}lovelace@example.com", "ada\u{2003}x@example.com",
    ])
    func rejectsUnicodeSpaces(_ raw: String) {
        #expect(EmailAddress(raw) == nil)
    }

    @Test("the local part may have at most 64 octets")
    func localPartLimit() {
        #expect(EmailAddress(String(repeating: "a", count: 64) + "@example.com") != nil)
        #expect(EmailAddress(String(repeating: "a", count: 65) + "@example.com") == nil)
        // Octets, not characters: 33 × "é" is 66 bytes.
        #expect(EmailAddress(String(repeating: "é", count: 32) + "@example.com") != nil)
        #expect(EmailAddress(String(repeating: "é", count: 33) + "@example.com") == nil)
    }

    @Test("a domain label may have at most 63 octets")
    func labelLimit() {
        #expect(EmailAddress("a@" + String(repeating: "b", count: 63) + ".com") != nil)
        #expect(EmailAddress("a@" + String(repeating: "b", count: 64) + ".com") == nil)
    }

    @Test("the whole address may have at most 254 octets")
    func totalLimit() throws {
        // 64 + 1 + (63 + 1 + 63 + 1 + 61) = 254
        let local = String(repeating: "a", count: 64)
        let domain = [String(repeating: "b", count: 63), String(repeating: "c", count: 63)]
        let longest = local + "@" + domain.joined(separator: ".") + "." + String(repeating: "d", count: 61)
        #expect(longest.utf8.count == EmailAddress.maxLength)
        let parsed = try #require(EmailAddress(longest))
        #expect(parsed.value == longest)
        // Surrounding white space does not count against the limit.
        #expect(EmailAddress("  " + longest + "  ") == parsed)

        let tooLong = local + "@" + domain.joined(separator: ".") + "." + String(repeating: "d", count: 62)
        #expect(tooLong.utf8.count == 255)
        #expect(EmailAddress(tooLong) == nil)
    }

    @Test("local part and domain split at the last @")
    func parts() throws {
        let address = try #require(EmailAddress("Support+Billing@Mail.Example.co.uk"))
        #expect(address.localPart == "support+billing")
        #expect(address.domain == "mail.example.co.uk")
    }

    @Test("survives a JSON round trip")
    func codable() throws {
        let address = try #require(EmailAddress("ada@example.com"))
        let data = try JSONEncoder().encode(address)
        #expect(try JSONDecoder().decode(EmailAddress.self, from: data) == address)
    }
}
