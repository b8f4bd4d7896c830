/// What a person may do inside one tenant.
public enum Role: String, Sendable, Codable, CaseIterable, Comparable {
    case owner, admin, supervisor, agent
    /// Reads tickets and writes internal notes; never answers customers (a colleague from
    /// another department helping out, as Zendesk's light agents).
    case lightAgent = "light_agent"
    case viewer

    /// The permissions this role grants, from the role permission templates.
    public var permissions: Set<Permission> {
        switch self {
        case .owner:
            return Set(Permission.allCases).subtracting(Permission.platformOnly)
        case .admin:
            return Set(Permission.allCases).subtracting(Permission.platformOnly).subtracting([.tenantDelete, .billingManage])
        case .supervisor:
            return [.tenantRead, .membersRead, .ticketsRead, .ticketsNote, .ticketsWrite, .ticketsAssign,
                    .reportsRead, .onboardingRead, .knowledgeBaseWrite, .apiTokensOwn]
        case .agent:
            return [.tenantRead, .ticketsRead, .ticketsNote, .ticketsWrite, .onboardingRead, .apiTokensOwn]
        case .lightAgent:
            return [.tenantRead, .ticketsRead, .ticketsNote, .onboardingRead]
        case .viewer:
            return [.tenantRead, .ticketsRead, .reportsRead, .onboardingRead]
        }
    }

    public func can(_ permission: Permission) -> Bool { permissions.contains(permission) }

    /// Higher rank means more power; used to stop people granting more than they hold.
    public var rank: Int {
        switch self {
        case .owner: 5
        case .admin: 4
        case .supervisor: 3
        case .agent: 2
        case .lightAgent: 1
        case .viewer: 0
        }
    }

    public static func < (lhs: Role, rhs: Role) -> Bool { lhs.rank < rhs.rank }
}

/// One thing a principal may do. Raw values are the names clients see.
public enum Permission: String, Sendable, Codable, CaseIterable {
    case tenantRead = "tenant.read"
    case tenantManage = "tenant.manage"
    case tenantDelete = "tenant.delete"
    case membersRead = "members.read"
    case membersManage = "members.manage"
    case apiTokensOwn = "api_tokens.own"
    case apiTokensManage = "api_tokens.manage"
    case auditRead = "audit.read"
    case onboardingRead = "onboarding.read"
    case onboardingManage = "onboarding.manage"
    case ticketsRead = "tickets.read"
    /// Internal notes on tickets (what a light agent may write).
    case ticketsNote = "tickets.note"
    case ticketsWrite = "tickets.write"
    case ticketsAssign = "tickets.assign"
    case reportsRead = "reports.read"
    case knowledgeBaseWrite = "knowledge_base.write"
    case billingManage = "billing.manage"
    case settingsManage = "settings.manage"
    /// Platform operators (the vendor's success managers) see every tenant.
    case platformTenantsRead = "platform.tenants.read"
    case platformOperate = "platform.operate"

    static let platformOnly: Set<Permission> = [.platformTenantsRead, .platformOperate]

    /// What a platform operator may do, across tenants.
    public static let operatorPermissions: Set<Permission> = [.platformTenantsRead, .platformOperate]

    /// What a custom role may be built from: everything but deleting the tenant, billing and the platform's own.
    public static let grantable: Set<Permission> = Set(allCases).subtracting(platformOnly).subtracting([.tenantDelete, .billingManage])
}
