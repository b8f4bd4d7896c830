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
            request.principal = try await Self.principal(forToken: bearer.token, using: request.writer)
        } else if let secret = request.cookies[WebSessions.cookieName]?.string, !secret.isEmpty,
                  let principal = try await Self.principal(forSessionSecret: secret, using: request.writer) {
            if request.url.path.hasPrefix("/api/"), !request.method.isSafe {
                try request.verifyCSRF(request.headers.first(name: WebSessions.csrfHeader))
            }
            request.principal = principal
        }
        return try await next.respond(to: request)
    }

    static func principal(forToken token: String, using writer: DatabaseWriter, now: Date = Date()) async throws -> Principal {
        let db = writer.database
        let refused = Problem(.unauthenticated, "The API token is not valid, was revoked, or has expired.")
        guard let secret = APITokenSecret(token),
              let record = try await APIToken.query(on: db).filter(\.$tokenHash == secret.hash).first(),
              record.revokedAt == nil, record.expiresAt.map({ $0 > now }) ?? true,
              let user = try await User.find(record.userID, on: db),
              let membership = try await Membership.query(on: db)
                .filter(\.$tenantID == record.tenantID).filter(\.$userID == record.userID).first()
        else { throw refused }
        let tokenID = try record.requireID()
        if record.lastUsedAt.map({ now.timeIntervalSince($0) > 60 }) ?? true {
            try await writer.atomically { db in
                try await APIToken.query(on: db).filter(\.$id == tokenID).set(\.$lastUsedAt, to: now).update()
            }
        }
        return Principal(userID: try user.requireID(), email: user.email, name: user.name, isOperator: user.isOperator,
                         tenant: (TenantScope(tenantID: membership.tenantID), membership.role),
                         credential: .apiToken(id: tokenID))
    }

    static func principal(forSessionSecret secret: String, using writer: DatabaseWriter) async throws -> Principal? {
        let db = writer.database
        guard let session = try await WebSessions.find(secret: secret, using: writer),
              let user = try await User.find(session.userID, on: db)
        else { return nil }
        var tenant: (TenantScope, Role)?
        if let tenantID = session.tenantID {
            guard let membership = try await Membership.query(on: db)
                .filter(\.$tenantID == tenantID).filter(\.$userID == session.userID).first()
            else { return nil }
            tenant = (TenantScope(tenantID: tenantID), membership.role)
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
