import Foundation

/// A refused onboarding operation, with a message that says what to do instead.
public enum OnboardingError: Error, Sendable, Equatable, CustomStringConvertible {
    case sessionPaused
    case sessionCompleted
    case notPaused
    case prerequisitesMissing(step: OnboardingStepID, missing: [OnboardingStepID])
    case requiredStepCannotBeSkipped(OnboardingStepID)
    case cannotReopen(OnboardingStepID, StepState)
    case checklistUnmet([ChecklistItem])
    case configTooLarge(OnboardingStepID, limit: Int)

    public var description: String {
        switch self {
        case .sessionPaused:
            "Onboarding is paused. Resume it before changing anything."
        case .sessionCompleted:
            "Onboarding is already completed; change settings from the desk's settings instead."
        case .notPaused:
            "Onboarding is not paused, so there is nothing to resume."
        case .prerequisitesMissing(let step, let missing):
            "\(step.title) needs \(missing.map(\.title).joined(separator: ", ")) completed first."
        case .requiredStepCannotBeSkipped(let step):
            "\(step.title) is required and cannot be skipped; complete it instead."
        case .cannotReopen(let step, let state):
            "\(step.title) is \(state.rawValue.replacingOccurrences(of: "_", with: " ")); only completed or skipped steps can be reopened."
        case .checklistUnmet(let items):
            "Onboarding cannot be completed yet: " + items.map(\.title).joined(separator: "; ") + "."
        case .configTooLarge(let step, let limit):
            "The configuration of \(step.title) is larger than \(limit / 1024) KB."
        }
    }
}

/// One condition that must hold before the desk goes live.
public struct ChecklistItem: Sendable, Equatable, Codable {
    public let id: String
    public let title: String
    public let step: OnboardingStepID
    public let met: Bool
}

/// Everything known about one step of a tenant's onboarding.
public struct StepRecord: Sendable, Equatable, Codable {
    public var state: StepState = .notStarted
    public var config: StepConfig = [:]
    public var startedAt: Date?
    public var completedAt: Date?
    public var lastActivityAt: Date?
    /// Seconds of active work: gaps between edits up to `OnboardingSession.activeGap` count.
    public var secondsSpent: Double = 0

    public init() {}
}

/// A tenant's onboarding: the state machine behind the wizard and the onboarding API.
/// Every mutating operation either applies whole and bumps `version`, or throws and
/// changes nothing.
public struct OnboardingSession: Sendable, Equatable, Codable {
    public private(set) var state: SessionState
    public private(set) var version: Int
    public private(set) var steps: [OnboardingStepID: StepRecord]
    public private(set) var requiredSteps: Set<OnboardingStepID>
    public private(set) var currentStep: OnboardingStepID
    public private(set) var startedAt: Date
    public private(set) var pausedAt: Date?
    public private(set) var completedAt: Date?
    /// The industry template applied last, if any.
    public private(set) var templateID: String?

    /// Longest gap between two edits of a step that still counts as working on it.
    public static let activeGap: TimeInterval = 30 * 60
    /// Largest configuration one step may hold, as JSON.
    public static let maxConfigBytes = 64 * 1024

    public static func start(at now: Date, required: Set<OnboardingStepID> = OnboardingStepID.defaultRequired) -> OnboardingSession {
        var steps: [OnboardingStepID: StepRecord] = [:]
        for step in OnboardingStepID.allCases { steps[step] = StepRecord() }
        return OnboardingSession(state: .active, version: 1, steps: steps, requiredSteps: required.union([.review]),
                                 currentStep: .organization, startedAt: now, pausedAt: nil, completedAt: nil)
    }

    public func record(_ step: OnboardingStepID) -> StepRecord { steps[step] ?? StepRecord() }

    public func isRequired(_ step: OnboardingStepID) -> Bool { requiredSteps.contains(step) }

    /// Completed share of the required steps, 0…100.
    public var progress: Int {
        let done = requiredSteps.filter { record($0).state == .completed }.count
        return requiredSteps.isEmpty ? 100 : done * 100 / requiredSteps.count
    }

    /// Steps whose prerequisites are not completed yet.
    public func missingPrerequisites(of step: OnboardingStepID) -> [OnboardingStepID] {
        let needed = step == .review
            ? requiredSteps.subtracting([.review]).sorted()
            : step.prerequisites
        return needed.filter { record($0).state != .completed && !(record($0).state == .skipped && !isRequired($0)) }
    }

