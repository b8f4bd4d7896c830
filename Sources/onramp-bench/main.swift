// `onramp-bench`: the in-process benchmarks of issue 6's engines, printed by `make bench`.
// SLA due-time computations per second, then rule evaluations per second (1,000 rules ×
// 1,000,000 ticket events by default: BENCH_RULES, BENCH_EVENTS). Release build, one core.
import Foundation
import OnrampDomain

struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

struct LCG: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
        state = state &* 6364136223846793005 &+ 1442695040888963407
        var z = state
        z = (z ^ (z >> 33)) &* 0xff51afd7ed558ccd
        return z ^ (z >> 33)
    }
}

struct Open: BusinessHoursClock {
    func isOpen(at date: Date) -> Bool {
        let hour = Int(date.timeIntervalSince1970.truncatingRemainder(dividingBy: 86_400) / 3600)
        return (8..<18).contains(hour)
    }
}

/// SLA due-time computations per second: 8-hour targets from random starts on a two-slot
/// weekday calendar in Europe/Berlin with holidays.
func slaBenchmark(minutes: Int, count: Int) throws {
    let calendar = try BusinessCalendar.parse(
        timeZone: "Europe/Berlin",
        hours: ["mon": "09:00-12:00, 13:00-17:00", "tue": "09:00-12:00, 13:00-17:00", "wed": "09:00-12:00, 13:00-17:00",
                "thu": "09:00-12:00, 13:00-17:00", "fri": "09:00-12:00, 13:00-17:00", "sat": "closed", "sun": "closed"],
        holidays: ["12-25", "12-26", "01-01", "2026-04-03", "2026-04-06"])
    var random = SplitMix64(state: 2026)
    let from = 1_767_225_600.0 // 2026-01-01T00:00:00Z
    let starts = (0..<count).map { _ in Date(timeIntervalSince1970: from + Double.random(in: 0..<(2 * 365 * 86_400), using: &random)) }

    var checksum = 0.0
    for start in starts.prefix(10_000) { checksum += calendar.addingBusinessMinutes(minutes, to: start).timeIntervalSince1970 }
    var best = 0.0
    for round in 1...5 {
        let clock = ContinuousClock()
        var sum = 0.0
        let elapsed = clock.measure {
            for start in starts { sum += calendar.addingBusinessMinutes(minutes, to: start).timeIntervalSince1970 }
        }
        checksum += sum
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        let rate = Double(count) / seconds
        best = max(best, rate)
        print("round \(round): \(Int(rate)) due-time computations/s (\(minutes)-minute targets)")
    }
    print("best: \(Int(best)) due-time computations/s on one core (checksum \(Int(checksum) % 1000))")
}

print("==> SLA due times (BusinessCalendar.addingBusinessMinutes)")
try slaBenchmark(minutes: 480, count: 1_000_000)
print("")
print("==> routing rules (CompiledRuleSet.evaluate, no traces)")
var rng = LCG(state: 42)
let ruleCount = Int(ProcessInfo.processInfo.environment["BENCH_RULES"] ?? "") ?? 1_000
let contextCount = 20_000
let eventsToEvaluate = Int(ProcessInfo.processInfo.environment["BENCH_EVENTS"] ?? "") ?? 1_000_000

// A vocabulary of 400 words: the first 100 are common, the rest rarer.
let syllables = ["re", "fund", "or", "der", "ship", "ping", "pay", "ment", "log", "in", "ac", "count", "bill", "ing", "track", "de", "liv", "er", "can", "cel"]
var vocabulary: [String] = []
while vocabulary.count < 400 {
    let word = (0..<Int.random(in: 2...3, using: &rng)).map { _ in syllables.randomElement(using: &rng)! }.joined()
    if !vocabulary.contains(word) { vocabulary.append(word) }
}
@MainActor func word() -> String {
    // Skewed: half the draws from the 100 most common words.
    Bool.random(using: &rng) ? vocabulary[Int.random(in: 0..<100, using: &rng)] : vocabulary.randomElement(using: &rng)!
}
@MainActor func rareWord() -> String { vocabulary[Int.random(in: 100..<400, using: &rng)] }

