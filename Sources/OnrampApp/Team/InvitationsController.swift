import Fluent
import Foundation
import OnrampDomain
import SQLKit
import Vapor

/// Invitations (TEAM-1): by email, with a link that works once and expires after seven days;
/// resend (a new link; the old one stops working) and revoke; accepting sets the person's name
/// and password and signs them in. Only a hash of each link's secret is stored; it stays after
/// the link is used or withdrawn (the state decides), so such a link says what became of it.
struct InvitationsController {
    struct InvitationDTO: Content {
        let id: UUID
        let email: String
        let name: String?
        let role: String
        let customRoleId: UUID?
        let state: String
        /// `pending` past its expiry reads `expired`.
        let expiresAt: Date?
        let sentAt: Date?
        let sendCount: Int
        let acceptedAt: Date?
        let createdAt: Date
    }

    struct InvitationPage: Content { let items: [InvitationDTO] }

    struct CreateInput: Content {
        var email: String?
        var name: String?
        var role: String?
        var customRoleId: UUID?
    }

    struct AcceptInput: Content {
        var token: String?
        var name: String?
        var password: String?
    }

    struct Accepted: Content {
        let userId: UUID
        let tenantId: UUID
        let tenantName: String
        let email: String
        let role: String
        let csrfToken: String
    }

    struct InvitationInfo: Content {
        let email: String
        let name: String?
        let tenantName: String
        let role: String
        let state: String
        let message: String
        let expiresAt: Date?
        let hasAccount: Bool
    }

    func register(on routes: any RoutesBuilder, registry: APIOperationRegistry) {
        let invitationID = APIOperation.Parameter(name: "invitationId", location: .path, description: "The invitation's id.", schema: Schemas.uuid)
        let one = APIOperation.Response(status: 200, description: "The invitation.", schema: Schemas.ref(InvitationsController.InvitationDTO.self))
        routes.register(.init(
            id: "listInvitations", method: .GET, path: "/api/v1/invitations", tag: "Team",
            summary: "The tenant's invitations, newest first",
            parameters: [.init(name: "state", location: .query, description: "Only invitations in this state (expired: pending past their expiry).",
                               schema: Schema.string(enumeration: InvitationState.allCases.map(\.rawValue) + ["expired"]), required: false)],
            responses: [.init(status: 200, description: "The invitations.", schema: Schemas.ref(InvitationsController.InvitationPage.self))]
        ), in: registry, use: list)
        routes.register(.init(
            id: "createInvitation", method: .POST, path: "/api/v1/invitations", tag: "Team",
            summary: "Invites a person by email with a role; the mail carries a link that works once and expires in 7 days",
            requestBody: Schemas.ref(InvitationsController.CreateInput.self),
            responses: [.init(status: 201, description: "The invitation, sent.", schema: Schemas.ref(InvitationsController.InvitationDTO.self))], problems: [409]
        ), in: registry, use: create)
        routes.register(.init(
            id: "resendInvitation", method: .POST, path: "/api/v1/invitations/{invitationId}/resend", tag: "Team",
            summary: "Sends a new link (the previous one stops working) with a new expiry",
            parameters: [invitationID], responses: [one], problems: [409]
        ), in: registry, use: resend)
        routes.register(.init(
            id: "revokeInvitation", method: .DELETE, path: "/api/v1/invitations/{invitationId}", tag: "Team",
            summary: "Withdraws an invitation; its link stops working",
            parameters: [invitationID], responses: [one], problems: [409]
        ), in: registry, use: revoke)
        routes.register(.init(
            id: "getInvitationByToken", method: .POST, path: "/api/v1/invitation-links/lookup", tag: "Team",
            summary: "What an invitation link is for (no sign-in needed): the account, role and whether it can still be accepted",
            requestBody: Schemas.ref(InvitationsController.TokenInput.self),
            responses: [.init(status: 200, description: "The invitation as its recipient sees it.", schema: Schemas.ref(InvitationsController.InvitationInfo.self))],
            problems: [404]
        ), in: registry, use: lookup)
        routes.register(.init(
            id: "acceptInvitation", method: .POST, path: "/api/v1/invitation-links/accept", tag: "Team",
            summary: "Accepts an invitation with the link's token, setting name and password (or the existing account's password); signs in",
            requestBody: Schemas.ref(InvitationsController.AcceptInput.self),
            responses: [.init(status: 201, description: "The new membership; the session cookie is set.", schema: Schemas.ref(InvitationsController.Accepted.self))],
            problems: [404, 409, 410, 429]
        ), in: registry, use: accept)
    }

