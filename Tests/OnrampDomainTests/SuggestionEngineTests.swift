import Foundation
import OnrampDomain
import Testing

@Suite("Smart defaults")
struct SuggestionEngineTests {
    func session(_ organization: StepConfig) throws -> OnboardingSession {
        var session = OnboardingSession.start(at: Date(timeIntervalSince1970: 0))
        try session.update(.organization, patch: organization, complete: false, at: Date(timeIntervalSince1970: 1))
        return session
    }

    func suggestion(_ all: [Suggestion], _ step: OnboardingStepID, _ field: String) -> Suggestion? {
        all.first { $0.step == step && $0.field == field }
    }

    @Test func nothingKnownMeansNothingSuggested() {
        #expect(SuggestionEngine.suggest(for: .start(at: Date())).isEmpty)
    }

    @Test func countryGivesTimeZoneLanguagesAndCurrencyWithReasons() throws {
        let all = SuggestionEngine.suggest(for: try session(["country": .string("DE")]))
        let zone = try #require(suggestion(all, .organization, "time_zone"))
        #expect(zone.value == .string("Europe/Berlin"))
        #expect(zone.reason == "time zone Europe/Berlin from country DE")
        #expect(suggestion(all, .payments, "currency")?.value == .string("EUR"))
        #expect(suggestion(all, .organization, "languages")?.value == .array([.string("de"), .string("en")]))
        #expect(suggestion(all, .workflows, "business_hours.time_zone")?.value == .string("Europe/Berlin"))
    }

    @Test func industryAndSizeShapeTheSLAAndExplainIt() throws {
        let all = SuggestionEngine.suggest(for: try session([
            "industry": .string("ecommerce"), "size_band": .string("5-20"), "time_zone": .string("Europe/Paris"),
        ]))
        let high = try #require(suggestion(all, .workflows, "sla.high"))
        #expect(high.value.objectValue?["first_response_minutes"] == .number(60))
        #expect(high.reason == "first response 1 h from the E-commerce template for 5–20 agents")
        #expect(suggestion(all, .workflows, "business_hours.time_zone")?.reason == "the organisation's time zone")
        #expect(suggestion(all, .channels, "enabled") != nil)
        #expect(suggestion(all, .knowledgeBase, "categories") != nil)

        let small = SuggestionEngine.suggest(for: try session(["industry": .string("ecommerce"), "size_band": .string("1-4")]))
        #expect(suggestion(small, .workflows, "sla.high")?.value.objectValue?["first_response_minutes"] == .number(120))
        #expect(suggestion(small, .workflows, "sla.low")?.reason == "first response 16 h from the E-commerce template for 1–4 agents")
    }

    @Test func fieldsTheUserFilledAreNeverSuggested() throws {
        var current = try session(["country": .string("DE"), "time_zone": .string("Europe/Berlin"),
                                   "display_name": .string("Acme Shop"), "support_email": .string("help@acme.example")])
        try current.update(.portal, patch: ["subdomain": .string("mine")], complete: false, at: Date(timeIntervalSince1970: 2))
        let all = SuggestionEngine.suggest(for: current)
        #expect(suggestion(all, .organization, "time_zone") == nil)
        #expect(suggestion(all, .portal, "subdomain") == nil)
        #expect(suggestion(all, .branding, "brand_name")?.value == .string("Acme Shop"))
        #expect(suggestion(all, .channels, "email.address")?.value == .string("help@acme.example"))
        #expect(suggestion(all, .analytics, "report_email") != nil)
    }

    @Test func durationsReadNaturally() throws {
        let all = SuggestionEngine.suggest(for: try session(["industry": .string("saas"), "size_band": .string("21-100")]))
        let reasons = all.filter { $0.field.hasPrefix("sla.") }.map(\.reason)
        #expect(reasons.contains { $0.hasPrefix("first response 18 h from the SaaS") })
        #expect(reasons.contains { $0.hasPrefix("first response 23 min from the SaaS") })
        #expect(reasons.contains { $0.hasPrefix("first response 1 h 30 min from the SaaS") })
    }
}
