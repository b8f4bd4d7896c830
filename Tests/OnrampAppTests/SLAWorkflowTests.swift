import Fluent
import Foundation
@testable import OnrampApp
import OnrampDomain
import SQLKit
import Testing
import VaporTesting

/// Business calendars, SLA policies, each ticket's SLA state and the checks that fire warnings,
/// breaches and escalations; routing rules applied on ticket events; automatic assignment.
@Suite("SLAs and workflows")
struct SLAWorkflowTests {
    func post(_ app: Application, _ path: String, _ headers: HTTPHeaders, _ body: [String: Any]) async throws -> TestingHTTPResponse {
        try await app.testing().sendRequest(.POST, path, headers: headers + .json, body: .json(body))
    }

    func created(_ response: TestingHTTPResponse) throws -> [String: Any] {
        try #require(response.status == .created, "\(response.body.string)")
        return try response.jsonObject()
    }

    func jobs(_ app: Application, kind: String, tenant: UUID) async throws -> [(payload: String, runAt: Date)] {
        try await app.db.sql.raw("""
            SELECT payload, run_at FROM jobs WHERE kind = \(bind: kind) AND tenant_id = \(bind: tenant) ORDER BY run_at, created_at
            """).all().map { (try $0.decode(column: "payload", as: String.self), try $0.decode(column: "run_at", as: Date.self)) }
    }

    func mails(_ app: Application, tenant: UUID) async throws -> [Outbox.Mail] {
        try await jobs(app, kind: Outbox.kind, tenant: tenant).map { try JSONDecoder().decode(Outbox.Mail.self, from: Data($0.payload.utf8)) }
    }

    static var gold: [String: Any] { [
        "name": "Gold", "position": 1, "calendar_hours": true, "warning_minutes": 15,
        "conditions": ["priorities": ["urgent", "high"]],
        "targets": ["urgent": ["first_response_minutes": 60, "resolution_minutes": 480], "high": ["first_response_minutes": 120]],
        "escalation": [["after_minutes": 30, "notify": ["role:admin"]], ["after_minutes": 120, "notify": ["boss@example.com", "assignee"]]],
    ] }

    @Test func calendarsAreCreatedListedAndRefusedWithEveryReason() async throws {
        try await withOnrampApp { app in
            let account = try await app.signUp()
            let berlin = try created(try await post(app, "/api/v1/business-calendars", account.bearer, [
                "name": "Berlin office", "time_zone": "Europe/Berlin",
                "hours": ["mon": "09:00-17:00", "tue": "09:00-12:00, 13:00-17:00", "fri": "22:00-06:00"], "holidays": ["12-25", "2026-12-31"],
            ]))
            #expect(berlin["is_default"] as? Bool == true, "the first calendar is the default")
            #expect((berlin["hours"] as? [String: String])?["tue"] == "09:00-12:00, 13:00-17:00")
            #expect((berlin["hours"] as? [String: String])?["sat"] == "closed")
            #expect(berlin["holidays"] as? [String] == ["12-25", "2026-12-31"])
            let always = try created(try await post(app, "/api/v1/business-calendars", account.bearer, [
                "name": "Around the clock", "time_zone": "UTC", "calendar_hours": true,
            ]))
            #expect(always["is_default"] as? Bool == false)
            #expect(always["calendar_hours"] as? Bool == true)
            #expect(always["time_zone"] as? String == "UTC")
            let list = try await app.testing().sendRequest(.GET, "/api/v1/business-calendars", headers: account.bearer).jsonObject()
            #expect((list["items"] as? [[String: Any]])?.map { $0["name"] as? String } == ["Berlin office", "Around the clock"])

            let bad = try await post(app, "/api/v1/business-calendars", account.bearer, [
                "name": " ", "time_zone": "Mars/Olympus", "hours": ["mon": "9 to 5", "funday": "10:00-11:00"], "holidays": ["Christmas"],
            ])
            let problem = try bad.expectProblem(.unprocessableEntity)
            let fields = Set((problem["errors"] as? [[String: Any]] ?? []).compactMap { $0["field"] as? String })
            #expect(fields == ["name", "time_zone", "hours.mon", "hours.funday", "holidays[0]"])
            let duplicate = try await post(app, "/api/v1/business-calendars", account.bearer, ["name": "berlin OFFICE", "time_zone": "UTC",
                                                                                              "hours": ["mon": "09:00-17:00"]])
            try duplicate.expectProblem(.conflict)
            let agent = try await app.addMember(to: account, role: .agent)
            let refused = try await post(app, "/api/v1/business-calendars", ["Authorization": "Bearer \(agent)"], ["name": "Mine", "time_zone": "UTC"])
            try refused.expectProblem(.forbidden)
        }
    }

