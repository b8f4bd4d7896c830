import Fluent
import Foundation
import OnrampDomain
import Vapor

/// Sign-up and log-in, shared by the JSON API and the web pages.
struct AccountService {
    let request: Request

    struct SignedUp {
        let tenantID: UUID
        let tenantName: String
        let tenantSlug: String
        let userID: UUID
        let email: String
        let name: String
        let apiToken: APITokenSecret
        let sessionSecret: String
    }

    struct LoggedIn {
        let sessionSecret: String
    }

    func signup(_ form: SignupForm) async throws -> SignedUp {
        try request.onramp.signupLimiter.check(ip: request.clientIP, email: form.email)
        let valid = try form.validated()
        let emailField = [FieldError(field: "email", message: "An account with this email already exists. Log in instead.",
                                     code: "taken")]
        if try await User.query(on: request.db).filter(\.$email == valid.email.value).first() != nil {
            throw Problem(.conflict, "An account with this email already exists. Log in instead.", errors: emailField)
        }
        let passwordHash = try await request.password.async.hash(valid.password)
        let requestID = request.requestID
        do {
            let live = request.onramp.live
            let (signedUp, event) = try await request.writer.atomically { db in
                let slug = try await Self.freeSlug(for: valid.organizationName, on: db)
                let tenant = Tenant(name: valid.organizationName, slug: slug)
                try await tenant.create(on: db)
                let tenantID = try tenant.requireID()
                let user = User(email: valid.email.value, name: valid.name, passwordHash: passwordHash)
                try await user.create(on: db)
                let userID = try user.requireID()
                try await Membership(tenantID: tenantID, userID: userID, role: .owner).create(on: db)
                let secret = APITokenSecret.generate()
                let token = try await APITokenRepository(db: db).create(
                    in: TenantScope(tenantID: tenantID), userID: userID, name: "Created at sign-up",
                    secret: secret, expiresAt: nil)
                let actor = "user:\(valid.email.value)"
                try await AuditLog.record(on: db, tenantID: tenantID, actor: actor, actorUserID: userID,
                                          action: "tenant.created", target: "tenant:\(tenantID)",
                                          change: .init(after: ["name": valid.organizationName, "slug": slug]),
                                          requestID: requestID)
                try await AuditLog.record(on: db, tenantID: tenantID, actor: actor, actorUserID: userID,
                                          action: "member.added", target: "user:\(userID)",
                                          change: .init(after: ["email": valid.email.value, "role": Role.owner.rawValue]),
                                          requestID: requestID)
                try await AuditLog.record(on: db, tenantID: tenantID, actor: actor, actorUserID: userID,
                                          action: "api_token.created", target: "api_token:\(try token.requireID())",
                                          change: .init(after: ["name": token.name, "prefix": token.displayPrefix]),
                                          requestID: requestID)
                let onboarding = try await OnboardingRepository(db: db).create(in: TenantScope(tenantID: tenantID))
                let event = OnboardingLiveEvent(tenantID: tenantID, session: onboarding)
                try await live.publish([event], on: db)
                let session = try await WebSessions.start(userID: userID, tenantID: tenantID, on: db)
                return (SignedUp(tenantID: tenantID, tenantName: valid.organizationName, tenantSlug: slug, userID: userID,
                                 email: valid.email.value, name: valid.name, apiToken: secret, sessionSecret: session), event)
            }
            await live.committed([event])
            return signedUp
        } catch let error as any DatabaseError where error.isConstraintFailure {
            // Two sign-ups with one email raced; the unique index decided.
            throw Problem(.conflict, "An account with this email already exists. Log in instead.", errors: emailField)
        }
    }

    func login(_ form: LoginForm) async throws -> LoggedIn {
        try request.onramp.loginLimiter.check(ip: request.clientIP, email: form.email)
        let credentials = try form.validated()
        let refused = Problem(.unauthenticated, "The email or password is incorrect.")
        let user = try await User.query(on: request.db).filter(\.$email == credentials.email.value).first()
        // Verify against a fixed hash when the user is unknown, so timing does not reveal accounts.
        let hash = try user?.passwordHash ?? request.onramp.decoyPasswordHash
        guard try await request.password.async.verify(credentials.password, created: hash), let user else {
            throw refused
        }
        let userID = try user.requireID()
        let membership = try await Membership.query(on: request.db)
            .filter(\.$userID == userID).sort(\.$createdAt, .ascending).first()
        guard membership != nil || user.isOperator else { throw refused }
        let session = try await request.writer.atomically { db in
            try await User.query(on: db).filter(\.$id == userID).set(\.$lastLoginAt, to: Date()).update()
            return try await WebSessions.start(userID: userID, tenantID: membership?.tenantID, on: db)
        }
        return LoggedIn(sessionSecret: session)
    }

    /// Ends the browser session named by the request's cookie, if any.
    func logout() async throws {
        if let secret = request.cookies[WebSessions.cookieName]?.string, !secret.isEmpty {
            try await request.writer.atomically { db in try await WebSessions.end(secret: secret, on: db) }
        }
    }

    static func freeSlug(for name: String, on db: any Database) async throws -> String {
        let base = Slug.make(from: name)
        for attempt in 1...20 {
            let candidate = attempt == 1 ? base : "\(base)-\(attempt)"
            if try await Tenant.query(on: db).filter(\.$slug == candidate).count() == 0 { return candidate }
        }
        return "\(base)-\(UUID().uuidString.prefix(8).lowercased())"
    }
}
