import Foundation
import OnrampDomain

/// Every kind of background job, with its payload type and retry policy. Handlers are built
/// from these definitions (`JobCatalog.handlers` lists them), and enqueueing takes them.
enum JobKinds {
    /// One outgoing mail of the outbox: retried for about a day while the server refuses or is away.
    static let mailSend = JobDefinition<Outbox.Mail>(
        kind: "mail.send", retry: RetryPolicy(maxAttempts: 6, baseDelay: 30, maxDelay: 3600, jitter: 0.2), priority: 10)

    /// A routing rule's webhook.
    static let webhookSend = JobDefinition<WebhookJob.Payload>(
        kind: "webhooks.send", retry: RetryPolicy(maxAttempts: 6, baseDelay: 30, maxDelay: 3600, jitter: 0.2))

    /// A ticket's next SLA deadline (warning, breach, escalation level).
    static let slaCheck = JobDefinition<SLAMonitor.CheckPayload>(
        kind: "sla.check", retry: RetryPolicy(maxAttempts: 3, baseDelay: 5, maxDelay: 60, jitter: 0.2), priority: 5)

    /// An invitation recorded at activation, sent in the name of the account's first owner.
    static let invitationSend = JobDefinition<Invitations.SendPayload>(
        kind: "invitations.send", retry: RetryPolicy(maxAttempts: 3, baseDelay: 10, maxDelay: 300, jitter: 0.2))

    /// An import, from its checkpoint to the end: many attempts, since a killed worker costs one
    /// and each attempt resumes where the last stopped.
    static let importRun = JobDefinition<ImportJob.Payload>(
        kind: "imports.run", retry: RetryPolicy(maxAttempts: 20, baseDelay: 2, maxDelay: 300, jitter: 0.2))

    /// A tenant's audit hash chain checked once (the verdict is the job's progress message).
    static let auditVerify = JobDefinition<NoPayload>(
        kind: "audit.verify", retry: RetryPolicy(maxAttempts: 1, baseDelay: 0, maxDelay: 0, jitter: 0))

    /// Expired sign-in sessions deleted (hourly).
    static let sessionsPrune = JobDefinition<NoPayload>(kind: "sessions.prune")

    /// Every kind above; each has exactly one handler in `JobCatalog.handlers` (tested).
    static let allKinds = [mailSend.kind, webhookSend.kind, slaCheck.kind, invitationSend.kind, importRun.kind, auditVerify.kind,
                           sessionsPrune.kind]
}
