import Foundation
@testable import OnrampDomain
import Testing

/// Open 09:00–17:00 UTC every day.
struct DaytimeClock: BusinessHoursClock {
    func isOpen(at date: Date) -> Bool {
        let hour = Int(date.timeIntervalSince1970.truncatingRemainder(dividingBy: 86_400) / 3600)
        return (9..<17).contains(hour)
    }
}

enum RoutingFixture {
    static func date(_ text: String) -> Date { ISO8601DateFormatter().date(from: text)! }

    /// Tuesday 10 March 2026, 12:00 UTC.
    static let now = date("2026-03-10T12:00:00Z")

    static func context(
        _ event: RuleEvent = .ticketCreated, subject: String = "", status: String = "open", priority: String = "normal",
        tags: Set<String> = [], message: RuleContext.Message? = nil, custom: [String: CustomFieldValue] = [:],
        createdMinutesAgo: Double = 90, clock: (any BusinessHoursClock)? = nil, now: Date = RoutingFixture.now
    ) -> RuleContext {
        RuleContext(
            event: event,
            ticket: .init(subject: subject, status: status, priority: priority, tags: tags, customFields: custom,
                          createdAt: now.addingTimeInterval(-createdMinutesAgo * 60), updatedAt: now.addingTimeInterval(-300)),
            message: message, contact: .init(email: "ann@example.com", name: "Ann Lee"), now: now, businessHours: clock)
    }

    /// The base context with one text field set (nil: unset; for message fields, no message).
    static func context(_ field: FieldRef.Field, text: String?) -> RuleContext {
        var context = context()
        context.contact = .init()
        switch field {
        case .ticketSubject: context.ticket.subject = text ?? ""
        case .ticketCategory: context.ticket.category = text
        case .ticketChannel: context.ticket.channel = text ?? ""
        case .ticketTeam: context.ticket.team = text
        case .ticketAssignee: context.ticket.assignee = text
        case .messageBody: context.message = text.map { .init(body: $0) }
        case .messageChannel: context.message = text.map { .init(body: "hello", channel: $0) }
        case .contactEmail: context.contact.email = text
        case .contactName: context.contact.name = text
        case .custom(let name): context.ticket.customFields[name] = text.map { .text($0) }
        default: Issue.record("\(field) is not a text field")
        }
        return context
    }

    static func rule(
        _ name: String = "Rule", all: [Condition] = [], any: [Condition] = [], actions: [RuleAction] = [.addTag("routed")],
        events: Set<RuleEvent> = Set(RuleEvent.allCases), position: Int = 0, stop: Bool = false, enabled: Bool = true
    ) -> RoutingRule {
        RoutingRule(name: name, position: position, events: events, conditions: ConditionGroup(all: all, any: any),
                    actions: actions, stopProcessing: stop, enabled: enabled)
    }

    /// Whether a rule with just `condition` fires; the fast path and the dry run must agree.
    static func fires(_ condition: Condition, in context: RuleContext, sourceLocation: SourceLocation = #_sourceLocation) throws -> Bool {
        let rule = rule(all: [condition])
        #expect(rule.validate() == [], "\(condition)", sourceLocation: sourceLocation)
        let set = try CompiledRuleSet(rules: [rule])
        let fast = !set.evaluate(context).firedRuleIDs.isEmpty
        let explained = set.dryRun(context)
        #expect(explained.firedRuleIDs.isEmpty == !fast, "dry run agrees for \(condition)", sourceLocation: sourceLocation)
        #expect(explained.trace.count == 1, sourceLocation: sourceLocation)
        return fast
    }

    static let textFields: [FieldRef.Field] = [
        .ticketSubject, .ticketCategory, .ticketChannel, .ticketTeam, .ticketAssignee,
        .messageBody, .messageChannel, .contactEmail, .contactName, .custom("order_ref"),
    ]
}
