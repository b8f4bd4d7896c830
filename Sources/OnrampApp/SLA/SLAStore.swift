import Fluent
import Foundation
import OnrampDomain
import SQLKit

/// Business calendars, SLA policies and the SLA notifications already sent. Definitions are
/// stored as the domain's JSON. Every method takes the tenant scope first.
struct SLAStore {
    let db: any Database

    /// A stored business calendar.
    struct Calendar: Sendable {
        let id: UUID
        let name: String
        let isDefault: Bool
        let calendar: BusinessCalendar
        let createdAt: Date
    }

    /// A stored SLA policy with what it carries besides the domain's `SLAPolicy`.
    struct Policy: Sendable {
        let id: UUID
        let position: Int
        let policy: SLAPolicy
        let escalation: EscalationPath
        let createdAt: Date
    }

    private struct CalendarRow: Decodable {
        let id: UUID
        let name: String
        let isDefault: Bool
        let definition: String
        let createdAt: Date
    }

    private struct PolicyRow: Decodable {
        let id: UUID
        let name: String
        let position: Int
        let definition: String
        let escalation: String
        let createdAt: Date
    }

    private static func calendar(_ row: CalendarRow) throws -> Calendar {
        Calendar(id: row.id, name: row.name, isDefault: row.isDefault,
                 calendar: try JSONDecoder().decode(BusinessCalendar.self, from: Data(row.definition.utf8)), createdAt: row.createdAt)
    }

    private static func policy(_ row: PolicyRow) throws -> Policy {
        Policy(id: row.id, position: row.position, policy: try JSONDecoder().decode(SLAPolicy.self, from: Data(row.definition.utf8)),
               escalation: try JSONDecoder().decode(EscalationPath.self, from: Data(row.escalation.utf8)), createdAt: row.createdAt)
    }

    private static let calendarColumns: SQLQueryString = "id, name, is_default, definition, created_at"
    private static let policyColumns: SQLQueryString = "id, name, position, definition, escalation, created_at"

    // MARK: Calendars

    /// The default calendar first, then by name (at most 200).
    func calendars(_ scope: TenantScope) async throws -> [Calendar] {
        try await db.sql.raw("""
            SELECT \(Self.calendarColumns) FROM business_calendars WHERE tenant_id = \(bind: scope.tenantID)
            ORDER BY is_default DESC, name LIMIT 200
            """).all(decoding: CalendarRow.self, keyDecodingStrategy: .convertFromSnakeCase).map(Self.calendar)
    }

    func calendar(_ scope: TenantScope, id: UUID) async throws -> Calendar? {
        try await db.sql.raw("""
            SELECT \(Self.calendarColumns) FROM business_calendars WHERE id = \(bind: id) AND tenant_id = \(bind: scope.tenantID)
            """).first(decoding: CalendarRow.self, keyDecodingStrategy: .convertFromSnakeCase).map(Self.calendar)
    }

    /// The calendar a policy names, else the tenant's default; calendar hours in UTC when there is none
    /// (or its definition no longer reads).
    func businessCalendar(_ scope: TenantScope, id: String?) async throws -> BusinessCalendar {
        let definition: String?
        if let id, let uuid = UUID(uuidString: id) {
            definition = try await db.sql.raw("""
                SELECT definition FROM business_calendars WHERE id = \(bind: uuid) AND tenant_id = \(bind: scope.tenantID)
                """).first(decodingColumn: "definition", as: String.self)
        } else {
            definition = try await db.sql.raw("""
                SELECT definition FROM business_calendars WHERE tenant_id = \(bind: scope.tenantID) ORDER BY is_default DESC, created_at LIMIT 1
                """).first(decodingColumn: "definition", as: String.self)
        }
        guard let definition, let calendar = try? JSONDecoder().decode(BusinessCalendar.self, from: Data(definition.utf8)) else {
            return .calendarHours(timeZone: TimeZone(identifier: "UTC")!)
        }
        return calendar
    }

    /// Adds a calendar; it becomes the default when asked or when it is the tenant's first (the
    /// others then stop being the default). Returns whether it is the default.
    @discardableResult
    func addCalendar(_ scope: TenantScope, id: UUID, name: String, calendar: BusinessCalendar, asDefault: Bool, at now: Date) async throws -> Bool {
        let count = try await db.sql.raw("SELECT COUNT(*) AS n FROM business_calendars WHERE tenant_id = \(bind: scope.tenantID)")
            .first(decodingColumn: "n", as: Int.self) ?? 0
        let isDefault = asDefault || count == 0
        if isDefault && count > 0 {
            try await db.sql.raw("UPDATE business_calendars SET is_default = \(bind: false) WHERE tenant_id = \(bind: scope.tenantID)").run()
        }
        try await db.sql.raw("""
            INSERT INTO business_calendars (id, tenant_id, name, is_default, definition, created_at, updated_at)
            VALUES (\(bind: id), \(bind: scope.tenantID), \(bind: name), \(bind: isDefault), \(bind: try Self.json(calendar)), \(bind: now), \(bind: now))
            """).run()
        return isDefault
    }

    // MARK: Policies

    /// In the order they are matched (at most 500).
    func policies(_ scope: TenantScope) async throws -> [Policy] {
        try await db.sql.raw("""
            SELECT \(Self.policyColumns) FROM sla_policies WHERE tenant_id = \(bind: scope.tenantID)
            ORDER BY position, created_at LIMIT 500
            """).all(decoding: PolicyRow.self, keyDecodingStrategy: .convertFromSnakeCase).map(Self.policy)
    }

