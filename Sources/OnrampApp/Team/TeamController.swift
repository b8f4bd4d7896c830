import Fluent
import Foundation
import OnrampDomain
import SQLKit
import Vapor

/// The team (TEAM-1..3): agents and their profiles (skills, languages, working hours,
/// capacity, availability), roles (the permission templates and custom roles built from
/// permissions) and each member's role.
struct TeamController {
    struct AgentDTO: Content {
        struct CustomRoleRef: Content { let id: UUID; let name: String }
        let userId: UUID
        let name: String
        let email: String
        let role: String
        let customRole: CustomRoleRef?
        let availability: String
        let openTickets: Int
        let profile: ProfileDTO
    }

    /// The profile as the API shows it (snake_case by the app's coders).
    struct ProfileDTO: Content {
        let skills: [String: Int]
        let languages: [String]
        let timeZone: String
        let workingHours: [String: String]
        let capacity: Int
        let teams: [String]
    }

    struct AgentPage: Content { let items: [AgentDTO] }

    struct AvailabilityInput: Decodable { var availability: String? }

    struct RoleInput: Content {
        var role: String?
        var customRoleId: UUID?
    }

    struct RoleDTO: Content {
        let id: String
        let name: String
        let kind: String
        let permissions: [String]
    }

    struct RolePage: Content {
        let items: [RoleDTO]
        /// The permissions a custom role may be built from.
        let grantablePermissions: [String]
    }

    struct CustomRoleInput: Content {
        var name: String?
        var permissions: [String]?
    }

    func register(on routes: any RoutesBuilder, registry: APIOperationRegistry) {
        let userID = APIOperation.Parameter(name: "userId", location: .path, description: "The member's user id.", schema: Schemas.uuid)
        let agent = APIOperation.Response(status: 200, description: "The agent.", schema: Schemas.ref(TeamController.AgentDTO.self))
        routes.register(.init(
            id: "listAgents", method: .GET, path: "/api/v1/agents", tag: "Team",
            summary: "The members who work tickets, with profile, availability and open tickets",
            responses: [.init(status: 200, description: "The agents.", schema: Schemas.ref(TeamController.AgentPage.self))]
        ), in: registry, use: listAgents)
        routes.register(.init(
            id: "updateAgentProfile", method: .PUT, path: "/api/v1/agents/{userId}/profile", tag: "Team",
            summary: "Replaces an agent's profile (skills, languages, time zone, working hours, capacity, teams) and availability; agents edit their own",
            parameters: [userID], requestBody: Schemas.ref(TeamController.ProfileInput.self), responses: [agent]
        ), in: registry, use: updateProfile)
        routes.register(.init(
            id: "updateMemberRole", method: .PUT, path: "/api/v1/agents/{userId}/role", tag: "Team",
            summary: "Gives a member a role, or a custom role built from permissions",
            parameters: [userID], requestBody: Schemas.ref(TeamController.RoleInput.self), responses: [agent], problems: [409]
        ), in: registry, use: updateRole)
        routes.register(.init(
            id: "listRoles", method: .GET, path: "/api/v1/roles", tag: "Team",
            summary: "The role permission templates and the tenant's custom roles",
            responses: [.init(status: 200, description: "The roles.", schema: Schemas.ref(TeamController.RolePage.self))]
        ), in: registry, use: listRoles)
        routes.register(.init(
            id: "createCustomRole", method: .POST, path: "/api/v1/roles", tag: "Team",
            summary: "Builds a custom role from permissions (never more than the creator holds)",
            requestBody: Schemas.ref(TeamController.CustomRoleInput.self),
            responses: [.init(status: 201, description: "The role.", schema: Schemas.ref(TeamController.RoleDTO.self))], problems: [409]
        ), in: registry, use: createRole)
    }

