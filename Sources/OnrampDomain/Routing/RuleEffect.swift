import Foundation

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
