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

/// Tells whether the desk is open at a moment (business hours, holidays, time zone). The SLA
/// business calendar conforms; rules use it for `within_business_hours`.
public protocol BusinessHoursClock: Sendable {
    func isOpen(at date: Date) -> Bool
}

// MARK: - Events, fields, operators, values

/// What happened to a ticket.
public enum RuleEvent: String, Sendable, Hashable, Codable, CaseIterable {
    case ticketCreated = "ticket_created"
    case ticketUpdated = "ticket_updated"
    case messageCreated = "message_created"

    var bit: UInt8 {
        switch self {
        case .ticketCreated: 1
        case .ticketUpdated: 2
        case .messageCreated: 4
        }
    }
}

/// The kind of value a field holds, which decides the operators it accepts.
public enum FieldType: String, Sendable, Hashable, CaseIterable {
    case text, status, priority, tags, date, boolean, custom

    /// The operators that can be used with a field of this type.
    public var operators: [ConditionOperator] {
        switch self {
        case .text: [.equal, .notEqual, .contains, .notContains, .startsWith, .present, .notPresent]
        case .status: [.equal, .notEqual, .present, .notPresent]
        case .priority: [.equal, .notEqual, .greaterThan, .lessThan, .present, .notPresent]
        case .tags: [.contains, .notContains, .present, .notPresent]
        case .date: [.greaterThan, .lessThan, .olderThanMinutes, .withinBusinessHours, .present, .notPresent]
        case .boolean: [.equal, .notEqual, .present, .notPresent]
        case .custom: ConditionOperator.allCases
        }
    }

    /// How a person calls it.
    public var label: String {
        switch self {
        case .text: "text"
        case .status: "a status"
        case .priority: "a priority"
        case .tags: "a list of tags"
        case .date: "a date"
        case .boolean: "yes or no"
        case .custom: "a custom field"
        }
    }
}

/// A field a condition reads, written as a path: `ticket.subject`, `message.body`,
/// `contact.email`, `custom.<name>`. A path that names no field is kept (so validation can
/// say so) with `field == nil`.
public struct FieldRef: Sendable, Hashable, Codable, CustomStringConvertible, ExpressibleByStringLiteral {
    public enum Field: Sendable, Hashable {
        case ticketSubject, ticketCategory, ticketStatus, ticketPriority, ticketChannel, ticketTags
        case ticketTeam, ticketAssignee, ticketCreatedAt, ticketUpdatedAt
        case messageBody, messageFromCustomer, messageChannel
        case contactEmail, contactName
        /// When the event happened (the context's `now`).
        case eventTime
        /// A tenant-defined field; the name is matched exactly.
        case custom(String)

        /// Every field except custom ones, in the order they are listed to people.
        public static let builtIn: [Field] = [
            .ticketSubject, .ticketCategory, .ticketStatus, .ticketPriority, .ticketChannel, .ticketTags,
            .ticketTeam, .ticketAssignee, .ticketCreatedAt, .ticketUpdatedAt,
            .messageBody, .messageFromCustomer, .messageChannel, .contactEmail, .contactName, .eventTime,
        ]

        public var path: String {
            switch self {
            case .ticketSubject: "ticket.subject"
            case .ticketCategory: "ticket.category"
            case .ticketStatus: "ticket.status"
            case .ticketPriority: "ticket.priority"
            case .ticketChannel: "ticket.channel"
            case .ticketTags: "ticket.tags"
            case .ticketTeam: "ticket.team"
            case .ticketAssignee: "ticket.assignee"
            case .ticketCreatedAt: "ticket.created_at"
            case .ticketUpdatedAt: "ticket.updated_at"
            case .messageBody: "message.body"
            case .messageFromCustomer: "message.from_customer"
            case .messageChannel: "message.channel"
            case .contactEmail: "contact.email"
            case .contactName: "contact.name"
            case .eventTime: "event.time"
            case .custom(let name): "custom.\(name)"
            }
        }

        public var type: FieldType {
            switch self {
            case .ticketSubject, .ticketCategory, .ticketChannel, .ticketTeam, .ticketAssignee,
                 .messageBody, .messageChannel, .contactEmail, .contactName: .text
            case .ticketStatus: .status
            case .ticketPriority: .priority
            case .ticketTags: .tags
            case .ticketCreatedAt, .ticketUpdatedAt, .eventTime: .date
            case .messageFromCustomer: .boolean
            case .custom: .custom
            }
        }

        var isMessageField: Bool {
            switch self {
            case .messageBody, .messageFromCustomer, .messageChannel: true
            default: false
            }
        }
    }

    static let byPath: [String: Field] = Dictionary(uniqueKeysWithValues: Field.builtIn.map { ($0.path, $0) })

    /// The path as written (trimmed; built-in paths in their canonical lower case).
    public let path: String
    /// The field, or nil when the path names none.
    public let field: Field?

    public init(_ path: String) {
        let trimmed = path.trimmingWhitespace()
        let lower = trimmed.lowercased()
        if let field = Self.byPath[lower] {
            self.path = lower
            self.field = field
        } else if lower.hasPrefix("custom."), trimmed.utf8.count > 7 {
            let name = String(trimmed.utf8.dropFirst(7))!
            let valid = name.utf8.count <= 64 && name.utf8.allSatisfy { byte in
                (byte >= 0x61 && byte <= 0x7A) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x30 && byte <= 0x39)
                    || byte == UInt8(ascii: "_") || byte == UInt8(ascii: "-")
            }
            self.path = "custom.\(name)"
            self.field = valid ? .custom(name) : nil
        } else {
            self.path = trimmed
            self.field = nil
        }
    }

    public init(_ field: Field) {
        path = field.path
        self.field = field
    }

    public init(stringLiteral value: String) { self.init(value) }

    public init(from decoder: any Decoder) throws {
        self.init(try decoder.singleValueContainer().decode(String.self))
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(path)
    }

    public var description: String { path }
}