    static func dto(_ entry: TeamStore.Agent, customRoleName: String?) -> AgentDTO {
        let document = entry.document
        return AgentDTO(userId: entry.userID, name: entry.name, email: entry.email, role: entry.role.rawValue,
                        customRole: entry.customRoleID.map { AgentDTO.CustomRoleRef(id: $0, name: customRoleName ?? "") },
                        availability: entry.availability.rawValue, openTickets: entry.openTickets,
                        profile: ProfileDTO(skills: document.skills, languages: document.languages, timeZone: document.timeZone,
                                            workingHours: document.workingHours, capacity: document.capacity, teams: document.teams))
    }

    @Sendable func listAgents(_ req: Request) async throws -> AgentPage {
        let (scope, _) = try req.requireTenant(.ticketsRead)
        let store = TeamStore(db: req.db)
        let names = try await store.customRoleNames(scope)
        return AgentPage(items: try await store.agents(scope).map { Self.dto($0, customRoleName: $0.customRoleID.flatMap { names[$0] }) })
    }

    func member(_ req: Request, scope: TenantScope) async throws -> TeamStore.Agent {
        guard let raw = req.parameters.get("userId"), let id = UUID(uuidString: raw),
              let entry = try await TeamStore(db: req.db).agents(scope, only: id).first else {
            throw Problem.notFound("That agent")
        }
        return entry
    }

    @Sendable func updateProfile(_ req: Request) async throws -> AgentDTO {
        let (scope, principal) = try req.requireTenant(.ticketsRead)
        let entry = try await member(req, scope: scope)
        guard entry.userID == principal.userID || principal.tenant?.can(.membersManage) == true else {
            throw Problem(.forbidden, "Only admins change other people's profiles; you can change your own.")
        }
        let document = try req.decodeDomainJSON(AgentProfileDocument.self, field: "profile").normalised
        let availabilityText = try req.decodeDomainJSON(AvailabilityInput.self, field: "profile").availability
        var errors: [FieldError] = []
        let availability = availabilityText.map { AgentProfile.Availability(rawValue: $0) } ?? entry.availability
        if availability == nil {
            errors.append(FieldError(field: "availability", message: "Availability is online, away or offline.", code: "invalid_choice"))
        }
        do {
            _ = try document.profile(id: entry.userID, name: entry.name.isEmpty ? "agent" : entry.name, availability: availability ?? .offline,
                                     openTickets: entry.openTickets)
        } catch {
            errors += error.errors
        }
        if !errors.isEmpty { throw Problem.validation(ValidationFailure(errors)) }
        let definition = String(decoding: try JSONEncoder().encode(document), as: UTF8.self)
        let requestID = req.requestID
        let state = availability!.rawValue
        try await req.writer.atomically { db in
            try await TeamStore(db: db).saveProfile(scope, user: entry.userID, definition: definition, availability: state, at: Date())
            try await AuditLog.record(on: db, tenantID: scope.tenantID, actor: principal.actorLabel, actorUserID: principal.userID,
                                      action: "agent_profile.updated", target: "user:\(entry.userID)",
                                      change: .init(after: ["profile": String(definition.prefix(2_000)), "availability": state]), requestID: requestID)
        }
        let names = try await TeamStore(db: req.db).customRoleNames(scope)
        let updated = try await member(req, scope: scope)
        return Self.dto(updated, customRoleName: updated.customRoleID.flatMap { names[$0] })
    }

