import Fluent
import Foundation
import OnrampDomain
import SQLKit
import Vapor

/// The tenant's assignment strategy (WF-2): `least_loaded` (fewest open tickets first, the
/// default) or `round_robin` (in turn, starting after the agent assigned last).
struct AssignmentSettings {
    enum Strategy: String, CaseIterable, Codable, Sendable {
        case leastLoaded = "least_loaded"
        case roundRobin = "round_robin"
    }

    struct Settings: Content {
        let strategy: Strategy
    }

    struct Input: Content { var strategy: String? }

    static func strategy(_ scope: TenantScope, on db: any Database) async throws -> Strategy {
        try await TenantRepository(db: db).assignmentStrategy(scope).flatMap(Strategy.init(rawValue:)) ?? .leastLoaded
    }

    func register(on routes: any RoutesBuilder, registry: APIOperationRegistry) {
        let response = APIOperation.Response(status: 200, description: "The settings.", schema: Schemas.ref(AssignmentSettings.Settings.self))
        routes.register(.init(
            id: "getAssignmentSettings", method: .GET, path: "/api/v1/assignment-settings", tag: "Workflows",
            summary: "How tickets are spread over eligible agents", responses: [response]
        ), in: registry, use: get)
        routes.register(.init(
            id: "updateAssignmentSettings", method: .PUT, path: "/api/v1/assignment-settings", tag: "Workflows",
            summary: "Chooses least_loaded or round_robin assignment",
            requestBody: Schemas.ref(AssignmentSettings.Settings.self), responses: [response]
        ), in: registry, use: update)
    }

    @Sendable func get(_ req: Request) async throws -> Settings {
        let (scope, _) = try req.requireTenant(.ticketsRead)
        return Settings(strategy: try await Self.strategy(scope, on: req.db))
    }

    @Sendable func update(_ req: Request) async throws -> Settings {
        let (scope, principal) = try req.requireTenant(.settingsManage)
        var errors = FieldErrors()
        let chosen: Strategy? = errors.choice(try req.decodeJSON(Input.self).strategy ?? "", field: "strategy", label: "Strategy")
        try errors.check()
        let before = try await Self.strategy(scope, on: req.db)
        let requestID = req.requestID
        try await req.writer.atomically { db in
            try await TenantRepository(db: db).setAssignmentStrategy(scope, chosen!.rawValue)
            try await AuditLog.record(on: db, tenantID: scope.tenantID, actor: principal.actorLabel, actorUserID: principal.userID,
                                      action: "assignment.strategy_changed", target: "tenant:\(scope.tenantID)",
                                      change: .init(before: ["strategy": before.rawValue], after: ["strategy": chosen!.rawValue]),
                                      requestID: requestID)
        }
        return Settings(strategy: chosen!)
    }
}

// MARK: - API schemas

extension AssignmentSettings.Settings: APISchema {
    static let schemaName = "AssignmentSettings"
    static var schema: JSONValue {
        Schema.object([
            "strategy": Schema.string("least_loaded: fewest open tickets first; round_robin: in turn.",
                                      enumeration: AssignmentSettings.Strategy.allCases.map(\.rawValue)),
        ], required: ["strategy"])
    }
    static var example: Self { Self(strategy: .roundRobin) }
}
