import Foundation

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
