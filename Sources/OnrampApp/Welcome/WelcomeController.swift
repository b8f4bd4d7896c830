import Fluent
import Foundation
import OnrampDomain
import Vapor

/// What a new desk shows after activation: `listSampleData` / `deleteSampleData` (samples
/// made at activation, removable in one action) and `getTour` / `updateTour` (each person's
/// progress through the welcome tour, kept on the server).
struct WelcomeController {
    struct Sample: Content {
        let id: UUID
        let kind: String
        let title: String
        let body: String
        let details: [String: String]
        let isSample: Bool
    }

    struct SampleList: Content {
        let items: [Sample]
    }

    struct Removed: Content {
        let removed: Int
    }

    struct TourStop: Content {
        let id: String
        let title: String
        let text: String
    }

    struct Tour: Content {
        let state: String
        let stop: Int
        let stops: [TourStop]
    }

    struct TourRequest: Content {
        var action: String?
    }

    func register(on routes: any RoutesBuilder, registry: APIOperationRegistry) {
        routes.register(.init(
            id: "listSampleData", method: .GET, path: "/api/v1/samples", tag: "Welcome",
            summary: "The sample tickets and articles made at activation",
            responses: [.init(status: 200, description: "The samples.", schema: Schemas.ref(WelcomeController.SampleList.self))]
        ), in: registry, use: list)
        routes.register(.init(
            id: "deleteSampleData", method: .DELETE, path: "/api/v1/samples", tag: "Welcome",
            summary: "Remove every sample record in one action (admins)",
            responses: [.init(status: 200, description: "How many were removed.", schema: Schemas.ref(WelcomeController.Removed.self))]
        ), in: registry, use: remove)
        routes.register(.init(
            id: "getTour", method: .GET, path: "/api/v1/me/tour", tag: "Welcome",
            summary: "Your progress through the welcome tour",
            responses: [.init(status: 200, description: "The tour.", schema: Schemas.ref(WelcomeController.Tour.self))]
        ), in: registry, use: getTour)
        routes.register(.init(
            id: "updateTour", method: .PUT, path: "/api/v1/me/tour", tag: "Welcome",
            summary: "Move through the welcome tour: start, next, back, dismiss, finish or restart",
            requestBody: Schemas.ref(WelcomeController.TourRequest.self),
            responses: [.init(status: 200, description: "The tour after the step.", schema: Schemas.ref(WelcomeController.Tour.self))]
        ), in: registry, use: updateTour)
    }

    @Sendable func list(_ req: Request) async throws -> SampleList {
        let (scope, _) = try req.requireTenant(.onboardingRead)
        return SampleList(items: try await WelcomeStore(db: req.db).samples(scope).map(Self.sample))
    }

    static func sample(_ row: SampleRecordRow) -> Sample {
        Sample(id: row.id, kind: row.kind, title: row.title, body: row.body, details: row.detailValues, isSample: true)
    }

    @Sendable func remove(_ req: Request) async throws -> Removed {
        let (scope, principal) = try req.requireTenant(.onboardingManage)
        let requestID = req.requestID
        let removed = try await req.writer.atomically { db -> Int in
            let store = WelcomeStore(db: db)
            let count = try await store.countSamples(scope)
            guard count > 0 else { return 0 }
            try await store.removeSamples(scope)
            try await AuditLog.record(on: db, tenantID: scope.tenantID, actor: principal.actorLabel, actorUserID: principal.userID,
                                      action: "samples.removed", target: "sample_records",
                                      change: .init(before: ["count": String(count)], after: ["count": "0"]), requestID: requestID)
            return count
        }
        return Removed(removed: removed)
    }

    /// The signed-in member's tour progress.
    func progress(_ req: Request) async throws -> (GuidedTour.Progress, TenantScope, UUID) {
        let (scope, principal) = try req.requireTenant(.onboardingRead)
        guard let row = try await WelcomeStore(db: req.db).tour(scope, userID: principal.userID) else {
            throw Problem.notFound("Your membership")
        }
        return (row.progress, scope, principal.userID)
    }