    static let columns = "id, email, name, role, custom_role_id, state, expires_at, sent_at, send_count, accepted_at, created_at"

    static func dto(_ row: any SQLRow) throws -> InvitationDTO {
        InvitationDTO(id: try row.decode(column: "id", as: UUID.self), email: try row.decode(column: "email", as: String.self),
                      name: try row.decode(column: "name", as: String?.self), role: try row.decode(column: "role", as: String.self),
                      customRoleId: try row.decode(column: "custom_role_id", as: UUID?.self),
                      state: try row.decode(column: "state", as: String.self), expiresAt: try row.decode(column: "expires_at", as: Date?.self),
                      sentAt: try row.decode(column: "sent_at", as: Date?.self), sendCount: try row.decode(column: "send_count", as: Int.self),
                      acceptedAt: try row.decode(column: "accepted_at", as: Date?.self), createdAt: try row.decode(column: "created_at", as: Date.self))
    }

    static func find(_ id: UUID, scope: TenantScope, on db: any Database) async throws -> InvitationDTO? {
        try await db.sql.raw("""
            SELECT \(unsafeRaw: columns) FROM invitations WHERE id = \(bind: id) AND tenant_id = \(bind: scope.tenantID)
            """).first().map(dto)
    }

    struct ListQuery: Decodable { var state: String? }

    @Sendable func list(_ req: Request) async throws -> InvitationPage {
        let (scope, _) = try req.requireTenant(.membersRead)
        let state = try req.query.decode(ListQuery.self).state
        if let state, !(InvitationState.allCases.map(\.rawValue) + ["expired"]).contains(state) {
            throw Problem.validation(ValidationFailure([FieldError(field: "state", message: "State is one of imported, pending, accepted, revoked or expired.",
                                                                   code: "invalid_choice")]))
        }
        var sql: SQLQueryString = "SELECT \(unsafeRaw: Self.columns) FROM invitations WHERE tenant_id = \(bind: scope.tenantID)"
        let now = Date()
        switch state {
        case "expired": sql = sql + " AND state = 'pending' AND expires_at <= \(bind: now)"
        case "pending": sql = sql + " AND state = 'pending' AND expires_at > \(bind: now)"
        case let state?: sql = sql + " AND state = \(bind: state)"
        case nil: break
        }
        sql = sql + " ORDER BY created_at DESC LIMIT 1000"
        return InvitationPage(items: try await req.db.sql.raw(sql).all().map(Self.dto))
    }

    /// Issues a new link for the invitation and queues its mail (inside the caller's transaction).
    static func send(_ id: UUID, email: String, role: String, scope: TenantScope, inviter: Principal, publicURL: URL, now: Date,
                     on db: any Database) async throws {
        try await send(id, email: email, role: role, scope: scope, inviter: (inviter.userID, inviter.name, inviter.email),
                       publicURL: publicURL, now: now, on: db)
    }

