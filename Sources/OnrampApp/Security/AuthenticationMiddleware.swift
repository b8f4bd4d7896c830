import Fluent
import SQLKit
import Foundation
import OnrampDomain
import Vapor

/// Establishes the principal from `Authorization: Bearer onr_…` or the session cookie.
/// A bad bearer token is refused outright; a stale cookie is ignored. Requests that use
/// the cookie on the API with an unsafe method must carry the CSRF token header.
struct AuthenticationMiddleware: AsyncMiddleware {
    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        if let bearer = request.headers.bearerAuthorization {
            request.principal = try await Self.principal(forToken: bearer.token, reading: request.db, using: request.writer)
        } else if let secret = request.cookies[WebSessions.cookieName]?.string, !secret.isEmpty,
                  let principal = try await Self.principal(forSessionSecret: secret, reading: request.db, using: request.writer) {
            if request.url.path.hasPrefix("/api/"), !request.method.isSafe {
                try request.verifyCSRF(request.headers.first(name: WebSessions.csrfHeader))
            }
            request.principal = principal
        }
        return try await next.respond(to: request)
    }

    /// Reads go through `db` (the read pool); only the occasional `last_used_at` touch writes.
    static func principal(forToken token: String, reading db: any Database, using writer: DatabaseWriter,
                          now: Date = Date()) async throws -> Principal {
        let refused = Problem(.unauthenticated, "The API token is not valid, was revoked, or has expired.")
        // One query on every API call: the token, its user and their membership in the token's tenant.
        guard let secret = APITokenSecret(token),
              let row = try await db.sql.raw("""
                  SELECT t.id AS token_id, t.tenant_id, t.expires_at, t.revoked_at, t.last_used_at,
                         u.id AS user_id, u.email, u.name, u.is_operator, m.role, m.custom_role_id,
                         r.name AS custom_role_name, r.permissions AS custom_role_permissions
                  FROM api_tokens t
                  JOIN users u ON u.id = t.user_id
                  JOIN memberships m ON m.user_id = t.user_id AND m.tenant_id = t.tenant_id
                  LEFT JOIN custom_roles r ON r.id = m.custom_role_id AND r.tenant_id = m.tenant_id
                  WHERE t.token_hash = \(bind: secret.hash)
                  """).first(),
              try row.decodeNil(column: "revoked_at"),
              let role = Role(rawValue: try row.decode(column: "role", as: String.self))
        else { throw refused }
        if let expiresAt = try row.decode(column: "expires_at", as: Date?.self), expiresAt <= now { throw refused }
        let tokenID = try row.decode(column: "token_id", as: UUID.self)
        let lastUsedAt = try row.decode(column: "last_used_at", as: Date?.self)
        if lastUsedAt.map({ now.timeIntervalSince($0) > 60 }) ?? true {
            try await writer.atomically { db in
                try await APIToken.query(on: db).filter(\.$id == tokenID).set(\.$lastUsedAt, to: now).update()
            }
        }
        return Principal(userID: try row.decode(column: "user_id", as: UUID.self),
                         email: try row.decode(column: "email", as: String.self),
                         name: try row.decode(column: "name", as: String.self),
                         isOperator: try row.decode(column: "is_operator", as: Bool.self),
                         tenant: TenantAccess(scope: TenantScope(tenantID: try row.decode(column: "tenant_id", as: UUID.self)), role: role,
                                              customRole: try CustomRoles.decode(row)),
                         credential: .apiToken(id: tokenID))
    }

    static func principal(forSessionSecret secret: String, reading db: any Database,
                          using writer: DatabaseWriter) async throws -> Principal? {
        guard let session = try await WebSessions.find(secret: secret, reading: db, using: writer),
              let user = try await User.find(session.userID, on: db)
        else { return nil }
        var tenant: TenantAccess?
        if let tenantID = session.tenantID {
            guard let membership = try await Membership.query(on: db)
                .filter(\.$tenantID == tenantID).filter(\.$userID == session.userID).first()
            else { return nil }
            var custom: (id: UUID, name: String, permissions: Set<Permission>)?
            if let roleID = membership.customRoleID {
                custom = try await CustomRoles.decode(try await db.sql.raw("""
                    SELECT id AS custom_role_id, name AS custom_role_name, permissions AS custom_role_permissions
                    FROM custom_roles WHERE id = \(bind: roleID) AND tenant_id = \(bind: tenantID)
                    """).first())
            }
            tenant = TenantAccess(scope: TenantScope(tenantID: tenantID), role: membership.role, customRole: custom)
        } else if !user.isOperator {
            return nil
        }
        return Principal(userID: try user.requireID(), email: user.email, name: user.name, isOperator: user.isOperator,
                         tenant: tenant, credential: .session(id: try session.requireID()))
    }
}

extension HTTPMethod {
    var isSafe: Bool { self == .GET || self == .HEAD || self == .OPTIONS }
}
