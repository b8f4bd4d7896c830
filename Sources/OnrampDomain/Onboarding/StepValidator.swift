import Foundation

/// The verdict on one step's configuration: errors block completion, warnings are shown.
public struct StepValidation: Sendable, Equatable {
    public var errors: [FieldError] = []
    public var warnings: [FieldError] = []
}

/// Checks each step's configuration: everything that can be checked without the
/// external service. Field names in errors are the configuration's keys (dotted for nesting).
public enum StepValidator {
    public static let industries = ["ecommerce", "saas", "healthcare", "education", "financial_services", "travel", "general"]
    public static let sizeBands = ["1-4", "5-20", "21-100", "101-500", "500+"]
    public static let channelKinds = ["email", "whatsapp", "instagram", "portal"]
    public static let portalFeatures = ["ticket_submission", "faq", "ticket_status"]
    public static let priorities = ["low", "normal", "high", "urgent"]
    public static let weekdays = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
    public static let importSources = ["none", "zendesk", "freshdesk", "helpscout", "csv", "json", "xml"]

    public static func validate(_ step: OnboardingStepID, _ config: StepConfig) -> StepValidation {
        var check = Checker(config: config)
        switch step {
        case .organization: organization(&check)
        case .branding: branding(&check)
        case .channels: channels(&check)
        case .ai: ai(&check)
        case .knowledgeBase: knowledgeBase(&check)
        case .payments: payments(&check)
        case .team: team(&check)
        case .workflows: workflows(&check)
        case .portal: portal(&check)
        case .dataImport: check.oneOf("source", Self.importSources, required: true)
        case .analytics: analytics(&check)
        case .review:
            if config["confirmed"]?.boolValue != true {
                check.error("confirmed", "Confirm that you reviewed the configuration.", "required")
            }
        }
        return check.result
    }

    static func organization(_ check: inout Checker) {
        check.text("legal_name", "Legal name", max: 200, required: true)
        check.text("display_name", "Display name", max: 120, required: true)
        check.oneOf("industry", industries, required: true)
        check.oneOf("size_band", sizeBands, required: true)
        if let country = check.text("country", "Country", max: 2, required: true),
           !(country.count == 2 && isoRegions.contains(country)) {
            check.error("country", "Use a two-letter ISO 3166 country code such as DE or US.", "invalid_format")
        }
        if let zone = check.text("time_zone", "Time zone", max: 64, required: true), !isTimeZone(zone) {
            check.error("time_zone", "\(zone) is not a time zone; use an IANA name such as Europe/Berlin.", "invalid_format")
        }
        if let languages = check.array("languages", required: true) {
            if languages.isEmpty { check.error("languages", "Choose at least one language.", "required") }
            for (index, value) in languages.enumerated() where !isLanguageTag(value.stringValue ?? "") {
                check.error("languages[\(index)]", "Use a language code such as en or de-CH.", "invalid_format")
            }
        }
        check.email("support_email", "Support email", required: true)
        check.url("website", "Website", required: false)
    }

    static func branding(_ check: inout Checker) {
        check.text("brand_name", "Brand name", max: 120, required: false)
        let primary = check.color("primary_color", required: true)
        let text = check.color("text_color", required: true)
        let background = check.color("background_color", required: true)
        if let text, let background {
            let ratio = Color.contrastRatio(text, background)
            if ratio < 4.5 {
                check.warning("text_color", "Text on the background has a contrast of \(String(format: "%.2f", ratio)):1; WCAG asks for at least 4.5:1.", "low_contrast")
            }
        }
        if let primary, let background, Color.contrastRatio(primary, background) < 3 {
            check.warning("primary_color", "The primary colour is hard to see on the background (below 3:1).", "low_contrast")
        }
        check.url("logo_url", "Logo URL", required: false)
        if let css = check.text("custom_css", "Custom CSS", max: 20_000, required: false, multiline: true) {
            for problem in CSSPolicy.problems(in: css) { check.error("custom_css", problem, "unsafe_css") }
        }
    }

