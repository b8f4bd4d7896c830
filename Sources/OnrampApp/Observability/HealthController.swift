import Fluent
import Vapor

/// `/healthz` (the process answers), `/readyz` (the database answers), `/metrics` (Prometheus).
struct HealthController {
    func register(on routes: any RoutesBuilder) {
        routes.get("healthz", use: healthz)
        routes.get("readyz", use: readyz)
        routes.get("metrics", use: metrics)
    }

    @Sendable func healthz(_ req: Request) async throws -> Response {
        json(["status": "ok"], status: .ok)
    }

    @Sendable func readyz(_ req: Request) async throws -> Response {
        let clock = ContinuousClock()
        let start = clock.now
        do {
            try await req.db.ping()
            req.onramp.metrics.recordDatabasePing(clock.now - start, ok: true, poolSize: req.onramp.databasePoolSize)
            return json(["status": "ready", "database": "ok"], status: .ok)
        } catch {
            req.logger.warning("database not ready", metadata: ["error.message": "\(String(describing: error))"])
            req.onramp.metrics.recordDatabasePing(clock.now - start, ok: false, poolSize: req.onramp.databasePoolSize)
            throw Problem(.unavailable, "The database is not answering.")
        }
    }

    @Sendable func metrics(_ req: Request) async throws -> Response {
        if let depth = try? await JobQueue(db: req.db).depth() {
            req.onramp.metrics.recordQueueDepth(depth, kinds: JobCatalog.handlers.map(\.kind))
        }
        let response = Response(status: .ok, body: .init(string: req.onramp.metrics.render()))
        response.headers.replaceOrAdd(name: .contentType, value: "text/plain; version=0.0.4; charset=utf-8")
        return response
    }

    private func json(_ body: [String: String], status: HTTPResponseStatus) -> Response {
        let data = (try? JSONEncoder().encode(body)) ?? Data("{}".utf8)
        let response = Response(status: status, body: .init(data: data))
        response.headers.contentType = .json
        response.headers.replaceOrAdd(name: .cacheControl, value: "no-store")
        return response
    }
}
