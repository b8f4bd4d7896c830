import Crypto
import Fluent
import Foundation
import NIOCore
import NIOPosix
import OnrampDomain
import NIOConcurrencyHelpers
import Vapor

/// Uploading an export from another helpdesk: `createImport` streams the body to the file
/// store (never holding the file in memory, stopping at `ONRAMP_IMPORT_MAX_BYTES`), detects
/// its format, source system and objects, and records it; `listImports` and `getImport` show
/// a tenant's imports.
struct ImportsController {
    struct ImportResponse: Content {
        let id: UUID
        let fileName: String
        let byteSize: Int64
        let sha256: String
        let format: String
        let source: String
        let object: String
        let encoding: String
        let fields: [String]
        let state: String
        let createdAt: Date
        let mapped: Bool
        let options: ImportOptions
        let progress: Progress
        let counts: [String: [String: Int]]
        let summary: String
        let errorCount: Int
        let jobId: UUID?
        let message: String?
        let startedAt: Date?
        let finishedAt: Date?
    }

    struct Progress: Content {
        let rowsDone: Int
        let bytesDone: Int64
        let bytesTotal: Int64
        let percent: Int
    }

    struct ImportPage: Content {
        let items: [ImportResponse]
    }

    static let mediaTypes = ["multipart/form-data", "text/csv", "text/tab-separated-values", "application/json", "application/x-ndjson",
                             "application/xml", "text/xml", "text/plain", "application/octet-stream"]

    func register(on routes: any RoutesBuilder, registry: APIOperationRegistry) {
        let importID = APIOperation.Parameter(name: "importId", location: .path, description: "The import's id.", schema: Schemas.uuid)
        let one = APIOperation.Response(status: 200, description: "The import.", schema: Schemas.ref(ImportsController.ImportResponse.self))
        routes.register(.init(
            id: "createImport", method: .POST, path: "/api/v1/imports", tag: "Imports",
            summary: "Upload an export (CSV, JSON, JSON Lines or XML; Zendesk, Freshdesk, Help Scout or generic) as the raw body",
            parameters: [.init(name: "file_name", location: .query, description: "The file's name, shown in the list (default: upload).",
                               schema: Schema.string(maxLength: 255), required: false)],
            responses: [.init(status: 201, description: "The upload, with what was detected.", schema: Schemas.ref(ImportsController.ImportResponse.self))],
            uploadMediaTypes: Self.mediaTypes
        ), in: registry, use: create)
        routes.register(.init(
            id: "listImports", method: .GET, path: "/api/v1/imports", tag: "Imports",
            summary: "The tenant's imports, newest first",
            responses: [.init(status: 200, description: "The imports.", schema: Schemas.ref(ImportsController.ImportPage.self))]
        ), in: registry, use: list)
        routes.register(.init(
            id: "getImport", method: .GET, path: "/api/v1/imports/{importId}", tag: "Imports",
            summary: "One import, with its progress and counts", parameters: [importID], responses: [one]
        ), in: registry, use: get)
        routes.register(.init(
            id: "getImportMapping", method: .GET, path: "/api/v1/imports/{importId}/mapping", tag: "Imports",
            summary: "The field mapping: the saved one, or a proposal with a confidence per field",
            parameters: [importID, .init(name: "object", location: .query,
                                         description: "Propose for this object instead of the detected one (tickets, contacts, organizations, conversations).",
                                         schema: Schema.string(enumeration: ImportObject.allCases.map(\.rawValue)), required: false)],
            responses: [.init(status: 200, description: "The mapping, the file's fields and Onramp's fields.", schema: Schemas.ref(ImportsController.MappingResponse.self))]
        ), in: registry, use: mapping)
        routes.register(.init(
            id: "updateImportMapping", method: .PUT, path: "/api/v1/imports/{importId}/mapping", tag: "Imports",
            summary: "Saves the field mapping and the import's options (duplicate policy, default country, time zone)",
            parameters: [importID], requestBody: Schemas.ref(ImportsController.MappingRequest.self),
            responses: [.init(status: 200, description: "The saved mapping.", schema: Schemas.ref(ImportsController.MappingResponse.self))],
            problems: [409, 422]
        ), in: registry, use: updateMapping)
        routes.register(.init(
            id: "previewImport", method: .POST, path: "/api/v1/imports/{importId}/preview", tag: "Imports",
            summary: "The first records mapped, each with its verdict (create, update, skip, reject) and reasons; nothing is written",
            parameters: [importID, .init(name: "limit", location: .query, description: "How many records (1–100, default 20).",
                                         schema: Schema.integer(minimum: 1, maximum: 100), required: false)],
            responses: [.init(status: 200, description: "The preview.", schema: Schemas.ref(ImportsController.PreviewResponse.self))],
            problems: [409, 422]
        ), in: registry, use: preview)
        routes.register(.init(
            id: "startImport", method: .POST, path: "/api/v1/imports/{importId}/start", tag: "Imports",
            summary: "Starts the import as a background job (progress in getImport)",
            parameters: [importID],
            responses: [.init(status: 202, description: "The import, queued.", schema: Schemas.ref(ImportsController.ImportResponse.self))],
            problems: [409, 422]
        ), in: registry, use: start)
        routes.register(.init(
            id: "cancelImport", method: .POST, path: "/api/v1/imports/{importId}/cancel", tag: "Imports",
            summary: "Cancels a queued or running import; batches already written stay",
            parameters: [importID],
            responses: [.init(status: 202, description: "The import; a running one stops after its current batch.", schema: Schemas.ref(ImportsController.ImportResponse.self))],
            problems: [409]
        ), in: registry, use: cancel)
        routes.register(.init(
            id: "downloadImportErrors", method: .GET, path: "/api/v1/imports/{importId}/errors.csv", tag: "Imports",
            summary: "The error report: every rejected or skipped row with its number, reason and original values (CSV)",
            parameters: [importID],
            responses: [.init(status: 200, description: "CSV (RFC 4180; cells that a spreadsheet would run as formulas are neutralised).",
                              schema: Schema.string(), mediaType: "text/csv")]
        ), in: registry, use: errors)
    }

