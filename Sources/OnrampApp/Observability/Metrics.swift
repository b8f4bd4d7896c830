import Prometheus
import Vapor

/// Prometheus metrics of one application instance, served at `/metrics`.
final class OnrampMetrics: Sendable {
    let registry = PrometheusCollectorRegistry()
    private let durationBuckets: [Duration] = [
        .milliseconds(1), .milliseconds(5), .milliseconds(10), .milliseconds(25), .milliseconds(50),
        .milliseconds(100), .milliseconds(250), .milliseconds(500), .seconds(1), .seconds(2.5), .seconds(5),
    ]

    /// Counts a finished request labelled by method, route pattern (never raw ids) and status.
    func recordRequest(method: String, route: String, status: UInt, duration: Duration) {
        let labels = [("method", method), ("route", route), ("status", String(status))]
        registry.makeCounter(descriptor: Self.requests, labels: labels).increment()
        registry.makeDurationHistogram(descriptor: Self.requestDuration, labels: [("method", method), ("route", route)],
                                       buckets: durationBuckets).record(duration)
    }

    /// Records the latest database round trip seen by readiness checks.
    func recordDatabasePing(_ duration: Duration, ok: Bool, poolSize: Int) {
        registry.makeDurationHistogram(descriptor: Self.databasePing, buckets: durationBuckets).record(duration)
        registry.makeGauge(descriptor: Self.databaseUp).set(to: ok ? 1.0 : 0.0)
        registry.makeGauge(descriptor: Self.databasePool).set(to: Double(poolSize))
    }

    /// Counts a finished job run by kind and outcome (succeeded, retried, dead, cancelled).
    func recordJob(kind: String, outcome: String, duration: Duration) {
        registry.makeCounter(descriptor: Self.jobRuns, labels: [("kind", kind), ("outcome", outcome)]).increment()
        if outcome != "succeeded" && outcome != "cancelled" {
            registry.makeCounter(descriptor: Self.jobFailures, labels: [("kind", kind)]).increment()
        }
        registry.makeDurationHistogram(descriptor: Self.jobDuration, labels: [("kind", kind)], buckets: durationBuckets + [
            .seconds(10), .seconds(60), .seconds(600),
        ]).record(duration)
    }

    /// Jobs waiting per kind, as of the last `/metrics` scrape.
    func recordQueueDepth(_ depth: [String: Int], kinds: [String]) {
        for kind in Set(kinds).union(depth.keys) {
            registry.makeGauge(descriptor: Self.jobQueueDepth, labels: [("kind", kind)]).set(to: Double(depth[kind] ?? 0))
        }
    }

    static var jobRuns: MetricNameDescriptor {
        MetricNameDescriptor(namespace: "onramp", subsystem: "jobs", metricName: "runs", unitName: "total",
                             helpText: "Job runs by kind and outcome.")
    }
    static var jobFailures: MetricNameDescriptor {
        MetricNameDescriptor(namespace: "onramp", subsystem: "jobs", metricName: "failures", unitName: "total",
                             helpText: "Failed job runs (retried or dead) by kind.")
    }
    static var jobDuration: MetricNameDescriptor {
        MetricNameDescriptor(namespace: "onramp", subsystem: "jobs", metricName: "run_duration", unitName: "seconds",
                             helpText: "Job run durations by kind.")
    }
    static var jobQueueDepth: MetricNameDescriptor {
        MetricNameDescriptor(namespace: "onramp", subsystem: "jobs", metricName: "queue_depth", unitName: "jobs",
                             helpText: "Queued jobs by kind.")
    }

    static var requests: MetricNameDescriptor {
        MetricNameDescriptor(
        namespace: "onramp", subsystem: "http", metricName: "requests", unitName: "total",
        helpText: "HTTP requests by method, route pattern and status.")
    }
    static var requestDuration: MetricNameDescriptor {
        MetricNameDescriptor(
        namespace: "onramp", subsystem: "http", metricName: "request_duration", unitName: "seconds",
        helpText: "HTTP request durations by method and route pattern.")
    }
    static var databasePing: MetricNameDescriptor {
        MetricNameDescriptor(
        namespace: "onramp", subsystem: "database", metricName: "ping_duration", unitName: "seconds",
        helpText: "Round-trip time of database readiness pings.")
    }
    static var databaseUp: MetricNameDescriptor {
        MetricNameDescriptor(
        namespace: "onramp", subsystem: "database", metricName: "up", unitName: "",
        helpText: "1 when the last database ping succeeded.")
    }
    static var databasePool: MetricNameDescriptor {
        MetricNameDescriptor(
        namespace: "onramp", subsystem: "database", metricName: "pool_max", unitName: "connections",
        helpText: "Most connections the database pool may open.")
    }

    func render() -> String {
        var buffer: [UInt8] = []
        registry.emit(into: &buffer)
        return String(decoding: buffer, as: UTF8.self)
    }
}

/// Measures every request for `/metrics` and writes one access-log line for it.
struct MetricsMiddleware: AsyncMiddleware {
    let metrics: OnrampMetrics

    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        let clock = ContinuousClock()
        let start = clock.now
        let response = try await next.respond(to: request)
        let route = request.route.map { "/" + $0.path.map(\.description).joined(separator: "/") } ?? "unmatched"
        let duration = clock.now - start
        metrics.recordRequest(method: request.method.rawValue, route: route, status: response.status.code,
                              duration: duration)
        request.logger.info("request handled", metadata: [
            "http.method": .string(request.method.rawValue), "http.route": .string(route),
            "http.status": .stringConvertible(response.status.code),
            "duration.ms": .stringConvertible(Int(duration.components.seconds * 1000)
                + Int(duration.components.attoseconds / 1_000_000_000_000_000)),
        ])
        return response
    }
}
