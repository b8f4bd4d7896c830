import Fluent
import Foundation
import OnrampDomain
import Vapor

/// Browser sessions: a random secret in an HttpOnly cookie, its SHA-256 in `web_sessions`,
/// and a double-submit CSRF token in a second cookie.
enum WebSessions {
    static let cookieName = "onramp_session"
    static let csrfCookieName = "onramp_csrf"
    static let csrfHeader = "X-CSRF-Token"
    static let lifetime: TimeInterval = 14 * 24 * 3600
    /// `last_seen_at` is refreshed at most this often, to keep reads cheap.
    static let touchInterval: TimeInterval = 300

    /// Moves a browser session to another account of the same person (checked by the caller).
    static func move(_ id: UUID, to tenantID: UUID, on db: any Database) async throws {
        try await WebSession.query(on: db).filter(\.$id == id).set(\.$tenantID, to: tenantID).update()
    }

    /// Creates a session for `userID` in `tenantID` and returns the cookie secret.
    static func start(userID: UUID, tenantID: UUID?, on db: any Database, now: Date = Date()) async throws -> String {
        let secret = SecretDigest.randomToken()
        let session = WebSession(tokenHash: SecretDigest.sha256Hex(secret), userID: userID, tenantID: tenantID,
                                 expiresAt: now.addingTimeInterval(lifetime), lastSeenAt: now)
        try await session.create(on: db)
        return secret
    }

    /// The live session for a cookie secret, refreshed if it was last seen a while ago.
    static func find(secret: String, reading db: any Database, using writer: DatabaseWriter,
                     now: Date = Date()) async throws -> WebSession? {
        guard let session = try await WebSession.query(on: db)
            .filter(\.$tokenHash == SecretDigest.sha256Hex(secret))
            .first()
        else { return nil }
        let id = try session.requireID()
        guard session.expiresAt > now else {
            try await writer.atomically { db in try await WebSession.query(on: db).filter(\.$id == id).delete() }
            return nil
        }
        if now.timeIntervalSince(session.lastSeenAt) > touchInterval {
            try await writer.atomically { db in
                try await WebSession.query(on: db).filter(\.$id == id).set(\.$lastSeenAt, to: now).update()
            }
        }
        return session
    }

    /// Deletes every session that has expired (the hourly `sessions.prune` job).
    static func deleteExpired(on db: any Database, now: Date = Date()) async throws {
        try await WebSession.query(on: db).filter(\.$expiresAt < now).delete()
    }

    static func end(secret: String, on db: any Database) async throws {
        try await WebSession.query(on: db).filter(\.$tokenHash == SecretDigest.sha256Hex(secret)).delete()
    }

    /// Sets the session cookie and a fresh CSRF cookie on `response`.
    static func attach(secret: String, csrf: String, to response: Response, secure: Bool) {
        response.cookies[cookieName] = cookie(secret, maxAge: Int(lifetime), secure: secure)
        response.cookies[csrfCookieName] = cookie(csrf, maxAge: Int(lifetime), secure: secure)
    }

    static func clear(on response: Response, secure: Bool) {
        response.cookies[cookieName] = cookie("", maxAge: 0, secure: secure)
        response.cookies[csrfCookieName] = cookie(SecretDigest.randomToken(), maxAge: Int(lifetime), secure: secure)
    }

    static func cookie(_ value: String, maxAge: Int, secure: Bool) -> HTTPCookies.Value {
        HTTPCookies.Value(string: value, expires: maxAge == 0 ? Date(timeIntervalSince1970: 0) : nil,
                          maxAge: maxAge, path: "/", isSecure: secure, isHTTPOnly: true, sameSite: .lax)
    }
}

extension Request {
    /// The CSRF token of this browser (from its cookie), if it has one.
    var csrfCookie: String? { cookies[WebSessions.csrfCookieName]?.string }

    /// Checks a submitted CSRF token against the cookie (double submit), in constant time.
    func verifyCSRF(_ submitted: String?) throws {
        guard let expected = csrfCookie, !expected.isEmpty, let submitted,
              SecretDigest.constantTimeEquals(expected, submitted)
        else {
            throw Problem(.csrfFailed, "The form is missing its security token or it expired. Reload the page and try again.")
        }
    }
}
