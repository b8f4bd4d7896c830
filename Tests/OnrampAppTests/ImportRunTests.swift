import Fluent
import Foundation
import NIOConcurrencyHelpers
@testable import OnrampApp
import OnrampDomain
import SQLKit
import Testing
import VaporTesting

/// Mapping, preview, the import job, delta re-runs, duplicate policies, resuming after a
/// crash and the error report, through the API (and the job runner) on the real database.
@Suite("Import runs")
struct ImportRunTests {
    static let header = "Id,Subject,Description,Status,Priority,Via,Requester id,Requester,Requester email,Assignee,Tags,Created at,Updated at\n"
    static let rows = [
        "101,Order late,\"Where is it, please?\",solved,high,email,9001,Sam Rivera,sam@example.com,Ann,vip late,2024-03-01 10:22:05 +0100,2024-03-02 09:00:00 +0100",
        "102,Refund,\"He said \"\"soon\"\"\nthen nothing\",open,normal,web,9002,Noor Haddad,noor@example.com,,,2024-03-03T11:30:00Z,2024-03-03T11:30:00Z",
        "103,Broken status,Text,weird,low,email,9001,Sam Rivera,sam@example.com,,,2024-03-04T08:00:00Z,2024-03-04T08:00:00Z",
        "104,Bad email,Text,open,low,email,9003,Kim,not-an-email,,,2024-03-05T08:00:00Z,2024-03-05T08:00:00Z",
        "105,=HYPERLINK(\"http://evil\"),Text,pending,urgent,voice,9003,Kim,kim@example.com,,,2024-02-30 10:00:00 +0000,",
        "101,Order late (again),Text,solved,high,email,9001,Sam Rivera,sam@example.com,,,2024-03-01T09:22:05Z,2024-03-01T09:22:05Z",
    ]
    static var csv: String { header + rows.joined(separator: "\n") + "\n" }

    func upload(_ app: Application, _ account: TestAccount, _ body: String, name: String = "tickets.csv") async throws -> String {
        let response = try await app.testing().sendRequest(.POST, "/api/v1/imports?file_name=\(name)", headers: account.bearer, body: .text(body))
        try #require(response.status == .created, "\(response.body.string)")
        return try #require(try response.jsonObject()["id"] as? String)
    }

    func count(_ app: Application, _ table: String, _ account: TestAccount) async throws -> Int {
        try await app.db.sql.raw("SELECT COUNT(*) AS n FROM \(unsafeRaw: table) WHERE tenant_id = \(bind: account.tenantID)")
            .first()!.decode(column: "n", as: Int.self)
    }

    func start(_ app: Application, _ account: TestAccount, _ id: String) async throws -> [String: Any] {
        let started = try await app.testing().sendRequest(.POST, "/api/v1/imports/\(id)/start", headers: account.bearer)
        try #require(started.status == .accepted, "\(started.body.string)")
        #expect(try started.jsonObject()["state"] as? String == "queued")
        _ = try await app.jobRunner.drain()
        return try await app.testing().sendRequest(.GET, "/api/v1/imports/\(id)", headers: account.bearer).jsonObject()
    }

    static func counts(_ json: [String: Any], _ object: String) -> [String: Int] {
        ((json["counts"] as? [String: Any])?[object] as? [String: Int]) ?? [:]
    }

    @Test func theProposedMappingCanBeReadCheckedAndSaved() async throws {
        try await withOnrampApp { app in
            let account = try await app.signUp()
            let id = try await upload(app, account, Self.csv)
            let mapping = try await app.testing().sendRequest(.GET, "/api/v1/imports/\(id)/mapping", headers: account.bearer).jsonObject()
            #expect(mapping["saved"] as? Bool == false)
            #expect(mapping["object"] as? String == "tickets")
            let entries = try #require(mapping["entries"] as? [[String: Any]])
            let bySource = Dictionary(entries.map { ($0["field"] as! String, $0["source"] as! String) }, uniquingKeysWith: { a, _ in a })
            #expect(bySource["source_id"] == "Id")
            #expect(bySource["subject"] == "Subject")
            #expect(bySource["status"] == "Status")
            #expect(bySource["requester_email"] == "Requester email")
            #expect(bySource["requester_name"] == "Requester")
            #expect(bySource["created_at"] == "Created at")
            #expect((entries.first { $0["field"] as? String == "subject" }?["confidence"] as? Double) == 1)
            #expect((mapping["source_fields"] as? [String])?.contains("Tags") == true)

            // A source that is not in the file, a field Onramp does not have, a required field left out.
            let bad = try await app.testing().sendRequest(.PUT, "/api/v1/imports/\(id)/mapping", headers: account.bearer + .json, body: .json([
                "entries": [["field": "subject", "source": "Nope"], ["field": "colour", "source": "Status"]],
                "options": ["policy": "update", "default_country": "XX"],
            ]))
            let problem = try bad.expectProblem(.unprocessableEntity)
            let messages = (problem["errors"] as? [[String: Any]] ?? []).compactMap { $0["message"] as? String }.joined(separator: " | ")
            #expect(messages.contains("no field “Nope”"))
            #expect(messages.contains("“colour” is not a field"))
            #expect(messages.contains("must be mapped"))
            #expect(messages.contains("“XX” is not an ISO 3166 country"))

            let saved = try await app.testing().sendRequest(.PUT, "/api/v1/imports/\(id)/mapping", headers: account.bearer + .json, body: .json([
                "entries": [["field": "source_id", "source": "Id"], ["field": "subject", "source": "Subject"],
                            ["field": "status", "source": "Status"], ["field": "requester_email", "source": "Requester email"]],
                "custom_columns": ["Via (old)": "Via"],
                "options": ["policy": "skip", "default_country": "de", "time_zone": "Europe/Berlin"],
            ]))
            #expect(saved.status == .ok, "\(saved.body.string)")
            let again = try await app.testing().sendRequest(.GET, "/api/v1/imports/\(id)/mapping", headers: account.bearer).jsonObject()
            #expect(again["saved"] as? Bool == true)
            #expect((again["entries"] as? [[String: Any]])?.count == 4)
            #expect((again["options"] as? [String: Any])?["policy"] as? String == "skip")
            let actions = try await AuditEvent.query(on: app.db).filter(\.$tenantID == account.tenantID).all().map(\.action)
            #expect(actions.contains("import.mapping_updated"))
        }
    }