/// How a condition compares a field with its value. Raw values are the API's names.
public enum ConditionOperator: String, Sendable, Hashable, Codable, CaseIterable {
    case equal
    case notEqual = "not_equal"
    case contains
    case notContains = "not_contains"
    case startsWith = "starts_with"
    case present
    case notPresent = "not_present"
    case greaterThan = "greater_than"
    case lessThan = "less_than"
    case withinBusinessHours = "within_business_hours"
    case olderThanMinutes = "older_than_minutes"

    /// How a person reads it.
    public var label: String {
        switch self {
        case .equal: "equal"
        case .notEqual: "not equal"
        case .contains: "contains"
        case .notContains: "does not contain"
        case .startsWith: "starts with"
        case .present: "present"
        case .notPresent: "not present"
        case .greaterThan: "greater than"
        case .lessThan: "less than"
        case .withinBusinessHours: "within business hours"
        case .olderThanMinutes: "older than (minutes)"
        }
    }

    /// Whether the operator compares with a value (`present`, `not_present` and
    /// `within_business_hours` do not).
    public var takesValue: Bool {
        switch self {
        case .present, .notPresent, .withinBusinessHours: false
        default: true
        }
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let raw = try container.decode(String.self)
        guard let value = ConditionOperator(rawValue: raw) else {
            throw DecodingError.dataCorruptedError(
                in: container,
                debugDescription: "There is no operator \"\(raw)\"; use one of \(ConditionOperator.allCases.map(\.rawValue).joined(separator: ", ")).")
        }
        self = value
    }
}

/// The value a condition compares with, as JSON has it: text, a number or true/false. Dates are
/// ISO 8601 text (`ConditionValue.date(_:)` writes one).
public enum ConditionValue: Sendable, Hashable, Codable, CustomStringConvertible {
    case text(String)
    case number(Double)
    case bool(Bool)

    /// A moment as ISO 8601 text, e.g. `2026-01-31T09:00:00Z`.
    public static func date(_ date: Date) -> ConditionValue { .text(date.formatted(.iso8601)) }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let value = try? container.decode(Bool.self) { self = .bool(value) }
        else if let value = try? container.decode(Double.self) { self = .number(value) }
        else if let value = try? container.decode(String.self) { self = .text(value) }
        else {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "A condition's value is text, a number, true or false.")
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .text(let text): try container.encode(text)
        case .number(let number): try container.encode(number)
        case .bool(let bool): try container.encode(bool)
        }
    }

    public var description: String { textForm }

    /// The value as text: numbers without a needless `.0`, booleans as `true`/`false`.
    var textForm: String {
        switch self {
        case .text(let text): text
        case .number(let number): Self.format(number)
        case .bool(let bool): bool ? "true" : "false"
        }
    }

    var text: String? {
        if case .text(let text) = self { return text }
        return nil
    }

    /// A finite number, or text that reads as one.
    var number: Double? {
        switch self {
        case .number(let number): number.isFinite ? number : nil
        case .text(let text): Self.readNumber(text)
        case .bool: nil
        }
    }

    /// true/false, or text that reads `true` or `false`.
    var boolean: Bool? {
        switch self {
        case .bool(let bool): bool
        case .text(let text): Self.readBool(text)
        case .number: nil
        }
    }

    /// ISO 8601 text read as a moment.
    var date: Date? { text.flatMap(Self.readDate) }

    /// A whole number of minutes above zero (a number, or text that reads as one).
    var wholeMinutes: Int? {
        guard let number, number >= 1, number <= 10_000_000, number == number.rounded() else { return nil }
        return Int(number)
    }

    static func format(_ number: Double) -> String {
        if number == number.rounded(), abs(number) < 1e15 { return String(Int64(number)) }
        return "\(number)"
    }

    static func readNumber(_ text: String) -> Double? {
        guard let number = Double(text.trimmingWhitespace()), number.isFinite else { return nil }
        return number
    }

    static func readBool(_ text: String) -> Bool? {
        switch text.trimmingWhitespace().lowercased() {
        case "true": true
        case "false": false
        default: nil
        }
    }

    /// An ISO 8601 date and time with an offset or `Z`, with or without fractional seconds.
    static func readDate(_ text: String) -> Date? {
        let trimmed = text.trimmingWhitespace().uppercased()
        if let date = try? Date(trimmed, strategy: .iso8601) { return date }
        return try? Date(trimmed, strategy: Date.ISO8601FormatStyle(includingFractionalSeconds: true))
    }
}

/// One test of a field: `ticket.priority equal urgent`, `message.body contains "refund"`.
public struct Condition: Sendable, Hashable, Codable, CustomStringConvertible {
    public var field: FieldRef
    public var op: ConditionOperator
    public var value: ConditionValue?

    public init(_ field: FieldRef, _ op: ConditionOperator, _ value: ConditionValue? = nil) {
        self.field = field
        self.op = op
        self.value = value
    }

    /// Shorthand for a text value.
    public init(_ field: FieldRef, _ op: ConditionOperator, _ text: String) {
        self.init(field, op, .text(text))
    }

    /// `ticket.priority equal urgent`, `message.body contains "refund"`, `ticket.tags present`.
    public var description: String {
        guard op.takesValue, let value else { return "\(field.path) \(op.label)" }
        if op == .olderThanMinutes { return "\(field.path) older than \(value.textForm) minutes" }
        switch (field.field?.type, value) {
        case (.status?, _), (.priority?, _), (_, .number), (_, .bool): return "\(field.path) \(op.label) \(value.textForm)"
        case (_, .text(let text)): return "\(field.path) \(op.label) \"\(text)\""
        }
    }

