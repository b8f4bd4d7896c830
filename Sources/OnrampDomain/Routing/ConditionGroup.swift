import Foundation

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