    @Sendable func updateRole(_ req: Request) async throws -> AgentDTO {
        let (scope, principal) = try req.requireTenant(.membersManage)
        guard let raw = req.parameters.get("userId"), let userID = UUID(uuidString: raw),
              let membership = try await TeamStore(db: req.db).membership(scope, user: userID)
        else { throw Problem.notFound("That member") }
        let input = try req.decodeJSON(RoleInput.self)
        var errors = FieldErrors()
        let role: Role? = input.role == nil ? (input.customRoleId == nil ? nil : .agent) : errors.choice(input.role, field: "role", label: "Role")
        if input.role == nil && input.customRoleId == nil { errors.add("role", "Give a role, a custom_role_id, or both.", code: "required") }
        try errors.check()
        let own = principal.tenant?.role ?? .viewer
        if let role, role > own || (membership.role > own) {
            throw Problem(.forbidden, "You cannot give or take a role above your own (\(own.rawValue)).")
        }
        var custom: TeamStore.CustomRole?
        if let id = input.customRoleId {
            custom = try await TeamStore(db: req.db).customRole(scope, id: id)
            guard let custom else {
                throw Problem.validation(ValidationFailure([FieldError(field: "custom_role_id", message: "There is no such custom role in this account.", code: "unknown")]))
            }
            if !custom.permissions.isSubset(of: principal.tenant?.permissions ?? []) {
                throw Problem(.forbidden, "The role \(custom.name) holds permissions you do not have; an owner must give it.")
            }
        }
        let newRole = role ?? membership.role
        let before = membership.role
        let chosen = custom
        let requestID = req.requestID
        try await req.writer.atomically { db in
            let store = TeamStore(db: db)
            if before == .owner && newRole != .owner {
                if try await store.ownerCount(scope) <= 1 { throw Problem(.conflict, "This is the account's only owner; make someone else owner first.") }
            }
            try await store.setRole(scope, user: userID, role: newRole, customRole: chosen?.id)
            try await AuditLog.record(on: db, tenantID: scope.tenantID, actor: principal.actorLabel, actorUserID: principal.userID,
                                      action: "member.role_changed", target: "user:\(userID)",
                                      change: .init(before: ["role": before.rawValue], after: ["role": newRole.rawValue, "custom_role": chosen?.name ?? ""]),
                                      requestID: requestID)
        }
        guard let entry = try await TeamStore(db: req.db).agents(scope, only: userID).first else {
            // A viewer is not an agent; describe the member anyway.
            throw Problem(.conflict, "The member is now a viewer, who does not appear among agents.")
        }
        return Self.dto(entry, customRoleName: chosen?.name)
    }

    @Sendable func listRoles(_ req: Request) async throws -> RolePage {
        let (scope, _) = try req.requireTenant(.tenantRead)
        var items = Role.allCases.map { RoleDTO(id: $0.rawValue, name: $0.rawValue.replacingOccurrences(of: "_", with: " ").capitalized,
                                                kind: "template", permissions: $0.permissions.map(\.rawValue).sorted()) }
        for custom in try await TeamStore(db: req.db).customRoles(scope) {
            items.append(RoleDTO(id: custom.id.uuidString.lowercased(), name: custom.name, kind: "custom",
                                 permissions: custom.permissions.map(\.rawValue).sorted()))
        }
        return RolePage(items: items, grantablePermissions: Permission.grantable.map(\.rawValue).sorted())
    }

    @Sendable func createRole(_ req: Request) async throws -> Response {
        let (scope, principal) = try req.requireTenant(.membersManage)
        let input = try req.decodeJSON(CustomRoleInput.self)
        var errors = FieldErrors()
        let name = errors.requireText(input.name, field: "name", label: "Name", maxLength: 60)
        if let name, Role.allCases.contains(where: { $0.rawValue == name.lowercased().replacingOccurrences(of: " ", with: "_") }) {
            errors.add("name", "\(name) is a built-in role; choose another name.", code: "reserved")
        }
        var permissions = Set<Permission>()
        for (index, raw) in (input.permissions ?? []).enumerated() {
            if let permission = Permission(rawValue: raw), Permission.grantable.contains(permission) {
                permissions.insert(permission)
            } else {
                errors.add("permissions[\(index)]", "\(raw) is not a permission a role can hold; see listRoles for the names.", code: "invalid_choice")
            }
        }
        if permissions.isEmpty && errors.isEmpty { errors.add("permissions", "Choose at least one permission.", code: "required") }
        try errors.check()
        let missing = permissions.subtracting(principal.tenant?.permissions ?? [])
        if !missing.isEmpty {
            throw Problem(.forbidden, "You cannot grant permissions you do not hold: \(missing.map(\.rawValue).sorted().joined(separator: ", ")).")
        }
        let id = TimeOrderedID.make()
        let json = String(decoding: try JSONEncoder().encode(permissions.map(\.rawValue).sorted()), as: UTF8.self)
        let requestID = req.requestID
        try await req.writer.atomically { db in
            let store = TeamStore(db: db)
            if try await store.customRoleNameTaken(scope, name!) {
                throw Problem(.conflict, "There is already a role named \(name!); choose another name.")
            }
            try await store.addCustomRole(scope, id: id, name: name!, permissions: json, at: Date())
            try await AuditLog.record(on: db, tenantID: scope.tenantID, actor: principal.actorLabel, actorUserID: principal.userID,
                                      action: "custom_role.created", target: "custom_role:\(id)",
                                      change: .init(after: ["name": name!, "permissions": json]), requestID: requestID)
        }
        return try await RoleDTO(id: id.uuidString.lowercased(), name: name!, kind: "custom", permissions: permissions.map(\.rawValue).sorted())
            .encodeResponse(status: .created, for: req)
    }
}