    /// Adds what is wrong with the condition to `errors`, its fields named under `path`.
    func validate(into errors: inout FieldErrors, at path: String) {
        guard let known = field.field else {
            if field.path.lowercased().hasPrefix("custom.") {
                errors.add("\(path).field", "A custom field's name is 1 to 64 letters, digits, _ or -; \"\(field.path)\" is not.", code: "unknown_field")
            } else {
                let paths = FieldRef.Field.builtIn.map(\.path).joined(separator: ", ")
                errors.add("\(path).field", "There is no field \"\(field.path)\". Use one of \(paths), or custom.<name>.", code: "unknown_field")
            }
            return
        }
        let type = known.type
        guard type.operators.contains(op) else {
            let allowed = type.operators.map(\.label)
            let hint = known == .ticketTags && op == .equal ? " (to look for one tag, use contains)" : ""
            errors.add("\(path).op", "“\(op.label)” cannot be used with \(field.path), which is \(type.label); use \(Self.listing(allowed, conjunction: "or"))\(hint).", code: "operator_not_applicable")
            return
        }
        guard op.takesValue else {
            if value != nil { errors.add("\(path).value", "“\(op.label)” takes no value; remove it.", code: "unexpected_value") }
            return
        }
        guard let value else {
            errors.add("\(path).value", "“\(field.path) \(op.label)” needs a value to compare with.", code: "required")
            return
        }
        let valuePath = "\(path).value"
        func requireText() {
            guard let text = value.text else {
                errors.add(valuePath, "“\(field.path) \(op.label)” compares with text; \(value.textForm) is not text.", code: "invalid_value")
                return
            }
            if text.trimmingWhitespace().isEmpty {
                errors.add(valuePath, "“\(field.path) \(op.label)” needs text to compare with; it is empty.", code: "required")
            } else if text.count > 1000 {
                errors.add(valuePath, "A condition's text must be at most 1000 characters long.", code: "too_long")
            }
        }
        func requireChoice(_ choices: [String]) {
            guard let text = value.text, choices.contains(text.trimmingWhitespace().lowercased()) else {
                errors.add(valuePath, "\(field.path) is \(Self.listing(choices, conjunction: "or")); \"\(value.textForm)\" is not one of them.", code: "invalid_choice")
                return
            }
        }
        if case .number(let number) = value, !number.isFinite {
            errors.add(valuePath, "The value must be a finite number.", code: "invalid_value")
            return
        }
        switch (type, op) {
        case (.text, _), (.tags, _), (.custom, .contains), (.custom, .notContains), (.custom, .startsWith):
            requireText()
        case (.status, _):
            requireChoice(RoutingRule.statuses)
        case (.priority, _):
            requireChoice(RoutingRule.priorities)
        case (.boolean, _):
            if case .bool = value {} else {
                errors.add(valuePath, "\(field.path) is true or false; \"\(value.textForm)\" is neither.", code: "invalid_value")
            }
        case (_, .olderThanMinutes):
            if value.wholeMinutes == nil {
                errors.add(valuePath, "“older than” needs a whole number of minutes above 0; \"\(value.textForm)\" is not one.", code: "invalid_value")
            }
        case (.date, _):
            if value.date == nil {
                errors.add(valuePath, "\(field.path) is compared with a date and time such as 2026-01-31T09:00:00Z; \"\(value.textForm)\" is not one.", code: "invalid_value")
            }
        case (.custom, .greaterThan), (.custom, .lessThan):
            if value.number == nil && value.date == nil {
                errors.add(valuePath, "“\(op.label)” compares with a number or a date and time such as 2026-01-31T09:00:00Z; \"\(value.textForm)\" is neither.", code: "invalid_value")
            }
        case (.custom, _):
            if let text = value.text, text.trimmingWhitespace().isEmpty {
                errors.add(valuePath, "“\(field.path) \(op.label)” needs a value to compare with; it is empty.", code: "required")
            }
        }
    }

    static func listing(_ items: [String], conjunction: String) -> String {
        guard items.count > 1 else { return items.first ?? "" }
        return items.dropLast().joined(separator: ", ") + " \(conjunction) " + items.last!
    }
}

/// The conditions of a rule: all of `all` must hold and, if `any` is not empty, at least one
/// of `any`.
public struct ConditionGroup: Sendable, Hashable, Codable {
    public var all: [Condition]
    public var any: [Condition]

    public init(all: [Condition] = [], any: [Condition] = []) {
        self.all = all
        self.any = any
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        all = try container.decodeIfPresent([Condition].self, forKey: .all) ?? []
        any = try container.decodeIfPresent([Condition].self, forKey: .any) ?? []
    }

    enum CodingKeys: String, CodingKey { case all, any }
}

// MARK: - Actions

/// Who is told by email: a person (an agent's id or an email address) or a team.
public enum NotifyTarget: Sendable, Hashable, Codable, CustomStringConvertible {
    case person(String)
    case team(String)

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: RuleAction.CodingKeys.self)
        self = try Self.decode(from: container)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: RuleAction.CodingKeys.self)
        try encode(into: &container)
    }

    static func decode(from container: KeyedDecodingContainer<RuleAction.CodingKeys>) throws -> NotifyTarget {
        if let person = try container.decodeIfPresent(String.self, forKey: .person) { return .person(person) }
        if let team = try container.decodeIfPresent(String.self, forKey: .team) { return .team(team) }
        throw DecodingError.dataCorruptedError(forKey: .person, in: container, debugDescription: "A notification names a person or a team.")
    }

    func encode(into container: inout KeyedEncodingContainer<RuleAction.CodingKeys>) throws {
        switch self {
        case .person(let person): try container.encode(person, forKey: .person)
        case .team(let team): try container.encode(team, forKey: .team)
        }
    }

    public var description: String {
        switch self {
        case .person(let person): "person \(person)"
        case .team(let team): "team \(team)"
        }
    }
}

