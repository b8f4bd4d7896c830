import Fluent
import Foundation
import Logging
import NIOConcurrencyHelpers
import OnrampDomain
import Vapor

/// What a running job can do: report progress, notice cancellation, reach the database.
struct JobContext: Sendable {
    let job: ClaimedJob
    let application: Application
    let worker: String
    let cancelled: NIOLockedValueBox<Bool>

    var logger: Logger { application.logger }

    /// Records progress (done of total, and a message a person reads).
    func progress(done: Int, total: Int?, message: String? = nil) async throws {
        try await application.writer.atomically { db in
            _ = try await JobQueue(db: db).progress(job.id, worker: worker, done: done, total: total, message: message)
        }
    }

    /// Throws `CancellationError` when someone cancelled the job; long jobs call it between batches.
    func checkCancellation() throws {
        if cancelled.withLockedValue({ $0 }) { throw CancellationError() }
    }
}

/// One kind of job and the code that runs it.
struct JobHandler: Sendable {
    let kind: String
    var retry = RetryPolicy.standard
    let run: @Sendable (JobContext) async throws -> Void
}

/// A recurring job: enqueued at each time its cron expression names, in its time zone.
struct RecurringJob: Sendable {
    let name: String
    let cron: CronSchedule
    let timeZone: TimeZone
    let kind: String
}

/// Claims due jobs and runs them, a few at a time, under leases it renews; reclaims jobs of
/// workers that died; enqueues recurring jobs when they are due. Runs inside `serve` and as
/// `onramp worker`; any number of runners may share one database.
final class JobRunner: Sendable {
    struct Options: Sendable {
        var concurrency = 2
        var lease: TimeInterval = 30
        var pollInterval: TimeInterval = 1
    }

    let application: Application
    let handlers: [String: JobHandler]
    let schedules: [RecurringJob]
    let options: Options
    let worker: String
    private let state = NIOLockedValueBox(State())

    private struct State {
        var running = 0
        var stopped = false
        var loop: Task<Void, Never>?
        var wake: CheckedContinuation<Void, Never>?
    }

    init(application: Application, handlers: [JobHandler], schedules: [RecurringJob] = [], options: Options = .init()) {
        self.application = application
        self.handlers = Dictionary(handlers.map { ($0.kind, $0) }, uniquingKeysWith: { _, last in last })
        self.schedules = schedules
        self.options = options
        worker = "\(ProcessInfo.processInfo.hostName)#\(ProcessInfo.processInfo.processIdentifier)#\(UUID().uuidString.prefix(8))"
    }

    func start() {
        state.withLockedValue { state in
            guard state.loop == nil else { return }
            state.loop = Task { await self.loop() }
        }
    }

    /// Stops claiming, waits for running jobs to end (their leases are released on finish).
    func stop() async {
        let loop = state.withLockedValue { state -> Task<Void, Never>? in
            state.stopped = true
            state.wake?.resume()
            state.wake = nil
            return state.loop
        }
        await loop?.value
        while state.withLockedValue({ $0.running }) > 0 { try? await Task.sleep(for: .milliseconds(20)) }
    }

    /// Runs once over the queue: reclaim, schedules, claim and run what is due; returns how many
    /// jobs it started. (`onramp worker --until-idle` and tests drive it directly.)
    @discardableResult
    func tick(now: Date = Date()) async throws -> Int {
        try await application.writer.atomically { db in _ = try await JobQueue(db: db).reclaimExpired(now: now) }
        try await enqueueDueSchedules(now: now)
        let free = options.concurrency - state.withLockedValue { $0.running }
        guard free > 0 else { return 0 }
        let lease = now.addingTimeInterval(options.lease)
        let kinds = Array(handlers.keys)
        let worker = worker
        let jobs = try await application.writer.atomically { db in
            try await JobQueue(db: db).claim(worker: worker, limit: free, leaseUntil: lease, now: now, kinds: kinds)
        }
        for job in jobs {
            state.withLockedValue { $0.running += 1 }
            Task { await self.execute(job) }
        }
        return jobs.count
    }

    /// Ends the current poll wait early (a job was just queued).
    func wake() {
        state.withLockedValue { state in
            state.wake?.resume()
            state.wake = nil
        }
    }

    /// Whether jobs are still running in this runner.
    var isBusy: Bool { state.withLockedValue { $0.running } > 0 }

