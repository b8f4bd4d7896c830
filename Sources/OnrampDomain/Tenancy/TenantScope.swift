import struct Foundation.UUID

/// The tenant a piece of work is for. It comes from the authenticated principal only,
/// never from a header or the body, and every repository method requires one: code that
/// has no scope cannot read or write tenant data.
public struct TenantScope: Sendable, Hashable {
    public let tenantID: UUID

    /// Only the authentication layer (and tests) should mint scopes.
    public init(tenantID: UUID) {
        self.tenantID = tenantID
    }
}
