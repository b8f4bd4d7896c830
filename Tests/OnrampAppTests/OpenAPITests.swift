import Foundation
@testable import OnrampApp
import Testing
import Vapor
import VaporTesting

@Suite("The OpenAPI document")
struct OpenAPITests {
    static let contractOperationIDs = [
        "signup", "login", "logout", "getCurrentUser", "createApiToken", "listApiTokens", "revokeApiToken",
        "listAuditEvents",
        // Issue 6: tickets, routing, SLAs, team.
        "listTickets", "createTicket", "getTicket", "updateTicket", "addTicketMessage", "listRoutingRules", "createRoutingRule",
        "updateRoutingRule", "dryRunRoutingRules", "listSlaPolicies", "createSlaPolicy", "listBusinessCalendars",
        "createBusinessCalendar", "listAgents", "updateAgentProfile", "createInvitation", "listInvitations", "revokeInvitation",
        "acceptInvitation", "getTeamDashboard", "createSandbox", "resetSandbox",
    ]

    @Test func everyRegisteredAPIRouteIsDocumented() async throws {
        try await withOnrampApp { app in
            let response = try await app.testing().sendRequest(.GET, "/openapi.json")
            #expect(response.status == .ok)
            let document = try response.jsonObject()
            #expect(document["openapi"] as? String == "3.1.0")
            let paths = try #require(document["paths"] as? [String: [String: Any]])

            let apiRoutes = app.routes.all.filter { $0.path.first?.description == "api" }
            #expect(apiRoutes.count >= Self.contractOperationIDs.count)
            for route in apiRoutes {
                let template = "/" + route.path.map { component -> String in
                    if case .parameter(let name) = component { return "{\(name)}" }
                    return component.description
                }.joined(separator: "/")
                let operation = paths[template]?[route.method.rawValue.lowercased()] as? [String: Any]
                #expect(operation != nil, "\(route.method) \(template) is missing from /openapi.json")
                #expect(operation?["operationId"] as? String == route.userInfo["operationId"] as? String)
                let responses = operation?["responses"] as? [String: Any] ?? [:]
                #expect(responses["500"] != nil, "\(template) documents no error responses")
            }
        }
    }

    @Test func contractOperationIDsExistAndRefsResolve() async throws {
        try await withOnrampApp { app in
            let response = try await app.testing().sendRequest(.GET, "/openapi.json")
            let text = response.body.string
            let document = try response.jsonObject()
            let paths = try #require(document["paths"] as? [String: [String: [String: Any]]])
            let ids = paths.values.flatMap { $0.values.compactMap { $0["operationId"] as? String } }
            for id in Self.contractOperationIDs { #expect(ids.contains(id), "operationId \(id) missing") }
            #expect(Set(ids).count == ids.count)

            let schemas = try #require((document["components"] as? [String: Any])?["schemas"] as? [String: Any])
            let refs = text.components(separatedBy: "\"$ref\":\"#/components/schemas/").dropFirst()
                .compactMap { $0.split(separator: "\"").first.map(String.init) }
            #expect(!refs.isEmpty)
            for ref in refs { #expect(schemas[ref] != nil, "unresolved $ref \(ref)") }
        }
    }

    @Test func docsPageListsEveryOperation() async throws {
        try await withOnrampApp { app in
            let page = try await app.testing().sendRequest(.GET, "/docs")
            #expect(page.status == .ok)
            #expect(page.headers.contentType == .html)
            for id in Self.contractOperationIDs { #expect(page.body.string.contains("id=\"\(id)\"")) }
            #expect(!page.body.string.contains("https://cdn"))
        }
    }
}
