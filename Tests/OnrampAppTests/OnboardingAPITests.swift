import Fluent
import Foundation
@testable import OnrampApp
import OnrampDomain
import SQLKit
import Testing
import VaporTesting

/// Valid configuration of every onboarding step, as a client would send it (never mutated).
nonisolated(unsafe) let validStepConfigs: [String: [String: Any]] = [
    "organization": [
        "legal_name": "Acme Support GmbH", "display_name": "Acme", "industry": "ecommerce", "size_band": "5-20",
        "country": "DE", "time_zone": "Europe/Berlin", "languages": ["de", "en"],
        "support_email": "help@acme.example", "website": "https://acme.example",
    ],
    "branding": ["primary_color": "#1F5FBF", "text_color": "#1B1F24", "background_color": "#FFFFFF",
                 "custom_css": ".header { border-radius: 8px; color: #1B1F24; }"],
    "channels": ["enabled": ["email"], "email": ["address": "support@acme.example"]],
    "team": ["invites": [["email": "agent@acme.example", "role": "agent"]]],
    "workflows": [
        "sla": [
            "low": ["first_response_minutes": 480, "resolution_minutes": 4320],
            "normal": ["first_response_minutes": 240, "resolution_minutes": 2880],
            "high": ["first_response_minutes": 60, "resolution_minutes": 1440],
            "urgent": ["first_response_minutes": 15, "resolution_minutes": 240],
        ],
        "business_hours": ["time_zone": "Europe/Berlin", "mon": "09:00-17:00", "tue": "09:00-12:00, 13:00-17:00"],
    ],
    "portal": ["subdomain": "acme", "features": ["faq", "ticket_submission"]],
    "review": ["confirmed": true],
]

@Suite("Onboarding API")
struct OnboardingAPITests {
    func patch(_ app: Application, _ account: TestAccount, _ step: String, _ config: [String: Any],
               complete: Bool = false, ifMatch: String? = nil) async throws -> TestingHTTPResponse {
        var headers = account.bearer + .json
        if let ifMatch { headers.replaceOrAdd(name: .ifMatch, value: ifMatch) }
        return try await app.testing().sendRequest(.PATCH, "/api/v1/onboarding/steps/\(step)", headers: headers,
                                                   body: .json(["config": config, "complete": complete]))
    }

    func post(_ app: Application, _ account: TestAccount, _ path: String) async throws -> TestingHTTPResponse {
        try await app.testing().sendRequest(.POST, "/api/v1/onboarding/\(path)", headers: account.bearer)
    }

    func step(_ json: [String: Any], _ id: String) -> [String: Any]? {
        (json["steps"] as? [[String: Any]])?.first { $0["id"] as? String == id }
    }

    @Test func signupStartsASessionWithEveryStep() async throws {
        try await withOnrampApp { app in
            let account = try await app.signUp()
            let response = try await app.testing().sendRequest(.GET, "/api/v1/onboarding", headers: account.bearer)
            #expect(response.status == .ok)
            #expect(response.headers.first(name: .eTag) == "\"1\"")
            let json = try response.jsonObject()
            #expect(json["state"] as? String == "active")
            #expect(json["progress"] as? Int == 0)
            #expect(json["current_step"] as? String == "organization")
            let ids = (json["steps"] as? [[String: Any]])?.compactMap { $0["id"] as? String }
            #expect(ids == OnboardingStepID.allCases.map(\.rawValue))
            #expect(step(json, "review")?["required"] as? Bool == true)
            #expect(step(json, "payments")?["required"] as? Bool == false)
        }
    }