/// What a firing rule does. JSON: `{"type": "assign_team", "team": "Billing"}`, …
public enum RuleAction: Sendable, Hashable, Codable, CustomStringConvertible {
    case assignTeam(String)
    /// An agent by id (UUID) or email address.
    case assignAgent(String)
    case setPriority(String)
    case setStatus(String)
    case addTag(String)
    case removeTag(String)
    case addInternalNote(String)
    case notifyEmail(NotifyTarget)
    /// An `https` address that receives the event.
    case sendWebhook(String)
    /// An SLA policy by name or id.
    case applySLAPolicy(String)

    /// The API's name of each kind of action.
    public static let types = ["assign_team", "assign_agent", "set_priority", "set_status", "add_tag", "remove_tag",
                               "add_internal_note", "notify_email", "send_webhook", "apply_sla_policy"]

    public var type: String {
        switch self {
        case .assignTeam: "assign_team"
        case .assignAgent: "assign_agent"
        case .setPriority: "set_priority"
        case .setStatus: "set_status"
        case .addTag: "add_tag"
        case .removeTag: "remove_tag"
        case .addInternalNote: "add_internal_note"
        case .notifyEmail: "notify_email"
        case .sendWebhook: "send_webhook"
        case .applySLAPolicy: "apply_sla_policy"
        }
    }

    enum CodingKeys: String, CodingKey { case type, team, agent, priority, status, tag, text, person, url, policy }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let type = try container.decode(String.self, forKey: .type)
        switch type {
        case "assign_team": self = .assignTeam(try container.decode(String.self, forKey: .team))
        case "assign_agent": self = .assignAgent(try container.decode(String.self, forKey: .agent))
        case "set_priority": self = .setPriority(try container.decode(String.self, forKey: .priority))
        case "set_status": self = .setStatus(try container.decode(String.self, forKey: .status))
        case "add_tag": self = .addTag(try container.decode(String.self, forKey: .tag))
        case "remove_tag": self = .removeTag(try container.decode(String.self, forKey: .tag))
        case "add_internal_note": self = .addInternalNote(try container.decode(String.self, forKey: .text))
        case "notify_email": self = .notifyEmail(try NotifyTarget.decode(from: container))
        case "send_webhook": self = .sendWebhook(try container.decode(String.self, forKey: .url))
        case "apply_sla_policy": self = .applySLAPolicy(try container.decode(String.self, forKey: .policy))
        default:
            throw DecodingError.dataCorruptedError(
                forKey: .type, in: container,
                debugDescription: "There is no action \"\(type)\"; use one of \(Self.types.joined(separator: ", ")).")
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(type, forKey: .type)
        switch self {
        case .assignTeam(let team): try container.encode(team, forKey: .team)
        case .assignAgent(let agent): try container.encode(agent, forKey: .agent)
        case .setPriority(let priority): try container.encode(priority, forKey: .priority)
        case .setStatus(let status): try container.encode(status, forKey: .status)
        case .addTag(let tag), .removeTag(let tag): try container.encode(tag, forKey: .tag)
        case .addInternalNote(let text): try container.encode(text, forKey: .text)
        case .notifyEmail(let target): try target.encode(into: &container)
        case .sendWebhook(let url): try container.encode(url, forKey: .url)
        case .applySLAPolicy(let policy): try container.encode(policy, forKey: .policy)
        }
    }

    public var description: String {
        switch self {
        case .assignTeam(let team): "assign team \(team)"
        case .assignAgent(let agent): "assign agent \(agent)"
        case .setPriority(let priority): "set priority \(priority)"
        case .setStatus(let status): "set status \(status)"
        case .addTag(let tag): "add tag \(tag)"
        case .removeTag(let tag): "remove tag \(tag)"
        case .addInternalNote: "add an internal note"
        case .notifyEmail(let target): "email \(target)"
        case .sendWebhook(let url): "send a webhook to \(url)"
        case .applySLAPolicy(let policy): "apply SLA policy \(policy)"
        }
    }

    func validate(into errors: inout FieldErrors, at path: String) {
        func name(_ text: String, _ key: String, _ label: String, maxLength: Int = 100) {
            errors.requireText(text, field: "\(path).\(key)", label: label, maxLength: maxLength)
        }
        func choice(_ text: String, _ key: String, _ choices: [String], _ label: String) {
            if !choices.contains(text.trimmingWhitespace().lowercased()) {
                errors.add("\(path).\(key)", "\(label) is \(Condition.listing(choices, conjunction: "or")); \"\(text)\" is not one of them.", code: "invalid_choice")
            }
        }
        func person(_ text: String, _ key: String, _ label: String) {
            let trimmed = text.trimmingWhitespace()
            if UUID(uuidString: trimmed) == nil && EmailAddress(trimmed) == nil {
                errors.add("\(path).\(key)", "\(label) is an agent's id or an email address; \"\(text)\" is neither.", code: "invalid_format")
            }
        }
        switch self {
        case .assignTeam(let team): name(team, "team", "The team")
        case .assignAgent(let agent): person(agent, "agent", "The agent")
        case .setPriority(let priority): choice(priority, "priority", RoutingRule.priorities, "The priority")
        case .setStatus(let status): choice(status, "status", RoutingRule.statuses, "The status")
        case .addTag(let tag), .removeTag(let tag):
            if errors.requireText(tag, field: "\(path).tag", label: "The tag", maxLength: 50) != nil,
               tag.trimmingWhitespace().contains(where: { $0.isWhitespace || $0 == "," }) {
                errors.add("\(path).tag", "A tag is one word, without spaces or commas; \"\(tag)\" is not.", code: "invalid_format")
            }
        case .addInternalNote(let text): name(text, "text", "The note", maxLength: 10_000)
        case .notifyEmail(.person(let recipient)): person(recipient, "person", "The person to notify")
        case .notifyEmail(.team(let team)): name(team, "team", "The team to notify")
        case .sendWebhook(let url): Self.validateWebhook(url, into: &errors, at: "\(path).url")
        case .applySLAPolicy(let policy): name(policy, "policy", "The SLA policy")
        }
    }

