import Fluent
import Foundation
import OnrampDomain
import SQLKit
import Vapor

/// The training sandbox (TEAM-3): a tenant of its own, cloned from the real tenant's
/// configuration (business calendars, SLA policies, routing rules, custom roles, members and
/// their agent profiles; never channel credentials) and filled with generated practice
/// tickets that run through the same rules, assignment and SLAs. Nothing in it reaches real
/// customers or channels: mail and webhooks of a sandbox are recorded, not sent. Reset puts it
/// back to a fresh copy in one action.
struct SandboxController {
    struct Sandbox: Content {
        let tenantId: UUID
        let name: String
        let slug: String
        let createdAt: Date?
        let practiceTickets: Int
    }

    struct SwitchInput: Content { var tenantId: UUID? }

    static let practiceCount = 12

    func register(on routes: any RoutesBuilder, registry: APIOperationRegistry) {
        let sandbox = APIOperation.Response(status: 200, description: "The sandbox.", schema: Schemas.ref(SandboxController.Sandbox.self))
        routes.register(.init(
            id: "getSandbox", method: .GET, path: "/api/v1/sandbox", tag: "Team",
            summary: "The tenant's training sandbox (404 while it has none)", responses: [sandbox], problems: [404]
        ), in: registry, use: get)
        routes.register(.init(
            id: "createSandbox", method: .POST, path: "/api/v1/sandbox", tag: "Team",
            summary: "Creates the training sandbox: the configuration cloned, practice tickets generated, nothing sent to real people",
            responses: [.init(status: 201, description: "The sandbox.", schema: Schemas.ref(SandboxController.Sandbox.self))], problems: [409]
        ), in: registry, use: create)
        routes.register(.init(
            id: "resetSandbox", method: .POST, path: "/api/v1/sandbox/reset", tag: "Team",
            summary: "Puts the sandbox back to a fresh copy of the configuration with new practice tickets",
            responses: [sandbox], problems: [404]
        ), in: registry, use: reset)
        routes.register(.init(
            id: "switchTenant", method: .POST, path: "/api/v1/me/tenant", tag: "Accounts",
            summary: "Moves the browser session to another account the signed-in person belongs to (such as the sandbox)",
            requestBody: Schemas.ref(SandboxController.SwitchInput.self),
            responses: [.init(status: 204, description: "Switched.", schema: nil)], problems: [409]
        ), in: registry, use: switchTenant)
    }

    /// The real tenant behind a request made in it or in its sandbox.
    static func realTenant(of scope: TenantScope, on db: any Database) async throws -> UUID {
        try await TenantRepository(db: db).sandboxOf(scope) ?? scope.tenantID
    }

    static func find(forReal tenantID: UUID, on db: any Database) async throws -> Sandbox? {
        try await TenantRepository(db: db).sandbox(ofReal: tenantID).map {
            Sandbox(tenantId: $0.id, name: $0.name, slug: $0.slug, createdAt: $0.createdAt, practiceTickets: $0.tickets)
        }
    }

    @Sendable func get(_ req: Request) async throws -> Sandbox {
        let (scope, _) = try req.requireTenant(.tenantRead)
        guard let sandbox = try await Self.find(forReal: try await Self.realTenant(of: scope, on: req.db), on: req.db) else {
            throw Problem.notFound("A sandbox")
        }
        return sandbox
    }

    @Sendable func create(_ req: Request) async throws -> Response {
        let (scope, principal) = try req.requireTenant(.settingsManage)
        if try await Self.realTenant(of: scope, on: req.db) != scope.tenantID {
            throw Problem(.conflict, "This is already a sandbox; reset it instead.")
        }
        if try await Self.find(forReal: scope.tenantID, on: req.db) != nil {
            throw Problem(.conflict, "This account has a sandbox already; reset it to start over.")
        }
        let real = try await TenantRepository(db: req.db).current(scope)
        let categories = try await Self.categories(scope, on: req.db)
        let requestID = req.requestID
        let sandboxID: UUID = try await req.writer.atomically { db in
            let slug = try await AccountService.freeSlug(for: real.slug + "-sandbox", on: db)
            let sandbox = Tenant(name: String("\(real.name) (sandbox)".prefix(140)), slug: slug)
            sandbox.activatedAt = Date()
            sandbox.features = real.features
            try await sandbox.create(on: db)
            let id = try sandbox.requireID()
            try await TenantRepository(db: db).markSandbox(TenantScope(tenantID: id), of: scope.tenantID)
            _ = try await OnboardingRepository(db: db).create(in: TenantScope(tenantID: id))
            try await Self.fill(TenantScope(tenantID: id), from: scope, categories: categories, on: db)
            try await AuditLog.record(on: db, tenantID: scope.tenantID, actor: principal.actorLabel, actorUserID: principal.userID,
                                      action: "sandbox.created", target: "tenant:\(id)", change: .init(after: ["slug": slug]), requestID: requestID)
            return id
        }
        guard let sandbox = try await Self.find(forReal: scope.tenantID, on: req.db), sandbox.tenantId == sandboxID else {
            throw Problem.notFound("A sandbox")
        }
        return try await sandbox.encodeResponse(status: .created, for: req)
    }