    static func send(_ id: UUID, email: String, role: String, scope: TenantScope, inviter: (id: UUID?, name: String, email: String),
                     publicURL: URL, now: Date, on db: any Database) async throws {
        let token = InvitationToken.generate()
        let expires = now.addingTimeInterval(InvitationToken.lifetime)
        try await db.sql.raw("""
            UPDATE invitations SET token_hash = \(bind: token.hash), expires_at = \(bind: expires), sent_at = \(bind: now), state = 'pending',
                send_count = send_count + 1, invited_by = \(bind: inviter.id), updated_at = \(bind: now)
            WHERE id = \(bind: id) AND tenant_id = \(bind: scope.tenantID)
            """).run()
        let tenant = try await db.sql.raw("SELECT name, sandbox_of FROM tenants WHERE id = \(bind: scope.tenantID)").first()
        let tenantName = try tenant?.decode(column: "name", as: String.self) ?? "your team"
        // A training sandbox never writes to real people.
        guard try tenant?.decode(column: "sandbox_of", as: UUID?.self) == nil else { return }
        var link = URLComponents(url: publicURL.appendingPathComponent("invitations/accept"), resolvingAgainstBaseURL: false)!
        link.queryItems = [URLQueryItem(name: "token", value: token.value)]
        let roleName = role.replacingOccurrences(of: "_", with: " ")
        try await Outbox.enqueue(
            to: email, subject: "\(inviter.name) invited you to \(tenantName) on Onramp",
            body: """
                Hello,

                \(inviter.name)\(inviter.email.isEmpty ? "" : " (\(inviter.email))") invited you to join \(tenantName)'s support desk on Onramp as \(["a", "e", "i", "o", "u"].contains(roleName.prefix(1)) ? "an" : "a") \(roleName).

                Accept the invitation and choose your password here:
                \(link.string ?? publicURL.absoluteString)

                The link works once and expires on \(expires.formatted(.iso8601)). If you did not expect this invitation, ignore this mail.
                """,
            kind: "invitation", tenantID: scope.tenantID, on: db)
    }

    /// The people listed in the onboarding `team` step, invited when the desk is activated: the
    /// invitations are made in the activation's transaction and sent by a job (which knows the
    /// public address). Members and people with a live invitation are left alone.
    static func inviteFromOnboarding(_ config: StepConfig, scope: TenantScope, at now: Date, on db: any Database) async throws {
        for invite in config["invites"]?.arrayValue ?? [] {
            let member = invite.objectValue ?? [:]
            guard let email = EmailAddress(member["email"]?.stringValue ?? ""),
                  let role = Role(rawValue: member["role"]?.stringValue ?? ""), role != .owner else { continue }
            let known = try await db.sql.raw("""
                SELECT 1 AS x FROM memberships m JOIN users u ON u.id = m.user_id WHERE m.tenant_id = \(bind: scope.tenantID) AND u.email = \(bind: email.value)
                UNION ALL SELECT 1 AS x FROM invitations WHERE tenant_id = \(bind: scope.tenantID) AND email = \(bind: email.value) AND state IN ('pending', 'accepted')
                """).first()
            guard known == nil else { continue }
            let id = TimeOrderedID.make()
            try await db.sql.raw("""
                INSERT INTO invitations (id, tenant_id, email, name, role, state, created_at, updated_at)
                VALUES (\(bind: id), \(bind: scope.tenantID), \(bind: email.value), \(bind: member["name"]?.stringValue), \(bind: role.rawValue),
                        'imported', \(bind: now), \(bind: now))
                ON CONFLICT (tenant_id, email) DO UPDATE SET role = excluded.role, state = 'imported', updated_at = excluded.updated_at
                """).run()
            let stored = try await db.sql.raw("SELECT id FROM invitations WHERE tenant_id = \(bind: scope.tenantID) AND email = \(bind: email.value)").first()
            let storedID = try stored?.decode(column: "id", as: UUID.self) ?? id
            try await JobQueue(db: db).enqueue(NewJob(tenantID: scope.tenantID, kind: sendKind,
                                                      payload: #"{"invitation_id":"\#(storedID.uuidString.lowercased())"}"#, maxAttempts: 3,
                                                      uniqueKey: "invitation:\(storedID.uuidString.lowercased())"))
        }
    }

