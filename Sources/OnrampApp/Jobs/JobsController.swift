import Fluent
import Foundation
import OnrampDomain
import Vapor

/// The tenant's background jobs: `listJobs`, `getJob`, `cancelJob`, and `verifyAuditTrail`
/// (which queues an audit verification).
struct JobsController {
    struct JobResponse: Content {
        let id: UUID
        let kind: String
        let state: String
        let priority: Int
        let runAt: Date
        let attempts: Int
        let maxAttempts: Int
        let progress: Progress
        let lastError: String?
        let cancelRequested: Bool
        let createdAt: Date
        let updatedAt: Date
        let finishedAt: Date?

        struct Progress: Content {
            let done: Int
            let total: Int?
            let message: String?
        }
    }

    struct JobPage: Content {
        let items: [JobResponse]
    }

    func register(on routes: any RoutesBuilder, registry: APIOperationRegistry) {
        let jobID = APIOperation.Parameter(name: "jobId", location: .path, description: "The job's id.", schema: Schemas.uuid)
        let job = APIOperation.Response(status: 200, description: "The job.", schema: Schemas.ref(JobsController.JobResponse.self))
        routes.register(.init(
            id: "listJobs", method: .GET, path: "/api/v1/jobs", tag: "Jobs",
            summary: "The tenant's background jobs, newest first",
            parameters: [
                .init(name: "state", location: .query, description: "Only jobs in this state.",
                      schema: Schema.string(enumeration: JobState.allCases.map(\.rawValue))),
                .init(name: "limit", location: .query, description: "At most this many (1–200, default 50).",
                      schema: Schema.integer(minimum: 1, maximum: 200)),
            ],
            responses: [.init(status: 200, description: "The jobs.", schema: Schemas.ref(JobsController.JobPage.self))]
        ), in: registry, use: list)
        routes.register(.init(
            id: "getJob", method: .GET, path: "/api/v1/jobs/{jobId}", tag: "Jobs",
            summary: "One job: state, attempts, progress, last error", parameters: [jobID], responses: [job]
        ), in: registry, use: get)
        routes.register(.init(
            id: "cancelJob", method: .POST, path: "/api/v1/jobs/{jobId}/cancel", tag: "Jobs",
            summary: "Cancel a job: a queued one at once, a running one at its next check",
            parameters: [jobID], responses: [job], problems: [409]
        ), in: registry, use: cancel)
        routes.register(.init(
            id: "verifyAuditTrail", method: .POST, path: "/api/v1/audit-events/verify", tag: "Audit",
            summary: "Queue a verification of the tenant's audit hash chain (its verdict is the job's progress message)",
            responses: [.init(status: 202, description: "The queued (or already queued) job.", schema: Schemas.ref(JobsController.JobResponse.self))]
        ), in: registry, use: verifyAudit)
    }

    struct Query: Decodable {
        var state: String?
        var limit: String?
    }

    static func response(_ row: JobRow) -> JobResponse {
        JobResponse(
            id: row.id, kind: row.kind, state: row.state, priority: row.priority, runAt: row.runAt, attempts: row.attempts,
            maxAttempts: row.maxAttempts,
            progress: .init(done: row.progressDone, total: row.progressTotal, message: row.progressMessage),
            lastError: row.lastError, cancelRequested: row.cancelRequested,
            createdAt: row.createdAt, updatedAt: row.updatedAt, finishedAt: row.finishedAt)
    }

    static func find(_ id: UUID, in scope: TenantScope, on db: any Database) async throws -> JobResponse? {
        try await JobQueue(db: db).find(scope, id).map(response)
    }

    @Sendable func list(_ req: Request) async throws -> JobPage {
        let (scope, _) = try req.requireTenant(.auditRead)
        let query = try req.query.decode(Query.self)
        var errors = FieldErrors()
        let limit = errors.wholeNumber(query.limit, field: "limit", label: "Limit", in: 1...200, fallback: 50) ?? 50
        let _: JobState? = errors.choice(query.state, field: "state", label: "State")
        try errors.check()
        return JobPage(items: try await JobQueue(db: req.db).list(scope, state: query.state, limit: limit).map(Self.response))
    }

