import Foundation
@testable import OnrampApp
import OnrampDomain
import SQLKit
import OnrampTestSupport
import Testing
import VaporTesting

/// The outbox's `mail.send` jobs delivered for real: through SMTP to an aiosmtpd server when
/// `ONRAMP_SMTP_URL` is set, and to `.eml` files under the data directory when it is not.
@Suite("Outbox")
struct OutboxTests {
    func runMailJobs(_ app: Application) async throws {
        let runner = JobRunner(application: app, handlers: [Outbox.handler], options: .init(concurrency: 2, lease: 30, pollInterval: 0.05))
        _ = try await runner.tick()
        while runner.isBusy { try await Task.sleep(for: .milliseconds(20)) }
    }

    func jobStates(_ app: Application, tenant: UUID) async throws -> [String] {
        try await app.db.sql.raw("SELECT state FROM jobs WHERE kind = \(bind: Outbox.kind) AND tenant_id = \(bind: tenant)").all()
            .map { try $0.decode(column: "state", as: String.self) }
    }

    @Test(.enabled(if: SMTPSink.isAvailable, "python3 with aiosmtpd is needed: pip install aiosmtpd"))
    func anInvitationIsDeliveredThroughSMTPWithAuthentication() async throws {
        let sink = try await SMTPSink(["--user", "onramp", "--password", "s3cret pass"])
        try await withOnrampApp(extraEnvironment: [
            "ONRAMP_SMTP_URL": "smtp://onramp:s3cret%20pass@127.0.0.1:\(sink.port)", "ONRAMP_MAIL_FROM": "desk@acme.example",
        ]) { app in
            let account = try await app.signUp(organization: "Acme Support")
            let created = try await app.testing().sendRequest(.POST, "/api/v1/invitations", headers: account.bearer + .json,
                                                              body: .json(["email": "zoe@example.com", "role": "agent"]))
            #expect(created.status == .created)
            try await runMailJobs(app)
            #expect(try await jobStates(app, tenant: account.tenantID) == ["succeeded"])
            let mail = try #require(try sink.received().first)
            #expect(mail.auth_user == "onramp")
            #expect(mail.rcpt_tos == ["zoe@example.com"])
            #expect(mail.mail_from == "desk@acme.example")
            #expect(mail.subject == "Olive Owner invited you to Acme Support on Onramp")
            #expect(mail.headers["X-Onramp-Kind"] == "invitation")
            let text = try #require(mail.text)
            let token = try #require(text.range(of: #"inv_[0-9A-Za-z]{40}"#, options: .regularExpression)).map { String(text[$0]) }
            // The link in the delivered mail accepts the invitation.
            let accepted = try await app.testing().sendRequest(.POST, "/api/v1/invitation-links/accept", headers: .json,
                                                               body: .json(["token": token, "name": "Zoë", "password": strongPassword]))
            #expect(accepted.status == .created, "\(accepted.body.string)")
        }
    }

    @Test(.enabled(if: SMTPSink.isAvailable, "python3 with aiosmtpd is needed: pip install aiosmtpd"))
    func aRefusingServerLeavesTheMailQueuedForARetry() async throws {
        let sink = try await SMTPSink(["--reject", "bounce@example.com"])
        try await withOnrampApp(extraEnvironment: ["ONRAMP_SMTP_URL": "smtp://127.0.0.1:\(sink.port)"]) { app in
            let account = try await app.signUp()
            _ = try await app.testing().sendRequest(.POST, "/api/v1/invitations", headers: account.bearer + .json,
                                                    body: .json(["email": "bounce@example.com", "role": "agent"]))
            try await runMailJobs(app)
            #expect(try await jobStates(app, tenant: account.tenantID) == ["queued"], "retried later")
            let error = try await app.db.sql.raw("SELECT last_error FROM jobs WHERE kind = \(bind: Outbox.kind)").first()?
                .decode(column: "last_error", as: String?.self)
            #expect(error?.contains("550") == true, "\(error ?? "")")
            #expect(try sink.received().isEmpty)
        }
    }

    @Test func withoutSMTPMailIsWrittenToFilesInTheDataDirectory() async throws {
        try await withOnrampApp { app in
            let account = try await app.signUp()
            _ = try await app.testing().sendRequest(.POST, "/api/v1/invitations", headers: account.bearer + .json,
                                                    body: .json(["email": "file@example.com", "role": "viewer"]))
            try await runMailJobs(app)
            let directory = URL(fileURLWithPath: app.onramp.settings.dataDirectory).appendingPathComponent("mail")
            let files = try FileManager.default.contentsOfDirectory(atPath: directory.path).filter { $0.hasSuffix(".eml") }
            #expect(files.count == 1)
            let raw = try String(contentsOf: directory.appendingPathComponent(try #require(files.first)), encoding: .utf8)
            #expect(raw.contains("To: <file@example.com>"))
            #expect(raw.contains("X-Onramp-Kind: invitation"))
            #expect(raw.contains("\r\n\r\n"), "headers and body are separated as RFC 5322 says")
        }
    }
}
