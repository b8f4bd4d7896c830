/// One proposed value for a step's field, and why it is proposed.
public struct Suggestion: Sendable, Equatable {
    public let step: OnboardingStepID
    /// Dotted path inside the step's configuration (`business_hours.time_zone`).
    public let field: String
    public let value: ConfigValue
    public let reason: String
}

/// Proposes configuration from what is known so far (industry, size, country, channels),
/// explaining each proposal. Fields the tenant already filled in are never proposed.
public enum SuggestionEngine {
    struct CountryFacts {
        let timeZone: String
        let languages: [String]
        let currency: String
    }

    static let countries: [String: CountryFacts] = [
        "DE": .init(timeZone: "Europe/Berlin", languages: ["de", "en"], currency: "EUR"),
        "AT": .init(timeZone: "Europe/Vienna", languages: ["de", "en"], currency: "EUR"),
        "CH": .init(timeZone: "Europe/Zurich", languages: ["de", "fr", "it", "en"], currency: "CHF"),
        "FR": .init(timeZone: "Europe/Paris", languages: ["fr", "en"], currency: "EUR"),
        "ES": .init(timeZone: "Europe/Madrid", languages: ["es", "en"], currency: "EUR"),
        "IT": .init(timeZone: "Europe/Rome", languages: ["it", "en"], currency: "EUR"),
        "NL": .init(timeZone: "Europe/Amsterdam", languages: ["nl", "en"], currency: "EUR"),
        "BE": .init(timeZone: "Europe/Brussels", languages: ["nl", "fr", "en"], currency: "EUR"),
        "PT": .init(timeZone: "Europe/Lisbon", languages: ["pt", "en"], currency: "EUR"),
        "IE": .init(timeZone: "Europe/Dublin", languages: ["en"], currency: "EUR"),
        "GB": .init(timeZone: "Europe/London", languages: ["en"], currency: "GBP"),
        "SE": .init(timeZone: "Europe/Stockholm", languages: ["sv", "en"], currency: "SEK"),
        "NO": .init(timeZone: "Europe/Oslo", languages: ["nb", "en"], currency: "NOK"),
        "DK": .init(timeZone: "Europe/Copenhagen", languages: ["da", "en"], currency: "DKK"),
        "FI": .init(timeZone: "Europe/Helsinki", languages: ["fi", "sv", "en"], currency: "EUR"),
        "PL": .init(timeZone: "Europe/Warsaw", languages: ["pl", "en"], currency: "PLN"),
        "US": .init(timeZone: "America/New_York", languages: ["en", "es"], currency: "USD"),
        "CA": .init(timeZone: "America/Toronto", languages: ["en", "fr"], currency: "CAD"),
        "MX": .init(timeZone: "America/Mexico_City", languages: ["es"], currency: "MXN"),
        "BR": .init(timeZone: "America/Sao_Paulo", languages: ["pt"], currency: "BRL"),
        "AR": .init(timeZone: "America/Argentina/Buenos_Aires", languages: ["es"], currency: "ARS"),
        "IN": .init(timeZone: "Asia/Kolkata", languages: ["en", "hi"], currency: "INR"),
        "JP": .init(timeZone: "Asia/Tokyo", languages: ["ja", "en"], currency: "JPY"),
        "SG": .init(timeZone: "Asia/Singapore", languages: ["en"], currency: "SGD"),
        "AE": .init(timeZone: "Asia/Dubai", languages: ["ar", "en"], currency: "AED"),
        "IL": .init(timeZone: "Asia/Jerusalem", languages: ["he", "en"], currency: "ILS"),
        "AU": .init(timeZone: "Australia/Sydney", languages: ["en"], currency: "AUD"),
        "NZ": .init(timeZone: "Pacific/Auckland", languages: ["en"], currency: "NZD"),
        "ZA": .init(timeZone: "Africa/Johannesburg", languages: ["en"], currency: "ZAR"),
    ]

    /// How SLA targets scale with the team: small teams get more time, large ones less.
    static let sizeFactors: [String: (factor: Double, words: String)] = [
        "1-4": (2, "1–4 agents"), "5-20": (1, "5–20 agents"), "21-100": (0.75, "21–100 agents"),
        "101-500": (0.5, "101–500 agents"), "500+": (0.5, "more than 500 agents"),
    ]