// MARK: - API schemas

extension TeamController {
    /// The body of updateAgentProfile: the domain's `AgentProfileDocument` and, in the same
    /// object, the availability (the handler reads the two halves separately).
    struct ProfileInput: APISchema {
        var document: AgentProfileDocument
        var availability: String?

        enum Keys: String, CodingKey { case availability }

        init(document: AgentProfileDocument, availability: String?) {
            self.document = document
            self.availability = availability
        }

        init(from decoder: any Decoder) throws {
            self.init(document: try AgentProfileDocument(from: decoder), availability: try AvailabilityInput(from: decoder).availability)
        }

        func encode(to encoder: any Encoder) throws {
            try document.encode(to: encoder)
            var container = encoder.container(keyedBy: Keys.self)
            try container.encodeIfPresent(availability, forKey: .availability)
        }

        static let schemaName = "AgentProfileInput"
        // In requests, null means "not given" (the default), as leaving the member out does.
        static var schema: JSONValue {
            Schema.object([
                "skills": ["type": ["object", "null"], "additionalProperties": Schema.integer(minimum: 1, maximum: 5)],
                "languages": ["type": ["array", "null"], "items": Schema.string()],
                "time_zone": Schema.string("IANA time zone of the working hours (default UTC).", nullable: true),
                "working_hours": ["type": ["object", "null"], "propertyNames": Schemas.weekdayKeys,
                                  "additionalProperties": Schema.string("09:00-17:00, several shifts separated by commas, or closed.")],
                "capacity": ["type": ["integer", "null"], "minimum": 0, "maximum": 1000, "description": "Most open tickets at once (default 20)."],
                "teams": ["type": ["array", "null"], "items": Schema.string()],
                "availability": Schema.string(enumeration: AgentProfile.Availability.allCases.map(\.rawValue), nullable: true),
            ])
        }
        static var example: Self {
            Self(document: AgentProfileDocument(
                    skills: ["billing": 4, "warranty": 5], languages: ["sv", "en"], timeZone: "Europe/Stockholm",
                    workingHours: ["mon": "08:00-16:00", "tue": "08:00-16:00", "wed": "08:00-16:00", "thu": "08:00-16:00", "fri": "08:00-12:00",
                                   "sat": "closed", "sun": "closed"],
                    capacity: 25, teams: ["Warranty", "Billing"]),
                 availability: AgentProfile.Availability.online.rawValue)
        }
    }
}

