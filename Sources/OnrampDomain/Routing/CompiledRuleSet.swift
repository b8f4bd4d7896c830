import Foundation

/// Rules compiled for evaluation: built once per rule-set version, then used for any number of
/// events, from any thread. Compilation resolves every field to a slot, folds the case of every
/// text value, and builds per text field one automaton (Aho–Corasick) over all the values
/// conditions look for in it; an evaluation reads each text of the event once, and each
/// condition is then a bit test or one comparison of numbers.
public struct CompiledRuleSet: Sendable {
    /// The result of evaluating the rules for one event.
    public struct Evaluation: Sendable, Hashable, Codable {
        public let event: RuleEvent
        /// The rules that fired, in order.
        public let firedRuleIDs: [UUID]
        /// Their actions in order: rule by rule, each rule's actions as listed.
        public let actions: [RuleAction]
        /// One entry per rule, in evaluation order; empty unless asked for (`explain: true`).
        public let trace: [RuleTrace]

        /// The actions folded: the last one wins for single values (see `RuleEffect`).
        public var effect: RuleEffect { RuleEffect(actions) }

        enum CodingKeys: String, CodingKey { case event, firedRuleIDs = "firedRuleIds", actions, trace }
    }

    /// The rules in evaluation order.
    public let rules: [RoutingRule]
    let compiled: [CompiledRule]
    let tests: [Test]
    let plan: Plan
    let index: RuleIndex

    /// Validates every rule (errors are named `rules[i].…`) and compiles them.
    public init(rules: [RoutingRule]) throws(ValidationFailure) {
        var errors: [FieldError] = []
        var seen = Set<UUID>()
        for (index, rule) in rules.enumerated() {
            errors += rule.validate().map { FieldError(field: "rules[\(index)].\($0.field)", message: $0.message, code: $0.code) }
            if !seen.insert(rule.id).inserted {
                errors.append(FieldError(field: "rules[\(index)].id", message: "Another rule has the id \(rule.id); a rule set holds each rule once.", code: "duplicate"))
            }
        }
        try ValidationFailure.check(errors)
        let ordered = rules.enumerated()
            .sorted { ($0.element.position, $0.offset) < ($1.element.position, $1.offset) }
            .map(\.element)
        var builder = PlanBuilder()
        var compiled: [CompiledRule] = []
        var tests: [Test] = []
        for rule in ordered {
            let allStart = Int32(tests.count)
            for condition in rule.conditions.all { tests.append(builder.test(for: condition)) }
            let anyStart = Int32(tests.count)
            for condition in rule.conditions.any { tests.append(builder.test(for: condition)) }
            let eventMask = rule.enabled ? rule.events.reduce(UInt8(0)) { $0 | $1.bit } : 0
            compiled.append(CompiledRule(events: eventMask, stops: rule.stopProcessing, allStart: allStart, anyStart: anyStart, anyEnd: Int32(tests.count)))
        }
        self.rules = ordered
        self.compiled = compiled
        self.tests = tests
        self.plan = builder.build()
        self.index = RuleIndex(rules: compiled, tests: tests, facts: builder.factKeys)
    }

    /// The rules' verdict on one event. With `explain`, also a trace entry per rule saying why
    /// (the dry run); without, nothing but the fired rules and their actions is built.
    public func evaluate(_ context: RuleContext, explain: Bool = false) -> Evaluation {
        withUnsafeTemporaryAllocation(of: UInt64.self, capacity: plan.factWords) { facts in
            withUnsafeTemporaryAllocation(of: Double.self, capacity: plan.numberSources.count) { numbers in
                facts.initialize(repeating: 0)
                numbers.initialize(repeating: .nan)
                let state = EvaluationState(facts: facts.baseAddress!, numbers: numbers.baseAddress!, now: context.now.timeIntervalSinceReferenceDate)
                plan.prepare(context, into: state)
                return explain ? explained(context, state) : run(context, state)
            }
        }
    }

