import Fluent
import Foundation
import OnrampDomain
import Vapor

/// WebSocket streams of onboarding progress: `streamOnboardingProgress` (a tenant's own
/// session, for open wizards) and `streamOperatorDashboard` (every tenant, for operators).
/// Each message is one JSON `OnboardingLiveEvent`. A browser connection is authenticated by
/// the session cookie and must come from a page of this server (`Origin` is checked, so
/// another site cannot open it with the visitor's cookie); API clients may use a bearer token.
struct LiveController {
    /// How long one stream lives before the client must reconnect (and authenticate again).
    static let maximumLifetime: Duration = .seconds(600)

    func register(on routes: any RoutesBuilder, registry: APIOperationRegistry) {
        let upgraded = APIOperation.Response(
            status: 101, description: "Switched to WebSocket; then one JSON `OnboardingLiveEvent` per message, "
                + "the current state first.", schema: Schemas.ref(OnboardingLiveEvent.self))
        routes.register(.init(
            id: "streamOnboardingProgress", method: .GET, path: "/api/v1/onboarding/live", tag: "Onboarding",
            summary: "Live onboarding progress of the tenant over a WebSocket",
            responses: [upgraded], problems: [426]
        ), in: registry, use: tenantStream)
        routes.register(.init(
            id: "streamOperatorDashboard", method: .GET, path: "/api/v1/operator/live", tag: "Operators",
            summary: "Live onboarding progress of every tenant over a WebSocket (platform operators only)",
            responses: [upgraded], problems: [426]
        ), in: registry, use: operatorStream)
        routes.register(.init(
            id: "streamImportProgress", method: .GET, path: "/api/v1/imports/live", tag: "Imports",
            summary: "Live progress of the tenant's imports over a WebSocket",
            responses: [.init(status: 101, description: "Switched to WebSocket; then one JSON `ImportLiveEvent` per committed batch "
                                + "and when an import ends.", schema: Schemas.ref(ImportLiveEvent.self))],
            problems: [426]
        ), in: registry, use: importStream)
    }

    @Sendable func importStream(_ req: Request) async throws -> Response {
        let (scope, principal) = try req.requireTenant(.onboardingRead)
        try Self.checkUpgrade(req, principal)
        return Self.upgrade(req, tenantID: scope.tenantID, kind: "import") { _ in nil }
    }

    @Sendable func tenantStream(_ req: Request) async throws -> Response {
        let (scope, principal) = try req.requireTenant(.onboardingRead)
        try Self.checkUpgrade(req, principal)
        return Self.upgrade(req, tenantID: scope.tenantID) { db in
            try await OnboardingRepository(db: db).find(in: scope).map { OnboardingLiveEvent(tenantID: scope.tenantID, session: $0) }
        }
    }

    @Sendable func operatorStream(_ req: Request) async throws -> Response {
        let principal = try req.requirePermission(.platformTenantsRead)
        try Self.checkUpgrade(req, principal)
        return Self.upgrade(req, tenantID: nil) { _ in nil }
    }

    /// Refuses plain HTTP (426) and cross-site browser connections (403).
    static func checkUpgrade(_ req: Request, _ principal: Principal) throws {
        let upgrade = req.headers.first(name: .upgrade)?.lowercased() ?? ""
        guard upgrade.contains("websocket") else {
            var problem = Problem(.upgradeRequired, "Connect to this address with a WebSocket client (Upgrade: websocket).")
            problem.headers.replaceOrAdd(name: .upgrade, value: "websocket")
            throw problem
        }
        let origin = req.headers.first(name: .origin)
        if case .session = principal.credential {
            guard let origin, isSameOrigin(origin, req) else {
                throw Problem(.forbidden, "Live updates may only be opened from Onramp's own pages.")
            }
        }
    }

    /// The page's origin is this server, as the browser addressed it or as configured.
    static func isSameOrigin(_ origin: String, _ req: Request) -> Bool {
        let origin = origin.lowercased()
        var allowed: [String] = []
        let publicURL = req.onramp.settings.publicURL
        if let host = req.headers.first(name: .host)?.lowercased() {
            // Behind TLS only https pages count; plain http is for development and tests.
            allowed.append("https://\(host)")
            if !req.onramp.settings.servesTLS { allowed.append("http://\(host)") }
        }
        if let scheme = publicURL.scheme?.lowercased(), let host = publicURL.host?.lowercased() {
            allowed.append("\(scheme)://\(host)" + (publicURL.port.map { ":\($0)" } ?? ""))
        }
        return allowed.contains(origin)
    }

    /// Upgrades, subscribes, sends the current state, then every change until either side closes.
    static func upgrade(_ req: Request, tenantID: UUID?, kind: String = "onboarding",
                        snapshot: @escaping @Sendable (any Database) async throws -> OnboardingLiveEvent?) -> Response {
        let live = req.onramp.live
        let db = req.db
        let logger = req.logger
        let response = Response(status: .switchingProtocols)
        response.upgrader = WebSocketUpgrader(maxFrameSize: .default, shouldUpgrade: {
            req.eventLoop.makeSucceededFuture([:])
        }, onUpgrade: { ws in
            // Pings find clients that vanished; a stream ends after `maximumLifetime`, and the
            // page reconnects, authenticating again (a revoked session or token gets no new stream).
            ws.pingInterval = .seconds(30)
            let expiry = Task {
                try await Task.sleep(for: Self.maximumLifetime)
                try await ws.close(code: .goingAway)
            }
            ws.onClose.whenComplete { _ in expiry.cancel() }
            Task {
                do {
                    // Subscribe before reading the snapshot, so no change falls in between.
                    let (id, events) = try await live.subscribe(tenantID: tenantID, kind: kind)
                    ws.onClose.whenComplete { _ in Task { await live.unsubscribe(id) } }
                    if let first = try await snapshot(db) { try await ws.send(first.json) }
                    for await event in events {
                        try await ws.send(event.json)
                    }
                } catch {
                    logger.info("live: stream ended", metadata: ["error": "\(error)"])
                }
                try? await ws.close()
            }
        })
        return response
    }
}