    func policy(_ scope: TenantScope, id: UUID) async throws -> Policy? {
        try await db.sql.raw("""
            SELECT \(Self.policyColumns) FROM sla_policies WHERE id = \(bind: id) AND tenant_id = \(bind: scope.tenantID)
            """).first(decoding: PolicyRow.self, keyDecodingStrategy: .convertFromSnakeCase).map(Self.policy)
    }

    /// A policy by id or by name (without regard to case).
    func policyID(_ scope: TenantScope, reference: String) async throws -> UUID? {
        let trimmed = reference.trimmingWhitespace()
        if let id = UUID(uuidString: trimmed) {
            return try await db.sql.raw("SELECT id FROM sla_policies WHERE tenant_id = \(bind: scope.tenantID) AND id = \(bind: id)")
                .first(decodingColumn: "id", as: UUID.self)
        }
        return try await db.sql.raw("""
            SELECT id FROM sla_policies WHERE tenant_id = \(bind: scope.tenantID) AND LOWER(name) = \(bind: trimmed.lowercased())
            """).first(decodingColumn: "id", as: UUID.self)
    }

    /// Adds a policy at `position` (nil: after the last one). Returns the stored definition and path, for the audit trail.
    @discardableResult
    func addPolicy(_ scope: TenantScope, id: UUID, policy: SLAPolicy, escalation: EscalationPath, position: Int?,
                   at now: Date) async throws -> (definition: String, escalation: String) {
        let place: Int
        if let position {
            place = position
        } else {
            place = try await db.sql.raw("SELECT COUNT(*) AS n FROM sla_policies WHERE tenant_id = \(bind: scope.tenantID)")
                .first(decodingColumn: "n", as: Int.self) ?? 0
        }
        let definition = try Self.json(policy)
        let path = try Self.json(escalation)
        try await db.sql.raw("""
            INSERT INTO sla_policies (id, tenant_id, name, position, definition, escalation, created_at, updated_at)
            VALUES (\(bind: id), \(bind: scope.tenantID), \(bind: policy.name), \(bind: place), \(bind: definition), \(bind: path),
                    \(bind: now), \(bind: now))
            """).run()
        return (definition, path)
    }

    // MARK: Names

    enum Kind: String {
        case calendar = "business_calendars"
        case policy = "sla_policies"
    }

    /// Whether the tenant has a calendar or policy of this name, without regard to case.
    func nameTaken(_ scope: TenantScope, _ kind: Kind, _ name: String) async throws -> Bool {
        try await StoreSupport.nameTaken(kind.rawValue, name, scope: scope, on: db)
    }

    // MARK: Notifications

    /// Notes that a warning, breach or escalation of the ticket's metric due at `due` was sent;
    /// false when it had been already (so nothing is sent twice).
    func markNotified(_ scope: TenantScope, ticket: UUID, metric: SLAMetric, kind: String, due: Date, at now: Date) async throws -> Bool {
        try await db.sql.raw("""
            INSERT INTO sla_notifications (tenant_id, ticket_id, metric, kind, due_at, sent_at)
            VALUES (\(bind: scope.tenantID), \(bind: ticket), \(bind: metric.rawValue), \(bind: kind), \(bind: due), \(bind: now))
            ON CONFLICT DO NOTHING RETURNING ticket_id
            """).first() != nil
    }

    static func json(_ value: some Encodable) throws -> String {
        String(decoding: try JSONEncoder().encode(value), as: UTF8.self)
    }
}

extension SLAStore: TenantConfigurationStore {
    static let configurationTables = ["business_calendars", "sla_policies"]
    static let dataTables = ["sla_notifications"]

    /// Calendars first, so the copied policies name the copied calendars.
    func copyConfiguration(from source: TenantScope, to target: TenantScope, ids: inout [UUID: UUID], at now: Date) async throws {
        for calendar in try await db.sql.raw("""
            SELECT \(Self.calendarColumns) FROM business_calendars WHERE tenant_id = \(bind: source.tenantID)
            """).all(decoding: CalendarRow.self, keyDecodingStrategy: .convertFromSnakeCase) {
            let id = TimeOrderedID.make()
            ids[calendar.id] = id
            try await db.sql.raw("""
                INSERT INTO business_calendars (id, tenant_id, name, is_default, definition, created_at, updated_at)
                VALUES (\(bind: id), \(bind: target.tenantID), \(bind: calendar.name), \(bind: calendar.isDefault), \(bind: calendar.definition),
                        \(bind: now), \(bind: now))
                """).run()
        }
        for row in try await db.sql.raw("""
            SELECT \(Self.policyColumns) FROM sla_policies WHERE tenant_id = \(bind: source.tenantID)
            """).all(decoding: PolicyRow.self, keyDecodingStrategy: .convertFromSnakeCase) {
            var policy = try JSONDecoder().decode(SLAPolicy.self, from: Data(row.definition.utf8))
            policy.calendarID = policy.calendarID.flatMap(UUID.init(uuidString:)).flatMap { ids[$0] }?.uuidString
            try await db.sql.raw("""
                INSERT INTO sla_policies (id, tenant_id, name, position, definition, escalation, created_at, updated_at)
                VALUES (\(bind: TimeOrderedID.make()), \(bind: target.tenantID), \(bind: policy.name), \(bind: row.position),
                        \(bind: try Self.json(policy)), \(bind: row.escalation), \(bind: now), \(bind: now))
                """).run()
        }
    }

    func deleteConfiguration(_ scope: TenantScope) async throws {
        for table in ["sla_policies", "business_calendars"] {
            try await db.sql.raw("DELETE FROM \(ident: table) WHERE tenant_id = \(bind: scope.tenantID)").run()
        }
    }
}