    @Test func thePreviewGivesEachRowItsVerdictAndWritesNothing() async throws {
        try await withOnrampApp { app in
            let account = try await app.signUp()
            let id = try await upload(app, account, Self.csv)
            let response = try await app.testing().sendRequest(.POST, "/api/v1/imports/\(id)/preview?limit=10", headers: account.bearer)
            #expect(response.status == .ok, "\(response.body.string)")
            let preview = try response.jsonObject()
            let rows = try #require(preview["rows"] as? [[String: Any]])
            #expect(rows.map { $0["verdict"] as? String } == ["created", "created", "rejected", "rejected", "rejected", "duplicate"])
            let reasons = rows.map { ($0["reasons"] as? [String] ?? []).joined(separator: " ") }
            #expect(reasons[2].contains("“weird” is not a known status"))
            #expect(reasons[3].contains("“not-an-email” is not an email address"))
            #expect(reasons[4].contains("“2024-02-30 10:00:00 +0000” is not a date"))
            #expect(reasons[5].contains("Same ticket id as row 1"))
            #expect((rows[0]["values"] as? [String: String])?["status"] == "resolved", "Zendesk solved → resolved")
            #expect((rows[1]["line"] as? Int) == 3)
            #expect(preview["estimated_records"] as? Int == 6)
            #expect(try await count(app, "tickets", account) == 0, "a preview writes nothing")
            #expect(try await count(app, "contacts", account) == 0)
        }
    }

    @Test func anImportRunsAsAJobKeepsTimestampsAndReportsErrors() async throws {
        try await withOnrampApp { app in
            let account = try await app.signUp()
            let id = try await upload(app, account, Self.csv)
            let done = try await start(app, account, id)
            #expect(done["state"] as? String == "completed", "\(done)")
            #expect(Self.counts(done, "tickets") == ["created": 2, "rejected": 3, "duplicate": 1])
            #expect(Self.counts(done, "contacts")["created"] == 2, "the requesters Sam and Noor")
            #expect(done["error_count"] as? Int == 4)
            #expect((done["progress"] as? [String: Any])?["percent"] as? Int == 100)
            #expect((done["progress"] as? [String: Any])?["rows_done"] as? Int == 6)

            let tickets = try await app.db.sql.raw("""
                SELECT number, subject, status, priority, channel, tags, custom_fields, created_at, requester_id FROM tickets
                WHERE tenant_id = \(bind: account.tenantID) ORDER BY number
                """).all()
            #expect(tickets.count == 2)
            #expect(try tickets.map { try $0.decode(column: "number", as: Int.self) } == [1, 2])
            let first = try #require(tickets.first)
            #expect(try first.decode(column: "status", as: String.self) == "resolved")
            #expect(try first.decode(column: "channel", as: String.self) == "email")
            #expect(try first.decode(column: "tags", as: String.self) == #"["vip","late"]"#)
            #expect(try first.decode(column: "custom_fields", as: String.self).contains(#""assignee":"Ann""#), "a named assignee is kept")
            // 2024-03-01 10:22:05 +0100 is 09:22:05 UTC: the original time, not the import's.
            #expect(try first.decode(column: "created_at", as: Date.self) == Date(timeIntervalSince1970: 1_709_284_925))
            let messages = try await app.db.sql.raw("""
                SELECT body, visibility, from_customer FROM ticket_messages WHERE tenant_id = \(bind: account.tenantID) ORDER BY created_at
                """).all()
            #expect(try messages.map { try $0.decode(column: "body", as: String.self) } == ["Where is it, please?", "He said \"soon\"\nthen nothing"])

            let report = try await app.testing().sendRequest(.GET, "/api/v1/imports/\(id)/errors.csv", headers: account.bearer)
            #expect(report.status == .ok)
            #expect(report.headers.contentType?.subType == "csv")
            let lines = report.body.string.components(separatedBy: "\r\n").filter { !$0.isEmpty }
            #expect(lines.first == "row,line,verdict,reason,original values")
            #expect(lines.count == 5)
            #expect(lines.contains { $0.hasPrefix("3,5,rejected,") && $0.contains("weird") })
            #expect(report.body.string.contains("'{\"\"Id\"\":\"\"105\"\"") == false, "JSON cells start with {, not a formula")
            #expect(report.body.string.contains("=HYPERLINK") && !report.body.string.contains(",=HYPERLINK"), "formulas are neutralised")
            let actions = try await AuditEvent.query(on: app.db).filter(\.$tenantID == account.tenantID).all().map(\.action)
            #expect(actions.contains("import.started"))
        }
    }

