import Fluent
import Foundation
@testable import OnrampApp
import OnrampDomain
import Testing
import VaporTesting

@Suite("Tenant isolation")
struct TenantIsolationTests {
    /// Every documented route with an id in its path is called with tenant B's credentials
    /// and tenant A's ids; each must answer 404, exactly like a missing resource, and change nothing.
    @Test func everyTenantScopedRouteHidesAnotherTenantsResources() async throws {
        try await withOnrampApp { app in
            // setup: tenant A owns a token and audit events
            let tenantA = try await app.signUp(organization: "Tenant A")
            let tenantB = try await app.signUp(organization: "Tenant B")
            let tokenA = try #require(try await APIToken.query(on: app.db)
                .filter(\.$tenantID == tenantA.tenantID).first()?.requireID())
            let template = try await app.testing().sendRequest(.POST, "/api/v1/templates", headers: tenantA.bearer + .json,
                                                               body: .json(["name": "A's private template"]))
            let templateA = try #require(try template.jsonObject()["id"] as? String)
            let job = try await app.testing().sendRequest(.POST, "/api/v1/audit-events/verify", headers: tenantA.bearer)
            let jobA = try #require(try job.jsonObject()["id"] as? String)
            let upload = try await app.testing().sendRequest(.POST, "/api/v1/imports", headers: tenantA.bearer,
                                                             body: .text("name,email\nAnn,ann@example.com\n"))
            let importA = try #require(try upload.jsonObject()["id"] as? String)
            let ticket = try await app.testing().sendRequest(.POST, "/api/v1/tickets", headers: tenantA.bearer + .json,
                                                             body: .json(["subject": "A's ticket", "body": "Private"]))
            let ticketA = try #require(try ticket.jsonObject()["id"] as? String)
            let rule = try await app.testing().sendRequest(.POST, "/api/v1/routing-rules", headers: tenantA.bearer + .json,
                                                           body: .json(["name": "A's rule", "actions": [["type": "add_tag", "tag": "a"]]]))
            let ruleA = try #require(try rule.jsonObject()["id"] as? String)
            let invitation = try await app.testing().sendRequest(.POST, "/api/v1/invitations", headers: tenantA.bearer + .json,
                                                                 body: .json(["email": "a-only@example.com", "role": "agent"]))
            let invitationA = try #require(try invitation.jsonObject()["id"] as? String)
            _ = try await app.testing().sendRequest(.POST, "/api/v1/sandbox", headers: tenantA.bearer)
            let idsOfA: [String: String] = ["tokenId": tokenA.uuidString, "templateId": templateA,
                                            "tenantId": tenantA.tenantID.uuidString, "jobId": jobA,
                                            "importId": importA, "ticketId": ticketA, "ruleId": ruleA,
                                            "userId": tenantA.userID.uuidString, "invitationId": invitationA]

            // act + check
            var probed = 0
            for operation in app.onramp.operations.all
            where operation.parameters.contains(where: { $0.location == .path && $0.identifiesTenantResource }) {
                var path = operation.path
                for parameter in operation.parameters where parameter.location == .path {
                    let id = try #require(idsOfA[parameter.name], "no tenant-A id known for {\(parameter.name)} in \(operation.id)")
                    path = path.replacingOccurrences(of: "{\(parameter.name)}", with: id)
                }
                for credentials in [tenantB.bearer, tenantB.browser] {
                    let response = try await app.testing().sendRequest(operation.method, path, headers: credentials + .json,
                                                                       body: .json([:]))
                    // Operator routes are closed to tenant users altogether.
                    try response.expectProblem(operation.tag == "Operators" ? .forbidden : .notFound)
                    probed += 1
                }
            }
            #expect(probed >= 2)
            let token = try #require(try await APIToken.find(tokenA, on: app.db))
            #expect(token.revokedAt == nil)

            // lists of B show nothing of A
            for operation in app.onramp.operations.all where operation.method == .GET && !operation.path.contains("{") {
                // (`/api/v1/onboarding` and its checklist return B's own session: no A data may appear.)
                let response = try await app.testing().sendRequest(.GET, operation.path, headers: tenantB.bearer)
                // Operator routes span tenants and are closed to tenant users altogether; live
                // streams answer plain HTTP with 426 (their own tenant's stream only, over a WebSocket).
                // `getSandbox` answers 404 while B has no sandbox of its own (A's does not count).
                let expected: HTTPStatus = operation.tag == "Operators" ? .forbidden
                    : operation.responses.contains { $0.status == 101 } ? .upgradeRequired
                    : operation.id == "getSandbox" ? .notFound : .ok
                #expect(response.status == expected, "\(operation.id) answered \(response.status.code)")
                #expect(!response.body.string.contains(tenantA.tenantID.uuidString), "\(operation.id) leaks tenant A")
                #expect(!response.body.string.contains(tokenA.uuidString), "\(operation.id) leaks tenant A's token")
                #expect(!response.body.string.contains(tenantA.email), "\(operation.id) leaks tenant A's owner")
                #expect(!response.body.string.contains(templateA), "\(operation.id) leaks tenant A's private template")
            }
        }
    }

    @Test func repositoriesFilterByScope() async throws {
        try await withOnrampApp { app in
            let tenantA = try await app.signUp(organization: "A")
            let tenantB = try await app.signUp(organization: "B")
            let repository = APITokenRepository(db: app.db)
            let tokensOfA = try await repository.list(in: TenantScope(tenantID: tenantA.tenantID), ownedBy: nil)
            let tokensOfB = try await repository.list(in: TenantScope(tenantID: tenantB.tenantID), ownedBy: nil)
            #expect(tokensOfA.count == 1 && tokensOfB.count == 1)
            #expect(try await repository.find(try tokensOfA[0].requireID(), in: TenantScope(tenantID: tenantB.tenantID)) == nil)
            let auditOfB = try await AuditRepository(db: app.db).page(in: TenantScope(tenantID: tenantB.tenantID),
                                                                       before: nil, limit: 100)
            #expect(auditOfB.allSatisfy { $0.tenantID == tenantB.tenantID })
            #expect(auditOfB.count == 3)
        }
    }
}