    struct Query: Decodable {
        var fileName: String?
        enum CodingKeys: String, CodingKey { case fileName = "file_name" }
    }

    @Sendable func create(_ req: Request) async throws -> Response {
        let (scope, principal) = try req.requireTenant(.onboardingManage)
        let name = (try? req.query.decode(Query.self).fileName)?.trimmingCharacters(in: .whitespacesAndNewlines)
        let limit = req.onramp.settings.importMaxBytes
        // A multipart form (a browser's file input) carries the file in its part named `file`;
        // any other body is the file itself.
        var multipart: MultipartReader?
        if let type = req.headers.contentType, type.type == "multipart", type.subType == "form-data" {
            guard let boundary = type.parameters["boundary"], let reader = MultipartReader(boundary: boundary) else {
                throw Problem(.malformedRequest, "The multipart body has no usable boundary in its Content-Type.")
            }
            multipart = reader
        } else if let declared = req.headers.first(name: .contentLength).flatMap(Int.init), declared > limit {
            throw Problem(.payloadTooLarge, "The file is \(declared) bytes; imports accept at most \(limit) bytes.")
        }
        let id = TimeOrderedID.make()
        let directory = URL(fileURLWithPath: req.onramp.settings.dataDirectory)
            .appendingPathComponent("files/imports/\(scope.tenantID.uuidString.lowercased())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let path = directory.appendingPathComponent("\(id.uuidString.lowercased()).upload").path
        let fileio = NonBlockingFileIO(threadPool: req.application.threadPool)

        // Stream to disk, keeping only the first 64 KB (for detection) and a running digest.
        var sample: [UInt8] = []
        var digest = SHA256()
        var size = 0
        do {
            try await fileio.withFileHandle(_deprecatedPath: path, mode: .write,
                                            flags: .allowFileCreation(posixMode: 0o600)) { handle in
                for try await received in req.body {
                    var chunk = received
                    if multipart != nil {
                        do {
                            let bytes = try received.withUnsafeReadableBytes { try multipart!.feed($0) }
                            if bytes.isEmpty { continue }
                            chunk = ByteBuffer(bytes: bytes)
                        } catch let failure as MultipartReader.Failure {
                            throw Problem(.malformedRequest, "The form cannot be read: \(failure.description)")
                        }
                    }
                    size += chunk.readableBytes
                    if size > limit {
                        throw Problem(.payloadTooLarge, "The file is larger than \(limit) bytes, the most an import accepts.")
                    }
                    if sample.count < 65_536, let bytes = chunk.getBytes(at: chunk.readerIndex, length: min(chunk.readableBytes, 65_536 - sample.count)) {
                        sample += bytes
                    }
                    chunk.withUnsafeReadableBytes { digest.update(bufferPointer: $0) }
                    try await fileio.write(fileHandle: handle, buffer: chunk)
                }
            }
            if let multipart {
                do { try multipart.finish() } catch {
                    throw Problem(.malformedRequest, "The form cannot be read: \(error.description)")
                }
            }
            if let multipart, !multipart.foundFile {
                throw Problem.validation(ValidationFailure([FieldError(field: "file", message: "The form has no part named “file” with the export in it.", code: "required")]))
            }
        } catch {
            try? FileManager.default.removeItem(atPath: path)
            throw error
        }
        let chosenName = name?.isEmpty == false ? name : multipart?.fileName
        let fileName = String((chosenName?.isEmpty == false ? chosenName! : "upload").filter { !$0.isNewline && $0 != "\0" }.prefix(255))
        let detection: ImportDetection
        do {
            detection = try ImportSniffer.sniff(sample)
        } catch let refusal as ImportSniffer.Refusal {
            try? FileManager.default.removeItem(atPath: path)
            throw Problem.validation(ValidationFailure([FieldError(field: "file", message: refusal.description, code: "unsupported_file")]))
        }
        let sha = digest.finalize().map { String(format: "%02x", $0) }.joined()
        let fields = String(decoding: try JSONEncoder().encode(Array(detection.fields.prefix(500))), as: UTF8.self)
        let requestID = req.requestID
        let now = Date()
        let byteSize = size
        do {
            try await req.writer.atomically { db in
                try await ImportStore(db: db).create(scope, NewImport(
                    id: id, fileName: fileName, byteSize: Int64(byteSize), sha256: sha, storagePath: path,
                    format: detection.format.rawValue, source: detection.source.rawValue, object: detection.object.rawValue,
                    encoding: detection.encoding.rawValue, fields: fields, state: "uploaded", createdBy: principal.userID), now: now)
                try await AuditLog.record(on: db, tenantID: scope.tenantID, actor: principal.actorLabel, actorUserID: principal.userID,
                                          action: "import.uploaded", target: "import:\(id)",
                                          change: .init(after: ["file_name": fileName, "bytes": String(byteSize),
                                                                "format": detection.format.rawValue, "source": detection.source.rawValue]),
                                          requestID: requestID)
            }
        } catch {
            try? FileManager.default.removeItem(atPath: path)
            throw error
        }
        guard let created = try await Self.find(id, in: scope, on: req.db) else { throw Problem.notFound("That import") }
        return try await created.encodeResponse(status: .created, for: req)
    }

    static func response(_ row: ImportRow) -> ImportResponse {
        let size = row.byteSize
        let offset = row.checkpointOffset
        let state = row.state
        let counts = ImportCounts.parse(row.counts)
        let options = row.options.flatMap { try? JSONDecoder().decode(ImportOptions.self, from: Data($0.utf8)) } ?? ImportOptions()
        return ImportResponse(
            id: row.id, fileName: row.fileName, byteSize: row.byteSize, sha256: row.sha256,
            format: row.format, source: row.source, object: row.object, encoding: row.encoding,
            fields: (try? JSONDecoder().decode([String].self, from: Data(row.fields.utf8))) ?? [],
            state: state, createdAt: row.createdAt, mapped: row.mapping != nil, options: options,
            progress: Progress(rowsDone: row.checkpointRows, bytesDone: offset, bytesTotal: size,
                               percent: state == "completed" ? 100 : size > 0 ? Int(min(99, offset * 100 / size)) : 0),
            counts: counts.objects, summary: counts.summary, errorCount: row.errorCount,
            jobId: row.jobId, message: row.message, startedAt: row.startedAt, finishedAt: row.finishedAt)
    }

    static func find(_ id: UUID, in scope: TenantScope, on db: any Database) async throws -> ImportResponse? {
        try await ImportStore(db: db).find(scope, id).map(response)
    }

    @Sendable func list(_ req: Request) async throws -> ImportPage {
        let (scope, _) = try req.requireTenant(.onboardingRead)
        return ImportPage(items: try await ImportStore(db: req.db).list(scope).map(Self.response))
    }

    @Sendable func get(_ req: Request) async throws -> ImportResponse {
        let (scope, _) = try req.requireTenant(.onboardingRead)
        return try await Self.require(req, in: scope)
    }

    static func require(_ req: Request, in scope: TenantScope) async throws -> ImportResponse {
        guard let raw = req.parameters.get("importId"), let id = UUID(uuidString: raw),
              let found = try await find(id, in: scope, on: req.db) else { throw Problem.notFound("That import") }
        return found
    }

    // MARK: Mapping

    struct MappingResponse: Content {
        struct Field: Content {
            let key: String
            let label: String
            let kind: String
            let required: Bool
        }
        let object: ImportObject
        let entries: [ImportMapping.Entry]
        let customColumns: [String: String]
        let options: ImportOptions
        let saved: Bool
        /// The file's fields (dotted paths into its records).
        let sourceFields: [String]
        let targetFields: [Field]
    }

    struct MappingRequest: Content {
        struct Entry: Content {
            var field: String
            var source: String
        }
        var object: ImportObject?
        var entries: [Entry]
        var customColumns: [String: String]?
        var options: ImportOptions?
    }

    /// The stored row of an import, with what the runner needs.
    struct Stored {
        let response: ImportResponse
        let path: String
        let mapping: ImportMapping?
    }

    static func stored(_ req: Request, in scope: TenantScope, on db: (any Database)? = nil) async throws -> Stored {
        guard let raw = req.parameters.get("importId"), let id = UUID(uuidString: raw),
              let row = try await ImportStore(db: db ?? req.db).find(scope, id) else { throw Problem.notFound("That import") }
        let mapping = row.mapping.flatMap { try? JSONDecoder().decode(ImportMapping.self, from: Data($0.utf8)) }
        return Stored(response: response(row), path: row.storagePath, mapping: mapping)
    }

    /// The object a file holds: the detected one, or tickets when detection could not tell.
    static func object(of stored: Stored) -> ImportObject {
        ImportDetection.Object(rawValue: stored.response.object).flatMap(ImportObject.init) ?? .tickets
    }

    static func sample(_ stored: Stored) throws -> (detection: ImportDetection, paths: [String], records: [ImportRecord]) {
        do {
            let detection = try ImportRun.detect(path: stored.path)
            let (paths, records) = try ImportRun.samplePaths(path: stored.path, detection: detection)
            return (detection, paths, records)
        } catch let failure as ImportReadFailure {
            throw Problem(.validationFailed, failure.description)
        } catch let refusal as ImportSniffer.Refusal {
            throw Problem(.validationFailed, refusal.description)
        }
    }

    static func mappingResponse(_ stored: Stored, mapping: ImportMapping?, paths: [String], source: ImportDetection.Source,
                                saved: Bool? = nil) -> MappingResponse {
        let chosen = mapping ?? ImportMappingProposer.propose(object: object(of: stored), source: source, paths: paths)
        return MappingResponse(
            object: chosen.object, entries: chosen.entries, customColumns: chosen.customColumns, options: stored.response.options,
            saved: saved ?? (mapping != nil), sourceFields: paths,
            targetFields: ImportField.fields(of: chosen.object).map { .init(key: $0.key, label: $0.label, kind: $0.kind.rawValue, required: $0.required) })
    }

    @Sendable func mapping(_ req: Request) async throws -> MappingResponse {
        let (scope, _) = try req.requireTenant(.onboardingRead)
        let stored = try await Self.stored(req, in: scope)
        let (detection, paths, _) = try Self.sample(stored)
        // Another object than the file's: the proposal for that object (the saved mapping when it is for it).
        if let raw = try? req.query.get(String.self, at: "object") {
            guard let object = ImportObject(rawValue: raw) else {
                throw Problem.validation(ValidationFailure([FieldError(field: "object", message: "Choose tickets, contacts, organizations or conversations.", code: "invalid")]))
            }
            let saved = stored.mapping?.object == object ? stored.mapping : nil
            return Self.mappingResponse(stored, mapping: saved ?? ImportMappingProposer.propose(object: object, source: detection.source, paths: paths),
                                        paths: paths, source: detection.source, saved: saved != nil)
        }
        return Self.mappingResponse(stored, mapping: stored.mapping, paths: paths, source: detection.source)
    }

    static let editableStates: Set<String> = ["uploaded", "failed", "cancelled", "completed"]

    @Sendable func updateMapping(_ req: Request) async throws -> MappingResponse {
        let (scope, principal) = try req.requireTenant(.onboardingManage)
        let stored = try await Self.stored(req, in: scope)
        let body = try req.decodeJSON(MappingRequest.self)
        guard Self.editableStates.contains(stored.response.state) else {
            throw Problem(.conflict, "The import is \(stored.response.state); its mapping can change once it has finished or been cancelled.")
        }
        let (detection, paths, _) = try Self.sample(stored)
        let object = body.object ?? stored.mapping?.object ?? Self.object(of: stored)
        let mapping = ImportMapping(object: object, entries: body.entries.map { .init(field: $0.field, source: $0.source, confidence: 1) },
                                    customColumns: body.customColumns ?? [:])
        let options = body.options ?? stored.response.options
        var problems = mapping.problems(available: paths) + options.problems().map {
            FieldError(field: "options.\($0.field)", message: $0.message, code: $0.code)
        }
        if body.entries.count > 100 || (body.customColumns?.count ?? 0) > 200 {
            problems.append(FieldError(field: "entries", message: "A mapping has at most 100 fields and 200 custom columns.", code: "too_long"))
        }
        if !problems.isEmpty { throw Problem.validation(ValidationFailure(problems)) }
        let mappingJSON = String(decoding: try JSONEncoder().encode(mapping), as: UTF8.self)
        let optionsJSON = String(decoding: try JSONEncoder().encode(options), as: UTF8.self)
        let id = stored.response.id
        let requestID = req.requestID
        try await req.writer.atomically { db in
            try await ImportStore(db: db).saveMapping(scope, id, mapping: mappingJSON, options: optionsJSON, object: object.rawValue)
            try await AuditLog.record(on: db, tenantID: scope.tenantID, actor: principal.actorLabel, actorUserID: principal.userID,
                                      action: "import.mapping_updated", target: "import:\(id)",
                                      change: .init(after: ["object": object.rawValue, "fields": String(mapping.entries.count),
                                                            "policy": options.policy.rawValue]),
                                      requestID: requestID)
        }
        let saved = try await Self.stored(req, in: scope, on: req.db)
        return Self.mappingResponse(saved, mapping: mapping, paths: paths, source: detection.source)
    }

    /// The saved mapping, or the proposal when it is complete enough to run.
    static func plan(_ stored: Stored, tenantID: UUID) throws -> ImportPlan {
        let (detection, paths, _) = try sample(stored)
        let mapping = stored.mapping ?? ImportMappingProposer.propose(object: object(of: stored), source: detection.source, paths: paths)
        let problems = mapping.problems(available: paths)
        if !problems.isEmpty {
            throw Problem.validation(ValidationFailure(problems.map {
                FieldError(field: "mapping.\($0.field)", message: $0.message + " Save a mapping first (updateImportMapping).", code: $0.code)
            }))
        }
        return ImportPlan(importID: stored.response.id, tenantID: tenantID, path: stored.path, byteSize: stored.response.byteSize,
                          detection: detection, mapping: mapping, options: stored.response.options)
    }

    // MARK: Preview

    struct PreviewRow: Content {
        let row: Int
        let line: Int?
        let object: String
        let verdict: String
        let reasons: [String]
        let values: [String: String]
    }

    struct PreviewResponse: Content {
        let rows: [PreviewRow]
        let counts: [String: [String: Int]]
        let estimatedRecords: Int
        let bytesRead: Int64
    }

    @Sendable func preview(_ req: Request) async throws -> PreviewResponse {
        let (scope, _) = try req.requireTenant(.onboardingManage)
        let limit = min(100, max(1, (try? req.query.get(Int.self, at: "limit")) ?? 20))
        let stored = try await Self.stored(req, in: scope)
        let plan = try Self.plan(stored, tenantID: scope.tenantID)
        let collected = NIOLockedValueBox<[PreviewRow]>([])
        var run = ImportRun(plan: plan, writer: req.writer, fileIO: NonBlockingFileIO(threadPool: req.application.threadPool))
        run.dryRun = true
        run.batchRows = limit
        let fields = ImportField.fields(of: plan.mapping.object)
        let checkpoint: ImportCheckpoint
        do {
            checkpoint = try await run.run(from: ImportCheckpoint(), limit: limit, outcomes: { outcomes, records, mapped in
                let byNumber = Dictionary(mapped.map { ($0.number, $0) }, uniquingKeysWith: { first, _ in first })
                let lines = Dictionary(records.map { ($0.number, $0.line) }, uniquingKeysWith: { first, _ in first })
                let rows = outcomes.map { outcome in
                    PreviewRow(row: outcome.number, line: lines[outcome.number] ?? nil, object: outcome.object, verdict: outcome.verdict.rawValue,
                               reasons: byNumber[outcome.number].map { $0.reasons.isEmpty ? (outcome.reason.map { [$0] } ?? []) : $0.reasons } ?? [],
                               values: byNumber[outcome.number]?.record.map { Self.values($0, fields: fields) } ?? [:])
                }
                collected.withLockedValue { $0 += rows }
            })
        } catch let failure as ImportReadFailure {
            throw Problem(.validationFailed, failure.description)
        }
        let records = checkpoint.rows
        let estimate = checkpoint.offset > 0 ? Int(Double(records) * Double(plan.byteSize) / Double(checkpoint.offset)) : records
        return PreviewResponse(rows: collected.withLockedValue { $0 }, counts: checkpoint.counts.objects,
                               estimatedRecords: max(records, estimate), bytesRead: checkpoint.offset)
    }

    /// A mapped record's values as text, by Onramp field key (for the preview table).
    static func values(_ record: ImportedRecord, fields: [ImportField]) -> [String: String] {
        let iso = ISO8601DateFormatter()
        func date(_ value: Date?) -> String? { value.map { iso.string(from: $0) } }
        var values: [String: String?] = [:]
        switch record {
        case .ticket(let ticket):
            values = ["source_id": ticket.sourceID, "subject": ticket.subject, "description": ticket.description.map { String($0.prefix(200)) },
                      "status": ticket.status, "priority": ticket.priority, "channel": ticket.channel, "type": ticket.type,
                      "requester_source_id": ticket.requester?.sourceID, "requester_email": ticket.requester?.email,
                      "requester_name": ticket.requester?.name, "requester_phone": ticket.requester?.phone,
                      "assignee_email": ticket.assigneeEmail, "group": ticket.group, "organization_source_id": ticket.organizationSourceID,
                      "tags": ticket.tags.joined(separator: ", "), "messages": ticket.messages.isEmpty ? nil : "\(ticket.messages.count)",
                      "custom_fields": ticket.customFields.isEmpty ? nil : "\(ticket.customFields.count)",
                      "created_at": date(ticket.createdAt), "updated_at": date(ticket.updatedAt)]
        case .contact(let contact):
            values = ["source_id": contact.sourceID, "name": contact.name, "email": contact.email, "phone": contact.phone,
                      "organization_source_id": contact.organizationSourceID, "organization_name": contact.organizationName,
                      "role": contact.role, "tags": contact.tags.joined(separator: ", "),
                      "created_at": date(contact.createdAt), "updated_at": date(contact.updatedAt)]
        case .organization(let organization):
            values = ["source_id": organization.sourceID, "name": organization.name, "domains": organization.domains.joined(separator: ", "),
                      "notes": organization.notes, "tags": organization.tags.joined(separator: ", "),
                      "created_at": date(organization.createdAt), "updated_at": date(organization.updatedAt)]
        case .message(let message):
            values = ["source_id": message.sourceID, "ticket_source_id": message.ticketSourceID, "body": String(message.body.prefix(200)),
                      "private": message.isPublic ? "no" : "yes", "author_source_id": message.authorSourceID,
                      "author_email": message.authorEmail, "created_at": date(message.createdAt)]
        }
        let keys = Set(fields.map(\.key))
        return values.compactMapValues { $0 }.filter { keys.contains($0.key) && !$0.value.isEmpty }
    }

    // MARK: Running

    @Sendable func start(_ req: Request) async throws -> Response {
        let (scope, principal) = try req.requireTenant(.onboardingManage)
        let stored = try await Self.stored(req, in: scope)
        guard Self.editableStates.contains(stored.response.state) else {
            throw Problem(.conflict, "The import is already \(stored.response.state).")
        }
        let plan = try Self.plan(stored, tenantID: scope.tenantID)
        let mappingJSON = String(decoding: try JSONEncoder().encode(plan.mapping), as: UTF8.self)
        let id = stored.response.id
        let requestID = req.requestID
        let restart = stored.response.state == "completed"
        try await req.writer.atomically { db in
            let jobID = try await JobQueue(db: db).enqueue(JobKinds.importRun, ImportJob.Payload(id), tenantID: scope.tenantID,
                                                           uniqueKey: "import:\(id)")
            // A finished import runs again from the start (a delta import); a cancelled or failed
            // one goes on from its checkpoint.
            try await ImportStore(db: db).queue(scope, id, jobID: jobID, mapping: mappingJSON, restart: restart)
            try await AuditLog.record(on: db, tenantID: scope.tenantID, actor: principal.actorLabel, actorUserID: principal.userID,
                                      action: "import.started", target: "import:\(id)",
                                      change: .init(after: ["job": jobID.uuidString, "policy": plan.options.policy.rawValue]),
                                      requestID: requestID)
        }
        req.application.jobRunner.wake()
        return try await Self.require(req, in: scope).encodeResponse(status: .accepted, for: req)
    }

    @Sendable func cancel(_ req: Request) async throws -> Response {
        let (scope, principal) = try req.requireTenant(.onboardingManage)
        let stored = try await Self.stored(req, in: scope)
        guard ["queued", "running"].contains(stored.response.state), let jobID = stored.response.jobId else {
            throw Problem(.conflict, "The import is \(stored.response.state); only a queued or running import can be cancelled.")
        }
        let id = stored.response.id
        let requestID = req.requestID
        try await req.writer.atomically { db in
            let outcome = try await JobQueue(db: db).cancel(scope, jobID)
            if case .cancelled? = outcome {
                try await ImportStore(db: db).cancelBeforeStart(scope, id)
            }
            try await AuditLog.record(on: db, tenantID: scope.tenantID, actor: principal.actorLabel, actorUserID: principal.userID,
                                      action: "import.cancelled", target: "import:\(id)", change: .init(after: [:]), requestID: requestID)
        }
        return try await Self.require(req, in: scope).encodeResponse(status: .accepted, for: req)
    }

    // MARK: Error report

    @Sendable func errors(_ req: Request) async throws -> Response {
        let (scope, _) = try req.requireTenant(.onboardingRead)
        let found = try await Self.require(req, in: scope)
        let store = ImportStore(db: req.db)
        let importID = found.id
        let name = found.fileName.replacingOccurrences(of: "\"", with: "").replacingOccurrences(of: "/", with: "_")
        let response = Response(status: .ok)
        response.headers.contentType = HTTPMediaType(type: "text", subType: "csv", parameters: ["charset": "utf-8"])
        response.headers.replaceOrAdd(name: .contentDisposition, value: "attachment; filename=\"\(name.isEmpty ? "import" : name)-errors.csv\"")
        response.body = Response.Body(asyncStream: { writer in
            do {
                try await writer.write(.buffer(ByteBuffer(string: CSVWriter.row(["row", "line", "verdict", "reason", "original values"]))))
                var after = 0
                while true {
                    let rows = try await store.errors(scope, importID: importID, after: after, limit: 1000)
                    if rows.isEmpty { break }
                    var text = ""
                    for row in rows {
                        after = row.rowNumber
                        text += CSVWriter.row([String(after), row.line.map(String.init) ?? "", row.verdict, row.reason, row.original])
                    }
                    try await writer.write(.buffer(ByteBuffer(string: text)))
                }
                try await writer.write(.end)
            } catch {
                try? await writer.write(.error(error))
            }
        })
        return response
    }
}

// MARK: - API schemas

extension ImportsController.ImportResponse: APISchema {
    static let schemaName = "Import"
    static var schema: JSONValue {
        Schema.object([
            "id": Schemas.uuid, "file_name": Schema.string(), "byte_size": Schema.integer(minimum: 0), "sha256": Schema.string(),
            "format": Schema.string(enumeration: ImportDetection.Format.allCases.map(\.rawValue)),
            "source": Schema.string(enumeration: ImportDetection.Source.allCases.map(\.rawValue)),
            "object": Schema.string(enumeration: ImportDetection.Object.allCases.map(\.rawValue)),
            "encoding": Schema.string(enumeration: ["utf8", "latin1"]),
            "fields": Schema.array(Schema.string()),
            "state": Schema.string(enumeration: ["uploaded", "queued", "running", "completed", "failed", "cancelled"]),
            "created_at": Schemas.dateTime, "mapped": Schema.boolean, "options": Schemas.ref(ImportOptions.self),
            "progress": Schema.object(["rows_done": Schema.integer(minimum: 0), "bytes_done": Schema.integer(minimum: 0),
                                       "bytes_total": Schema.integer(minimum: 0), "percent": Schema.integer(minimum: 0, maximum: 100)],
                                      required: ["rows_done", "bytes_done", "bytes_total", "percent"]),
            "counts": ["type": "object", "description": "Object (tickets, contacts, organizations, messages, invitations) → verdict → count.",
                       "additionalProperties": ["type": "object", "additionalProperties": Schema.integer(minimum: 0)]],
            "summary": Schema.string(), "error_count": Schema.integer(minimum: 0), "job_id": Schema.string(format: "uuid", nullable: true),
            "message": Schema.string(nullable: true), "started_at": Schemas.nullableDateTime, "finished_at": Schemas.nullableDateTime,
        ], required: ["id", "file_name", "byte_size", "sha256", "format", "source", "object", "encoding", "fields", "state", "created_at",
                      "mapped", "options", "progress", "counts", "summary", "error_count"])
    }
    /// A Zendesk ticket export, imported.
    static var example: Self {
        Self(id: APIExample.id("0193a3e1-2f3a-7b4c-9d5e-6f7a8b9c0d1e"), fileName: "zendesk-tickets-2026-02.json", byteSize: 4_812_331,
             sha256: "e3f1a9c7b5d3e1f9a7c5b3d1e9f7a5c3b1d9e7f5a3c1b9d7e5f3a1c9b7d5e3f1",
             format: "json", source: "zendesk", object: "tickets", encoding: "utf8",
             fields: ["id", "subject", "description", "status", "priority", "requester.email", "requester.name", "tags", "created_at"],
             state: "completed", createdAt: APIExample.date("2026-03-03T10:02:11Z"), mapped: true, options: .example,
             progress: .init(rowsDone: 1204, bytesDone: 4_812_331, bytesTotal: 4_812_331, percent: 100),
             counts: ["tickets": ["created": 1180, "duplicate": 21, "rejected": 3], "contacts": ["created": 812, "updated": 40]],
             summary: "contacts: 812 created, 40 updated; tickets: 1180 created, 21 skipped as duplicates, 3 rejected", errorCount: 3,
             jobId: APIExample.id("0193a3e1-3a4b-7c5d-8e6f-7a8b9c0d1e2f"), message: nil,
             startedAt: APIExample.date("2026-03-03T10:05:40Z"), finishedAt: APIExample.date("2026-03-03T10:07:02Z"))
    }
}

extension ImportsController.ImportPage: APISchema {
    static let schemaName = "ImportPage"
    static var schema: JSONValue {
        Schema.object(["items": Schema.array(Schemas.ref(ImportsController.ImportResponse.self))], required: ["items"])
    }
    static var example: Self { Self(items: [.example]) }
}

extension ImportOptions: APISchema {
    static let schemaName = "ImportOptions"
    static var schema: JSONValue {
        Schema.object([
            "policy": Schema.string(enumeration: DuplicatePolicy.allCases.map(\.rawValue)),
            "default_country": Schema.string("ISO 3166 country of phone numbers without an international prefix.", nullable: true),
            "time_zone": Schema.string("IANA time zone of timestamps without an offset (UTC when absent).", nullable: true),
        ], required: ["policy"])
    }
    static var example: Self { ImportOptions(policy: .update, defaultCountry: "SE", timeZone: "Europe/Stockholm") }
}

extension ImportMapping.Entry: APISchema {
    static let schemaName = "ImportMappingEntry"
    static var schema: JSONValue {
        Schema.object([
            "field": Schema.string("One of Onramp's fields (target_fields)."),
            "source": Schema.string("A field of the file (source_fields); several joined with ` + ` are concatenated."),
            "confidence": Schema.number,
        ], required: ["field", "source"])
    }
    static var example: Self { ImportMapping.Entry(field: "subject", source: "subject", confidence: 1) }
}

extension ImportsController.MappingResponse: APISchema {
    static let schemaName = "ImportMapping"
    static var schema: JSONValue {
        Schema.object([
            "object": Schema.string(enumeration: ImportObject.allCases.map(\.rawValue)),
            "entries": Schema.array(Schemas.ref(ImportMapping.Entry.self)),
            "custom_columns": ["type": "object", "additionalProperties": Schema.string()],
            "options": Schemas.ref(ImportOptions.self), "saved": Schema.boolean,
            "source_fields": Schema.array(Schema.string()),
            "target_fields": Schema.array(Schema.object(["key": Schema.string(), "label": Schema.string(), "kind": Schema.string(),
                                                         "required": Schema.boolean], required: ["key", "label", "kind", "required"])),
        ], required: ["object", "entries", "custom_columns", "options", "saved", "source_fields", "target_fields"])
    }
    static var example: Self {
        Self(object: .tickets,
             entries: [.example, .init(field: "source_id", source: "id", confidence: 1),
                       .init(field: "requester_email", source: "requester.email", confidence: 0.9)],
             customColumns: ["order_number": "custom_fields.order_number"], options: .example, saved: true,
             sourceFields: ["id", "subject", "description", "requester.email", "custom_fields.order_number"],
             targetFields: ImportField.fields(of: .tickets).map { .init(key: $0.key, label: $0.label, kind: $0.kind.rawValue, required: $0.required) })
    }
}

extension ImportsController.MappingRequest: APISchema {
    static let schemaName = "ImportMappingRequest"
    static var schema: JSONValue {
        Schema.object([
            "object": Schema.string(enumeration: ImportObject.allCases.map(\.rawValue)),
            "entries": Schema.array(Schemas.ref(ImportMapping.Entry.self)),
            "custom_columns": ["type": "object", "additionalProperties": Schema.string()],
            "options": Schemas.ref(ImportOptions.self),
        ], required: ["entries"])
    }
    static var example: Self {
        Self(object: .tickets,
             entries: [.init(field: "source_id", source: "id"), .init(field: "subject", source: "subject"),
                       .init(field: "requester_email", source: "requester.email")],
             customColumns: ["order_number": "custom_fields.order_number"], options: .example)
    }
}

extension ImportsController.PreviewResponse: APISchema {
    static let schemaName = "ImportPreview"
    static var schema: JSONValue {
        Schema.object([
            "rows": Schema.array(Schema.object([
                "row": Schema.integer(minimum: 1), "line": Schema.integer(minimum: 1),
                "object": Schema.string(), "verdict": Schema.string(enumeration: ["created", "updated", "unchanged", "duplicate", "rejected"]),
                "reasons": Schema.array(Schema.string()), "values": ["type": "object", "additionalProperties": Schema.string()],
            ], required: ["row", "object", "verdict", "reasons", "values"])),
            "counts": ["type": "object", "additionalProperties": ["type": "object", "additionalProperties": Schema.integer(minimum: 0)]],
            "estimated_records": Schema.integer(minimum: 0), "bytes_read": Schema.integer(minimum: 0),
        ], required: ["rows", "counts", "estimated_records", "bytes_read"])
    }
    static var example: Self {
        Self(rows: [
            .init(row: 1, line: nil, object: "tickets", verdict: "created", reasons: [],
                  values: ["source_id": "48213", "subject": "Tent pole snapped on first trip", "requester_email": "jonas.berg@example.se"]),
            .init(row: 2, line: nil, object: "tickets", verdict: "rejected", reasons: ["The subject is empty."],
                  values: ["source_id": "48214", "subject": "", "requester_email": "lina@example.se"]),
        ], counts: ["tickets": ["created": 1, "rejected": 1]], estimatedRecords: 1204, bytesRead: 8192)
    }
}