let channels = ["email", "chat", "whatsapp", "portal", "phone"]
let tagsPool = (0..<40).map { "tag\($0)" }
let plans = ["free", "pro", "team", "enterprise"]
let teams = ["Billing", "Support", "Shipping", "Fraud", "Sales"]

@MainActor func condition() -> Condition {
    switch Int.random(in: 0..<100, using: &rng) {
    case 0..<25: return Condition("message.body", .contains, rareWord())
    case 25..<33: return Condition("ticket.subject", .contains, rareWord())
    case 33..<37: return Condition("ticket.subject", .startsWith, word())
    case 37..<40: return Condition("message.body", .notContains, word())
    case 40..<48: return Condition("ticket.priority", Bool.random(using: &rng) ? .equal : .greaterThan,
                                   RoutingRule.priorities.randomElement(using: &rng)!)
    case 48..<54: return Condition("ticket.status", Bool.random(using: &rng) ? .equal : .notEqual, RoutingRule.statuses.randomElement(using: &rng)!)
    case 54..<62: return Condition("ticket.tags", .contains, tagsPool.randomElement(using: &rng)!)
    case 62..<67: return Condition("ticket.channel", .equal, channels.randomElement(using: &rng)!)
    case 67..<71: return Condition("contact.email", .contains, "@\(word()).com")
    case 71..<76: return Condition("ticket.created_at", .olderThanMinutes, .number(Double(Int.random(in: 5...600, using: &rng))))
    case 76..<81: return Condition("custom.plan", .equal, plans.randomElement(using: &rng)!)
    case 81..<85: return Condition("custom.seats", .greaterThan, .number(Double(Int.random(in: 1...200, using: &rng))))
    case 85..<89: return Condition("event.time", .withinBusinessHours)
    case 89..<93: return Condition("message.from_customer", .equal, .bool(Bool.random(using: &rng)))
    case 93..<96: return Condition("ticket.team", .notPresent)
    default: return Condition("ticket.category", .equal, ["Billing", "Orders", "Returns"].randomElement(using: &rng)!)
    }
}

var rules: [RoutingRule] = []
for index in 0..<ruleCount {
    let count = Int.random(in: 2...4, using: &rng)
    let conditions = (0..<count).map { _ in condition() }
    let useAny = Int.random(in: 0..<100, using: &rng) < 25
    let group = useAny ? ConditionGroup(all: [conditions[0]], any: Array(conditions.dropFirst())) : ConditionGroup(all: conditions)
    let actions: [RuleAction] = [
        .assignTeam(teams.randomElement(using: &rng)!), .setPriority(RoutingRule.priorities.randomElement(using: &rng)!),
        .addTag(tagsPool.randomElement(using: &rng)!),
    ].shuffled(using: &rng).prefix(Int.random(in: 1...2, using: &rng)).map { $0 }
    let events: Set<RuleEvent> = Int.random(in: 0..<10, using: &rng) < 7 ? [.ticketCreated, .messageCreated] : Set(RuleEvent.allCases)
    rules.append(RoutingRule(name: "Rule \(index)", position: index, events: events, conditions: group, actions: actions,
                             stopProcessing: false, enabled: Int.random(in: 0..<100, using: &rng) < 95))
}