    static func validateWebhook(_ text: String, into errors: inout FieldErrors, at path: String) {
        let trimmed = text.trimmingWhitespace()
        guard !trimmed.isEmpty else {
            errors.add(path, "The webhook address is required.", code: "required")
            return
        }
        guard trimmed.utf8.count <= 2000, let components = URLComponents(string: trimmed), let scheme = components.scheme else {
            errors.add(path, "The webhook address cannot be read; write it in full, e.g. https://example.com/hooks/tickets.", code: "invalid_url")
            return
        }
        guard scheme.lowercased() == "https" else {
            errors.add(path, "The webhook address must start with https:// so the ticket data travels encrypted.", code: "insecure_url")
            return
        }
        guard let host = components.host, !host.isEmpty else {
            errors.add(path, "The webhook address has no host; write it in full, e.g. https://example.com/hooks/tickets.", code: "invalid_url")
            return
        }
        if components.user != nil || components.password != nil {
            errors.add(path, "The webhook address must not contain a user name or password; they would be written to logs.", code: "invalid_url")
        }
    }
}

// MARK: - The rule

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

// MARK: - The facts of one event

/// A custom field's value on a ticket.
public enum CustomFieldValue: Sendable, Hashable {
    case text(String)
    case number(Double)
    case bool(Bool)
    case date(Date)
}

/// The facts rules are evaluated against: one event on one ticket.
public struct RuleContext: Sendable {
    public struct Ticket: Sendable, Hashable {
        public var subject: String
        /// One of `RoutingRule.statuses`.
        public var status: String
        /// One of `RoutingRule.priorities`.
        public var priority: String
        public var channel: String
        public var category: String?
        public var tags: Set<String>
        public var customFields: [String: CustomFieldValue]
        public var createdAt: Date
        public var updatedAt: Date
        public var team: String?
        public var assignee: String?

        public init(
            subject: String = "", status: String = "new", priority: String = "normal", channel: String = "email",
            category: String? = nil, tags: Set<String> = [], customFields: [String: CustomFieldValue] = [:],
            createdAt: Date, updatedAt: Date? = nil, team: String? = nil, assignee: String? = nil
        ) {
            self.subject = subject
            self.status = status
            self.priority = priority
            self.channel = channel
            self.category = category
            self.tags = tags
            self.customFields = customFields
            self.createdAt = createdAt
            self.updatedAt = updatedAt ?? createdAt
            self.team = team
            self.assignee = assignee
        }
    }

    public struct Message: Sendable, Hashable {
        public var body: String
        public var fromCustomer: Bool
        public var channel: String

        public init(body: String, fromCustomer: Bool = true, channel: String = "email") {
            self.body = body
            self.fromCustomer = fromCustomer
            self.channel = channel
        }
    }

    public struct Contact: Sendable, Hashable {
        public var email: String?
        public var name: String?

        public init(email: String? = nil, name: String? = nil) {
            self.email = email
            self.name = name
        }
    }

    public var event: RuleEvent
    public var ticket: Ticket
    /// The message the event is about (the first message of a new ticket, a new reply), if any.
    public var message: Message?
    public var contact: Contact
    public var now: Date
    /// The desk's business hours; without them `within_business_hours` never holds.
    public var businessHours: (any BusinessHoursClock)?

    public init(
        event: RuleEvent, ticket: Ticket, message: Message? = nil, contact: Contact = Contact(),
        now: Date, businessHours: (any BusinessHoursClock)? = nil
    ) {
        self.event = event
        self.ticket = ticket
        self.message = message
        self.contact = contact
        self.now = now
        self.businessHours = businessHours
    }

    func text(_ field: FieldRef.Field) -> String? {
        switch field {
        case .ticketSubject: ticket.subject
        case .ticketCategory: ticket.category
        case .ticketChannel: ticket.channel
        case .ticketTeam: ticket.team
        case .ticketAssignee: ticket.assignee
        case .messageBody: message?.body
        case .messageChannel: message?.channel
        case .contactEmail: contact.email
        case .contactName: contact.name
        case .custom(let name): if case .text(let text)? = ticket.customFields[name] { text } else { nil }
        default: nil
        }
    }

    func date(_ field: FieldRef.Field) -> Date? {
        switch field {
        case .ticketCreatedAt: ticket.createdAt
        case .ticketUpdatedAt: ticket.updatedAt
        case .eventTime: now
        case .custom(let name): if case .date(let date)? = ticket.customFields[name] { date } else { nil }
        default: nil
        }
    }

    func isPresent(_ field: FieldRef.Field) -> Bool {
        switch field {
        case .ticketStatus: !ticket.status.trimmingWhitespace().isEmpty
        case .ticketPriority: !ticket.priority.trimmingWhitespace().isEmpty
        case .ticketTags: !ticket.tags.isEmpty
        case .ticketCreatedAt, .ticketUpdatedAt, .eventTime: true
        case .messageFromCustomer: message != nil
        case .custom(let name):
            switch ticket.customFields[name] {
            case nil: false
            case .text(let text)?: !text.trimmingWhitespace().isEmpty
            case .number?, .bool?, .date?: true
            }
        default: text(field).map { !$0.trimmingWhitespace().isEmpty } ?? false
        }
    }
}

// MARK: - Evaluation results

