import Fluent
import Foundation
import OnrampDomain
import SQLKit

/// The team: memberships (with their roles), agent profiles, custom roles and invitations
/// (`TeamStore+Invitations.swift`). Every method takes the tenant scope first.
struct TeamStore {
    let db: any Database

    /// A member who works tickets (light agents and up), with profile, availability and open
    /// tickets. A member without a stored profile has the default one.
    struct Agent: Sendable {
        let userID: UUID
        let name: String
        let email: String
        let role: Role
        let customRoleID: UUID?
        let document: AgentProfileDocument
        let availability: AgentProfile.Availability
        let openTickets: Int
        /// nil when the stored document no longer reads (it was valid when saved).
        let profile: AgentProfile?
    }

    /// A role built from permissions (stored as a JSON list of their names).
    struct CustomRole: Sendable {
        let id: UUID
        let name: String
        let permissions: Set<Permission>

        init(id: UUID, name: String, permissions: Set<Permission>) {
            self.id = id
            self.name = name
            self.permissions = permissions
        }

        init(id: UUID, name: String, json: String) {
            let names = (try? JSONDecoder().decode([String].self, from: Data(json.utf8))) ?? []
            self.init(id: id, name: name, permissions: Set(names.compactMap(Permission.init(rawValue:))))
        }
    }

    static let openStatuses = [TicketStatus.new, .open, .pending, .onHold].map(\.rawValue)

    private struct AgentRow: Decodable {
        let userId: UUID
        let role: String
        let customRoleId: UUID?
        let name: String
        let email: String
        let definition: String?
        let availability: String?
        let openTickets: Int
    }

    private struct CustomRoleRow: Decodable {
        let id: UUID
        let name: String
        let permissions: String

        var role: CustomRole { CustomRole(id: id, name: name, json: permissions) }
    }

    // MARK: Agents

    /// The tenant's agents by name (or the one with `only`'s id), at most 1,000.
    func agents(_ scope: TenantScope, only userID: UUID? = nil) async throws -> [Agent] {
        var sql: SQLQueryString = """
            SELECT m.user_id, m.role, m.custom_role_id, u.name, u.email, p.definition, p.availability,
                   (SELECT COUNT(*) FROM tickets t WHERE t.tenant_id = m.tenant_id AND t.assignee_id = m.user_id
                    AND t.status IN (\(binds: Self.openStatuses))) AS open_tickets
            FROM memberships m JOIN users u ON u.id = m.user_id
            LEFT JOIN agent_profiles p ON p.tenant_id = m.tenant_id AND p.user_id = m.user_id
            WHERE m.tenant_id = \(bind: scope.tenantID) AND m.role <> 'viewer'
            """
        if let userID { sql = sql + " AND m.user_id = \(bind: userID)" }
        sql = sql + " ORDER BY u.name, u.email LIMIT 1000"
        return try await db.sql.raw(sql).all(decoding: AgentRow.self, keyDecodingStrategy: .convertFromSnakeCase).map { row in
            let document = row.definition.flatMap { try? JSONDecoder().decode(AgentProfileDocument.self, from: Data($0.utf8)) }
                ?? AgentProfileDocument()
            let availability = row.availability.flatMap(AgentProfile.Availability.init(rawValue:)) ?? .offline
            return Agent(userID: row.userId, name: row.name, email: row.email, role: Role(rawValue: row.role) ?? .agent,
                         customRoleID: row.customRoleId, document: document, availability: availability, openTickets: row.openTickets,
                         profile: try? document.profile(id: row.userId, name: row.name.isEmpty ? "agent" : row.name, availability: availability,
                                                        openTickets: row.openTickets))
        }
    }

    /// Stores an agent's profile document and availability.
    func saveProfile(_ scope: TenantScope, user: UUID, definition: String, availability: String, at now: Date) async throws {
        try await db.sql.raw("""
            INSERT INTO agent_profiles (tenant_id, user_id, definition, availability, updated_at)
            VALUES (\(bind: scope.tenantID), \(bind: user), \(bind: definition), \(bind: availability), \(bind: now))
            ON CONFLICT (tenant_id, user_id) DO UPDATE SET definition = excluded.definition, availability = excluded.availability,
                updated_at = excluded.updated_at
            """).run()
    }

