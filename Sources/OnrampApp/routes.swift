import Foundation
import Vapor

/// Registers every route. API routes go through `register(_:in:use:)` so they are documented.
func routes(_ app: Application, pages: PageRenderer, assets: StaticAssets) {
    HealthController().register(on: app.routes)

    let registry = app.onramp.operations
    AuthController().register(on: app.routes, registry: registry)
    APITokenController().register(on: app.routes, registry: registry)
    AuditController().register(on: app.routes, registry: registry)
    OperatorController().register(on: app.routes, registry: registry)
    OnboardingController().register(on: app.routes, registry: registry)
    TemplateController().register(on: app.routes, registry: registry)
    LiveController().register(on: app.routes, registry: registry)
    WelcomeController().register(on: app.routes, registry: registry)
    JobsController().register(on: app.routes, registry: registry)
    ImportsController().register(on: app.routes, registry: registry)
    TicketsController().register(on: app.routes, registry: registry)
    RoutingRulesController().register(on: app.routes, registry: registry)
    SLAController().register(on: app.routes, registry: registry)
    TeamController().register(on: app.routes, registry: registry)
    InvitationsController().register(on: app.routes, registry: registry)
    TeamDashboardController().register(on: app.routes, registry: registry)
    SandboxController().register(on: app.routes, registry: registry)
    WorkflowTemplatesController().register(on: app.routes, registry: registry)
    AssignmentSettings().register(on: app.routes, registry: registry)

    app.get("openapi.json") { req async throws -> Response in
        let document = OpenAPIDocument.build(operations: req.onramp.operations.all, schemas: APISchemas.components)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let response = Response(status: .ok, body: .init(data: try encoder.encode(document)))
        response.headers.contentType = .json
        return response
    }

    AppPages(pages: pages).register(on: app.routes)
    WizardPages(pages: pages).register(on: app.routes)
    OperatorPages(pages: pages).register(on: app.routes)
    assets.register(on: app.routes)
}
