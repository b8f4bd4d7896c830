import Fluent
import Foundation
import OnrampDomain
import SQLKit

/// Outgoing mail: each message is a `mail.send` job queued in the transaction of the change that
/// needs it, so mail exists exactly when the change commits and survives restarts; the job
/// renders and sends it through the configured email sender, retrying when the server fails.
enum Outbox {
    static let kind = "mail.send"

    struct Mail: Codable, Sendable {
        let to: String
        let subject: String
        let body: String
        /// What the mail is (`invitation`, `sla_warning`, …); sent as `X-Onramp-Kind`.
        let kind: String
    }

    static func enqueue(to: String, subject: String, body: String, kind: String, tenantID: UUID?, on db: any Database) async throws {
        let mail = Mail(to: to, subject: String(subject.prefix(300)), body: body, kind: kind)
        try await JobQueue(db: db).enqueue(NewJob(tenantID: tenantID, kind: Self.kind,
                                                  payload: String(decoding: try JSONEncoder().encode(mail), as: UTF8.self),
                                                  priority: 10, maxAttempts: 6))
    }
}
