import Foundation
import OnrampDomain
import Testing

/// A change to a step's valid configuration and the error it must produce.
struct InvalidStepCase: Sendable, CustomTestStringConvertible {
    let step: OnboardingStepID
    let patch: StepConfig
    let field: String
    let code: String

    init(_ step: OnboardingStepID, _ patch: StepConfig, _ field: String, _ code: String) {
        self.step = step
        self.patch = patch
        self.field = field
        self.code = code
    }

    var testDescription: String { "\(step.rawValue): \(field) \(code)" }
}

@Suite("StepValidator")
struct StepValidatorTests {
    typealias F = OnboardingFixtures

    static func validate(_ step: OnboardingStepID, _ patch: StepConfig) -> StepValidation {
        StepValidator.validate(step, F.merged(F.valid(step), patch))
    }

    static func pairs(_ validation: StepValidation) -> [String] {
        validation.errors.map { "\($0.field) \($0.code)" }
    }

    static let long201 = String(repeating: "x", count: 201)
    static let sla = F.valid(.workflows)["sla"]!.objectValue!
    static let hours = F.valid(.workflows)["business_hours"]!.objectValue!

    static func sla(_ priority: String, _ value: ConfigValue?) -> StepConfig {
        var sla = Self.sla
        sla[priority] = value
        return ["sla": .object(sla)]
    }

    static func hours(_ changes: [String: ConfigValue?]) -> StepConfig {
        var hours = Self.hours
        for (key, value) in changes { hours[key] = value }
        return ["business_hours": .object(hours)]
    }

