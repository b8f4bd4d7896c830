/// The onboarding steps, in the order the wizard walks them. Raw values are the API's ids.
public enum OnboardingStepID: String, Sendable, Codable, CaseIterable, Comparable {
    case organization
    case branding
    case channels
    case ai
    case knowledgeBase = "knowledge_base"
    case payments
    case team
    case workflows
    case portal
    case dataImport = "data_import"
    case analytics
    case review

    public var title: String {
        switch self {
        case .organization: "Organisation profile"
        case .branding: "Branding"
        case .channels: "Channels"
        case .ai: "AI and automation"
        case .knowledgeBase: "Knowledge base"
        case .payments: "Payments"
        case .team: "Team"
        case .workflows: "Workflows and SLAs"
        case .portal: "Customer portal"
        case .dataImport: "Data import"
        case .analytics: "Analytics"
        case .review: "Review and activate"
        }
    }

    /// Steps that must be completed before this one can be completed.
    /// `review` needs every other required step, which depends on the template.
    public var prerequisites: [OnboardingStepID] {
        switch self {
        case .portal: [.branding]
        case .workflows: [.team]
        case .channels, .branding, .ai, .knowledgeBase, .payments, .team, .dataImport, .analytics: [.organization]
        case .organization, .review: []
        }
    }

    public var position: Int { Self.allCases.firstIndex(of: self)! }

    public static func < (lhs: OnboardingStepID, rhs: OnboardingStepID) -> Bool { lhs.position < rhs.position }

    /// Required unless a template says otherwise.
    public static let defaultRequired: Set<OnboardingStepID> = [.organization, .branding, .channels, .team, .workflows, .review]
}

/// Where one step stands.
public enum StepState: String, Sendable, Codable, CaseIterable {
    case notStarted = "not_started"
    case inProgress = "in_progress"
    case completed
    case skipped
}

/// Where the whole onboarding stands.
public enum SessionState: String, Sendable, Codable, CaseIterable {
    case active, paused, completed
}