    static func channels(_ check: inout Checker) {
        // Secrets are refused even when the channel list is missing.
        if let enabled = check.array("enabled", required: true) {
            let kinds = enabled.compactMap(\.stringValue)
            if kinds.isEmpty { check.error("enabled", "Choose at least one channel.", "required") }
            for (index, value) in enabled.enumerated() where !channelKinds.contains(value.stringValue ?? "") {
                check.error("enabled[\(index)]", "Choose one of \(channelKinds.joined(separator: ", ")).", "invalid_choice")
            }
            if kinds.contains("email") { check.email("email.address", "Support inbox address", required: true) }
            if kinds.contains("whatsapp") {
                check.digits("whatsapp.phone_number_id", "WhatsApp phone number id", required: true)
                check.phone("whatsapp.display_phone", "WhatsApp phone number", required: true)
            }
            if kinds.contains("instagram") { check.digits("instagram.account_id", "Instagram account id", required: true) }
        }
        secrets(&check)
    }

    static let secretPaths = ["whatsapp.access_token", "instagram.access_token", "email.password"]

    static func secrets(_ check: inout Checker) {
        for secretKey in secretPaths {
            guard let value = check.value(secretKey), !isSealedSecret(value) else { continue }
            check.error(secretKey, "This secret must be sealed before it is stored.", "secret_not_allowed")
        }
    }

    /// Where secrets may appear in a step's configuration (dotted paths).
    public static func secretPaths(of step: OnboardingStepID) -> [String] { step == .channels ? secretPaths : [] }

    /// A secret as stored: `{"sealed": "sb1.…"}`, sealed by the `SecretBox`.
    public static func isSealedSecret(_ value: ConfigValue) -> Bool {
        value.objectValue?["sealed"]?.stringValue?.hasPrefix("sb1.") == true
    }

    /// Problems that refuse even a partial save: values that must never be stored.
    public static func forbiddenInSaves(_ step: OnboardingStepID, _ config: StepConfig) -> [FieldError] {
        switch step {
        case .channels:
            var check = Checker(config: config)
            secrets(&check)
            return check.result.errors
        case .branding:
            // Unsafe CSS (url(), @import, scripts) is never stored, not even as a draft.
            guard let css = config["custom_css"]?.stringValue else { return [] }
            return CSSPolicy.dangerousTokens(in: css).map { FieldError(field: "custom_css", message: $0, code: "unsafe_css") }
        default:
            return []
        }
    }

    static func ai(_ check: inout Checker) {
        check.bool("classification_enabled", required: false)
        check.bool("suggested_replies_enabled", required: false)
        if check.oneOf("llm_provider", ["none", "openai_compatible"], required: false) == "openai_compatible" {
            check.url("llm_base_url", "LLM base URL", required: true)
        }
    }

    static func knowledgeBase(_ check: inout Checker) {
        guard let categories = check.array("categories", required: false) else { return }
        var seen = Set<String>()
        for (index, value) in categories.enumerated() {
            let name = (value.stringValue ?? "").trimmingWhitespace()
            if name.isEmpty || name.count > 80 {
                check.error("categories[\(index)]", "A category name has 1 to 80 characters.", "invalid_format")
            } else if !seen.insert(name.lowercased()).inserted {
                check.error("categories[\(index)]", "\(name) is listed twice.", "duplicate")
            }
        }
    }

    static func payments(_ check: inout Checker) {
        let enabled = check.bool("enabled", required: true) ?? false
        if enabled, let currency = check.text("currency", "Currency", max: 3, required: true),
           !(currency.count == 3 && Locale.commonISOCurrencyCodes.contains(currency)) {
            check.error("currency", "Use a three-letter ISO 4217 currency code such as EUR.", "invalid_format")
        }
    }

    static func team(_ check: inout Checker) {
        guard let invites = check.array("invites", required: true) else { return }
        var seen = Set<String>()
        let roles = Role.allCases.filter { $0 != .owner }.map(\.rawValue)
        for (index, invite) in invites.enumerated() {
            let member = invite.objectValue ?? [:]
            if let email = EmailAddress(member["email"]?.stringValue ?? "") {
                if !seen.insert(email.value).inserted {
                    check.error("invites[\(index)].email", "\(email.value) is invited twice.", "duplicate")
                }
            } else {
                check.error("invites[\(index)].email", "Enter an email address like name@example.com.", "invalid_format")
            }
            if !roles.contains(member["role"]?.stringValue ?? "") {
                check.error("invites[\(index)].role", "Choose a role: \(roles.joined(separator: ", ")).", "invalid_choice")
            }
        }
        if invites.count > 500 { check.error("invites", "Invite at most 500 people at once.", "too_many") }
    }

