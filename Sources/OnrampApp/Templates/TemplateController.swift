import Fluent
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
        /// `builtin`, or `custom` for templates tenants made.
        let kind: String
        /// For custom templates: `private`, `submitted` or `approved`.
        let sharing: String?

        init(_ template: IndustryTemplate) {
            id = template.id
            name = template.name
            summary = template.summary
            requiredSteps = TemplateController.stepIDs(template.requiredSteps)
            suggestedChannels = template.suggestedChannels
            kind = "builtin"
            sharing = nil
        }

        init(_ template: CustomTemplateSnapshot) {
            let content = template.content
            id = template.id.uuidString
            name = template.name
            summary = template.summary
            requiredSteps = TemplateController.stepIDs(Set(content.requiredSteps))
            suggestedChannels = content.strings(.channels, "enabled")
            kind = "custom"
            sharing = template.sharing.rawValue
        }
    }

    /// Required step ids as the API lists them: review is always required.
    static func stepIDs(_ required: Set<OnboardingStepID>) -> [String] {
        required.union([.review]).sorted().map(\.rawValue)
    }

    struct CreateRequest: Content {
        var name: String?
        var summary: String?
        var shareWithPlatform: Bool?
    }

    struct TemplateDetail: Content {
        let id: String
        let name: String
        let summary: String
        let requiredSteps: [String]
        let ticketCategories: [String]
        let sla: [String: IndustryTemplate.SLATarget]
        let businessHours: [String: String]
        let routingRules: [IndustryTemplate.RoutingRule]
        let faq: [IndustryTemplate.Article]
        let emailTemplates: [IndustryTemplate.EmailTemplate]
        let suggestedChannels: [String]
        let portalFeatures: [String]
        /// What `applyTemplate` would fill in, per step (only where nothing was entered).
        let defaults: [String: [String: ConfigValue]]

        init(_ template: CustomTemplateSnapshot) {
            let content = template.content
            id = template.id.uuidString
            name = template.name
            summary = template.summary
            requiredSteps = TemplateController.stepIDs(Set(content.requiredSteps))
            ticketCategories = content.strings(.knowledgeBase, "categories")
            sla = [:]
            businessHours = [:]
            routingRules = []
            faq = []
            emailTemplates = []
            suggestedChannels = content.strings(.channels, "enabled")
            portalFeatures = content.strings(.portal, "features")
            defaults = content.steps
        }

        init(_ template: IndustryTemplate) {
            id = template.id
            name = template.name
            summary = template.summary
            requiredSteps = TemplateController.stepIDs(template.requiredSteps)
            ticketCategories = template.ticketCategories
            sla = template.sla
            businessHours = template.businessHours
            routingRules = template.routingRules
            faq = template.faq
            emailTemplates = template.emailTemplates
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
            name: "templateId", location: .path,
            description: "A built-in template (" + IndustryTemplates.all.map(\.id).joined(separator: ", ") + ") or a custom template's id.",
            schema: Schema.string(maxLength: 64))
        routes.register(.init(
            id: "listTemplates", method: .GET, path: "/api/v1/templates", tag: "Templates",
            summary: "The industry templates onboarding can start from",
            responses: [.init(status: 200, description: "The templates.", schema: Schemas.ref(TemplateController.TemplateList.self))]
        ), in: registry, use: list)
        routes.register(.init(
            id: "getTemplate", method: .GET, path: "/api/v1/templates/{templateId}", tag: "Templates",
            summary: "One template with everything it configures",
            parameters: [templateID],
            responses: [.init(status: 200, description: "The template.", schema: Schemas.ref(TemplateController.TemplateDetail.self))]
        ), in: registry, use: get)
        routes.register(.init(
            id: "applyTemplate", method: .POST, path: "/api/v1/templates/{templateId}/apply", tag: "Templates",
            summary: "Apply a template to onboarding: required steps, and defaults where nothing was entered",
            description: "Never overwrites a value the tenant entered; completed steps are left as they are.",
            parameters: [templateID], requestBody: Schemas.ref(OnboardingController.VersionRequest.self), requestBodyOptional: true,
            responses: [.init(status: 200, description: "The session after applying.", schema: Schemas.ref(OnboardingController.SessionResponse.self))],
            problems: [409]
        ), in: registry, use: apply)
        routes.register(.init(
            id: "createTemplate", method: .POST, path: "/api/v1/templates", tag: "Templates",
            summary: "Save this tenant's configuration as a template (never secrets or identifying details)",
            description: "Private to the tenant, or with `share_with_platform` submitted to the platform, where an operator approves it for every tenant.",
            requestBody: Schemas.ref(TemplateController.CreateRequest.self),
            responses: [.init(status: 201, description: "The template.", schema: Schemas.ref(TemplateController.TemplateDetail.self))]
        ), in: registry, use: create)
        routes.register(.init(
            id: "listSubmittedTemplates", method: .GET, path: "/api/v1/operator/templates", tag: "Operators",
            summary: "Custom templates submitted to the platform and waiting for approval (platform operators)",
            responses: [.init(status: 200, description: "The submitted templates.", schema: Schemas.ref(TemplateController.TemplateList.self))]
        ), in: registry, use: submitted)
        routes.register(.init(
            id: "approveTemplate", method: .POST, path: "/api/v1/operator/templates/{templateId}/approve", tag: "Operators",
            summary: "Approve a submitted template for every tenant (platform operators)",
            parameters: [templateID],
            responses: [.init(status: 200, description: "The approved template.", schema: Schemas.ref(TemplateController.TemplateDetail.self))],
            problems: [409]
        ), in: registry, use: approve)
    }

    @Sendable func create(_ req: Request) async throws -> Response {
        let (scope, principal) = try req.requireTenant(.settingsManage)
        let body = try req.decodeJSON(CreateRequest.self)
        var errors = FieldErrors()
        let name = errors.requireText(body.name, field: "name", label: "Name", maxLength: 120)
        var summary = ""
        if let text = body.summary, !text.trimmingWhitespace().isEmpty {
            summary = errors.requireText(text, field: "summary", label: "Summary", maxLength: 500) ?? ""
        }
        try errors.check()
        let session = try await req.onboardingSession(scope)
        let content = CustomTemplateContent.extract(from: session)
        let encoded = String(decoding: try OnboardingRepository.encoder.encode(content), as: UTF8.self)
        let sharing: CustomTemplate.Sharing = body.shareWithPlatform == true ? .submitted : .private
        let requestID = req.requestID
        let summaryText = summary
        let template = try await req.writer.atomically { db -> CustomTemplate in
            let template = CustomTemplate()
            template.tenantID = scope.tenantID
            template.name = name!
            template.summary = summaryText
            template.sharing = sharing
            template.content = encoded
            template.createdBy = principal.userID
            try await template.create(on: db)
            try await AuditLog.record(on: db, tenantID: scope.tenantID, actor: principal.actorLabel, actorUserID: principal.userID,
                                      action: "template.created", target: "template:\(try template.requireID())",
                                      change: .init(after: ["name": template.name, "sharing": sharing.rawValue]), requestID: requestID)
            return template
        }
        return try await TemplateDetail(try CustomTemplateSnapshot(template)).encodeResponse(status: .created, for: req)
    }

    @Sendable func submitted(_ req: Request) async throws -> TemplateList {
        _ = try req.requirePermission(.platformOperate)
        let templates = try await CustomTemplateRepository(db: req.db).submitted()
        return TemplateList(items: try templates.map { TemplateSummary(try CustomTemplateSnapshot($0)) })
    }

    @Sendable func approve(_ req: Request) async throws -> TemplateDetail {
        let principal = try req.requirePermission(.platformOperate)
        guard let raw = req.parameters.get("templateId"), let id = UUID(uuidString: raw) else {
            throw Problem.notFound("That template")
        }
        let requestID = req.requestID
        let template = try await req.writer.atomically { db -> CustomTemplate in
            guard let template = try await CustomTemplate.find(id, on: db) else { throw Problem.notFound("That template") }
            guard template.sharing == .submitted else {
                throw Problem(.conflict, "Only submitted templates can be approved; this one is \(template.sharing.rawValue).")
            }
            template.sharing = .approved
            template.approvedAt = Date()
            try await template.update(on: db)
            try await AuditLog.record(on: db, tenantID: AuditLog.platformTenantID, actor: principal.actorLabel,
                                      actorUserID: principal.userID, action: "template.approved", target: "template:\(id)",
                                      change: .init(before: ["sharing": "submitted"], after: ["sharing": "approved"]),
                                      requestID: requestID)
            return template
        }
        return TemplateDetail(try CustomTemplateSnapshot(template))
    }



    @Sendable func list(_ req: Request) async throws -> TemplateList {
        let (scope, _) = try req.requireTenant(.onboardingRead)
        let custom = try await CustomTemplateRepository(db: req.db).visible(in: scope)
        return TemplateList(items: IndustryTemplates.all.map(TemplateSummary.init)
            + (try custom.map { TemplateSummary(try CustomTemplateSnapshot($0)) }))
    }

    @Sendable func get(_ req: Request) async throws -> TemplateDetail {
        let (scope, _) = try req.requireTenant(.onboardingRead)
        switch try await template(req, scope) {
        case .builtin(let template): return TemplateDetail(template)
        case .custom(let template): return TemplateDetail(template)
        }
    }

    @Sendable func apply(_ req: Request) async throws -> Response {
        let (scope, _) = try req.requireTenant(.onboardingManage)
        let found = try await template(req, scope)
        return try await req.changeOnboarding(version: try req.onboardingVersionBody(), action: "template.applied", step: nil) { session, now in
            switch found {
            case .builtin(let template):
                try session.apply(template, at: now)
            case .custom(let template):
                try session.apply(defaults: template.content.defaults, requiredSteps: Set(template.content.requiredSteps),
                                  templateID: template.id.uuidString, at: now)
            }
        }
    }

    enum Found: Sendable {
        case builtin(IndustryTemplate)
        case custom(CustomTemplateSnapshot)
    }

    /// A built-in template by id, or a custom one this tenant may see.
    func template(_ req: Request, _ scope: TenantScope) async throws -> Found {
        let raw = req.parameters.get("templateId") ?? ""
        if let template = IndustryTemplates.named(raw) { return .builtin(template) }
        if let id = UUID(uuidString: raw), let template = try await CustomTemplateRepository(db: req.db).find(id, in: scope) {
            return .custom(try CustomTemplateSnapshot(template))
        }
        throw Problem(.notFound, "There is no template with that id; built-in templates are "
            + IndustryTemplates.all.map(\.id).joined(separator: ", ") + ".")
    }
}