    func jobID(_ req: Request) throws -> UUID {
        guard let raw = req.parameters.get("jobId"), let id = UUID(uuidString: raw) else { throw Problem.notFound("That job") }
        return id
    }

    @Sendable func get(_ req: Request) async throws -> JobResponse {
        let (scope, _) = try req.requireTenant(.auditRead)
        guard let job = try await Self.find(try jobID(req), in: scope, on: req.db) else { throw Problem.notFound("That job") }
        return job
    }

    @Sendable func cancel(_ req: Request) async throws -> JobResponse {
        let (scope, principal) = try req.requireTenant(.onboardingManage)
        let id = try jobID(req)
        let requestID = req.requestID
        let job = try await req.writer.atomically { db -> JobResponse? in
            guard let outcome = try await JobQueue(db: db).cancel(scope, id) else { return nil }
            if case .alreadyEnded(let state) = outcome {
                throw Problem(.conflict, "This job has already ended (\(state)); there is nothing to cancel.")
            }
            try await AuditLog.record(on: db, tenantID: scope.tenantID, actor: principal.actorLabel, actorUserID: principal.userID,
                                      action: "job.cancelled", target: "job:\(id)",
                                      change: .init(after: ["state": outcome == .cancelled ? "cancelled" : "cancel requested"]),
                                      requestID: requestID)
            return try await Self.find(id, in: scope, on: db)
        }
        guard let job else { throw Problem.notFound("That job") }
        return job
    }

    @Sendable func verifyAudit(_ req: Request) async throws -> Response {
        let (scope, _) = try req.requireTenant(.auditRead)
        let job = try await req.writer.atomically { db -> JobResponse? in
            let id = try await JobQueue(db: db).enqueue(JobKinds.auditVerify, NoPayload(), tenantID: scope.tenantID,
                                                        uniqueKey: "audit.verify:\(scope.tenantID.uuidString)")
            return try await Self.find(id, in: scope, on: db)
        }
        guard let job else { throw Problem.notFound("That job") }
        return try await job.encodeResponse(status: .accepted, for: req)
    }
}

// MARK: - API schemas

extension JobsController.JobResponse: APISchema {
    static let schemaName = "Job"
    static var schema: JSONValue {
        Schema.object([
            "id": Schemas.uuid, "kind": Schema.string(), "state": Schema.string(enumeration: JobState.allCases.map(\.rawValue)),
            "priority": Schema.integer(), "run_at": Schemas.dateTime, "attempts": Schema.integer(minimum: 0),
            "max_attempts": Schema.integer(minimum: 1),
            "progress": Schema.object(["done": Schema.integer(minimum: 0), "total": ["type": ["integer", "null"]],
                                       "message": Schema.string(nullable: true)], required: ["done"]),
            "last_error": Schema.string(nullable: true), "cancel_requested": Schema.boolean,
            "created_at": Schemas.dateTime, "updated_at": Schemas.dateTime, "finished_at": Schemas.nullableDateTime,
        ], required: ["id", "kind", "state", "priority", "run_at", "attempts", "max_attempts", "progress", "cancel_requested",
                      "created_at", "updated_at"])
    }
    /// The audit chain check, half done.
    static var example: Self {
        Self(id: APIExample.id("0193a3f0-5b6c-7d8e-9fa0-b1c2d3e4f5a6"), kind: "audit.verify", state: JobState.running.rawValue, priority: 0,
             runAt: APIExample.date("2026-03-05T12:00:00Z"), attempts: 1, maxAttempts: 1,
             progress: .init(done: 1200, total: 2400, message: "Checked 1200 of 2400 events"), lastError: nil, cancelRequested: false,
             createdAt: APIExample.date("2026-03-05T11:59:58Z"), updatedAt: APIExample.date("2026-03-05T12:00:04Z"), finishedAt: nil)
    }
}

extension JobsController.JobPage: APISchema {
    static let schemaName = "JobPage"
    static var schema: JSONValue {
        Schema.object(["items": Schema.array(Schemas.ref(JobsController.JobResponse.self))], required: ["items"])
    }
    static var example: Self { Self(items: [.example]) }
}
