import Fluent
import Foundation
import SQLKit
import OnrampDomain
import Vapor

/// The onboarding API: `getOnboarding`, `updateOnboardingStep`, `skipOnboardingStep`,
/// `reopenOnboardingStep`, `pauseOnboarding`, `resumeOnboarding`, `getOnboardingChecklist`,
/// `completeOnboarding`. Writes carry the version they were based on (`If-Match` or
/// `version`); a stale one gets 409 with the current state.
struct OnboardingController {
    struct StepResponse: Content {
        let id: String
        let title: String
        let state: String
        let required: Bool
        let prerequisites: [String]
        let config: [String: ConfigValue]
        let warnings: [FieldError]
        let startedAt: Date?
        let completedAt: Date?
        let secondsSpent: Int
    }

    struct SessionResponse: Content {
        let state: String
        let version: Int
        let progress: Int
        let currentStep: String
        let startedAt: Date
        let pausedAt: Date?
        let completedAt: Date?
        let steps: [StepResponse]
        let nextSteps: [String]?
        let templateId: String?

        init(_ session: OnboardingSession, nextSteps: [String]? = nil) {
            templateId = session.templateID
            state = session.state.rawValue
            version = session.version
            progress = session.progress
            currentStep = session.currentStep.rawValue
            startedAt = session.startedAt
            pausedAt = session.pausedAt
            completedAt = session.completedAt
            steps = OnboardingStepID.allCases.map { step in
                let record = session.record(step)
                return StepResponse(
                    id: step.rawValue, title: step.title, state: record.state.rawValue, required: session.isRequired(step),
                    prerequisites: step.prerequisites.map(\.rawValue),
                    config: OnboardingSecrets.redacted(.object(record.config)).objectValue ?? [:],
                    // Only branding has warnings (contrast); skip validating the other steps.
                    warnings: step == .branding ? StepValidator.validate(step, record.config).warnings : [],
                    startedAt: record.startedAt, completedAt: record.completedAt, secondsSpent: Int(record.secondsSpent))
            }
            self.nextSteps = nextSteps
        }
    }

    struct SuggestionResponse: Content {
        struct Item: Content {
            let step: String
            let field: String
            let value: ConfigValue
            let reason: String
        }

        let items: [Item]
    }

    struct ChecklistResponse: Content {
        let ready: Bool
        let items: [ChecklistItem]
    }

    struct UpdateRequest: Content {
        var config: [String: ConfigValue]?
        var complete: Bool?
        var version: Int?
    }

    struct VersionRequest: Content {
        var version: Int?
    }

