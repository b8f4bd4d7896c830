import Crypto
import Fluent
import Foundation
import NIOPosix
import OnrampDomain
import SQLKit
import Vapor

/// `onramp import FILE --tenant ID [--format F] [--dry-run]`: imports an export straight from
/// disk with a progress bar (rows/s, ETA) and the result summary. The import is recorded like
/// an uploaded one (it shows in `listImports`, its error report can be downloaded). Run the
/// same command again after a crash or kill and it resumes from its last checkpoint.
struct ImportCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Argument(name: "file", help: "The export: CSV, JSON, JSON Lines or XML.")
        var file: String
        @Option(name: "tenant", help: "Tenant id or slug.")
        var tenant: String?
        @Option(name: "format", help: "csv, json, jsonl or xml (default: detected).")
        var format: String?
        @Option(name: "object", help: "tickets, contacts, organizations or conversations (default: detected).")
        var object: String?
        @Option(name: "mapping", help: "A JSON file {\"entries\": [{\"field\": …, \"source\": …}], \"custom_columns\": {…}} (default: the proposal).")
        var mapping: String?
        @Option(name: "policy", help: "What to do with records that exist: skip, update (default) or merge.")
        var policy: String?
        @Option(name: "country", help: "ISO country of phone numbers without an international prefix.")
        var country: String?
        @Option(name: "time-zone", help: "IANA zone of timestamps without an offset (default UTC).")
        var timeZone: String?
        @Option(name: "batch", help: "Records per transaction (default 2000).")
        var batch: Int?
        @Flag(name: "dry-run", help: "Map, validate and check duplicates, then roll everything back.")
        var dryRun: Bool
    }

    var help: String { "Imports an export of another helpdesk into a tenant (resumable; --dry-run writes nothing)." }

    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    func run(using context: CommandContext, signature: Signature) async throws {
        do {
            try await importFile(context, signature)
        } catch let failure as Failure {
            context.console.error(failure.description)
            throw ExitCode.failure
        }
    }

    func importFile(_ context: CommandContext, _ signature: Signature) async throws {
        let app = context.application
        let console = context.console
        let path = URL(fileURLWithPath: signature.file).standardizedFileURL.path
        guard let attributes = try? FileManager.default.attributesOfItem(atPath: path), let size = (attributes[.size] as? NSNumber)?.int64Value else {
            throw Failure(description: "Cannot read \(signature.file).")
        }
        guard let rawTenant = signature.tenant, !rawTenant.isEmpty else { throw Failure(description: "--tenant is required: a tenant id or slug.") }
        guard let tenant = try await TenantRepository(db: app.db).find(idOrSlug: rawTenant) else {
            throw Failure(description: "No tenant has the id or slug \(rawTenant).")
        }
        let tenantID = try tenant.requireID()
        let scope = TenantScope(tenantID: tenantID)

        // What the file is.
        var detection: ImportDetection
        do { detection = try ImportRun.detect(path: path) } catch let refusal as ImportSniffer.Refusal {
            throw Failure(description: refusal.description)
        }
        if let format = signature.format {
            guard let chosen = ImportDetection.Format(rawValue: format) else { throw Failure(description: "--format must be csv, json, jsonl or xml.") }
            detection.format = chosen
        }
        let object: ImportObject
        if let raw = signature.object {
            guard let chosen = ImportObject(rawValue: raw) else { throw Failure(description: "--object must be tickets, contacts, organizations or conversations.") }
            object = chosen
        } else {
            object = ImportObject(detection.object) ?? .tickets
        }
        let (paths, _) = try ImportRun.samplePaths(path: path, detection: detection)
        var mapping = ImportMappingProposer.propose(object: object, source: detection.source, paths: paths)
        if let file = signature.mapping {
            guard let data = FileManager.default.contents(atPath: file),
                  let request = try? JSONDecoder.snakeCase.decode(ImportsController.MappingRequest.self, from: data) else {
                throw Failure(description: "--mapping must be a JSON file like {\"entries\": [{\"field\": \"subject\", \"source\": \"Subject\"}]}.")
            }
            mapping = ImportMapping(object: request.object ?? object, entries: request.entries.map { .init(field: $0.field, source: $0.source, confidence: 1) },
                                    customColumns: request.customColumns ?? [:])
        }
        var options = ImportOptions(defaultCountry: signature.country?.uppercased(), timeZone: signature.timeZone)
        if let raw = signature.policy {
            guard let policy = DuplicatePolicy(rawValue: raw) else { throw Failure(description: "--policy must be skip, update or merge.") }
            options.policy = policy
        }
        let problems = mapping.problems(available: paths) + options.problems()
        console.print("\(signature.file): \(detection.format.rawValue.uppercased()) from \(detection.source.rawValue), \(object.rawValue), \(detection.encoding.name), \(Self.bytes(size))")
        console.print("Mapping: " + mapping.entries.map { "\($0.field) ← \($0.source)" }.joined(separator: ", "))
        if !problems.isEmpty {
            throw Failure(description: problems.map { "\($0.field): \($0.message)" }.joined(separator: "\n") + "\nGive a mapping with --mapping FILE.")
        }

        // A kill or crash leaves an unfinished import of the same file: go on with it.
        let sha = try await Self.sha256(path: path, size: size, console: console)
        let mappingJSON = String(decoding: try JSONEncoder().encode(mapping), as: UTF8.self)
        let optionsJSON = String(decoding: try JSONEncoder().encode(options), as: UTF8.self)
        var importID = TimeOrderedID.make()
        var checkpoint = ImportCheckpoint()
        if !signature.dryRun {
            let store = ImportStore(db: app.db)
            if let unfinished = try await store.unfinishedCommandImport(scope, sha256: sha, storagePath: path),
               let loaded = try await ImportJob.load(unfinished, tenantID: tenantID, on: app.db) {
                importID = loaded.0.importID
                checkpoint = loaded.1
                console.print("Resuming the unfinished import \(importID) after record \(checkpoint.rows).")
            } else {
                let fileName = URL(fileURLWithPath: path).lastPathComponent
                let fields = String(decoding: try JSONEncoder().encode(Array(detection.fields.prefix(500))), as: UTF8.self)
                let new = NewImport(
                    id: importID, fileName: String(fileName.prefix(255)), byteSize: size, sha256: sha, storagePath: path,
                    format: detection.format.rawValue, source: detection.source.rawValue, object: object.rawValue,
                    encoding: detection.encoding.rawValue, fields: fields, state: "running", createdBy: AuditLog.platformTenantID,
                    mapping: mappingJSON, options: optionsJSON, startedAt: Date())
                try await app.writer.atomically { db in
                    try await ImportStore(db: db).create(scope, new, now: new.startedAt ?? Date())
                    try await AuditLog.record(on: db, tenantID: tenantID, actor: "cli", actorUserID: nil, action: "import.started",
                                              target: "import:\(new.id)", change: .init(after: ["file_name": fileName, "bytes": String(size)]),
                                              requestID: nil)
                }
            }
        }

        let plan = ImportPlan(importID: importID, tenantID: tenantID, path: path, byteSize: size, detection: detection,
                              mapping: mapping, options: options)
        var run = ImportRun(plan: plan, writer: app.writer, fileIO: NonBlockingFileIO(threadPool: app.threadPool))
        run.dryRun = signature.dryRun
        run.batchRows = max(1, min(signature.batch ?? 2_000, 50_000))
        let bar = ProgressBar(console: console, total: size, startRows: checkpoint.rows, startBytes: checkpoint.offset)
        let started = ContinuousClock.now
        let final: ImportCheckpoint
        do {
            final = try await run.run(from: checkpoint, progress: { report in
                bar.update(rows: report.checkpoint.rows, bytes: report.checkpoint.offset, force: report.finished)
            })
        } catch let failure as ImportReadFailure {
            bar.finish()
            if !signature.dryRun { try await ImportJob.finish(importID, state: "failed", message: failure.description, in: scope, on: app) }
            throw Failure(description: "The import stopped: \(failure.description)")
        }
        bar.finish()
        let seconds = max(0.001, Double((ContinuousClock.now - started).components.attoseconds) / 1e18 + Double((ContinuousClock.now - started).components.seconds))
        let rows = final.rows - checkpoint.rows
        if !signature.dryRun {
            try await ImportJob.finish(importID, state: "completed", message: "Imported \(final.rows) records: \(final.counts.summary).", in: scope, on: app)
        }
        console.print("")
        console.print(signature.dryRun ? "Dry run: nothing was written." : "Import \(importID) completed.")
        console.print("\(final.rows) records read, \(rows) in this run, in \(String(format: "%.1f", seconds)) s (\(Int(Double(rows) / seconds)) rows/s).")
        for (object, verdicts) in final.counts.objects.sorted(by: { $0.key < $1.key }) {
            let text = RowVerdict.allCases.compactMap { verdict in verdicts[verdict.rawValue].map { "\($0) \(verdict.rawValue)" } }
            console.print("  \(object): \(text.joined(separator: ", "))")
        }
        if final.errors > 0 && !signature.dryRun {
            console.print("\(final.errors) rows were rejected or skipped; the report: GET /api/v1/imports/\(importID.uuidString.lowercased())/errors.csv")
        }
    }

    static func bytes(_ size: Int64) -> String {
        size >= 1 << 20 ? String(format: "%.1f MB", Double(size) / 1_048_576) : size >= 1024 ? "\(size / 1024) KB" : "\(size) bytes"
    }

    static func sha256(path: String, size: Int64, console: any Console) async throws -> String {
        guard let handle = FileHandle(forReadingAtPath: path) else { throw Failure(description: "Cannot read \(path).") }
        defer { try? handle.close() }
        var digest = SHA256()
        while let data = try handle.read(upToCount: 4 << 20), !data.isEmpty { digest.update(data: data) }
        return digest.finalize().map { String(format: "%02x", $0) }.joined()
    }
}