    static let invalidCases: [InvalidStepCase] = [
        // Organization
        .init(.organization, ["legal_name": .null], "legal_name", "required"),
        .init(.organization, ["legal_name": .string("   ")], "legal_name", "required"),
        .init(.organization, ["legal_name": .string(long201)], "legal_name", "too_long"),
        .init(.organization, ["legal_name": .number(42)], "legal_name", "invalid_type"),
        .init(.organization, ["display_name": .string("Bell\u{07}")], "display_name", "invalid_characters"),
        .init(.organization, ["industry": .string("mining")], "industry", "invalid_choice"),
        .init(.organization, ["industry": .number(1)], "industry", "invalid_choice"),
        .init(.organization, ["size_band": .null], "size_band", "required"),
        .init(.organization, ["size_band": .string("5-10")], "size_band", "invalid_choice"),
        .init(.organization, ["country": .string("XX")], "country", "invalid_format"),
        .init(.organization, ["country": .string("de")], "country", "invalid_format"),
        .init(.organization, ["country": .string("D")], "country", "invalid_format"),
        .init(.organization, ["country": .string("DEU")], "country", "too_long"),
        .init(.organization, ["country": .null], "country", "required"),
        .init(.organization, ["time_zone": .string("Mars/Olympus")], "time_zone", "invalid_format"),
        .init(.organization, ["time_zone": .string("Berlin")], "time_zone", "invalid_format"),
        .init(.organization, ["time_zone": .null], "time_zone", "required"),
        .init(.organization, ["languages": .array([])], "languages", "required"),
        .init(.organization, ["languages": F.strings("EN")], "languages[0]", "invalid_format"),
        .init(.organization, ["languages": .array([.string("en"), .number(5)])], "languages[1]", "invalid_format"),
        .init(.organization, ["languages": F.strings("en", "english")], "languages[1]", "invalid_format"),
        .init(.organization, ["languages": .string("en")], "languages", "invalid_type"),
        .init(.organization, ["languages": .null], "languages", "required"),
        .init(.organization, ["support_email": .string("support")], "support_email", "invalid_format"),
        .init(.organization, ["support_email": .null], "support_email", "required"),
        .init(.organization, ["website": .string("example.com")], "website", "invalid_format"),
        .init(.organization, ["website": .string("ftp://example.com")], "website", "invalid_format"),
        .init(.organization, ["website": .string("https://exa mple.com")], "website", "invalid_format"),
        .init(.organization, ["website": .string("https://-bad-.com")], "website", "invalid_format"),
        // Branding
        .init(.branding, ["primary_color": .string("blue")], "primary_color", "invalid_format"),
        .init(.branding, ["primary_color": .null], "primary_color", "required"),
        .init(.branding, ["text_color": .string("#12345678")], "text_color", "too_long"),
        .init(.branding, ["text_color": .string("#1234")], "text_color", "invalid_format"),
        .init(.branding, ["background_color": .null], "background_color", "required"),
        .init(.branding, ["background_color": .bool(true)], "background_color", "invalid_type"),
        .init(.branding, ["logo_url": .string("javascript:alert(1)")], "logo_url", "invalid_format"),
        .init(.branding, ["brand_name": .string(String(repeating: "b", count: 121))], "brand_name", "too_long"),
        .init(.branding, ["custom_css": .string("body { background: url(https://evil.example/x.png) }")], "custom_css", "unsafe_css"),
        .init(.branding, ["custom_css": .string("@import 'x.css';")], "custom_css", "unsafe_css"),
        .init(.branding, ["custom_css": .string("body { position: fixed }")], "custom_css", "unsafe_css"),
        .init(.branding, ["custom_css": .string("body\u{0}{ color: red }")], "custom_css", "invalid_characters"),
        // Channels
        .init(.channels, ["enabled": .null], "enabled", "required"),
        .init(.channels, ["enabled": .array([])], "enabled", "required"),
        .init(.channels, ["enabled": .string("email")], "enabled", "invalid_type"),
        .init(.channels, ["enabled": F.strings("fax")], "enabled[0]", "invalid_choice"),
        .init(.channels, ["enabled": F.strings("email", "pigeon")], "enabled[1]", "invalid_choice"),
        .init(.channels, ["enabled": .array([.number(1)])], "enabled[0]", "invalid_choice"),
        .init(.channels, ["email": .null], "email.address", "required"),
        .init(.channels, ["email": .object(["address": .string("inbox")])], "email.address", "invalid_format"),
        .init(.channels, ["email": .object(["address": .string("help@example.com"), "password": .string("hunter2")])],
              "email.password", "secret_not_allowed"),
        .init(.channels, ["whatsapp": .object(["phone_number_id": .string("12ab"), "display_phone": .string("+4930123456")])],
              "whatsapp.phone_number_id", "invalid_format"),
        .init(.channels, ["whatsapp": .object(["phone_number_id": .string("123"), "display_phone": .string("030 123456")])],
              "whatsapp.display_phone", "invalid_format"),
        .init(.channels, ["whatsapp": .object(["phone_number_id": .string("123"), "display_phone": .string("+0301234567")])],
              "whatsapp.display_phone", "invalid_format"),
        .init(.channels, ["whatsapp": .object(["display_phone": .string("+4930123456")])], "whatsapp.phone_number_id", "required"),
        .init(.channels, ["whatsapp": .object(["phone_number_id": .string("123"), "display_phone": .string("+4930123456"),
                                               "access_token": .string("EAAG...")])],
              "whatsapp.access_token", "secret_not_allowed"),
        .init(.channels, ["instagram": .object([:])], "instagram.account_id", "required"),
        .init(.channels, ["instagram": .object(["account_id": .string("1784"), "access_token": .string("IGQ...")])],
              "instagram.access_token", "secret_not_allowed"),
        // AI
        .init(.ai, ["llm_provider": .string("skynet")], "llm_provider", "invalid_choice"),
        .init(.ai, ["llm_base_url": .null], "llm_base_url", "required"),
        .init(.ai, ["llm_base_url": .string("llm.example.com")], "llm_base_url", "invalid_format"),
        .init(.ai, ["classification_enabled": .string("yes")], "classification_enabled", "invalid_type"),
        .init(.ai, ["suggested_replies_enabled": .number(1)], "suggested_replies_enabled", "invalid_type"),
        // Knowledge base
        .init(.knowledgeBase, ["categories": F.strings("Billing", "billing ")], "categories[1]", "duplicate"),
        .init(.knowledgeBase, ["categories": F.strings("Billing", " ")], "categories[1]", "invalid_format"),
        .init(.knowledgeBase, ["categories": F.strings(String(repeating: "c", count: 81))], "categories[0]", "invalid_format"),
        .init(.knowledgeBase, ["categories": .array([.number(3)])], "categories[0]", "invalid_format"),
        .init(.knowledgeBase, ["categories": .string("Billing")], "categories", "invalid_type"),
        // Payments
        .init(.payments, ["enabled": .null], "enabled", "required"),
        .init(.payments, ["enabled": .string("true")], "enabled", "invalid_type"),
        .init(.payments, ["currency": .string("EURO")], "currency", "too_long"),
        .init(.payments, ["currency": .string("ZZZ")], "currency", "invalid_format"),
        .init(.payments, ["currency": .string("eur")], "currency", "invalid_format"),
        .init(.payments, ["currency": .string("EU")], "currency", "invalid_format"),
        .init(.payments, ["currency": .null], "currency", "required"),
        // Team
        .init(.team, ["invites": .null], "invites", "required"),
        .init(.team, ["invites": .object([:])], "invites", "invalid_type"),
        .init(.team, ["invites": .array([F.invite("ana@example.com", "admin"), F.invite("not-an-email", "agent")])],
              "invites[1].email", "invalid_format"),
        .init(.team, ["invites": .array([F.invite("ana@example.com", "admin"), F.invite(" ANA@example.com", "agent")])],
              "invites[1].email", "duplicate"),
        .init(.team, ["invites": .array([F.invite("ana@example.com", "owner")])], "invites[0].role", "invalid_choice"),
        .init(.team, ["invites": .array([.object(["email": .string("ana@example.com")])])], "invites[0].role", "invalid_choice"),
        .init(.team, ["invites": .array([.string("ana@example.com")])], "invites[0].email", "invalid_format"),
        .init(.team, ["invites": .array((0...500).map { F.invite("person\($0)@example.com", "agent") })], "invites", "too_many"),
        // Workflows
        .init(.workflows, ["sla": .null], "sla", "required"),
        .init(.workflows, ["sla": .string("fast")], "sla", "invalid_type"),
        .init(.workflows, sla("urgent", nil), "sla.urgent", "required"),
        .init(.workflows, sla("low", .number(5)), "sla.low", "required"),
        .init(.workflows, sla("urgent", F.minutes(0, 120)), "sla.urgent.first_response_minutes", "out_of_range"),
        .init(.workflows, sla("urgent", F.minutes(-5, 120)), "sla.urgent.first_response_minutes", "out_of_range"),
        .init(.workflows, sla("urgent", F.minutes(1.5, 120)), "sla.urgent.first_response_minutes", "out_of_range"),
        .init(.workflows, sla("urgent", F.minutes(200, 100)), "sla.urgent.first_response_minutes", "inconsistent"),
        .init(.workflows, sla("normal", F.minutes(10, 600_000)), "sla.normal.resolution_minutes", "out_of_range"),
        .init(.workflows, sla("high", .object(["first_response_minutes": .number(60)])), "sla.high.resolution_minutes", "out_of_range"),
        .init(.workflows, sla("high", .object(["first_response_minutes": .string("60"), "resolution_minutes": .number(480)])),
              "sla.high.first_response_minutes", "out_of_range"),
        .init(.workflows, ["business_hours": .null], "business_hours", "required"),
        .init(.workflows, ["business_hours": .array([])], "business_hours", "invalid_type"),
        .init(.workflows, hours(["time_zone": nil]), "business_hours.time_zone", "required"),
        .init(.workflows, hours(["time_zone": .string("Mars/Olympus")]), "business_hours.time_zone", "invalid_format"),
        .init(.workflows, hours(["mon": .string("9-5")]), "business_hours.mon", "invalid_format"),
        .init(.workflows, hours(["sun": .string("09:00-12:00, 11:00-13:00")]), "business_hours.sun", "invalid_format"),
        .init(.workflows, hours(["wed": .number(9)]), "business_hours.wed", "invalid_format"),
        .init(.workflows, hours(["mon": nil, "tue": nil, "sat": nil]), "business_hours", "required"),
        // Portal
        .init(.portal, ["subdomain": .string("-bad")], "subdomain", "invalid_format"),
        .init(.portal, ["subdomain": .string("bad-")], "subdomain", "invalid_format"),
        .init(.portal, ["subdomain": .string("ab")], "subdomain", "invalid_format"),
        .init(.portal, ["subdomain": .string("Help")], "subdomain", "invalid_format"),
        .init(.portal, ["subdomain": .string("help.desk")], "subdomain", "invalid_format"),
        .init(.portal, ["subdomain": .string(String(repeating: "a", count: 64))], "subdomain", "too_long"),
        .init(.portal, ["subdomain": .null], "subdomain", "required"),
        .init(.portal, ["custom_domain": .string("localhost")], "custom_domain", "invalid_format"),
        .init(.portal, ["custom_domain": .string("help_desk.example.com")], "custom_domain", "invalid_format"),
        .init(.portal, ["custom_domain": .string("-help.example.com")], "custom_domain", "invalid_format"),
        .init(.portal, ["custom_domain": .string("help.example.123")], "custom_domain", "invalid_format"),
        .init(.portal, ["custom_domain": .string("help..example.com")], "custom_domain", "invalid_format"),
        .init(.portal, ["custom_domain": .string("hilfe.bücher.de")], "custom_domain", "invalid_format"),
        .init(.portal, ["features": .array([])], "features", "required"),
        .init(.portal, ["features": F.strings("faq", "chat")], "features[1]", "invalid_choice"),
        .init(.portal, ["features": .null], "features", "required"),
        .init(.portal, ["features": .array([.number(1)])], "features[0]", "invalid_choice"),
        // Data import
        .init(.dataImport, ["source": .null], "source", "required"),
        .init(.dataImport, ["source": .string("ftp")], "source", "invalid_choice"),
        // Analytics
        .init(.analytics, ["ga4_measurement_id": .string("UA-12345-1")], "ga4_measurement_id", "invalid_format"),
        .init(.analytics, ["ga4_measurement_id": .string("G-abc123")], "ga4_measurement_id", "invalid_format"),
        .init(.analytics, ["ga4_measurement_id": .string("G-ABC")], "ga4_measurement_id", "invalid_format"),
        .init(.analytics, ["ga4_measurement_id": .string("G-ABCDEFGHIJKLMNOPQRS")], "ga4_measurement_id", "too_long"),
        .init(.analytics, ["report_email": .string("reports")], "report_email", "invalid_format"),
        .init(.analytics, ["csat_enabled": .string("yes")], "csat_enabled", "invalid_type"),
        // Review
        .init(.review, ["confirmed": .bool(false)], "confirmed", "required"),
        .init(.review, ["confirmed": .null], "confirmed", "required"),
        .init(.review, ["confirmed": .string("yes")], "confirmed", "required"),
    ]