/// What one rule did in an evaluation, and why: the dry run's answer.
public struct RuleTrace: Sendable, Hashable, Codable {
    public enum Outcome: String, Sendable, Hashable, Codable { case fired, skipped }

    public let ruleID: UUID
    public let name: String
    public let version: Int
    public let position: Int
    public let outcome: Outcome
    /// Why, in words: the conditions that held, or the first thing that stopped the rule
    /// ("condition 2 (ticket.priority equal urgent) is false: ticket.priority is normal",
    /// "not for this event …", "disabled", "after “…”, which stops processing").
    public let reason: String

    enum CodingKeys: String, CodingKey { case ruleID = "ruleId", name, version, position, outcome, reason }
}

/// The combined effect of a list of actions: single values as the last action sets them, tags
/// added and removed in order, notes, notifications and webhooks in order without exact repeats.
public struct RuleEffect: Sendable, Hashable, Codable {
    public var team: String?
    public var agent: String?
    public var priority: String?
    public var status: String?
    public var slaPolicy: String?
    /// Tags to add, in the order first added; none of them is also in `removeTags`.
    public var addTags: [String] = []
    /// Tags to remove; compared case-insensitively with `addTags`.
    public var removeTags: [String] = []
    public var internalNotes: [String] = []
    public var notifications: [NotifyTarget] = []
    public var webhooks: [String] = []

    public init(_ actions: [RuleAction]) {
        func drop(_ tag: String, from list: inout [String]) {
            let key = tag.lowercased()
            list.removeAll { $0.lowercased() == key }
        }
        for action in actions {
            switch action {
            case .assignTeam(let team): self.team = team
            case .assignAgent(let agent): self.agent = agent
            case .setPriority(let priority): self.priority = priority.trimmingWhitespace().lowercased()
            case .setStatus(let status): self.status = status.trimmingWhitespace().lowercased()
            case .applySLAPolicy(let policy): slaPolicy = policy
            case .addTag(let tag):
                drop(tag, from: &removeTags)
                if !addTags.contains(where: { $0.lowercased() == tag.lowercased() }) { addTags.append(tag) }
            case .removeTag(let tag):
                drop(tag, from: &addTags)
                if !removeTags.contains(where: { $0.lowercased() == tag.lowercased() }) { removeTags.append(tag) }
            case .addInternalNote(let text): if !internalNotes.contains(text) { internalNotes.append(text) }
            case .notifyEmail(let target): if !notifications.contains(target) { notifications.append(target) }
            case .sendWebhook(let url): if !webhooks.contains(url) { webhooks.append(url) }
            }
        }
    }
}

// MARK: - Compiled rule sets

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

enum NeedleKind: UInt8, Hashable, Sendable { case contains, prefix, equal }

enum NumberSource: Hashable, Sendable {
    /// Slot 0: always NaN.
    case none
    case priority, status
    case date(FieldRef.Field)
    case customNumber(String)
}

enum FactKey: Hashable, Sendable {
    /// Fact 0: never set.
    case never
    case text(FieldRef.Field, NeedleKind, String)
    case present(FieldRef.Field)
    case tag(String)
    case fromCustomer(Bool)
    case open(FieldRef.Field)
    /// `custom.<name> equal v`, keyed by v's normalised text form.
    case customEqual(String, String)
}

struct PlanBuilder {
    var factKeys: [FactKey] = [.never]
    var factIDs: [FactKey: Int32] = [.never: 0]
    var numberSources: [NumberSource] = [.none]
    var numberSlots: [NumberSource: Int32] = [.none: 0]

    mutating func fact(_ key: FactKey) -> Int32 {
        if let id = factIDs[key] { return id }
        let id = Int32(factKeys.count)
        factKeys.append(key)
        factIDs[key] = id
        return id
    }

    mutating func slot(_ source: NumberSource) -> Int32 {
        if let slot = numberSlots[source] { return slot }
        let slot = Int32(numberSources.count)
        numberSources.append(source)
        numberSlots[source] = slot
        return slot
    }

    /// The condition as a test. The condition has been validated.
    mutating func test(for condition: Condition) -> Test {
        let field = condition.field.field!
        let value = condition.value
        let negate = condition.op == .notEqual || condition.op == .notContains || condition.op == .notPresent
        func fact(_ key: FactKey) -> Test { Test(operand: 0, fact: self.fact(key), slot: 0, kind: .fact, negate: negate) }
        func compare(_ source: NumberSource, _ kind: Test.Kind, _ operand: Double) -> Test {
            Test(operand: operand, fact: 0, slot: slot(source), kind: kind, negate: negate)
        }
        let text = value.map { TextNormalizer.normalize($0.textForm) } ?? ""
        switch (field.type, condition.op) {
        case (_, .present), (_, .notPresent):
            return fact(.present(field))
        case (.text, .equal), (.text, .notEqual):
            return fact(.text(field, .equal, text))
        case (.text, .contains), (.text, .notContains), (.custom, .contains), (.custom, .notContains):
            return fact(.text(field, .contains, text))
        case (.text, .startsWith), (.custom, .startsWith):
            return fact(.text(field, .prefix, text))
        case (.tags, _):
            return fact(.tag(text))
        case (.status, _):
            return compare(.status, .equal, Double(RoutingRule.statuses.firstIndex(of: text.trimmingWhitespace())!))
        case (.priority, let op):
            let rank = Double(RoutingRule.priorities.firstIndex(of: text.trimmingWhitespace())!)
            return compare(.priority, op == .greaterThan ? .greater : op == .lessThan ? .less : .equal, rank)
        case (.boolean, _):
            guard case .bool(let bool)? = value else { preconditionFailure("validated") }
            return fact(.fromCustomer(bool))
        case (_, .withinBusinessHours):
            return fact(.open(field))
        case (_, .olderThanMinutes):
            return compare(.date(field), .olderThan, Double(value!.wholeMinutes!) * 60)
        case (.date, let op):
            return compare(.date(field), op == .greaterThan ? .greater : .less, value!.date!.timeIntervalSinceReferenceDate)
        case (.custom, .greaterThan), (.custom, .lessThan):
            guard case .custom(let name) = field else { preconditionFailure() }
            let kind: Test.Kind = condition.op == .greaterThan ? .greater : .less
            if let number = value!.number { return compare(.customNumber(name), kind, number) }
            return compare(.date(field), kind, value!.date!.timeIntervalSinceReferenceDate)
        case (.custom, _):
            guard case .custom(let name) = field else { preconditionFailure() }
            return fact(.customEqual(name, text))
        default:
            preconditionFailure("\(condition) was not validated")
        }
    }

