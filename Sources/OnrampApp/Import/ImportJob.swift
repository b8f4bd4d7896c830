import Fluent
import Foundation
import NIOPosix
import OnrampDomain
import Vapor

/// The `imports.run` job: runs an import from its checkpoint to the end. A worker that dies
/// (even by SIGKILL) leaves the last committed batch and its checkpoint; when its lease ends
/// another worker claims the job and goes on from there, so nothing is lost or doubled.
enum ImportJob {
    static var kind: String { JobKinds.importRun.kind }

    /// The import a job runs.
    struct Payload: Codable, Sendable {
        let importID: String
        enum CodingKeys: String, CodingKey { case importID = "import_id" }

        init(_ id: UUID) { importID = id.uuidString.lowercased() }
    }

    static let handler = JobKinds.importRun.handler(unreadable: "The job does not name an import.") { context, payload in
        guard let tenantID = context.job.tenantID, let importID = UUID(uuidString: payload.importID) else {
            throw JobFailure("The job does not name an import.")
        }
        let app = context.application
        let scope = TenantScope(tenantID: tenantID)
        let loaded = try await load(importID, tenantID: tenantID, on: app.db)
        guard let (plan, checkpoint, state) = loaded else { return } // deleted with its tenant
        if ["completed", "cancelled"].contains(state) { return }
        try await app.writer.atomically { db in try await ImportStore(db: db).markRunning(scope, plan.importID) }
        var run = ImportRun(plan: plan, writer: app.writer, fileIO: NonBlockingFileIO(threadPool: app.threadPool))
        let worker = context.worker
        let jobID = context.job.id
        // Each batch's transaction also renews the job's progress, and only while this worker
        // holds the lease: a worker whose lease was taken over writes nothing more.
        run.inTransaction = { db, next in
            let held = try await JobQueue(db: db).progress(jobID, worker: worker, done: next.rows, total: nil, message: next.counts.summary)
            if !held { throw ImportCheckpointMoved() }
        }
        let announce: @Sendable (ImportCheckpoint, String) async -> Void = { checkpoint, state in
            let event = ImportLiveEvent(
                tenantId: tenantID, importId: plan.importID, state: state, rowsDone: checkpoint.rows, bytesDone: checkpoint.offset,
                bytesTotal: plan.byteSize, percent: state == "completed" ? 100 : plan.byteSize > 0 ? Int(min(99, checkpoint.offset * 100 / plan.byteSize)) : 0,
                summary: checkpoint.counts.summary, errorCount: checkpoint.errors)
            try? await app.onramp.live.send([event.message], on: app.db)
        }
        await announce(checkpoint, "running")
        do {
            let final = try await run.run(from: checkpoint, progress: { report in await announce(report.checkpoint, "running") },
                                          checkCancellation: { try context.checkCancellation() })
            try await finish(plan.importID, state: "completed", message: "Imported \(final.rows) records: \(final.counts.summary).", in: scope, on: app)
            await announce(final, "completed")
            app.logger.info("import finished", metadata: ["import": "\(plan.importID)", "rows": "\(final.rows)"])
        } catch is CancellationError {
            try await finish(plan.importID, state: "cancelled", message: "Cancelled; the batches written before stay.", in: scope, on: app)
            await announce(checkpoint, "cancelled")
            throw CancellationError()
        } catch let failure as ImportReadFailure {
            // The file itself is bad: trying again cannot help.
            try await finish(plan.importID, state: "failed", message: failure.description, in: scope, on: app)
            await announce(checkpoint, "failed")
        } catch is ImportCheckpointMoved {
            app.logger.warning("import: another worker took over", metadata: ["import": "\(plan.importID)"])
        }
    }

    static func finish(_ importID: UUID, state: String, message: String, in scope: TenantScope, on app: Application) async throws {
        try await app.writer.atomically { db in
            try await ImportStore(db: db).finish(scope, importID, state: state, message: message)
        }
    }

    /// The plan and checkpoint of an import, or nil when it no longer exists.
    static func load(_ importID: UUID, tenantID: UUID, on db: any Database) async throws -> (ImportPlan, ImportCheckpoint, String)? {
        guard let row = try await ImportStore(db: db).find(TenantScope(tenantID: tenantID), importID) else { return nil }
        let path = row.storagePath
        guard let mappingJSON = row.mapping,
              let mapping = try? JSONDecoder().decode(ImportMapping.self, from: Data(mappingJSON.utf8)) else {
            throw JobFailure("The import has no mapping.")
        }
        let options = row.options.flatMap { try? JSONDecoder().decode(ImportOptions.self, from: Data($0.utf8)) } ?? ImportOptions()
        let detection: ImportDetection
        do { detection = try ImportRun.detect(path: path) } catch let refusal as ImportSniffer.Refusal {
            throw ImportReadFailure(refusal.description)
        }
        let plan = ImportPlan(importID: importID, tenantID: tenantID, path: path, byteSize: row.byteSize,
                              detection: detection, mapping: mapping, options: options)
        return (plan, row.checkpoint, row.state)
    }
}