let base = Date(timeIntervalSince1970: 1_773_000_000)
var contexts: [RuleContext] = []
contexts.reserveCapacity(contextCount)
for _ in 0..<contextCount {
    let subject = (0..<Int.random(in: 4...9, using: &rng)).map { _ in word() }.joined(separator: " ").capitalized
    let body = (0..<Int.random(in: 20...80, using: &rng)).map { _ in word() }.joined(separator: " ")
    let now = base.addingTimeInterval(Double(Int.random(in: 0..<(14 * 86_400), using: &rng)))
    let tags = Set((0..<Int.random(in: 0...3, using: &rng)).map { _ in tagsPool.randomElement(using: &rng)! })
    var custom: [String: CustomFieldValue] = ["plan": .text(plans.randomElement(using: &rng)!.uppercased())]
    if Bool.random(using: &rng) { custom["seats"] = .number(Double(Int.random(in: 1...300, using: &rng))) }
    let event: RuleEvent = [.ticketCreated, .ticketUpdated, .messageCreated].randomElement(using: &rng)!
    contexts.append(RuleContext(
        event: event,
        ticket: .init(subject: subject, status: RoutingRule.statuses.randomElement(using: &rng)!,
                      priority: RoutingRule.priorities.randomElement(using: &rng)!, channel: channels.randomElement(using: &rng)!,
                      category: Bool.random(using: &rng) ? "Orders" : nil, tags: tags, customFields: custom,
                      createdAt: now.addingTimeInterval(-Double(Int.random(in: 0...50_000, using: &rng))),
                      team: Bool.random(using: &rng) ? teams.randomElement(using: &rng)! : nil),
        message: event == .ticketUpdated ? nil : .init(body: body, fromCustomer: Int.random(in: 0..<10, using: &rng) < 8),
        contact: .init(email: "\(word())@\(word()).com", name: "\(word().capitalized) \(word().capitalized)"),
        now: now, businessHours: Open()))
}

let compileStart = DispatchTime.now()
let set = try CompiledRuleSet(rules: rules)
let compileSeconds = Double(DispatchTime.now().uptimeNanoseconds - compileStart.uptimeNanoseconds) / 1e9

@MainActor func measure(_ set: CompiledRuleSet) -> (seconds: Double, fired: Int, actions: Int) {
    var fired = 0, actions = 0
    let start = DispatchTime.now()
    for index in 0..<eventsToEvaluate {
        let result = set.evaluate(contexts[index % contexts.count])
        fired &+= result.firedRuleIDs.count
        actions &+= result.actions.count
    }
    return (Double(DispatchTime.now().uptimeNanoseconds - start.uptimeNanoseconds) / 1e9, fired, actions)
}

_ = measure(set) // warm up
var best = Double.infinity
var last = (seconds: 0.0, fired: 0, actions: 0)
for _ in 0..<2 {
    last = measure(set)
    best = min(best, last.seconds)
}
let evaluations = Double(ruleCount) * Double(eventsToEvaluate)
print("rules: \(ruleCount), events: \(eventsToEvaluate) (\(contextCount) distinct), compile: \(String(format: "%.1f", compileSeconds * 1000)) ms")
print("fired per event: \(String(format: "%.2f", Double(last.fired) / Double(eventsToEvaluate))), actions per event: \(String(format: "%.2f", Double(last.actions) / Double(eventsToEvaluate)))")
print("best of 2: \(String(format: "%.3f", best)) s → \(String(format: "%.1f", evaluations / best / 1e6)) M rule evaluations/s, \(String(format: "%.2f", best / Double(eventsToEvaluate) * 1e6)) µs per event")

// The same events against an empty rule set: what reading an event costs on its own.
let emptyRun = measure(try CompiledRuleSet(rules: []))
print("empty rule set: \(String(format: "%.3f", emptyRun.seconds)) s")

// Dry runs (with traces) for comparison, on a slice.
let slice = contexts.prefix(500)
let dryStart = DispatchTime.now()
var traced = 0
for context in slice { traced += set.dryRun(context).trace.count }
let drySeconds = Double(DispatchTime.now().uptimeNanoseconds - dryStart.uptimeNanoseconds) / 1e9
print("dry run with trace: \(String(format: "%.2f", Double(ruleCount) * Double(slice.count) / drySeconds / 1e6)) M rule evaluations/s (\(traced) trace entries)")