    static func workflows(_ check: inout Checker) {
        // Business hours are checked even without SLA targets, so that every error is reported.
        if let sla = check.object("sla", required: true) {
            for priority in priorities {
                guard let targets = sla[priority]?.objectValue else {
                    check.error("sla.\(priority)", "Set first-response and resolution targets for \(priority) priority.", "required")
                    continue
                }
                let first = targets["first_response_minutes"]?.numberValue
                let resolution = targets["resolution_minutes"]?.numberValue
                for (key, value) in [("first_response_minutes", first), ("resolution_minutes", resolution)] {
                    if value == nil || value! <= 0 || value! != value!.rounded() || value! > 525_600 {
                        check.error("sla.\(priority).\(key)", "Enter a whole number of minutes from 1 to 525600.", "out_of_range")
                    }
                }
                if let first, let resolution, first > resolution {
                    check.error("sla.\(priority).first_response_minutes",
                                "The first response target cannot be later than the resolution target.", "inconsistent")
                }
            }
        }
        if let hours = check.object("business_hours", required: true) {
            if let zone = hours["time_zone"]?.stringValue {
                if !isTimeZone(zone) { check.error("business_hours.time_zone", "\(zone) is not a time zone.", "invalid_format") }
            } else {
                check.error("business_hours.time_zone", "Business hours need a time zone.", "required")
            }
            var anyDay = false
            for day in weekdays {
                guard let value = hours[day] else { continue }
                anyDay = true
                // The same reading as the desk's business calendar: night slots such as 22:00-06:00 count.
                guard let text = value.stringValue else {
                    check.error("business_hours.\(day)", "Write hours as 09:00-17:00, several slots separated by commas, 22:00-06:00 for a night, or closed.", "invalid_format")
                    continue
                }
                if case .failure(let problem) = BusinessCalendar.daySlots(text) {
                    check.error("business_hours.\(day)", problem.message, "invalid_format")
                }
            }
            if !anyDay { check.error("business_hours", "Set the hours of at least one day.", "required") }
        }
    }

    static func portal(_ check: inout Checker) {
        if let subdomain = check.text("subdomain", "Subdomain", max: 63, required: true), !isSubdomain(subdomain) {
            check.error("subdomain", "Use 3 to 63 lower-case letters, digits and hyphens, not at the start or end.", "invalid_format")
        }
        if let domain = check.text("custom_domain", "Custom domain", max: 253, required: false), !isHostname(domain) {
            check.error("custom_domain", "Enter a domain name such as help.example.com.", "invalid_format")
        }
        if let features = check.array("features", required: true) {
            if features.isEmpty { check.error("features", "Enable at least one portal feature.", "required") }
            for (index, value) in features.enumerated() where !portalFeatures.contains(value.stringValue ?? "") {
                check.error("features[\(index)]", "Choose one of \(portalFeatures.joined(separator: ", ")).", "invalid_choice")
            }
        }
    }

    static func analytics(_ check: inout Checker) {
        check.bool("csat_enabled", required: false)
        if let id = check.text("ga4_measurement_id", "GA4 measurement id", max: 20, required: false),
           id.range(of: #"^G-[A-Z0-9]{4,16}$"#, options: .regularExpression) == nil {
            check.error("ga4_measurement_id", "A GA4 measurement id looks like G-ABC123XYZ.", "invalid_format")
        }
        check.email("report_email", "Report email", required: false)
    }

    // MARK: - Syntax checks

    /// Two-letter ISO 3166-1 region codes known to this system.
    static let isoRegions: Set<String> = Set(Locale.Region.isoRegions.map(\.identifier).filter { $0.count == 2 })

    static func isTimeZone(_ text: String) -> Bool {
        (text == "UTC" || text.contains("/")) && TimeZone(identifier: text) != nil
    }

