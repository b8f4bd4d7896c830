import Foundation

/// Which rules can fire at all for an event. Most rules need some selective fact (a word in the
/// message, a tag, a custom value): such a rule is filed under that fact and only looked at when
/// the event has it. A rule is filed under one positive fact test of `all` (the most selective),
/// or else, when every test of `any` is a positive fact test, under each of those; other rules
/// are always looked at. Disabled rules never are.
struct RuleIndex: Sendable {
    let ruleWords: Int
    /// Rules looked at for every event, as bits by rule number.
    let always: [UInt64]
    /// `filed[start[fact] ..< start[fact + 1]]`: the rules filed under `fact`.
    let start: [Int32]
    let filed: [Int32]

    init(rules: [CompiledRule], tests: [Test], facts: [FactKey]) {
        ruleWords = max((rules.count + 63) / 64, 1)
        var always = [UInt64](repeating: 0, count: ruleWords)
        var byFact = [[Int32]](repeating: [], count: facts.count)
        func positive(_ test: Test) -> Bool { test.kind == .fact && !test.negate && test.fact != 0 }
        func selectivity(_ fact: Int32) -> Int {
            switch facts[Int(fact)] {
            case .text(_, _, let needle): 3 + min(needle.utf8.count, 20)
            case .tag, .customEqual: 2
            case .never, .present, .fromCustomer, .open: 0
            }
        }
        for (number, rule) in rules.enumerated() where rule.events != 0 {
            let all = tests[Int(rule.allStart)..<Int(rule.anyStart)]
            let any = tests[Int(rule.anyStart)..<Int(rule.anyEnd)]
            if let best = all.filter(positive).max(by: { selectivity($0.fact) < selectivity($1.fact) }), selectivity(best.fact) > 0 {
                byFact[Int(best.fact)].append(Int32(number))
            } else if !any.isEmpty, any.allSatisfy(positive) {
                for fact in Set(any.map(\.fact)) { byFact[Int(fact)].append(Int32(number)) }
            } else {
                always[number >> 6] |= 1 << UInt64(number & 63)
            }
        }
        var start: [Int32] = [0]
        var filed: [Int32] = []
        for rules in byFact {
            filed += rules
            start.append(Int32(filed.count))
        }
        self.always = always
        self.start = start
        self.filed = filed
    }

    /// Sets the bit of every rule worth looking at for the facts in `state`.
    func candidates(_ state: EvaluationState, _ factWords: Int, into bits: UnsafeMutablePointer<UInt64>) {
        always.withUnsafeBufferPointer { always in
            start.withUnsafeBufferPointer { start in
                filed.withUnsafeBufferPointer { filed in
                    for word in 0..<ruleWords { bits[word] = always[word] }
                    for word in 0..<factWords {
                        var set = state.facts[word]
                        while set != 0 {
                            let fact = word &<< 6 | set.trailingZeroBitCount
                            set &= set &- 1
                            var next = Int(start[fact])
                            let end = Int(start[fact &+ 1])
                            while next < end {
                                let rule = Int(filed[next])
                                bits[rule &>> 6] |= 1 &<< UInt64(truncatingIfNeeded: rule & 63)
                                next &+= 1
                            }
                        }
                    }
                }
            }
        }
    }
}