    /// The tour as a member sees it from `progress`.
    static func tour(_ progress: GuidedTour.Progress) -> Tour {
        Tour(state: progress.state.rawValue, stop: progress.stop,
             stops: GuidedTour.stops.map { TourStop(id: $0.id, title: $0.title, text: $0.text) })
    }

    @Sendable func getTour(_ req: Request) async throws -> Tour {
        Self.tour(try await progress(req).0)
    }

    @Sendable func updateTour(_ req: Request) async throws -> Tour {
        let body = try req.decodeJSON(TourRequest.self)
        let actions = GuidedTour.Progress.Action.allCases.map(\.rawValue)
        guard let raw = body.action, let action = GuidedTour.Progress.Action(rawValue: raw) else {
            throw ValidationFailure([FieldError(field: "action", message: "Choose one of \(actions.joined(separator: ", ")).",
                                                code: body.action == nil ? "required" : "invalid_choice")])
        }
        let (current, scope, userID) = try await progress(req)
        var progress = current
        progress.apply(action)
        let saved = progress
        try await req.writer.atomically { db in try await WelcomeStore(db: db).saveTour(scope, userID: userID, saved) }
        return Self.tour(progress)
    }
}

// MARK: - API schemas

extension WelcomeController.SampleList: APISchema {
    static let schemaName = "SampleList"
    static var schema: JSONValue {
        Schema.object([
            "items": Schema.array(Schema.object([
                "id": Schemas.uuid, "kind": Schema.string(enumeration: SampleRecord.Kind.allCases.map(\.rawValue)),
                "title": Schema.string(), "body": Schema.string(),
                "details": ["type": "object", "additionalProperties": Schema.string()], "is_sample": Schema.boolean,
            ], required: ["id", "kind", "title", "body", "details", "is_sample"])),
        ], required: ["items"])
    }
    static var example: Self {
        Self(items: [
            .init(id: APIExample.id("0193a401-6c7d-7e8f-90a1-b2c3d4e5f607"), kind: "ticket", title: "Where is my order #10234?",
                  body: "Hi, I ordered a rain jacket last Monday and have not had a shipping email yet.",
                  details: ["priority": "normal", "channel": "email", "requester": "jonas.berg@example.se"], isSample: true),
            .init(id: APIExample.id("0193a401-6c7d-7e8f-90a1-b2c3d4e5f608"), kind: "article", title: "How returns work",
                  body: "You can return unused items within 30 days; print the label from your order page.",
                  details: ["category": "Returns"], isSample: true),
        ])
    }
}

extension WelcomeController.Removed: APISchema {
    static let schemaName = "SamplesRemoved"
    static var schema: JSONValue { Schema.object(["removed": Schema.integer(minimum: 0)], required: ["removed"]) }
    static var example: Self { Self(removed: 2) }
}

extension WelcomeController.Tour: APISchema {
    static let schemaName = "Tour"
    static var schema: JSONValue {
        Schema.object([
            "state": Schema.string(enumeration: GuidedTour.State.allCases.map(\.rawValue)),
            "stop": Schema.integer(minimum: 0),
            "stops": Schema.array(Schema.object(["id": Schema.string(), "title": Schema.string(), "text": Schema.string()],
                                                required: ["id", "title", "text"])),
        ], required: ["state", "stop", "stops"])
    }
    /// The tour at its second stop.
    static var example: Self {
        WelcomeController.tourResponse(GuidedTour.Progress(state: .inProgress, stop: 1))
    }
}

extension WelcomeController.TourRequest: APISchema {
    static let schemaName = "TourRequest"
    static var schema: JSONValue {
        Schema.object([
            "action": Schema.string(enumeration: GuidedTour.Progress.Action.allCases.map(\.rawValue)),
        ], required: ["action"])
    }
    static var example: Self { Self(action: GuidedTour.Progress.Action.start.rawValue) }
}

extension WelcomeController {
    /// The tour as the API shows it at `progress`.
    fileprivate static func tourResponse(_ progress: GuidedTour.Progress) -> Tour {
        Tour(state: progress.state.rawValue, stop: progress.stop,
             stops: GuidedTour.stops.map { TourStop(id: $0.id, title: $0.title, text: $0.text) })
    }
}