    /// Who among `agents` was given a ticket last (the round-robin turn).
    func lastAssigned(_ scope: TenantScope, among agents: [UUID]) async throws -> UUID? {
        guard !agents.isEmpty else { return nil }
        return try await db.sql.raw("""
            SELECT user_id FROM agent_profiles WHERE tenant_id = \(bind: scope.tenantID) AND user_id IN (\(binds: agents))
            AND last_assigned_at IS NOT NULL ORDER BY last_assigned_at DESC LIMIT 1
            """).first(decodingColumn: "user_id", as: UUID.self)
    }

    func markAssigned(_ scope: TenantScope, agent: UUID, at now: Date) async throws {
        try await db.sql.raw("""
            UPDATE agent_profiles SET last_assigned_at = \(bind: now) WHERE tenant_id = \(bind: scope.tenantID) AND user_id = \(bind: agent)
            """).run()
    }

    // MARK: Members

    /// A member by user id or email address.
    func memberID(_ scope: TenantScope, reference: String) async throws -> UUID? {
        let trimmed = reference.trimmingWhitespace()
        if let id = UUID(uuidString: trimmed) {
            return try await isMember(scope, user: id) ? id : nil
        }
        return try await db.sql.raw("""
            SELECT m.user_id FROM memberships m JOIN users u ON u.id = m.user_id
            WHERE m.tenant_id = \(bind: scope.tenantID) AND LOWER(u.email) = \(bind: trimmed.lowercased())
            """).first(decodingColumn: "user_id", as: UUID.self)
    }

    func isMember(_ scope: TenantScope, user: UUID) async throws -> Bool {
        try await db.sql.raw("""
            SELECT user_id FROM memberships WHERE tenant_id = \(bind: scope.tenantID) AND user_id = \(bind: user)
            """).first() != nil
    }

    /// Whether someone with this (exact) email address is a member.
    func isMember(_ scope: TenantScope, email: String) async throws -> Bool {
        try await db.sql.raw("""
            SELECT m.user_id FROM memberships m JOIN users u ON u.id = m.user_id WHERE m.tenant_id = \(bind: scope.tenantID) AND u.email = \(bind: email)
            """).first() != nil
    }

    /// The member's email address (none when not a member).
    func emails(_ scope: TenantScope, user: UUID) async throws -> [String] {
        try await db.sql.raw("""
            SELECT u.email FROM memberships m JOIN users u ON u.id = m.user_id
            WHERE m.tenant_id = \(bind: scope.tenantID) AND m.user_id = \(bind: user)
            """).all(decodingColumn: "email", as: String.self)
    }

    /// The addresses of members holding one of `roles` (at most 50).
    func emails(_ scope: TenantScope, roles: [Role]) async throws -> [String] {
        try await db.sql.raw("""
            SELECT u.email FROM memberships m JOIN users u ON u.id = m.user_id
            WHERE m.tenant_id = \(bind: scope.tenantID) AND m.role IN (\(binds: roles.map(\.rawValue))) ORDER BY u.email LIMIT 50
            """).all(decodingColumn: "email", as: String.self)
    }

    /// The account's first owner.
    func firstOwner(_ scope: TenantScope) async throws -> (id: UUID, name: String, email: String)? {
        struct Owner: Decodable { let id: UUID; let name: String; let email: String }
        return try await db.sql.raw("""
            SELECT u.id, u.name, u.email FROM memberships m JOIN users u ON u.id = m.user_id
            WHERE m.tenant_id = \(bind: scope.tenantID) AND m.role = 'owner' ORDER BY m.created_at LIMIT 1
            """).first(decoding: Owner.self).map { ($0.id, $0.name, $0.email) }
    }

    func membership(_ scope: TenantScope, user: UUID) async throws -> Membership? {
        try await Membership.query(on: db).filter(\.$tenantID == scope.tenantID).filter(\.$userID == user).first()
    }

    func ownerCount(_ scope: TenantScope) async throws -> Int {
        try await Membership.query(on: db).filter(\.$tenantID == scope.tenantID).filter(\.$role == .owner).count()
    }

    func setRole(_ scope: TenantScope, user: UUID, role: Role, customRole: UUID?) async throws {
        try await db.sql.raw("""
            UPDATE memberships SET role = \(bind: role.rawValue), custom_role_id = \(bind: customRole)
            WHERE tenant_id = \(bind: scope.tenantID) AND user_id = \(bind: user)
            """).run()
    }

