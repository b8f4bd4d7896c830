import Fluent
import Foundation
import OnrampDomain
import SQLKit

/// Routing rules, stored as the domain's JSON (snake_case); every change is a new version.
/// Every method takes the tenant scope first.
struct RoutingRuleStore {
    let db: any Database

    static let decoder: JSONDecoder = {
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        return decoder
    }()

    static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        return encoder
    }()

    static func json(_ rule: RoutingRule) throws -> String {
        String(decoding: try encoder.encode(rule), as: UTF8.self)
    }

    /// In the order they run (at most 1,000); a definition that no longer reads is left out.
    func rules(_ scope: TenantScope) async throws -> [RoutingRule] {
        try await db.sql.raw("""
            SELECT definition FROM routing_rules WHERE tenant_id = \(bind: scope.tenantID) ORDER BY position, created_at LIMIT 1000
            """).all(decodingColumn: "definition", as: String.self).compactMap { definition in
            try? Self.decoder.decode(RoutingRule.self, from: Data(definition.utf8))
        }
    }

    /// The rules' ids and versions in order: equal fingerprints mean equal rule sets.
    func fingerprint(_ scope: TenantScope) async throws -> String {
        struct Version: Decodable { let id: UUID; let version: Int }
        return try await db.sql.raw("""
            SELECT id, version FROM routing_rules WHERE tenant_id = \(bind: scope.tenantID) ORDER BY position, created_at LIMIT 1000
            """).all(decoding: Version.self).map { "\($0.id):\($0.version)" }.joined(separator: ",")
    }

    /// A rule's stored version and definition.
    func stored(_ scope: TenantScope, id: UUID) async throws -> (version: Int, definition: String)? {
        struct Stored: Decodable { let version: Int; let definition: String }
        return try await db.sql.raw("""
            SELECT version, definition FROM routing_rules WHERE id = \(bind: id) AND tenant_id = \(bind: scope.tenantID)
            """).first(decoding: Stored.self).map { ($0.version, $0.definition) }
    }

    /// Adds a rule stored as `version`; returns its definition.
    @discardableResult
    func add(_ scope: TenantScope, _ rule: RoutingRule, version: Int, at now: Date) async throws -> String {
        let definition = try Self.json(rule)
        try await db.sql.raw("""
            INSERT INTO routing_rules (id, tenant_id, position, version, definition, created_at, updated_at)
            VALUES (\(bind: rule.id), \(bind: scope.tenantID), \(bind: rule.position), \(bind: version), \(bind: definition), \(bind: now), \(bind: now))
            """).run()
        return definition
    }

    /// Replaces a rule with its next version; returns its definition.
    @discardableResult
    func replace(_ scope: TenantScope, _ rule: RoutingRule, at now: Date) async throws -> String {
        let definition = try Self.json(rule)
        try await db.sql.raw("""
            UPDATE routing_rules SET position = \(bind: rule.position), version = \(bind: rule.version), definition = \(bind: definition),
                updated_at = \(bind: now)
            WHERE id = \(bind: rule.id) AND tenant_id = \(bind: scope.tenantID)
            """).run()
        return definition
    }
}

extension RoutingRuleStore: TenantConfigurationStore {
    static let configurationTables = ["routing_rules"]
    static let dataTables: [String] = []

    func copyConfiguration(from source: TenantScope, to target: TenantScope, ids: inout [UUID: UUID], at now: Date) async throws {
        for var rule in try await rules(source) {
            let copy = TimeOrderedID.make()
            ids[rule.id] = copy
            rule.id = copy
            try await add(target, rule, version: rule.version, at: now)
        }
    }

    func deleteConfiguration(_ scope: TenantScope) async throws {
        try await db.sql.raw("DELETE FROM routing_rules WHERE tenant_id = \(bind: scope.tenantID)").run()
    }
}
