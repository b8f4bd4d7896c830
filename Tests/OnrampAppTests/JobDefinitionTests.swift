import Foundation
import NIOConcurrencyHelpers
@testable import OnrampApp
import OnrampDomain
import SQLKit
import Testing
import VaporTesting

/// Typed jobs: a definition carries its kind, payload type and retry policy into the queue and
/// into its handler.
@Suite("Job definitions")
struct JobDefinitionTests {
    struct Greeting: Codable, Sendable, Equatable {
        let name: String
        let times: Int
    }

    static let greet = JobDefinition<Greeting>(kind: "test.greet", retry: RetryPolicy(maxAttempts: 4, baseDelay: 1, maxDelay: 2, jitter: 0),
                                               priority: 7)

    @Test("the queued job has the definition's kind, attempts and priority, and the handler gets the payload back")
    func roundTrip() async throws {
        try await withOnrampApp { app in
            let seen = NIOLockedValueBox<[Greeting]>([])
            let handler = Self.greet.handler(unreadable: "unreadable greeting") { _, greeting in seen.withLockedValue { $0.append(greeting) } }
            #expect(handler.kind == "test.greet" && handler.retry.maxAttempts == 4)
            let id = try await app.writer.atomically { db in
                try await JobQueue(db: db).enqueue(Self.greet, Greeting(name: "Zoë", times: 2), tenantID: nil)
            }
            struct Row: Decodable { let kind: String; let maxAttempts: Int; let priority: Int; let payload: String }
            let row = try #require(try await app.db.sql.raw("SELECT kind, max_attempts, priority, payload FROM jobs WHERE id = \(bind: id)")
                .first(decoding: Row.self, keyDecodingStrategy: .convertFromSnakeCase))
            #expect(row.kind == "test.greet" && row.maxAttempts == 4 && row.priority == 7)
            #expect(try JSONDecoder().decode(Greeting.self, from: Data(row.payload.utf8)) == Greeting(name: "Zoë", times: 2))
            #expect(try await JobRunner(application: app, handlers: [handler]).drain(at: Date()) == 1)
            #expect(seen.withLockedValue { $0 } == [Greeting(name: "Zoë", times: 2)])
            #expect(try await jobRow(id, on: app.db).state == "succeeded")
        }
    }

    @Test("a payload that does not read as the definition's type fails the job with the definition's message")
    func unreadable() async throws {
        try await withOnrampApp { app in
            let handler = Self.greet.handler(unreadable: "The greeting cannot be read.") { _, _ in Issue.record("must not run") }
            let id = try await app.writer.atomically { db in
                try await JobQueue(db: db).enqueue(NewJob(kind: "test.greet", payload: #"{"name":1}"#, maxAttempts: 4))
            }
            #expect(try await JobRunner(application: app, handlers: [handler]).drain(at: Date()) == 1)
            let row = try await jobRow(id, on: app.db)
            #expect(row.state == "queued" && row.attempts == 1, "retried by the definition's policy")
            #expect(row.error == "The greeting cannot be read.")
        }
    }

    @Test("the outbox's mail jobs use the mail definition's attempts (one place for them)")
    func outboxUsesItsDefinition() async throws {
        try await withOnrampApp { app in
            try await app.writer.atomically { db in
                try await Outbox.enqueue(to: "zoe@example.com", subject: "Hello", body: "Hi", kind: "test", tenantID: nil, on: db)
            }
            let attempts = try await app.db.sql.raw("SELECT max_attempts FROM jobs WHERE kind = 'mail.send'").first(decodingColumn: "max_attempts", as: Int.self)
            #expect(attempts == JobKinds.mailSend.retry.maxAttempts)
            #expect(Outbox.handler.retry == JobKinds.mailSend.retry)
        }
    }

    @Test("every job kind has exactly one handler, built from its definition, and every recurring job names a kind")
    func registry() {
        let kinds = JobCatalog.handlers.map(\.kind)
        #expect(kinds.sorted() == JobKinds.allKinds.sorted())
        #expect(Set(kinds).count == kinds.count)
        #expect(JobCatalog.handler("imports.run")?.retry == JobKinds.importRun.retry)
        #expect(JobCatalog.handler("sla.check")?.retry == JobKinds.slaCheck.retry)
        for schedule in JobCatalog.schedules { #expect(JobKinds.allKinds.contains(schedule.kind)) }
    }
}