    func build() -> Plan {
        var needles: [FieldRef.Field: [(NeedleKind, [UInt8], Int32)]] = [:]
        var textOrder: [FieldRef.Field] = []
        func addNeedle(_ field: FieldRef.Field, _ kind: NeedleKind, _ text: String, _ id: Int32) {
            if needles[field] == nil { textOrder.append(field) }
            needles[field, default: []].append((kind, Array(text.utf8), id))
        }
        var plan = Plan()
        plan.factWords = (factKeys.count + 63) / 64
        plan.numberSources = numberSources
        for (index, key) in factKeys.enumerated() {
            let id = Int32(index)
            switch key {
            case .never: break
            case .text(let field, let kind, let text): addNeedle(field, kind, text, id)
            case .present(let field): plan.presence.append(FieldFact(field: field, fact: id))
            case .tag(let tag): plan.tags[tag] = id
            case .fromCustomer(true): plan.fromCustomerTrue = id
            case .fromCustomer(false): plan.fromCustomerFalse = id
            case .open(let field): plan.openFacts.append(FieldFact(field: field, fact: id))
            case .customEqual(let name, let text):
                addNeedle(.custom(name), .equal, text, id)
                plan.customEquals.append(CustomEqual(name: name, number: ConditionValue.readNumber(text),
                                                     bool: ConditionValue.readBool(text),
                                                     date: ConditionValue.readDate(text)?.timeIntervalSinceReferenceDate, fact: id))
            }
        }
        plan.textSlots = textOrder.map { TextSlot(field: $0, automaton: Automaton(needles[$0]!)) }
        return plan
    }
}

struct FieldFact: Sendable {
    var field: FieldRef.Field
    var fact: Int32
}

struct CustomEqual: Sendable {
    var name: String
    var number: Double?
    var bool: Bool?
    var date: Double?
    var fact: Int32
}

struct TextSlot: Sendable {
    var field: FieldRef.Field
    var automaton: Automaton
}

/// What to work out about an event before the rules run.
struct Plan: Sendable {
    var factWords = 0
    var numberSources: [NumberSource] = []
    var textSlots: [TextSlot] = []
    var presence: [FieldFact] = []
    var tags: [String: Int32] = [:]
    var fromCustomerTrue: Int32 = -1
    var fromCustomerFalse: Int32 = -1
    var openFacts: [FieldFact] = []
    var customEquals: [CustomEqual] = []

    func prepare(_ context: RuleContext, into state: EvaluationState) {
        for slot in textSlots {
            guard let text = context.text(slot.field) else { continue }
            TextNormalizer.withNormalizedUTF8(text) { slot.automaton.scan($0, into: state) }
        }
        for entry in presence where context.isPresent(entry.field) { state.set(entry.fact) }
        if !tags.isEmpty {
            for tag in context.ticket.tags {
                if let fact = tags[TextNormalizer.normalize(tag)] { state.set(fact) }
            }
        }
        if let message = context.message {
            let fact = message.fromCustomer ? fromCustomerTrue : fromCustomerFalse
            if fact >= 0 { state.set(fact) }
        }
        for entry in openFacts {
            if let clock = context.businessHours, let date = context.date(entry.field), clock.isOpen(at: date) { state.set(entry.fact) }
        }
        for entry in customEquals {
            let equal: Bool
            switch context.ticket.customFields[entry.name] {
            case .number(let number)?: equal = entry.number == number
            case .bool(let bool)?: equal = entry.bool == bool
            case .date(let date)?: equal = entry.date == date.timeIntervalSinceReferenceDate
            case .text?, nil: equal = false // text is matched by the automaton
            }
            if equal { state.set(entry.fact) }
        }
        for (slot, source) in numberSources.enumerated() {
            let value: Double
            switch source {
            case .none: value = .nan
            case .priority: value = Self.rank(context.ticket.priority, in: RoutingRule.priorities)
            case .status: value = Self.rank(context.ticket.status, in: RoutingRule.statuses)
            case .date(let field): value = context.date(field)?.timeIntervalSinceReferenceDate ?? .nan
            case .customNumber(let name):
                if case .number(let number)? = context.ticket.customFields[name] { value = number } else { value = .nan }
            }
            state.numbers[slot] = value
        }
    }

    static func rank(_ text: String, in choices: [String]) -> Double {
        if let index = choices.firstIndex(of: text) { return Double(index) }
        if let index = choices.firstIndex(of: text.trimmingWhitespace().lowercased()) { return Double(index) }
        return .nan
    }
}

/// Case folding for comparisons: Unicode lower case, then canonical composition; all-ASCII text
/// (the usual case) is folded byte by byte as it is read, without a copy.
enum TextNormalizer {
    static func normalize(_ text: String) -> String {
        var copy = text
        if copy.withUTF8({ isASCII($0) }) { return text.lowercased() }
        return text.lowercased().precomposedStringWithCanonicalMapping
    }

    static func isASCII(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        var seen: UInt8 = 0
        for byte in bytes { seen |= byte }
        return seen < 0x80
    }