    @Test func partialSavesAreKeptAndCompletionValidatesEverything() async throws {
        try await withOnrampApp { app in
            let account = try await app.signUp()
            let first = try await patch(app, account, "organization", ["legal_name": "Acme GmbH", "country": "XX"])
            #expect(first.status == .ok)
            let second = try await patch(app, account, "organization", ["display_name": "Acme"])
            let json = try second.jsonObject()
            #expect(json["version"] as? Int == 3)
            let organization = try #require(step(json, "organization"))
            #expect(organization["state"] as? String == "in_progress")
            let config = try #require(organization["config"] as? [String: Any])
            #expect(config["legal_name"] as? String == "Acme GmbH")
            #expect(config["display_name"] as? String == "Acme")

            let invalid = try await patch(app, account, "organization", [:], complete: true)
            let problem = try invalid.expectProblem(.unprocessableEntity, type: "validation-failed")
            let fields = Set((problem["errors"] as? [[String: Any]] ?? []).compactMap { $0["field"] as? String })
            #expect(fields.isSuperset(of: ["country", "industry", "size_band", "time_zone", "languages", "support_email"]))
            let after = try await app.testing().sendRequest(.GET, "/api/v1/onboarding", headers: account.bearer)
            #expect(try after.jsonObject()["version"] as? Int == 3)

            let valid = try await patch(app, account, "organization", validStepConfigs["organization"]!, complete: true)
            #expect(valid.status == .ok)
            let done = try valid.jsonObject()
            #expect(step(done, "organization")?["state"] as? String == "completed")
            #expect(done["current_step"] as? String == "branding")
            #expect((done["progress"] as? Int ?? 0) > 0)
        }
    }

    @Test func illegalTransitionsAreRefusedWithAdvice() async throws {
        try await withOnrampApp { app in
            let account = try await app.signUp()
            _ = try await patch(app, account, "organization", validStepConfigs["organization"]!, complete: true)

            let portal = try await patch(app, account, "portal", validStepConfigs["portal"]!, complete: true)
            let needsBranding = try portal.expectProblem(.conflict, type: "conflict")
            #expect((needsBranding["detail"] as? String)?.contains("Branding") == true)

            let workflows = try await patch(app, account, "workflows", validStepConfigs["workflows"]!, complete: true)
            #expect((try workflows.expectProblem(.conflict)["detail"] as? String)?.contains("Team") == true)

            let skipRequired = try await post(app, account, "steps/team/skip")
            #expect((try skipRequired.expectProblem(.conflict)["detail"] as? String)?.contains("required") == true)
            let skipOptional = try await post(app, account, "steps/payments/skip")
            #expect(skipOptional.status == .ok)
            #expect(step(try skipOptional.jsonObject(), "payments")?["state"] as? String == "skipped")

            let reopenNew = try await post(app, account, "steps/analytics/reopen")
            try reopenNew.expectProblem(.conflict)
            let reopen = try await post(app, account, "steps/organization/reopen")
            #expect(step(try reopen.jsonObject(), "organization")?["state"] as? String == "in_progress")

            let complete = try await post(app, account, "complete")
            #expect((try complete.expectProblem(.conflict)["detail"] as? String)?.contains("cannot be completed yet") == true)

            let unknown = try await patch(app, account, "no-such-step", [:])
            try unknown.expectProblem(.notFound)
        }
    }

    @Test func pausedSessionsRefuseChangesUntilResumed() async throws {
        try await withOnrampApp { app in
            let account = try await app.signUp()
            let paused = try await post(app, account, "pause")
            let pausedJSON = try paused.jsonObject()
            #expect(pausedJSON["state"] as? String == "paused")
            #expect(pausedJSON["paused_at"] as? String != nil)
            try await patch(app, account, "organization", ["legal_name": "X"]).expectProblem(.conflict)
            try await post(app, account, "pause").expectProblem(.conflict)
            #expect(try await post(app, account, "resume").jsonObject()["state"] as? String == "active")
            try await post(app, account, "resume").expectProblem(.conflict)
        }
    }

    @Test func staleVersionsGet409WithTheCurrentState() async throws {
        try await withOnrampApp { app in
            let account = try await app.signUp()
            _ = try await patch(app, account, "organization", ["legal_name": "A"], ifMatch: "\"1\"")
            let stale = try await patch(app, account, "organization", ["legal_name": "B"], ifMatch: "\"1\"")
            let problem = try stale.expectProblem(.conflict)
            let current = try #require(problem["current"] as? [String: Any])
            #expect(current["version"] as? Int == 2)
            #expect(stale.headers.first(name: .eTag) == "\"2\"")
            let organization = try #require(step(current, "organization")?["config"] as? [String: Any])
            #expect(organization["legal_name"] as? String == "A")

            let badHeader = try await patch(app, account, "organization", [:], ifMatch: "soon")
            try badHeader.expectProblem(.unprocessableEntity)
            let byBody = try await app.testing().sendRequest(.POST, "/api/v1/onboarding/pause", headers: account.bearer + .json,
                                                            body: .json(["version": 1]))
            try byBody.expectProblem(.conflict)
        }
    }

