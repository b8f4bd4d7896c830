import Fluent
import Foundation
import OnrampDomain
import SQLKit

/// API tokens of one tenant. Every method takes the tenant scope and filters by it.
struct APITokenRepository {
    let db: any Database

    func list(in scope: TenantScope, ownedBy userID: UUID?) async throws -> [APIToken] {
        var query = APIToken.query(on: db).filter(\.$tenantID == scope.tenantID)
        if let userID { query = query.filter(\.$userID == userID) }
        return try await query.sort(\.$createdAt, .descending).all()
    }

    /// The token, or nil when it does not exist in this tenant (another tenant's looks the same).
    func find(_ id: UUID, in scope: TenantScope) async throws -> APIToken? {
        try await APIToken.query(on: db).filter(\.$tenantID == scope.tenantID).filter(\.$id == id).first()
    }

    func create(in scope: TenantScope, userID: UUID, name: String, secret: APITokenSecret,
                expiresAt: Date?) async throws -> APIToken {
        let token = APIToken(tenantID: scope.tenantID, userID: userID, name: name, tokenHash: secret.hash,
                             displayPrefix: secret.displayPrefix, expiresAt: expiresAt)
        try await token.create(on: db)
        return token
    }
}

/// Audit events of one tenant, newest first, paged by sequence.
struct AuditRepository {
    let db: any Database

    func page(in scope: TenantScope, before sequence: Int?, limit: Int) async throws -> [AuditEvent] {
        var query = AuditEvent.query(on: db).filter(\.$tenantID == scope.tenantID)
        if let sequence { query = query.filter(\.$sequence < sequence) }
        return try await query.sort(\.$sequence, .descending).limit(limit).all()
    }
}

/// The tenant itself, read through its scope.
struct TenantRepository {
    let db: any Database

    func current(_ scope: TenantScope) async throws -> Tenant {
        guard let tenant = try await Tenant.find(scope.tenantID, on: db) else {
            throw Problem(.notFound, "Your organisation no longer exists.")
        }
        return tenant
    }

    /// The real tenant this one is the training sandbox of, or nil for a real tenant.
    func sandboxOf(_ scope: TenantScope) async throws -> UUID? {
        struct Row: Decodable { let sandboxOf: UUID? }
        return try await db.sql.raw("SELECT sandbox_of FROM tenants WHERE id = \(bind: scope.tenantID)")
            .first(decoding: Row.self, keyDecodingStrategy: .convertFromSnakeCase)?.sandboxOf
    }
}

/// People's accounts. A user spans tenants, so users are found by their (unique) email address.
struct UserRepository {
    let db: any Database

    func find(email: String) async throws -> User? {
        try await User.query(on: db).filter(\.$email == email).first()
    }
}

extension TenantRepository {
    /// A tenant named by its id or its slug, as commands and operators name them.
    func find(idOrSlug raw: String) async throws -> Tenant? {
        if let id = UUID(uuidString: raw), let found = try await Tenant.find(id, on: db) { return found }
        return try await Tenant.query(on: db).filter(\.$slug == raw).first()
    }
}

/// Custom templates a tenant may see: its own, and those operators approved for everyone.
struct CustomTemplateRepository {
    let db: any Database

    func visible(in scope: TenantScope) async throws -> [CustomTemplate] {
        try await CustomTemplate.query(on: db)
            .group(.or) { group in
                group.filter(\.$tenantID == scope.tenantID).filter(\.$sharing == .approved)
            }
            .sort(\.$createdAt, .descending)
            .all()
    }

    /// Templates tenants submitted for everyone, oldest first (operators review them).
    func submitted() async throws -> [CustomTemplate] {
        try await CustomTemplate.query(on: db).filter(\.$sharing == CustomTemplate.Sharing.submitted).sort(\.$createdAt, .ascending).all()
    }

    /// The template when this tenant may see it; another tenant's private one looks missing.
    func find(_ id: UUID, in scope: TenantScope) async throws -> CustomTemplate? {
        guard let template = try await CustomTemplate.find(id, on: db) else { return nil }
        return template.tenantID == scope.tenantID || template.sharing == .approved ? template : nil
    }
}

extension TenantRepository {
    /// The tenant's name, and whether it is a training sandbox.
    func nameAndKind(_ scope: TenantScope) async throws -> (name: String, isSandbox: Bool)? {
        struct Row: Decodable { let name: String; let sandboxOf: UUID? }
        return try await db.sql.raw("SELECT name, sandbox_of FROM tenants WHERE id = \(bind: scope.tenantID)")
            .first(decoding: Row.self, keyDecodingStrategy: .convertFromSnakeCase).map { ($0.name, $0.sandboxOf != nil) }
    }

    /// The training sandbox of a real tenant, with how many tickets it holds.
    func sandbox(ofReal tenantID: UUID) async throws -> (id: UUID, name: String, slug: String, createdAt: Date?, tickets: Int)? {
        struct Row: Decodable { let id: UUID; let name: String; let slug: String; let createdAt: Date?; let tickets: Int }
        return try await db.sql.raw("""
            SELECT id, name, slug, created_at, (SELECT COUNT(*) FROM tickets k WHERE k.tenant_id = t.id) AS tickets
            FROM tenants t WHERE sandbox_of = \(bind: tenantID)
            """).first(decoding: Row.self, keyDecodingStrategy: .convertFromSnakeCase).map { ($0.id, $0.name, $0.slug, $0.createdAt, $0.tickets) }
    }

    /// Marks a new tenant as the training sandbox of `real`.
    func markSandbox(_ sandbox: TenantScope, of real: UUID) async throws {
        try await db.sql.raw("UPDATE tenants SET sandbox_of = \(bind: real) WHERE id = \(bind: sandbox.tenantID)").run()
    }

    /// How tickets are spread over eligible agents (`least_loaded` when never chosen).
    func assignmentStrategy(_ scope: TenantScope) async throws -> String? {
        try await db.sql.raw("SELECT assignment_strategy FROM tenants WHERE id = \(bind: scope.tenantID)")
            .first(decodingColumn: "assignment_strategy", as: String?.self) ?? nil
    }

    func setAssignmentStrategy(_ scope: TenantScope, _ strategy: String) async throws {
        try await db.sql.raw("UPDATE tenants SET assignment_strategy = \(bind: strategy) WHERE id = \(bind: scope.tenantID)").run()
    }
}