    /// Calls `body` with the text's UTF-8, in which ASCII letters may still be upper case (the
    /// automaton folds them); other text is normalised first.
    static func withNormalizedUTF8<R>(_ text: String, _ body: (UnsafeBufferPointer<UInt8>) -> R) -> R {
        var copy = text
        return copy.withUTF8 { bytes in
            if isASCII(bytes) { return body(bytes) }
            var normalized = text.lowercased().precomposedStringWithCanonicalMapping
            return normalized.withUTF8(body)
        }
    }
}

/// A deterministic Aho–Corasick automaton over the values conditions look for in one text field.
/// One pass over a text sets the fact of every `contains` value found in it, of every `prefix`
/// value it starts with and of the `equal` value it is.
struct Automaton: Sendable {
    struct Node: Sendable {
        var depth: Int32
        var outputStart: Int32
        var outputEnd: Int32
        var prefixFact: Int32
        var equalFact: Int32
    }

    /// Input byte → alphabet class (ASCII upper case folded to lower case; 0 = in no value).
    let classes: [UInt16]
    let width: Int
    /// `transitions[node * width + class]`: the next node × 2, + 1 when that node has outputs.
    let transitions: [Int32]
    let nodes: [Node]
    let outputs: [Int32]

    init(_ needles: [(NeedleKind, [UInt8], Int32)]) {
        var classes = [UInt16](repeating: 0, count: 256)
        var next: UInt16 = 1
        for (_, bytes, _) in needles {
            for byte in bytes where classes[Int(byte)] == 0 {
                classes[Int(byte)] = next
                next += 1
            }
        }
        for upper in UInt8(ascii: "A")...UInt8(ascii: "Z") { classes[Int(upper)] = classes[Int(upper + 32)] }
        let width = Int(next)
        // The trie.
        var children: [[UInt16: Int32]] = [[:]]
        var nodes = [Node(depth: 0, outputStart: 0, outputEnd: 0, prefixFact: -1, equalFact: -1)]
        var own: [[Int32]] = [[]]
        for (kind, bytes, fact) in needles {
            var node = 0
            for byte in bytes {
                let cls = classes[Int(byte)]
                if let child = children[node][cls] {
                    node = Int(child)
                } else {
                    let child = Int32(nodes.count)
                    children[node][cls] = child
                    children.append([:])
                    own.append([])
                    nodes.append(Node(depth: nodes[node].depth + 1, outputStart: 0, outputEnd: 0, prefixFact: -1, equalFact: -1))
                    node = Int(child)
                }
            }
            switch kind {
            case .contains: if !own[node].contains(fact) { own[node].append(fact) }
            case .prefix: nodes[node].prefixFact = fact
            case .equal: nodes[node].equalFact = fact
            }
        }
        // Failure links, breadth first, folded into a full transition table; outputs merged
        // along the failure links.
        var transitions = [Int32](repeating: 0, count: nodes.count * width)
        var fail = [Int32](repeating: 0, count: nodes.count)
        var order: [Int] = [0]
        var head = 0
        var merged: [[Int32]] = Array(repeating: [], count: nodes.count)
        while head < order.count {
            let node = order[head]
            head += 1
            if node != 0 { merged[node] = own[node] + merged[Int(fail[node])] }
            for cls in 0..<width {
                let fallback = node == 0 ? 0 : transitions[Int(fail[node]) * width + cls]
                if let child = children[node][UInt16(cls)] {
                    fail[Int(child)] = node == 0 ? 0 : fallback
                    transitions[node * width + cls] = child
                    order.append(Int(child))
                } else {
                    transitions[node * width + cls] = fallback
                }
            }
        }
        var outputs: [Int32] = []
        for node in nodes.indices {
            nodes[node].outputStart = Int32(outputs.count)
            outputs += merged[node]
            nodes[node].outputEnd = Int32(outputs.count)
        }
        for entry in transitions.indices {
            let target = transitions[entry]
            transitions[entry] = target * 2 + (merged[Int(target)].isEmpty ? 0 : 1)
        }
        self.classes = classes
        self.width = width
        self.transitions = transitions
        self.nodes = nodes
        self.outputs = outputs
    }

    func scan(_ text: UnsafeBufferPointer<UInt8>, into state: EvaluationState) {
        classes.withUnsafeBufferPointer { classes in
            transitions.withUnsafeBufferPointer { transitions in
                nodes.withUnsafeBufferPointer { nodes in
                    outputs.withUnsafeBufferPointer { outputs in
                        @inline(__always) func emit(_ node: Int) {
                            var output = Int(nodes[node].outputStart)
                            let end = Int(nodes[node].outputEnd)
                            while output < end {
                                state.set(outputs[output])
                                output &+= 1
                            }
                        }
                        var node = 0
                        var index = 0
                        // While the text read so far is a path from the root, it is a prefix
                        // (and, at the end, the whole text) of some value.
                        while index < text.count {
                            let step = Int(transitions[node &* width &+ Int(classes[Int(text[index])])])
                            node = step &>> 1
                            index &+= 1
                            if step & 1 != 0 { emit(node) }
                            guard Int(nodes[node].depth) == index else { break }
                            if nodes[node].prefixFact >= 0 { state.set(nodes[node].prefixFact) }
                        }
                        if index == text.count {
                            if Int(nodes[node].depth) == index, nodes[node].equalFact >= 0 { state.set(nodes[node].equalFact) }
                            return
                        }
                        // The rest: values found anywhere.
                        while index < text.count {
                            let step = Int(transitions[node &* width &+ Int(classes[Int(text[index])])])
                            node = step &>> 1
                            index &+= 1
                            if step & 1 != 0 { emit(node) }
                        }
                    }
                }
            }
        }
    }
}

// MARK: - Industry templates

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
