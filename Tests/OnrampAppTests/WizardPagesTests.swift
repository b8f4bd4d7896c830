import Fluent
import Foundation
@testable import OnrampApp
import OnrampDomain
import Testing
import VaporTesting

extension Application {
    /// Completes every required step (and the portal) and activates the desk through the API.
    func activate(_ account: TestAccount, overriding overrides: [String: [String: Any]] = [:]) async throws {
        for id in ["organization", "branding", "channels", "team", "workflows", "portal", "review"] {
            let response = try await testing().sendRequest(.PATCH, "/api/v1/onboarding/steps/\(id)", headers: account.bearer + .json,
                                                           body: .json(["config": overrides[id] ?? validStepConfigs[id]!, "complete": true]))
            #expect(response.status == .ok, "\(id): \(response.body.string)")
        }
        let done = try await testing().sendRequest(.POST, "/api/v1/onboarding/complete", headers: account.bearer)
        #expect(done.status == .ok, "\(done.body.string)")
    }
}

@Suite("Wizard, welcome and operator pages")
struct WizardPagesTests {
    @Test func theWizardOpensTheCurrentStepWithTheStoredValues() async throws {
        try await withOnrampApp { app in
            let account = try await app.signUp(organization: "Page Co")
            let anonymous = try await app.testing().sendRequest(.GET, "/onboarding")
            #expect(anonymous.status == .seeOther)
            #expect(anonymous.headers.first(name: .location) == "/login")

            let start = try await app.testing().sendRequest(.GET, "/onboarding", headers: account.browser)
            #expect(start.headers.first(name: .location) == "/onboarding/organization")

            _ = try await app.testing().sendRequest(.PATCH, "/api/v1/onboarding/steps/organization", headers: account.bearer + .json,
                                                    body: .json(["config": ["legal_name": "Page <Co> & Sons", "languages": ["de", "en"]]]))
            let page = try await app.testing().sendRequest(.GET, "/onboarding/organization", headers: account.browser)
            #expect(page.status == .ok)
            let html = page.body.string
            #expect(html.contains(#"data-step="organization""#))
            #expect(html.contains(#"data-version="2""#))
            // stored values come back escaped, lists as comma-separated text
            #expect(html.contains(#"value="Page &lt;Co&gt; &amp; Sons""#))
            #expect(html.contains(#"value="de, en""#))
            #expect(html.contains("Europe/Berlin"), "the time-zone list is offered")
            #expect(html.contains(#"id="f-time_zone-error""#), "every field has a place for its error")
            // the tracker lists every step with its state
            for step in OnboardingStepID.allCases { #expect(html.contains(#"data-step-id="\#(step.rawValue)""#)) }
            #expect(html.contains("/static/wizard.js"))

            let missing = try await app.testing().sendRequest(.GET, "/onboarding/nowhere", headers: account.browser)
            #expect(missing.status == .notFound)
        }
    }

    @Test func secretsAreNeverRenderedAndAFormSaveKeepsThem() async throws {
        try await withOnrampApp { app in
            let account = try await app.signUp()
            let saved = try await app.testing().sendRequest(.PATCH, "/api/v1/onboarding/steps/channels", headers: account.bearer + .json,
                                                            body: .json(["config": ["enabled": ["whatsapp"], "whatsapp": [
                                                                "phone_number_id": "1234567890", "access_token": "EAAG-secret-token"]]]))
            #expect(saved.status == .ok)
            let page = try await app.testing().sendRequest(.GET, "/onboarding/channels", headers: account.browser)
            #expect(!page.body.string.contains("EAAG-secret-token"))
            #expect(!page.body.string.contains("sb1."))
            #expect(page.body.string.contains("A secret is stored"))
            // The form sends the object back without the secret (it never saw it), or echoes {"is_set": true}.
            for whatsapp: [String: Any] in [["phone_number_id": "1234567899"], ["phone_number_id": "1234567898", "access_token": ["is_set": true]]] {
                let again = try await app.testing().sendRequest(.PATCH, "/api/v1/onboarding/steps/channels", headers: account.bearer + .json,
                                                                body: .json(["config": ["whatsapp": whatsapp]]))
                #expect(again.status == .ok)
                let token = ((try step(again, "channels")?["config"] as? [String: Any])?["whatsapp"] as? [String: Any])?["access_token"]
                #expect((token as? [String: Any])?["is_set"] as? Bool == true, "the stored token is kept")
            }
            // null removes it
            let removed = try await app.testing().sendRequest(.PATCH, "/api/v1/onboarding/steps/channels", headers: account.bearer + .json,
                                                              body: .json(["config": ["whatsapp": ["phone_number_id": "1", "access_token": NSNull()]]]))
            let whatsapp = (try step(removed, "channels")?["config"] as? [String: Any])?["whatsapp"] as? [String: Any]
            #expect(whatsapp?["access_token"] == nil)
        }
    }

    func step(_ response: TestingHTTPResponse, _ id: String) throws -> [String: Any]? {
        (try response.jsonObject()["steps"] as? [[String: Any]])?.first { $0["id"] as? String == id }
    }

    @Test func theReviewPageSummarisesAndLinksUnmetItems() async throws {
        try await withOnrampApp { app in
            let account = try await app.signUp()
            let page = try await app.testing().sendRequest(.GET, "/onboarding/review", headers: account.browser)
            let html = page.body.string
            #expect(html.contains("Activate my desk"))
            #expect(html.contains(#"<a href="/onboarding/branding">"#), "unmet items link to their step")
            #expect(html.contains(#"id="not-ready""#))
        }
    }

    @Test func activationMakesRemovableSamplesAndAWelcomeWithATour() async throws {
        try await withOnrampApp { app in
            let account = try await app.signUp(organization: "Welcome Co")
            let before = try await app.testing().sendRequest(.GET, "/", headers: account.browser)
            #expect(before.body.string.contains("Continue setup"))
            // Web portal only: not the email the samples fall back to without channels.
            try await app.activate(account, overriding: ["channels": ["enabled": ["portal"]]])

            let samples = try await app.testing().sendRequest(.GET, "/api/v1/samples", headers: account.bearer).jsonObject()
            let items = try #require(samples["items"] as? [[String: Any]])
            #expect(items.count >= 3)
            #expect(items.allSatisfy { $0["is_sample"] as? Bool == true })
            #expect(items.filter { $0["kind"] as? String == "ticket" }.allSatisfy { ($0["details"] as? [String: String])?["channel"] == "portal" },
                    "samples use the configured channels")

            let home = try await app.testing().sendRequest(.GET, "/", headers: account.browser).body.string
            #expect(home.contains("Your desk"))
            #expect(home.contains("Sample Ticket"))
            #expect(home.contains("Remove sample data"))
            #expect(home.contains("Invite the rest of your team"))

            // tour: starts, moves, is dismissed, and stays so
            var tour = try await app.testing().sendRequest(.GET, "/api/v1/me/tour", headers: account.bearer).jsonObject()
            #expect(tour["state"] as? String == "not_started")
            for (action, state, stop) in [("start", "in_progress", 0), ("next", "in_progress", 1), ("back", "in_progress", 0),
                                           ("dismiss", "dismissed", 0)] {
                tour = try await app.testing().sendRequest(.PUT, "/api/v1/me/tour", headers: account.browser + .json,
                                                           body: .json(["action": action])).jsonObject()
                #expect(tour["state"] as? String == state, "\(action)")
                #expect(tour["stop"] as? Int == stop, "\(action)")
            }
            let again = try await app.testing().sendRequest(.GET, "/api/v1/me/tour", headers: account.bearer).jsonObject()
            #expect(again["state"] as? String == "dismissed")
            let bad = try await app.testing().sendRequest(.PUT, "/api/v1/me/tour", headers: account.bearer + .json,
                                                          body: .json(["action": "teleport"]))
            try bad.expectProblem(.unprocessableEntity)

            // one click removes every sample, audited; a viewer may not
            let viewer = try await app.addMember(to: account, role: .viewer)
            let refused = try await app.testing().sendRequest(.DELETE, "/api/v1/samples", headers: ["Authorization": "Bearer \(viewer)"])
            try refused.expectProblem(.forbidden)
            let removed = try await app.testing().sendRequest(.DELETE, "/api/v1/samples", headers: account.bearer).jsonObject()
            #expect(removed["removed"] as? Int == items.count)
            let after = try await app.testing().sendRequest(.GET, "/api/v1/samples", headers: account.bearer).jsonObject()
            #expect((after["items"] as? [Any])?.isEmpty == true)
            let actions = try await AuditEvent.query(on: app.db).filter(\.$tenantID == account.tenantID).all().map(\.action)
            #expect(actions.contains("samples.removed"))
        }
    }

