import Foundation
import OnrampDomain
import Testing

/// One random operation on a session.
private enum Operation: CustomStringConvertible {
    case update(OnboardingStepID, StepConfig, complete: Bool)
    case skip(OnboardingStepID)
    case reopen(OnboardingStepID)
    case pause, resume, complete

    var description: String {
        switch self {
        case .update(let step, let patch, let complete):
            "update(\(step.rawValue), keys: \(patch.keys.sorted()), complete: \(complete))"
        case .skip(let step): "skip(\(step.rawValue))"
        case .reopen(let step): "reopen(\(step.rawValue))"
        case .pause: "pause"
        case .resume: "resume"
        case .complete: "complete"
        }
    }

    func apply(to session: inout OnboardingSession, at now: Date) throws(OnboardingFailure) {
        switch self {
        case .update(let step, let patch, let complete): try session.update(step, patch: patch, complete: complete, at: now)
        case .skip(let step): try session.skip(step, at: now)
        case .reopen(let step): try session.reopen(step, at: now)
        case .pause: try session.pause(at: now)
        case .resume: try session.resume(at: now)
        case .complete: try session.complete(at: now)
        }
    }
}

@Suite("OnboardingSession properties")
struct OnboardingPropertyTests {
    typealias F = OnboardingFixtures

    static let sequences = 300
    static let operationsPerSequence = 40

    private static func randomStep(_ random: inout SplitMix64) -> OnboardingStepID {
        OnboardingStepID.allCases.randomElement(using: &random)!
    }

    /// Some fields of the step's valid configuration, perhaps with one removed (null) or made invalid.
    private static func randomPatch(_ step: OnboardingStepID, _ random: inout SplitMix64) -> StepConfig {
        let valid = F.valid(step)
        var patch: StepConfig = [:]
        for (key, value) in valid where Bool.random(using: &random) { patch[key] = value }
        switch Int.random(in: 0..<6, using: &random) {
        case 0: if let key = valid.keys.randomElement(using: &random) { patch[key] = .null }
        case 1: patch.merge(F.invalidPatch(step)) { $1 }
        default: break
        }
        return patch
    }

    private static func randomOperation(_ session: OnboardingSession, _ random: inout SplitMix64) -> Operation {
        let step = randomStep(&random)
        switch Int.random(in: 0..<100, using: &random) {
        case 0..<15: return .update(step, randomPatch(step, &random), complete: false)
        case 15..<25: return .update(step, F.valid(step), complete: true)
        case 25..<32: return .update(step, F.merged(F.valid(step), F.invalidPatch(step)), complete: true)
        case 32..<37: return .update(step, randomPatch(step, &random), complete: true)
        // Walk the wizard: complete the current step with a valid configuration.
        case 37..<67: return .update(session.currentStep, F.valid(session.currentStep), complete: true)
        case 67..<75: return .skip(step)
        case 75..<82: return .reopen(step)
        case 82..<85: return .pause
        case 85..<92: return .resume
        default: return .complete
        }
    }

    /// Seconds to the next operation: usually forward, sometimes long, now and then backwards.
    private static func randomDelay(_ random: inout SplitMix64) -> TimeInterval {
        switch Int.random(in: 0..<20, using: &random) {
        case 0: -Double.random(in: 1...600, using: &random).rounded()
        case 1..<4: Double.random(in: 1800...10_000, using: &random).rounded()
        default: Double.random(in: 0...900, using: &random).rounded()
        }
    }

