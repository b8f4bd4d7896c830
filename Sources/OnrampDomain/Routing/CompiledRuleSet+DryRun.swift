import Foundation

// The dry run (`evaluate(_:explain: true)`): rule by rule, why it fired or was skipped.
extension CompiledRuleSet {
    func explained(_ context: RuleContext, _ state: EvaluationState) -> Evaluation {
        var fired: [UUID] = []
        var actions: [RuleAction] = []
        var trace: [RuleTrace] = []
        var stoppedBy: String?
        for (index, rule) in rules.enumerated() {
            func entry(_ outcome: RuleTrace.Outcome, _ reason: String) {
                trace.append(RuleTrace(ruleID: rule.id, name: rule.name, version: rule.version, position: rule.position, outcome: outcome, reason: reason))
            }
            if let stoppedBy {
                entry(.skipped, "after “\(stoppedBy)”, which stops processing")
                continue
            }
            guard rule.enabled else {
                entry(.skipped, "disabled")
                continue
            }
            guard rule.events.contains(context.event) else {
                let listens = RuleEvent.allCases.filter(rule.events.contains).map(\.rawValue).joined(separator: ", ")
                entry(.skipped, "not for this event (\(context.event.rawValue)); it runs on \(listens)")
                continue
            }
            let compiledRule = compiled[index]
            let conditions = rule.conditions.all + rule.conditions.any
            let holds = (Int(compiledRule.allStart)..<Int(compiledRule.anyEnd)).map { tests[$0].holds(state) }
            let allCount = rule.conditions.all.count
            func describe(_ number: Int) -> String { "condition \(number + 1) (\(conditions[number]))" }
            if let failed = (0..<allCount).first(where: { !holds[$0] }) {
                entry(.skipped, "\(describe(failed)) is false: \(Self.actual(conditions[failed], in: context))")
                continue
            }
            let anyRange = allCount..<conditions.count
            let anyHolding = anyRange.first(where: { holds[$0] })
            if !anyRange.isEmpty, anyHolding == nil {
                let parts = anyRange.map { "\(describe($0)) is false: \(Self.actual(conditions[$0], in: context))" }
                let lead = anyRange.count == 1 ? "" : "none of conditions \(anyRange.lowerBound + 1)–\(anyRange.upperBound) holds: "
                entry(.skipped, lead + parts.joined(separator: "; "))
                continue
            }
            let held = Array(0..<allCount) + (anyHolding.map { [$0] } ?? [])
            entry(.fired, held.isEmpty ? "it has no conditions" : held.map { "\(describe($0)) holds" }.joined(separator: "; "))
            fired.append(rule.id)
            actions.append(contentsOf: rule.actions)
            if rule.stopProcessing { stoppedBy = rule.name }
        }
        return Evaluation(event: context.event, firedRuleIDs: fired, actions: actions, trace: trace)
    }

    /// What the field actually holds, for a condition that is false.
    static func actual(_ condition: Condition, in context: RuleContext) -> String {
        guard let field = condition.field.field else { return "unknown field" }
        let path = field.path
        if field.isMessageField, context.message == nil { return "there is no message" }
        func quoted(_ text: String) -> String {
            if text.trimmingWhitespace().isEmpty { return "\(path) is empty" }
            let shown = text.count > 80 ? String(text.prefix(80)) + "…" : text
            return "\(path) is \"\(shown)\""
        }
        func dated(_ date: Date) -> String {
            switch condition.op {
            case .olderThanMinutes:
                let minutes = Int((context.now.timeIntervalSince(date) / 60).rounded(.down))
                return minutes < 0 ? "\(path) (\(date.formatted(.iso8601))) is in the future" : "\(path) is \(minutes) minute\(minutes == 1 ? "" : "s") old"
            case .withinBusinessHours:
                guard context.businessHours != nil else { return "no business hours calendar was given" }
                return "\(path) (\(date.formatted(.iso8601))) is outside business hours"
            default:
                return "\(path) is \(date.formatted(.iso8601))"
            }
        }
        switch field {
        case .ticketStatus: return "\(path) is \(context.ticket.status)"
        case .ticketPriority: return "\(path) is \(context.ticket.priority)"
        case .ticketTags:
            return context.ticket.tags.isEmpty ? "\(path) is empty" : "\(path) has \(context.ticket.tags.sorted().joined(separator: ", "))"
        case .ticketCreatedAt, .ticketUpdatedAt, .eventTime: return dated(context.date(field)!)
        case .messageFromCustomer: return "\(path) is \(context.message!.fromCustomer)"
        case .custom(let name):
            switch context.ticket.customFields[name] {
            case nil: return "\(path) is not set"
            case .text(let text)?: return quoted(text)
            case .number(let number)?: return "\(path) is \(ConditionValue.format(number))"
            case .bool(let bool)?: return "\(path) is \(bool)"
            case .date(let date)?: return dated(date)
            }
        default:
            guard let text = context.text(field) else { return "\(path) is not set" }
            return quoted(text)
        }
    }
}