    @Test func runningTheSameOrANewerExportAgainIsADeltaImport() async throws {
        try await withOnrampApp { app in
            let account = try await app.signUp()
            let first = try await upload(app, account, Self.csv)
            _ = try await start(app, account, first)
            // The same import again: nothing changed.
            let again = try await start(app, account, first)
            #expect(Self.counts(again, "tickets")["unchanged"] == 2, "\(again)")
            #expect(Self.counts(again, "tickets")["created"] == nil)
            // A newer export: 102 changed, 106 new, 101 as before.
            let newer = Self.header + [
                Self.rows[0],
                "102,Refund (sent),Text,solved,normal,web,9002,Noor Haddad,noor@example.com,,,2024-03-03T11:30:00Z,2024-03-09T11:30:00Z",
                "106,New one,Text,new,low,chat,9004,Lee,lee@example.com,,,2024-03-10T11:30:00Z,2024-03-10T11:30:00Z",
            ].joined(separator: "\n")
            let second = try await upload(app, account, newer, name: "newer.csv")
            let delta = try await start(app, account, second)
            #expect(Self.counts(delta, "tickets") == ["unchanged": 1, "updated": 1, "created": 1], "\(delta)")
            #expect(try await count(app, "tickets", account) == 3)
            let refund = try await app.db.sql.raw("""
                SELECT subject, status FROM tickets WHERE tenant_id = \(bind: account.tenantID) AND source_id = '102'
                """).first()
            #expect(try refund?.decode(column: "subject", as: String.self) == "Refund (sent)")
            #expect(try refund?.decode(column: "status", as: String.self) == "resolved")
            #expect(try await count(app, "contacts", account) == 3, "requesters are matched, not doubled")
        }
    }

    @Test func theSkipAndMergePoliciesLeaveExistingRecordsAlone() async throws {
        try await withOnrampApp { app in
            let account = try await app.signUp()
            let contacts = "Id,Name,Email,Phone,Tags\n1,Ann Lee,ann@example.com,030 1234567,gold\n2,Bo,BO@example.com,,\n"
            let first = try await upload(app, account, contacts, name: "contacts.csv")
            _ = try await app.testing().sendRequest(.PUT, "/api/v1/imports/\(first)/mapping", headers: account.bearer + .json, body: .json([
                "entries": [["field": "source_id", "source": "Id"], ["field": "name", "source": "Name"], ["field": "email", "source": "Email"],
                            ["field": "phone", "source": "Phone"], ["field": "tags", "source": "Tags"]],
                "options": ["policy": "update", "default_country": "DE"],
            ]))
            let done = try await start(app, account, first)
            #expect(Self.counts(done, "contacts") == ["created": 2], "\(done)")
            let phone = try await app.db.sql.raw("SELECT phone FROM contacts WHERE tenant_id = \(bind: account.tenantID) AND email = 'ann@example.com'").first()
            #expect(try phone?.decode(column: "phone", as: String?.self) == "+49301234567")

            // Another helpdesk's export of the same people, matched by email (case-insensitive).
            let other = "Email,Name,Tags\n ANN@example.com ,Ann Changed,silver\nbo@example.com,Bo Changed,\n"
            let skip = try await upload(app, account, other, name: "other.csv")
            _ = try await app.testing().sendRequest(.PUT, "/api/v1/imports/\(skip)/mapping", headers: account.bearer + .json, body: .json([
                "object": "contacts",
                "entries": [["field": "email", "source": "Email"], ["field": "name", "source": "Name"], ["field": "tags", "source": "Tags"]],
                "options": ["policy": "skip"],
            ]))
            let skipped = try await start(app, account, skip)
            #expect(Self.counts(skipped, "contacts") == ["duplicate": 2], "\(skipped)")

            _ = try await app.testing().sendRequest(.PUT, "/api/v1/imports/\(skip)/mapping", headers: account.bearer + .json, body: .json([
                "object": "contacts",
                "entries": [["field": "email", "source": "Email"], ["field": "name", "source": "Name"], ["field": "tags", "source": "Tags"]],
                "options": ["policy": "merge"],
            ]))
            let merged = try await start(app, account, skip)
            #expect(Self.counts(merged, "contacts")["updated"] == 1, "\(merged)")
            let ann = try await app.db.sql.raw("SELECT name, tags FROM contacts WHERE tenant_id = \(bind: account.tenantID) AND email = 'ann@example.com'").first()
            #expect(try ann?.decode(column: "name", as: String.self) == "Ann Lee", "merge keeps the existing name")
            #expect(try ann?.decode(column: "tags", as: String.self) == #"["gold","silver"]"#, "and adds the tags")
            #expect(try await count(app, "contacts", account) == 2)
        }
    }