    @Test func twoWritersOnOneVersionNeverBothWin() async throws {
        try await withOnrampApp { app in
            let account = try await app.signUp()
            let statuses = try await withThrowingTaskGroup(of: UInt.self) { group in
                for index in 0..<4 {
                    group.addTask {
                        try await patch(app, account, "organization", ["legal_name": "Writer \(index)"], ifMatch: "\"1\"").status.code
                    }
                }
                return try await group.reduce(into: [UInt]()) { $0.append($1) }
            }
            #expect(statuses.filter { $0 == 200 }.count == 1)
            #expect(statuses.filter { $0 == 409 }.count == 3)
            let after = try await app.testing().sendRequest(.GET, "/api/v1/onboarding", headers: account.bearer)
            #expect(try after.jsonObject()["version"] as? Int == 2)
        }
    }

    @Test func completingEveryRequiredStepActivatesTheDesk() async throws {
        try await withOnrampApp { app in
            let account = try await app.signUp()
            for id in ["organization", "branding", "channels", "team", "workflows", "portal", "review"] {
                let response = try await patch(app, account, id, validStepConfigs[id]!, complete: true)
                #expect(response.status == .ok, "\(id): \(response.body.string)")
            }
            let checklist = try await app.testing().sendRequest(.GET, "/api/v1/onboarding/checklist", headers: account.bearer)
            #expect(try checklist.jsonObject()["ready"] as? Bool == true)

            let completed = try await post(app, account, "complete")
            #expect(completed.status == .ok)
            let json = try completed.jsonObject()
            #expect(json["state"] as? String == "completed")
            #expect(json["progress"] as? Int == 100)
            #expect((json["next_steps"] as? [String])?.isEmpty == false)

            let tenant = try #require(try await Tenant.find(account.tenantID, on: app.db))
            #expect(tenant.activatedAt != nil)
            #expect(tenant.features?.contains("channel.email") == true)
            #expect(tenant.features?.contains("portal") == true)

            try await patch(app, account, "organization", ["legal_name": "Late"]).expectProblem(.conflict)

            let actions = try await AuditEvent.query(on: app.db).filter(\.$tenantID == account.tenantID).all().map(\.action)
            #expect(actions.filter { $0 == "onboarding.step.completed" }.count == 7)
            #expect(actions.contains("onboarding.session.completed"))
            let activity = try await ActivityEvent.query(on: app.db).filter(\.$tenantID == account.tenantID).count()
            #expect(activity == 8)
            #expect(try await AuditLog.verify(tenantID: account.tenantID, on: app.db) == .intact(events: 11))

            // The workflows step is live: its hours are the default calendar and its targets the SLA policy.
            let calendars = try await app.testing().sendRequest(.GET, "/api/v1/business-calendars", headers: account.bearer).jsonObject()
            #expect((calendars["items"] as? [[String: Any]])?.map { $0["name"] as? String } == ["Business hours"])
            let policies = try await app.testing().sendRequest(.GET, "/api/v1/sla-policies", headers: account.bearer).jsonObject()
            let policy = try #require((policies["items"] as? [[String: Any]])?.first)
            #expect(policy["name"] as? String == "Standard SLA")
            #expect(((policy["targets"] as? [String: Any])?["urgent"] as? [String: Any])?["first_response_minutes"] as? Int == 15)
            // The team step's people are invited by a job that sends their mail.
            let invitations = try await app.testing().sendRequest(.GET, "/api/v1/invitations", headers: account.bearer).jsonObject()
            #expect((invitations["items"] as? [[String: Any]])?.map { $0["email"] as? String } == ["agent@acme.example"])
            let sends = try await app.db.sql.raw("SELECT COUNT(*) AS n FROM jobs WHERE kind = 'invitations.send' AND tenant_id = \(bind: account.tenantID)").first()
            #expect(try sends?.decode(column: "n", as: Int.self) == 1)
        }
    }

