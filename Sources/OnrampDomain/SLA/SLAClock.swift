import Foundation

/// The SLA state of one ticket, worked out from its history.
///
/// Semantics (each metric is measured in business time of the calendar, or 24/7 when the
/// policy says calendar hours):
/// - First response runs from creation to the first public agent reply.
/// - Next response starts with a customer's public reply once the first response is done and
///   no next response is already running (so the oldest unanswered message counts, as in
///   Zendesk); the next public agent reply achieves it.
/// - Periodic update starts with each public agent reply (and when a solved ticket is
///   reopened); the next public agent reply achieves it and starts the next one.
/// - Resolution runs from creation until the ticket is resolved or closed. Reopening resumes it
///   with the business time it had left (as in Zendesk); time spent solved does not count.
/// - A metric's clock stands still while the status is one the policy pauses it in; the due
///   time moves on by the paused time. While paused there is no due time, only the business
///   minutes left.
/// - Resolving or closing the ticket ends every running metric at that moment (achieved, or
///   breached if already late): nobody is waiting for a reply on a solved ticket. A customer
///   reply reopens a resolved ticket (status open), not a closed one (that takes a status change
///   or `reopened`). Public agent replies on a solved ticket change nothing.
/// - A priority change applies the new priority's targets to the metrics still running,
///   measured from their own start (for first response and resolution: from creation), so a
///   tighter target may be breached already, at the instant it ran out. Metrics already
///   achieved keep the targets of the priority they ended under.
/// - A metric is breached when its due time comes before it is achieved (achieving exactly at
///   the due time counts); it stays breached once achieved later.
/// - Events later than `now` are not looked at; events before creation count as at creation.
public struct SLAClock: Sendable {
    public enum Event: Sendable, Equatable, Codable {
        case statusChanged(to: TicketStatus, at: Date)
        case publicReply(byAgent: Bool, at: Date)
        case priorityChanged(to: TicketPriority, at: Date)
        /// Back to open after resolved or closed (nothing otherwise).
        case reopened(at: Date)

        public var at: Date {
            switch self {
            case .statusChanged(_, let at), .publicReply(_, let at), .priorityChanged(_, let at), .reopened(let at): at
            }
        }
    }

    /// One metric's state for the ticket API.
    public struct MetricStatus: Sendable, Equatable, Codable {
        public enum State: String, Sendable, Codable {
            case active, paused, achieved, breached
        }

        public let metric: SLAMetric
        public let state: State
        public let targetMinutes: Int
        /// When the current cycle began (creation; the customer reply; the agent reply).
        public let startedAt: Date
        /// When the target runs out: set while active and once breached; nil while paused and when achieved in time.
        public let dueAt: Date?
        /// Business minutes left (rounded up) while active or paused.
        public let remainingBusinessMinutes: Int?
        /// When the warning fires or fired, if known (nil while paused before it).
        public let warningAt: Date?
        public let breachedAt: Date?
        public let achievedAt: Date?

        enum CodingKeys: String, CodingKey {
            case metric, state, targetMinutes = "target_minutes", startedAt = "started_at", dueAt = "due_at"
            case remainingBusinessMinutes = "remaining_business_minutes", warningAt = "warning_at"
            case breachedAt = "breached_at", achievedAt = "achieved_at"
        }
    }

    /// A moment for which the app schedules a job.
    public struct Deadline: Sendable, Equatable, Codable {
        public enum Kind: String, Sendable, Codable {
            case warning, breach
        }

        public let metric: SLAMetric
        public let kind: Kind
        public let at: Date
    }

    public let policy: SLAPolicy
    /// The business calendar; replaced by calendar hours when the policy asks for them.
    public let calendar: BusinessCalendar
    public let createdAt: Date
    /// The priority at creation; `priorityChanged` events change it.
    public let priority: TicketPriority
    /// The ticket's history, in time order (events at the same time apply in list order).
    public let events: [Event]