/// A custom template as plain values, safe to pass between tasks.
struct CustomTemplateSnapshot: Sendable {
    let id: UUID
    let name: String
    let summary: String
    let sharing: CustomTemplate.Sharing
    let content: CustomTemplateContent

    init(_ template: CustomTemplate) throws {
        id = try template.requireID()
        name = template.name
        summary = template.summary
        sharing = template.sharing
        content = try OnboardingRepository.decoder.decode(CustomTemplateContent.self, from: Data(template.content.utf8))
    }
}

// MARK: - API schemas

extension TemplateController.TemplateList: APISchema {
    static let schemaName = "TemplateList"
    static var schema: JSONValue {
        Schema.object([
            "items": Schema.array(Schema.object([
                "id": Schema.string(), "name": Schema.string(), "summary": Schema.string(),
                "required_steps": Schema.array(Schema.string()), "suggested_channels": Schema.array(Schema.string()),
                "kind": Schema.string(enumeration: ["builtin", "custom"]),
                "sharing": Schema.string(enumeration: ["private", "submitted", "approved"], nullable: true),
            ], required: ["id", "name", "summary", "required_steps", "suggested_channels", "kind"])),
        ], required: ["items"])
    }
    /// The built-in templates.
    static var example: Self { Self(items: IndustryTemplates.all.map(TemplateController.TemplateSummary.init)) }
}

