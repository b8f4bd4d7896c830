import Fluent
import Foundation
import OnrampDomain
import SQLKit

/// A store whose tables hold a tenant's configuration: it knows how to copy that configuration
/// into a training sandbox and how to clear it there. Every table with a `tenant_id` column is
/// named by exactly one store, as configuration (copied) or as data (not copied); a test checks
/// the schema against the list, so a new table cannot be forgotten by the sandbox.
protocol TenantConfigurationStore {
    init(db: any Database)

    /// Tables copied into a sandbox.
    static var configurationTables: [String] { get }
    /// Tables of this store that belong to the tenant but are not configuration (never copied).
    static var dataTables: [String] { get }

    /// Copies `source`'s configuration into `target`. `ids` maps the source's ids to the copies'
    /// ids of what was copied before (stores run in `TenantConfiguration.stores` order).
    func copyConfiguration(from source: TenantScope, to target: TenantScope, ids: inout [UUID: UUID], at now: Date) async throws

    /// Removes the configuration (a sandbox reset, before a fresh copy).
    func deleteConfiguration(_ scope: TenantScope) async throws
}

/// The stores that hold tenant configuration, in the order a sandbox is filled, and the tenant
/// tables that are neither (the tenant's own data or records kept elsewhere).
enum TenantConfiguration {
    static let storeTypes: [any TenantConfigurationStore.Type] = [SLAStore.self, RoutingRuleStore.self, TeamStore.self]

    static func stores(on db: any Database) -> [any TenantConfigurationStore] { storeTypes.map { $0.init(db: db) } }

    /// Tenant tables that are not configuration: data of the tenant, each with its own store.
    static let otherTenantTables = [
        "tickets", "ticket_messages", "ticket_events", "ticket_counters", "contacts", "organizations", "organization_domains",
        "imports", "import_errors", "jobs", "audit_events", "api_tokens", "web_sessions", "onboarding_sessions",
        "custom_templates", "sample_records", "activity_events", "tenants",
    ]
}

/// SQL shared by several stores, parameterised by their table.
enum StoreSupport {
    /// Whether the tenant has a record in `table` named `name`, without regard to case.
    static func nameTaken(_ table: String, _ name: String, scope: TenantScope, on db: any Database) async throws -> Bool {
        // (SQL's LOWER folds ASCII only: the exact name is compared too.)
        try await db.sql.raw("""
            SELECT id FROM \(ident: table) WHERE tenant_id = \(bind: scope.tenantID)
            AND (name = \(bind: name) OR LOWER(name) = \(bind: name.lowercased()))
            """).first() != nil
    }
}