    public init(policy: SLAPolicy, calendar: BusinessCalendar, createdAt: Date, priority: TicketPriority, events: [Event]) {
        self.policy = policy
        self.calendar = policy.calendarHours && !calendar.isCalendarHours ? .calendarHours(timeZone: calendar.timeZone) : calendar
        self.createdAt = createdAt
        self.priority = priority
        self.events = events.enumerated().sorted { ($0.element.at, $0.offset) < ($1.element.at, $1.offset) }.map(\.element)
    }

    /// Each measured metric's state at `now`; a metric is absent when the priority has no
    /// target for it or it has not started (next response before any customer reply,
    /// periodic update before any agent reply).
    public func status(at now: Date) -> [SLAMetric: MetricStatus] {
        let nowMs = BusinessCalendar.milliseconds(now) ?? 0
        let timeline = Timeline(clock: self, until: nowMs)
        var result: [SLAMetric: MetricStatus] = [:]
        for metric in SLAMetric.allCases {
            guard let cycle = timeline.cycles[metric] else { continue }
            let priority = cycle.end == nil ? timeline.priority : cycle.priorityAtEnd
            guard let target = policy.target(metric, priority: priority) else { continue }
            result[metric] = evaluate(cycle, metric: metric, target: target, now: nowMs)
        }
        return result
    }

    /// The warnings and breaches still to come after `now`, earliest first, for the metrics
    /// that are running; schedule a job for each and work the clock out again when it fires
    /// (or sooner, when the ticket changes).
    public func nextDeadlines(now: Date) -> [Deadline] {
        var deadlines: [Deadline] = []
        for (metric, status) in status(at: now) where status.state == .active {
            if let warning = status.warningAt, warning > now { deadlines.append(Deadline(metric: metric, kind: .warning, at: warning)) }
            if let due = status.dueAt { deadlines.append(Deadline(metric: metric, kind: .breach, at: due)) }
        }
        let order = SLAMetric.allCases
        return deadlines.sorted {
            ($0.at, order.firstIndex(of: $0.metric)!, $0.kind == .warning ? 0 : 1)
                < ($1.at, order.firstIndex(of: $1.metric)!, $1.kind == .warning ? 0 : 1)
        }
    }

    /// One run of a metric: when it started, the stretches its clock ran, and when it ended.
    struct Cycle {
        var start: Int64
        /// [from, to) in milliseconds; the last one's `to` is nil while the clock runs.
        var running: [(from: Int64, to: Int64?)] = []
        var end: Int64?
        var priorityAtEnd: TicketPriority = .normal
    }

    /// The ticket's history replayed up to `until`: each metric's latest cycle.
    struct Timeline {
        var cycles: [SLAMetric: Cycle] = [:]
        var status = TicketStatus.new
        var priority: TicketPriority
        let policy: SLAPolicy

        init(clock: SLAClock, until: Int64) {
            policy = clock.policy
            priority = clock.priority
            let created = BusinessCalendar.milliseconds(clock.createdAt) ?? 0
            guard created <= until else { return }
            cycles[.firstResponse] = Cycle(start: created)
            cycles[.resolution] = Cycle(start: created)
            sync(at: created)
            for event in clock.events {
                guard let at = BusinessCalendar.milliseconds(event.at), at <= until else { break }
                apply(event, at: max(at, created))
            }
        }

        mutating func apply(_ event: Event, at time: Int64) {
            switch event {
            case .statusChanged(let next, _):
                change(to: next, at: time)
            case .reopened:
                if status.isSolved { change(to: .open, at: time) }
            case .priorityChanged(let next, _):
                priority = next
            case .publicReply(byAgent: true, _):
                guard !status.isSolved else { return }
                finish(.firstResponse, at: time)
                finish(.nextResponse, at: time)
                finish(.periodicUpdate, at: time)
                cycles[.periodicUpdate] = Cycle(start: time)
            case .publicReply(byAgent: false, _):
                if status == .closed { return }
                if status == .resolved { change(to: .open, at: time) }
                let firstResponseDone = cycles[.firstResponse]?.end != nil
                if firstResponseDone, cycles[.nextResponse].map({ $0.end != nil }) ?? true {
                    cycles[.nextResponse] = Cycle(start: time)
                }
            }
            sync(at: time)
        }