    @Test func anImportResumesFromItsCheckpointWithNothingLostOrDoubled() async throws {
        try await withOnrampApp { app in
            let account = try await app.signUp()
            var body = "Id,Subject,Status,Requester email,Created at\n"
            for number in 1...95 { body += "\(number),Ticket \(number),open,p\(number % 7)@example.com,2024-01-01T00:00:00Z\n" }
            let id = try await upload(app, account, body)
            _ = try await app.testing().sendRequest(.POST, "/api/v1/imports/\(id)/preview", headers: account.bearer)
            let scope = TenantScope(tenantID: account.tenantID)
            await #expect(throws: JobFailure.self, "no mapping saved yet, so the job cannot load it") {
                _ = try await ImportJob.load(UUID(uuidString: id)!, tenantID: scope.tenantID, on: app.db)
            }
            _ = try await app.testing().sendRequest(.PUT, "/api/v1/imports/\(id)/mapping", headers: account.bearer + .json, body: .json([
                "entries": [["field": "source_id", "source": "Id"], ["field": "subject", "source": "Subject"], ["field": "status", "source": "Status"],
                            ["field": "requester_email", "source": "Requester email"], ["field": "created_at", "source": "Created at"]],
            ]))
            let (loaded, checkpoint, _) = try #require(try await ImportJob.load(UUID(uuidString: id)!, tenantID: scope.tenantID, on: app.db))
            // A runner that dies after its third batch of 10 (the process is killed).
            struct Killed: Error {}
            var run = ImportRun(plan: loaded, writer: app.writer, fileIO: NonBlockingFileIO(threadPool: app.threadPool))
            run.batchRows = 10
            run.chunkBytes = 64
            let batches = NIOLockedValueBox(0)
            await #expect(throws: Killed.self) {
                _ = try await run.run(from: checkpoint, progress: { _ in
                    if batches.withLockedValue({ $0 += 1; return $0 }) == 3 { throw Killed() }
                })
            }
            #expect(try await count(app, "tickets", account) == 30, "three batches were committed")
            // A second runner that still holds the old checkpoint cannot write: the checkpoint moved.
            await #expect(throws: ImportCheckpointMoved.self) { _ = try await run.run(from: checkpoint) }
            #expect(try await count(app, "tickets", account) == 30)

