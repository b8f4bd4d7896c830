import Foundation

/// An invitation to join a tenant's team (TEAM-1). The link carries a random secret of which
/// only the SHA-256 is stored; it works once, until it expires, and a resend replaces it.
public enum InvitationState: String, Sendable, Codable, CaseIterable {
    /// Brought in by an import from another helpdesk; not sent yet.
    case imported
    /// Sent; waiting for the person to accept.
    case pending
    case accepted
    case revoked
}

/// The secret in an invitation link: `inv_` and 40 base62 characters.
public struct InvitationToken: Sendable, Hashable {
    public static let prefix = "inv_"
    /// How long a link works after it was sent.
    public static let lifetime: TimeInterval = 7 * 24 * 3600

    public let value: String

    public init?(_ text: String) {
        guard text.hasPrefix(Self.prefix), let secret = APITokenSecret(APITokenSecret.prefix + text.dropFirst(Self.prefix.count)) else {
            return nil
        }
        value = Self.prefix + secret.value.dropFirst(APITokenSecret.prefix.count)
    }

    public static func generate() -> InvitationToken {
        InvitationToken(prefix + APITokenSecret.generate().value.dropFirst(APITokenSecret.prefix.count))!
    }

    /// What the database keeps and looks up by.
    public var hash: String { SecretDigest.sha256Hex(value) }

    /// What a link (or an invitation in a given state) lets its bearer do now, in words a
    /// person understands when it does not work.
    public enum Verdict: Sendable, Equatable {
        case usable
        case unknown
        case expired
        case used
        case revoked

        public var message: String {
            switch self {
            case .usable: "This invitation is ready to accept."
            case .unknown: "This invitation link is not valid. Check that you copied the whole link, or ask for a new invitation."
            case .expired: "This invitation has expired. Ask the person who invited you to send it again."
            case .used: "This invitation has already been accepted. Sign in with the email address it was sent to."
            case .revoked: "This invitation was withdrawn. Ask the team's administrator if you still need access."
            }
        }
    }

    public static func verdict(state: InvitationState?, expiresAt: Date?, now: Date) -> Verdict {
        switch state {
        case nil, .imported: .unknown
        case .accepted: .used
        case .revoked: .revoked
        case .pending: (expiresAt.map { $0 > now } ?? false) ? .usable : .expired
        }
    }
}