    /// Shorthand for `evaluate(context, explain: true)`.
    public func dryRun(_ context: RuleContext) -> Evaluation { evaluate(context, explain: true) }

    func run(_ context: RuleContext, _ state: EvaluationState) -> Evaluation {
        let mask = context.event.bit
        var fired: [UUID] = []
        var actions: [RuleAction] = []
        withUnsafeTemporaryAllocation(of: UInt64.self, capacity: index.ruleWords) { candidates in
            index.candidates(state, plan.factWords, into: candidates.baseAddress!)
            compiled.withUnsafeBufferPointer { rules in
                tests.withUnsafeBufferPointer { tests in
                    let tests = tests.baseAddress!
                    scan: for word in 0..<index.ruleWords {
                        var bits = candidates[word]
                        while bits != 0 {
                            let position = word &<< 6 | bits.trailingZeroBitCount
                            bits &= bits &- 1
                            let rule = rules[position]
                            guard rule.events & mask != 0, Self.matches(rule, tests, state) else { continue }
                            if fired.isEmpty {
                                fired.reserveCapacity(16)
                                actions.reserveCapacity(32)
                            }
                            fired.append(self.rules[position].id)
                            actions.append(contentsOf: self.rules[position].actions)
                            if rule.stops { break scan }
                        }
                    }
                }
            }
        }
        return Evaluation(event: context.event, firedRuleIDs: fired, actions: actions, trace: [])
    }

    @inline(__always)
    static func matches(_ rule: CompiledRule, _ tests: UnsafePointer<Test>, _ state: EvaluationState) -> Bool {
        var index = Int(rule.allStart)
        let anyStart = Int(rule.anyStart), anyEnd = Int(rule.anyEnd)
        while index < anyStart {
            if !tests[index].holds(state) { return false }
            index += 1
        }
        if anyStart == anyEnd { return true }
        while index < anyEnd {
            if tests[index].holds(state) { return true }
            index += 1
        }
        return false
    }
}

// MARK: - Compiled representation

struct CompiledRule: Sendable {
    /// The events the rule runs on as bits; 0 when disabled.
    var events: UInt8
    var stops: Bool
    /// Tests `allStart..<anyStart` must all hold; of `anyStart..<anyEnd` one must (if any).
    var allStart: Int32
    var anyStart: Int32
    var anyEnd: Int32
}

/// Per-evaluation scratch: fact bits and number slots filled by `Plan.prepare`.
struct EvaluationState {
    let facts: UnsafeMutablePointer<UInt64>
    let numbers: UnsafeMutablePointer<Double>
    let now: Double

    @inline(__always)
    func set(_ fact: Int32) {
        facts[Int(fact) &>> 6] |= 1 &<< UInt64(truncatingIfNeeded: fact & 63)
    }
}

/// One condition, compiled: a fact bit or a comparison of a number slot with a constant.
/// Evaluated without branches: every test reads one fact bit and one number slot (fact 0 is
/// never set and slot 0 is always NaN, for tests that need only one of them), works out every
/// kind of result and picks its own, so mixed operators cost no mispredicted jumps.
struct Test: Sendable {
    enum Kind: UInt8, Sendable { case fact, equal, greater, less, olderThan }

    var operand: Double
    var fact: Int32
    var slot: Int32
    var kind: Kind
    var negate: Bool

    @inline(__always)
    func holds(_ state: EvaluationState) -> Bool {
        let fact = Int(self.fact)
        let bit = (state.facts[fact &>> 6] &>> UInt64(truncatingIfNeeded: fact & 63)) & 1
        let value = state.numbers[Int(slot)]
        let equal: UInt64 = value == operand ? 2 : 0
        let greater: UInt64 = value > operand ? 4 : 0
        let less: UInt64 = value < operand ? 8 : 0
        let older: UInt64 = state.now - value >= operand ? 16 : 0
        let results = bit | equal | greater | less | older
        return ((results &>> UInt64(kind.rawValue)) & 1 != 0) != negate
    }
}