    @Test func brandingContrastIsAWarningNotAnError() async throws {
        try await withOnrampApp { app in
            let account = try await app.signUp()
            _ = try await patch(app, account, "organization", validStepConfigs["organization"]!, complete: true)
            let response = try await patch(app, account, "branding", [
                "primary_color": "#1F5FBF", "text_color": "#999999", "background_color": "#FFFFFF",
            ], complete: true)
            #expect(response.status == .ok)
            let warnings = step(try response.jsonObject(), "branding")?["warnings"] as? [[String: Any]]
            #expect(warnings?.first?["code"] as? String == "low_contrast")
        }
    }

    @Test func viewersReadButCannotChangeAndTenantsStayApart() async throws {
        try await withOnrampApp { app in
            let tenantA = try await app.signUp(organization: "A")
            let tenantB = try await app.signUp(organization: "B")
            let viewer = try await app.addMember(to: tenantA, role: .viewer)
            let viewerHeaders: HTTPHeaders = ["Authorization": "Bearer \(viewer)"]
            let read = try await app.testing().sendRequest(.GET, "/api/v1/onboarding", headers: viewerHeaders)
            #expect(read.status == .ok)
            let write = try await app.testing().sendRequest(.POST, "/api/v1/onboarding/pause", headers: viewerHeaders)
            try write.expectProblem(.forbidden)

            _ = try await patch(app, tenantB, "organization", ["legal_name": "Only B"])
            let sessionA = try await app.testing().sendRequest(.GET, "/api/v1/onboarding", headers: tenantA.bearer)
            let jsonA = try sessionA.jsonObject()
            #expect(jsonA["version"] as? Int == 1)
            #expect(!sessionA.body.string.contains("Only B"))
        }
    }
}

@Suite("Onboarding API: odd but valid input")
struct OnboardingOddInputTests {
    @Test func conflictsCarryTheCurrentStateEvenWithFractionalNumbersInIt() async throws {
        try await withOnrampApp { app in
            let account = try await app.signUp()
            let saved = try await app.testing().sendRequest(
                .PATCH, "/api/v1/onboarding/steps/ai", headers: account.bearer + .json,
                body: .json(["config": ["threshold": 0.75, "huge": 4.7e16]]))
            #expect(saved.status == .ok)
            let stale = try await app.testing().sendRequest(.POST, "/api/v1/onboarding/pause", headers: account.bearer + .json,
                                                           body: .json(["version": 1]))
            let problem = try stale.expectProblem(.conflict)
            let current = try #require(problem["current"] as? [String: Any])
            let ai = (current["steps"] as? [[String: Any]])?.first { $0["id"] as? String == "ai" }
            #expect((ai?["config"] as? [String: Any])?["threshold"] as? Double == 0.75)
            let emptyIfMatch = try await app.testing().sendRequest(.POST, "/api/v1/onboarding/pause",
                                                                  headers: account.bearer + ["If-Match": ""])
            #expect(emptyIfMatch.status == .ok)
        }
    }
}

@Suite("Templates API")
struct TemplateAPITests {
    @Test func listGetAndApplyATemplate() async throws {
        try await withOnrampApp { app in
            let account = try await app.signUp()
            let list = try await app.testing().sendRequest(.GET, "/api/v1/templates", headers: account.bearer)
            let ids = (try list.jsonObject()["items"] as? [[String: Any]])?.compactMap { $0["id"] as? String }
            #expect(ids?.count == 7)
            #expect(ids?.contains("financial_services") == true)

            let detail = try await app.testing().sendRequest(.GET, "/api/v1/templates/ecommerce", headers: account.bearer)
            let template = try detail.jsonObject()
            #expect((template["ticket_categories"] as? [String])?.contains("Returns & refunds") == true)
            #expect((template["sla"] as? [String: Any])?["urgent"] != nil)
            #expect((template["defaults"] as? [String: Any])?["workflows"] != nil)

            _ = try await app.testing().sendRequest(
                .PATCH, "/api/v1/onboarding/steps/organization", headers: account.bearer + .json,
                body: .json(["config": ["industry": "travel", "time_zone": "Europe/Lisbon"]]))
            let applied = try await app.testing().sendRequest(.POST, "/api/v1/templates/ecommerce/apply", headers: account.bearer)
            #expect(applied.status == .ok)
            let session = try applied.jsonObject()
            #expect(session["template_id"] as? String == "ecommerce")
            let steps = try #require(session["steps"] as? [[String: Any]])
            let organization = steps.first { $0["id"] as? String == "organization" }?["config"] as? [String: Any]
            #expect(organization?["industry"] as? String == "travel")
            let workflows = steps.first { $0["id"] as? String == "workflows" }?["config"] as? [String: Any]
            #expect((workflows?["business_hours"] as? [String: Any])?["time_zone"] as? String == "Europe/Lisbon")
            #expect(steps.first { $0["id"] as? String == "payments" }?["required"] as? Bool == true)

            let missing = try await app.testing().sendRequest(.GET, "/api/v1/templates/nope", headers: account.bearer)
            try missing.expectProblem(.notFound)
            let actions = try await AuditEvent.query(on: app.db).filter(\.$tenantID == account.tenantID).all().map(\.action)
            #expect(actions.contains("onboarding.template.applied"))
        }
    }
}