    @Test("each step's valid configuration passes without errors or warnings", arguments: OnboardingStepID.allCases)
    func validConfigurations(_ step: OnboardingStepID) {
        let validation = StepValidator.validate(step, F.valid(step))
        #expect(validation.errors == [])
        #expect(validation.warnings == [])
    }

    @Test("each step's invalid patch fixture is invalid", arguments: OnboardingStepID.allCases)
    func invalidPatchFixtures(_ step: OnboardingStepID) {
        #expect(!Self.validate(step, F.invalidPatch(step)).errors.isEmpty)
    }

    @Test func nightSlotsAreBusinessHoursToo() {
        let night = Self.validate(.workflows, Self.hours(["fri": .string("22:00-06:00"), "sat": .string("closed")]))
        #expect(night.errors.filter { $0.field.hasPrefix("business_hours") } == [])
        let backwards = Self.validate(.workflows, Self.hours(["fri": .string("22:00-22:00")]))
        #expect(backwards.errors.map(\.field) == ["business_hours.fri"])
    }

    @Test("an invalid field is reported under its exact name", arguments: invalidCases)
    func invalidField(_ testCase: InvalidStepCase) {
        let validation = Self.validate(testCase.step, testCase.patch)
        #expect(Self.pairs(validation).contains("\(testCase.field) \(testCase.code)"), "got \(Self.pairs(validation))")
        #expect(validation.errors.allSatisfy { !$0.message.isEmpty })
    }

