import Fluent
import Foundation
import OnrampDomain
import Vapor

/// Sending invitations and reading their links, for the invitations API, onboarding activation
/// (which invites the `team` step's people) and the invitation page.
enum Invitations {
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
        try await TeamStore(db: db).issueLink(scope, id: id, tokenHash: token.hash, expires: expires, invitedBy: inviter.id, at: now)
        let tenant = try await TenantRepository(db: db).nameAndKind(scope)
        let tenantName = tenant?.name ?? "your team"
        // A training sandbox never writes to real people.
        guard tenant?.isSandbox != true else { return }
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
            let team = TeamStore(db: db)
            guard try await !team.isMemberOrInvited(scope, email: email.value) else { continue }
            let storedID = try await team.recordInvitation(scope, email: email.value, name: member["name"]?.stringValue, role: role, at: now)
            try await JobQueue(db: db).enqueue(JobKinds.invitationSend, SendPayload(invitationID: storedID.uuidString.lowercased()),
                                               tenantID: scope.tenantID, uniqueKey: "invitation:\(storedID.uuidString.lowercased())")
        }
    }

    /// The invitation an `invitations.send` job sends.
    struct SendPayload: Codable, Sendable {
        let invitationID: String
        enum CodingKeys: String, CodingKey { case invitationID = "invitation_id" }
    }

    /// Sends an onboarding invitation in the name of the account's first owner.
    static let sendHandler = JobKinds.invitationSend.handler(unreadable: "Sending an invitation needs a tenant and an invitation.") { context, payload in
        guard let tenantID = context.job.tenantID, let id = UUID(uuidString: payload.invitationID) else {
            throw JobFailure("Sending an invitation needs a tenant and an invitation.")
        }
        let app = context.application
        let scope = TenantScope(tenantID: tenantID)
        try await app.writer.atomically { db in
            guard let invitation = try await TeamStore(db: db).invitation(scope, id: id), invitation.state == InvitationState.imported.rawValue else { return }
            let owner = try await TeamStore(db: db).firstOwner(scope)
            try await send(id, email: invitation.email, role: invitation.role, scope: scope,
                           inviter: (owner?.id, owner?.name ?? "Your team", owner?.email ?? ""),
                           publicURL: app.onramp.settings.publicURL, now: Date(), on: db)
        }
        try await context.progress(done: 1, total: 1, message: "Invitation sent.")
    }

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
              let row = try await TeamStore.invitation(linkHash: token.hash, on: db) else { return nil }
        let state = InvitationState(rawValue: row.state)
        let expires = row.expiresAt
        return Found(id: row.id, tenantID: row.tenantId, tenantName: row.tenantName, email: row.email, name: row.name,
                     role: Role(rawValue: row.role) ?? .agent, customRoleID: row.customRoleId,
                     verdict: InvitationToken.verdict(state: state, expiresAt: expires, now: now),
                     state: state?.rawValue ?? "unknown", expiresAt: expires)
    }
}
