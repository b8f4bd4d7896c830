import Fluent
import Foundation
import OnrampDomain
import OnrampIntegrations
import SQLKit
import Vapor

/// A routing rule's webhook (`send_webhook`): a durable job that POSTs the event and the ticket
/// as JSON, signed with the tenant's webhook key (`X-Onramp-Signature: sha256=<hex HMAC of the
/// body>`), retried with backoff when the receiver fails.
enum WebhookJob {
    static var kind: String { JobKinds.webhookSend.kind }

    struct Payload: Codable {
        let url: String
        let body: String
    }

    static func enqueue(url: String, event: RuleEvent, ticket: TicketState, tenantID: UUID, at now: Date, on db: any Database) async throws {
        let body: [String: JSONValue] = [
            "event": .string(event.rawValue), "occurred_at": .string(now.formatted(.iso8601)), "tenant_id": .string(tenantID.uuidString.lowercased()),
            "ticket": .object([
                "id": .string(ticket.id.uuidString.lowercased()), "number": .int(Int(ticket.number)), "subject": .string(ticket.subject),
                "status": .string(ticket.status.rawValue), "priority": .string(ticket.priority.rawValue), "channel": .string(ticket.channel),
                "team": ticket.team.map { .string($0) } ?? .null, "tags": .array(ticket.tags.map { .string($0) }),
                "assignee_id": ticket.assigneeID.map { .string($0.uuidString.lowercased()) } ?? .null,
            ]),
        ]
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        let payload = Payload(url: url, body: String(decoding: try encoder.encode(JSONValue.object(body)), as: UTF8.self))
        try await JobQueue(db: db).enqueue(JobKinds.webhookSend, payload, tenantID: tenantID)
    }

    static func signature(of body: String, tenantID: UUID, box: SecretBox) -> String {
        "sha256=" + box.signature(Array(body.utf8), context: "tenant:\(tenantID.uuidString.lowercased()):webhooks")
    }

    static let handler = JobKinds.webhookSend.handler(unreadable: "A webhook job needs a tenant and an https address.") { context, payload in
        guard let tenantID = context.job.tenantID, let url = URL(string: payload.url), url.scheme == "https" else {
            throw JobFailure("A webhook job needs a tenant and an https address.")
        }
        let app = context.application
        let status = try await app.onramp.webhooks.deliver(.init(
            url: url, body: payload.body, signature: signature(of: payload.body, tenantID: tenantID, box: app.onramp.secretBox)))
        guard (200..<300).contains(status) else {
            throw JobFailure("The webhook receiver at \(url.host ?? payload.url) answered \(status).")
        }
        try await context.progress(done: 1, total: 1, message: "Delivered to \(url.host ?? payload.url): \(status).")
    }
}
