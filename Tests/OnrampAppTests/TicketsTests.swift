import Fluent
import Foundation
@testable import OnrampApp
import OnrampDomain
import SQLKit
import Testing
import VaporTesting

@Suite("Tickets")
struct TicketsTests {
    func create(_ app: Application, _ account: TestAccount, _ body: [String: Any]) async throws -> [String: Any] {
        let response = try await app.testing().sendRequest(.POST, "/api/v1/tickets", headers: account.bearer + .json, body: .json(body))
        try #require(response.status == .created, "\(response.body.string)")
        return try response.jsonObject()
    }

    @Test func aTicketIsCreatedWithItsRequesterAndFirstMessageThenListedAndFiltered() async throws {
        try await withOnrampApp { app in
            let account = try await app.signUp()
            let first = try await create(app, account, [
                "subject": "Printer on fire", "body": "It started\nthis morning.", "priority": "urgent", "channel": "email",
                "requester": ["email": " Sam@Example.com ", "name": "Sam"], "tags": ["Hardware", "hardware", "fire"],
                "custom_fields": ["floor": "3"], "team": "Facilities",
            ])
            #expect(first["number"] as? Int == 1)
            #expect(first["status"] as? String == "new")
            #expect(first["tags"] as? [String] == ["hardware", "fire"])
            #expect((first["requester"] as? [String: Any])?["email"] as? String == "sam@example.com")
            let messages = try #require(first["messages"] as? [[String: Any]])
            #expect(messages.count == 1)
            #expect(messages[0]["body"] as? String == "It started\nthis morning.")
            #expect(messages[0]["from_customer"] as? Bool == true)
            #expect(messages[0]["author"] as? String == "Sam")
            // The same requester again is the same contact.
            let second = try await create(app, account, ["subject": "Another one", "body": "Hi", "requester": ["email": "sam@example.com"]])
            #expect((second["requester"] as? [String: Any])?["id"] as? String == (first["requester"] as? [String: Any])?["id"] as? String)
            _ = try await create(app, account, ["subject": "Invoice question", "body": "Hello", "priority": "low"])

            let all = try await app.testing().sendRequest(.GET, "/api/v1/tickets", headers: account.bearer).jsonObject()
            #expect((all["items"] as? [[String: Any]])?.map { $0["number"] as? Int } == [3, 2, 1])
            let urgent = try await app.testing().sendRequest(.GET, "/api/v1/tickets?priority=urgent", headers: account.bearer).jsonObject()
            #expect((urgent["items"] as? [[String: Any]])?.map { $0["subject"] as? String } == ["Printer on fire"])
            let search = try await app.testing().sendRequest(.GET, "/api/v1/tickets?q=INVOICE", headers: account.bearer).jsonObject()
            #expect((search["items"] as? [[String: Any]])?.count == 1)
            let page = try await app.testing().sendRequest(.GET, "/api/v1/tickets?limit=2", headers: account.bearer).jsonObject()
            #expect((page["items"] as? [[String: Any]])?.count == 2)
            let next = try #require(page["next_before"] as? Int)
            let rest = try await app.testing().sendRequest(.GET, "/api/v1/tickets?limit=2&before=\(next)", headers: account.bearer).jsonObject()
            #expect((rest["items"] as? [[String: Any]])?.map { $0["number"] as? Int } == [1])
            #expect(rest["next_before"] == nil || rest["next_before"] is NSNull)
            let bad = try await app.testing().sendRequest(.GET, "/api/v1/tickets?status=asleep&limit=0", headers: account.bearer)
            let problem = try bad.expectProblem(.unprocessableEntity)
            #expect((problem["errors"] as? [[String: Any]])?.count == 2)
        }
    }

    @Test func badTicketsAreRefusedWithEveryReason() async throws {
        try await withOnrampApp { app in
            let account = try await app.signUp()
            let response = try await app.testing().sendRequest(.POST, "/api/v1/tickets", headers: account.bearer + .json, body: .json([
                "subject": "  ", "body": "x\u{0}y", "priority": "asap", "channel": "pigeon", "requester": ["email": "nope"], "tags": ["two words"],
            ]))
            let problem = try response.expectProblem(.unprocessableEntity)
            let fields = Set((problem["errors"] as? [[String: Any]] ?? []).compactMap { $0["field"] as? String })
            #expect(fields == ["subject", "body", "priority", "channel", "requester.email", "tags"])
            let viewer = try await app.addMember(to: account, role: .viewer)
            let refused = try await app.testing().sendRequest(.POST, "/api/v1/tickets", headers: ["Authorization": "Bearer \(viewer)"] + .json,
                                                              body: .json(["subject": "S", "body": "B"]))
            try refused.expectProblem(.forbidden)
        }
    }