    static let sendKind = "invitations.send"

    /// Sends an onboarding invitation in the name of the account's first owner.
    static let sendHandler = JobHandler(kind: sendKind, retry: RetryPolicy(maxAttempts: 3, baseDelay: 10, maxDelay: 300, jitter: 0.2)) { context in
        guard let tenantID = context.job.tenantID,
              let payload = try? JSONDecoder().decode([String: String].self, from: Data(context.job.payload.utf8)),
              let id = payload["invitation_id"].flatMap(UUID.init(uuidString:)) else {
            throw JobFailure("Sending an invitation needs a tenant and an invitation.")
        }
        let app = context.application
        let scope = TenantScope(tenantID: tenantID)
        try await app.writer.atomically { db in
            guard let invitation = try await find(id, scope: scope, on: db), invitation.state == InvitationState.imported.rawValue else { return }
            let owner = try await db.sql.raw("""
                SELECT u.id, u.name, u.email FROM memberships m JOIN users u ON u.id = m.user_id
                WHERE m.tenant_id = \(bind: tenantID) AND m.role = 'owner' ORDER BY m.created_at LIMIT 1
                """).first()
            try await send(id, email: invitation.email, role: invitation.role, scope: scope,
                           inviter: (try owner?.decode(column: "id", as: UUID.self), try owner?.decode(column: "name", as: String.self) ?? "Your team",
                                     try owner?.decode(column: "email", as: String.self) ?? ""),
                           publicURL: app.onramp.settings.publicURL, now: Date(), on: db)
        }
        try await context.progress(done: 1, total: 1, message: "Invitation sent.")
    }

    @Sendable func create(_ req: Request) async throws -> Response {
        let (scope, principal) = try req.requireTenant(.membersManage)
        let input = try req.decodeJSON(CreateInput.self)
        var errors = FieldErrors()
        let email = EmailAddress(input.email ?? "")
        if email == nil { errors.add("email", "Enter an email address like name@example.com.", code: "invalid_format") }
        let name = input.name.flatMap { $0.trimmingWhitespace().isEmpty ? nil : errors.requireText($0, field: "name", label: "Name", maxLength: 120) }
        let role: Role? = errors.choice(input.role ?? "agent", field: "role", label: "Role")
        if role == .owner { errors.add("role", "Invite people as admin or below; make someone owner once they have joined.", code: "invalid_choice") }
        try errors.check()
        let own = principal.tenant?.role ?? .viewer
        if let role, role > own { throw Problem(.forbidden, "You cannot invite someone with a role above your own (\(own.rawValue)).") }
        if let custom = input.customRoleId,
           try await req.db.sql.raw("SELECT id FROM custom_roles WHERE id = \(bind: custom) AND tenant_id = \(bind: scope.tenantID)").first() == nil {
            throw Problem.validation(ValidationFailure([FieldError(field: "custom_role_id", message: "There is no such custom role in this account.", code: "unknown")]))
        }
        let address = email!.value
        let member = try await req.db.sql.raw("""
            SELECT m.user_id FROM memberships m JOIN users u ON u.id = m.user_id WHERE m.tenant_id = \(bind: scope.tenantID) AND u.email = \(bind: address)
            """).first()
        if member != nil { throw Problem(.conflict, "\(address) is already a member of this account.") }
        let publicURL = req.onramp.settings.publicURL
        let requestID = req.requestID
        let roleValue = role!.rawValue
        let id: UUID = try await req.writer.atomically { db in
            let now = Date()
            let existing = try await db.sql.raw("""
                SELECT id, state, expires_at FROM invitations WHERE tenant_id = \(bind: scope.tenantID) AND email = \(bind: address)
                """).first()
            let id: UUID
            if let existing {
                id = try existing.decode(column: "id", as: UUID.self)
                let state = try existing.decode(column: "state", as: String.self)
                if state == InvitationState.pending.rawValue, (try existing.decode(column: "expires_at", as: Date?.self) ?? .distantPast) > now {
                    throw Problem(.conflict, "\(address) has been invited already; resend the invitation instead.")
                }
                try await db.sql.raw("""
                    UPDATE invitations SET name = COALESCE(\(bind: name), name), role = \(bind: roleValue), custom_role_id = \(bind: input.customRoleId),
                        accepted_at = NULL WHERE id = \(bind: id)
                    """).run()
            } else {
                id = TimeOrderedID.make()
                try await db.sql.raw("""
                    INSERT INTO invitations (id, tenant_id, email, name, role, state, custom_role_id, created_at, updated_at)
                    VALUES (\(bind: id), \(bind: scope.tenantID), \(bind: address), \(bind: name), \(bind: roleValue), 'pending',
                            \(bind: input.customRoleId), \(bind: now), \(bind: now))
                    """).run()
            }
            try await Self.send(id, email: address, role: roleValue, scope: scope, inviter: principal, publicURL: publicURL, now: now, on: db)
            try await AuditLog.record(on: db, tenantID: scope.tenantID, actor: principal.actorLabel, actorUserID: principal.userID,
                                      action: "invitation.created", target: "invitation:\(id)",
                                      change: .init(after: ["email": address, "role": roleValue]), requestID: requestID)
            return id
        }
        guard let invitation = try await Self.find(id, scope: scope, on: req.db) else { throw Problem.notFound("That invitation") }
        return try await invitation.encodeResponse(status: .created, for: req)
    }