    @Test("an empty configuration names every required field", arguments: [
        (OnboardingStepID.organization, ["legal_name", "display_name", "industry", "size_band", "country", "time_zone", "languages", "support_email"]),
        (.branding, ["primary_color", "text_color", "background_color"]),
        (.channels, ["enabled"]),
        (.ai, []),
        (.knowledgeBase, []),
        (.payments, ["enabled"]),
        (.team, ["invites"]),
        (.workflows, ["sla", "business_hours"]),
        (.portal, ["subdomain", "features"]),
        (.dataImport, ["source"]),
        (.analytics, []),
        (.review, ["confirmed"]),
    ])
    func emptyConfiguration(_ step: OnboardingStepID, _ fields: [String]) {
        let errors = StepValidator.validate(step, [:]).errors
        #expect(errors.map(\.field) == fields)
        #expect(errors.allSatisfy { $0.code == "required" })
    }

    @Test("optional fields may be left out or blank")
    func optionalFields() {
        #expect(Self.validate(.organization, ["website": .null]).errors == [])
        #expect(Self.validate(.organization, ["website": .string("  ")]).errors == [])
        #expect(Self.validate(.organization, ["website": .string("http://localhost:8080/help")]).errors == [])
        #expect(Self.validate(.branding, ["brand_name": .null, "logo_url": .null, "custom_css": .null]).errors == [])
        #expect(Self.validate(.branding, ["brand_name": .string(" ")]).errors == [])
        #expect(Self.validate(.ai, ["llm_provider": .string("none"), "llm_base_url": .null]).errors == [])
        #expect(StepValidator.validate(.ai, [:]).errors == [])
        #expect(Self.validate(.payments, ["enabled": .bool(false), "currency": .null]).errors == [])
        #expect(Self.validate(.payments, ["enabled": .bool(false), "currency": .string("EURO")]).errors == [])
        #expect(Self.validate(.team, ["invites": .array([])]).errors == [])
        #expect(Self.validate(.portal, ["custom_domain": .null]).errors == [])
        #expect(Self.validate(.knowledgeBase, ["categories": .array([])]).errors == [])
        #expect(Self.validate(.analytics, ["ga4_measurement_id": .null, "report_email": .null, "csat_enabled": .null]).errors == [])
        #expect(Self.validate(.analytics, ["ga4_measurement_id": .string("G-ABCDEFGHIJKLMNOP")]).errors == [])
    }

