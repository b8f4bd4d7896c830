import Foundation

// Routing rules (WF-1): on a ticket event, ordered rules whose conditions hold contribute their
// actions. Rules are compiled once (`CompiledRuleSet`) and then evaluated per event without
// building strings; a dry run (`evaluate(_:explain: true)`) also says, rule by rule, why it
// fired or was skipped.
//
// Semantics, in one place:
// - A rule fires when it is enabled, its events include the event, every condition in
//   `conditions.all` holds and, if `conditions.any` is not empty, at least one of those holds.
//   A rule without conditions fires on every event it listens to.
// - Rules run in `position` order (ties: the order they were given). Every rule sees the event's
//   facts as they arrived: actions of earlier rules do not change what later rules see (one
//   pass, no chaining). After a firing rule with `stopProcessing`, no further rule is looked at.
// - `Evaluation.actions` are the fired rules' actions in rule order, then action order.
//   `RuleEffect` folds them: for single-valued things (team, agent, priority, status, SLA policy)
//   the last action wins; tags are added and removed in order (a later remove undoes an earlier
//   add and the other way round); notes, notifications and webhooks are kept in order, exact
//   repeats once.
// - Text is compared case-insensitively (Unicode lower-casing, then canonical composition, NFC),
//   byte for byte: `contains` finds the value anywhere in the text, `starts_with` at its start,
//   `equal` needs the whole text. Values are used as written (not trimmed).
// - `not_equal`, `not_contains` and `not_present` are exactly the negations of `equal`,
//   `contains` and `present`: a missing value (no message, no category, no such custom field)
//   is never equal to, nor contains, anything, so its negations hold.
// - `present`: text that is not blank, a non-empty tag list, a message (for message fields),
//   a custom field that is set (text: not blank). Dates and the event time are always present.
// - `greater_than`/`less_than`: priority order low < normal < high < urgent; dates after/before
//   an ISO 8601 moment; custom numbers numerically. A missing or unreadable value is neither.
// - `older_than_minutes N`: `now − date ≥ N` minutes. `within_business_hours`: the context's
//   `BusinessHoursClock` says the desk is open at the date; false without a clock.
// - Custom fields (`custom.<name>`) are compared by the type of the value the ticket holds:
//   text as text (against the condition value's text form: 5 → "5", true → "true"), a number
//   numerically (the condition value read as a number), a yes/no value against true/false, a
//   date against an ISO 8601 moment. Text operators (contains, starts with) only match text.

/// A routing rule: on some events, when its conditions hold, it takes its actions.
/// Every change is a new `version` (`revised(_:)`); the dry-run trace names the version.
public struct RoutingRule: Sendable, Hashable, Codable, Identifiable {
    /// Ticket statuses a rule may test or set.
    public static let statuses = ["new", "open", "pending", "on_hold", "resolved", "closed"]
    /// Ticket priorities, lowest first.
    public static let priorities = ["low", "normal", "high", "urgent"]

    public var id: UUID
    public var name: String
    /// Rules run in ascending position.
    public var position: Int
    /// 1 for a new rule, one more for every revision.
    public var version: Int
    public var events: Set<RuleEvent>
    public var conditions: ConditionGroup
    public var actions: [RuleAction]
    /// When the rule fires, no later rule is looked at.
    public var stopProcessing: Bool
    public var enabled: Bool

    public init(
        id: UUID = UUID(), name: String, position: Int = 0, version: Int = 1,
        events: Set<RuleEvent> = [.ticketCreated], conditions: ConditionGroup = ConditionGroup(),
        actions: [RuleAction], stopProcessing: Bool = false, enabled: Bool = true
    ) {
        self.id = id
        self.name = name
        self.position = position
        self.version = version
        self.events = events
        self.conditions = conditions
        self.actions = actions
        self.stopProcessing = stopProcessing
        self.enabled = enabled
    }

    /// The rule changed by `change`, as its next version (the id stays).
    public func revised(_ change: (inout RoutingRule) -> Void) -> RoutingRule {
        var next = self
        change(&next)
        next.id = id
        next.version = version + 1
        return next
    }

    enum CodingKeys: String, CodingKey { case id, name, position, version, events, conditions, actions, stopProcessing, enabled }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        id = try container.decode(UUID.self, forKey: .id)
        name = try container.decode(String.self, forKey: .name)
        position = try container.decodeIfPresent(Int.self, forKey: .position) ?? 0
        version = try container.decodeIfPresent(Int.self, forKey: .version) ?? 1
        events = Set(try container.decode([RuleEvent].self, forKey: .events))
        conditions = try container.decodeIfPresent(ConditionGroup.self, forKey: .conditions) ?? ConditionGroup()
        actions = try container.decode([RuleAction].self, forKey: .actions)
        stopProcessing = try container.decodeIfPresent(Bool.self, forKey: .stopProcessing) ?? false
        enabled = try container.decodeIfPresent(Bool.self, forKey: .enabled) ?? true
    }

    /// Always the same key order and events in a fixed order, so stored rules compare as text.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(id, forKey: .id)
        try container.encode(name, forKey: .name)
        try container.encode(position, forKey: .position)
        try container.encode(version, forKey: .version)
        try container.encode(RuleEvent.allCases.filter(events.contains), forKey: .events)
        try container.encode(conditions, forKey: .conditions)
        try container.encode(actions, forKey: .actions)
        try container.encode(stopProcessing, forKey: .stopProcessing)
        try container.encode(enabled, forKey: .enabled)
    }

    /// Everything wrong with the rule, each with a message a person understands; empty when
    /// it can be used. Field names follow the JSON (`conditions.all[0].value`, `actions[1].url`).
    public func validate() -> [FieldError] {
        var errors = FieldErrors()
        errors.requireText(name, field: "name", label: "The rule's name", maxLength: 120)
        if position < 0 { errors.add("position", "The position is 0 or more.", code: "out_of_range") }
        if version < 1 { errors.add("version", "The version is 1 or more.", code: "out_of_range") }
        if events.isEmpty {
            errors.add("events", "Choose at least one event: ticket_created, ticket_updated or message_created.", code: "required")
        }
        if conditions.all.count + conditions.any.count > 100 {
            errors.add("conditions", "A rule has at most 100 conditions.", code: "too_many")
        }
        for (index, condition) in conditions.all.enumerated() { condition.validate(into: &errors, at: "conditions.all[\(index)]") }
        for (index, condition) in conditions.any.enumerated() { condition.validate(into: &errors, at: "conditions.any[\(index)]") }
        if actions.isEmpty {
            errors.add("actions", "A rule needs at least one action.", code: "required")
        } else if actions.count > 50 {
            errors.add("actions", "A rule has at most 50 actions.", code: "too_many")
        }
        for (index, action) in actions.enumerated() { action.validate(into: &errors, at: "actions[\(index)]") }
        return errors.all
    }
}