    @Test func statusChangesFollowTheRulesAndRepliesAreRecorded() async throws {
        try await withOnrampApp { app in
            let account = try await app.signUp()
            let ticket = try await create(app, account, ["subject": "Refund", "body": "Please", "requester": ["email": "kim@example.com"]])
            let id = try #require(ticket["id"] as? String)
            let reply = try await app.testing().sendRequest(.POST, "/api/v1/tickets/\(id)/messages", headers: account.bearer + .json,
                                                            body: .json(["body": "On its way.\nRegards"]))
            #expect(reply.status == .created)
            let replied = try reply.jsonObject()
            #expect(replied["status"] as? String == "open", "a public reply opens a new ticket")
            let messages = try #require(replied["messages"] as? [[String: Any]])
            #expect(messages.last?["author"] as? String == "Olive Owner")
            #expect(messages.last?["from_customer"] as? Bool == false)
            let note = try await app.testing().sendRequest(.POST, "/api/v1/tickets/\(id)/messages", headers: account.bearer + .json,
                                                           body: .json(["body": "Checked the order", "visibility": "internal"]))
            #expect((try note.jsonObject()["messages"] as? [[String: Any]])?.last?["visibility"] as? String == "internal")

            func patch(_ body: [String: Any]) async throws -> TestingHTTPResponse {
                try await app.testing().sendRequest(.PATCH, "/api/v1/tickets/\(id)", headers: account.bearer + .json, body: .json(body))
            }
            let pending = try await patch(["status": "pending", "priority": "high", "tags": ["refund"], "team": "Billing"])
            #expect(pending.status == .ok)
            let updated = try pending.jsonObject()
            #expect(updated["status"] as? String == "pending")
            #expect(updated["team"] as? String == "Billing")
            try (try await patch(["status": "new"])).expectProblem(.conflict)
            #expect(try await patch(["status": "closed"]).status == .ok)
            let reopened = try await patch(["status": "open"])
            let problem = try reopened.expectProblem(.conflict)
            #expect((problem["detail"] as? String)?.contains("follow-up") == true)
            try (try await app.testing().sendRequest(.POST, "/api/v1/tickets/\(id)/messages", headers: account.bearer + .json,
                                                     body: .json(["body": "late"]))).expectProblem(.conflict)
        }
    }

    @Test func onlySupervisorsAssignAndOnlyToMembers() async throws {
        try await withOnrampApp { app in
            let account = try await app.signUp()
            let ticket = try await create(app, account, ["subject": "Assign me", "body": "Please"])
            let id = try #require(ticket["id"] as? String)
            let agent = try await app.addMember(to: account, role: .agent)
            let byAgent = try await app.testing().sendRequest(.PATCH, "/api/v1/tickets/\(id)", headers: ["Authorization": "Bearer \(agent)"] + .json,
                                                              body: .json(["assignee_id": account.userID.uuidString]))
            try byAgent.expectProblem(.forbidden)
            let stranger = try await app.testing().sendRequest(.PATCH, "/api/v1/tickets/\(id)", headers: account.bearer + .json,
                                                               body: .json(["assignee_id": UUID().uuidString]))
            try stranger.expectProblem(.unprocessableEntity)
            let assigned = try await app.testing().sendRequest(.PATCH, "/api/v1/tickets/\(id)", headers: account.bearer + .json,
                                                               body: .json(["assignee_id": account.userID.uuidString]))
            #expect((try assigned.jsonObject()["assignee_id"] as? String)?.lowercased() == account.userID.uuidString.lowercased())
            let mine = try await app.testing().sendRequest(.GET, "/api/v1/tickets?assignee_id=\(account.userID.uuidString)",
                                                           headers: account.bearer).jsonObject()
            #expect((mine["items"] as? [[String: Any]])?.count == 1)
        }
    }
}