    public static func suggest(for session: OnboardingSession) -> [Suggestion] {
        var out: [Suggestion] = []
        func config(_ step: OnboardingStepID) -> StepConfig { session.record(step).config }
        func isSet(_ step: OnboardingStepID, _ path: String) -> Bool {
            var current: ConfigValue? = .object(config(step))
            for key in path.split(separator: ".") { current = current?.objectValue?[String(key)] }
            return current != nil && current != .null
        }
        func propose(_ step: OnboardingStepID, _ field: String, _ value: ConfigValue, _ reason: String) {
            if !isSet(step, field) { out.append(Suggestion(step: step, field: field, value: value, reason: reason)) }
        }

        let organization = config(.organization)
        let country = organization["country"]?.stringValue?.uppercased()
        let facts = country.flatMap { countries[$0] }
        let industry = organization["industry"]?.stringValue
        let template = industry.flatMap(IndustryTemplates.named) ?? session.templateID.flatMap(IndustryTemplates.named)
        let size = organization["size_band"]?.stringValue.flatMap { band in sizeFactors[band].map { (band, $0) } }
        let timeZone = organization["time_zone"]?.stringValue ?? facts?.timeZone

        if let facts, let country {
            propose(.organization, "time_zone", .string(facts.timeZone), "time zone \(facts.timeZone) from country \(country)")
            propose(.organization, "languages", .array(facts.languages.map(ConfigValue.string)),
                    "languages \(facts.languages.joined(separator: ", ")) commonly used in \(country)")
            propose(.payments, "currency", .string(facts.currency), "currency \(facts.currency) from country \(country)")
        }
        if let name = organization["display_name"]?.stringValue, !name.isEmpty {
            propose(.branding, "brand_name", .string(name), "the organisation's display name")
            propose(.portal, "subdomain", .string(Slug.make(from: name, maxLength: 40)), "made from the display name \(name)")
        }
        if let email = organization["support_email"]?.stringValue, EmailAddress(email) != nil {
            propose(.channels, "email.address", .string(email), "the support email of the organisation profile")
            propose(.analytics, "report_email", .string(email), "the support email of the organisation profile")
        }
        if let timeZone {
            let source = organization["time_zone"] != nil ? "the organisation's time zone" : "time zone \(timeZone) from country \(country ?? "")"
            propose(.workflows, "business_hours.time_zone", .string(timeZone), source)
        }
        if let template {
            propose(.channels, "enabled", .array(template.suggestedChannels.map(ConfigValue.string)),
                    "channels \(template.name) desks usually start with")
            propose(.knowledgeBase, "categories", .array(template.ticketCategories.map(ConfigValue.string)),
                    "ticket categories of the \(template.name) template")
            propose(.portal, "features", .array(template.portalFeatures.map(ConfigValue.string)),
                    "portal features of the \(template.name) template")
            let factor = size?.1.factor ?? 1
            let team = size.map { " for \($0.1.words)" } ?? ""
            for priority in StepValidator.priorities {
                guard let target = template.sla[priority] else { continue }
                let first = max(5, Int((Double(target.firstResponseMinutes) * factor).rounded()))
                let resolution = max(first, Int((Double(target.resolutionMinutes) * factor).rounded()))
                propose(.workflows, "sla.\(priority)", .object([
                    "first_response_minutes": .number(Double(first)), "resolution_minutes": .number(Double(resolution)),
                ]), "first response \(duration(first)) from the \(template.name) template\(team)")
            }
            for (day, hours) in template.businessHours.sorted(by: { $0.key < $1.key }) {
                propose(.workflows, "business_hours.\(day)", .string(hours), "usual hours in the \(template.name) template")
            }
        }
        return out
    }

    /// "45 min", "1 h", "1 h 30 min", "2 d".
    static func duration(_ minutes: Int) -> String {
        if minutes % 1440 == 0 { return "\(minutes / 1440) d" }
        if minutes < 60 { return "\(minutes) min" }
        let hours = minutes / 60, rest = minutes % 60
        return rest == 0 ? "\(hours) h" : "\(hours) h \(rest) min"
    }
}