    func register(on routes: any RoutesBuilder, registry: APIOperationRegistry) {
        let stepID = APIOperation.Parameter(
            name: "stepId", location: .path, description: "The step: " + OnboardingStepID.allCases.map(\.rawValue).joined(separator: ", ") + ".",
            schema: Schema.string(enumeration: OnboardingStepID.allCases.map(\.rawValue)), identifiesTenantResource: false)
        let ifMatch = APIOperation.Parameter(
            name: "If-Match", location: .header, description: "The session version the change is based on, e.g. \"3\".",
            schema: Schema.string(maxLength: 40, pattern: #"^(\*|(W/)?"?[0-9]{1,15}"?)?$"#))
        let session = APIOperation.Response(status: 200, description: "The session after the change.",
                                            schema: Schemas.ref(OnboardingController.SessionResponse.self),
                                            headers: ["ETag": ["description": "The session version.", "schema": ["type": "string"]]])
        routes.register(.init(
            id: "getOnboarding", method: .GET, path: "/api/v1/onboarding", tag: "Onboarding",
            summary: "The tenant's onboarding: steps, states, configuration, progress",
            responses: [session]
        ), in: registry, use: get)
        routes.register(.init(
            id: "updateOnboardingStep", method: .PATCH, path: "/api/v1/onboarding/steps/{stepId}", tag: "Onboarding",
            summary: "Save a step's configuration (partial saves are kept); `complete: true` validates and completes it",
            parameters: [stepID, ifMatch], requestBody: Schemas.ref(OnboardingController.UpdateRequest.self),
            responses: [session], problems: [409]
        ), in: registry, use: update)
        for (id, action, summary) in [
            ("skipOnboardingStep", "skip", "Skip an optional step"),
            ("reopenOnboardingStep", "reopen", "Go back to a completed or skipped step"),
        ] {
            routes.register(.init(
                id: id, method: .POST, path: "/api/v1/onboarding/steps/{stepId}/\(action)", tag: "Onboarding",
                summary: summary, parameters: [stepID, ifMatch], requestBody: Schemas.ref(OnboardingController.VersionRequest.self), requestBodyOptional: true,
                responses: [session], problems: [409]
            ), in: registry, use: action == "skip" ? skip : reopen)
        }
        for (id, action, summary) in [
            ("pauseOnboarding", "pause", "Pause onboarding to finish later"),
            ("resumeOnboarding", "resume", "Resume paused onboarding"),
            ("completeOnboarding", "complete", "Complete onboarding and activate the desk (every checklist item must be met)"),
        ] {
            routes.register(.init(
                id: id, method: .POST, path: "/api/v1/onboarding/\(action)", tag: "Onboarding",
                summary: summary, parameters: [ifMatch], requestBody: Schemas.ref(OnboardingController.VersionRequest.self), requestBodyOptional: true,
                responses: [session], problems: [409]
            ), in: registry, use: sessionAction(action))
        }
        routes.register(.init(
            id: "getOnboardingChecklist", method: .GET, path: "/api/v1/onboarding/checklist", tag: "Onboarding",
            summary: "What must hold before going live, item by item",
            responses: [.init(status: 200, description: "The checklist.", schema: Schemas.ref(OnboardingController.ChecklistResponse.self))]
        ), in: registry, use: checklist)
        routes.register(.init(
            id: "getOnboardingSuggestions", method: .GET, path: "/api/v1/onboarding/suggestions", tag: "Onboarding",
            summary: "Suggested values per step, each with the reason, from what is known so far",
            responses: [.init(status: 200, description: "The suggestions.", schema: Schemas.ref(OnboardingController.SuggestionResponse.self))]
        ), in: registry, use: suggestions)
    }

    @Sendable func suggestions(_ req: Request) async throws -> SuggestionResponse {
        let (scope, _) = try req.requireTenant(.onboardingRead)
        let session = try await req.onboardingSession(scope)
        return SuggestionResponse(items: SuggestionEngine.suggest(for: session).map {
            .init(step: $0.step.rawValue, field: $0.field, value: $0.value, reason: $0.reason)
        })
    }

    @Sendable func get(_ req: Request) async throws -> Response {
        let (scope, _) = try req.requireTenant(.onboardingRead)
        return try req.onboardingResponse(try await req.onboardingSession(scope))
    }

    @Sendable func checklist(_ req: Request) async throws -> ChecklistResponse {
        let (scope, _) = try req.requireTenant(.onboardingRead)
        let items = try await req.onboardingSession(scope).checklist
        return ChecklistResponse(ready: items.allSatisfy(\.met), items: items)
    }

    @Sendable func update(_ req: Request) async throws -> Response {
        let step = try stepID(req)
        let body = try req.decodeJSON(UpdateRequest.self)
        let complete = body.complete ?? false
        let (scope, _) = try req.requireTenant(.onboardingManage)
        let patch = try OnboardingSecrets.sealing(in: body.config ?? [:], of: step, scope: scope, box: req.onramp.secretBox)
        return try await req.changeOnboarding(version: body.version, action: complete ? "step.completed" : "step.saved", step: step) { session, now in
            let merged = OnboardingSecrets.keepingStored(in: patch, stored: session.record(step).config, of: step)
            try session.update(step, patch: merged, complete: complete, at: now)
        }
    }

    @Sendable func skip(_ req: Request) async throws -> Response {
        let step = try stepID(req)
        return try await req.changeOnboarding(version: try req.onboardingVersionBody(), action: "step.skipped", step: step) { session, now in
            try session.skip(step, at: now)
        }
    }

    @Sendable func reopen(_ req: Request) async throws -> Response {
        let step = try stepID(req)
        return try await req.changeOnboarding(version: try req.onboardingVersionBody(), action: "step.reopened", step: step) { session, now in
            try session.reopen(step, at: now)
        }
    }

    func sessionAction(_ action: String) -> @Sendable (Request) async throws -> Response {
        { req in
            let version = try req.onboardingVersionBody()
            return try await req.changeOnboarding(version: version, action: "session.\(action)d",
                                    step: nil, activate: action == "complete") { session, now in
                switch action {
                case "pause": try session.pause(at: now)
                case "resume": try session.resume(at: now)
                default: try session.complete(at: now)
                }
            }
        }
    }

    func stepID(_ req: Request) throws -> OnboardingStepID {
        guard let raw = req.parameters.get("stepId"), let step = OnboardingStepID(rawValue: raw) else {
            throw Problem(.notFound, "There is no onboarding step with that id; steps are "
                + OnboardingStepID.allCases.map(\.rawValue).joined(separator: ", ") + ".")
        }
        return step
    }
}

extension JSONValue {
    /// The JSON of an encodable value, as the API would send it.
    init(encoding value: some Encodable) throws {
        var buffer = ByteBufferAllocator().buffer(capacity: 1024)
        var headers = HTTPHeaders()
        try ContentConfiguration.global.requireEncoder(for: .json).encode(value, to: &buffer, headers: &headers)
        self = try JSONDecoder().decode(JSONValue.self, from: Data(buffer.readableBytesView))
    }
}

extension OnboardingController.SessionResponse {
    /// The JSON of the Codable conformance, written directly: this is the answer of every
    /// onboarding request, and `JSONEncoder` was its largest cost. A test compares the two.
    func json() -> ByteBuffer {
        var writer = JSONWriter(capacity: 8192)
        writer.beginObject()
        writer.key("state"); writer.string(state)
        writer.key("version"); writer.integer(version)
        writer.key("progress"); writer.integer(progress)
        writer.key("current_step"); writer.string(currentStep)
        writer.key("started_at"); writer.date(startedAt)
        if let pausedAt { writer.key("paused_at"); writer.date(pausedAt) }
        if let completedAt { writer.key("completed_at"); writer.date(completedAt) }
        writer.key("steps")
        writer.beginArray()
        for step in steps {
            writer.beginObject()
            writer.key("id"); writer.string(step.id)
            writer.key("title"); writer.string(step.title)
            writer.key("state"); writer.string(step.state)
            writer.key("required"); writer.bool(step.required)
            writer.key("prerequisites")
            writer.beginArray()
            for prerequisite in step.prerequisites { writer.string(prerequisite) }
            writer.endArray()
            writer.key("config"); writer.value(.object(step.config))
            writer.key("warnings")
            writer.beginArray()
            for warning in step.warnings {
                writer.beginObject()
                writer.key("field"); writer.string(warning.field)
                writer.key("message"); writer.string(warning.message)
                writer.key("code"); writer.string(warning.code)
                writer.endObject()
            }
            writer.endArray()
            if let startedAt = step.startedAt { writer.key("started_at"); writer.date(startedAt) }
            if let completedAt = step.completedAt { writer.key("completed_at"); writer.date(completedAt) }
            writer.key("seconds_spent"); writer.integer(step.secondsSpent)
            writer.endObject()
        }
        writer.endArray()
        if let nextSteps {
            writer.key("next_steps")
            writer.beginArray()
            for next in nextSteps { writer.string(next) }
            writer.endArray()
        }
        if let templateId { writer.key("template_id"); writer.string(templateId) }
        writer.endObject()
        return writer.buffer
    }
}

// MARK: - API schemas

extension OnboardingController.StepResponse: APISchema {
    static let schemaName = "OnboardingStep"
    static var schema: JSONValue {
        Schema.object([
            "id": Schema.string(enumeration: OnboardingStepID.allCases.map(\.rawValue)),
            "title": Schema.string(), "state": Schema.string(enumeration: StepState.allCases.map(\.rawValue)),
            "required": Schema.boolean, "prerequisites": Schema.array(Schema.string()),
            "config": ["type": "object", "description": "The step's configuration as saved so far."],
            "warnings": Schema.array(Schemas.ref(FieldError.self)),
            "started_at": Schemas.nullableDateTime, "completed_at": Schemas.nullableDateTime, "seconds_spent": Schema.integer(minimum: 0),
        ], required: ["id", "title", "state", "required", "prerequisites", "config", "warnings", "seconds_spent"])
    }
    static var example: Self {
        Self(id: OnboardingStepID.organization.rawValue, title: OnboardingStepID.organization.title, state: StepState.completed.rawValue,
             required: true, prerequisites: [],
             config: ["legal_name": .string("Northwind Outfitters AB"), "display_name": .string("Northwind Outfitters"),
                      "country": .string("SE"), "time_zone": .string("Europe/Stockholm"), "languages": .array([.string("sv"), .string("en")])],
             warnings: [], startedAt: APIExample.date("2026-03-02T09:15:00Z"), completedAt: APIExample.date("2026-03-02T09:21:37Z"),
             secondsSpent: 397)
    }
}

extension OnboardingController.SessionResponse: APISchema {
    static let schemaName = "OnboardingSession"
    static var schema: JSONValue {
        Schema.object([
            "state": Schema.string(enumeration: SessionState.allCases.map(\.rawValue)),
            "version": Schema.integer(minimum: 1), "progress": Schema.integer(minimum: 0, maximum: 100),
            "current_step": Schema.string(enumeration: OnboardingStepID.allCases.map(\.rawValue)),
            "started_at": Schemas.dateTime, "paused_at": Schemas.nullableDateTime, "completed_at": Schemas.nullableDateTime,
            "steps": Schema.array(Schemas.ref(OnboardingController.StepResponse.self)),
            "next_steps": ["type": ["array", "null"], "items": ["type": "string"],
                           "description": "After completion: what to do next."],
            "template_id": Schema.string("The industry template applied last.", nullable: true),
        ], required: ["state", "version", "progress", "current_step", "started_at", "steps"])
    }
    /// A session just started: every step still to do.
    static var example: Self { Self(OnboardingSession.start(at: APIExample.date("2026-03-02T09:15:00Z"))) }
}

extension OnboardingController.SuggestionResponse: APISchema {
    static let schemaName = "OnboardingSuggestions"
    static var schema: JSONValue {
        Schema.object([
            "items": Schema.array(Schema.object([
                "step": Schema.string(enumeration: OnboardingStepID.allCases.map(\.rawValue)),
                "field": Schema.string("Dotted path in the step's configuration."),
                "value": ["description": "The proposed value."],
                "reason": Schema.string("Why this value is proposed."),
            ], required: ["step", "field", "value", "reason"])),
        ], required: ["items"])
    }
    static var example: Self {
        Self(items: [
            Item(step: OnboardingStepID.organization.rawValue, field: "time_zone", value: .string("Europe/Stockholm"),
                 reason: "Your country is Sweden."),
        ])
    }
}

extension OnboardingController.ChecklistResponse: APISchema {
    static let schemaName = "OnboardingChecklist"
    static var schema: JSONValue {
        Schema.object([
            "ready": Schema.boolean,
            "items": Schema.array(Schema.object([
                "id": Schema.string(), "title": Schema.string(), "step": Schema.string(), "met": Schema.boolean,
            ], required: ["id", "title", "step", "met"])),
        ], required: ["ready", "items"])
    }
    /// The checklist of a session just started.
    static var example: Self {
        let items = OnboardingSession.start(at: APIExample.date("2026-03-02T09:15:00Z")).checklist
        return Self(ready: items.allSatisfy(\.met), items: items)
    }
}

extension OnboardingController.UpdateRequest: APISchema {
    static let schemaName = "UpdateOnboardingStepRequest"
    static var schema: JSONValue {
        Schema.object([
            "config": ["type": ["object", "null"], "description": "Fields to save; null removes a field. Unmentioned fields are kept."],
            "complete": ["type": ["boolean", "null"], "description": "Validate the whole step and complete it."],
            "version": ["type": ["integer", "null"], "minimum": 1, "maximum": 9_007_199_254_740_991,
                        "description": "The session version this change is based on."],
        ])
    }
    static var example: Self {
        Self(config: ["display_name": .string("Northwind Outfitters"), "time_zone": .string("Europe/Stockholm")], complete: false, version: 3)
    }
}

extension OnboardingController.VersionRequest: APISchema {
    static let schemaName = "VersionRequest"
    static var schema: JSONValue {
        Schema.object([
            "version": ["type": ["integer", "null"], "minimum": 1, "maximum": 9_007_199_254_740_991,
                        "description": "The session version this change is based on."],
        ])
    }
    static var example: Self { Self(version: 7) }
}