    @Sendable func reset(_ req: Request) async throws -> Sandbox {
        let (scope, principal) = try req.requireTenant(.settingsManage)
        let realID = try await Self.realTenant(of: scope, on: req.db)
        // From inside the sandbox, the person must manage settings of the real account too.
        if realID != scope.tenantID {
            let role = try await TeamStore(db: req.db).membership(TenantScope(tenantID: realID), user: principal.userID)?.role
            guard role?.can(.settingsManage) == true else { throw Problem(.forbidden, "Only the real account's admins reset its sandbox.") }
        }
        guard let sandbox = try await Self.find(forReal: realID, on: req.db) else { throw Problem.notFound("A sandbox") }
        let real = TenantScope(tenantID: realID)
        let categories = try await Self.categories(real, on: req.db)
        let requestID = req.requestID
        try await req.writer.atomically { db in
            let target = TenantScope(tenantID: sandbox.tenantId)
            try await TicketStore(db: db).deleteAll(target)
            for store in TenantConfiguration.stores(on: db) { try await store.deleteConfiguration(target) }
            try await JobQueue(db: db).deleteIdle(target)
            try await Self.fill(target, from: real, categories: categories, on: db)
            try await AuditLog.record(on: db, tenantID: realID, actor: principal.actorLabel, actorUserID: principal.userID,
                                      action: "sandbox.reset", target: "tenant:\(target.tenantID)", change: .init(after: [:]), requestID: requestID)
        }
        guard let fresh = try await Self.find(forReal: realID, on: req.db) else { throw Problem.notFound("A sandbox") }
        return fresh
    }

    static func categories(_ scope: TenantScope, on db: any Database) async throws -> [String] {
        let session = try? await OnboardingRepository(db: db).load(in: scope)
        return session?.templateID.flatMap(IndustryTemplates.named)?.ticketCategories ?? IndustryTemplates.general.ticketCategories
    }

    /// Copies the configuration of `source` into `target` and generates the practice tickets.
    static func fill(_ target: TenantScope, from source: TenantScope, categories: [String], on db: any Database) async throws {
        let now = Date()
        // Each store copies its own configuration; ids copied earlier are mapped for the later ones.
        var ids: [UUID: UUID] = [:]
        for store in TenantConfiguration.stores(on: db) { try await store.copyConfiguration(from: source, to: target, ids: &ids, at: now) }
        // Practice tickets go through the ticket workflow, so rules, assignment and SLAs apply as in the real desk.
        let drafts = PracticeTickets.make(count: practiceCount, categories: categories, seed: UInt64(max(1, Int(now.timeIntervalSince1970))))
        for practice in drafts {
            let draft = try TicketDraft.validate(subject: practice.subject, body: practice.body, priority: practice.priority.rawValue,
                                                 channel: practice.channel, requesterEmail: practice.requesterEmail,
                                                 requesterName: practice.requesterName, tags: ["practice"], customFields: nil, team: nil)
            _ = try await TicketWorkflow.create(draft, type: practice.category, contactTags: ["practice"], author: nil, scope: target,
                                                at: now, on: db)
        }
    }

    @Sendable func switchTenant(_ req: Request) async throws -> Response {
        let principal = try req.requirePrincipal()
        guard case .session(let sessionID) = principal.credential else {
            throw Problem(.conflict, "An API token belongs to one account; create a token in the other account instead.")
        }
        let input = try req.decodeJSON(SwitchInput.self)
        guard let tenantID = input.tenantId else {
            throw Problem.validation(ValidationFailure([FieldError(field: "tenant_id", message: "Give the account's id.", code: "required")]))
        }
        guard try await TeamStore(db: req.db).membership(TenantScope(tenantID: tenantID), user: principal.userID) != nil else {
            throw Problem.notFound("That account")
        }
        try await req.writer.atomically { db in
            try await WebSessions.move(sessionID, to: tenantID, on: db)
        }
        return Response(status: .noContent)
    }
}

// MARK: - API schemas

extension SandboxController.Sandbox: APISchema {
    static let schemaName = "Sandbox"
    static var schema: JSONValue {
        Schema.object([
            "tenant_id": Schemas.uuid, "name": Schema.string(), "slug": Schema.string(), "created_at": Schemas.nullableDateTime,
            "practice_tickets": Schema.integer(minimum: 0),
        ], required: ["tenant_id", "name", "slug", "practice_tickets"])
    }
    static var example: Self {
        Self(tenantId: APIExample.id("0193a470-e4f5-7a6b-9c7d-8e9fa0b1c2d3"), name: "Northwind Outfitters (sandbox)",
             slug: "northwind-outfitters-sandbox", createdAt: APIExample.date("2026-03-03T08:00:00Z"), practiceTickets: SandboxController.practiceCount)
    }
}

extension SandboxController.SwitchInput: APISchema {
    static let schemaName = "SwitchTenantRequest"
    static var schema: JSONValue { Schema.object(["tenant_id": Schemas.uuid], required: ["tenant_id"]) }
    static var example: Self { Self(tenantId: SandboxController.Sandbox.example.tenantId) }
}