        mutating func change(to next: TicketStatus, at time: Int64) {
            let wasSolved = status.isSolved
            status = next
            if !wasSolved, next.isSolved {
                for metric in SLAMetric.allCases { finish(metric, at: time) }
            } else if wasSolved, !next.isSolved {
                cycles[.resolution]?.end = nil
                cycles[.periodicUpdate] = Cycle(start: time)
            }
        }

        /// Ends the metric's cycle if it is running (its clock stops in `sync`).
        mutating func finish(_ metric: SLAMetric, at time: Int64) {
            guard var cycle = cycles[metric], cycle.end == nil else { return }
            cycle.end = time
            cycle.priorityAtEnd = priority
            cycles[metric] = cycle
            sync(at: time)
        }

        /// Starts or stops each metric's clock to fit the cycle and the status.
        mutating func sync(at time: Int64) {
            for (metric, var cycle) in cycles {
                let runs = cycle.end == nil && !status.isSolved && !policy.pauses(metric, in: status)
                let running = cycle.running.last.map { $0.to == nil } ?? false
                if runs, !running {
                    cycle.running.append((time, nil))
                } else if !runs, running {
                    cycle.running[cycle.running.count - 1].to = time
                } else {
                    continue
                }
                cycles[metric] = cycle
            }
        }
    }

    func evaluate(_ cycle: Cycle, metric: SLAMetric, target: Int, now: Int64) -> MetricStatus {
        let targetMs = Int64(target) * 60_000
        let warnAfter: Int64? = policy.warningMinutes > 0 && target > policy.warningMinutes
            ? Int64(target - policy.warningMinutes) * 60_000 : nil
        var elapsed: Int64 = 0
        var due: Int64?
        var warning: Int64?
        var runningNow = false
        for stretch in cycle.running {
            if let to = stretch.to {
                let length = calendar.businessMilliseconds(from: stretch.from, to: to)
                if due == nil, elapsed + length >= targetMs { due = calendar.addingBusiness(milliseconds: targetMs - elapsed, to: stretch.from) }
                if warning == nil, let warnAfter, elapsed + length >= warnAfter {
                    warning = calendar.addingBusiness(milliseconds: warnAfter - elapsed, to: stretch.from)
                }
                elapsed += length
            } else {
                runningNow = true
                if due == nil { due = calendar.addingBusiness(milliseconds: targetMs - elapsed, to: stretch.from) }
                // (A due time or warning reached in an earlier stretch was set there.)
                if warning == nil, let warnAfter {
                    warning = calendar.addingBusiness(milliseconds: warnAfter - elapsed, to: stretch.from)
                }
                elapsed += calendar.businessMilliseconds(from: stretch.from, to: max(now, stretch.from))
            }
        }
        func date(_ value: Int64?) -> Date? { value.map(BusinessCalendar.date) }
        let remaining = Int((max(0, targetMs - elapsed) + 59_999) / 60_000)
        let state: MetricStatus.State
        var breachedAt: Int64?
        if let end = cycle.end {
            if let due, due < end {
                state = .breached
                breachedAt = due
            } else {
                state = .achieved
            }
        } else if let due, due <= now {  // (while paused, only a due time already passed is known)
            state = .breached
            breachedAt = due
        } else {
            state = runningNow ? .active : .paused
        }
        return MetricStatus(
            metric: metric, state: state, targetMinutes: target, startedAt: BusinessCalendar.date(cycle.start),
            dueAt: state == .active || state == .breached ? date(due) : nil,
            remainingBusinessMinutes: state == .active || state == .paused ? remaining : nil,
            warningAt: date(warning), breachedAt: date(breachedAt), achievedAt: date(cycle.end))
    }
}