@Suite("Suggestions API")
struct SuggestionAPITests {
    @Test func suggestionsComeWithReasons() async throws {
        try await withOnrampApp { app in
            let account = try await app.signUp()
            _ = try await app.testing().sendRequest(
                .PATCH, "/api/v1/onboarding/steps/organization", headers: account.bearer + .json,
                body: .json(["config": ["country": "DE", "industry": "ecommerce", "size_band": "5-20"]]))
            let response = try await app.testing().sendRequest(.GET, "/api/v1/onboarding/suggestions", headers: account.bearer)
            #expect(response.status == .ok)
            let items = try #require(try response.jsonObject()["items"] as? [[String: Any]])
            let zone = items.first { $0["step"] as? String == "organization" && $0["field"] as? String == "time_zone" }
            #expect(zone?["value"] as? String == "Europe/Berlin")
            #expect(zone?["reason"] as? String == "time zone Europe/Berlin from country DE")
            let high = items.first { $0["field"] as? String == "sla.high" }
            #expect((high?["reason"] as? String)?.contains("E-commerce template for 5–20 agents") == true)
        }
    }
}

@Suite("Custom templates")
struct CustomTemplateAPITests {
    @Test func saveShareApproveAndApplyElsewhereWithoutSecretsOrIdentity() async throws {
        try await withOnrampApp { app in
            // setup: tenant A configures and saves its setup as a template for the platform
            let tenantA = try await app.signUp(organization: "Template Maker")
            for (step, config) in [
                ("organization", validStepConfigs["organization"]!),
                ("workflows", validStepConfigs["workflows"]!),
                ("team", validStepConfigs["team"]!),
            ] {
                _ = try await app.testing().sendRequest(.PATCH, "/api/v1/onboarding/steps/\(step)",
                                                        headers: tenantA.bearer + .json, body: .json(["config": config]))
            }
            let created = try await app.testing().sendRequest(
                .POST, "/api/v1/templates", headers: tenantA.bearer + .json,
                body: .json(["name": "Our shop setup", "summary": "What worked for us", "share_with_platform": true]))
            #expect(created.status == .created)
            let template = try created.jsonObject()
            let id = try #require(template["id"] as? String)
            #expect(!created.body.string.contains("help@acme.example"))
            #expect(!created.body.string.contains("agent@acme.example"))
            #expect(!created.body.string.contains("Acme Support GmbH"))
            #expect(created.body.string.contains("Europe/Berlin"))

            // tenant B cannot see it until an operator approves it
            let tenantB = try await app.signUp(organization: "Template User")
            let hidden = try await app.testing().sendRequest(.GET, "/api/v1/templates/\(id)", headers: tenantB.bearer)
            try hidden.expectProblem(.notFound)

            try await OperatorTests().run(CreateOperatorCommand(),
                                          ["--email", "ops@vendor.example", "--password", strongPassword], on: app)
            let login = try await app.testing().sendRequest(.POST, "/api/v1/auth/login", headers: .json, body: .json([
                "email": "ops@vendor.example", "password": strongPassword,
            ]))
            let session = try #require(login.cookie("onramp_session"))
            let csrf = try #require(login.cookie("onramp_csrf"))
            let operatorHeaders: HTTPHeaders = ["Cookie": "onramp_session=\(session); onramp_csrf=\(csrf)", "X-CSRF-Token": csrf]
            let pending = try await app.testing().sendRequest(.GET, "/api/v1/operator/templates", headers: operatorHeaders)
            #expect((try pending.jsonObject()["items"] as? [[String: Any]])?.first?["id"] as? String == id)
            let approved = try await app.testing().sendRequest(.POST, "/api/v1/operator/templates/\(id)/approve",
                                                              headers: operatorHeaders)
            #expect(approved.status == .ok)
            let again = try await app.testing().sendRequest(.POST, "/api/v1/operator/templates/\(id)/approve",
                                                           headers: operatorHeaders)
            try again.expectProblem(.conflict)
            let tenantApproves = try await app.testing().sendRequest(.POST, "/api/v1/operator/templates/\(id)/approve",
                                                                    headers: tenantA.bearer)
            try tenantApproves.expectProblem(.forbidden)

            // now tenant B lists and applies it
            let list = try await app.testing().sendRequest(.GET, "/api/v1/templates", headers: tenantB.bearer)
            let custom = (try list.jsonObject()["items"] as? [[String: Any]])?.first { $0["id"] as? String == id }
            #expect(custom?["kind"] as? String == "custom")
            #expect(custom?["sharing"] as? String == "approved")
            let applied = try await app.testing().sendRequest(.POST, "/api/v1/templates/\(id)/apply", headers: tenantB.bearer)
            #expect(applied.status == .ok)
            let steps = try #require(try applied.jsonObject()["steps"] as? [[String: Any]])
            let workflows = steps.first { $0["id"] as? String == "workflows" }?["config"] as? [String: Any]
            #expect(workflows?["sla"] != nil)
            let team = steps.first { $0["id"] as? String == "team" }?["config"] as? [String: Any]
            #expect(team?["invites"] == nil)

            let bad = try await app.testing().sendRequest(.POST, "/api/v1/templates", headers: tenantB.bearer + .json,
                                                         body: .json(["name": " "]))
            try bad.expectProblem(.unprocessableEntity)
        }
    }
}