    func invitationID(_ req: Request) throws -> UUID {
        guard let raw = req.parameters.get("invitationId"), let id = UUID(uuidString: raw) else { throw Problem.notFound("That invitation") }
        return id
    }

    @Sendable func resend(_ req: Request) async throws -> InvitationDTO {
        let (scope, principal) = try req.requireTenant(.membersManage)
        let id = try invitationID(req)
        guard let invitation = try await Self.find(id, scope: scope, on: req.db) else { throw Problem.notFound("That invitation") }
        if invitation.state == InvitationState.accepted.rawValue {
            throw Problem(.conflict, "\(invitation.email) has accepted this invitation already.")
        }
        let publicURL = req.onramp.settings.publicURL
        let requestID = req.requestID
        try await req.writer.atomically { db in
            try await Self.send(id, email: invitation.email, role: invitation.role, scope: scope, inviter: principal, publicURL: publicURL,
                                now: Date(), on: db)
            try await AuditLog.record(on: db, tenantID: scope.tenantID, actor: principal.actorLabel, actorUserID: principal.userID,
                                      action: "invitation.resent", target: "invitation:\(id)",
                                      change: .init(before: ["state": invitation.state], after: ["state": "pending"]), requestID: requestID)
        }
        guard let updated = try await Self.find(id, scope: scope, on: req.db) else { throw Problem.notFound("That invitation") }
        return updated
    }

    @Sendable func revoke(_ req: Request) async throws -> InvitationDTO {
        let (scope, principal) = try req.requireTenant(.membersManage)
        let id = try invitationID(req)
        guard let invitation = try await Self.find(id, scope: scope, on: req.db) else { throw Problem.notFound("That invitation") }
        if invitation.state == InvitationState.accepted.rawValue {
            throw Problem(.conflict, "\(invitation.email) has accepted this invitation already; change their role or remove them instead.")
        }
        let requestID = req.requestID
        try await req.writer.atomically { db in
            try await db.sql.raw("""
                UPDATE invitations SET state = 'revoked', updated_at = \(bind: Date())
                WHERE id = \(bind: id) AND tenant_id = \(bind: scope.tenantID)
                """).run()
            try await AuditLog.record(on: db, tenantID: scope.tenantID, actor: principal.actorLabel, actorUserID: principal.userID,
                                      action: "invitation.revoked", target: "invitation:\(id)",
                                      change: .init(before: ["state": invitation.state], after: ["state": "revoked"]), requestID: requestID)
        }
        guard let updated = try await Self.find(id, scope: scope, on: req.db) else { throw Problem.notFound("That invitation") }
        return updated
    }

