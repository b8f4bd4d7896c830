import Foundation
import OnrampDomain
import Testing

@Suite("Industry templates")
struct IndustryTemplateTests {
    @Test func theBuiltInIndustriesAreAllThere() {
        #expect(IndustryTemplates.all.map(\.id) == ["ecommerce", "saas", "healthcare", "education", "financial_services", "travel", "general"])
        #expect(IndustryTemplates.named("saas")?.name == "SaaS / software")
        #expect(IndustryTemplates.named("nope") == nil)
    }

    @Test("every template's defaults pass their step's validation", arguments: IndustryTemplates.all.map(\.id))
    func defaultsAreValid(_ id: String) throws {
        let template = try #require(IndustryTemplates.named(id))
        #expect(template.sla.keys.sorted() == ["high", "low", "normal", "urgent"])
        for target in template.sla.values { #expect(target.firstResponseMinutes <= target.resolutionMinutes) }
        for (day, hours) in template.businessHours { #expect(BusinessHoursText.parse(hours) != nil, "\(id) \(day)") }
        #expect(!template.faq.isEmpty && !template.emailTemplates.isEmpty && !template.routingRules.isEmpty)
        #expect(template.requiredSteps.isSuperset(of: [.organization, .review]))
        let workflows = template.defaults(for: .workflows, timeZone: "Europe/Berlin")
        #expect(StepValidator.validate(.workflows, workflows).errors.isEmpty)
        let portal = template.defaults(for: .portal, timeZone: nil).merging(["subdomain": .string("acme")]) { a, _ in a }
        #expect(StepValidator.validate(.portal, portal).errors.isEmpty)
        let industry = template.defaults(for: .organization, timeZone: nil)["industry"]?.stringValue
        #expect(StepValidator.industries.contains(industry ?? ""))
        let channels = template.defaults(for: .channels, timeZone: nil)["enabled"]?.arrayValue?.compactMap(\.stringValue) ?? []
        #expect(!channels.isEmpty && channels.allSatisfy(StepValidator.channelKinds.contains))
        #expect(template.defaults(for: .team, timeZone: nil).isEmpty)
    }

    @Test func applyingNeverOverwritesWhatTheUserEntered() throws {
        let start = Date(timeIntervalSince1970: 0)
        var session = OnboardingSession.start(at: start)
        try session.update(.organization, patch: ["industry": .string("saas"), "time_zone": .string("Asia/Tokyo")],
                           complete: false, at: start)
        try session.update(.workflows, patch: ["sla": .object([
            "urgent": .object(["first_response_minutes": .number(5), "resolution_minutes": .number(60)]),
        ])], complete: false, at: start)
        let version = session.version

        try session.apply(IndustryTemplates.ecommerce, at: start)

        #expect(session.version == version + 1)
        #expect(session.templateID == "ecommerce")
        #expect(session.record(.organization).config["industry"] == .string("saas"))
        let sla = try #require(session.record(.workflows).config["sla"]?.objectValue)
        #expect(sla["urgent"]?.objectValue?["first_response_minutes"] == .number(5))
        #expect(sla["low"]?.objectValue?["first_response_minutes"] == .number(480))
        #expect(session.record(.workflows).config["business_hours"]?.objectValue?["time_zone"] == .string("Asia/Tokyo"))
        #expect(session.isRequired(.payments) && session.isRequired(.portal) && session.isRequired(.review))
        #expect(session.record(.channels).config["enabled"]?.arrayValue?.count == 3)
    }

    @Test func applyingLeavesCompletedStepsAloneAndNeedsAnActiveSession() throws {
        let start = Date(timeIntervalSince1970: 0)
        var session = OnboardingSession.start(at: start)
        try session.skip(.ai, at: start)
        try session.pause(at: start)
        #expect(throws: OnboardingFailure.refused(.sessionPaused)) { try session.apply(IndustryTemplates.general, at: start) }
        try session.resume(at: start)
        try session.apply(IndustryTemplates.general, at: start)
        #expect(session.record(.ai).config["classification_enabled"] == .bool(true))
    }

    @Test func fillingMergesObjectsAndKeepsScalarsAndLists() {
        let mine: ConfigValue = .object(["a": .number(1), "list": .array([.string("x")]), "nested": .object(["k": .bool(false)])])
        let defaults: ConfigValue = .object(["a": .number(2), "b": .number(3), "list": .array([.string("y"), .string("z")]),
                                             "nested": .object(["k": .bool(true), "extra": .string("e")])])
        let merged = mine.filling(defaults)
        #expect(merged == .object(["a": .number(1), "b": .number(3), "list": .array([.string("x")]),
                                   "nested": .object(["k": .bool(false), "extra": .string("e")])]))
        #expect(ConfigValue.string("kept").filling(defaults) == .string("kept"))
    }
}

@Suite("Custom templates")
struct CustomTemplateContentTests {
    @Test func extractionKeepsSettingsAndDropsIdentityAndPeople() throws {
        let start = Date(timeIntervalSince1970: 0)
        var session = OnboardingSession.start(at: start)
        try session.update(.organization, patch: [
            "legal_name": .string("Acme GmbH"), "support_email": .string("help@acme.example"),
            "industry": .string("travel"), "time_zone": .string("Europe/Lisbon"),
        ], complete: false, at: start)
        try session.update(.team, patch: ["invites": .array([.object(["email": .string("a@acme.example")])])],
                           complete: false, at: start)
        try session.update(.portal, patch: ["subdomain": .string("acme"), "features": .array([.string("faq")])],
                           complete: false, at: start)

        let content = CustomTemplateContent.extract(from: session)

        #expect(content.steps["organization"] == ["industry": .string("travel"), "time_zone": .string("Europe/Lisbon")])
        #expect(content.steps["team"] == nil)
        #expect(content.steps["portal"] == ["features": .array([.string("faq")])])
        #expect(Set(content.requiredSteps) == session.requiredSteps)
        #expect(content.defaults[.portal] == ["features": .array([.string("faq")])])

        var other = OnboardingSession.start(at: start)
        try other.apply(defaults: content.defaults, requiredSteps: [.organization], templateID: "custom-1", at: start)
        #expect(other.templateID == "custom-1")
        #expect(other.requiredSteps == [.organization, .review])
        #expect(other.record(.organization).config["time_zone"] == .string("Europe/Lisbon"))
    }
}