@Suite("Channel secrets")
struct ChannelSecretTests {
    @Test func secretsAreSealedStoredAndNeverShown() async throws {
        try await withOnrampApp { app in
            let account = try await app.signUp()
            let response = try await app.testing().sendRequest(
                .PATCH, "/api/v1/onboarding/steps/channels", headers: account.bearer + .json,
                body: .json(["config": ["enabled": ["whatsapp"], "whatsapp": [
                    "phone_number_id": "106540352242922", "display_phone": "+4930123456", "access_token": "EAAGm0PX4ZCpsBA-secret",
                ]]]))
            #expect(response.status == .ok)
            #expect(!response.body.string.contains("EAAGm0PX4ZCpsBA-secret"))
            let channels = (try response.jsonObject()["steps"] as? [[String: Any]])?.first { $0["id"] as? String == "channels" }
            let whatsapp = (channels?["config"] as? [String: Any])?["whatsapp"] as? [String: Any]
            #expect((whatsapp?["access_token"] as? [String: Any])?["is_set"] as? Bool == true)
            #expect(whatsapp?["phone_number_id"] as? String == "106540352242922")

            let record = try #require(try await OnboardingSessionRecord.query(on: app.db)
                .filter(\.$tenantID == account.tenantID).first())
            #expect(!record.document.contains("EAAGm0PX4ZCpsBA-secret"))
            let session = try OnboardingRepository.decoder.decode(OnboardingSession.self, from: Data(record.document.utf8))
            let sealed = try #require(session.record(.channels).config["whatsapp"]?.objectValue?["access_token"]?
                .objectValue?["sealed"]?.stringValue)
            let context = OnboardingSecrets.context(TenantScope(tenantID: account.tenantID), .channels,
                                                             "whatsapp.access_token")
            #expect(try app.onramp.secretBox.open(sealed, context: context) == "EAAGm0PX4ZCpsBA-secret")
            #expect(throws: SecretBox.Failure.self) { try app.onramp.secretBox.open(sealed, context: "tenant:other") }
            let audit = try await AuditEvent.query(on: app.db).filter(\.$tenantID == account.tenantID).all()
            #expect(!audit.contains { $0.changes.contains("EAAGm0PX4ZCpsBA-secret") })
        }
    }
}
