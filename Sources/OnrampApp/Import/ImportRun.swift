import Fluent
import Foundation
import NIOCore
import NIOPosix
import OnrampDomain
import SQLKit

/// Everything needed to read and write one import.
struct ImportPlan: Sendable {
    let importID: UUID
    let tenantID: UUID
    let path: String
    let byteSize: Int64
    let detection: ImportDetection
    let mapping: ImportMapping
    let options: ImportOptions
}

/// How far an import got: the file offset just past the last record written, and the counts.
/// Written in the same transaction as each batch, so a resumed import starts exactly where
/// the last committed batch ended.
struct ImportCheckpoint: Sendable, Equatable {
    var offset: Int64 = 0
    var rows = 0
    var line = 1
    var counts = ImportCounts()
    var errors = 0
}

/// The checkpoint moved under us: another runner wrote a batch of this import (or it was
/// reset); this runner stops without writing.
struct ImportCheckpointMoved: Error {}

/// Streams an import's file from its checkpoint to the end in batches; each batch is mapped,
/// validated and written in one transaction together with the new checkpoint and the error
/// rows. A dry run does the same work and rolls each batch back.
struct ImportRun: Sendable {
    let plan: ImportPlan
    let writer: DatabaseWriter
    let fileIO: NonBlockingFileIO
    var batchRows = 2_000
    var chunkBytes = 1 << 20
    var dryRun = false
    /// Runs inside each batch's transaction (a job's lease check and progress).
    var inTransaction: (@Sendable (any Database, ImportCheckpoint) async throws -> Void)?

    struct Report: Sendable {
        var checkpoint: ImportCheckpoint
        var bytesTotal: Int64
        var finished: Bool
    }

