import Foundation
import OnrampDomain
import Testing

@Suite("Slug")
struct SlugTests {
    @Test("names become lower-case words joined by single dashes", arguments: [
        ("Acme GmbH & Co.", "acme-gmbh-co"),
        ("Acme", "acme"),
        ("  --Hello,   World!!--  ", "hello-world"),
        ("100% Pure", "100-pure"),
        ("3M Company", "3m-company"),
        ("a_b.c/d", "a-b-c-d"),
        ("ALL CAPS INC", "all-caps-inc"),
    ])
    func basic(_ name: String, _ slug: String) {
        #expect(Slug.make(from: name) == slug)
    }

    @Test("accented Latin letters lose their accents", arguments: [
        ("Café Déjà Vu", "cafe-deja-vu"),
        ("Müller Bäckerei", "mueller-baeckerei"),
        ("Straße 5", "strasse-5"),
        ("Łódź Works", "lodz-works"),
        ("Señor Ñandú", "senor-nandu"),
        ("Œuvre Ærø", "oeuvre-aero"),
        ("Škoda Žilina Čierny", "skoda-zilina-cierny"),
        ("Cafe\u{301} Combining", "cafe-combining"),
    ])
    func accents(_ name: String, _ slug: String) {
        #expect(Slug.make(from: name) == slug)
    }

    @Test("other scripts are dropped", arguments: [
        ("東京 Tokyo", "tokyo"),
        ("Москва 2024", "2024"),
        ("Ελλάδα & Co", "co"),
    ])
    func otherScripts(_ name: String, _ slug: String) {
        #expect(Slug.make(from: name) == slug)
    }

    @Test("a name with nothing usable becomes \"org\"", arguments: ["", "   ", "!!!", "—–…", "東京", "🦊🦊"])
    func fallback(_ name: String) {
        #expect(Slug.make(from: name) == "org")
    }

    @Test("slugs are cut at 48 characters by default")
    func defaultMaxLength() {
        #expect(Slug.make(from: String(repeating: "a", count: 100)) == String(repeating: "a", count: 48))
        #expect(Slug.make(from: String(repeating: "a", count: 48)) == String(repeating: "a", count: 48))
    }

    @Test("a custom maximum length is respected and no dash is left at the end")
    func customMaxLength() {
        #expect(Slug.make(from: "abcdefghij", maxLength: 4) == "abcd")
        #expect(Slug.make(from: "abcd efgh", maxLength: 5) == "abcd")
        #expect(Slug.make(from: "abc defgh", maxLength: 5) == "abc-d")
        #expect(Slug.make(from: "abcd efgh", maxLength: 4) == "abcd")
        #expect(Slug.make(from: "ab cd ef gh", maxLength: 8) == "ab-cd-ef")
    }

    @Test("no slug is longer than its maximum, for any cut point", arguments: 1...20)
    func neverTooLong(_ maxLength: Int) {
        for name in ["Acme GmbH & Co. KG Holding", "a b c d e f g h i j k l", "Müller Bäckerei Straße"] {
            let slug = Slug.make(from: name, maxLength: maxLength)
            #expect(slug.count <= maxLength, "\(slug) from \(name) is longer than \(maxLength)")
            #expect(!slug.hasSuffix("-") && !slug.hasPrefix("-"))
            #expect(!slug.contains("--"))
        }
    }

    @Test("slugs contain only lower-case ASCII letters, digits and single inner dashes")
    func alphabet() {
        let names = ["Ünïcödé Ltd.", "O'Reilly & Sons", "  x  ", "Tab\tSeparated\nLines", "a--b__c"]
        let allowed = Set("abcdefghijklmnopqrstuvwxyz0123456789-")
        for name in names {
            let slug = Slug.make(from: name)
            #expect(slug.allSatisfy { allowed.contains($0) }, "\(slug)")
            #expect(!slug.contains("--") && !slug.hasPrefix("-") && !slug.hasSuffix("-"))
        }
    }
}

@Suite("TenantScope")
struct TenantScopeTests {
    @Test("scopes are equal exactly when their tenants are")
    func equality() {
        let id = UUID()
        #expect(TenantScope(tenantID: id) == TenantScope(tenantID: id))
        #expect(TenantScope(tenantID: id).tenantID == id)
        #expect(TenantScope(tenantID: id) != TenantScope(tenantID: UUID()))
        #expect(Set([TenantScope(tenantID: id), TenantScope(tenantID: id)]).count == 1)
    }
}
