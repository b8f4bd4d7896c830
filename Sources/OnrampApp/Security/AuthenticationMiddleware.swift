import Fluent
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
        guard let secret = APITokenSecret(token),
              let holder = try await CredentialStore(db: db).tokenHolder(tokenHash: secret.hash),
              holder.revokedAt == nil,
              let role = Role(rawValue: holder.role)
        else { throw refused }
        if let expiresAt = holder.expiresAt, expiresAt <= now { throw refused }
        let scope = TenantScope(tenantID: holder.tenantId)
        if holder.lastUsedAt.map({ now.timeIntervalSince($0) > 60 }) ?? true {
            try await writer.atomically { db in try await CredentialStore(db: db).touchToken(scope, holder.tokenId, at: now) }
        }
        return Principal(userID: holder.userId, email: holder.email, name: holder.name, isOperator: holder.isOperator,
                         tenant: TenantAccess(scope: scope, role: role, customRole: holder.customRole),
                         credential: .apiToken(id: holder.tokenId))
    }

    static func principal(forSessionSecret secret: String, reading db: any Database,
                          using writer: DatabaseWriter) async throws -> Principal? {
        guard let session = try await WebSessions.find(secret: secret, reading: db, using: writer),
              let user = try await User.find(session.userID, on: db)
        else { return nil }
        var tenant: TenantAccess?
        if let tenantID = session.tenantID {
            let scope = TenantScope(tenantID: tenantID)
            let team = TeamStore(db: db)
            guard let membership = try await team.membership(scope, user: session.userID) else { return nil }
            var custom: TeamStore.CustomRole?
            if let roleID = membership.customRoleID { custom = try await team.customRole(scope, id: roleID) }
            tenant = TenantAccess(scope: scope, role: membership.role, customRole: custom)
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
