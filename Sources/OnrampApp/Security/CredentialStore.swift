import Fluent
import Foundation
import OnrampDomain
import SQLKit

/// An API token with its user and their membership in the token's tenant.
struct TokenHolderRow: Decodable, Sendable {
    let tokenId: UUID
    let tenantId: UUID
    let expiresAt: Date?
    let revokedAt: Date?
    let lastUsedAt: Date?
    let userId: UUID
    let email: String
    let name: String
    let isOperator: Bool
    let role: String
    let customRoleId: UUID?
    let customRoleName: String?
    let customRolePermissions: String?

    /// The member's custom role, or nil when they have none.
    var customRole: TeamStore.CustomRole? {
        guard let customRoleId, let customRoleName, let customRolePermissions else { return nil }
        return TeamStore.CustomRole(id: customRoleId, name: customRoleName, json: customRolePermissions)
    }
}

/// What authentication reads to turn a credential into a principal. A token or session names
/// its tenant, so the token lookup is the one read that runs before there is a scope; the
/// reads after it take the scope the credential named.
struct CredentialStore {
    let db: any Database

    /// The token with this hash, its user and their membership (one query on every API call);
    /// nil when no token has the hash or its user is no longer a member of its tenant.
    func tokenHolder(tokenHash: String) async throws -> TokenHolderRow? {
        try await db.sql.raw("""
            SELECT t.id AS token_id, t.tenant_id, t.expires_at, t.revoked_at, t.last_used_at,
                   u.id AS user_id, u.email, u.name, u.is_operator, m.role, m.custom_role_id,
                   r.name AS custom_role_name, r.permissions AS custom_role_permissions
            FROM api_tokens t
            JOIN users u ON u.id = t.user_id
            JOIN memberships m ON m.user_id = t.user_id AND m.tenant_id = t.tenant_id
            LEFT JOIN custom_roles r ON r.id = m.custom_role_id AND r.tenant_id = m.tenant_id
            WHERE t.token_hash = \(bind: tokenHash)
            """).first(decoding: TokenHolderRow.self, keyDecodingStrategy: .convertFromSnakeCase)
    }

    /// Records that the token was used (callers do it at most once a minute).
    func touchToken(_ scope: TenantScope, _ id: UUID, at now: Date) async throws {
        try await APIToken.query(on: db).filter(\.$tenantID == scope.tenantID).filter(\.$id == id).set(\.$lastUsedAt, to: now).update()
    }
}
