import Fluent
import Foundation
import NIOConcurrencyHelpers
import OnrampDomain

/// Compiled routing rule sets, per tenant, reused while the tenant's rules are the same: each
/// ticket event reads only the rules' ids and versions (every change is a new version), not
/// their definitions, and compiles nothing. Shared by the process; bounded.
enum RuleSetCache {
    struct Entry: Sendable {
        let fingerprint: String
        let rules: [RoutingRule]
        let set: CompiledRuleSet?
    }

    private static let entries = NIOLockedValueBox<[UUID: Entry]>([:])
    static let capacity = 2_000

    static func ruleSet(for scope: TenantScope, on db: any Database) async throws -> Entry {
        let store = RoutingRuleStore(db: db)
        let fingerprint = try await store.fingerprint(scope)
        if let hit = entries.withLockedValue({ $0[scope.tenantID] }), hit.fingerprint == fingerprint { return hit }
        let rules = try await store.rules(scope)
        // Rules are validated when saved; a set that no longer compiles routes nothing rather than failing the change.
        let entry = Entry(fingerprint: fingerprint, rules: rules, set: rules.isEmpty ? nil : try? CompiledRuleSet(rules: rules))
        entries.withLockedValue { cache in
            if cache.count >= capacity { cache.removeAll(keepingCapacity: true) }
            cache[scope.tenantID] = entry
        }
        return entry
    }
}
