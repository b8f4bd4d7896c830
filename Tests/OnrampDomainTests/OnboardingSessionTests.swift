import Foundation
import OnrampDomain
import Testing

/// Valid and invalid step configurations shared by the onboarding tests.
enum OnboardingFixtures {
    static let t0 = Date(timeIntervalSince1970: 1_750_000_000)

    static func minutes(_ first: Double, _ resolution: Double) -> ConfigValue {
        .object(["first_response_minutes": .number(first), "resolution_minutes": .number(resolution)])
    }

    static func strings(_ items: String...) -> ConfigValue { .array(items.map(ConfigValue.string)) }

    static func invite(_ email: String, _ role: String) -> ConfigValue {
        .object(["email": .string(email), "role": .string(role)])
    }

    /// A configuration every step's validator accepts without errors or warnings.
    static func valid(_ step: OnboardingStepID) -> StepConfig {
        switch step {
        case .organization:
            [
                "legal_name": .string("Example GmbH"),
                "display_name": .string("Example"),
                "industry": .string("saas"),
                "size_band": .string("5-20"),
                "country": .string("DE"),
                "time_zone": .string("Europe/Berlin"),
                "languages": strings("en", "de"),
                "support_email": .string("support@example.com"),
                "website": .string("https://example.com"),
            ]
        case .branding:
            [
                "brand_name": .string("Example"),
                "primary_color": .string("#1F5FBF"),
                "text_color": .string("#111111"),
                "background_color": .string("#FFFFFF"),
                "logo_url": .string("https://cdn.example.com/logo.png"),
                "custom_css": .string(".portal-header { color: #1f5fbf; font-weight: 600; }"),
            ]
        case .channels:
            [
                "enabled": strings("email", "whatsapp", "instagram", "portal"),
                "email": .object(["address": .string("help@example.com")]),
                "whatsapp": .object(["phone_number_id": .string("1234567890"), "display_phone": .string("+4930123456")]),
                "instagram": .object(["account_id": .string("17841400000")]),
            ]
        case .ai:
            [
                "classification_enabled": .bool(true),
                "suggested_replies_enabled": .bool(false),
                "llm_provider": .string("openai_compatible"),
                "llm_base_url": .string("https://llm.example.com/v1"),
            ]
        case .knowledgeBase:
            ["categories": strings("Billing", "Shipping", "Returns")]
        case .payments:
            ["enabled": .bool(true), "currency": .string("EUR")]
        case .team:
            ["invites": .array([invite("ana@example.com", "admin"), invite("ben@example.com", "agent")])]
        case .workflows:
            [
                "sla": .object([
                    "low": minutes(1440, 4320),
                    "normal": minutes(240, 1440),
                    "high": minutes(60, 480),
                    "urgent": minutes(15, 120),
                ]),
                "business_hours": .object([
                    "time_zone": .string("Europe/Berlin"),
                    "mon": .string("09:00-17:00"),
                    "tue": .string("09:00-12:00, 13:00-17:00"),
                    "sat": .string("closed"),
                ]),
            ]
        case .portal:
            [
                "subdomain": .string("example-help"),
                "custom_domain": .string("help.example.com"),
                "features": strings("ticket_submission", "faq", "ticket_status"),
            ]
        case .dataImport:
            ["source": .string("zendesk")]
        case .analytics:
            [
                "csat_enabled": .bool(true),
                "ga4_measurement_id": .string("G-ABC123XYZ"),
                "report_email": .string("reports@example.com"),
            ]
        case .review:
            ["confirmed": .bool(true)]
        }
    }

    /// A patch that makes the step's configuration invalid whatever else it holds.
    static func invalidPatch(_ step: OnboardingStepID) -> StepConfig {
        switch step {
        case .organization: ["country": .string("XX")]
        case .branding: ["primary_color": .string("blue")]
        case .channels: ["enabled": strings("fax")]
        case .ai: ["llm_provider": .string("skynet")]
        case .knowledgeBase: ["categories": strings("")]
        case .payments: ["enabled": .bool(true), "currency": .string("EURO")]
        case .team: ["invites": .array([invite("nope", "agent")])]
        case .workflows: ["sla": .string("fast")]
        case .portal: ["subdomain": .string("-bad")]
        case .dataImport: ["source": .string("ftp")]
        case .analytics: ["ga4_measurement_id": .string("UA-1234")]
        case .review: ["confirmed": .bool(false)]
        }
    }