    /// Saves `patch` into the step (null removes a field). With `complete`, the merged
    /// configuration must validate and the prerequisites be met; then the step completes.
    public mutating func update(
        _ step: OnboardingStepID, patch: StepConfig, complete: Bool, at now: Date
    ) throws(OnboardingFailure) {
        try requireActive()
        var record = record(step)
        for (key, value) in patch {
            if value.isNull { record.config[key] = nil } else { record.config[key] = value }
        }
        if ConfigValue.object(record.config).approximateSize > Self.maxConfigBytes {
            throw .refused(.configTooLarge(step, limit: Self.maxConfigBytes))
        }
        let neverStored = StepValidator.forbiddenInSaves(step, record.config)
        guard neverStored.isEmpty else { throw .invalid(neverStored) }
        if complete {
            let missing = missingPrerequisites(of: step)
            guard missing.isEmpty else { throw .refused(.prerequisitesMissing(step: step, missing: missing)) }
            let errors = StepValidator.validate(step, record.config).errors
            guard errors.isEmpty else { throw .invalid(errors) }
        }
        touch(&record, at: now)
        if complete {
            record.state = .completed
            record.completedAt = now
        } else if record.state != .inProgress {
            // A saved change to a completed step has not been validated: the step is open again.
            record.state = .inProgress
            record.completedAt = nil
        }
        steps[step] = record
        currentStep = complete ? nextOpenStep(after: step) ?? step : step
        version += 1
    }

    /// Skips an optional step.
    public mutating func skip(_ step: OnboardingStepID, at now: Date) throws(OnboardingFailure) {
        try requireActive()
        guard !isRequired(step) else { throw .refused(.requiredStepCannotBeSkipped(step)) }
        var record = record(step)
        touch(&record, at: now)
        record.state = .skipped
        record.completedAt = nil
        steps[step] = record
        currentStep = nextOpenStep(after: step) ?? step
        version += 1
    }

    /// Goes back to a completed or skipped step to change it; its data is kept.
    public mutating func reopen(_ step: OnboardingStepID, at now: Date) throws(OnboardingFailure) {
        try requireActive()
        var record = record(step)
        guard record.state == .completed || record.state == .skipped else {
            throw .refused(.cannotReopen(step, record.state))
        }
        record.state = .inProgress
        record.completedAt = nil
        record.lastActivityAt = now
        steps[step] = record
        // Steps that depended on it no longer have their prerequisite.
        currentStep = step
        version += 1
    }

    public mutating func pause(at now: Date) throws(OnboardingFailure) {
        try requireActive()
        state = .paused
        pausedAt = now
        version += 1
    }

    public mutating func resume(at now: Date) throws(OnboardingFailure) {
        guard state != .completed else { throw .refused(.sessionCompleted) }
        guard state == .paused else { throw .refused(.notPaused) }
        state = .active
        pausedAt = nil
        version += 1
    }

    /// Applies an industry template: its required steps, and its defaults wherever the
    /// tenant has not entered a value (a value the user entered is never overwritten).
    /// Completed steps keep their configuration untouched.
    public mutating func apply(_ template: IndustryTemplate, at now: Date) throws(OnboardingFailure) {
        let timeZone = record(.organization).config["time_zone"]?.stringValue
        try apply(defaults: template.allDefaults(timeZone: timeZone), requiredSteps: template.requiredSteps,
                  templateID: template.id, at: now)
    }

    /// Applies any template given as defaults per step and the steps it requires.
    public mutating func apply(
        defaults: [OnboardingStepID: StepConfig], requiredSteps required: Set<OnboardingStepID>, templateID id: String,
        at now: Date
    ) throws(OnboardingFailure) {
        try requireActive()
        for step in OnboardingStepID.allCases where record(step).state != .completed {
            guard let values = defaults[step], !values.isEmpty else { continue }
            var record = record(step)
            record.config = ConfigValue.object(record.config).filling(.object(values)).objectValue ?? record.config
            steps[step] = record
        }
        requiredSteps = required.union([.review])
        templateID = id
        version += 1
    }

    /// What must hold before the desk goes live.
    public var checklist: [ChecklistItem] {
        var items = requiredSteps.sorted().map { step in
            ChecklistItem(id: "step.\(step.rawValue)", title: "\(step.title) is completed", step: step,
                          met: record(step).state == .completed)
        }
        let organization = record(.organization).config
        items.append(ChecklistItem(id: "organization.support_email", title: "A support email address is set",
                                   step: .organization, met: organization["support_email"]?.stringValue.flatMap(EmailAddress.init) != nil))
        return items
    }

