import Foundation
import NIOConcurrencyHelpers
@testable import OnrampApp
import OnrampDomain
import OnrampIntegrations
import SQLKit
import Testing
import VaporTesting

/// A routing rule's `send_webhook` action, delivered by the `webhooks.send` job through the
/// webhook client the application was given.
@Suite("Webhook delivery")
struct WebhookDeliveryTests {
    static func ruleAndTicket(_ app: Application) async throws -> TestAccount {
        let account = try await app.signUp(organization: "Hooked")
        let rule = try await app.testing().sendRequest(.POST, "/api/v1/routing-rules", headers: account.bearer + .json, body: .json([
            "name": "Tell the shop", "events": ["ticket_created"],
            "actions": [["type": "send_webhook", "url": "https://hooks.example.com/onramp"]],
        ]))
        #expect(rule.status == .created, "\(rule.body.string)")
        let ticket = try await app.testing().sendRequest(.POST, "/api/v1/tickets", headers: account.bearer + .json,
                                                         body: .json(["subject": "Parcel lost", "body": "Where is it?"]))
        #expect(ticket.status == .created, "\(ticket.body.string)")
        return account
    }

    static func runWebhookJobs(_ app: Application) async throws {
        let runner = JobRunner(application: app, handlers: [WebhookJob.handler], options: .init(concurrency: 1, lease: 30, pollInterval: 0.05))
        _ = try await runner.tick()
        while runner.isBusy { try await Task.sleep(for: .milliseconds(20)) }
    }

    static func job(_ app: Application, tenant: UUID) async throws -> (state: String, error: String?) {
        struct Row: Decodable { let state: String; let lastError: String? }
        let row = try #require(try await app.db.sql.raw("""
            SELECT state, last_error FROM jobs WHERE kind = \(bind: WebhookJob.kind) AND tenant_id = \(bind: tenant)
            """).first(decoding: Row.self, keyDecodingStrategy: .convertFromSnakeCase))
        return (row.state, row.lastError)
    }

    @Test("the receiver gets the event's JSON with the tenant's signature of exactly that body")
    func delivered() async throws {
        let log = NIOLockedValueBox<[WebhookClient.Delivery]>([])
        try await withOnrampApp(webhooks: .recording(into: log, status: 204)) { app in
            let account = try await Self.ruleAndTicket(app)
            try await Self.runWebhookJobs(app)
            let deliveries = log.withLockedValue { $0 }
            #expect(deliveries.count == 1)
            let delivery = try #require(deliveries.first)
            #expect(delivery.url.absoluteString == "https://hooks.example.com/onramp")
            #expect(delivery.body.contains(#""event":"ticket_created""#) && delivery.body.contains(#""subject":"Parcel lost""#))
            #expect(delivery.signature == WebhookJob.signature(of: delivery.body, tenantID: account.tenantID, box: app.onramp.secretBox))
            #expect(try await Self.job(app, tenant: account.tenantID).state == "succeeded")
        }
    }

    @Test("a receiver that answers 500 leaves the job queued for a retry, with the status in its error")
    func refused() async throws {
        let log = NIOLockedValueBox<[WebhookClient.Delivery]>([])
        try await withOnrampApp(webhooks: .recording(into: log, status: 500)) { app in
            let account = try await Self.ruleAndTicket(app)
            try await Self.runWebhookJobs(app)
            #expect(log.withLockedValue { $0.count } == 1)
            let job = try await Self.job(app, tenant: account.tenantID)
            #expect(job.state == "queued")
            #expect(job.error == "The webhook receiver at hooks.example.com answered 500.")
        }
    }
}
