import Foundation
@testable import OnrampApp
import Testing
import VaporTesting

@Suite("One error format: RFC 9457 problem details")
struct ProblemDetailsTests {
    @Test func unknownRouteIsAProblem() async throws {
        try await withOnrampApp { app in
            let response = try await app.testing().sendRequest(.GET, "/api/v1/nothing-here")
            let problem = try response.expectProblem(.notFound, type: "not-found")
            #expect(problem["instance"] as? String == "/api/v1/nothing-here")
        }
    }

    @Test func unsupportedMethodAnswers405WithAllow() async throws {
        try await withOnrampApp { app in
            let response = try await app.testing().sendRequest(.PUT, "/api/v1/me")
            try response.expectProblem(.methodNotAllowed, type: "method-not-allowed")
            #expect(response.headers.first(name: .allow) == "GET, HEAD")
        }
    }

    @Test func malformedJSONIsExplainedWithoutInternals() async throws {
        try await withOnrampApp { app in
            let response = try await app.testing().sendRequest(.POST, "/api/v1/auth/signup", headers: .json,
                                                               body: .text("{\"email\": "))
            let problem = try response.expectProblem(.badRequest, type: "malformed-request")
            let detail = try #require(problem["detail"] as? String)
            #expect(!detail.contains("Swift"))
            #expect(!detail.contains("DecodingError"))

            let wrongType = try await app.testing().sendRequest(.POST, "/api/v1/auth/signup", headers: .json,
                                                                body: .text("{\"email\": 42}"))
            let typed = try wrongType.expectProblem(.badRequest)
            #expect((typed["detail"] as? String)?.contains("`email` must be a string") == true)
        }
    }

    @Test func wrongContentTypeIs415() async throws {
        try await withOnrampApp { app in
            let response = try await app.testing().sendRequest(
                .POST, "/api/v1/auth/signup", headers: ["Content-Type": "text/plain"], body: .text("hello"))
            try response.expectProblem(.unsupportedMediaType, type: "unsupported-media-type")
        }
    }

    @Test func oversizedBodyIs413() async throws {
        try await withOnrampApp { app in
            let huge = String(repeating: "x", count: 200_000)
            let response = try await app.testing().sendRequest(.POST, "/api/v1/auth/signup", headers: .json,
                                                               body: .json(["name": huge]))
            try response.expectProblem(.payloadTooLarge, type: "payload-too-large")
        }
    }

    @Test func saneRequestIDsAreKeptAndOthersReplaced() async throws {
        try await withOnrampApp { app in
            let kept = try await app.testing().sendRequest(.GET, "/healthz", headers: ["X-Request-ID": "abc-123.DEF"])
            #expect(kept.headers.first(name: "X-Request-ID") == "abc-123.DEF")
            let replaced = try await app.testing().sendRequest(.GET, "/healthz",
                                                               headers: ["X-Request-ID": "evil\nlog line"])
            let id = try #require(replaced.headers.first(name: "X-Request-ID"))
            #expect(id != "evil\nlog line")
            #expect(UUID(uuidString: id) != nil)
            let problem = try await app.testing().sendRequest(.GET, "/nope", headers: ["X-Request-ID": "trace-42"])
            #expect(try problem.expectProblem(.notFound)["request_id"] as? String == "trace-42")
        }
    }

    @Test func problemTypesHaveExplanationPages() async throws {
        try await withOnrampApp { app in
            for type in ProblemType.allCases {
                let page = try await app.testing().sendRequest(.GET, type.uri)
                #expect(page.status == .ok)
                #expect(page.body.string.contains(type.title.replacingOccurrences(of: "'", with: "&#39;")))
            }
            let missing = try await app.testing().sendRequest(.GET, "/problems/no-such-problem")
            try missing.expectProblem(.notFound)
        }
    }

    @Test func browsersGetAnHTMLErrorPage() async throws {
        try await withOnrampApp { app in
            let response = try await app.testing().sendRequest(.GET, "/no-such-page", headers: ["Accept": "text/html"])
            #expect(response.status == .notFound)
            #expect(response.headers.contentType == .html)
            #expect(response.body.string.contains("Not found"))
        }
    }
}

@Suite("Health, readiness and metrics")
struct OperationsEndpointTests {
    @Test func healthReadinessAndMetrics() async throws {
        try await withOnrampApp { app in
            let health = try await app.testing().sendRequest(.GET, "/healthz")
            #expect(health.status == .ok)
            let ready = try await app.testing().sendRequest(.GET, "/readyz")
            #expect(ready.status == .ok)
            #expect(try ready.jsonObject()["database"] as? String == "ok")
            _ = try await app.testing().sendRequest(.DELETE, "/api/v1/api-tokens/\(UUID())")

            let metrics = try await app.testing().sendRequest(.GET, "/metrics")
            #expect(metrics.status == .ok)
            let text = metrics.body.string
            #expect(text.contains(#"onramp_http_requests_total{method="GET",route="/healthz",status="200"} 1"#))
            #expect(text.contains(#"route="/api/v1/api-tokens/:tokenId""#))
            #expect(text.contains("onramp_http_request_duration_seconds_bucket"))
            #expect(text.contains("onramp_database_up 1"))
            #expect(text.contains("onramp_database_pool_max_connections"))
        }
    }
}

@Suite("Browser protections")
struct SecurityHeaderTests {
    @Test func everyResponseCarriesSecurityHeaders() async throws {
        try await withOnrampApp { app in
            for path in ["/signup", "/api/v1/me", "/nope"] {
                let response = try await app.testing().sendRequest(.GET, path)
                #expect(response.headers.first(name: "X-Content-Type-Options") == "nosniff", "\(path)")
                #expect(response.headers.first(name: "X-Frame-Options") == "DENY", "\(path)")
                #expect(response.headers.first(name: "Content-Security-Policy")?.contains("frame-ancestors 'none'") == true)
            }
        }
    }
}