            let done = try await start(app, account, id)
            #expect(done["state"] as? String == "completed")
            #expect(Self.counts(done, "tickets") == ["created": 95], "\(done)")
            #expect(try await count(app, "tickets", account) == 95)
            let distinct = try await app.db.sql.raw("""
                SELECT COUNT(DISTINCT source_id) AS n, MAX(number) AS top FROM tickets WHERE tenant_id = \(bind: account.tenantID)
                """).first()
            #expect(try distinct?.decode(column: "n", as: Int.self) == 95)
            #expect(try distinct?.decode(column: "top", as: Int.self) == 95, "numbers have no gaps")
            #expect(try await count(app, "contacts", account) == 7)
        }
    }

    @Test func aQueuedImportCanBeCancelledAndAFinishedOneCannot() async throws {
        try await withOnrampApp { app in
            let account = try await app.signUp()
            let id = try await upload(app, account, Self.csv)
            let started = try await app.testing().sendRequest(.POST, "/api/v1/imports/\(id)/start", headers: account.bearer)
            #expect(started.status == .accepted)
            let twice = try await app.testing().sendRequest(.POST, "/api/v1/imports/\(id)/start", headers: account.bearer)
            try twice.expectProblem(.conflict)
            let cancelled = try await app.testing().sendRequest(.POST, "/api/v1/imports/\(id)/cancel", headers: account.bearer)
            #expect(cancelled.status == .accepted)
            #expect(try cancelled.jsonObject()["state"] as? String == "cancelled")
            #expect(try await app.jobRunner.drain() == 0, "the job was cancelled too")
            #expect(try await count(app, "tickets", account) == 0)
            let again = try await app.testing().sendRequest(.POST, "/api/v1/imports/\(id)/cancel", headers: account.bearer)
            try again.expectProblem(.conflict)
            let viewer = try await app.addMember(to: account, role: .viewer)
            let refused = try await app.testing().sendRequest(.POST, "/api/v1/imports/\(id)/start", headers: ["Authorization": "Bearer \(viewer)"])
            try refused.expectProblem(.forbidden)
        }
    }

    @Test func aBrowserFormUploadIsReadFromItsFilePart() async throws {
        try await withOnrampApp { app in
            let account = try await app.signUp()
            let boundary = "----onramp\(UUID().uuidString.prefix(8))"
            let body = "--\(boundary)\r\nContent-Disposition: form-data; name=\"note\"\r\n\r\nignored\r\n"
                + "--\(boundary)\r\nContent-Disposition: form-data; name=\"file\"; filename=\"zendesk.csv\"\r\nContent-Type: text/csv\r\n\r\n"
                + Self.csv + "\r\n--\(boundary)--\r\n"
            let response = try await app.testing().sendRequest(.POST, "/api/v1/imports", headers: account.bearer
                + ["Content-Type": "multipart/form-data; boundary=\(boundary)"], body: .text(body))
            #expect(response.status == .created, "\(response.body.string)")
            let created = try response.jsonObject()
            #expect(created["file_name"] as? String == "zendesk.csv")
            #expect(created["byte_size"] as? Int == Self.csv.utf8.count, "only the file part is stored")
            #expect(created["source"] as? String == "zendesk")

            let empty = "--\(boundary)\r\nContent-Disposition: form-data; name=\"note\"\r\n\r\nx\r\n--\(boundary)--\r\n"
            let missing = try await app.testing().sendRequest(.POST, "/api/v1/imports", headers: account.bearer
                + ["Content-Type": "multipart/form-data; boundary=\(boundary)"], body: .text(empty))
            try missing.expectProblem(.unprocessableEntity)

            // A header name that is not ASCII (a fuzzer's find: the library parser used before crashed on it).
            let odd = Array("--\(boundary)\r\n".utf8) + [0xC3, 0xA9] + Array(": x\r\n\r\ndata\r\n--\(boundary)--\r\n".utf8)
            let refused = try await app.testing().sendRequest(.POST, "/api/v1/imports", headers: account.bearer
                + ["Content-Type": "multipart/form-data; boundary=\(boundary)"], body: ByteBuffer(bytes: odd))
            try refused.expectProblem(.badRequest)
        }
    }

    @Test func helpdeskJSONExportsBringTheirConversations() async throws {
        try await withOnrampApp { app in
            let account = try await app.signUp()
            let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
                .appendingPathComponent("OnrampDomainTests/Fixtures")
            // Freshdesk: a ticket with its conversations (reply, private note).
            let freshdesk = try String(contentsOf: fixtures.appendingPathComponent("freshdesk_cli_ticket_with_conversations.json"), encoding: .utf8)
            let id = try await upload(app, account, freshdesk, name: "freshdesk.json")
            let done = try await start(app, account, id)
            #expect(Self.counts(done, "tickets") == ["created": 1], "\(done)")
            let messages = try await app.db.sql.raw("""
                SELECT from_customer FROM ticket_messages WHERE tenant_id = \(bind: account.tenantID) ORDER BY created_at
                """).all()
            #expect(messages.count == 4, "the description and the three conversations")
            #expect(try messages.map { try $0.decode(column: "from_customer", as: Bool.self) } == [true, true, false, false])

            // Freshdesk's conversations come in their own file: they need their ticket first.
            let conversations = try String(contentsOf: fixtures.appendingPathComponent("airbyte_conversations_ticket_22_reply_and_note.json"), encoding: .utf8)
            let early = try await upload(app, account, conversations, name: "conversations.json")
            let orphaned = try await start(app, account, early)
            #expect(Self.counts(orphaned, "messages") == ["rejected": 2], "\(orphaned)")
            let ticket = try String(contentsOf: fixtures.appendingPathComponent("airbyte_ticket_22_email_pending.json"), encoding: .utf8)
            _ = try await start(app, account, try await upload(app, account, ticket, name: "ticket-22.json"))
            let late = try await upload(app, account, conversations, name: "conversations.json")
            let attached = try await start(app, account, late)
            #expect(Self.counts(attached, "messages") == ["created": 2], "\(attached)")
            let note = try await app.db.sql.raw("""
                SELECT m.visibility FROM ticket_messages m JOIN tickets t ON t.id = m.ticket_id
                WHERE m.tenant_id = \(bind: account.tenantID) AND t.source_id = '22' AND m.source_id = '67105086068'
                """).first()
            #expect(try note?.decode(column: "visibility", as: String.self) == "internal", "the private note stays internal")

            // Help Scout: a conversation with its threads, wrapped in {"item": …}.
            let helpscout = try String(contentsOf: fixtures.appendingPathComponent("legacy_v1_conversation_10.json"), encoding: .utf8)
            let second = try await upload(app, account, helpscout, name: "helpscout.json")
            let imported = try await start(app, account, second)
            #expect(Self.counts(imported, "tickets") == ["created": 1], "\(imported)")
            let requester = try await app.db.sql.raw("""
                SELECT c.name, c.email FROM tickets t JOIN contacts c ON c.id = t.requester_id
                WHERE t.tenant_id = \(bind: account.tenantID) AND t.source_system = 'helpscout'
                """).first()
            #expect(try requester?.decode(column: "email", as: String.self) == "karl@worldoftesters.com")
            #expect(try requester?.decode(column: "name", as: String.self) == "Karl Tester")
        }
    }

    @Test func agentsInAUserExportBecomeInvitationsThatAreNotSent() async throws {
        try await withOnrampApp { app in
            let account = try await app.signUp()
            let users = """
                [{"id": 1, "name": "Eve Agent", "email": "eve@example.com", "role": "agent", "created_at": "2023-01-01T00:00:00Z"},
                 {"id": 2, "name": "Carl Customer", "email": "carl@example.com", "role": "end-user", "phone": "+1 415 555 2671"},
                 {"id": 3, "name": "Olive", "email": "\(account.email)", "role": "admin"}]
                """
            let id = try await upload(app, account, users, name: "users.json")
            let done = try await start(app, account, id)
            #expect(Self.counts(done, "invitations") == ["created": 1, "duplicate": 1], "\(done)")
            #expect(Self.counts(done, "contacts") == ["created": 1])
            let invitation = try await app.db.sql.raw("SELECT email, role, state FROM invitations WHERE tenant_id = \(bind: account.tenantID)").first()
            #expect(try invitation?.decode(column: "email", as: String.self) == "eve@example.com")
            #expect(try invitation?.decode(column: "state", as: String.self) == "imported", "recorded, never sent by the import")
        }
    }

    @Test func importProgressIsPushedLiveBatchByBatch() async throws {
        try await withOnrampApp { app in
            let account = try await app.signUp()
            var body = "Id,Subject,Status\n"
            for number in 1...4_500 { body += "\(number),Ticket \(number),open\n" }
            let id = try await upload(app, account, body)
            let (subscription, events) = try await app.onramp.live.subscribe(tenantID: account.tenantID, kind: "import")
            defer { Task { await app.onramp.live.unsubscribe(subscription) } }
            let done = try await start(app, account, id)
            #expect(done["state"] as? String == "completed")
            // Collect what was pushed (with a deadline, so a missing event fails instead of hanging).
            let collected = Task { () -> [ImportLiveEvent] in
                var seen: [ImportLiveEvent] = []
                for await message in events {
                    guard let event = try? OnboardingLiveEvent.decoder.decode(ImportLiveEvent.self, from: Data(message.json.utf8)) else { continue }
                    seen.append(event)
                    if event.state == "completed" { break }
                }
                return seen
            }
            let timeout = Task { try await Task.sleep(for: .seconds(20)); collected.cancel() }
            let seen = await collected.value
            timeout.cancel()
            #expect(seen.allSatisfy { $0.type == "import" && $0.importId.uuidString.lowercased() == id.lowercased() })
            #expect(seen.first?.state == "running")
            #expect(seen.last?.state == "completed")
            #expect(seen.last?.rowsDone == 4_500)
            #expect(seen.last?.percent == 100)
            #expect(seen.count >= 4, "the start, each of the three batches, the end: \(seen.count)")
        }
    }

    func uploadBytes(_ app: Application, _ account: TestAccount, _ bytes: [UInt8], name: String) async throws -> String {
        let response = try await app.testing().sendRequest(.POST, "/api/v1/imports?file_name=\(name)", headers: account.bearer,
                                                           body: ByteBuffer(bytes: bytes))
        try #require(response.status == .created, "\(response.body.string)")
        return try #require(try response.jsonObject()["id"] as? String)
    }

    func mapTickets(_ app: Application, _ account: TestAccount, _ id: String, subject: String = "Subject") async throws {
        let saved = try await app.testing().sendRequest(.PUT, "/api/v1/imports/\(id)/mapping", headers: account.bearer + .json, body: .json([
            "object": "tickets", "entries": [["field": "source_id", "source": "Id"], ["field": "subject", "source": subject]],
        ]))
        try #require(saved.status == .ok, "\(saved.body.string)")
    }

    @Test func badRowsAreRejectedOneByOneAndBadFilesFailWithAClearMessage() async throws {
        try await withOnrampApp { app in
            let account = try await app.signUp()
            // A 10 MB field and a row of invalid UTF-8: those rows are rejected, the others imported.
            var csv = Array("Id,Subject\n1,First\n2,\"".utf8) + [UInt8](repeating: UInt8(ascii: "x"), count: 10 << 20) + Array("\"\n".utf8)
            csv += Array("3,Caf".utf8) + [0xC3, 0x28] + Array("\n4,Last\n".utf8)
            let big = try await uploadBytes(app, account, csv, name: "big.csv")
            try await mapTickets(app, account, big)
            let done = try await start(app, account, big)
            #expect(done["state"] as? String == "completed", "\(done)")
            #expect(Self.counts(done, "tickets") == ["created": 2, "rejected": 2])
            let report = try await app.testing().sendRequest(.GET, "/api/v1/imports/\(big)/errors.csv", headers: account.bearer).body.string
            #expect(report.contains("A field is longer than 1024 KB"))
            #expect(report.contains("not valid UTF-8"))

            // Latin-1 text is detected and read as such.
            let latin1 = Array("Id,Subject\n7,Caf".utf8) + [0xE9] + Array(" cr".utf8) + [0xE8] + Array("me\n".utf8)
            let accented = try await uploadBytes(app, account, latin1, name: "latin1.csv")
            try await mapTickets(app, account, accented)
            _ = try await start(app, account, accented)
            let subject = try await app.db.sql.raw("""
                SELECT subject FROM tickets WHERE tenant_id = \(bind: account.tenantID) AND source_id = '7'
                """).first()?.decode(column: "subject", as: String.self)
            #expect(subject == "Café crème")

            // JSON nested 10,000 deep is one rejected record, not a crash.
            let deep = "[{\"id\": 11, \"subject\": \"ok\"}, {\"id\": 12, \"subject\": " + String(repeating: "[", count: 10_000)
                + String(repeating: "]", count: 10_000) + "}, {\"id\": 13, \"subject\": \"also ok\"}]"
            let nested = try await upload(app, account, deep, name: "deep.json")
            try await mapTickets(app, account, nested, subject: "subject")
            let nestedDone = try await start(app, account, nested)
            #expect(Self.counts(nestedDone, "tickets") == ["created": 2, "rejected": 1], "\(nestedDone)")

            // A file cut off inside a quoted field: what came before is kept, and the import says why it stopped.
            let cut = try await upload(app, account, "Id,Subject\n20,Fine\n21,\"Never closed\n", name: "cut.csv")
            try await mapTickets(app, account, cut)
            let failed = try await start(app, account, cut)
            #expect(failed["state"] as? String == "failed", "\(failed)")
            #expect((failed["message"] as? String)?.contains("ends inside a quoted field") == true)
            #expect(Self.counts(failed, "tickets") == ["created": 1], "the complete record before the cut is imported")

            // A cut JSON file likewise.
            let truncated = try await upload(app, account, "[{\"id\": 30, \"subject\": \"a\"}, {\"id\": 31, \"subj", name: "cut.json")
            try await mapTickets(app, account, truncated, subject: "subject")
            let stopped = try await start(app, account, truncated)
            #expect(stopped["state"] as? String == "failed")
            #expect((stopped["message"] as? String)?.contains("cut off") == true, "\(stopped)")
        }
    }

    @Test func zendeskXMLAndIncrementalJSONExportsOfTicketsOrganisationsAndUsers() async throws {
        try await withOnrampApp { app in
            let account = try await app.signUp()
            let organizations = """
                {"organizations": [{"id": 900, "name": "Acme GmbH", "domain_names": ["acme.example", "www.acme.example"], "tags": ["gold"],
                  "created_at": "2023-01-01T00:00:00Z", "updated_at": "2023-02-01T00:00:00Z"}],
                 "next_page": null, "end_time": 1700000000, "count": 1, "end_of_stream": true}
                """
            let orgImport = try await upload(app, account, organizations, name: "organizations.json")
            let orgDone = try await start(app, account, orgImport)
            #expect(Self.counts(orgDone, "organizations") == ["created": 1], "\(orgDone)")
            let domains = try await app.db.sql.raw("SELECT domain FROM organization_domains WHERE tenant_id = \(bind: account.tenantID)").all()
            #expect(try domains.map { try $0.decode(column: "domain", as: String.self) } == ["acme.example"], "www. is the same domain")

            let users = """
                {"users": [{"id": 71, "name": "Uma User", "email": "uma@acme.example", "role": "end-user", "organization_id": 900,
                            "created_at": "2023-03-01T00:00:00Z", "updated_at": "2023-03-01T00:00:00Z"}],
                 "end_of_stream": true}
                """
            let userImport = try await upload(app, account, users, name: "users.json")
            _ = try await start(app, account, userImport)
            let linked = try await app.db.sql.raw("""
                SELECT o.name FROM contacts c JOIN organizations o ON o.id = c.organization_id
                WHERE c.tenant_id = \(bind: account.tenantID) AND c.email = 'uma@acme.example'
                """).first()?.decode(column: "name", as: String.self)
            #expect(linked == "Acme GmbH", "the contact is linked to the organisation imported before")

            let xml = """
                <?xml version="1.0" encoding="UTF-8"?>
                <tickets type="array">
                  <ticket>
                    <nice-id type="integer">5</nice-id><subject>Printer &amp; scanner</subject><status>hold</status>
                    <priority>urgent</priority><requester-id type="integer">71</requester-id>
                    <created-at>2024-01-02T10:00:00Z</created-at><updated-at>2024-01-03T10:00:00Z</updated-at>
                    <comments type="array">
                      <comment><id>1</id><author-id>71</author-id><value><![CDATA[It <b>jams</b> again]]></value><is-public>true</is-public><created-at>2024-01-02T10:00:00Z</created-at></comment>
                      <comment><id>2</id><author-id>3</author-id><value>Internal: order a part</value><is-public>false</is-public><created-at>2024-01-02T11:00:00Z</created-at></comment>
                    </comments>
                  </ticket>
                </tickets>
                """
            let ticketImport = try await upload(app, account, xml, name: "tickets.xml")
            let mapping = try await app.testing().sendRequest(.GET, "/api/v1/imports/\(ticketImport)/mapping", headers: account.bearer).jsonObject()
            let entries = Dictionary(((mapping["entries"] as? [[String: Any]]) ?? []).map { ($0["field"] as! String, $0["source"] as! String) },
                                     uniquingKeysWith: { a, _ in a })
            #expect(entries["source_id"] == "nice_id")
            #expect(entries["messages"] == "comments")
            let done = try await start(app, account, ticketImport)
            #expect(Self.counts(done, "tickets") == ["created": 1], "\(done)")
            let ticket = try await app.db.sql.raw("""
                SELECT t.subject, t.status, t.priority, c.email FROM tickets t LEFT JOIN contacts c ON c.id = t.requester_id
                WHERE t.tenant_id = \(bind: account.tenantID) AND t.source_id = '5'
                """).first()
            #expect(try ticket?.decode(column: "subject", as: String.self) == "Printer & scanner")
            #expect(try ticket?.decode(column: "status", as: String.self) == "on_hold")
            #expect(try ticket?.decode(column: "email", as: String?.self) == "uma@acme.example", "the requester is the imported user (by id)")
            let messages = try await app.db.sql.raw("""
                SELECT body, visibility FROM ticket_messages WHERE tenant_id = \(bind: account.tenantID) ORDER BY created_at
                """).all()
            #expect(try messages.map { try $0.decode(column: "body", as: String.self) } == ["It jams again", "Internal: order a part"])
            #expect(try messages.map { try $0.decode(column: "visibility", as: String.self) } == ["public", "internal"])
        }
    }

    func runImport(_ arguments: [String], on app: Application) async throws {
        var context = CommandContext(console: Terminal(), input: CommandInput(arguments: ["onramp"] + arguments))
        context.application = app
        try await ImportCommand().run(using: &context)
    }

    @Test func theImportCommandImportsDryRunsAndResumes() async throws {
        try await withOnrampApp { app in
            let account = try await app.signUp(organization: "Command Co")
            let directory = URL(fileURLWithPath: app.onramp.settings.dataDirectory)
            let file = directory.appendingPathComponent("tickets.csv")
            try Data(Self.csv.utf8).write(to: file)
            // Bad arguments are refused with a message, before anything is written.
            for arguments in [[file.path], [file.path, "--tenant", "nobody"], [file.path, "--tenant", "command-co", "--policy", "sometimes"],
                              [file.path, "--tenant", "command-co", "--format", "pdf"], [directory.appendingPathComponent("missing.csv").path, "--tenant", "command-co"],
                              [file.path, "--tenant", "command-co", "--country", "XX"]] {
                await #expect(throws: ExitCode.self, "\(arguments)") { try await runImport(arguments, on: app) }
            }
            // A dry run writes nothing.
            try await runImport([file.path, "--tenant", "command-co", "--dry-run"], on: app)
            #expect(try await count(app, "tickets", account) == 0)
            #expect(try await count(app, "imports", account) == 0)

            // A real run, with a mapping file.
            let mapping = directory.appendingPathComponent("mapping.json")
            try Data(#"{"entries": [{"field": "source_id", "source": "Id"}, {"field": "subject", "source": "Subject"}, {"field": "status", "source": "Status"}]}"#.utf8)
                .write(to: mapping)
            try await runImport([file.path, "--tenant", account.tenantID.uuidString, "--mapping", mapping.path, "--batch", "2"], on: app)
            // 103 has an unknown status; 104 and 105 are fine when emails and dates are not mapped; the second 101 is a duplicate.
            #expect(try await count(app, "tickets", account) == 4)
            let imported = try await app.testing().sendRequest(.GET, "/api/v1/imports", headers: account.bearer).jsonObject()
            let item = try #require((imported["items"] as? [[String: Any]])?.first)
            #expect(item["state"] as? String == "completed")
            #expect(Self.counts(item, "tickets")["rejected"] == 1, "\(item)")

            // An unfinished run of the same file (as a kill leaves it) is resumed, not started again.
            let id = try #require(UUID(uuidString: item["id"] as? String ?? ""))
            try await app.db.sql.raw("UPDATE imports SET state = 'running' WHERE id = \(bind: id)").run()
            try await runImport([file.path, "--tenant", "command-co", "--mapping", mapping.path], on: app)
            let again = try await app.testing().sendRequest(.GET, "/api/v1/imports/\(id.uuidString)", headers: account.bearer).jsonObject()
            #expect(again["state"] as? String == "completed")
            #expect(try await count(app, "imports", account) == 1, "resumed, not a second import")
        }
    }
}