extension TeamController.AgentDTO: APISchema {
    static let schemaName = "Agent"
    static var schema: JSONValue {
        let profile: [String: JSONValue] = [
            "skills": ["type": "object", "additionalProperties": Schema.integer(minimum: 1, maximum: 5)],
            "languages": Schema.array(Schema.string()),
            "time_zone": Schema.string("IANA time zone of the working hours."),
            "working_hours": ["type": "object", "propertyNames": Schemas.weekdayKeys,
                              "additionalProperties": Schema.string("09:00-17:00, several shifts separated by commas, or closed.")],
            "capacity": Schema.integer("Most open tickets at once.", minimum: 0, maximum: 1000),
            "teams": Schema.array(Schema.string()),
        ]
        return Schema.object([
            "user_id": Schemas.uuid, "name": Schema.string(), "email": Schema.string(), "role": Schemas.role,
            "custom_role": Schema.object(["id": Schemas.uuid, "name": Schema.string()], required: ["id", "name"], nullable: true),
            "availability": Schema.string(enumeration: AgentProfile.Availability.allCases.map(\.rawValue)),
            "open_tickets": Schema.integer(minimum: 0), "profile": Schema.object(profile),
        ], required: ["user_id", "name", "email", "role", "availability", "open_tickets", "profile"])
    }
    static var example: Self {
        let input = TeamController.ProfileInput.example.document
        return Self(userId: AuthController.CurrentUserResponse.UserInfo.example.id, name: "Maya Lindqvist", email: "maya@northwind.example",
                    role: Role.supervisor.rawValue,
                    customRole: .init(id: APIExample.id("0193a450-b1c2-7d3e-8f4a-5b6c7d8e9fa0"), name: "Warranty lead"),
                    availability: AgentProfile.Availability.online.rawValue, openTickets: 7,
                    profile: .init(skills: input.skills, languages: input.languages, timeZone: input.timeZone, workingHours: input.workingHours,
                                   capacity: input.capacity, teams: input.teams))
    }
}

extension TeamController.AgentPage: APISchema {
    static let schemaName = "AgentPage"
    static var schema: JSONValue { Schema.object(["items": Schema.array(Schemas.ref(TeamController.AgentDTO.self))], required: ["items"]) }
    static var example: Self { Self(items: [.example]) }
}

extension TeamController.RoleInput: APISchema {
    static let schemaName = "MemberRoleInput"
    static var schema: JSONValue {
        Schema.object([
            "role": Schema.string(enumeration: Role.allCases.map(\.rawValue), nullable: true),
            "custom_role_id": Schema.string(format: "uuid", nullable: true),
        ])
    }
    static var example: Self { Self(role: Role.supervisor.rawValue, customRoleId: TeamController.AgentDTO.example.customRole?.id) }
}

extension TeamController.RoleDTO: APISchema {
    static let schemaName = "Role"
    static var schema: JSONValue {
        Schema.object([
            "id": Schema.string("A template's name, or a custom role's id."), "name": Schema.string(),
            "kind": Schema.string(enumeration: ["template", "custom"]), "permissions": Schema.array(Schema.string()),
        ], required: ["id", "name", "kind", "permissions"])
    }
    static var example: Self {
        Self(id: "0193a450-b1c2-7d3e-8f4a-5b6c7d8e9fa0", name: "Warranty lead", kind: "custom",
             permissions: TeamController.CustomRoleInput.example.permissions ?? [])
    }
}

extension TeamController.RolePage: APISchema {
    static let schemaName = "RolePage"
    static var schema: JSONValue {
        Schema.object(["items": Schema.array(Schemas.ref(TeamController.RoleDTO.self)),
                       "grantable_permissions": Schema.array(Schema.string("A permission a custom role may hold."))],
                      required: ["items", "grantable_permissions"])
    }
    static var example: Self {
        Self(items: [TeamController.RoleDTO(id: Role.agent.rawValue, name: "Agent", kind: "template",
                                            permissions: Role.agent.permissions.map(\.rawValue).sorted()), .example],
             grantablePermissions: Permission.grantable.map(\.rawValue).sorted())
    }
}

extension TeamController.CustomRoleInput: APISchema {
    static let schemaName = "CustomRoleInput"
    static var schema: JSONValue {
        Schema.object([
            "name": Schema.text("The role's name.", maxLength: 60),
            "permissions": Schema.array(Schema.string(enumeration: Permission.grantable.map(\.rawValue).sorted())),
        ], required: ["name", "permissions"])
    }
    static var example: Self {
        Self(name: "Warranty lead",
             permissions: [Permission.ticketsRead, .ticketsNote, .ticketsWrite, .ticketsAssign, .reportsRead].map(\.rawValue))
    }
}
