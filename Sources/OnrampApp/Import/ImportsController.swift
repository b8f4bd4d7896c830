import Crypto
import Fluent
import Foundation
import NIOCore
import NIOPosix
import OnrampDomain
import SQLKit
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
    }

    struct ImportPage: Content {
        let items: [ImportResponse]
    }

    static let mediaTypes = ["text/csv", "text/tab-separated-values", "application/json", "application/x-ndjson",
                             "application/xml", "text/xml", "text/plain", "application/octet-stream"]

    func register(on routes: any RoutesBuilder, registry: APIOperationRegistry) {
        let importID = APIOperation.Parameter(name: "importId", location: .path, description: "The import's id.", schema: Schemas.uuid)
        let one = APIOperation.Response(status: 200, description: "The import.", schema: Schemas.ref("Import"))
        routes.register(.init(
            id: "createImport", method: .POST, path: "/api/v1/imports", tag: "Imports",
            summary: "Upload an export (CSV, JSON, JSON Lines or XML; Zendesk, Freshdesk, Help Scout or generic) as the raw body",
            parameters: [.init(name: "file_name", location: .query, description: "The file's name, shown in the list (default: upload).",
                               schema: Schema.string(maxLength: 255), required: false)],
            responses: [.init(status: 201, description: "The upload, with what was detected.", schema: Schemas.ref("Import"))],
            uploadMediaTypes: Self.mediaTypes
        ), in: registry, use: create)
        routes.register(.init(
            id: "listImports", method: .GET, path: "/api/v1/imports", tag: "Imports",
            summary: "The tenant's imports, newest first",
            responses: [.init(status: 200, description: "The imports.", schema: Schemas.ref("ImportPage"))]
        ), in: registry, use: list)
        routes.register(.init(
            id: "getImport", method: .GET, path: "/api/v1/imports/{importId}", tag: "Imports",
            summary: "One import", parameters: [importID], responses: [one]
        ), in: registry, use: get)
    }

    struct Query: Decodable {
        var fileName: String?
        enum CodingKeys: String, CodingKey { case fileName = "file_name" }
    }

    @Sendable func create(_ req: Request) async throws -> Response {
        let (scope, principal) = try req.requireTenant(.onboardingManage)
        let name = (try? req.query.decode(Query.self).fileName)?.trimmingCharacters(in: .whitespacesAndNewlines)
        let fileName = String((name?.isEmpty == false ? name! : "upload").filter { !$0.isNewline && $0 != "\0" }.prefix(255))
        let limit = req.onramp.settings.importMaxBytes
        if let declared = req.headers.first(name: .contentLength).flatMap(Int.init), declared > limit {
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
                for try await chunk in req.body {
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
        } catch {
            try? FileManager.default.removeItem(atPath: path)
            throw error
        }
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
                try await db.sql.raw("""
                    INSERT INTO imports (id, tenant_id, file_name, byte_size, sha256, storage_path, format, source, object,
                                         encoding, fields, state, created_by, created_at, updated_at)
                    VALUES (\(bind: id), \(bind: scope.tenantID), \(bind: fileName), \(bind: Int64(byteSize)), \(bind: sha), \(bind: path),
                            \(bind: detection.format.rawValue), \(bind: detection.source.rawValue), \(bind: detection.object.rawValue),
                            \(bind: detection.encoding.rawValue), \(bind: fields), 'uploaded', \(bind: principal.userID), \(bind: now), \(bind: now))
                    """).run()
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

    static func response(_ row: any SQLRow) throws -> ImportResponse {
        let fields = try row.decode(column: "fields", as: String.self)
        return ImportResponse(
            id: try row.decode(column: "id", as: UUID.self), fileName: try row.decode(column: "file_name", as: String.self),
            byteSize: try row.decode(column: "byte_size", as: Int64.self), sha256: try row.decode(column: "sha256", as: String.self),
            format: try row.decode(column: "format", as: String.self), source: try row.decode(column: "source", as: String.self),
            object: try row.decode(column: "object", as: String.self), encoding: try row.decode(column: "encoding", as: String.self),
            fields: (try? JSONDecoder().decode([String].self, from: Data(fields.utf8))) ?? [],
            state: try row.decode(column: "state", as: String.self), createdAt: try row.decode(column: "created_at", as: Date.self))
    }

    static let columns = "id, file_name, byte_size, sha256, format, source, object, encoding, fields, state, created_at"

    static func find(_ id: UUID, in scope: TenantScope, on db: any Database) async throws -> ImportResponse? {
        try await db.sql.raw("""
            SELECT \(unsafeRaw: columns) FROM imports WHERE id = \(bind: id) AND tenant_id = \(bind: scope.tenantID)
            """).first().map(response)
    }

    @Sendable func list(_ req: Request) async throws -> ImportPage {
        let (scope, _) = try req.requireTenant(.onboardingRead)
        return ImportPage(items: try await req.db.sql.raw("""
            SELECT \(unsafeRaw: Self.columns) FROM imports WHERE tenant_id = \(bind: scope.tenantID) ORDER BY created_at DESC LIMIT 200
            """).all().map(Self.response))
    }

    @Sendable func get(_ req: Request) async throws -> ImportResponse {
        let (scope, _) = try req.requireTenant(.onboardingRead)
        guard let raw = req.parameters.get("importId"), let id = UUID(uuidString: raw),
              let found = try await Self.find(id, in: scope, on: req.db) else { throw Problem.notFound("That import") }
        return found
    }
}
