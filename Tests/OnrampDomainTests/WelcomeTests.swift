import Foundation
@testable import OnrampDomain
import Testing

@Suite("Activation, samples, the tour and stalled onboarding")
struct WelcomeTests {
    let start = Date(timeIntervalSince1970: 1_800_000_000)

    @Test func activationTurnsOnWhatWasConfiguredAndSaysWhatIsLeft() throws {
        var session = OnboardingSession.start(at: start)
        #expect(Activation.features(of: session) == [])
        #expect(Activation.nextSteps(for: session).contains("Publish the customer portal so customers can find answers."))
        try session.update(.channels, patch: ["enabled": .array([.string("whatsapp"), .string("email")])], complete: false, at: start)
        try session.update(.analytics, patch: ["csat_enabled": .bool(true)], complete: false, at: start)
        try session.update(.ai, patch: ["classification_enabled": .bool(true)], complete: false, at: start)
        try session.update(.knowledgeBase, patch: ["categories": .array([.string("Orders")])], complete: false, at: start)
        #expect(Activation.features(of: session) == ["ai.classification", "channel.email", "channel.whatsapp", "csat"])
        try session.skip(.knowledgeBase, at: start)
        #expect(!Activation.features(of: session).contains("knowledge_base"), "a skipped knowledge base is not turned on")
        try session.reopen(.knowledgeBase, at: start)
        try session.update(.organization, patch: [
            "legal_name": .string("Acme GmbH"), "display_name": .string("Acme"), "industry": .string("saas"),
            "size_band": .string("5-20"), "country": .string("DE"), "time_zone": .string("Europe/Berlin"),
            "languages": .array([.string("de")]), "support_email": .string("help@acme.example"),
        ], complete: true, at: start)
        try session.update(.knowledgeBase, patch: [:], complete: true, at: start)
        #expect(Activation.features(of: session).contains("knowledge_base"))
        let next = Activation.nextSteps(for: session)
        #expect(next.first == "Invite the rest of your team and assign their skills.")
        #expect(next.contains("Import your tickets and contacts from your previous helpdesk."))
    }

    @Test func samplesFollowTheConfigurationAndTheTemplate() throws {
        var session = OnboardingSession.start(at: start)
        let general = SampleData.make(for: session)
        #expect(general.filter { $0.kind == .ticket }.count == 3)
        #expect(general.filter { $0.kind == .ticket }.allSatisfy { $0.details["channel"] == "email" }, "email when no channel is chosen")
        try session.apply(IndustryTemplates.ecommerce, at: start)
        try session.update(.channels, patch: ["enabled": .array([.string("whatsapp"), .string("instagram")])], complete: false, at: start)
        let shop = SampleData.make(for: session)
        let tickets = shop.filter { $0.kind == .ticket }
        #expect(tickets.map { $0.details["channel"] } == ["whatsapp", "instagram", "whatsapp"])
        let articles = shop.filter { $0.kind == .article }
        #expect(!articles.isEmpty)
        #expect(articles.map(\.title) == IndustryTemplates.ecommerce.faq.prefix(3).map(\.title))
        #expect(articles.allSatisfy { $0.details["source"] == IndustryTemplates.ecommerce.name })
    }

    @Test func theTourMovesForwardAndBackAndEnds() {
        var tour = GuidedTour.Progress()
        #expect(tour.showsAutomatically)
        tour.apply(.back)
        #expect(tour.state == .notStarted, "back does nothing before the tour started")
        tour.apply(.next)
        #expect(tour.state == .inProgress && tour.stop == 1)
        tour.apply(.back)
        tour.apply(.back)
        #expect(tour.stop == 0)
        for _ in 0..<GuidedTour.stops.count { tour.apply(.next) }
        #expect(tour.state == .completed)
        #expect(!tour.showsAutomatically)
        tour.apply(.next)
        #expect(tour.state == .completed, "a finished tour stays finished")
        tour.apply(.restart)
        #expect(tour.state == .inProgress && tour.stop == 0)
        tour.apply(.dismiss)
        #expect(tour.state == .dismissed && !tour.showsAutomatically)
        tour.apply(.start)
        tour.apply(.finish)
        #expect(tour.state == .completed)
        #expect(GuidedTour.Progress(state: .inProgress, stop: 99).stop == GuidedTour.stops.count - 1, "a stored stop is clamped")
        #expect(GuidedTour.Progress(state: .inProgress, stop: -4).stop == 0)
    }

    @Test func onlyActiveOnboardingWithoutRecentActivityIsStalled() {
        let now = start.addingTimeInterval(100 * 3600)
        #expect(OnboardingStall.isStalled(state: .active, lastActivityAt: start, startedAt: start, now: now, afterHours: 72))
        #expect(!OnboardingStall.isStalled(state: .active, lastActivityAt: now.addingTimeInterval(-3600), startedAt: start,
                                           now: now, afterHours: 72))
        #expect(OnboardingStall.isStalled(state: .active, lastActivityAt: nil, startedAt: start, now: now, afterHours: 72),
                "without activity the start counts")
        #expect(!OnboardingStall.isStalled(state: .paused, lastActivityAt: start, startedAt: start, now: now, afterHours: 72))
        #expect(!OnboardingStall.isStalled(state: .completed, lastActivityAt: start, startedAt: start, now: now, afterHours: 72))
    }
}
