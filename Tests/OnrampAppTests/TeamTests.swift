import Fluent
import Foundation
@testable import OnrampApp
import OnrampDomain
import SQLKit
import Testing
import VaporTesting

/// Invitations (link in the mail, single use, expiry, resend, revoke), the team dashboard,
/// the training sandbox and workflow templates.
@Suite("Team")
struct TeamTests {
    func post(_ app: Application, _ path: String, _ headers: HTTPHeaders, _ body: [String: Any]) async throws -> TestingHTTPResponse {
        try await app.testing().sendRequest(.POST, path, headers: headers + .json, body: .json(body))
    }

    /// The invitation mails queued for `email`, newest last.
    func invitationMails(_ app: Application, tenant: UUID, to email: String) async throws -> [Outbox.Mail] {
        try await app.db.sql.raw("""
            SELECT payload FROM jobs WHERE kind = \(bind: Outbox.kind) AND tenant_id = \(bind: tenant) ORDER BY created_at, id
            """).all().map { try JSONDecoder().decode(Outbox.Mail.self, from: Data(try $0.decode(column: "payload", as: String.self).utf8)) }
            .filter { $0.to == email && $0.kind == "invitation" }
    }

    func token(in mail: Outbox.Mail) throws -> String {
        let range = try #require(mail.body.range(of: #"token=inv_[0-9A-Za-z]{40}"#, options: .regularExpression))
        return String(mail.body[range].dropFirst("token=".count))
    }

    @Test func anInvitationIsMailedWithALinkThatWorksOnceAndSignsTheNewMemberIn() async throws {
        try await withOnrampApp { app in
            let account = try await app.signUp(organization: "Acme Support")
            let created = try await post(app, "/api/v1/invitations", account.bearer, ["email": " Nora@Example.com ", "role": "supervisor"])
            #expect(created.status == .created, "\(created.body.string)")
            let invitation = try created.jsonObject()
            #expect(invitation["email"] as? String == "nora@example.com")
            #expect(invitation["state"] as? String == "pending")
            #expect(invitation["send_count"] as? Int == 1)
            let mail = try #require(try await invitationMails(app, tenant: account.tenantID, to: "nora@example.com").last)
            #expect(mail.subject == "Olive Owner invited you to Acme Support on Onramp")
            #expect(mail.body.contains("as a supervisor"))
            #expect(mail.body.contains("http://localhost:8080/invitations/accept?token=inv_"))
            let token = try token(in: mail)
            // Only the hash is stored.
            let stored = try await app.db.sql.raw("SELECT token_hash FROM invitations WHERE email = 'nora@example.com'").first()
            #expect(try stored?.decode(column: "token_hash", as: String.self) == SecretDigest.sha256Hex(token))

            let info = try await post(app, "/api/v1/invitation-links/lookup", [:], ["token": token]).jsonObject()
            #expect(info["tenant_name"] as? String == "Acme Support")
            #expect(info["state"] as? String == "pending")
            #expect(info["has_account"] as? Bool == false)

            let weak = try await post(app, "/api/v1/invitation-links/accept", [:], ["token": token, "name": "Nora", "password": "short"])
            try weak.expectProblem(.unprocessableEntity)
            let accepted = try await post(app, "/api/v1/invitation-links/accept", [:], ["token": token, "name": "Nora North", "password": strongPassword])
            #expect(accepted.status == .created, "\(accepted.body.string)")
            #expect(try accepted.jsonObject()["role"] as? String == "supervisor")
            let session = try #require(accepted.cookie("onramp_session"))
            let me = try await app.testing().sendRequest(.GET, "/api/v1/me", headers: ["Cookie": "onramp_session=\(session)"]).jsonObject()
            #expect((me["user"] as? [String: Any])?["email"] as? String == "nora@example.com")

            // The link works once, and says so afterwards.
            let again = try await post(app, "/api/v1/invitation-links/accept", [:], ["token": token, "name": "Nora", "password": strongPassword])
            #expect((try again.expectProblem(.conflict)["detail"] as? String)?.contains("already been accepted") == true)
            let page = try await app.testing().sendRequest(.GET, "/invitations/accept?token=\(token)")
            #expect(page.status == .conflict)
            #expect(page.body.string.contains("already been accepted"))
            let list = try await app.testing().sendRequest(.GET, "/api/v1/invitations?state=accepted", headers: account.bearer).jsonObject()
            #expect((list["items"] as? [[String: Any]])?.map { $0["email"] as? String } == ["nora@example.com"])
            // Inviting a member again is a conflict.
            try (try await post(app, "/api/v1/invitations", account.bearer, ["email": "nora@example.com", "role": "agent"])).expectProblem(.conflict)
        }
    }