    /// `base` with `patch` applied the way a session applies it (null removes).
    static func merged(_ base: StepConfig, _ patch: StepConfig) -> StepConfig {
        var config = base
        for (key, value) in patch { config[key] = value.isNull ? nil : value }
        return config
    }

    /// Completes `steps` in order with valid configurations, one minute apart.
    static func completing(_ steps: [OnboardingStepID], in session: OnboardingSession, from start: Date = t0) throws -> OnboardingSession {
        var session = session
        for (index, step) in steps.enumerated() {
            try session.update(step, patch: valid(step), complete: true, at: start.addingTimeInterval(Double(index + 1) * 60))
        }
        return session
    }

    /// Every default-required step except review, in wizard order.
    static let requiredBeforeReview: [OnboardingStepID] = [.organization, .branding, .channels, .team, .workflows]
}

/// The failure of `body`, or nil when it succeeded.
/// (Closures are not inferred as throwing a typed error yet, so this takes any error.)
func onboardingFailure(_ body: () throws -> Void) -> OnboardingFailure? {
    do {
        try body()
        return nil
    } catch let error as OnboardingFailure {
        return error
    } catch {
        Issue.record("unexpected error \(error)")
        return nil
    }
}

/// Runs `body` on `session`, expects it to fail with `expected` and to leave the session as it was.
func expectOnboardingFailure(
    _ expected: OnboardingFailure, on session: inout OnboardingSession,
    sourceLocation: SourceLocation = #_sourceLocation,
    _ body: (inout OnboardingSession) throws -> Void
) {
    let before = session
    do {
        try body(&session)
        Issue.record("expected \(expected), but the operation succeeded", sourceLocation: sourceLocation)
    } catch {
        #expect(error as? OnboardingFailure == expected, sourceLocation: sourceLocation)
    }
    #expect(session == before, "a failed operation changed the session", sourceLocation: sourceLocation)
}

@Suite("OnboardingSession")
struct OnboardingSessionTests {
    typealias F = OnboardingFixtures
    let t0 = OnboardingFixtures.t0

    func at(_ minutes: Double) -> Date { t0.addingTimeInterval(minutes * 60) }

    // MARK: - Start

    @Test("a new session is active at version 1 with every step not started")
    func startState() {
        let session = OnboardingSession.start(at: t0)
        #expect(session.state == .active)
        #expect(session.version == 1)
        #expect(session.currentStep == .organization)
        #expect(session.startedAt == t0)
        #expect(session.pausedAt == nil)
        #expect(session.completedAt == nil)
        #expect(session.progress == 0)
        #expect(session.steps.count == OnboardingStepID.allCases.count)
        for step in OnboardingStepID.allCases {
            #expect(session.record(step) == StepRecord())
            #expect(session.record(step).state == .notStarted)
            #expect(session.record(step).config.isEmpty)
            #expect(session.record(step).secondsSpent == 0)
        }
        #expect(session.requiredSteps == OnboardingStepID.defaultRequired)
        #expect(session.isRequired(.organization))
        #expect(!session.isRequired(.payments))
    }

    @Test("review is always required, whatever the template says")
    func reviewAlwaysRequired() {
        #expect(OnboardingSession.start(at: t0, required: []).requiredSteps == [.review])
        #expect(OnboardingSession.start(at: t0, required: [.payments]).requiredSteps == [.payments, .review])
        #expect(OnboardingSession.start(at: t0, required: [.review]).isRequired(.review))
    }

    // MARK: - Update