    @Test("accepted variants of valid values")
    func validVariants() {
        #expect(Self.validate(.organization, ["time_zone": .string("UTC"), "country": .string("US"),
                                              "languages": F.strings("de-CH", "zh-Hant-TW", "es-419", "fil")]).errors == [])
        #expect(Self.validate(.organization, ["legal_name": .string("  Example GmbH  ")]).errors == [])
        #expect(Self.validate(.branding, ["primary_color": .string("#1f5fbf"), "text_color": .string("#000")]).errors == [])
        #expect(Self.validate(.channels, ["enabled": F.strings("portal"), "email": .null, "whatsapp": .null, "instagram": .null]).errors == [])
        #expect(Self.validate(.channels, ["enabled": F.strings("email"), "whatsapp": .null, "instagram": .null]).errors == [])
        #expect(Self.validate(.team, ["invites": .array(Role.allCases.filter { $0 != .owner }.enumerated().map {
            F.invite("p\($0.offset)@example.com", $0.element.rawValue)
        })]).errors == [])
        #expect(Self.validate(.workflows, Self.sla("urgent", F.minutes(120, 120))).errors == [])
        #expect(Self.validate(.workflows, Self.sla("low", F.minutes(525_600, 525_600))).errors == [])
        #expect(Self.validate(.workflows, Self.hours(["sun": .string("00:00-24:00"), "time_zone": .string("UTC")])).errors == [])
        #expect(Self.validate(.portal, ["subdomain": .string("abc"), "custom_domain": .string("xn--bcher-kva.example")]).errors == [])
        #expect(Self.validate(.portal, ["subdomain": .string(String(repeating: "a", count: 63))]).errors == [])
        for source in StepValidator.importSources {
            #expect(StepValidator.validate(.dataImport, ["source": .string(source)]).errors == [])
        }
        for currency in ["USD", "CHF", "JPY"] {
            #expect(Self.validate(.payments, ["currency": .string(currency)]).errors == [])
        }
    }

    @Test("several problems are all reported, in field order")
    func everyErrorReported() {
        let validation = Self.validate(.workflows, [
            "sla": .object(["low": F.minutes(0, 0), "urgent": F.minutes(30, 10)]),
            "business_hours": .object(["mon": .string("late")]),
        ])
        #expect(Self.pairs(validation) == [
            "sla.low.first_response_minutes out_of_range",
            "sla.low.resolution_minutes out_of_range",
            "sla.normal required",
            "sla.high required",
            "sla.urgent.first_response_minutes inconsistent",
            "business_hours.time_zone required",
            "business_hours.mon invalid_format",
        ])
    }

    @Test("business hours are checked even when the SLA targets are missing")
    func businessHoursWithoutSLA() {
        let validation = Self.validate(.workflows, ["sla": .null, "business_hours": .object(["mon": .string("9-5")])])
        #expect(Self.pairs(validation) == ["sla required", "business_hours.time_zone required", "business_hours.mon invalid_format"])
    }

    // MARK: - Channels

    @Test("secrets are refused in every channel, even when the channel is off")
    func secretsRefused() {
        let validation = StepValidator.validate(.channels, [
            "enabled": F.strings("portal"),
            "email": .object(["password": .string("hunter2")]),
            "whatsapp": .object(["access_token": .string("EAAG")]),
            "instagram": .object(["access_token": .string("IGQ")]),
        ])
        #expect(Self.pairs(validation) == [
            "whatsapp.access_token secret_not_allowed",
            "instagram.access_token secret_not_allowed",
            "email.password secret_not_allowed",
        ])
        // Without a channel list the secrets are still reported.
        #expect(Self.pairs(StepValidator.validate(.channels, ["email": .object(["password": .string("hunter2")])])) == [
            "enabled required", "email.password secret_not_allowed",
        ])
        // A null secret is no secret.
        #expect(Self.validate(.channels, ["email": .object(["address": .string("help@example.com"), "password": .null])]).errors == [])
    }

    // MARK: - Branding

    @Test("low text contrast is a warning, not an error")
    func lowContrastWarning() {
        let validation = Self.validate(.branding, ["text_color": .string("#777777"), "background_color": .string("#FFFFFF")])
        #expect(validation.errors == [])
        #expect(validation.warnings.map(\.field) == ["text_color"])
        #expect(validation.warnings.first?.code == "low_contrast")
        #expect(validation.warnings.first?.message.contains("4.48:1") == true)
        #expect(Self.validate(.branding, ["text_color": .string("#767676")]).warnings == [])
    }

    @Test("a primary colour hard to see on the background is a warning")
    func lowPrimaryContrast() {
        let validation = Self.validate(.branding, ["primary_color": .string("#FFFF00")])
        #expect(validation.errors == [])
        #expect(validation.warnings.map(\.field) == ["primary_color"])
        #expect(validation.warnings.first?.code == "low_contrast")
        let both = Self.validate(.branding, ["primary_color": .string("#EEEEEE"), "text_color": .string("#EEEEEE")])
        #expect(both.warnings.map(\.field) == ["text_color", "primary_color"])
        // Without a valid background there is nothing to compare with.
        #expect(Self.validate(.branding, ["primary_color": .string("#FFFFFF"), "background_color": .string("white")]).warnings == [])
    }

    @Test("custom CSS is checked by the CSS policy, one error per problem")
    func customCSS() {
        let unsafe = Self.validate(.branding, ["custom_css": .string("a { background: url(x); behavior: url(y) }")])
        #expect(unsafe.errors.count == 2)
        #expect(unsafe.errors.allSatisfy { $0.field == "custom_css" && $0.code == "unsafe_css" })
        #expect(Self.validate(.branding, ["custom_css": .string(".a { margin: 0 }")]).errors == [])
        #expect(Self.validate(.branding, ["custom_css": .string("/*" + String(repeating: "x", count: 20_000) + "*/")]).errors
            .map(\.code) == ["too_long"])
    }

    @Test("custom CSS may span several lines and use tabs")
    func multiLineCSS() {
        let css = ".portal-header {\n\tcolor: #1f5fbf;\r\n\tfont-weight: 600;\n}\n\nh1 { font-size: 2rem }\n"
        #expect(Self.validate(.branding, ["custom_css": .string(css)]).errors == [])
        let unsafe = Self.validate(.branding, ["custom_css": .string("a {\n  background: url(x)\n}")])
        #expect(Self.pairs(unsafe) == ["custom_css unsafe_css"])
        // Line breaks are only fine where text may have several lines.
        #expect(Self.pairs(Self.validate(.organization, ["legal_name": .string("Example\nGmbH")])) == ["legal_name invalid_characters"])
    }
}