    static func isLanguageTag(_ text: String) -> Bool {
        text.range(of: #"^[a-z]{2,3}(-[A-Za-z]{4})?(-([A-Z]{2}|[0-9]{3}))?$"#, options: .regularExpression) != nil
    }

    static func isSubdomain(_ text: String) -> Bool {
        text.range(of: #"^[a-z0-9](?:[a-z0-9-]{1,61})[a-z0-9]$"#, options: .regularExpression) != nil
    }

    static func isHostname(_ text: String) -> Bool {
        let labels = text.lowercased().split(separator: ".", omittingEmptySubsequences: false)
        guard labels.count >= 2, text.count <= 253 else { return false }
        return labels.allSatisfy { label in
            (1...63).contains(label.count) && !label.hasPrefix("-") && !label.hasSuffix("-")
                && label.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-") }
        } && labels.last!.contains(where: \.isLetter)
    }
}

/// Reads fields of a configuration and records what is wrong with them.
struct Checker {
    let config: StepConfig
    var result = StepValidation()

    mutating func error(_ field: String, _ message: String, _ code: String) {
        result.errors.append(FieldError(field: field, message: message, code: code))
    }

    mutating func warning(_ field: String, _ message: String, _ code: String) {
        result.warnings.append(FieldError(field: field, message: message, code: code))
    }

    /// The value at a dotted path (`email.address`).
    func value(_ path: String) -> ConfigValue? {
        var current: ConfigValue? = .object(config)
        for key in path.split(separator: ".") { current = current?.objectValue?[String(key)] }
        return current.flatMap { $0.isNull ? nil : $0 }
    }

    private mutating func missing(_ field: String, _ required: Bool, label: String? = nil) {
        if required { error(field, "\(label ?? "This field") is required.", "required") }
    }

    /// With `multiline`, line breaks and tabs are allowed (other control characters are not).
    @discardableResult
    mutating func text(_ field: String, _ label: String, max: Int, required: Bool, multiline: Bool = false) -> String? {
        guard let value = value(field) else { missing(field, required, label: label); return nil }
        guard var text = value.stringValue else { error(field, "\(label) must be text.", "invalid_type"); return nil }
        if multiline {
            text = String(String.UnicodeScalarView(text.unicodeScalars.map { "\n\r\t".unicodeScalars.contains($0) ? " " : $0 }))
        }
        var errors = FieldErrors()
        guard let checked = errors.requireText(text, field: field, label: label, maxLength: max) else {
            if required || !text.trimmingWhitespace().isEmpty { result.errors += errors.all }
            return nil
        }
        return checked
    }

    @discardableResult
    mutating func oneOf(_ field: String, _ choices: [String], required: Bool) -> String? {
        guard let value = value(field) else { missing(field, required); return nil }
        guard let text = value.stringValue, choices.contains(text) else {
            error(field, "Choose one of \(choices.joined(separator: ", ")).", "invalid_choice")
            return nil
        }
        return text
    }

    @discardableResult
    mutating func bool(_ field: String, required: Bool) -> Bool? {
        guard let value = value(field) else { missing(field, required); return nil }
        guard let flag = value.boolValue else { error(field, "Use true or false.", "invalid_type"); return nil }
        return flag
    }

    mutating func array(_ field: String, required: Bool) -> [ConfigValue]? {
        guard let value = value(field) else { missing(field, required); return nil }
        guard let items = value.arrayValue else { error(field, "This must be a list.", "invalid_type"); return nil }
        return items
    }

    mutating func object(_ field: String, required: Bool) -> [String: ConfigValue]? {
        guard let value = value(field) else { missing(field, required); return nil }
        guard let members = value.objectValue else { error(field, "This must be an object.", "invalid_type"); return nil }
        return members
    }

    mutating func email(_ field: String, _ label: String, required: Bool) {
        guard let text = text(field, label, max: EmailAddress.maxLength, required: required) else { return }
        if EmailAddress(text) == nil { error(field, "Enter an email address like name@example.com.", "invalid_format") }
    }

    mutating func url(_ field: String, _ label: String, required: Bool) {
        guard let text = text(field, label, max: 2048, required: required) else { return }
        guard let url = URL(string: text), ["http", "https"].contains(url.scheme?.lowercased() ?? ""),
              let host = url.host, StepValidator.isHostname(host) || host == "localhost"
        else {
            error(field, "Enter a full web address starting with https://.", "invalid_format")
            return
        }
    }

    mutating func color(_ field: String, required: Bool) -> Color? {
        guard let text = text(field, "Colour", max: 7, required: required) else { return nil }
        guard let color = Color(hex: text) else {
            error(field, "Use a hex colour such as #1F5FBF.", "invalid_format")
            return nil
        }
        return color
    }

    mutating func digits(_ field: String, _ label: String, required: Bool) {
        guard let text = text(field, label, max: 32, required: required) else { return }
        if !text.allSatisfy({ $0.isASCII && $0.isNumber }) { error(field, "\(label) contains digits only.", "invalid_format") }
    }

    mutating func phone(_ field: String, _ label: String, required: Bool) {
        guard let text = text(field, label, max: 20, required: required) else { return }
        if text.range(of: #"^\+[1-9][0-9]{6,14}$"#, options: .regularExpression) == nil {
            error(field, "Write the number in international form, such as +4930123456.", "invalid_format")
        }
    }
}
