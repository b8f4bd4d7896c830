import Foundation

/// A template's routing rule turned into a real one, as far as it goes.
public struct TemplateRuleConversion: Sendable, Equatable {
    public let template: IndustryTemplate.RoutingRule
    /// The rule, or nil when nothing of it can be expressed (see `notConverted`).
    public let rule: RoutingRule?
    /// Each part of the template that is not in `rule`, and why; empty when all of it is.
    public let notConverted: [String]
}

extension RoutingRule {
    /// Reads a template rule's `when` and `then` text. Understood: `when` = “subject mentions A”,
    /// “message mentions A, B or C”, “subject or message mentions …”, “category is X”,
    /// “priority is X”, “status is X”, “channel is X”, “tagged X”; `then` = comma-separated
    /// “assign team X”, “assign agent X”, “priority X”, “status X”, “tag X”, “remove tag X”,
    /// “note X”, “notify X” (an email address or a team), “webhook URL”, “apply SLA X”.
    /// Conditions on the message listen to ticket_created and message_created; others to
    /// ticket_created and ticket_updated.
    public static func fromTemplate(_ template: IndustryTemplate.RoutingRule, id: UUID = UUID(), position: Int = 0) -> TemplateRuleConversion {
        var notConverted: [String] = []
        let conditions: [Condition]
        switch TemplateText.conditions(template.when) {
        case .success(let parsed): conditions = parsed
        case .failure(let reason):
            return TemplateRuleConversion(template: template, rule: nil, notConverted: [reason.message])
        }
        var actions: [RuleAction] = []
        for clause in template.then.split(separator: ",") {
            switch TemplateText.action(String(clause).trimmingWhitespace()) {
            case .success(let action): actions.append(action)
            case .failure(let reason): notConverted.append(reason.message)
            }
        }
        guard !actions.isEmpty else {
            return TemplateRuleConversion(template: template, rule: nil,
                                          notConverted: notConverted + ["Nothing the rule does is a routing action, so no rule was made."])
        }
        let readsMessage = conditions.contains { $0.field.field?.isMessageField == true }
        let rule = RoutingRule(
            id: id, name: template.name, position: position,
            events: readsMessage ? [.ticketCreated, .messageCreated] : [.ticketCreated, .ticketUpdated],
            conditions: conditions.count == 1 ? ConditionGroup(all: conditions) : ConditionGroup(any: conditions),
            actions: actions)
        let errors = rule.validate()
        guard errors.isEmpty else {
            return TemplateRuleConversion(template: template, rule: nil, notConverted: notConverted + errors.map(\.message))
        }
        return TemplateRuleConversion(template: template, rule: rule, notConverted: notConverted)
    }

    /// Every routing rule of an industry template, positioned in the template's order.
    public static func fromTemplate(_ template: IndustryTemplate) -> [TemplateRuleConversion] {
        template.routingRules.enumerated().map { fromTemplate($0.element, position: $0.offset) }
    }
}

struct TemplateReason: Error {
    let message: String
}

enum TemplateText {
    /// `text` without `prefix` (compared case-insensitively), or nil.
    static func after(_ prefix: String, in text: String) -> String? {
        guard text.lowercased().hasPrefix(prefix) else { return nil }
        return String(text.dropFirst(prefix.count)).trimmingWhitespace()
    }

    static func conditions(_ when: String) -> Result<[Condition], TemplateReason> {
        let text = when.trimmingWhitespace()
        let mentions: [(String, [FieldRef])] = [
            ("subject or message mentions ", ["ticket.subject", "message.body"]),
            ("message or subject mentions ", ["message.body", "ticket.subject"]),
            ("subject mentions ", ["ticket.subject"]),
            ("message mentions ", ["message.body"]),
        ]
        for (prefix, fields) in mentions {
            guard let rest = after(prefix, in: text) else { continue }
            let terms = rest.replacingOccurrences(of: " or ", with: ",").split(separator: ",")
                .map { String($0).trimmingWhitespace().trimmingCharacters(in: CharacterSet(charactersIn: "\"“”'")) }
                .filter { !$0.isEmpty }
            guard !terms.isEmpty else { return .failure(TemplateReason(message: "“when \(when)” names nothing to look for.")) }
            return .success(fields.flatMap { field in terms.map { Condition(field, .contains, $0) } })
        }
        let equalities: [(String, FieldRef)] = [
            ("category is ", "ticket.category"), ("priority is ", "ticket.priority"),
            ("status is ", "ticket.status"), ("channel is ", "ticket.channel"),
        ]
        for (prefix, field) in equalities {
            if let value = after(prefix, in: text), !value.isEmpty {
                let normalized = field.field == .ticketPriority || field.field == .ticketStatus ? value.lowercased() : value
                return .success([Condition(field, .equal, normalized)])
            }
        }
        if let tag = after("tagged ", in: text), !tag.isEmpty {
            return .success([Condition("ticket.tags", .contains, tag)])
        }
        return .failure(TemplateReason(message: "“when \(when)” cannot be read as conditions; the converter understands “subject/message mentions A, B or C”, “category is X”, “priority is X”, “status is X”, “channel is X” and “tagged X”."))
    }

    static func action(_ clause: String) -> Result<RuleAction, TemplateReason> {
        let lower = clause.lowercased()
        if let team = after("assign team ", in: clause) { return .success(.assignTeam(team)) }
        if let agent = after("assign agent ", in: clause) { return .success(.assignAgent(agent)) }
        if let priority = after("set priority ", in: clause) ?? after("priority ", in: clause) { return .success(.setPriority(priority.lowercased())) }
        if let status = after("set status ", in: clause) ?? after("status ", in: clause) { return .success(.setStatus(status.lowercased())) }
        if let tag = after("remove tag ", in: clause) { return .success(.removeTag(tag)) }
        if let tag = after("add tag ", in: clause) ?? after("tag ", in: clause) { return .success(.addTag(tag)) }
        if let note = after("add note ", in: clause) ?? after("note ", in: clause) { return .success(.addInternalNote(note)) }
        if let who = after("notify ", in: clause) {
            return .success(.notifyEmail(EmailAddress(who) != nil ? .person(who) : .team(who)))
        }
        if let url = after("webhook ", in: clause) { return .success(.sendWebhook(url)) }
        if let policy = after("apply sla ", in: clause) { return .success(.applySLAPolicy(policy)) }
        if lower.hasPrefix("suggest article") {
            return .failure(TemplateReason(message: "“\(clause)” is left out: routing rules do not suggest articles; the knowledge base suggests them to agents and customers."))
        }
        if lower.hasPrefix("reply") {
            return .failure(TemplateReason(message: "“\(clause)” is left out: routing rules do not reply to customers; use an automatic email reply for that."))
        }
        return .failure(TemplateReason(message: "“\(clause)” is left out: it is not an action a routing rule can take."))
    }
}
