import Crypto
import Foundation
import OnrampDomain
import Vapor

/// The files in `Resources/Public`, read once at start-up and served from memory under
/// `/static/…` with a content hash as ETag, so browsers and CDNs can cache them.
struct StaticAssets: Sendable {
    struct Asset: Sendable {
        let body: ByteBuffer
        let contentType: HTTPMediaType
        let etag: String
    }

    let assets: [String: Asset]

    static func load(from directory: String = AppResources.path("Public")) throws -> StaticAssets {
        var assets: [String: Asset] = [:]
        let manager = FileManager.default
        for name in try manager.contentsOfDirectory(atPath: directory).sorted() where !name.hasPrefix(".") {
            let data = try Data(contentsOf: URL(fileURLWithPath: directory).appendingPathComponent(name))
            let ext = (name as NSString).pathExtension
            assets[name] = Asset(
                body: ByteBuffer(data: data),
                contentType: HTTPMediaType.fileExtension(ext) ?? .binary,
                etag: "\"\(SHA256.hash(data: data).hexEncoded.prefix(16))\"")
        }
        return StaticAssets(assets: assets)
    }

    func register(on routes: any RoutesBuilder) {
        routes.get("static", ":file") { req -> Response in
            guard let name = req.parameters.get("file"), let asset = assets[name] else {
                throw Problem.notFound("That file")
            }
            var headers: HTTPHeaders = [
                "Cache-Control": "public, max-age=3600",
                "ETag": asset.etag,
            ]
            headers.contentType = asset.contentType
            if req.headers.first(name: .ifNoneMatch) == asset.etag {
                return Response(status: .notModified, headers: headers)
            }
            return Response(status: .ok, headers: headers, body: .init(buffer: asset.body))
        }
    }
}
