import Fluent
import Foundation
import OnrampDomain
import SQLKit

/// Invitations: a row per tenant and address; only a link's SHA-256 is stored.
extension TeamStore {
    struct Invitation: Decodable, Sendable {
        let id: UUID
        let email: String
        let name: String?
        let role: String
        let customRoleId: UUID?
        let state: String
        let expiresAt: Date?
        let sentAt: Date?
        let sendCount: Int
        let acceptedAt: Date?
        let createdAt: Date
    }

    /// An invitation found by its link, with its tenant's name (no scope: the link is the key).
    struct InvitationByLink: Decodable, Sendable {
        let id: UUID
        let tenantId: UUID
        let email: String
        let name: String?
        let role: String
        let customRoleId: UUID?
        let state: String
        let expiresAt: Date?
        let tenantName: String
    }

    /// Which invitations a list shows: by stored state, or pending ones split by whether they expired.
    enum InvitationFilter: Sendable {
        case all, expired, live
        case state(String)
    }

    private static let invitationColumns: SQLQueryString =
        "id, email, name, role, custom_role_id, state, expires_at, sent_at, send_count, accepted_at, created_at"

    func invitation(_ scope: TenantScope, id: UUID) async throws -> Invitation? {
        try await db.sql.raw("""
            SELECT \(Self.invitationColumns) FROM invitations WHERE id = \(bind: id) AND tenant_id = \(bind: scope.tenantID)
            """).first(decoding: Invitation.self, keyDecodingStrategy: .convertFromSnakeCase)
    }

    func invitation(_ scope: TenantScope, email: String) async throws -> Invitation? {
        try await db.sql.raw("""
            SELECT \(Self.invitationColumns) FROM invitations WHERE tenant_id = \(bind: scope.tenantID) AND email = \(bind: email)
            """).first(decoding: Invitation.self, keyDecodingStrategy: .convertFromSnakeCase)
    }

    /// Newest first, at most 1,000.
    func invitations(_ scope: TenantScope, _ filter: InvitationFilter, now: Date) async throws -> [Invitation] {
        var sql: SQLQueryString = "SELECT \(Self.invitationColumns) FROM invitations WHERE tenant_id = \(bind: scope.tenantID)"
        switch filter {
        case .expired: sql = sql + " AND state = 'pending' AND expires_at <= \(bind: now)"
        case .live: sql = sql + " AND state = 'pending' AND expires_at > \(bind: now)"
        case .state(let state): sql = sql + " AND state = \(bind: state)"
        case .all: break
        }
        sql = sql + " ORDER BY created_at DESC LIMIT 1000"
        return try await db.sql.raw(sql).all(decoding: Invitation.self, keyDecodingStrategy: .convertFromSnakeCase)
    }

    /// Whether the address is a member or has an invitation that is pending or accepted.
    func isMemberOrInvited(_ scope: TenantScope, email: String) async throws -> Bool {
        try await db.sql.raw("""
            SELECT 1 AS x FROM memberships m JOIN users u ON u.id = m.user_id WHERE m.tenant_id = \(bind: scope.tenantID) AND u.email = \(bind: email)
            UNION ALL SELECT 1 AS x FROM invitations WHERE tenant_id = \(bind: scope.tenantID) AND email = \(bind: email) AND state IN ('pending', 'accepted')
            """).first() != nil
    }

    /// Records an invitation to be sent later (from onboarding); an earlier one for the address
    /// takes the new role. Returns the stored invitation's id.
    func recordInvitation(_ scope: TenantScope, email: String, name: String?, role: Role, at now: Date) async throws -> UUID {
        let id = TimeOrderedID.make()
        try await db.sql.raw("""
            INSERT INTO invitations (id, tenant_id, email, name, role, state, created_at, updated_at)
            VALUES (\(bind: id), \(bind: scope.tenantID), \(bind: email), \(bind: name), \(bind: role.rawValue), 'imported', \(bind: now), \(bind: now))
            ON CONFLICT (tenant_id, email) DO UPDATE SET role = excluded.role, state = 'imported', updated_at = excluded.updated_at
            """).run()
        return try await db.sql.raw("SELECT id FROM invitations WHERE tenant_id = \(bind: scope.tenantID) AND email = \(bind: email)")
            .first(decodingColumn: "id", as: UUID.self) ?? id
    }

    /// A new pending invitation (sent by `issueLink`).
    func addInvitation(_ scope: TenantScope, id: UUID, email: String, name: String?, role: String, customRole: UUID?, at now: Date) async throws {
        try await db.sql.raw("""
            INSERT INTO invitations (id, tenant_id, email, name, role, state, custom_role_id, created_at, updated_at)
            VALUES (\(bind: id), \(bind: scope.tenantID), \(bind: email), \(bind: name), \(bind: role), 'pending',
                    \(bind: customRole), \(bind: now), \(bind: now))
            """).run()
    }

    /// An earlier invitation of the same address, invited again.
    func reinvite(_ scope: TenantScope, id: UUID, name: String?, role: String, customRole: UUID?) async throws {
        try await db.sql.raw("""
            UPDATE invitations SET name = COALESCE(\(bind: name), name), role = \(bind: role), custom_role_id = \(bind: customRole),
                accepted_at = NULL WHERE id = \(bind: id) AND tenant_id = \(bind: scope.tenantID)
            """).run()
    }

    /// A new link for the invitation (the old one stops working): pending again until `expires`.
    func issueLink(_ scope: TenantScope, id: UUID, tokenHash: String, expires: Date, invitedBy: UUID?, at now: Date) async throws {
        try await db.sql.raw("""
            UPDATE invitations SET token_hash = \(bind: tokenHash), expires_at = \(bind: expires), sent_at = \(bind: now), state = 'pending',
                send_count = send_count + 1, invited_by = \(bind: invitedBy), updated_at = \(bind: now)
            WHERE id = \(bind: id) AND tenant_id = \(bind: scope.tenantID)
            """).run()
    }

    func revokeInvitation(_ scope: TenantScope, id: UUID, at now: Date) async throws {
        try await db.sql.raw("""
            UPDATE invitations SET state = 'revoked', updated_at = \(bind: now)
            WHERE id = \(bind: id) AND tenant_id = \(bind: scope.tenantID)
            """).run()
    }

    /// The invitation a link's token hash names.
    static func invitation(linkHash: String, on db: any Database) async throws -> InvitationByLink? {
        try await db.sql.raw("""
            SELECT i.id, i.tenant_id, i.email, i.name, i.role, i.custom_role_id, i.state, i.expires_at, t.name AS tenant_name
            FROM invitations i JOIN tenants t ON t.id = i.tenant_id WHERE i.token_hash = \(bind: linkHash)
            """).first(decoding: InvitationByLink.self, keyDecodingStrategy: .convertFromSnakeCase)
    }

    /// Uses a pending invitation up; false when it was not pending (used, withdrawn) any more.
    func takeInvitation(_ scope: TenantScope, id: UUID, at now: Date) async throws -> Bool {
        try await db.sql.raw("""
            UPDATE invitations SET state = 'accepted', accepted_at = \(bind: now), updated_at = \(bind: now)
            WHERE id = \(bind: id) AND tenant_id = \(bind: scope.tenantID) AND state = 'pending' RETURNING id
            """).first() != nil
    }
}
