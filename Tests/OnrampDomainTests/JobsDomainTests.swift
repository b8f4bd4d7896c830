import Foundation
@testable import OnrampDomain
import Testing

@Suite("Retry policy")
struct RetryPolicyTests {
    @Test func delaysDoubleUpToTheCapWithoutJitter() {
        let policy = RetryPolicy(maxAttempts: 10, baseDelay: 10, maxDelay: 100, jitter: 0)
        var generator = SplitMix64(seed: 1)
        #expect((1...6).map { policy.delay(afterAttempt: $0, using: &generator) } == [10, 20, 40, 80, 100, 100])
    }

    @Test func jitterStaysWithinItsShareAndVaries() {
        let policy = RetryPolicy(maxAttempts: 5, baseDelay: 100, maxDelay: 1000, jitter: 0.2)
        var generator = SplitMix64(seed: 42)
        let delays = (0..<200).map { _ in policy.delay(afterAttempt: 2, using: &generator) }
        #expect(delays.allSatisfy { (160...240).contains($0) })
        #expect(Set(delays).count > 100, "delays are spread out")
    }

    @Test func theLastAttemptIsDead() {
        let policy = RetryPolicy(maxAttempts: 3, baseDelay: 5, maxDelay: 60, jitter: 0)
        var generator = SplitMix64(seed: 3)
        let now = Date(timeIntervalSince1970: 1_000)
        #expect(policy.afterFailure(attempt: 1, at: now, using: &generator) == .retry(at: now.addingTimeInterval(5)))
        #expect(policy.afterFailure(attempt: 2, at: now, using: &generator) == .retry(at: now.addingTimeInterval(10)))
        #expect(policy.afterFailure(attempt: 3, at: now, using: &generator) == .dead)
        #expect(RetryPolicy(maxAttempts: 0, baseDelay: -1, maxDelay: -5, jitter: 3) == RetryPolicy(maxAttempts: 1, baseDelay: 0, maxDelay: 0, jitter: 1))
        #expect(JobState.allCases.filter(\.isFinal) == [.succeeded, .dead, .cancelled])
    }
}

@Suite("Cron schedules")
struct CronScheduleTests {
    let utc = TimeZone(identifier: "UTC")!
    let berlin = TimeZone(identifier: "Europe/Berlin")!

    func date(_ text: String) -> Date { ISO8601DateFormatter().date(from: text)! }

    @Test func everyQuarterHour() throws {
        let cron = try CronSchedule("*/15 * * * *")
        #expect(cron.next(after: date("2026-11-22T10:07:00Z"), in: utc) == date("2026-11-22T10:15:00Z"))
        #expect(cron.next(after: date("2026-11-22T10:15:00Z"), in: utc) == date("2026-11-22T10:30:00Z"), "strictly after")
        #expect(cron.next(after: date("2026-11-22T23:59:30Z"), in: utc) == date("2026-11-23T00:00:00Z"))
    }

    @Test func weekdayMorningsInTheTenantsTimeZone() throws {
        let cron = try CronSchedule("0 9 * * MON-FRI")
        // Saturday 21 Nov 2026 → Monday 23 Nov, 09:00 in Berlin is 08:00 UTC (winter time).
        #expect(cron.next(after: date("2026-11-21T12:00:00Z"), in: berlin) == date("2026-11-23T08:00:00Z"))
        #expect(cron.next(after: date("2026-11-23T08:00:00Z"), in: berlin) == date("2026-11-24T08:00:00Z"))
        #expect(cron.expression == "0 9 * * mon-fri")
    }

    @Test func monthsListsNamesAndEitherDayField() throws {
        #expect(try CronSchedule("30 2 1 jan,jul *").next(after: date("2026-02-01T00:00:00Z"), in: utc) == date("2026-07-01T02:30:00Z"))
        #expect(try CronSchedule("0 0 29 2 *").next(after: date("2026-03-01T00:00:00Z"), in: utc) == date("2028-02-29T00:00:00Z"))
        // Day-of-month 13 or any Friday: Friday 27 Nov 2026 comes before 13 Dec.
        #expect(try CronSchedule("0 12 13 * 5").next(after: date("2026-11-22T00:00:00Z"), in: utc) == date("2026-11-27T12:00:00Z"))
        #expect(try CronSchedule("0 0 * * 7").next(after: date("2026-11-22T01:00:00Z"), in: utc) == date("2026-11-29T00:00:00Z"), "7 is Sunday")
        #expect(try CronSchedule("0 8-18/5 * * *").next(after: date("2026-11-22T09:00:00Z"), in: utc) == date("2026-11-22T13:00:00Z"))
        #expect(try CronSchedule("5/20 * * * *").next(after: date("2026-11-22T09:06:00Z"), in: utc) == date("2026-11-22T09:25:00Z"))
        #expect(try CronSchedule("0 0 31 2 *").next(after: date("2026-01-01T00:00:00Z"), in: utc) == nil, "31 February never comes")
    }

    @Test func daylightSavingTimeSkipsTheMissingHourAndRunsTheRepeatedOneOnce() throws {
        let cron = try CronSchedule("30 2 * * *")
        // 29 March 2026: Berlin jumps from 02:00 to 03:00, so 02:30 does not exist that day.
        #expect(cron.next(after: date("2026-03-28T12:00:00Z"), in: berlin) == date("2026-03-30T00:30:00Z"))
        // 25 October 2026: 02:30 happens twice (CEST, then CET); it runs at the first only.
        let first = try #require(cron.next(after: date("2026-10-24T12:00:00Z"), in: berlin))
        #expect(first == date("2026-10-25T00:30:00Z"))
        #expect(cron.next(after: first, in: berlin) == date("2026-10-26T01:30:00Z"))
    }

    @Test("malformed expressions are refused with a reason",
          arguments: ["", "* * * *", "* * * * * *", "60 * * * *", "* 24 * * *", "* * 0 * *", "* * * 13 *", "* * * * 8",
                      "*/0 * * * *", "5-1 * * * *", "a * * * *", "1,,2 * * * *", "* * * foo *", "1-2-3 * * * *", "/5 * * * *"])
    func malformed(_ text: String) {
        #expect(throws: CronSchedule.Invalid.self) { try CronSchedule(text) }
    }
}