    @Test func resendReplacesTheLinkRevokeEndsItAndExpiredLinksSaySo() async throws {
        try await withOnrampApp { app in
            let account = try await app.signUp()
            let invitation = try await post(app, "/api/v1/invitations", account.bearer, ["email": "max@example.com", "role": "agent"]).jsonObject()
            let id = try #require(invitation["id"] as? String)
            let first = try token(in: try #require(try await invitationMails(app, tenant: account.tenantID, to: "max@example.com").last))
            try (try await post(app, "/api/v1/invitations", account.bearer, ["email": "max@example.com"])).expectProblem(.conflict)

            let resent = try await post(app, "/api/v1/invitations/\(id)/resend", account.bearer, [:]).jsonObject()
            #expect(resent["send_count"] as? Int == 2)
            let second = try token(in: try #require(try await invitationMails(app, tenant: account.tenantID, to: "max@example.com").last))
            #expect(first != second)
            try (try await post(app, "/api/v1/invitation-links/lookup", [:], ["token": first])).expectProblem(.notFound)

            // Expired: the link says so and cannot be used.
            try await app.db.sql.raw("UPDATE invitations SET expires_at = \(bind: Date().addingTimeInterval(-60)) WHERE id = \(bind: UUID(uuidString: id)!)").run()
            let info = try await post(app, "/api/v1/invitation-links/lookup", [:], ["token": second]).jsonObject()
            #expect(info["state"] as? String == "expired")
            #expect((info["message"] as? String)?.contains("expired") == true)
            let late = try await post(app, "/api/v1/invitation-links/accept", [:], ["token": second, "name": "Max", "password": strongPassword])
            try late.expectProblem(.gone)
            let expired = try await app.testing().sendRequest(.GET, "/api/v1/invitations?state=expired", headers: account.bearer).jsonObject()
            #expect((expired["items"] as? [[String: Any]])?.count == 1)

            let third = try await post(app, "/api/v1/invitations/\(id)/resend", account.bearer, [:])
            #expect(third.status == .ok)
            let fresh = try token(in: try #require(try await invitationMails(app, tenant: account.tenantID, to: "max@example.com").last))
            let revoked = try await app.testing().sendRequest(.DELETE, "/api/v1/invitations/\(id)", headers: account.bearer)
            #expect(try revoked.jsonObject()["state"] as? String == "revoked")
            let withdrawn = try await post(app, "/api/v1/invitation-links/accept", [:], ["token": fresh, "password": strongPassword])
            #expect((try withdrawn.expectProblem(.gone)["detail"] as? String)?.contains("withdrawn") == true)
            #expect(try await app.testing().sendRequest(.GET, "/invitations/accept?token=inv_unknown").status == .notFound)

            // Only member managers invite; nobody invites above their role.
            let agent = try await app.addMember(to: account, role: .agent)
            try (try await post(app, "/api/v1/invitations", ["Authorization": "Bearer \(agent)"], ["email": "x@example.com"])).expectProblem(.forbidden)
            try (try await post(app, "/api/v1/invitations", account.bearer, ["email": "boss@example.com", "role": "owner"]))
                .expectProblem(.unprocessableEntity)
            let audit = try await app.db.sql.raw("""
                SELECT action FROM audit_events WHERE tenant_id = \(bind: account.tenantID) AND action LIKE 'invitation.%' ORDER BY occurred_at, id
                """).all().map { try $0.decode(column: "action", as: String.self) }
            #expect(audit == ["invitation.created", "invitation.resent", "invitation.resent", "invitation.revoked"])
        }
    }

    @Test func someoneWithAnAccountJoinsWithTheirOwnPassword() async throws {
        try await withOnrampApp { app in
            let other = try await app.signUp(organization: "Other Co", email: "pat@example.com")
            _ = other
            let account = try await app.signUp(organization: "Acme Support")
            _ = try await post(app, "/api/v1/invitations", account.bearer, ["email": "pat@example.com", "role": "light_agent"])
            let token = try token(in: try #require(try await invitationMails(app, tenant: account.tenantID, to: "pat@example.com").last))
            let wrong = try await post(app, "/api/v1/invitation-links/accept", [:], ["token": token, "password": "not the password at all"])
            try wrong.expectProblem(.unauthorized)
            let joined = try await post(app, "/api/v1/invitation-links/accept", [:], ["token": token, "password": strongPassword])
            #expect(joined.status == .created)
            let members = try await app.db.sql.raw("""
                SELECT m.role FROM memberships m JOIN users u ON u.id = m.user_id WHERE u.email = 'pat@example.com' ORDER BY m.created_at
                """).all().map { try $0.decode(column: "role", as: String.self) }
            #expect(members == ["owner", "light_agent"])
        }
    }

    @Test func theDashboardMeasuresEachAgentOverThePeriod() async throws {
        try await withOnrampApp { app in
            let account = try await app.signUp()
            _ = try await post(app, "/api/v1/sla-policies", account.bearer, ["name": "All", "calendar_hours": true,
                                                                           "targets": ["normal": ["first_response_minutes": 60]]])
            var ids: [String] = []
            for subject in ["One", "Two", "Three"] {
                let ticket = try await post(app, "/api/v1/tickets", account.bearer, ["subject": subject, "body": "Hi"]).jsonObject()
                ids.append(try #require(ticket["id"] as? String))
            }
            for id in ids.prefix(2) {
                _ = try await app.testing().sendRequest(.PATCH, "/api/v1/tickets/\(id)", headers: account.bearer + .json,
                                                        body: .json(["assignee_id": account.userID.uuidString]))
            }
            // Backdate: ticket one was answered after 10 minutes and solved after 2 hours; ticket two after 30 minutes.
            let created = Date().addingTimeInterval(-86_400)
            for (index, id) in ids.enumerated() {
                try await app.db.sql.raw("UPDATE tickets SET created_at = \(bind: created) WHERE id = \(bind: UUID(uuidString: id)!)").run()
                try await app.db.sql.raw("UPDATE ticket_events SET at = \(bind: created) WHERE ticket_id = \(bind: UUID(uuidString: id)!)").run()
                _ = index
            }
            _ = try await post(app, "/api/v1/tickets/\(ids[0])/messages", account.bearer, ["body": "On it"])
            _ = try await post(app, "/api/v1/tickets/\(ids[1])/messages", account.bearer, ["body": "On it"])
            try await app.db.sql.raw("""
                UPDATE tickets SET first_response_at = \(bind: created.addingTimeInterval(600)), status = 'resolved',
                    solved_at = \(bind: created.addingTimeInterval(7200)) WHERE id = \(bind: UUID(uuidString: ids[0])!)
                """).run()
            try await app.db.sql.raw("UPDATE tickets SET first_response_at = \(bind: created.addingTimeInterval(1800)) WHERE id = \(bind: UUID(uuidString: ids[1])!)").run()

            let dashboard = try await app.testing().sendRequest(.GET, "/api/v1/team/dashboard", headers: account.bearer).jsonObject()
            let team = try #require(dashboard["team"] as? [String: Any])
            #expect(team["tickets_received"] as? Int == 3)
            #expect(team["tickets_solved"] as? Int == 1)
            #expect(team["open_tickets"] as? Int == 2)
            #expect(team["median_first_response_minutes"] as? Double == 20)
            #expect(team["median_resolution_minutes"] as? Double == 120)
            // The replies came a day after creation (the events were backdated): both first responses missed their hour,
            // and the third ticket, unanswered for a day, is breached too.
            #expect(team["sla_measured"] as? Int == 3)
            #expect(team["sla_attainment"] as? Double == 0)
            let owner = try #require((dashboard["agents"] as? [[String: Any]])?.first { $0["email"] as? String == account.email })
            #expect(owner["open_tickets"] as? Int == 1)
            #expect(owner["tickets_received"] as? Int == 2)
            #expect(owner["median_first_response_minutes"] as? Double == 20)

            let empty = try await app.testing().sendRequest(.GET, "/api/v1/team/dashboard?from=2020-01-01&to=2020-02-01", headers: account.bearer).jsonObject()
            #expect((empty["team"] as? [String: Any])?["tickets_received"] as? Int == 0)
            let bad = try await app.testing().sendRequest(.GET, "/api/v1/team/dashboard?from=yesterday&to=2020-01-01", headers: account.bearer)
            try bad.expectProblem(.unprocessableEntity)
            let agent = try await app.addMember(to: account, role: .agent)
            try (try await app.testing().sendRequest(.GET, "/api/v1/team/dashboard", headers: ["Authorization": "Bearer \(agent)"]))
                .expectProblem(.forbidden)
        }
    }

    @Test func theSandboxClonesTheConfigurationSendsNothingAndResets() async throws {
        try await withOnrampApp { app in
            let account = try await app.signUp()
            _ = try await post(app, "/api/v1/sla-policies", account.bearer, ["name": "Gold", "targets": ["urgent": ["first_response_minutes": 30]],
                                                                           "escalation": [["after_minutes": 0, "notify": ["lead@example.com"]]]])
            _ = try await post(app, "/api/v1/routing-rules", account.bearer, [
                "name": "Tell the lead", "events": ["ticket_created"],
                "actions": [["type": "notify_email", "person": "lead@example.com"], ["type": "add_tag", "tag": "seen"],
                            ["type": "send_webhook", "url": "https://hooks.example.com/x"]],
            ])
            let created = try await post(app, "/api/v1/sandbox", account.bearer, [:])
            #expect(created.status == .created, "\(created.body.string)")
            let sandbox = try created.jsonObject()
            let sandboxID = try #require(UUID(uuidString: sandbox["tenant_id"] as? String ?? ""))
            #expect(sandbox["practice_tickets"] as? Int == SandboxController.practiceCount)
            try (try await post(app, "/api/v1/sandbox", account.bearer, [:])).expectProblem(.conflict)

            // Configuration was copied; the practice tickets ran through the rules; nothing was queued to be sent.
            let rules = try await app.db.sql.raw("SELECT definition FROM routing_rules WHERE tenant_id = \(bind: sandboxID)").all()
            #expect(rules.count == 1)
            let tagged = try await app.db.sql.raw("SELECT COUNT(*) AS n FROM tickets WHERE tenant_id = \(bind: sandboxID) AND tags LIKE '%seen%'").first()
            #expect(try tagged?.decode(column: "n", as: Int.self) == SandboxController.practiceCount)
            let outgoing = try await app.db.sql.raw("""
                SELECT COUNT(*) AS n FROM jobs WHERE tenant_id = \(bind: sandboxID) AND kind IN ('mail.send', 'webhooks.send')
                """).first()
            #expect(try outgoing?.decode(column: "n", as: Int.self) == 0)
            let suppressed = try await app.db.sql.raw("""
                SELECT COUNT(*) AS n FROM ticket_events WHERE tenant_id = \(bind: sandboxID) AND kind = 'suppressed'
                """).first()
            #expect(try suppressed?.decode(column: "n", as: Int.self) == 2 * SandboxController.practiceCount)
            let requesters = try await app.db.sql.raw("SELECT email FROM contacts WHERE tenant_id = \(bind: sandboxID)").all()
                .map { try $0.decode(column: "email", as: String.self) }
            #expect(requesters.allSatisfy { $0.hasSuffix("@practice.invalid") })

            // The owner switches the browser session into the sandbox and works there.
            let switched = try await post(app, "/api/v1/me/tenant", account.browser, ["tenant_id": sandboxID.uuidString])
            #expect(switched.status == .noContent)
            let inside = try await app.testing().sendRequest(.GET, "/api/v1/tickets", headers: account.browser).jsonObject()
            #expect((inside["items"] as? [[String: Any]])?.count == SandboxController.practiceCount)
            let ticketID = try #require((inside["items"] as? [[String: Any]])?.first?["id"] as? String)
            _ = try await app.testing().sendRequest(.PATCH, "/api/v1/tickets/\(ticketID)", headers: account.browser + .json,
                                                    body: .json(["status": "closed"]))
            try (try await post(app, "/api/v1/me/tenant", account.bearer, ["tenant_id": sandboxID.uuidString])).expectProblem(.conflict)
            try (try await post(app, "/api/v1/me/tenant", account.browser, ["tenant_id": UUID().uuidString])).expectProblem(.notFound)

            // Reset from inside: fresh tickets, none closed.
            let reset = try await post(app, "/api/v1/sandbox/reset", account.browser, [:])
            #expect(reset.status == .ok, "\(reset.body.string)")
            let closed = try await app.db.sql.raw("SELECT COUNT(*) AS n FROM tickets WHERE tenant_id = \(bind: sandboxID) AND status = 'closed'").first()
            #expect(try closed?.decode(column: "n", as: Int.self) == 0)
            let total = try await app.db.sql.raw("SELECT COUNT(*) AS n FROM tickets WHERE tenant_id = \(bind: sandboxID)").first()
            #expect(try total?.decode(column: "n", as: Int.self) == SandboxController.practiceCount)
            // The real account is untouched.
            let real = try await app.testing().sendRequest(.GET, "/api/v1/tickets", headers: account.bearer).jsonObject()
            #expect((real["items"] as? [[String: Any]])?.count == 0)
        }
    }

    @Test func aWorkflowTemplateInstallsInOneCallAndTwiceChangesNothing() async throws {
        try await withOnrampApp { app in
            let account = try await app.signUp()
            let first = try await post(app, "/api/v1/templates/ecommerce/workflows", account.bearer, ["time_zone": "Europe/Berlin"])
            #expect(first.status == .ok, "\(first.body.string)")
            let installed = try first.jsonObject()
            #expect(installed["calendar"] as? String == "E-commerce hours")
            #expect(installed["sla_policy"] as? String == "E-commerce SLA")
            #expect(installed["rules_created"] as? [String] == ["Refunds to billing", "Where is my order"])
            #expect((installed["not_converted"] as? [String])?.contains { $0.contains("suggest article") } == true)
            let again = try await post(app, "/api/v1/templates/ecommerce/workflows", account.bearer, [:]).jsonObject()
            #expect((again["rules_created"] as? [String])?.isEmpty == true)
            #expect((again["skipped"] as? [String])?.count == 4, "the calendar, the policy and both rules: \(again)")
            let ticket = try await post(app, "/api/v1/tickets", account.bearer, ["subject": "I want a refund", "body": "Broken"]).jsonObject()
            #expect(ticket["team"] as? String == "Billing")
            #expect((ticket["sla"] as? [String: Any])?["policy_name"] as? String == "E-commerce SLA")
            try (try await post(app, "/api/v1/templates/nope/workflows", account.bearer, [:])).expectProblem(.notFound)
            try (try await post(app, "/api/v1/templates/saas/workflows", account.bearer, ["time_zone": "Mars"])).expectProblem(.unprocessableEntity)
        }
    }
}
