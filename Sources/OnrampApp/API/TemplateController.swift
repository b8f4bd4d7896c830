import Foundation
import OnrampDomain
import Vapor

/// Industry templates: `listTemplates`, `getTemplate`, `applyTemplate`.
struct TemplateController {
    struct TemplateSummary: Content {
        let id: String
        let name: String
        let summary: String
        let requiredSteps: [String]
        let suggestedChannels: [String]

        init(_ template: IndustryTemplate) {
            id = template.id
            name = template.name
            summary = template.summary
            requiredSteps = template.requiredSteps.union([.review]).sorted().map(\.rawValue)
            suggestedChannels = template.suggestedChannels
        }
    }

    struct TemplateDetail: Content {
        struct Target: Content {
            let firstResponseMinutes: Int
            let resolutionMinutes: Int
        }

        struct Rule: Content {
            let name: String
            let when: String
            let then: String
        }

        struct Article: Content {
            let title: String
            let body: String
        }

        struct Email: Content {
            let key: String
            let subject: String
            let body: String
        }

        let id: String
        let name: String
        let summary: String
        let requiredSteps: [String]
        let ticketCategories: [String]
        let sla: [String: Target]
        let businessHours: [String: String]
        let routingRules: [Rule]
        let faq: [Article]
        let emailTemplates: [Email]
        let suggestedChannels: [String]
        let portalFeatures: [String]
        /// What `applyTemplate` would fill in, per step (only where nothing was entered).
        let defaults: [String: [String: ConfigValue]]

        init(_ template: IndustryTemplate) {
            id = template.id
            name = template.name
            summary = template.summary
            requiredSteps = template.requiredSteps.union([.review]).sorted().map(\.rawValue)
            ticketCategories = template.ticketCategories
            sla = template.sla.mapValues { Target(firstResponseMinutes: $0.firstResponseMinutes, resolutionMinutes: $0.resolutionMinutes) }
            businessHours = template.businessHours
            routingRules = template.routingRules.map { Rule(name: $0.name, when: $0.when, then: $0.then) }
            faq = template.faq.map { Article(title: $0.title, body: $0.body) }
            emailTemplates = template.emailTemplates.map { Email(key: $0.key, subject: $0.subject, body: $0.body) }
            suggestedChannels = template.suggestedChannels
            portalFeatures = template.portalFeatures
            var defaults: [String: [String: ConfigValue]] = [:]
            for step in OnboardingStepID.allCases {
                let values = template.defaults(for: step, timeZone: nil)
                if !values.isEmpty { defaults[step.rawValue] = values }
            }
            self.defaults = defaults
        }
    }

    struct TemplateList: Content {
        let items: [TemplateSummary]
    }

    func register(on routes: any RoutesBuilder, registry: APIOperationRegistry) {
        let templateID = APIOperation.Parameter(
            name: "templateId", location: .path, description: "A template id: " + IndustryTemplates.all.map(\.id).joined(separator: ", ") + ".",
            schema: Schema.string(maxLength: 64), identifiesTenantResource: false)
        routes.register(.init(
            id: "listTemplates", method: .GET, path: "/api/v1/templates", tag: "Templates",
            summary: "The industry templates onboarding can start from",
            responses: [.init(status: 200, description: "The templates.", schema: Schemas.ref("TemplateList"))]
        ), in: registry, use: list)
        routes.register(.init(
            id: "getTemplate", method: .GET, path: "/api/v1/templates/{templateId}", tag: "Templates",
            summary: "One template with everything it configures",
            parameters: [templateID],
            responses: [.init(status: 200, description: "The template.", schema: Schemas.ref("TemplateDetail"))]
        ), in: registry, use: get)
        routes.register(.init(
            id: "applyTemplate", method: .POST, path: "/api/v1/templates/{templateId}/apply", tag: "Templates",
            summary: "Apply a template to onboarding: required steps, and defaults where nothing was entered",
            description: "Never overwrites a value the tenant entered; completed steps are left as they are.",
            parameters: [templateID], requestBody: Schemas.ref("VersionRequest"), requestBodyOptional: true,
            responses: [.init(status: 200, description: "The session after applying.", schema: Schemas.ref("OnboardingSession"))],
            problems: [409]
        ), in: registry, use: apply)
    }

    @Sendable func list(_ req: Request) async throws -> TemplateList {
        _ = try req.requireTenant(.onboardingRead)
        return TemplateList(items: IndustryTemplates.all.map(TemplateSummary.init))
    }

    @Sendable func get(_ req: Request) async throws -> TemplateDetail {
        _ = try req.requireTenant(.onboardingRead)
        return TemplateDetail(try template(req))
    }

    @Sendable func apply(_ req: Request) async throws -> Response {
        let template = try template(req)
        let onboarding = OnboardingController()
        return try await onboarding.mutate(req, version: try onboarding.versionBody(req), action: "template.applied", step: nil) { session, now in
            try session.apply(template, at: now)
        }
    }

    func template(_ req: Request) throws -> IndustryTemplate {
        guard let id = req.parameters.get("templateId"), let template = IndustryTemplates.named(id) else {
            throw Problem(.notFound, "There is no template with that id; templates are "
                + IndustryTemplates.all.map(\.id).joined(separator: ", ") + ".")
        }
        return template
    }
}
