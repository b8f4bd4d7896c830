import Fluent
import Foundation
import OnrampDomain
import SQLKit

/// The tenant's agents: members who work tickets (light agents and up), with their profile,
/// availability and open tickets. A member without a stored profile has the default one.
enum AgentDirectory {
    struct Entry: Sendable {
        let userID: UUID
        let name: String
        let email: String
        let role: Role
        let customRoleID: UUID?
        let document: AgentProfileDocument
        let availability: AgentProfile.Availability
        let openTickets: Int
        /// nil when the stored document no longer reads (it was valid when saved).
        let profile: AgentProfile?
    }

    static let openStatuses = [TicketStatus.new, .open, .pending, .onHold].map(\.rawValue)

    static func profiles(scope: TenantScope, on db: any Database, only userID: UUID? = nil) async throws -> [Entry] {
        var sql: SQLQueryString = """
            SELECT m.user_id, m.role, m.custom_role_id, u.name, u.email, p.definition, p.availability,
                   (SELECT COUNT(*) FROM tickets t WHERE t.tenant_id = m.tenant_id AND t.assignee_id = m.user_id
                    AND t.status IN (\(binds: openStatuses))) AS open_tickets
            FROM memberships m JOIN users u ON u.id = m.user_id
            LEFT JOIN agent_profiles p ON p.tenant_id = m.tenant_id AND p.user_id = m.user_id
            WHERE m.tenant_id = \(bind: scope.tenantID) AND m.role <> 'viewer'
            """
        if let userID { sql = sql + " AND m.user_id = \(bind: userID)" }
        sql = sql + " ORDER BY u.name, u.email LIMIT 1000"
        return try await db.sql.raw(sql).all().map { row in
            let userID = try row.decode(column: "user_id", as: UUID.self)
            let name = try row.decode(column: "name", as: String.self)
            let document = (try row.decode(column: "definition", as: String?.self))
                .flatMap { try? JSONDecoder().decode(AgentProfileDocument.self, from: Data($0.utf8)) } ?? AgentProfileDocument()
            let availability = (try row.decode(column: "availability", as: String?.self)).flatMap(AgentProfile.Availability.init(rawValue:)) ?? .offline
            let open = try row.decode(column: "open_tickets", as: Int.self)
            return Entry(userID: userID, name: name, email: try row.decode(column: "email", as: String.self),
                         role: Role(rawValue: try row.decode(column: "role", as: String.self)) ?? .agent,
                         customRoleID: try row.decode(column: "custom_role_id", as: UUID?.self), document: document,
                         availability: availability, openTickets: open,
                         profile: try? document.profile(id: userID, name: name.isEmpty ? "agent" : name, availability: availability, openTickets: open))
        }
    }
}
