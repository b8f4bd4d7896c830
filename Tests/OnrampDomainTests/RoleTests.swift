import Foundation
import OnrampDomain
import Testing

@Suite("Role and Permission")
struct RoleTests {
    static let platform: Set<Permission> = [.platformTenantsRead, .platformOperate]
    static let tenantPermissions = Set(Permission.allCases).subtracting(platform)

    @Test("the owner holds every tenant permission and no platform permission")
    func owner() {
        #expect(Role.owner.permissions == Self.tenantPermissions)
        #expect(Role.owner.permissions.count == Permission.allCases.count - 2)
        #expect(Role.owner.can(.tenantDelete))
        #expect(Role.owner.can(.billingManage))
        #expect(!Role.owner.can(.platformOperate))
        #expect(!Role.owner.can(.platformTenantsRead))
    }

    @Test("no tenant role grants a platform permission", arguments: Role.allCases)
    func noPlatformPermissions(_ role: Role) {
        #expect(role.permissions.isDisjoint(with: Permission.operatorPermissions))
        #expect(!role.can(.platformOperate))
        #expect(!role.can(.platformTenantsRead))
    }

    @Test("an admin holds what the owner holds except deleting the tenant and billing")
    func admin() {
        #expect(Role.admin.permissions == Self.tenantPermissions.subtracting([.tenantDelete, .billingManage]))
        #expect(!Role.admin.can(.tenantDelete))
        #expect(!Role.admin.can(.billingManage))
        for permission: Permission in [.membersManage, .settingsManage, .auditRead, .apiTokensManage,
                                       .tenantManage, .onboardingManage, .ticketsAssign] {
            #expect(Role.admin.can(permission), "admin should hold \(permission.rawValue)")
        }
    }

    @Test("a supervisor works tickets and reads reports but manages nothing")
    func supervisor() {
        #expect(Role.supervisor.permissions == [
            .tenantRead, .membersRead, .ticketsRead, .ticketsNote, .ticketsWrite, .ticketsAssign,
            .reportsRead, .onboardingRead, .knowledgeBaseWrite, .apiTokensOwn,
        ])
    }

    @Test("an agent reads and writes tickets and holds its own tokens")
    func agent() {
        #expect(Role.agent.permissions == [.tenantRead, .ticketsRead, .ticketsNote, .ticketsWrite, .onboardingRead, .apiTokensOwn])
        #expect(Role.lightAgent.permissions == [.tenantRead, .ticketsRead, .ticketsNote, .onboardingRead])
        #expect(Role.agent > Role.lightAgent && Role.lightAgent > Role.viewer)
        #expect(Permission.grantable.isSuperset(of: Role.admin.permissions) && !Permission.grantable.contains(.billingManage))
        #expect(!Role.agent.can(.ticketsAssign))
        #expect(!Role.agent.can(.membersRead))
    }

    @Test("a viewer only reads")
    func viewer() {
        #expect(Role.viewer.permissions == [.tenantRead, .ticketsRead, .reportsRead, .onboardingRead])
        let changing = Role.viewer.permissions.filter { permission in
            ["manage", "write", "delete", "assign", "own", "operate"].contains { permission.rawValue.hasSuffix($0) }
        }
        #expect(changing.isEmpty)
        #expect(!Role.viewer.can(.ticketsWrite))
        #expect(!Role.viewer.can(.apiTokensOwn))
    }

    @Test("only owners and admins manage members, settings and tokens", arguments: Role.allCases)
    func managers(_ role: Role) {
        let manages = role == .owner || role == .admin
        #expect(role.can(.membersManage) == manages)
        #expect(role.can(.settingsManage) == manages)
        #expect(role.can(.apiTokensManage) == manages)
        #expect(role.can(.tenantManage) == manages)
        #expect(role.can(.auditRead) == manages)
    }

    @Test("can(_:) agrees with the permission set", arguments: Role.allCases)
    func canMatchesPermissions(_ role: Role) {
        for permission in Permission.allCases {
            #expect(role.can(permission) == role.permissions.contains(permission))
        }
    }

    @Test("each role from supervisor up holds everything the role below it holds")
    func nestedAboveAgent() {
        #expect(Role.admin.permissions.isStrictSubset(of: Role.owner.permissions))
        #expect(Role.supervisor.permissions.isStrictSubset(of: Role.admin.permissions))
        #expect(Role.agent.permissions.isStrictSubset(of: Role.supervisor.permissions))
        #expect(Role.viewer.permissions.isStrictSubset(of: Role.supervisor.permissions))
    }

    @Test("ranks order the roles from viewer to owner")
    func rankOrdering() {
        #expect(Role.allCases.map(\.rank) == [5, 4, 3, 2, 1, 0])
        #expect(Role.allCases.shuffled().sorted() == [.viewer, .lightAgent, .agent, .supervisor, .admin, .owner])
        #expect(Role.viewer < .agent)
        #expect(Role.agent < .supervisor)
        #expect(Role.supervisor < .admin)
        #expect(Role.admin < .owner)
        #expect(!(Role.owner < .owner))
        #expect(Role.owner > .admin)
        #expect(Role.allCases.max() == .owner)
        #expect(Role.allCases.min() == .viewer)
    }

    @Test("raw values and JSON use the lower-case names")
    func rawValues() throws {
        #expect(Role.allCases.map(\.rawValue) == ["owner", "admin", "supervisor", "agent", "light_agent", "viewer"])
        #expect(Role(rawValue: "admin") == .admin)
        #expect(Role(rawValue: "Admin") == nil)
        let decoded = try JSONDecoder().decode([Role].self, from: Data(#"["viewer","owner"]"#.utf8))
        #expect(decoded == [.viewer, .owner])
        #expect(String(decoding: try JSONEncoder().encode(Role.supervisor), as: UTF8.self) == #""supervisor""#)
    }

    @Test("permission names are unique and dotted")
    func permissionNames() {
        let names = Permission.allCases.map(\.rawValue)
        #expect(Set(names).count == names.count)
        #expect(names.allSatisfy { $0.contains(".") && $0 == $0.lowercased() })
        #expect(Permission(rawValue: "tenant.read") == .tenantRead)
        #expect(Permission(rawValue: "platform.operate") == .platformOperate)
        #expect(Permission(rawValue: "tenant.root") == nil)
    }

    @Test("operators hold exactly the platform permissions")
    func operatorPermissions() {
        #expect(Permission.operatorPermissions == Self.platform)
        #expect(Permission.operatorPermissions.allSatisfy { $0.rawValue.hasPrefix("platform.") })
    }
}
