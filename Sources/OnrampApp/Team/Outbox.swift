import Fluent
import Foundation
import OnrampDomain
import SQLKit
import Vapor

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

extension Outbox {
    /// Renders and sends one queued mail; a server that refuses or is away is retried with
    /// backoff, and the job's error says why (also when the mail itself cannot be built).
    static let handler = JobHandler(kind: kind, retry: RetryPolicy(maxAttempts: 6, baseDelay: 30, maxDelay: 3600, jitter: 0.2)) { context in
        guard let mail = try? JSONDecoder().decode(Mail.self, from: Data(context.job.payload.utf8)) else {
            throw JobFailure("The queued mail cannot be read.")
        }
        let app = context.application
        let message: EmailMessage
        do {
            message = try EmailMessage(from: .init(app.onramp.settings.mailFrom, name: "Onramp"), to: [.init(mail.to)], subject: mail.subject,
                                       textBody: mail.body, headers: [.init("X-Onramp-Kind", mail.kind)])
        } catch {
            throw JobFailure("The mail to \(mail.to) cannot be sent: \(error)")
        }
        try await app.onramp.mailer.send(message)
        try await context.progress(done: 1, total: 1, message: "Sent to \(mail.to).")
    }
}
