import Fluent
import Foundation
import OnrampDomain

/// A kind of background job: its name, the payload it carries and how it is retried, in one
/// value. Jobs are enqueued with a definition and a typed payload, and handled by a function
/// that receives the payload decoded, so a kind, its payload and its attempts cannot disagree.
/// Every definition is listed in `JobKinds`.
struct JobDefinition<Payload: Codable & Sendable>: Sendable {
    let kind: String
    var retry = RetryPolicy.standard
    /// Higher runs first among due jobs.
    var priority = 0

    /// The job to enqueue: this kind with `payload`, tried as often as the retry policy says.
    func job(_ payload: Payload, tenantID: UUID?, runAt: Date = Date(), uniqueKey: String? = nil) throws -> NewJob {
        NewJob(tenantID: tenantID, kind: kind, payload: String(decoding: try JSONEncoder().encode(payload), as: UTF8.self),
               priority: priority, runAt: runAt, maxAttempts: retry.maxAttempts, uniqueKey: uniqueKey)
    }

    /// The handler the runner calls for this kind; a payload that cannot be read fails the job with `unreadable`.
    func handler(unreadable: String, _ run: @escaping @Sendable (JobContext, Payload) async throws -> Void) -> JobHandler {
        JobHandler(kind: kind, retry: retry) { context in
            guard let payload = try? JSONDecoder().decode(Payload.self, from: Data(context.job.payload.utf8)) else {
                throw JobFailure(unreadable)
            }
            try await run(context, payload)
        }
    }
}

/// The payload of a job that needs none (`{}`).
struct NoPayload: Codable, Sendable, Equatable {}

extension JobQueue {
    /// Enqueues a job of `definition`'s kind inside the caller's transaction; returns its id, or
    /// the id of the active job with the same unique key.
    @discardableResult
    func enqueue<Payload>(_ definition: JobDefinition<Payload>, _ payload: Payload, tenantID: UUID?, runAt: Date = Date(),
                          uniqueKey: String? = nil) async throws -> UUID {
        try await enqueue(definition.job(payload, tenantID: tenantID, runAt: runAt, uniqueKey: uniqueKey))
    }
}