    @Test func operatorsSeeEveryTenantsOnboardingAndDrillDown() async throws {
        try await withOnrampApp(extraEnvironment: ["ONRAMP_STALLED_AFTER_HOURS": "1"]) { app in
            let fresh = try await app.signUp(organization: "Fresh Desk")
            let stale = try await app.signUp(organization: "Stale Desk")
            // Stale's last activity was two hours ago.
            let record = try #require(try await OnboardingSessionRecord.query(on: app.db).filter(\.$tenantID == stale.tenantID).first())
            record.lastActivityAt = Date().addingTimeInterval(-7200)
            record.startedAt = Date().addingTimeInterval(-7200)
            try await record.update(on: app.db)
            let ops = try await app.signUpOperator()

            let list = try await app.testing().sendRequest(.GET, "/api/v1/operator/tenants", headers: ops).jsonObject()
            let items = try #require(list["items"] as? [[String: Any]])
            let byName = Dictionary(uniqueKeysWithValues: items.map { ($0["name"] as! String, $0["onboarding"] as? [String: Any]) })
            #expect(byName["Fresh Desk"]??["stalled"] as? Bool == false)
            #expect(byName["Stale Desk"]??["stalled"] as? Bool == true)
            #expect(byName["Fresh Desk"]??["current_step"] as? String == "organization")

            let session = try await app.testing().sendRequest(.GET, "/api/v1/operator/tenants/\(fresh.tenantID)/onboarding", headers: ops)
            #expect(try session.jsonObject()["version"] as? Int == 1)
            let audit = try await app.testing().sendRequest(.GET, "/api/v1/operator/tenants/\(fresh.tenantID)/audit-events", headers: ops)
            #expect((try audit.jsonObject()["items"] as? [[String: Any]])?.contains { $0["action"] as? String == "tenant.created" } == true)
            let unknown = try await app.testing().sendRequest(.GET, "/api/v1/operator/tenants/\(UUID())/onboarding", headers: ops)
            try unknown.expectProblem(.notFound)

            let dashboard = try await app.testing().sendRequest(.GET, "/operator", headers: ops).body.string
            #expect(dashboard.contains("Fresh Desk") && dashboard.contains("Stale Desk"))
            #expect(dashboard.contains(#"data-status="stalled""#))
            let detail = try await app.testing().sendRequest(.GET, "/operator/tenants/\(stale.tenantID)", headers: ops).body.string
            #expect(detail.contains("tenant.created"), "the drill-down shows the audit trail")
            #expect(detail.contains("Organisation profile"))

            // tenant users are kept out
            let refused = try await app.testing().sendRequest(.GET, "/operator", headers: fresh.browser)
            #expect(refused.status == .forbidden)
            let other = try await app.testing().sendRequest(.GET, "/operator/tenants/\(stale.tenantID)", headers: fresh.browser)
            #expect(other.status == .forbidden)
        }
    }

    @Test func theJobsPageIsForTenantMembers() async throws {
        try await withOnrampApp { app in
            let anonymous = try await app.testing().sendRequest(.GET, "/jobs")
            #expect(anonymous.headers.first(name: .location) == "/login")
            let account = try await app.signUp(organization: "Jobs & Co")
            let page = try await app.testing().sendRequest(.GET, "/jobs", headers: account.browser)
            #expect(page.status == .ok)
            #expect(page.body.string.contains("Jobs &amp; Co"))
            #expect(page.body.string.contains("/static/jobs.js"))
            let viewer = try await app.addMember(to: account, role: .viewer)
            let refused = try await app.testing().sendRequest(.GET, "/jobs", headers: ["Authorization": "Bearer \(viewer)"])
            #expect(refused.status == .forbidden, "viewers do not read the audit trail, nor its jobs")
        }
    }
}
