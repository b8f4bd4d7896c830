import Foundation

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