/// A one-line progress bar on the terminal: percent of the file, rows, rows/s and ETA.
final class ProgressBar: @unchecked Sendable {
    let console: any Console
    let total: Int64
    let startRows: Int
    let startBytes: Int64
    let started = ContinuousClock.now
    private var last = ContinuousClock.now - .seconds(1)
    private let lock = NSLock()
    private let isTerminal = isatty(STDOUT_FILENO) != 0

    init(console: any Console, total: Int64, startRows: Int, startBytes: Int64) {
        self.console = console
        self.total = total
        self.startRows = startRows
        self.startBytes = startBytes
    }

    func update(rows: Int, bytes: Int64, force: Bool = false) {
        lock.lock()
        defer { lock.unlock() }
        let now = ContinuousClock.now
        guard force || now - last >= .milliseconds(isTerminal ? 100 : 2_000) else { return }
        last = now
        let elapsed = max(0.001, Double((now - started).components.seconds) + Double((now - started).components.attoseconds) / 1e18)
        let rate = Double(rows - startRows) / elapsed
        let fraction = total > 0 ? min(1, Double(bytes) / Double(total)) : 1
        let bytesRate = Double(bytes - startBytes) / elapsed
        let eta = bytesRate > 0 ? Int(Double(total - bytes) / bytesRate) : 0
        let width = 30
        let filled = Int(fraction * Double(width))
        let line = "[\(String(repeating: "#", count: filled))\(String(repeating: ".", count: width - filled))] "
            + "\(Int(fraction * 100))%  \(rows) rows  \(Int(rate)) rows/s  ETA \(eta / 60):\(String(format: "%02d", eta % 60))"
        if isTerminal {
            console.output(ConsoleText(stringLiteral: "\r" + line), newLine: false)
        } else {
            console.print(line)
        }
    }

    func finish() {
        if isTerminal { console.print("") }
    }
}

extension JSONDecoder {
    static var snakeCase: JSONDecoder {
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        return decoder
    }
}