    // MARK: The recipient's side (no sign-in)

    struct Found {
        let id: UUID
        let tenantID: UUID
        let tenantName: String
        let email: String
        let name: String?
        let role: Role
        let customRoleID: UUID?
        let verdict: InvitationToken.Verdict
        let state: String
        let expiresAt: Date?
    }

    /// The invitation a link's token names, with what it allows now. Unknown, malformed and
    /// used-up tokens look alike to the caller only in that none of them can be accepted.
    static func lookup(token raw: String?, on db: any Database, now: Date) async throws -> Found? {
        guard let token = InvitationToken((raw ?? "").trimmingWhitespace()),
              let row = try await db.sql.raw("""
                SELECT i.id, i.tenant_id, i.email, i.name, i.role, i.custom_role_id, i.state, i.expires_at, t.name AS tenant_name
                FROM invitations i JOIN tenants t ON t.id = i.tenant_id WHERE i.token_hash = \(bind: token.hash)
                """).first() else { return nil }
        let state = InvitationState(rawValue: try row.decode(column: "state", as: String.self))
        let expires = try row.decode(column: "expires_at", as: Date?.self)
        return Found(id: try row.decode(column: "id", as: UUID.self), tenantID: try row.decode(column: "tenant_id", as: UUID.self),
                     tenantName: try row.decode(column: "tenant_name", as: String.self), email: try row.decode(column: "email", as: String.self),
                     name: try row.decode(column: "name", as: String?.self),
                     role: Role(rawValue: try row.decode(column: "role", as: String.self)) ?? .agent,
                     customRoleID: try row.decode(column: "custom_role_id", as: UUID?.self),
                     verdict: InvitationToken.verdict(state: state, expiresAt: expires, now: now),
                     state: state?.rawValue ?? "unknown", expiresAt: expires)
    }

    @Sendable func lookup(_ req: Request) async throws -> InvitationInfo {
        let input = try req.decodeJSON(AcceptInput.self)
        guard let found = try await Self.lookup(token: input.token, on: req.db, now: Date()) else {
            throw Problem.notFound("That invitation link")
        }
        let hasAccount = try await User.query(on: req.db).filter(\.$email == found.email).first() != nil
        return InvitationInfo(email: found.email, name: found.name, tenantName: found.tenantName, role: found.role.rawValue,
                              state: found.verdict == .expired ? "expired" : found.state, message: found.verdict.message,
                              expiresAt: found.expiresAt, hasAccount: hasAccount)
    }

