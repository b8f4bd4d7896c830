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

    static func dto(_ invitation: TeamStore.Invitation) -> InvitationDTO {
        InvitationDTO(id: invitation.id, email: invitation.email, name: invitation.name, role: invitation.role,
                      customRoleId: invitation.customRoleId, state: invitation.state, expiresAt: invitation.expiresAt,
                      sentAt: invitation.sentAt, sendCount: invitation.sendCount, acceptedAt: invitation.acceptedAt,
                      createdAt: invitation.createdAt)
    }

    static func find(_ id: UUID, scope: TenantScope, on db: any Database) async throws -> InvitationDTO? {
        try await TeamStore(db: db).invitation(scope, id: id).map(dto)
    }

    struct ListQuery: Decodable { var state: String? }

    @Sendable func list(_ req: Request) async throws -> InvitationPage {
        let (scope, _) = try req.requireTenant(.membersRead)
        let state = try req.query.decode(ListQuery.self).state
        if let state, !(InvitationState.allCases.map(\.rawValue) + ["expired"]).contains(state) {
            throw Problem.validation(ValidationFailure([FieldError(field: "state", message: "State is one of imported, pending, accepted, revoked or expired.",
                                                                   code: "invalid_choice")]))
        }
        let filter: TeamStore.InvitationFilter = switch state {
        case "expired": .expired
        case "pending": .live
        case let state?: .state(state)
        case nil: .all
        }
        return InvitationPage(items: try await TeamStore(db: req.db).invitations(scope, filter, now: Date()).map(Self.dto))
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
        let team = TeamStore(db: req.db)
        if let custom = input.customRoleId, try await team.customRole(scope, id: custom) == nil {
            throw Problem.validation(ValidationFailure([FieldError(field: "custom_role_id", message: "There is no such custom role in this account.", code: "unknown")]))
        }
        let address = email!.value
        if try await team.isMember(scope, email: address) { throw Problem(.conflict, "\(address) is already a member of this account.") }
        let publicURL = req.onramp.settings.publicURL
        let requestID = req.requestID
        let roleValue = role!.rawValue
        let id: UUID = try await req.writer.atomically { db in
            let now = Date()
            let store = TeamStore(db: db)
            let id: UUID
            if let existing = try await store.invitation(scope, email: address) {
                id = existing.id
                if existing.state == InvitationState.pending.rawValue, (existing.expiresAt ?? .distantPast) > now {
                    throw Problem(.conflict, "\(address) has been invited already; resend the invitation instead.")
                }
                try await store.reinvite(scope, id: id, name: name, role: roleValue, customRole: input.customRoleId)
            } else {
                id = TimeOrderedID.make()
                try await store.addInvitation(scope, id: id, email: address, name: name, role: roleValue, customRole: input.customRoleId, at: now)
            }
            try await Invitations.send(id, email: address, role: roleValue, scope: scope, inviter: principal, publicURL: publicURL, now: now, on: db)
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
            try await Invitations.send(id, email: invitation.email, role: invitation.role, scope: scope, inviter: principal, publicURL: publicURL,
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
            try await TeamStore(db: db).revokeInvitation(scope, id: id, at: Date())
            try await AuditLog.record(on: db, tenantID: scope.tenantID, actor: principal.actorLabel, actorUserID: principal.userID,
                                      action: "invitation.revoked", target: "invitation:\(id)",
                                      change: .init(before: ["state": invitation.state], after: ["state": "revoked"]), requestID: requestID)
        }
        guard let updated = try await Self.find(id, scope: scope, on: req.db) else { throw Problem.notFound("That invitation") }
        return updated
    }

    // MARK: The recipient's side (no sign-in)

    @Sendable func lookup(_ req: Request) async throws -> InvitationInfo {
        let input = try req.decodeJSON(AcceptInput.self)
        guard let found = try await Invitations.lookup(token: input.token, on: req.db, now: Date()) else {
            throw Problem.notFound("That invitation link")
        }
        let hasAccount = try await UserRepository(db: req.db).find(email: found.email) != nil
        return InvitationInfo(email: found.email, name: found.name, tenantName: found.tenantName, role: found.role.rawValue,
                              state: found.verdict == .expired ? "expired" : found.state, message: found.verdict.message,
                              expiresAt: found.expiresAt, hasAccount: hasAccount)
    }

    @Sendable func accept(_ req: Request) async throws -> Response {
        let input = try req.decodeJSON(AcceptInput.self)
        // Limited per address and per link, as log-ins are (a guessed password on an existing account).
        try req.onramp.loginLimiter.check(ip: req.clientIP, email: "invitation:" + String((input.token ?? "").prefix(24)))
        guard let found = try await Invitations.lookup(token: input.token, on: req.db, now: Date()) else {
            throw Problem.notFound("That invitation link")
        }
        switch found.verdict {
        case .usable: break
        case .used: throw Problem(.conflict, found.verdict.message)
        case .expired, .revoked: throw Problem(.gone, found.verdict.message)
        case .unknown: throw Problem.notFound("That invitation link")
        }
        let existing = try await UserRepository(db: req.db).find(email: found.email)
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
            let store = TeamStore(db: db)
            let scope = TenantScope(tenantID: found.tenantID)
            guard try await store.takeInvitation(scope, id: found.id, at: Date()) else { throw Problem(.conflict, InvitationToken.Verdict.used.message) }
            let userID: UUID
            if let existingID {
                userID = existingID
            } else {
                let user = User(email: found.email, name: newName, passwordHash: hash!)
                try await user.create(on: db)
                userID = try user.requireID()
            }
            try await store.addMember(scope, user: userID, role: found.role, customRole: found.customRoleID)
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
