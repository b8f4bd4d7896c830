/// A starting configuration for a kind of business: which steps are required, and the
/// defaults it fills in (categories, SLA targets, hours, routing, FAQ, emails, channels).
public struct IndustryTemplate: Sendable, Equatable, Identifiable {
    public struct SLATarget: Sendable, Equatable, Codable {
        public let firstResponseMinutes: Int
        public let resolutionMinutes: Int
    }

    public struct RoutingRule: Sendable, Equatable, Codable {
        public let name: String
        /// What the rule looks for, in words and as a condition the routing engine will read.
        public let when: String
        public let then: String
    }

    public struct Article: Sendable, Equatable, Codable {
        public let title: String
        public let body: String
    }

    public struct EmailTemplate: Sendable, Equatable, Codable {
        public let key: String
        public let subject: String
        public let body: String
    }

    public let id: String
    public let name: String
    public let summary: String
    public let requiredSteps: Set<OnboardingStepID>
    public let ticketCategories: [String]
    /// Targets per priority (low, normal, high, urgent).
    public let sla: [String: SLATarget]
    /// Opening hours per weekday (`mon` … `sun`), as `BusinessHoursText` reads them.
    public let businessHours: [String: String]
    public let routingRules: [RoutingRule]
    public let faq: [Article]
    public let emailTemplates: [EmailTemplate]
    public let suggestedChannels: [String]
    public let portalFeatures: [String]

    /// The configuration this template proposes for `step` (empty when it has none).
    /// `timeZone` is the organisation's, when known, for business hours.
    public func defaults(for step: OnboardingStepID, timeZone: String?) -> StepConfig {
        switch step {
        case .organization:
            return ["industry": .string(id == "general" ? "general" : id)]
        case .channels:
            return ["enabled": .array(suggestedChannels.map(ConfigValue.string))]
        case .knowledgeBase:
            return ["categories": .array(ticketCategories.map(ConfigValue.string))]
        case .workflows:
            var targets: [String: ConfigValue] = [:]
            for (priority, target) in sla {
                targets[priority] = .object([
                    "first_response_minutes": .number(Double(target.firstResponseMinutes)),
                    "resolution_minutes": .number(Double(target.resolutionMinutes)),
                ])
            }
            var hours = businessHours.mapValues(ConfigValue.string)
            hours["time_zone"] = .string(timeZone ?? "UTC")
            return ["sla": .object(targets), "business_hours": .object(hours)]
        case .portal:
            return ["features": .array(portalFeatures.map(ConfigValue.string))]
        case .analytics:
            return ["csat_enabled": .bool(true)]
        case .ai:
            return ["classification_enabled": .bool(true), "suggested_replies_enabled": .bool(true), "llm_provider": .string("none")]
        case .branding, .payments, .team, .dataImport, .review:
            return [:]
        }
    }
}

extension ConfigValue {
    /// `self` with `defaults` filled in wherever `self` has no value; never replaces a value
    /// that is there (objects merge key by key; lists and scalars are kept whole).
    public func filling(_ defaults: ConfigValue) -> ConfigValue {
        guard case .object(var mine) = self, case .object(let theirs) = defaults else { return self }
        for (key, value) in theirs {
            mine[key] = mine[key].map { $0.filling(value) } ?? value
        }
        return .object(mine)
    }
}
