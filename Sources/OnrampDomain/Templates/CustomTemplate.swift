/// A template a tenant made from its own configuration, to reuse or to share.
public struct CustomTemplateContent: Sendable, Equatable, Codable {
    public var requiredSteps: [OnboardingStepID]
    /// Per step id: the configuration to fill in where nothing was entered.
    public var steps: [String: StepConfig]

    /// What is never copied into a template: secrets, and what identifies the tenant or
    /// its people (names, addresses, domains, invitations).
    static let excluded: [OnboardingStepID: Set<String>] = [
        .organization: ["legal_name", "display_name", "support_email", "website"],
        .branding: ["brand_name", "logo_url"],
        .channels: ["email", "whatsapp", "instagram"],
        .team: ["invites"],
        .portal: ["subdomain", "custom_domain"],
        .analytics: ["report_email", "ga4_measurement_id"],
        .ai: ["llm_base_url"],
        .review: ["confirmed"],
    ]

    /// The reusable part of a session's configuration.
    public static func extract(from session: OnboardingSession) -> CustomTemplateContent {
        var steps: [String: StepConfig] = [:]
        for step in OnboardingStepID.allCases {
            let excluded = Self.excluded[step] ?? []
            let kept = session.record(step).config.filter { !excluded.contains($0.key) }
            if !kept.isEmpty { steps[step.rawValue] = kept }
        }
        return CustomTemplateContent(requiredSteps: session.requiredSteps.sorted(), steps: steps)
    }

    /// The list of strings a step's field holds (`channels.enabled`, …), or none.
    public func strings(_ step: OnboardingStepID, _ field: String) -> [String] {
        steps[step.rawValue]?[field]?.arrayValue?.compactMap(\.stringValue) ?? []
    }

    public var defaults: [OnboardingStepID: StepConfig] {
        var result: [OnboardingStepID: StepConfig] = [:]
        for (key, config) in steps { if let step = OnboardingStepID(rawValue: key) { result[step] = config } }
        return result
    }

    public init(requiredSteps: [OnboardingStepID], steps: [String: StepConfig]) {
        self.requiredSteps = requiredSteps
        self.steps = steps
    }
}

extension IndustryTemplate {
    /// This template's defaults for every step.
    public func allDefaults(timeZone: String?) -> [OnboardingStepID: StepConfig] {
        var result: [OnboardingStepID: StepConfig] = [:]
        for step in OnboardingStepID.allCases {
            let values = defaults(for: step, timeZone: timeZone)
            if !values.isEmpty { result[step] = values }
        }
        return result
    }
}
