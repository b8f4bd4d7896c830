import Fluent
import Foundation
@testable import OnrampApp
import OnrampDomain
import SQLKit
import Testing
import VaporTesting

/// The stores: each sees only its tenant's rows, and every tenant table belongs to a store that
/// says whether a training sandbox copies it.
@Suite("Stores")
struct StoreTests {
    /// Tables with a `tenant_id` column in the migrated schema.
    static func tenantTables(_ db: any Database) async throws -> Set<String> {
        if db.isSQLite {
            let tables = try await db.sql.raw("SELECT name FROM sqlite_master WHERE type = 'table'").all(decodingColumn: "name", as: String.self)
            var result = Set<String>()
            for table in tables where try await db.sql.raw("SELECT name FROM pragma_table_info(\(bind: table)) WHERE name = 'tenant_id'").first() != nil {
                result.insert(table)
            }
            return result
        }
        return Set(try await db.sql.raw("""
            SELECT table_name FROM information_schema.columns WHERE column_name = 'tenant_id' AND table_schema = current_schema()
            """).all(decodingColumn: "table_name", as: String.self))
    }

    @Test("every tenant table is named once: as a store's configuration, a store's data, or other tenant data")
    func everyTableHasAHome() async throws {
        try await withOnrampApp { app in
            let tables = try await Self.tenantTables(app.db)
            #expect(tables.contains("tickets") && tables.contains("routing_rules"), "the schema query found \(tables.sorted())")
            let named = TenantConfiguration.storeTypes.flatMap { $0.configurationTables + $0.dataTables }
                + TenantConfiguration.otherTenantTables
            #expect(named.count == Set(named).count, "a table is named twice: \(named.sorted())")
            let unnamed = tables.subtracting(named)
            #expect(unnamed.isEmpty, "tenant tables no store names (does the sandbox copy them?): \(unnamed.sorted())")
        }
    }

    /// A ticket in each of two tenants, with a calendar, a policy, a rule and a custom role.
    static func seed(_ app: Application, _ account: TestAccount, name: String) async throws -> UUID {
        let scope = TenantScope(tenantID: account.tenantID)
        return try await app.writer.atomically { db in
            let draft = try TicketDraft.validate(subject: "Order \(name)", body: "Where is it?", priority: "high", channel: "email",
                                                 requesterEmail: "\(name)@customer.example", requesterName: name, tags: [name],
                                                 customFields: nil, team: nil)
            let id = try await TicketWorkflow.create(draft, author: account.userID, scope: scope, at: Date(), on: db)
            let sla = SLAStore(db: db)
            try await sla.addCalendar(scope, id: TimeOrderedID.make(), name: "Hours \(name)",
                                      calendar: .calendarHours(timeZone: TimeZone(identifier: "UTC")!), asDefault: true, at: Date())
            let policy = SLAPolicy(name: "Policy \(name)", targets: [.high: .init(firstResponse: 60)])
            try await sla.addPolicy(scope, id: TimeOrderedID.make(), policy: policy, escalation: EscalationPath(), position: nil, at: Date())
            let rule = RoutingRule(id: TimeOrderedID.make(), name: "Rule \(name)", position: 0, version: 1, events: [.ticketCreated],
                                   conditions: ConditionGroup(), actions: [], stopProcessing: false, enabled: true)
            try await RoutingRuleStore(db: db).add(scope, rule, version: 1, at: Date())
            try await TeamStore(db: db).addCustomRole(scope, id: TimeOrderedID.make(), name: "Role \(name)", permissions: "[\"tickets.read\"]",
                                                      at: Date())
            return id
        }
    }

    @Test("each store sees only its own tenant's rows")
    func isolation() async throws {
        try await withOnrampApp { app in
            let first = try await app.signUp(organization: "First")
            let second = try await app.signUp(organization: "Second")
            let firstTicket = try await Self.seed(app, first, name: "first")
            let secondTicket = try await Self.seed(app, second, name: "second")
            for (account, own, other, name) in [(first, firstTicket, secondTicket, "first"), (second, secondTicket, firstTicket, "second")] {
                let scope = TenantScope(tenantID: account.tenantID)
                let tickets = TicketStore(db: app.db)
                #expect(try await tickets.find(scope, id: own)?.subject == "Order \(name)")
                #expect(try await tickets.find(scope, id: other) == nil)
                #expect(try await tickets.messages(scope, ticket: other).isEmpty)
                #expect(try await tickets.slaEvents(scope, ticket: other).isEmpty)
                #expect(try await tickets.list(scope, filter: .init(), limit: 10).map(\.id) == [own])
                #expect(try await tickets.count(scope) == 1)
                let sla = SLAStore(db: app.db)
                #expect(try await sla.calendars(scope).map(\.name) == ["Hours \(name)"])
                #expect(try await sla.policies(scope).map(\.policy.name) == ["Policy \(name)"])
                #expect(try await sla.policyID(scope, reference: "Policy \(name == "first" ? "second" : "first")") == nil)
                #expect(try await RoutingRuleStore(db: app.db).rules(scope).map(\.name) == ["Rule \(name)"])
                let team = TeamStore(db: app.db)
                #expect(try await team.customRoles(scope).map(\.name) == ["Role \(name)"])
                #expect(try await team.agents(scope).map(\.userID) == [account.userID])
                let otherAccount = account.userID == first.userID ? second : first
                #expect(try await team.isMember(scope, user: otherAccount.userID) == false)
                #expect(try await team.memberID(scope, reference: otherAccount.email) == nil)
            }
        }
    }

    @Test("a store's sandbox copy maps the ids it copied: the copied policy names the copied calendar")
    func copyMapsIDs() async throws {
        try await withOnrampApp { app in
            let source = try await app.signUp(organization: "Source")
            let target = try await app.signUp(organization: "Target")
            let scope = TenantScope(tenantID: source.tenantID)
            let calendarID = TimeOrderedID.make()
            try await app.writer.atomically { db in
                let sla = SLAStore(db: db)
                try await sla.addCalendar(scope, id: calendarID, name: "Berlin", calendar: .calendarHours(timeZone: TimeZone(identifier: "Europe/Berlin")!),
                                          asDefault: true, at: Date())
                let policy = SLAPolicy(name: "Gold", targets: [.urgent: .init(firstResponse: 30)], calendarID: calendarID.uuidString.lowercased())
                try await sla.addPolicy(scope, id: TimeOrderedID.make(), policy: policy, escalation: EscalationPath(), position: 3, at: Date())
                var ids: [UUID: UUID] = [:]
                try await sla.copyConfiguration(from: scope, to: TenantScope(tenantID: target.tenantID), ids: &ids, at: Date())
            }
            let copied = SLAStore(db: app.db)
            let targetScope = TenantScope(tenantID: target.tenantID)
            let calendar = try #require(try await copied.calendars(targetScope).first)
            #expect(calendar.id != calendarID)
            let policy = try #require(try await copied.policies(targetScope).first)
            #expect(policy.position == 3)
            #expect(policy.policy.calendarID.flatMap(UUID.init(uuidString:)) == calendar.id)
            try await app.writer.atomically { db in try await SLAStore(db: db).deleteConfiguration(targetScope) }
            #expect(try await copied.calendars(targetScope).isEmpty)
            #expect(try await copied.policies(targetScope).isEmpty)
            #expect(try await copied.calendars(scope).count == 1)
        }
    }
}