    private func loop() async {
        while !state.withLockedValue({ $0.stopped }) {
            var started = 0
            do {
                started = try await tick()
            } catch {
                application.logger.warning("jobs: a poll failed", metadata: ["error": "\(error)"])
            }
            if started == 0 { await sleep(options.pollInterval) }
        }
    }

    private func sleep(_ seconds: TimeInterval) async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let stopped = state.withLockedValue { state -> Bool in
                if state.stopped { return true }
                state.wake = continuation
                return false
            }
            if stopped { continuation.resume(); return }
            Task {
                try? await Task.sleep(for: .seconds(seconds))
                self.state.withLockedValue { state in
                    state.wake?.resume()
                    state.wake = nil
                }
            }
        }
    }

    private func execute(_ job: ClaimedJob) async {
        defer { state.withLockedValue { $0.running -= 1 } }
        let metrics = application.onramp.metrics
        let started = ContinuousClock.now
        guard let handler = handlers[job.kind] else { return }
        let worker = worker
        let writer = application.writer
        let run: UUID
        do {
            run = try await writer.atomically { db in try await JobQueue(db: db).startRun(job, worker: worker) }
        } catch {
            application.logger.error("jobs: could not record the start of a run", metadata: ["job": "\(job.id)", "error": "\(error)"])
            return
        }
        let cancelled = NIOLockedValueBox(false)
        let context = JobContext(job: job, application: application, worker: worker, cancelled: cancelled)
        let lease = options.lease
        let heartbeat = Task {
            while !Task.isCancelled {
                try? await Task.sleep(for: .seconds(lease / 3))
                if Task.isCancelled { break }
                let requested = try? await writer.atomically { db in
                    try await JobQueue(db: db).heartbeat(job.id, worker: worker, leaseUntil: Date().addingTimeInterval(lease))
                }
                if requested == true { cancelled.withLockedValue { $0 = true } }
            }
        }
        let finish: JobQueue.Finish
        do {
            try await handler.run(context)
            finish = .succeeded
        } catch is CancellationError where cancelled.withLockedValue({ $0 }) {
            finish = .cancelled
        } catch {
            var generator = SystemRandomNumberGenerator()
            let message = String(describing: error)
            switch handler.retry.afterFailure(attempt: job.attempt, at: Date(), using: &generator) {
            case .retry(let at): finish = .retry(at: at, error: message)
            case .dead: finish = .dead(error: message)
            }
            application.logger.warning("jobs: a job failed", metadata: ["job": "\(job.id)", "kind": "\(job.kind)",
                                                                      "attempt": "\(job.attempt)", "error": "\(message)"])
        }
        heartbeat.cancel()
        do {
            try await writer.atomically { db in try await JobQueue(db: db).finish(job, run: run, worker: worker, as: finish) }
        } catch {
            application.logger.error("jobs: could not record how a run ended", metadata: ["job": "\(job.id)", "error": "\(error)"])
        }
        let outcome: String = switch finish {
        case .succeeded: "succeeded"
        case .retry: "retried"
        case .dead: "dead"
        case .cancelled: "cancelled"
        }
        metrics.recordJob(kind: job.kind, outcome: outcome, duration: ContinuousClock.now - started)
    }

    /// Enqueues each recurring job whose time has come (once per due time, across processes:
    /// the schedule row moves on in the same transaction, and the job has a unique key).
    private func enqueueDueSchedules(now: Date) async throws {
        guard !schedules.isEmpty else { return }
        try await application.writer.atomically { db in
            let store = JobScheduleStore(db: db)
            for schedule in self.schedules {
                guard let due = try await store.nextRun(of: schedule.name) else {
                    let next = schedule.cron.next(after: now, in: schedule.timeZone) ?? now.addingTimeInterval(86_400)
                    try await store.add(schedule, firstRunAt: next)
                    continue
                }
                guard due <= now else { continue }
                let next = schedule.cron.next(after: now, in: schedule.timeZone) ?? now.addingTimeInterval(86_400)
                guard try await store.advance(schedule.name, from: due, to: next, enqueuedAt: now) else { continue }
                try await JobQueue(db: db).enqueue(NewJob(kind: schedule.kind, runAt: due,
                                                          uniqueKey: "schedule:\(schedule.name)"), now: now)
            }
        }
    }
}