    /// The latest activity on any step (nil before the first one).
    public var lastActivityAt: Date? {
        OnboardingStepID.allCases.compactMap { record($0).lastActivityAt }.max()
    }

    /// Completes onboarding when every checklist item is met.
    public mutating func complete(at now: Date) throws(OnboardingFailure) {
        try requireActive()
        let unmet = checklist.filter { !$0.met }
        guard unmet.isEmpty else { throw .refused(.checklistUnmet(unmet)) }
        state = .completed
        completedAt = now
        version += 1
    }

    private func requireActive() throws(OnboardingFailure) {
        switch state {
        case .active: return
        case .paused: throw .refused(.sessionPaused)
        case .completed: throw .refused(.sessionCompleted)
        }
    }

    private func touch(_ record: inout StepRecord, at now: Date) {
        if record.startedAt == nil { record.startedAt = now }
        if let last = record.lastActivityAt {
            let gap = now.timeIntervalSince(last)
            if gap > 0 { record.secondsSpent += min(gap, Self.activeGap) }
        }
        record.lastActivityAt = now
    }

    /// The first step after `step` (wrapping to the start) that is neither completed nor skipped.
    func nextOpenStep(after step: OnboardingStepID) -> OnboardingStepID? {
        let all = OnboardingStepID.allCases
        let start = step.position
        for offset in 1...all.count {
            let candidate = all[(start + offset) % all.count]
            let state = record(candidate).state
            if state == .notStarted || state == .inProgress { return candidate }
        }
        return nil
    }

    // Encoded with step ids as keys.
    enum CodingKeys: String, CodingKey {
        case state, version, steps, requiredSteps = "required_steps", currentStep = "current_step",
             startedAt = "started_at", pausedAt = "paused_at", completedAt = "completed_at", templateID = "template_id"
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        state = try container.decode(SessionState.self, forKey: .state)
        version = try container.decode(Int.self, forKey: .version)
        let raw = try container.decode([String: StepRecord].self, forKey: .steps)
        var steps: [OnboardingStepID: StepRecord] = [:]
        for step in OnboardingStepID.allCases { steps[step] = raw[step.rawValue] ?? StepRecord() }
        self.steps = steps
        requiredSteps = Set(try container.decode([OnboardingStepID].self, forKey: .requiredSteps))
        currentStep = try container.decode(OnboardingStepID.self, forKey: .currentStep)
        startedAt = try container.decode(Date.self, forKey: .startedAt)
        pausedAt = try container.decodeIfPresent(Date.self, forKey: .pausedAt)
        completedAt = try container.decodeIfPresent(Date.self, forKey: .completedAt)
        templateID = try container.decodeIfPresent(String.self, forKey: .templateID)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(state, forKey: .state)
        try container.encode(version, forKey: .version)
        try container.encode(Dictionary(uniqueKeysWithValues: steps.map { ($0.key.rawValue, $0.value) }), forKey: .steps)
        try container.encode(requiredSteps.sorted(), forKey: .requiredSteps)
        try container.encode(currentStep, forKey: .currentStep)
        try container.encode(startedAt, forKey: .startedAt)
        try container.encodeIfPresent(pausedAt, forKey: .pausedAt)
        try container.encodeIfPresent(completedAt, forKey: .completedAt)
        try container.encodeIfPresent(templateID, forKey: .templateID)
    }

    init(state: SessionState, version: Int, steps: [OnboardingStepID: StepRecord], requiredSteps: Set<OnboardingStepID>,
         currentStep: OnboardingStepID, startedAt: Date, pausedAt: Date?, completedAt: Date?) {
        self.state = state
        self.version = version
        self.steps = steps
        self.requiredSteps = requiredSteps
        self.currentStep = currentStep
        self.startedAt = startedAt
        self.pausedAt = pausedAt
        self.completedAt = completedAt
    }
}

/// Why an onboarding operation did not apply: a refused transition (409) or invalid input (422).
public enum OnboardingFailure: Error, Sendable, Equatable {
    case refused(OnboardingError)
    case invalid([FieldError])
}

/// Whether an onboarding needs a nudge: active, and nothing happened for a while.
public enum OnboardingStall {
    public static func isStalled(state: SessionState, lastActivityAt: Date?, startedAt: Date, now: Date, afterHours hours: Int) -> Bool {
        state == .active && (lastActivityAt ?? startedAt) < now.addingTimeInterval(-Double(hours) * 3600)
    }
}
