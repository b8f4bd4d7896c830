import Foundation

/// Who hears about a breached SLA, and when (WF-4): level 1 some minutes after the breach
/// (the team's supervisors, say), level 2 later (the admins, the managers), … Each level
/// fires once per breach.
public struct EscalationPath: Sendable, Equatable, Codable {
    /// Who a level notifies.
    public enum Recipient: Sendable, Hashable, Codable, CustomStringConvertible {
        /// The ticket's assignee (nobody when unassigned).
        case assignee
        /// Every member holding this role or a higher one.
        case role(Role)
        /// One address.
        case email(EmailAddress)

        /// `assignee`, `role:supervisor`, `role:admin`, or an email address.
        public init?(_ text: String) {
            let trimmed = text.trimmingWhitespace()
            if trimmed.lowercased() == "assignee" {
                self = .assignee
            } else if trimmed.lowercased().hasPrefix("role:") {
                guard let role = Role(rawValue: String(trimmed.dropFirst(5)).lowercased()) else { return nil }
                self = .role(role)
            } else if let email = EmailAddress(trimmed) {
                self = .email(email)
            } else {
                return nil
            }
        }

        public var description: String {
            switch self {
            case .assignee: "assignee"
            case .role(let role): "role:\(role.rawValue)"
            case .email(let email): email.value
            }
        }

        public init(from decoder: any Decoder) throws {
            let text = try decoder.singleValueContainer().decode(String.self)
            guard let recipient = Recipient(text) else {
                throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription:
                    "\"\(text)\" is not a recipient; use assignee, role:supervisor, role:admin, role:owner or an email address."))
            }
            self = recipient
        }

        public func encode(to encoder: any Encoder) throws {
            var container = encoder.singleValueContainer()
            try container.encode(description)
        }
    }

    public struct Level: Sendable, Equatable, Codable {
        /// Minutes after the breach (wall-clock: an escalation does not wait for office hours).
        public var afterMinutes: Int
        public var notify: [Recipient]

        public init(afterMinutes: Int, notify: [Recipient]) {
            self.afterMinutes = afterMinutes
            self.notify = notify
        }

        enum CodingKeys: String, CodingKey { case afterMinutes = "after_minutes", notify }
    }

    public var levels: [Level]

    public init(levels: [Level] = []) {
        self.levels = levels
    }

    public init(from decoder: any Decoder) throws {
        levels = try decoder.singleValueContainer().decode([Level].self)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(levels)
    }

    /// At most ten levels, each 0 to 43,200 minutes (30 days) after the breach and later than
    /// the one before, each notifying someone.
    public func problems(field: String = "escalation") -> [FieldError] {
        var errors = FieldErrors()
        if levels.count > 10 { errors.add(field, "An escalation path has at most 10 levels.", code: "too_many") }
        var previous = -1
        for (index, level) in levels.enumerated() {
            let name = "\(field)[\(index)]"
            if !(0...43_200).contains(level.afterMinutes) {
                errors.add("\(name).after_minutes", "Enter a whole number of minutes from 0 to 43200.", code: "out_of_range")
            } else {
                if level.afterMinutes <= previous {
                    errors.add("\(name).after_minutes", "Each level comes later than the one before (after \(previous) minutes).",
                               code: "inconsistent")
                }
                previous = max(previous, level.afterMinutes)
            }
            if level.notify.isEmpty || level.notify.count > 20 {
                errors.add("\(name).notify", "Name 1 to 20 recipients: assignee, role:supervisor, role:admin or email addresses.",
                           code: "required")
            }
        }
        return errors.all
    }

    /// The levels (by index) due at `now` for a breach at `breachedAt`.
    public func levelsDue(breachedAt: Date, now: Date) -> [Int] {
        levels.indices.filter { breachedAt.addingTimeInterval(Double(levels[$0].afterMinutes) * 60) <= now }
    }

    /// When the next level after those due at `now` fires; nil when all have fired.
    public func nextLevel(breachedAt: Date, now: Date) -> Date? {
        levels.map { breachedAt.addingTimeInterval(Double($0.afterMinutes) * 60) }.filter { $0 > now }.min()
    }
}
