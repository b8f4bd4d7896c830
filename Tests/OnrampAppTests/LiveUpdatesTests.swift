import Foundation
import NIOCore
@testable import OnrampApp
import OnrampDomain
import Testing
import Vapor
import VaporTesting

/// A WebSocket client that collects the text messages it receives.
final class LiveClient: Sendable {
    actor Inbox {
        var messages: [String] = []
        func add(_ text: String) { messages.append(text) }
        func take() -> String? { messages.isEmpty ? nil : messages.removeFirst() }
    }

    let socket: WebSocket
    let inbox: Inbox

    private init(socket: WebSocket, inbox: Inbox) {
        self.socket = socket
        self.inbox = inbox
    }

    static func connect(_ app: Application, port: Int, path: String, headers: HTTPHeaders) async throws -> LiveClient {
        let inbox = Inbox()
        let promise = app.eventLoopGroup.any().makePromise(of: WebSocket.self)
        WebSocket.connect(to: "ws://127.0.0.1:\(port)\(path)", headers: headers, on: app.eventLoopGroup) { socket in
            socket.onText { _, text in await inbox.add(text) }
            promise.succeed(socket)
        }.whenFailure { promise.fail($0) }
        return LiveClient(socket: try await promise.futureResult.get(), inbox: inbox)
    }

    /// The next message as a JSON object, or nil when none arrives within `seconds`.
    /// Waits generously: under a loaded CI machine a notification through PostgreSQL can take seconds.
    func next(within seconds: Double = 20) async throws -> [String: Any]? {
        let deadline = ContinuousClock.now + .seconds(seconds)
        while ContinuousClock.now < deadline {
            if let text = await inbox.take() {
                return try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any]
            }
            try await Task.sleep(for: .milliseconds(10))
        }
        return nil
    }

    func close() async { try? await socket.close() }
}

/// Starts the HTTP server on a free loopback port for `body`.
func withRunningServer(_ app: Application, _ body: (Int) async throws -> Void) async throws {
    try await app.server.start(address: .hostname("127.0.0.1", port: 0))
    let port = try #require(app.http.server.shared.localAddress?.port)
    do {
        try await body(port)
    } catch {
        await app.server.shutdown()
        throw error
    }
    await app.server.shutdown()
}

@Suite("Live onboarding progress")
struct LiveUpdatesTests {
    func patch(_ app: Application, _ account: TestAccount, _ step: String, _ config: [String: Any]) async throws {
        let response = try await app.testing().sendRequest(.PATCH, "/api/v1/onboarding/steps/\(step)",
                                                           headers: account.bearer + .json, body: .json(["config": config]))
        #expect(response.status == .ok)
    }

    @Test func aWizardHearsItsOwnTenantsChangesAndNoOneElses() async throws {
        try await withOnrampApp { app in
            let mine = try await app.signUp(organization: "Mine")
            let theirs = try await app.signUp(organization: "Theirs")
            try await withRunningServer(app) { port in
                var headers = mine.browser
                // WebSocketKit sends `Host: 127.0.0.1` (no port); a browser's page origin matches its Host.
                headers.replaceOrAdd(name: .origin, value: "http://127.0.0.1")
                let client = try await LiveClient.connect(app, port: port, path: "/api/v1/onboarding/live", headers: headers)
                let first = try #require(try await client.next())
                #expect(first["version"] as? Int == 1)
                #expect(first["tenant_id"] as? String == mine.tenantID.uuidString)
                try await patch(app, theirs, "organization", ["legal_name": "Not yours"])
                try await patch(app, mine, "organization", ["legal_name": "Mine GmbH"])
                let change = try #require(try await client.next())
                #expect(change["tenant_id"] as? String == mine.tenantID.uuidString, "the other tenant's change never arrives")
                #expect(change["version"] as? Int == 2)
                #expect((change["steps"] as? [String: String])?["organization"] == "in_progress")
                #expect(change["current_step"] as? String == "organization")
                await client.close()
            }
        }
    }

    @Test func operatorsHearEveryTenantIncludingNewSignUps() async throws {
        try await withOnrampApp { app in
            let operatorHeaders = try await app.signUpOperator()
            try await withRunningServer(app) { port in
                let client = try await LiveClient.connect(app, port: port, path: "/api/v1/operator/live",
                                                          headers: operatorHeaders + ["Origin": "http://127.0.0.1"])
                let tenant = try await app.signUp(organization: "Newcomer")
                let created = try #require(try await client.next())
                #expect(created["tenant_id"] as? String == tenant.tenantID.uuidString)
                #expect(created["version"] as? Int == 1)
                try await patch(app, tenant, "organization", ["display_name": "New"])
                let changed = try #require(try await client.next())
                #expect(changed["version"] as? Int == 2)
                await client.close()
            }
        }
    }

    @Test func browsersMustComeFromOnrampsOwnPagesAndPlainHTTPIsRefused() async throws {
        try await withOnrampApp { app in
            let account = try await app.signUp()
            let plain = try await app.testing().sendRequest(.GET, "/api/v1/onboarding/live", headers: account.bearer)
            try plain.expectProblem(.upgradeRequired, type: "upgrade-required")
            #expect(plain.headers.first(name: .upgrade) == "websocket")
            let anonymous = try await app.testing().sendRequest(.GET, "/api/v1/onboarding/live")
            try anonymous.expectProblem(.unauthorized)
            let tenantOnOperatorStream = try await app.testing().sendRequest(
                .GET, "/api/v1/operator/live", headers: account.bearer + ["Upgrade": "websocket", "Connection": "Upgrade"])
            try tenantOnOperatorStream.expectProblem(.forbidden)
            // A browser's upgrade must come from a page of this server (cross-site WebSocket hijacking).
            for origin in [nil, "https://evil.example", "http://localhost:1"] {
                var headers = account.browser + ["Upgrade": "websocket", "Connection": "Upgrade", "Host": "localhost:8080"]
                if let origin { headers.replaceOrAdd(name: .origin, value: origin) }
                let refused = try await app.testing().sendRequest(.GET, "/api/v1/onboarding/live", headers: headers)
                let problem = try refused.expectProblem(.forbidden)
                #expect((problem["detail"] as? String)?.contains("Onramp's own pages") == true, "origin \(origin ?? "none")")
            }
        }
    }
}
