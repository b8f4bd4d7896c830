import Crypto
import Fluent
import Foundation
@testable import OnrampApp
import OnrampDomain
import Testing
import VaporTesting

@Suite("Import uploads")
struct ImportsTests {
    let zendeskCSV = "Id,Requester,Requester id,Assignee,Subject,Status,Priority,Created at\n"
        + "101,Sam Rivera,9001,Ann,\"Order, late\",solved,high,2026-01-05T10:00:00Z\n"
        + "102,Noor Haddad,9002,,Refund,open,normal,2026-01-06T11:30:00Z\n"

    func files(_ app: Application, _ account: TestAccount) -> [String] {
        let directory = URL(fileURLWithPath: app.onramp.settings.dataDirectory)
            .appendingPathComponent("files/imports/\(account.tenantID.uuidString.lowercased())").path
        return (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
    }

    @Test func anExportIsStoredDetectedListedAndAudited() async throws {
        try await withOnrampApp { app in
            let account = try await app.signUp()
            let response = try await app.testing().sendRequest(.POST, "/api/v1/imports?file_name=tickets.csv",
                                                               headers: account.bearer + ["Content-Type": "text/csv"],
                                                               body: .text(zendeskCSV))
            #expect(response.status == .created, "\(response.body.string)")
            let created = try response.jsonObject()
            #expect(created["file_name"] as? String == "tickets.csv")
            #expect(created["format"] as? String == "csv")
            #expect(created["source"] as? String == "zendesk")
            #expect(created["object"] as? String == "tickets")
            #expect(created["byte_size"] as? Int == zendeskCSV.utf8.count)
            #expect((created["fields"] as? [String])?.first == "Id")
            let digest = SHA256.hash(data: Data(zendeskCSV.utf8)).map { String(format: "%02x", $0) }.joined()
            #expect(created["sha256"] as? String == digest)
            #expect(files(app, account).count == 1, "the file is in the file store")

            let id = try #require(created["id"] as? String)
            let one = try await app.testing().sendRequest(.GET, "/api/v1/imports/\(id)", headers: account.bearer)
            #expect(try one.jsonObject()["state"] as? String == "uploaded")
            let list = try await app.testing().sendRequest(.GET, "/api/v1/imports", headers: account.bearer).jsonObject()
            #expect((list["items"] as? [[String: Any]])?.map { $0["id"] as? String } == [id])
            let actions = try await AuditEvent.query(on: app.db).filter(\.$tenantID == account.tenantID).all().map(\.action)
            #expect(actions.contains("import.uploaded"))
        }
    }

    @Test func filesThatAreNotExportsAreRefusedAndNotKept() async throws {
        try await withOnrampApp { app in
            let account = try await app.signUp()
            for (body, reason) in [([UInt8]([0x50, 0x4B, 0x03, 0x04, 0x0A, 0x00]), "ZIP"), ([], "empty"),
                                   (Array(#"<?xml version="1.0"?><!DOCTYPE t [<!ENTITY x "y">]><t/>"#.utf8), "DOCTYPE")] {
                let response = try await app.testing().sendRequest(.POST, "/api/v1/imports?file_name=tickets.csv",
                                                                   headers: account.bearer, body: ByteBuffer(bytes: body))
                let problem = try response.expectProblem(.unprocessableEntity)
                let errors = try #require(problem["errors"] as? [[String: Any]])
                #expect((errors.first?["message"] as? String)?.contains(reason) == true, "\(reason)")
            }
            #expect(files(app, account).isEmpty, "nothing of a refused file is kept")
        }
    }

    @Test func theSizeLimitHoldsAndViewersCannotUpload() async throws {
        try await withOnrampApp(extraEnvironment: ["ONRAMP_IMPORT_MAX_BYTES": "2048"]) { app in
            let account = try await app.signUp()
            let big = String(repeating: zendeskCSV, count: 20)
            let response = try await app.testing().sendRequest(.POST, "/api/v1/imports", headers: account.bearer,
                                                               body: .text(big))
            try response.expectProblem(.payloadTooLarge)
            #expect(files(app, account).isEmpty)
            let viewer = try await app.addMember(to: account, role: .viewer)
            let refused = try await app.testing().sendRequest(.POST, "/api/v1/imports", headers: ["Authorization": "Bearer \(viewer)"],
                                                              body: .text(zendeskCSV))
            try refused.expectProblem(.forbidden)
        }
    }
}