    func addMember(_ scope: TenantScope, user: UUID, role: Role, customRole: UUID?) async throws {
        let membership = Membership(tenantID: scope.tenantID, userID: user, role: role)
        membership.customRoleID = customRole
        try await membership.create(on: db)
    }

    // MARK: Custom roles

    func customRoles(_ scope: TenantScope) async throws -> [CustomRole] {
        try await db.sql.raw("""
            SELECT id, name, permissions FROM custom_roles WHERE tenant_id = \(bind: scope.tenantID) ORDER BY name LIMIT 200
            """).all(decoding: CustomRoleRow.self).map(\.role)
    }

    func customRole(_ scope: TenantScope, id: UUID) async throws -> CustomRole? {
        try await db.sql.raw("""
            SELECT id, name, permissions FROM custom_roles WHERE id = \(bind: id) AND tenant_id = \(bind: scope.tenantID)
            """).first(decoding: CustomRoleRow.self)?.role
    }

    func customRoleNames(_ scope: TenantScope) async throws -> [UUID: String] {
        struct Name: Decodable { let id: UUID; let name: String }
        let rows = try await db.sql.raw("SELECT id, name FROM custom_roles WHERE tenant_id = \(bind: scope.tenantID)").all(decoding: Name.self)
        return Dictionary(rows.map { ($0.id, $0.name) }, uniquingKeysWith: { first, _ in first })
    }

    func customRoleNameTaken(_ scope: TenantScope, _ name: String) async throws -> Bool {
        try await StoreSupport.nameTaken("custom_roles", name, scope: scope, on: db)
    }

    /// Adds a custom role; `permissions` is the stored JSON list.
    func addCustomRole(_ scope: TenantScope, id: UUID, name: String, permissions: String, at now: Date) async throws {
        try await db.sql.raw("""
            INSERT INTO custom_roles (id, tenant_id, name, permissions, created_at)
            VALUES (\(bind: id), \(bind: scope.tenantID), \(bind: name), \(bind: permissions), \(bind: now))
            """).run()
    }
}

extension TeamStore: TenantConfigurationStore {
    static let configurationTables = ["custom_roles", "memberships", "agent_profiles"]
    static let dataTables = ["invitations"]

    /// The same people with the same roles (custom roles copied first); profiles as they are.
    func copyConfiguration(from source: TenantScope, to target: TenantScope, ids: inout [UUID: UUID], at now: Date) async throws {
        for role in try await db.sql.raw("""
            SELECT id, name, permissions FROM custom_roles WHERE tenant_id = \(bind: source.tenantID)
            """).all(decoding: CustomRoleRow.self) {
            let id = TimeOrderedID.make()
            ids[role.id] = id
            try await addCustomRole(target, id: id, name: role.name, permissions: role.permissions, at: now)
        }
        struct Member: Decodable { let userId: UUID; let role: String; let customRoleId: UUID? }
        for member in try await db.sql.raw("""
            SELECT user_id, role, custom_role_id FROM memberships WHERE tenant_id = \(bind: source.tenantID)
            """).all(decoding: Member.self, keyDecodingStrategy: .convertFromSnakeCase) {
            let customRole = member.customRoleId.flatMap { ids[$0] }
            if try await isMember(target, user: member.userId) {
                try await db.sql.raw("""
                    UPDATE memberships SET role = \(bind: member.role), custom_role_id = \(bind: customRole)
                    WHERE tenant_id = \(bind: target.tenantID) AND user_id = \(bind: member.userId)
                    """).run()
            } else {
                try await addMember(target, user: member.userId, role: Role(rawValue: member.role) ?? .agent, customRole: customRole)
            }
        }
        try await db.sql.raw("""
            INSERT INTO agent_profiles (tenant_id, user_id, definition, availability, updated_at)
            SELECT \(bind: target.tenantID), user_id, definition, availability, \(bind: now) FROM agent_profiles WHERE tenant_id = \(bind: source.tenantID)
            """).run()
    }

    /// Custom roles and profiles go; members stay (their custom roles are cleared, copied anew).
    func deleteConfiguration(_ scope: TenantScope) async throws {
        try await db.sql.raw("DELETE FROM agent_profiles WHERE tenant_id = \(bind: scope.tenantID)").run()
        try await db.sql.raw("UPDATE memberships SET custom_role_id = NULL WHERE tenant_id = \(bind: scope.tenantID)").run()
        try await db.sql.raw("DELETE FROM custom_roles WHERE tenant_id = \(bind: scope.tenantID)").run()
    }
}
