import Fluent
import Foundation
@testable import OnrampApp
import OnrampDomain
import Testing
import VaporTesting

@Suite("Routing rules API")
struct RoutingRulesAPITests {
    let urgent: [String: Any] = [
        "name": "Urgent billing", "position": 1, "events": ["ticket_created"],
        "conditions": ["all": [["field": "ticket.priority", "op": "equal", "value": "urgent"]],
                       "any": [["field": "message.body", "op": "contains", "value": "invoice"],
                               ["field": "ticket.subject", "op": "contains", "value": "refund"]]],
        "actions": [["type": "assign_team", "team": "Billing"], ["type": "add_tag", "tag": "money"]],
        "stop_processing": true,
    ]

    @Test func rulesAreCreatedListedRevisedAndDryRunOnATicket() async throws {
        try await withOnrampApp { app in
            let account = try await app.signUp()
            let created = try await app.testing().sendRequest(.POST, "/api/v1/routing-rules", headers: account.bearer + .json, body: .json(urgent))
            #expect(created.status == .created, "\(created.body.string)")
            let rule = try created.jsonObject()
            let id = try #require(rule["id"] as? String)
            #expect(rule["version"] as? Int == 1)
            #expect(rule["stop_processing"] as? Bool == true)
            let later = try await app.testing().sendRequest(.POST, "/api/v1/routing-rules", headers: account.bearer + .json, body: .json([
                "name": "Tag everything", "position": 5, "events": ["ticket_created"], "actions": [["type": "add_tag", "tag": "seen"]],
            ]))
            #expect(later.status == .created)
            let first = try await app.testing().sendRequest(.POST, "/api/v1/routing-rules", headers: account.bearer + .json, body: .json([
                "name": "Chat is fast", "position": 0, "events": ["ticket_created"],
                "conditions": ["all": [["field": "ticket.channel", "op": "equal", "value": "chat"]]],
                "actions": [["type": "set_priority", "priority": "high"]],
            ]))
            #expect(first.status == .created)
            let list = try await app.testing().sendRequest(.GET, "/api/v1/routing-rules", headers: account.bearer).jsonObject()
            #expect((list["items"] as? [[String: Any]])?.map { $0["name"] as? String } == ["Chat is fast", "Urgent billing", "Tag everything"])

            let ticket = try await app.testing().sendRequest(.POST, "/api/v1/tickets", headers: account.bearer + .json, body: .json([
                "subject": "Question", "body": "My INVOICE is wrong", "priority": "urgent", "channel": "email",
            ])).jsonObject()
            let ticketID = try #require(ticket["id"] as? String)
            let dry = try await app.testing().sendRequest(.POST, "/api/v1/tickets/\(ticketID)/routing-dry-run", headers: account.bearer)
            #expect(dry.status == .ok, "\(dry.body.string)")
            let result = try dry.jsonObject()
            #expect((result["fired_rule_ids"] as? [String])?.map { $0.lowercased() } == [id.lowercased()])
            #expect((result["actions"] as? [[String: Any]])?.map { $0["type"] as? String } == ["assign_team", "add_tag"])
            let trace = try #require(result["trace"] as? [[String: Any]])
            #expect(trace.map { $0["outcome"] as? String } == ["skipped", "fired", "skipped"])
            #expect((trace[0]["reason"] as? String)?.contains("ticket.channel") == true, "\(trace[0])")
            #expect((trace[2]["reason"] as? String)?.contains("stops processing") == true, "\(trace[2])")

            // A revision is the next version, and audited.
            var revised = urgent
            revised["name"] = "Urgent billing (v2)"
            let updated = try await app.testing().sendRequest(.PUT, "/api/v1/routing-rules/\(id)", headers: account.bearer + .json, body: .json(revised))
            #expect(updated.status == .ok, "\(updated.body.string)")
            #expect(try updated.jsonObject()["version"] as? Int == 2)
            let actions = try await AuditEvent.query(on: app.db).filter(\.$tenantID == account.tenantID).all().map(\.action)
            #expect(actions.filter { $0 == "routing_rule.created" }.count == 3)
            #expect(actions.contains("routing_rule.updated"))
        }
    }

    @Test func badRulesAreRefusedWithReadableReasonsAndOnlyAdminsWriteThem() async throws {
        try await withOnrampApp { app in
            let account = try await app.signUp()
            let bad = try await app.testing().sendRequest(.POST, "/api/v1/routing-rules", headers: account.bearer + .json, body: .json([
                "name": "", "events": [], "conditions": ["all": [["field": "ticket.colour", "op": "equal", "value": "red"],
                                                                 ["field": "ticket.priority", "op": "contains", "value": "urgent"]]],
                "actions": [["type": "send_webhook", "url": "http://example.com/hook"]],
            ]))
            let problem = try bad.expectProblem(.unprocessableEntity)
            let messages = (problem["errors"] as? [[String: Any]] ?? []).compactMap { $0["message"] as? String }.joined(separator: " | ")
            #expect(messages.contains("name"))
            #expect(messages.contains("ticket.colour"))
            #expect(messages.contains("https"))
            #expect(messages.contains("at least one event"))
            let unreadable = try await app.testing().sendRequest(.POST, "/api/v1/routing-rules", headers: account.bearer + .json, body: .json([
                "name": "x", "actions": [["type": "teleport"]],
            ]))
            try unreadable.expectProblem(.unprocessableEntity)
            let agent = try await app.addMember(to: account, role: .agent)
            let refused = try await app.testing().sendRequest(.POST, "/api/v1/routing-rules", headers: ["Authorization": "Bearer \(agent)"] + .json,
                                                              body: .json(urgent))
            try refused.expectProblem(.forbidden)
            let missing = try await app.testing().sendRequest(.POST, "/api/v1/tickets/\(UUID().uuidString)/routing-dry-run",
                                                              headers: account.bearer + .json, body: .json(["event": "message_created"]))
            try missing.expectProblem(.notFound)
        }
    }
}
