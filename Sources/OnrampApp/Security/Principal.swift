import Foundation
import OnrampDomain
import Vapor

/// Who is making a request, established by a bearer token or the session cookie.
struct Principal: Sendable {
    enum Credential: Sendable, Equatable {
        case session(id: UUID)
        case apiToken(id: UUID)
    }

    let userID: UUID
    let email: String
    let name: String
    let isOperator: Bool
    /// The tenant and role the request acts in; nil for an operator without a membership.
    let tenant: TenantAccess?
    let credential: Credential

    var permissions: Set<Permission> {
        var all = tenant?.permissions ?? []
        if isOperator { all.formUnion(Permission.operatorPermissions) }
        return all
    }

    /// Label written to audit events.
    var actorLabel: String { "user:\(email)" }
}

/// A member's standing in one tenant: the role, and the permissions it grants. A custom role
/// (built from permissions by the tenant's admins) replaces the role's permission template.
struct TenantAccess: Sendable {
    let scope: TenantScope
    let role: Role
    let customRole: (id: UUID, name: String)?
    let permissions: Set<Permission>

    init(scope: TenantScope, role: Role, customRole: TeamStore.CustomRole? = nil) {
        self.scope = scope
        self.role = role
        self.customRole = customRole.map { ($0.id, $0.name) }
        // A custom role never grants more than the template it is attached to allows to be granted.
        permissions = customRole.map { $0.permissions.intersection(Permission.grantable) } ?? role.permissions
    }

    func can(_ permission: Permission) -> Bool { permissions.contains(permission) }

    var roleName: String { customRole?.name ?? role.rawValue }
}

private struct PrincipalKey: StorageKey {
    typealias Value = Principal
}

extension Request {
    var principal: Principal? {
        get { storage[PrincipalKey.self] }
        set { storage[PrincipalKey.self] = newValue }
    }

    /// The signed-in principal, or 401.
    func requirePrincipal() throws -> Principal {
        guard let principal else {
            throw Problem(.unauthenticated, "Sign in, or send a valid API token as `Authorization: Bearer onr_…`.")
        }
        return principal
    }

    /// The tenant this request may touch, with the caller's role, after checking `permission`.
    /// This is the only way handlers obtain a `TenantScope`.
    func requireTenant(_ permission: Permission) throws -> (scope: TenantScope, principal: Principal) {
        let principal = try requirePrincipal()
        guard let tenant = principal.tenant else {
            throw Problem(.forbidden, "This action needs a tenant account; platform operators act on tenants from the operator area.")
        }
        guard tenant.can(permission) else {
            throw Problem(.forbidden, "Your role (\(tenant.roleName)) does not include the permission \(permission.rawValue).")
        }
        return (tenant.scope, principal)
    }

    /// 403 unless the principal holds `permission` (tenant role or operator).
    func requirePermission(_ permission: Permission) throws -> Principal {
        let principal = try requirePrincipal()
        guard principal.permissions.contains(permission) else {
            throw Problem(.forbidden, "You do not have the permission \(permission.rawValue).")
        }
        return principal
    }

    /// For platform operators acting on one tenant (`{tenantId}` in the path): checks the
    /// platform permission and that the tenant exists, then mints its scope.
    func requireOperatorScope(_ permission: Permission) async throws -> (scope: TenantScope, principal: Principal) {
        let principal = try requirePermission(permission)
        guard let raw = parameters.get("tenantId"), let id = UUID(uuidString: raw),
              try await Tenant.find(id, on: db) != nil else {
            throw Problem.notFound("That tenant")
        }
        return (TenantScope(tenantID: id), principal)
    }
}