@Suite("Values never stored")
struct ForbiddenInSavesTests {
    @Test func secretsAreRefusedEvenInPartialSaves() throws {
        var session = OnboardingSession.start(at: Date(timeIntervalSince1970: 0))
        let before = session
        #expect(throws: OnboardingFailure.self) {
            try session.update(.channels, patch: ["whatsapp": .object(["access_token": .string("EAAG…")])],
                               complete: false, at: Date(timeIntervalSince1970: 10))
        }
        #expect(session == before)
        #expect(StepValidator.forbiddenInSaves(.organization, ["email": .object(["password": .string("x")])]).isEmpty)
        #expect(StepValidator.forbiddenInSaves(.channels, ["email": .object(["password": .string("x")])]).map(\.field)
            == ["email.password"])
    }
}

@Suite("Sealed secrets")
struct SealedSecretTests {
    @Test func sealedSecretsAreAcceptedPlainOnesAreNot() throws {
        let sealed: ConfigValue = .object(["sealed": .string("sb1.abcd1234.AAAA")])
        #expect(StepValidator.isSealedSecret(sealed))
        #expect(!StepValidator.isSealedSecret(.string("EAAG")))
        #expect(!StepValidator.isSealedSecret(.object(["sealed": .string("plain")])))
        #expect(StepValidator.secretPaths(of: .channels).contains("whatsapp.access_token"))
        #expect(StepValidator.secretPaths(of: .organization).isEmpty)
        var session = OnboardingSession.start(at: Date(timeIntervalSince1970: 0))
        try session.update(.channels, patch: ["whatsapp": .object(["access_token": sealed])], complete: false,
                           at: Date(timeIntervalSince1970: 1))
        #expect(session.record(.channels).config["whatsapp"]?.objectValue?["access_token"] == sealed)
    }
}

@Suite("Custom CSS drafts")
struct UnsafeCSSDraftTests {
    @Test func unsafeCSSIsRefusedEvenInADraftButUnfinishedCSSIsKept() throws {
        let start = Date(timeIntervalSince1970: 1_800_000_000)
        var session = OnboardingSession.start(at: start)
        for css in ["body { background: url(https://evil.example/x.png) }", "@import 'x.css';", #"a { b\61 ckground: red }"#] {
            #expect(throws: OnboardingFailure.self, "\(css)") {
                try session.update(.branding, patch: ["custom_css": .string(css)], complete: false, at: start)
            }
        }
        // Half-typed CSS is a draft: kept, and judged when the step is completed.
        try session.update(.branding, patch: ["custom_css": .string(".header { border-rad")], complete: false, at: start)
        #expect(session.record(.branding).config["custom_css"] == .string(".header { border-rad"))
        #expect(StepValidator.forbiddenInSaves(.organization, ["custom_css": .string("url(")]).isEmpty)
    }
}