    @Sendable func accept(_ req: Request) async throws -> Response {
        let input = try req.decodeJSON(AcceptInput.self)
        // Limited per address and per link, as log-ins are (a guessed password on an existing account).
        try req.onramp.loginLimiter.check(ip: req.clientIP, email: "invitation:" + String((input.token ?? "").prefix(24)))
        guard let found = try await Self.lookup(token: input.token, on: req.db, now: Date()) else {
            throw Problem.notFound("That invitation link")
        }
        switch found.verdict {
        case .usable: break
        case .used: throw Problem(.conflict, found.verdict.message)
        case .expired, .revoked: throw Problem(.gone, found.verdict.message)
        case .unknown: throw Problem.notFound("That invitation link")
        }
        let existing = try await User.query(on: req.db).filter(\.$email == found.email).first()
        var errors = FieldErrors()
        let password = input.password ?? ""
        var passwordHash: String?
        var name = found.name ?? ""
        if let existing {
            // Someone with an account proves it is theirs with its password.
            guard try await req.password.async.verify(password, created: existing.passwordHash) else {
                throw Problem(.unauthenticated, "\(found.email) already has an Onramp account; enter its password to join \(found.tenantName).")
            }
        } else {
            name = errors.requireText(input.name ?? found.name, field: "name", label: "Your name", maxLength: 120) ?? ""
            for problem in PasswordPolicy.problems(with: password, personalWords: [found.email, name]) {
                errors.add(problem.field, problem.message, code: problem.code)
            }
            try errors.check()
            passwordHash = try await req.password.async.hash(password)
        }
        let requestID = req.requestID
        let hash = passwordHash
        let newName = name
        let existingID = try existing?.requireID()
        let (userID, session) = try await req.writer.atomically { db in
            // Used up inside the same transaction that uses it: a second accept finds nothing to take.
            let taken = try await db.sql.raw("""
                UPDATE invitations SET state = 'accepted', accepted_at = \(bind: Date()), updated_at = \(bind: Date())
                WHERE id = \(bind: found.id) AND state = 'pending' RETURNING id
                """).first()
            guard taken != nil else { throw Problem(.conflict, InvitationToken.Verdict.used.message) }
            let userID: UUID
            if let existingID {
                userID = existingID
            } else {
                let user = User(email: found.email, name: newName, passwordHash: hash!)
                try await user.create(on: db)
                userID = try user.requireID()
            }
            let membership = Membership(tenantID: found.tenantID, userID: userID, role: found.role)
            membership.customRoleID = found.customRoleID
            try await membership.create(on: db)
            try await AuditLog.record(on: db, tenantID: found.tenantID, actor: "user:\(found.email)", actorUserID: userID,
                                      action: "member.added", target: "user:\(userID)",
                                      change: .init(after: ["email": found.email, "role": found.role.rawValue, "via": "invitation:\(found.id)"]),
                                      requestID: requestID)
            return (userID, try await WebSessions.start(userID: userID, tenantID: found.tenantID, on: db))
        }
        let csrf = SecretDigest.randomToken()
        let response = try await Accepted(userId: userID, tenantId: found.tenantID, tenantName: found.tenantName, email: found.email,
                                          role: found.role.rawValue, csrfToken: csrf).encodeResponse(status: .created, for: req)
        WebSessions.attach(secret: session, csrf: csrf, to: response, secure: req.onramp.settings.servesTLS)
        return response
    }
}

// MARK: - API schemas

extension InvitationsController.InvitationDTO: APISchema {
    static let schemaName = "Invitation"
    static var schema: JSONValue {
        Schema.object([
            "id": Schemas.uuid, "email": Schema.string(), "name": Schema.string(nullable: true), "role": Schemas.role,
            "custom_role_id": Schema.string(format: "uuid", nullable: true),
            "state": Schema.string(enumeration: InvitationState.allCases.map(\.rawValue)),
            "expires_at": Schemas.nullableDateTime, "sent_at": Schemas.nullableDateTime, "send_count": Schema.integer(minimum: 0),
            "accepted_at": Schemas.nullableDateTime, "created_at": Schemas.dateTime,
        ], required: ["id", "email", "role", "state", "send_count", "created_at"])
    }
    static var example: Self {
        Self(id: APIExample.id("0193a460-c2d3-7e4f-9a5b-6c7d8e9fa0b1"), email: "erik.holm@northwind.example", name: "Erik Holm",
             role: Role.agent.rawValue, customRoleId: nil, state: InvitationState.pending.rawValue,
             expiresAt: APIExample.date("2026-03-09T10:15:00Z"), sentAt: APIExample.date("2026-03-02T10:15:00Z"), sendCount: 1,
             acceptedAt: nil, createdAt: APIExample.date("2026-03-02T10:15:00Z"))
    }
}