    /// Every invariant that must hold after `operation` took `before` to `after`.
    private static func violations(
        before: OnboardingSession, after: OnboardingSession, operation: Operation, failure: OnboardingFailure?
    ) -> [String] {
        var problems: [String] = []
        func check(_ condition: Bool, _ message: @autoclosure () -> String) { if !condition { problems.append(message()) } }

        check((0...100).contains(after.progress), "progress \(after.progress) outside 0...100")
        check(after.version >= before.version, "version went down")
        if let failure {
            check(after == before, "failed with \(failure) but changed the session")
            check(after.version == before.version, "failed but the version changed")
            switch (before.state, operation) {
            case (.completed, _): check(failure == .refused(.sessionCompleted), "completed session failed with \(failure)")
            case (.paused, .resume): break
            case (.paused, _): check(failure == .refused(.sessionPaused), "paused session failed with \(failure)")
            case (.active, .resume): check(failure == .refused(.notPaused), "resume of active session failed with \(failure)")
            default: break
            }
        } else {
            check(after.version == before.version + 1, "succeeded but version \(before.version) → \(after.version)")
            check(before.state != .completed, "a completed session accepted a change")
            if case .skip(let step) = operation { check(!before.isRequired(step), "a required step was skipped") }
        }
        check(after.requiredSteps == before.requiredSteps, "the required steps changed")
        check(after.requiredSteps.contains(.review), "review is not required")
        check(after.startedAt == before.startedAt, "startedAt changed")
        if after.state == .completed {
            check(after.requiredSteps.allSatisfy { after.record($0).state == .completed },
                  "completed session with required steps not completed")
            check(after.checklist.allSatisfy(\.met), "completed session with an unmet checklist")
        }
        check((after.state == .paused) == (after.pausedAt != nil), "paused is \(after.state) but pausedAt \(String(describing: after.pausedAt))")
        check((after.state == .completed) == (after.completedAt != nil), "state \(after.state) but completedAt \(String(describing: after.completedAt))")
        check(after.steps.count == OnboardingStepID.allCases.count, "steps are missing")
        for step in OnboardingStepID.allCases {
            let old = before.record(step), new = after.record(step)
            if new.state == .skipped { check(!after.isRequired(step), "required step \(step) is skipped") }
            check((new.state == .completed) == (new.completedAt != nil), "\(step) is \(new.state) with completedAt \(String(describing: new.completedAt))")
            check(new.secondsSpent >= old.secondsSpent, "time spent on \(step) went down")
            check(new.secondsSpent - old.secondsSpent <= OnboardingSession.activeGap, "more than the active gap added to \(step)")
            if new.state != .notStarted { check(new.startedAt != nil || new.lastActivityAt != nil, "\(step) has no activity") }
            if new != old, new.state == .completed {
                let errors = StepValidator.validate(step, new.config).errors
                check(errors.isEmpty, "\(step) is completed with an invalid configuration: \(errors.map(\.field))")
            }
        }
        if failure == nil, after.state == .active {
            switch operation {
            case .update(let step, _, complete: true), .skip(let step):
                let state = after.record(after.currentStep).state
                check(after.currentStep == step || state == .notStarted || state == .inProgress,
                      "current step \(after.currentStep) is \(state) after \(operation)")
            case .update(let step, _, complete: false), .reopen(let step):
                check(after.currentStep == step, "current step \(after.currentStep) after \(operation)")
            default: break
            }
        }
        return problems
    }

    @Test("random operation sequences keep every invariant")
    func randomSequences() throws {
        var completedSessions = 0
        var successes = 0
        var failures = 0
        for sequence in 0..<Self.sequences {
            let seed = 0x0E1B_0A4D_0000_0000 &+ UInt64(sequence)
            var random = SplitMix64(seed: seed)
            // Random templates: any subset of the steps is required (review always is).
            let required = Set(OnboardingStepID.allCases.filter { _ in Int.random(in: 0..<3, using: &random) == 0 })
            var session = sequence.isMultiple(of: 3) ? OnboardingSession.start(at: F.t0) : .start(at: F.t0, required: required)
            var now = F.t0
            var history: [String] = []
            for _ in 0..<Self.operationsPerSequence {
                let operation = Self.randomOperation(session, &random)
                now += Self.randomDelay(&random)
                let before = session
                var failure: OnboardingFailure?
                do { try operation.apply(to: &session, at: now) } catch { failure = error }
                history.append("\(operation) → \(failure.map { "\($0)" } ?? "ok")")
                if failure == nil { successes += 1 } else { failures += 1 }
                let problems = Self.violations(before: before, after: session, operation: operation, failure: failure)
                if !problems.isEmpty {
                    Issue.record("seed \(seed): \(problems.joined(separator: "; "))\nhistory:\n\(history.joined(separator: "\n"))")
                    return
                }
            }
            if session.state == .completed { completedSessions += 1 }
            let decoded = try JSONDecoder().decode(OnboardingSession.self, from: JSONEncoder().encode(session))
            #expect(decoded == session, "seed \(seed): JSON round trip changed the session")
        }
        // The generator must reach the interesting states, not only fail.
        #expect(completedSessions >= 10, "only \(completedSessions) sequences completed onboarding")
        #expect(successes >= 3000 && failures >= 1000, "\(successes) successes, \(failures) failures")
    }

    @Test("the same seed replays the same sequence")
    func deterministic() {
        var first = SplitMix64(seed: 42), second = SplitMix64(seed: 42)
        #expect((0..<5).map { _ in first.next() } == (0..<5).map { _ in second.next() })
        var a = SplitMix64(seed: 42), b = SplitMix64(seed: 43)
        #expect(a.next() != b.next())
    }
}