extension TemplateController.CreateRequest: APISchema {
    static let schemaName = "CreateTemplateRequest"
    static var schema: JSONValue {
        Schema.object([
            "name": Schema.text("The template's name.", maxLength: 120),
            "summary": Schema.string("What it is for (one line).", maxLength: 500,
                                     pattern: #"^[^\x00-\x1F\x7F-\x9F]*$"#, nullable: true),
            "share_with_platform": ["type": ["boolean", "null"],
                                    "description": "Submit it to the platform; an operator approves it for every tenant."],
        ], required: ["name"])
    }
    static var example: Self {
        Self(name: "Outdoor retail, Nordics", summary: "Email and chat in Swedish and English, returns and warranty categories.",
             shareWithPlatform: false)
    }
}

extension TemplateController.TemplateDetail: APISchema {
    static let schemaName = "TemplateDetail"
    static var schema: JSONValue {
        Schema.object([
            "id": Schema.string(), "name": Schema.string(), "summary": Schema.string(),
            "required_steps": Schema.array(Schema.string()), "ticket_categories": Schema.array(Schema.string()),
            "sla": ["type": "object", "additionalProperties": Schema.object([
                "first_response_minutes": Schema.integer(minimum: 1), "resolution_minutes": Schema.integer(minimum: 1),
            ], required: ["first_response_minutes", "resolution_minutes"])],
            "business_hours": ["type": "object", "additionalProperties": ["type": "string"]],
            "routing_rules": Schema.array(Schema.object(["name": Schema.string(), "when": Schema.string(), "then": Schema.string()],
                                                        required: ["name", "when", "then"])),
            "faq": Schema.array(Schema.object(["title": Schema.string(), "body": Schema.string()], required: ["title", "body"])),
            "email_templates": Schema.array(Schema.object(["key": Schema.string(), "subject": Schema.string(), "body": Schema.string()],
                                                          required: ["key", "subject", "body"])),
            "suggested_channels": Schema.array(Schema.string()), "portal_features": Schema.array(Schema.string()),
            "defaults": ["type": "object", "description": "Per step: what applyTemplate fills in where nothing was entered."],
        ], required: ["id", "name", "summary", "required_steps", "ticket_categories", "sla", "business_hours",
                      "routing_rules", "faq", "email_templates", "suggested_channels", "portal_features", "defaults"])
    }
    /// The built-in e-commerce template.
    static var example: Self { Self(IndustryTemplates.ecommerce) }
}