    @Test("a partial save merges fields, marks the step in progress and bumps the version")
    func partialSave() throws {
        var session = OnboardingSession.start(at: t0)
        try session.update(.organization, patch: ["legal_name": .string("Example GmbH")], complete: false, at: at(1))
        try session.update(.organization, patch: ["display_name": .string("Example"), "country": .string("XX")],
                           complete: false, at: at(2))
        let record = session.record(.organization)
        #expect(record.state == .inProgress)
        #expect(record.config == ["legal_name": .string("Example GmbH"), "display_name": .string("Example"),
                                  "country": .string("XX")])
        #expect(record.startedAt == at(1))
        #expect(record.lastActivityAt == at(2))
        #expect(record.completedAt == nil)
        #expect(session.version == 3)
        #expect(session.currentStep == .organization)
        #expect(session.progress == 0)
    }

    @Test("null in a patch removes the field; other fields are kept")
    func nullRemovesField() throws {
        var session = OnboardingSession.start(at: t0)
        try session.update(.organization, patch: F.valid(.organization), complete: false, at: at(1))
        try session.update(.organization, patch: ["website": .null, "display_name": .string("Renamed")], complete: false, at: at(2))
        var expected = F.valid(.organization)
        expected["website"] = nil
        expected["display_name"] = .string("Renamed")
        #expect(session.record(.organization).config == expected)
        // Removing a field that is not there is harmless.
        try session.update(.organization, patch: ["nonexistent": .null], complete: false, at: at(3))
        #expect(session.record(.organization).config == expected)
        #expect(session.version == 4)
    }

    @Test("a partial save of a skipped step puts it back in progress")
    func partialSaveOfSkippedStep() throws {
        var session = OnboardingSession.start(at: t0)
        try session.skip(.payments, at: at(1))
        try session.update(.payments, patch: ["enabled": .bool(false)], complete: false, at: at(2))
        #expect(session.record(.payments).state == .inProgress)
        #expect(session.currentStep == .payments)
    }

    @Test("a partial save of a completed step puts it back in progress, so completed configurations stay valid")
    func partialSaveOfCompletedStep() throws {
        var session = try F.completing([.organization], in: .start(at: t0))
        #expect(session.record(.organization).state == .completed)
        try session.update(.organization, patch: ["support_email": .null], complete: false, at: at(10))
        let record = session.record(.organization)
        #expect(record.state == .inProgress)
        #expect(record.completedAt == nil)
        #expect(record.config["support_email"] == nil)
        #expect(!StepValidator.validate(.organization, record.config).errors.isEmpty)
        #expect(session.progress == 0)
    }

    @Test("completing with an invalid configuration reports every field error and changes nothing")
    func completeInvalid() throws {
        var session = OnboardingSession.start(at: t0)
        try session.update(.organization, patch: ["legal_name": .string("Example GmbH")], complete: false, at: at(1))
        let patch: StepConfig = [
            "country": .string("XX"),
            "languages": F.strings("en", "EN"),
            "time_zone": .string("Mars/Olympus"),
        ]
        let merged = F.merged(session.record(.organization).config, patch)
        let expectedErrors = StepValidator.validate(.organization, merged).errors
        #expect(Set(expectedErrors.map(\.field)) == [
            "display_name", "industry", "size_band", "country", "time_zone", "languages[1]", "support_email",
        ])
        expectOnboardingFailure(.invalid(expectedErrors), on: &session) {
            try $0.update(.organization, patch: patch, complete: true, at: at(2))
        }
        #expect(session.version == 2)
        #expect(session.record(.organization).config == ["legal_name": .string("Example GmbH")])
        #expect(session.record(.organization).lastActivityAt == at(1))
    }

    @Test("completing with a valid configuration completes the step and advances")
    func completeValid() throws {
        var session = OnboardingSession.start(at: t0)
        try session.update(.organization, patch: F.valid(.organization), complete: true, at: at(1))
        let record = session.record(.organization)
        #expect(record.state == .completed)
        #expect(record.completedAt == at(1))
        #expect(record.startedAt == at(1))
        #expect(record.config == F.valid(.organization))
        #expect(session.version == 2)
        #expect(session.currentStep == .branding)
        #expect(session.progress == 100 / 6)
    }

    // MARK: - Prerequisites

    static let prerequisiteCases: [(OnboardingStepID, [OnboardingStepID])] = [
        (.portal, [.branding]),
        (.workflows, [.team]),
        (.branding, [.organization]),
        (.channels, [.organization]),
        (.ai, [.organization]),
        (.knowledgeBase, [.organization]),
        (.payments, [.organization]),
        (.team, [.organization]),
        (.dataImport, [.organization]),
        (.analytics, [.organization]),
        (.review, [.organization, .branding, .channels, .team, .workflows]),
    ]

    @Test("completing a step before its prerequisites is refused, naming them", arguments: prerequisiteCases)
    func prerequisitesMissing(_ step: OnboardingStepID, _ missing: [OnboardingStepID]) {
        var session = OnboardingSession.start(at: t0)
        #expect(session.missingPrerequisites(of: step) == missing)
        expectOnboardingFailure(.refused(.prerequisitesMissing(step: step, missing: missing)), on: &session) {
            try $0.update(step, patch: F.valid(step), complete: true, at: at(1))
        }
        // Saving without completing does not need the prerequisites.
        #expect(onboardingFailure { try session.update(step, patch: F.valid(step), complete: false, at: at(2)) } == nil)
        #expect(session.record(step).state == .inProgress)
    }

    @Test("prerequisites are checked before the configuration")
    func prerequisitesBeforeValidation() {
        var session = OnboardingSession.start(at: t0)
        expectOnboardingFailure(.refused(.prerequisitesMissing(step: .team, missing: [.organization])), on: &session) {
            try $0.update(.team, patch: F.invalidPatch(.team), complete: true, at: at(1))
        }
    }

    @Test("the organization needs nothing; review names only the required steps still open")
    func prerequisitesPartlyMet() throws {
        let session = try F.completing([.organization, .branding, .channels], in: .start(at: t0))
        #expect(session.missingPrerequisites(of: .organization) == [])
        #expect(session.missingPrerequisites(of: .portal) == [])
        #expect(session.missingPrerequisites(of: .review) == [.team, .workflows])
        var copy = session
        expectOnboardingFailure(.refused(.prerequisitesMissing(step: .review, missing: [.team, .workflows])), on: &copy) {
            try $0.update(.review, patch: F.valid(.review), complete: true, at: at(10))
        }
        // A reopened prerequisite is missing again.
        var reopened = session
        try reopened.reopen(.branding, at: at(11))
        #expect(reopened.missingPrerequisites(of: .portal) == [.branding])
    }

    @Test("a skipped optional prerequisite counts as done; a required one never is skipped")
    func skippedOptionalPrerequisite() throws {
        var session = OnboardingSession.start(at: t0, required: [.organization])
        session = try F.completing([.organization], in: session)
        #expect(session.missingPrerequisites(of: .portal) == [.branding])
        try session.skip(.branding, at: at(5))
        #expect(session.missingPrerequisites(of: .portal) == [])
        try session.update(.portal, patch: F.valid(.portal), complete: true, at: at(6))
        #expect(session.record(.portal).state == .completed)
    }

    // MARK: - Skip and reopen

    @Test("an optional step can be skipped")
    func skipOptional() throws {
        var session = OnboardingSession.start(at: t0)
        try session.update(.payments, patch: ["enabled": .bool(true)], complete: false, at: at(1))
        try session.skip(.payments, at: at(2))
        let record = session.record(.payments)
        #expect(record.state == .skipped)
        #expect(record.completedAt == nil)
        #expect(record.config == ["enabled": .bool(true)])
        #expect(record.lastActivityAt == at(2))
        #expect(record.secondsSpent == 60)
        #expect(session.version == 3)
        #expect(session.currentStep == .team)
        #expect(session.progress == 0)
    }

    @Test("a required step cannot be skipped", arguments: Array(OnboardingStepID.defaultRequired).sorted())
    func skipRequired(_ step: OnboardingStepID) {
        var session = OnboardingSession.start(at: t0)
        expectOnboardingFailure(.refused(.requiredStepCannotBeSkipped(step)), on: &session) { try $0.skip(step, at: at(1)) }
    }

    @Test("a template decides what is required; review stays required")
    func templateRequired() throws {
        var session = OnboardingSession.start(at: t0, required: [.payments])
        try session.skip(.organization, at: at(1))
        expectOnboardingFailure(.refused(.requiredStepCannotBeSkipped(.payments)), on: &session) { try $0.skip(.payments, at: at(2)) }
        expectOnboardingFailure(.refused(.requiredStepCannotBeSkipped(.review)), on: &session) { try $0.skip(.review, at: at(2)) }
    }

    @Test("completed and skipped steps can be reopened; their data is kept")
    func reopen() throws {
        var session = try F.completing([.organization, .branding], in: .start(at: t0))
        try session.skip(.payments, at: at(10))
        let version = session.version

        try session.reopen(.organization, at: at(11))
        var record = session.record(.organization)
        #expect(record.state == .inProgress)
        #expect(record.completedAt == nil)
        #expect(record.lastActivityAt == at(11))
        #expect(record.config == F.valid(.organization))
        #expect(session.currentStep == .organization)
        #expect(session.version == version + 1)
        // Steps that depended on it stay completed.
        #expect(session.record(.branding).state == .completed)

        try session.reopen(.payments, at: at(12))
        record = session.record(.payments)
        #expect(record.state == .inProgress)
        #expect(session.currentStep == .payments)
        #expect(session.version == version + 2)
    }

    @Test("steps that are not started or in progress cannot be reopened")
    func reopenRefused() throws {
        var session = OnboardingSession.start(at: t0)
        expectOnboardingFailure(.refused(.cannotReopen(.organization, .notStarted)), on: &session) {
            try $0.reopen(.organization, at: at(1))
        }
        try session.update(.organization, patch: ["legal_name": .string("X")], complete: false, at: at(1))
        expectOnboardingFailure(.refused(.cannotReopen(.organization, .inProgress)), on: &session) {
            try $0.reopen(.organization, at: at(2))
        }
    }

    // MARK: - Pause and resume

    @Test("pausing and resuming")
    func pauseResume() throws {
        var session = OnboardingSession.start(at: t0)
        try session.pause(at: at(5))
        #expect(session.state == .paused)
        #expect(session.pausedAt == at(5))
        #expect(session.version == 2)
        try session.resume(at: at(6))
        #expect(session.state == .active)
        #expect(session.pausedAt == nil)
        #expect(session.version == 3)
    }

    @Test("a paused session refuses every change but resume")
    func pausedRefuses() throws {
        var session = try F.completing([.organization], in: .start(at: t0))
        try session.pause(at: at(5))
        let refused = OnboardingFailure.refused(.sessionPaused)
        expectOnboardingFailure(refused, on: &session) { try $0.update(.branding, patch: F.valid(.branding), complete: true, at: at(6)) }
        expectOnboardingFailure(refused, on: &session) { try $0.update(.branding, patch: [:], complete: false, at: at(6)) }
        expectOnboardingFailure(refused, on: &session) { try $0.skip(.payments, at: at(6)) }
        expectOnboardingFailure(refused, on: &session) { try $0.reopen(.organization, at: at(6)) }
        expectOnboardingFailure(refused, on: &session) { try $0.pause(at: at(6)) }
        expectOnboardingFailure(refused, on: &session) { try $0.complete(at: at(6)) }
    }

    @Test("resuming a session that is not paused is refused")
    func resumeActive() {
        var session = OnboardingSession.start(at: t0)
        expectOnboardingFailure(.refused(.notPaused), on: &session) { try $0.resume(at: at(1)) }
    }

    // MARK: - Completion

    @Test("completing onboarding lists the unmet checklist items")
    func checklistUnmet() throws {
        var session = OnboardingSession.start(at: t0)
        let unmet = session.checklist.filter { !$0.met }
        #expect(unmet.map(\.id) == [
            "step.organization", "step.branding", "step.channels", "step.team", "step.workflows", "step.review",
            "organization.support_email",
        ])
        #expect(unmet.allSatisfy { !$0.met })
        #expect(unmet.first?.title == "Organisation profile is completed")
        #expect(unmet.last?.step == .organization)
        expectOnboardingFailure(.refused(.checklistUnmet(unmet)), on: &session) { try $0.complete(at: at(1)) }

        session = try F.completing([.organization, .branding, .channels], in: session)
        let stillUnmet = session.checklist.filter { !$0.met }
        #expect(stillUnmet.map(\.id) == ["step.team", "step.workflows", "step.review"])
        expectOnboardingFailure(.refused(.checklistUnmet(stillUnmet)), on: &session) { try $0.complete(at: at(10)) }
    }

    @Test("without a support email onboarding cannot be completed even when every step is")
    func supportEmailChecklist() throws {
        var session = OnboardingSession.start(at: t0, required: [])
        try session.update(.review, patch: F.valid(.review), complete: true, at: at(1))
        let unmet = session.checklist.filter { !$0.met }
        #expect(unmet.map(\.id) == ["organization.support_email"])
        expectOnboardingFailure(.refused(.checklistUnmet(unmet)), on: &session) { try $0.complete(at: at(2)) }
        try session.update(.organization, patch: ["support_email": .string("not an address")], complete: false, at: at(3))
        #expect(session.checklist.filter { !$0.met }.map(\.id) == ["organization.support_email"])
        try session.update(.organization, patch: ["support_email": .string("help@example.com")], complete: false, at: at(4))
        try session.complete(at: at(5))
        #expect(session.state == .completed)
    }

    @Test("the happy path through every step completes onboarding at 100 %")
    func happyPathEveryStep() throws {
        var session = OnboardingSession.start(at: t0)
        var progress = [session.progress]
        for (index, step) in OnboardingStepID.allCases.enumerated() {
            #expect(session.currentStep == step)
            #expect(session.missingPrerequisites(of: step).isEmpty)
            try session.update(step, patch: F.valid(step), complete: true, at: at(Double(index + 1)))
            progress.append(session.progress)
        }
        #expect(progress == [0, 16, 33, 50, 50, 50, 50, 66, 83, 83, 83, 83, 100])
        #expect(session.checklist.allSatisfy { $0.met })
        #expect(session.version == 1 + OnboardingStepID.allCases.count)
        // Nothing is open any more, so the current step stays on the last one.
        #expect(session.currentStep == .review)
        try session.complete(at: at(100))
        #expect(session.state == .completed)
        #expect(session.completedAt == at(100))
        #expect(session.progress == 100)
        #expect(session.version == 2 + OnboardingStepID.allCases.count)
    }

    @Test("the happy path through the required steps, skipping the optional ones")
    func happyPathRequiredOnly() throws {
        var session = OnboardingSession.start(at: t0)
        var minute = 0.0
        for step in OnboardingStepID.allCases {
            minute += 1
            if session.isRequired(step) {
                try session.update(step, patch: F.valid(step), complete: true, at: at(minute))
            } else {
                try session.skip(step, at: at(minute))
            }
        }
        #expect(session.progress == 100)
        try session.complete(at: at(minute + 1))
        #expect(session.state == .completed)
    }

    @Test("a completed session refuses every change")
    func completedRefuses() throws {
        var session = try F.completing(F.requiredBeforeReview + [.review], in: .start(at: t0))
        try session.complete(at: at(100))
        let refused = OnboardingFailure.refused(.sessionCompleted)
        expectOnboardingFailure(refused, on: &session) { try $0.update(.payments, patch: [:], complete: false, at: at(101)) }
        expectOnboardingFailure(refused, on: &session) { try $0.skip(.payments, at: at(101)) }
        expectOnboardingFailure(refused, on: &session) { try $0.reopen(.organization, at: at(101)) }
        expectOnboardingFailure(refused, on: &session) { try $0.pause(at: at(101)) }
        expectOnboardingFailure(refused, on: &session) { try $0.resume(at: at(101)) }
        expectOnboardingFailure(refused, on: &session) { try $0.complete(at: at(101)) }
    }

    // MARK: - Current step

    @Test("the current step advances to the next open step, wrapping around")
    func currentStepAdvances() throws {
        var session = OnboardingSession.start(at: t0, required: [])
        try session.update(.organization, patch: ["legal_name": .string("X")], complete: false, at: at(1))
        #expect(session.currentStep == .organization)
        try session.update(.channels, patch: F.valid(.channels), complete: false, at: at(2))
        #expect(session.currentStep == .channels)
        try session.skip(.analytics, at: at(3))
        #expect(session.currentStep == .review)
        try session.update(.review, patch: F.valid(.review), complete: true, at: at(4))
        #expect(session.currentStep == .organization)
        try session.update(.organization, patch: F.valid(.organization), complete: true, at: at(5))
        #expect(session.currentStep == .branding)
        try session.skip(.branding, at: at(6))
        #expect(session.currentStep == .channels)
    }

    @Test("with nothing left open the current step stays where the last change was")
    func currentStepWhenNothingOpen() throws {
        var session = OnboardingSession.start(at: t0, required: [])
        for (index, step) in OnboardingStepID.allCases.enumerated() where step != .review && step != .ai {
            try session.skip(step, at: at(Double(index)))
        }
        try session.update(.review, patch: F.valid(.review), complete: true, at: at(20))
        #expect(session.currentStep == .ai)
        try session.skip(.ai, at: at(21))
        #expect(session.currentStep == .ai)
    }

    // MARK: - Time spent

    @Test("time spent adds the gaps between edits, each at most the active gap")
    func timeSpent() throws {
        #expect(OnboardingSession.activeGap == 30 * 60)
        var session = OnboardingSession.start(at: t0)
        try session.update(.organization, patch: [:], complete: false, at: at(0))
        #expect(session.record(.organization).secondsSpent == 0)
        try session.update(.organization, patch: [:], complete: false, at: at(10))
        #expect(session.record(.organization).secondsSpent == 600)
        try session.update(.organization, patch: [:], complete: false, at: at(130))
        #expect(session.record(.organization).secondsSpent == 600 + 1800)
        try session.update(.organization, patch: [:], complete: false, at: at(135))
        #expect(session.record(.organization).secondsSpent == 600 + 1800 + 300)
        // A clock that goes backwards adds nothing.
        try session.update(.organization, patch: [:], complete: false, at: at(100))
        #expect(session.record(.organization).secondsSpent == 2700)
        try session.update(.organization, patch: F.valid(.organization), complete: true, at: at(101))
        #expect(session.record(.organization).secondsSpent == 2760)
        #expect(session.record(.organization).startedAt == at(0))
        // Other steps keep their own time.
        #expect(session.record(.branding).secondsSpent == 0)
    }

    @Test("skipping counts as activity; reopening restarts the clock without adding time")
    func timeSpentSkipReopen() throws {
        var session = OnboardingSession.start(at: t0)
        try session.update(.payments, patch: [:], complete: false, at: at(0))
        try session.skip(.payments, at: at(5))
        #expect(session.record(.payments).secondsSpent == 300)
        try session.reopen(.payments, at: at(500))
        #expect(session.record(.payments).secondsSpent == 300)
        try session.update(.payments, patch: [:], complete: false, at: at(501))
        #expect(session.record(.payments).secondsSpent == 360)
    }

    // MARK: - Size limit

    @Test("a configuration larger than 64 KB is refused")
    func configTooLarge() throws {
        #expect(OnboardingSession.maxConfigBytes == 65_536)
        var session = OnboardingSession.start(at: t0)
        let big = String(repeating: "a", count: 70_000)
        let refused = OnboardingFailure.refused(.configTooLarge(.knowledgeBase, limit: 65_536))
        expectOnboardingFailure(refused, on: &session) {
            try $0.update(.knowledgeBase, patch: ["notes": .string(big)], complete: false, at: at(1))
        }
        // The merged configuration counts: two halves fit alone but not together.
        let half = String(repeating: "b", count: 40_000)
        try session.update(.knowledgeBase, patch: ["a": .string(half)], complete: false, at: at(2))
        expectOnboardingFailure(refused, on: &session) {
            try $0.update(.knowledgeBase, patch: ["b": .string(half)], complete: true, at: at(3))
        }
        // Replacing the big field makes room again.
        try session.update(.knowledgeBase, patch: ["a": .null, "b": .string(half)], complete: false, at: at(4))
        #expect(Set(session.record(.knowledgeBase).config.keys) == ["b"])
    }

    // MARK: - Codable

    @Test("a session survives a JSON round trip unchanged")
    func codableRoundTrip() throws {
        var session = try F.completing([.organization, .branding, .channels], in: .start(at: t0, required: [.organization, .portal]))
        try session.skip(.payments, at: at(10))
        try session.update(.team, patch: ["invites": .array([])], complete: false, at: at(11.5))
        try session.update(.team, patch: ["note": .number(0.1)], complete: false, at: at(12.25))
        try session.pause(at: at(13))
        let data = try JSONEncoder().encode(session)
        let decoded = try JSONDecoder().decode(OnboardingSession.self, from: data)
        #expect(decoded == session)

        let json = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        #expect(Set(json.keys) == ["state", "version", "steps", "required_steps", "current_step", "started_at", "paused_at"])
        #expect(json["required_steps"] as? [String] == ["organization", "portal", "review"])
        #expect(json["current_step"] as? String == "team")
        let steps = try #require(json["steps"] as? [String: Any])
        #expect(Set(steps.keys) == Set(OnboardingStepID.allCases.map(\.rawValue)))
        #expect(steps["knowledge_base"] != nil)

        // A completed session round-trips too.
        var done = try F.completing(F.requiredBeforeReview + [.review], in: .start(at: t0))
        try done.complete(at: at(50))
        #expect(try JSONDecoder().decode(OnboardingSession.self, from: JSONEncoder().encode(done)) == done)
    }

    @Test("decoding fills in steps missing from the stored JSON")
    func decodeFillsMissingSteps() throws {
        let json = """
        {"state":"active","version":3,"steps":{"organization":{"state":"in_progress","config":{"legal_name":"X"},"secondsSpent":12}},
         "required_steps":["organization","review"],"current_step":"organization","started_at":0}
        """
        let session = try JSONDecoder().decode(OnboardingSession.self, from: Data(json.utf8))
        #expect(session.version == 3)
        #expect(session.steps.count == OnboardingStepID.allCases.count)
        #expect(session.record(.organization).state == .inProgress)
        #expect(session.record(.organization).config == ["legal_name": .string("X")])
        #expect(session.record(.organization).secondsSpent == 12)
        #expect(session.record(.analytics) == StepRecord())
        #expect(session.requiredSteps == [.organization, .review])
        #expect(session.pausedAt == nil)
        #expect(session.completedAt == nil)
    }

    // MARK: - Messages

    @Test("every refusal has a message that says what to do")
    func errorDescriptions() {
        let item = OnboardingSession.start(at: t0).checklist.last!
        #expect(item.id == "organization.support_email")
        let cases: [(OnboardingError, String)] = [
            (.sessionPaused, "Onboarding is paused. Resume it before changing anything."),
            (.sessionCompleted, "Onboarding is already completed; change settings from the desk's settings instead."),
            (.notPaused, "Onboarding is not paused, so there is nothing to resume."),
            (.prerequisitesMissing(step: .review, missing: [.team, .workflows]),
             "Review and activate needs Team, Workflows and SLAs completed first."),
            (.requiredStepCannotBeSkipped(.branding), "Branding is required and cannot be skipped; complete it instead."),
            (.cannotReopen(.knowledgeBase, .notStarted),
             "Knowledge base is not started; only completed or skipped steps can be reopened."),
            (.checklistUnmet([item]), "Onboarding cannot be completed yet: A support email address is set."),
            (.configTooLarge(.portal, limit: 65_536), "The configuration of Customer portal is larger than 64 KB."),
        ]
        for (error, message) in cases {
            #expect(error.description == message)
        }
    }

    @Test("step ids, titles and order")
    func stepIDs() {
        #expect(OnboardingStepID.allCases.map(\.rawValue) == [
            "organization", "branding", "channels", "ai", "knowledge_base", "payments", "team", "workflows", "portal",
            "data_import", "analytics", "review",
        ])
        #expect(OnboardingStepID.allCases.map(\.position) == Array(0..<12))
        #expect(OnboardingStepID.allCases.sorted() == OnboardingStepID.allCases)
        #expect(OnboardingStepID.organization < .review)
        #expect(!(OnboardingStepID.review < .review))
        #expect(Set(OnboardingStepID.allCases.map(\.title)).count == 12)
        #expect(OnboardingStepID.ai.title == "AI and automation")
        #expect(OnboardingStepID.dataImport.title == "Data import")
        #expect(OnboardingStepID.analytics.title == "Analytics")
        #expect(OnboardingStepID.payments.title == "Payments")
        #expect(OnboardingStepID.channels.title == "Channels")
        #expect(OnboardingStepID.organization.prerequisites == [])
        #expect(OnboardingStepID.review.prerequisites == [])
        #expect(StepState.allCases.map(\.rawValue) == ["not_started", "in_progress", "completed", "skipped"])
        #expect(SessionState.allCases.map(\.rawValue) == ["active", "paused", "completed"])
    }
}
