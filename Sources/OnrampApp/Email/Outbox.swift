import Fluent
import Foundation
import OnrampDomain
import SQLKit
import Vapor

/// Outgoing mail: each message is a `mail.send` job queued in the transaction of the change that
/// needs it, so mail exists exactly when the change commits and survives restarts; the job
/// renders and sends it through the configured email sender, retrying when the server fails.
enum Outbox {
    static var kind: String { JobKinds.mailSend.kind }

    struct Mail: Codable, Sendable {
        let to: String
        let subject: String
        let body: String
        /// What the mail is (`invitation`, `sla_warning`, …); sent as `X-Onramp-Kind`.
        let kind: String
    }

    static func enqueue(to: String, subject: String, body: String, kind: String, tenantID: UUID?, on db: any Database) async throws {
        let mail = Mail(to: to, subject: String(subject.prefix(300)), body: body, kind: kind)
        try await JobQueue(db: db).enqueue(JobKinds.mailSend, mail, tenantID: tenantID)
    }
}

extension Outbox {
    /// Renders and sends one queued mail; a server that refuses or is away is retried with
    /// backoff, and the job's error says why (also when the mail itself cannot be built).
    static let handler = JobKinds.mailSend.handler(unreadable: "The queued mail cannot be read.") { context, mail in
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