extension InvitationsController.InvitationPage: APISchema {
    static let schemaName = "InvitationPage"
    static var schema: JSONValue {
        Schema.object(["items": Schema.array(Schemas.ref(InvitationsController.InvitationDTO.self))], required: ["items"])
    }
    static var example: Self { Self(items: [.example]) }
}

extension InvitationsController.CreateInput: APISchema {
    static let schemaName = "CreateInvitationRequest"
    static var schema: JSONValue {
        Schema.object([
            "email": Schema.string(format: "email", maxLength: 254), "name": Schema.string(nullable: true),
            "role": Schema.string(enumeration: Role.allCases.filter { $0 != .owner }.map(\.rawValue), nullable: true),
            "custom_role_id": Schema.string(format: "uuid", nullable: true),
        ], required: ["email"])
    }
    static var example: Self { Self(email: "erik.holm@northwind.example", name: "Erik Holm", role: Role.agent.rawValue, customRoleId: nil) }
}

extension InvitationsController {
    /// The body of getInvitationByToken: the link's token (read as an `AcceptInput` without the
    /// other members).
    struct TokenInput: APISchema {
        var token: String?

        static let schemaName = "InvitationTokenRequest"
        static var schema: JSONValue {
            Schema.object(["token": Schema.string("The token from the invitation link (inv_…).")], required: ["token"])
        }
        static var example: Self { Self(token: "inv_Hq3vN8wK2pX7rT5mZ9cB4dF6gJ1s") }
    }
}

extension InvitationsController.InvitationInfo: APISchema {
    static let schemaName = "InvitationInfo"
    static var schema: JSONValue {
        Schema.object([
            "email": Schema.string(), "name": Schema.string(nullable: true), "tenant_name": Schema.string(), "role": Schemas.role,
            "state": Schema.string(enumeration: InvitationState.allCases.map(\.rawValue) + ["expired", "unknown"]),
            "message": Schema.string(), "expires_at": Schemas.nullableDateTime, "has_account": Schema.boolean,
        ], required: ["email", "tenant_name", "role", "state", "message", "has_account"])
    }
    static var example: Self {
        Self(email: "erik.holm@northwind.example", name: "Erik Holm", tenantName: "Northwind Outfitters", role: Role.agent.rawValue,
             state: InvitationState.pending.rawValue, message: "Maya Lindqvist invited you to join Northwind Outfitters as an agent.",
             expiresAt: APIExample.date("2026-03-09T10:15:00Z"), hasAccount: false)
    }
}

extension InvitationsController.AcceptInput: APISchema {
    static let schemaName = "AcceptInvitationRequest"
    static var schema: JSONValue {
        Schema.object([
            "token": Schema.string("The token from the invitation link (inv_…)."),
            "name": Schema.string("Your name (for a new account).", nullable: true),
            "password": Schema.string("A new password (12 characters or more), or the existing account's password."),
        ], required: ["token", "password"])
    }
    static var example: Self {
        Self(token: InvitationsController.TokenInput.example.token, name: "Erik Holm", password: "juniper-quartz-meadow-7")
    }
}

extension InvitationsController.Accepted: APISchema {
    static let schemaName = "AcceptedInvitation"
    static var schema: JSONValue {
        Schema.object([
            "user_id": Schemas.uuid, "tenant_id": Schemas.uuid, "tenant_name": Schema.string(), "email": Schema.string(), "role": Schemas.role,
            "csrf_token": Schema.string(),
        ], required: ["user_id", "tenant_id", "tenant_name", "email", "role", "csrf_token"])
    }
    static var example: Self {
        Self(userId: APIExample.id("0193a461-d3e4-7f5a-8b6c-7d8e9fa0b1c2"), tenantId: AuthController.CurrentUserResponse.TenantInfo.example.id,
             tenantName: "Northwind Outfitters", email: "erik.holm@northwind.example", role: Role.agent.rawValue,
             csrfToken: "5e8d2c7a9b1f4e3d6a0c8b2f7e5d9a1c")
    }
}