    /// Reads the file's first 64 KB again and detects it (the delimiter and header are not stored).
    static func detect(path: String) throws -> ImportDetection {
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw ImportReadFailure("The uploaded file is no longer in the file store.")
        }
        defer { try? handle.close() }
        let sample = try handle.read(upToCount: 65_536) ?? Data()
        return try ImportSniffer.sniff([UInt8](sample))
    }

    /// The field paths of the first records (what a mapping can point at).
    static func samplePaths(path: String, detection: ImportDetection, records: Int = 50) throws -> (paths: [String], records: [ImportRecord]) {
        guard let handle = FileHandle(forReadingAtPath: path) else { throw ImportReadFailure("The uploaded file is no longer in the file store.") }
        defer { try? handle.close() }
        var reader = ImportFileReader(format: detection.format, encoding: detection.encoding, delimiter: detection.delimiter)
        var found: [ImportRecord] = []
        var read = 0
        while found.count < records, read < 8 << 20, let data = try handle.read(upToCount: 256 * 1024), !data.isEmpty {
            read += data.count
            found += (try? reader.feed(data)) ?? []
        }
        if found.count < records { found += (try? reader.finish()) ?? [] }
        var paths: [String] = reader.columns ?? []
        var seen = Set(paths)
        for record in found.prefix(records) {
            for path in record.value.paths where !seen.contains(path) {
                seen.insert(path)
                paths.append(path)
            }
        }
        return (paths, Array(found.prefix(records)))
    }

    /// Runs from `checkpoint` to the end of the file (or `limit` records), calling `progress`
    /// after each committed batch and `checkCancellation` before each.
    func run(from checkpoint: ImportCheckpoint, limit: Int? = nil,
             progress: @Sendable (Report) async throws -> Void = { _ in },
             checkCancellation: @Sendable () throws -> Void = {},
             outcomes: (@Sendable ([RowOutcome], [ImportRecord], [MappedRecord]) async throws -> Void)? = nil) async throws -> ImportCheckpoint {
        var current = checkpoint
        var reader = ImportFileReader(format: plan.detection.format, encoding: plan.detection.encoding, delimiter: plan.detection.delimiter,
                                      header: plan.detection.format == .csv ? plan.detection.fields : nil,
                                      resumeAt: current.offset, recordsBefore: current.rows, line: current.line)
        let mapper = ImportRowMapper(mapping: plan.mapping, source: plan.detection.source, options: plan.options)
        let batchRows = max(1, self.batchRows)
        return try await fileIO.withFileHandle(_deprecatedPath: plan.path, mode: .read) { handle in
            var offset = current.offset
            var buffered: [ImportRecord] = []
            var ended = false
            var seen = 0
            /// The next batch of records, or nil at the end (of the file, or of `limit`).
            // A file that cannot be read on (cut off, not the format it claims) still has its
            // complete records before that point written; then the failure is reported.
            var failure: ImportReadFailure?
            func nextBatch() async throws -> [ImportRecord]? {
                while buffered.count < batchRows && !ended {
                    let buffer = try await fileIO.read(fileHandle: handle, fromOffset: offset, byteCount: chunkBytes, allocator: ByteBufferAllocator())
                    do {
                        if buffer.readableBytes == 0 {
                            buffered += try reader.finish()
                            ended = true
                        } else {
                            offset += Int64(buffer.readableBytes)
                            buffered += try buffer.withUnsafeReadableBytes { try reader.feed($0) }
                        }
                    } catch let read as ImportReadFailure {
                        failure = read
                        ended = true
                    }
                }
                if buffered.isEmpty, let failure { throw failure }
                guard !buffered.isEmpty else { return nil }
                var batch = Array(buffered.prefix(batchRows))
                buffered.removeFirst(batch.count)
                if let limit, seen + batch.count >= limit {
                    batch = Array(batch.prefix(max(0, limit - seen)))
                    buffered = []
                    ended = true
                }
                seen += batch.count
                return batch.isEmpty ? nil : batch
            }
            // Reading and mapping the next batch overlaps with writing the one before; the
            // writes themselves stay one after the other, each from the checkpoint the
            // previous one left.
            var inFlight: Task<ImportCheckpoint, any Error>?
            do {
                while true {
                    try checkCancellation()
                    let batch = try await nextBatch()
                    var mapped: [MappedRecord]?
                    if let batch { mapped = await Self.map(batch, with: mapper) }
                    if let task = inFlight {
                        inFlight = nil
                        current = try await task.value
                        try await progress(Report(checkpoint: current, bytesTotal: plan.byteSize, finished: false))
                    }
                    guard let batch, let mapped else { break }
                    let after = current
                    inFlight = Task { try await self.write(batch, mapped: mapped, after: after, outcomes: outcomes) }
                }
            } catch {
                // Nothing of this run goes on after it returns.
                if let task = inFlight { _ = try? await task.value }
                throw error
            }
            try await progress(Report(checkpoint: current, bytesTotal: plan.byteSize, finished: true))
            return current
        }
    }

    /// Maps a batch on a thread of its own, so that it runs beside the previous batch's write
    /// (whose statements run on the database thread and whose JSON is built on the event loop).
    static func map(_ records: [ImportRecord], with mapper: ImportRowMapper) async -> [MappedRecord] {
        await withCheckedContinuation { continuation in
            DispatchQueue.global(qos: .userInitiated).async {
                continuation.resume(returning: records.map(mapper.map))
            }
        }
    }

    private struct DryRunRollback: Error { let checkpoint: ImportCheckpoint }

    /// Writes one batch with its checkpoint, in one transaction.
    private func write(_ records: [ImportRecord], mapped: [MappedRecord], after previous: ImportCheckpoint,
                       outcomes: (@Sendable ([RowOutcome], [ImportRecord], [MappedRecord]) async throws -> Void)?) async throws -> ImportCheckpoint {
        let plan = self.plan
        let dryRun = self.dryRun
        let inTransaction = self.inTransaction
        do {
            return try await writer.atomically { db in
                let applier = ImportApplier(db: db, tenantID: plan.tenantID, importID: plan.importID, system: plan.detection.source.rawValue,
                                            policy: plan.options.policy, now: Date())
                let (applied, extra) = try await applier.apply(mapped)
                // A rejected row counts under the file's object.
                let rowOutcomes = applied.map { outcome in
                    var outcome = outcome
                    if outcome.object == "rows" { outcome.object = plan.mapping.object == .conversations ? "messages" : plan.mapping.object.rawValue }
                    return outcome
                }
                var next = previous
                for outcome in rowOutcomes { next.counts.add(outcome.object, outcome.verdict) }
                for (object, verdicts) in extra.objects { for (verdict, count) in verdicts { next.counts.add(object, RowVerdict(rawValue: verdict)!, count) } }
                let reported = rowOutcomes.filter { $0.verdict == .rejected || $0.verdict == .duplicate }
                next.errors += reported.count
                if let last = records.last {
                    next.offset = last.endOffset
                    next.rows = last.number
                    next.line = (last.line ?? 0) + 1
                }
                if !reported.isEmpty && !dryRun {
                    let byNumber = Dictionary(records.map { ($0.number, $0) }, uniquingKeysWith: { first, _ in first })
                    let rows: [[any ImportCell]] = reported.map { outcome in
                        let record = byNumber[outcome.number]
                        return [plan.importID, plan.tenantID, outcome.number, record?.line, outcome.verdict.rawValue,
                                String((outcome.reason ?? "").prefix(2_000)), String((record?.value.json ?? "{}").prefix(65_536))]
                    }
                    try await applier.insert(into: "import_errors", columns: ["import_id", "tenant_id", "row_number", "line", "verdict", "reason", "original"],
                                             rows: rows, suffix: " ON CONFLICT DO NOTHING")
                }
                // The checkpoint moves only from where this runner read it: a second runner of the
                // same import (or a zombie whose lease ended) finds it moved and rolls back.
                if !dryRun, try await !ImportStore(db: db).moveCheckpoint(TenantScope(tenantID: plan.tenantID), plan.importID,
                                                                        from: previous, to: next) {
                    throw ImportCheckpointMoved()
                }
                try await inTransaction?(db, next)
                try await outcomes?(rowOutcomes, records, mapped)
                if dryRun { throw DryRunRollback(checkpoint: next) }
                return next
            }
        } catch let rollback as DryRunRollback {
            return rollback.checkpoint
        }
    }
}

extension ImportCounts {
    /// "1,200 tickets created, 3 updated, 2 rejected; 800 contacts created"
    var summary: String {
        let order: [RowVerdict] = [.created, .updated, .unchanged, .duplicate, .rejected]
        let parts = objects.keys.sorted().compactMap { object -> String? in
            let counts = order.compactMap { verdict -> String? in
                let count = self.count(object, verdict)
                return count > 0 ? "\(count) \(verdict == .duplicate ? "skipped as duplicates" : verdict.rawValue)" : nil
            }
            return counts.isEmpty ? nil : "\(object): " + counts.joined(separator: ", ")
        }
        return parts.isEmpty ? "nothing imported" : parts.joined(separator: "; ")
    }
}