    @Test func policiesAreValidatedAndListedInOrder() async throws {
        try await withOnrampApp { app in
            let account = try await app.signUp()
            let gold = try created(try await post(app, "/api/v1/sla-policies", account.bearer, Self.gold))
            #expect(gold["name"] as? String == "Gold")
            #expect(((gold["targets"] as? [String: Any])?["urgent"] as? [String: Any])?["first_response_minutes"] as? Int == 60)
            #expect((gold["paused_statuses"] as? [String: [String]])?["resolution"]?.sorted() == ["on_hold", "pending"])
            #expect((gold["escalation"] as? [[String: Any]])?.count == 2)
            _ = try created(try await post(app, "/api/v1/sla-policies", account.bearer, [
                "name": "Standard", "position": 0, "targets": ["normal": ["first_response_minutes": 240]],
            ]))
            let list = try await app.testing().sendRequest(.GET, "/api/v1/sla-policies", headers: account.bearer).jsonObject()
            #expect((list["items"] as? [[String: Any]])?.map { $0["name"] as? String } == ["Standard", "Gold"])

            let bad = try await post(app, "/api/v1/sla-policies", account.bearer, [
                "name": "Broken", "targets": ["urgent": ["first_response_minutes": 0]], "warning_minutes": 20_000,
                "calendar_id": UUID().uuidString,
                "escalation": [["after_minutes": 60, "notify": ["role:admin"]], ["after_minutes": 30, "notify": []]],
            ])
            let problem = try bad.expectProblem(.unprocessableEntity)
            let fields = Set((problem["errors"] as? [[String: Any]] ?? []).compactMap { $0["field"] as? String })
            #expect(fields == ["targets.urgent.first_response_minutes", "warning_minutes", "calendar_id", "escalation[1].after_minutes",
                               "escalation[1].notify"])
            let unreadable = try await post(app, "/api/v1/sla-policies", account.bearer, ["name": "X", "targets": ["asap": [:]]])
            let unread = try unreadable.expectProblem(.unprocessableEntity)
            #expect((unread["errors"] as? [[String: Any]])?.first?["field"] as? String == "policy")
            let noRecipient = try await post(app, "/api/v1/sla-policies", account.bearer, [
                "name": "Y", "targets": ["low": ["resolution_minutes": 10]], "escalation": [["after_minutes": 1, "notify": ["the manager"]]],
            ])
            try noRecipient.expectProblem(.unprocessableEntity)
            try (try await post(app, "/api/v1/sla-policies", account.bearer, Self.gold)).expectProblem(.conflict)
        }
    }

    @Test func aTicketCarriesItsSLAStateAndChecksFireWarningBreachAndEscalationsOnce() async throws {
        try await withOnrampApp { app in
            let account = try await app.signUp()
            let admin = try await app.addMember(to: account, role: .admin)
            _ = admin
            _ = try created(try await post(app, "/api/v1/sla-policies", account.bearer, Self.gold))
            let ticket = try created(try await post(app, "/api/v1/tickets", account.bearer, [
                "subject": "Site down", "body": "Everything is on fire", "priority": "urgent", "requester": ["email": "cat@example.com"],
            ]))
            let id = try #require(UUID(uuidString: ticket["id"] as? String ?? ""))
            let sla = try #require(ticket["sla"] as? [String: Any])
            #expect(sla["policy_name"] as? String == "Gold")
            let metrics = try #require(sla["metrics"] as? [[String: Any]])
            #expect(metrics.map { $0["metric"] as? String } == ["first_response", "resolution"])
            #expect(metrics.allSatisfy { $0["state"] as? String == "active" })
            let createdAt = try #require(ISO8601DateFormatter().date(from: ticket["created_at"] as? String ?? ""))
            let due = try #require(ISO8601DateFormatter().date(from: metrics[0]["due_at"] as? String ?? ""))
            #expect(abs(due.timeIntervalSince(createdAt) - 3600) < 1.5)

            // The first check is scheduled for the first warning: 15 minutes before the first response is due.
            let checks = try await jobs(app, kind: SLAMonitor.checkKind, tenant: account.tenantID)
            #expect(checks.count == 1)
            #expect(abs((checks.first?.runAt ?? .distantPast).timeIntervalSince(createdAt) - 45 * 60) < 1.5)

            let scope = TenantScope(tenantID: account.tenantID)
            func check(after minutes: Double) async throws -> [String] {
                try await app.writer.atomically { db in
                    try await SLAMonitor.check(ticket: id, scope: scope, now: createdAt.addingTimeInterval(minutes * 60), on: db)
                }
            }
            #expect(try await check(after: 10) == [])
            #expect(try await check(after: 46) == ["first_response:warning"])
            #expect(try await check(after: 47) == [], "a warning is sent once")
            #expect(try await check(after: 61) == ["first_response:breach"])
            #expect(try await check(after: 92) == ["first_response:escalation-1"])
            #expect(try await check(after: 181) == ["first_response:escalation-2"])
            #expect(try await check(after: 200) == [])

            let sent = try await mails(app, tenant: account.tenantID)
            // Warnings and breaches go to the assignee (none yet) and supervisors and up: the owner and the admin.
            #expect(sent.filter { $0.kind == "sla_warning" }.count == 2)
            #expect(sent.filter { $0.kind == "sla_breach" }.count == 2)
            #expect(sent.filter { $0.kind == "sla_escalation" }.map(\.to).contains("boss@example.com"))
            #expect(sent.filter { $0.kind == "sla_escalation" }.count == 3, "level 1: owner and admin; level 2: the boss (no assignee)")
            #expect(sent.first { $0.kind == "sla_breach" }?.subject == "[#1] SLA breach: Site down")

            // The reply (now, within the hour: the checks above looked ahead) achieves first response.
            let reply = try await post(app, "/api/v1/tickets/\(id)/messages", account.bearer, ["body": "Looking into it"])
            let after = try created(reply)
            let first = try #require(((after["sla"] as? [String: Any])?["metrics"] as? [[String: Any]])?.first)
            #expect(first["state"] as? String == "achieved")
            #expect(first["achieved_at"] is String)
            #expect(first["due_at"] == nil || first["due_at"] is NSNull)
            #expect(after["status"] as? String == "open")

            // Pending pauses resolution.
            let pending = try await app.testing().sendRequest(.PATCH, "/api/v1/tickets/\(id)", headers: account.bearer + .json,
                                                              body: .json(["status": "pending"])).jsonObject()
            let resolution = try #require(((pending["sla"] as? [String: Any])?["metrics"] as? [[String: Any]])?.last)
            #expect(resolution["metric"] as? String == "resolution")
            #expect(resolution["state"] as? String == "paused")
        }
    }

    @Test func rulesFireOnTicketEventsAndTheirActionsAreApplied() async throws {
        try await withOnrampApp { app in
            let account = try await app.signUp()
            _ = try created(try await post(app, "/api/v1/sla-policies", account.bearer, Self.gold))
            _ = try created(try await post(app, "/api/v1/routing-rules", account.bearer, [
                "name": "Invoices to billing", "events": ["ticket_created"],
                "conditions": ["any": [["field": "ticket.subject", "op": "contains", "value": "invoice"]]],
                "actions": [
                    ["type": "assign_team", "team": "Billing"], ["type": "set_priority", "priority": "high"],
                    ["type": "add_tag", "tag": "billing"], ["type": "add_internal_note", "text": "Billing handles invoices."],
                    ["type": "apply_sla_policy", "policy": "gold"], ["type": "notify_email", "person": "lead@example.com"],
                    ["type": "send_webhook", "url": "https://hooks.example.com/onramp"],
                ],
            ]))
            _ = try created(try await post(app, "/api/v1/routing-rules", account.bearer, [
                "name": "Customer replies reopen", "events": ["message_created"], "position": 5,
                "conditions": ["all": [["field": "message.body", "op": "contains", "value": "escalate"]]],
                "actions": [["type": "set_priority", "priority": "urgent"], ["type": "remove_tag", "tag": "billing"]],
            ]))
            let ticket = try created(try await post(app, "/api/v1/tickets", account.bearer, [
                "subject": "Wrong INVOICE amount", "body": "Please fix", "requester": ["email": "dan@example.com"],
            ]))
            #expect(ticket["team"] as? String == "Billing")
            #expect(ticket["priority"] as? String == "high")
            #expect(ticket["tags"] as? [String] == ["billing"])
            let messages = try #require(ticket["messages"] as? [[String: Any]])
            #expect(messages.contains { $0["visibility"] as? String == "internal" && $0["body"] as? String == "Billing handles invoices."
                && $0["author"] as? String == "Automation" })
            #expect((ticket["sla"] as? [String: Any])?["policy_name"] as? String == "Gold")
            #expect(try await mails(app, tenant: account.tenantID).map(\.to) == ["lead@example.com"])
            let hooks = try await jobs(app, kind: WebhookJob.kind, tenant: account.tenantID)
            let hook = try JSONDecoder().decode(WebhookJob.Payload.self, from: Data(try #require(hooks.first).payload.utf8))
            #expect(hook.url == "https://hooks.example.com/onramp")
            #expect(hook.body.contains(#""event":"ticket_created""#) && hook.body.contains(#""subject":"Wrong INVOICE amount""#))
            let signature = WebhookJob.signature(of: hook.body, tenantID: account.tenantID, box: app.onramp.secretBox)
            #expect(signature.hasPrefix("sha256=") && signature.count == 71)
            #expect(signature != WebhookJob.signature(of: hook.body, tenantID: UUID(), box: app.onramp.secretBox))

            // Another subject: the first rule does not fire.
            let other = try created(try await post(app, "/api/v1/tickets", account.bearer, ["subject": "Login fails", "body": "Help"]))
            #expect(other["team"] == nil || other["team"] is NSNull)
            #expect(other["tags"] as? [String] == [])

            // A message event: the second rule fires on the reply's words.
            let id = try #require(ticket["id"] as? String)
            let reply = try created(try await post(app, "/api/v1/tickets/\(id)/messages", account.bearer,
                                                   ["body": "I will escalate this", "visibility": "internal"]))
            #expect(reply["priority"] as? String == "urgent")
            #expect(reply["tags"] as? [String] == [])
        }
    }

    @Test func rulesAssignAnAgentByEmailSetTheStatusAndNotifyATeam() async throws {
        try await withOnrampApp { app in
            let account = try await app.signUp()
            let agentToken = try await app.addMember(to: account, role: .agent)
            let agents = try await app.testing().sendRequest(.GET, "/api/v1/agents", headers: account.bearer).jsonObject()
            let agent = try #require((agents["items"] as? [[String: Any]])?.first { $0["role"] as? String == "agent" })
            let agentEmail = try #require(agent["email"] as? String)
            let agentID = try #require(agent["user_id"] as? String)
            #expect(try await putProfile(app, agentToken, agentID, ["teams": ["VIP"]]).status == .ok)
            _ = try created(try await post(app, "/api/v1/routing-rules", account.bearer, [
                "name": "VIPs", "events": ["ticket_created"],
                "conditions": ["all": [["field": "contact.email", "op": "contains", "value": "@vip.example"]]],
                "actions": [["type": "assign_agent", "agent": agentEmail.uppercased()], ["type": "set_status", "status": "pending"],
                            ["type": "notify_email", "team": "vip"]],
            ]))
            _ = try created(try await post(app, "/api/v1/routing-rules", account.bearer, [
                "name": "Ghost", "events": ["ticket_created"], "position": 9,
                "conditions": ["all": [["field": "ticket.subject", "op": "contains", "value": "ghost"]]],
                "actions": [["type": "assign_agent", "agent": "nobody@example.com"], ["type": "apply_sla_policy", "policy": "Missing"]],
            ]))
            let ticket = try created(try await post(app, "/api/v1/tickets", account.bearer, [
                "subject": "Hello", "body": "Hi", "requester": ["email": "ceo@vip.example"],
            ]))
            #expect((ticket["assignee_id"] as? String)?.lowercased() == agentID.lowercased())
            #expect(ticket["status"] as? String == "pending")
            #expect(try await mails(app, tenant: account.tenantID).map(\.to) == [agentEmail], "the team's members are notified")
            // Rules that name what does not exist say so in an internal note and change nothing.
            let ghost = try created(try await post(app, "/api/v1/tickets", account.bearer, ["subject": "A ghost", "body": "Boo"]))
            #expect(ghost["assignee_id"] == nil || ghost["assignee_id"] is NSNull)
            let messages = try #require(ghost["messages"] as? [[String: Any]])
            let notes: [String] = messages.compactMap { message in
                (message["visibility"] as? String) == "internal" ? message["body"] as? String : nil
            }
            #expect(notes.count == 2, "\(messages)")
            #expect(notes.contains { $0.contains("nobody@example.com") } && notes.contains { $0.contains("Missing") })
        }
    }

    @Test func aRevisedRuleAppliesFromTheNextEvent() async throws {
        try await withOnrampApp { app in
            let account = try await app.signUp()
            let rule = try created(try await post(app, "/api/v1/routing-rules", account.bearer, [
                "name": "Tagger", "events": ["ticket_created"], "actions": [["type": "add_tag", "tag": "first"]],
            ]))
            let id = try #require(rule["id"] as? String)
            #expect(try created(try await post(app, "/api/v1/tickets", account.bearer, ["subject": "One", "body": "x"]))["tags"] as? [String] == ["first"])
            let revised = try await app.testing().sendRequest(.PUT, "/api/v1/routing-rules/\(id)", headers: account.bearer + .json, body: .json([
                "name": "Tagger", "events": ["ticket_created"], "actions": [["type": "add_tag", "tag": "second"]],
            ]))
            #expect(revised.status == .ok)
            #expect(try created(try await post(app, "/api/v1/tickets", account.bearer, ["subject": "Two", "body": "x"]))["tags"] as? [String] == ["second"])
            _ = try created(try await post(app, "/api/v1/routing-rules", account.bearer, [
                "name": "Another", "events": ["ticket_created"], "position": 5, "actions": [["type": "add_tag", "tag": "third"]],
            ]))
            #expect(try created(try await post(app, "/api/v1/tickets", account.bearer, ["subject": "Three", "body": "x"]))["tags"] as? [String]
                == ["second", "third"])
        }
    }

    func putProfile(_ app: Application, _ token: String, _ userID: String, _ body: [String: Any]) async throws -> TestingHTTPResponse {
        try await app.testing().sendRequest(.PUT, "/api/v1/agents/\(userID)/profile", headers: ["Authorization": "Bearer \(token)"] + .json,
                                            body: .json(body))
    }

    @Test func ticketsOfATeamGoToEligibleAgentsOrWaitWithTheReason() async throws {
        try await withOnrampApp { app in
            let account = try await app.signUp()
            let agentToken = try await app.addMember(to: account, role: .agent)
            let agents = try await app.testing().sendRequest(.GET, "/api/v1/agents", headers: account.bearer).jsonObject()
            let items = try #require(agents["items"] as? [[String: Any]])
            #expect(items.count == 2)
            let agent = try #require(items.first { $0["role"] as? String == "agent" })
            let agentID = try #require(agent["user_id"] as? String)
            #expect(agent["availability"] as? String == "offline")

            // An agent edits their own profile; not someone else's.
            let mine = try await putProfile(app, agentToken, agentID, [
                "skills": ["billing": 3], "languages": ["EN", "de"], "time_zone": "Europe/Berlin", "capacity": 1,
                "teams": ["Billing"], "availability": "online",
            ])
            #expect(mine.status == .ok, "\(mine.body.string)")
            let profile = try #require(try mine.jsonObject()["profile"] as? [String: Any])
            #expect(profile["languages"] as? [String] == ["en", "de"])
            try (try await putProfile(app, agentToken, account.userID.uuidString, ["capacity": 3])).expectProblem(.forbidden)
            let invalid = try await putProfile(app, account.apiToken, agentID, [
                "skills": ["billing": 9], "time_zone": "Nowhere", "working_hours": ["mon": "late"], "capacity": -1, "availability": "asleep",
            ])
            let problem = try invalid.expectProblem(.unprocessableEntity)
            let fields = Set((problem["errors"] as? [[String: Any]] ?? []).compactMap { $0["field"] as? String })
            #expect(fields == ["availability", "time_zone", "working_hours.mon", "skills.billing", "capacity"])

            let first = try created(try await post(app, "/api/v1/tickets", account.bearer, ["subject": "Refund", "body": "Please", "team": "Billing"]))
            #expect((first["assignee_id"] as? String)?.lowercased() == agentID.lowercased())
            let second = try created(try await post(app, "/api/v1/tickets", account.bearer, ["subject": "Refund 2", "body": "Please", "team": "billing"]))
            #expect(second["assignee_id"] == nil || second["assignee_id"] is NSNull)
            let reason = try #require(second["queue_reason"] as? String)
            #expect(reason.contains("at capacity (1 of 1)"), "\(reason)")
            let list = try await app.testing().sendRequest(.GET, "/api/v1/agents", headers: account.bearer).jsonObject()
            #expect((list["items"] as? [[String: Any]])?.first { $0["user_id"] as? String == agentID }?["open_tickets"] as? Int == 1)
        }
    }

    @Test func roundRobinGivesTicketsInTurnWhateverTheLoad() async throws {
        try await withOnrampApp { app in
            let account = try await app.signUp()
            var ids: [String] = []
            for _ in 0..<2 {
                let token = try await app.addMember(to: account, role: .agent)
                let me = try await app.testing().sendRequest(.GET, "/api/v1/me", headers: ["Authorization": "Bearer \(token)"]).jsonObject()
                let id = try #require((me["user"] as? [String: Any])?["id"] as? String)
                #expect(try await putProfile(app, token, id, ["teams": ["Desk"], "availability": "online", "capacity": 10]).status == .ok)
                ids.append(id.lowercased())
            }
            let settings = try await app.testing().sendRequest(.GET, "/api/v1/assignment-settings", headers: account.bearer).jsonObject()
            #expect(settings["strategy"] as? String == "least_loaded")
            // The first agent already carries two open tickets, assigned by hand.
            for subject in ["Old 1", "Old 2"] {
                let ticket = try created(try await post(app, "/api/v1/tickets", account.bearer, ["subject": subject, "body": "x"]))
                let id = try #require(ticket["id"] as? String)
                _ = try await app.testing().sendRequest(.PATCH, "/api/v1/tickets/\(id)", headers: account.bearer + .json,
                                                        body: .json(["assignee_id": ids[0]]))
            }
            func assignee(_ subject: String) async throws -> String? {
                let ticket = try created(try await post(app, "/api/v1/tickets", account.bearer, ["subject": subject, "body": "x", "team": "Desk"]))
                return (ticket["assignee_id"] as? String)?.lowercased()
            }
            // Least loaded: the second agent, twice.
            #expect(try await assignee("A") == ids[1])
            #expect(try await assignee("B") == ids[1])
            let bad = try await app.testing().sendRequest(.PUT, "/api/v1/assignment-settings", headers: account.bearer + .json,
                                                          body: .json(["strategy": "random"]))
            try bad.expectProblem(.unprocessableEntity)
            let changed = try await app.testing().sendRequest(.PUT, "/api/v1/assignment-settings", headers: account.bearer + .json,
                                                              body: .json(["strategy": "round_robin"]))
            #expect(try changed.jsonObject()["strategy"] as? String == "round_robin")
            // In turn: after the second agent (assigned last) comes the first, though it has more open tickets, then the second again.
            let turns = [try await assignee("C"), try await assignee("D"), try await assignee("E")]
            #expect(turns == [ids[0], ids[1], ids[0]])
        }
    }

    @Test func lightAgentsWriteNotesOnlyAndCustomRolesGrantTheirPermissions() async throws {
        try await withOnrampApp { app in
            let account = try await app.signUp()
            let ticket = try created(try await post(app, "/api/v1/tickets", account.bearer, ["subject": "Question", "body": "Hi"]))
            let id = try #require(ticket["id"] as? String)
            let light = try await app.addMember(to: account, role: .lightAgent)
            let note = try await post(app, "/api/v1/tickets/\(id)/messages", ["Authorization": "Bearer \(light)"], ["body": "FYI", "visibility": "internal"])
            #expect(note.status == .created)
            let reply = try await post(app, "/api/v1/tickets/\(id)/messages", ["Authorization": "Bearer \(light)"], ["body": "Hello customer"])
            try reply.expectProblem(.forbidden)

            let roles = try await app.testing().sendRequest(.GET, "/api/v1/roles", headers: account.bearer).jsonObject()
            #expect((roles["items"] as? [[String: Any]])?.compactMap { $0["id"] as? String }.prefix(6) ==
                ["owner", "admin", "supervisor", "agent", "light_agent", "viewer"])
            let grantable = try #require(roles["grantable_permissions"] as? [String])
            #expect(grantable.contains("tickets.assign") && !grantable.contains("billing.manage") && !grantable.contains("platform.operate"))
            let role = try created(try await post(app, "/api/v1/roles", account.bearer, [
                "name": "Billing lead", "permissions": ["tenant.read", "tickets.read", "tickets.note", "tickets.write", "tickets.assign"],
            ]))
            let roleID = try #require(role["id"] as? String)
            let refused = try await post(app, "/api/v1/roles", account.bearer, ["name": "Agent", "permissions": ["platform.operate", "nope"]])
            let problem = try refused.expectProblem(.unprocessableEntity)
            #expect((problem["errors"] as? [[String: Any]])?.count == 3)

            // The agent becomes a Billing lead: now they may assign.
            let agent = try await app.addMember(to: account, role: .agent)
            let assign = { () async throws -> TestingHTTPResponse in
                try await app.testing().sendRequest(.PATCH, "/api/v1/tickets/\(id)", headers: ["Authorization": "Bearer \(agent)"] + .json,
                                                    body: .json(["assignee_id": account.userID.uuidString]))
            }
            try (try await assign()).expectProblem(.forbidden)
            let agents = try await app.testing().sendRequest(.GET, "/api/v1/agents", headers: account.bearer).jsonObject()
            let agentID = try #require((agents["items"] as? [[String: Any]])?.first { $0["role"] as? String == "agent" }?["user_id"] as? String)
            let changed = try await app.testing().sendRequest(.PUT, "/api/v1/agents/\(agentID)/role", headers: account.bearer + .json,
                                                              body: .json(["custom_role_id": roleID]))
            #expect(changed.status == .ok, "\(changed.body.string)")
            #expect((try changed.jsonObject()["custom_role"] as? [String: Any])?["name"] as? String == "Billing lead")
            #expect((try await assign()).status == .ok)
            // The only owner cannot be demoted.
            let demote = try await app.testing().sendRequest(.PUT, "/api/v1/agents/\(account.userID.uuidString)/role", headers: account.bearer + .json,
                                                             body: .json(["role": "agent"]))
            try demote.expectProblem(.conflict)
            let audit = try await app.db.sql.raw("""
                SELECT action FROM audit_events WHERE tenant_id = \(bind: account.tenantID) AND action IN ('custom_role.created', 'member.role_changed')
                """).all()
            #expect(audit.count == 2)
        }
    }
}
