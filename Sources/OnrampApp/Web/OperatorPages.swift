import Fluent
import Foundation
import OnrampDomain
import Vapor

/// The operator dashboard: `/operator` lists every tenant's onboarding (sortable, filterable,
/// live through `streamOperatorDashboard`); `/operator/tenants/{tenantId}` drills into one
/// tenant's session and audit trail. Platform operators only.
struct OperatorPages {
    let pages: PageRenderer

    func register(on routes: any RoutesBuilder) {
        routes.get("operator", use: dashboard)
        routes.get("operator", "tenants", ":tenantId", use: tenant)
    }

    static func formatted(_ date: Date?) -> String {
        guard let date else { return "—" }
        return date.formatted(.iso8601.year().month().day().dateSeparator(.dash).time(includingFractionalSeconds: false)
            .timeSeparator(.colon)).replacingOccurrences(of: "T", with: " ").replacingOccurrences(of: "Z", with: " UTC")
    }

    static func status(_ summary: OperatorController.OnboardingSummary?) -> String {
        guard let summary else { return "not started" }
        return summary.stalled ? "stalled" : summary.state
    }

    @Sendable func dashboard(_ req: Request) async throws -> Response {
        guard req.principal?.isOperator == true else { return try refuse(req) }
        let hours = req.onramp.settings.stalledAfterHours
        let tenants = try await TenantOverview.tenants(limit: 500, on: req.db, stalledAfterHours: hours)
        let rows = tenants.map { tenant -> [String: Any] in
            let id = tenant.id
            let summary = tenant.onboarding
            let step = summary.flatMap { OnboardingStepID(rawValue: $0.currentStep) }
            return [
                "id": id.uuidString, "name": tenant.name, "href": "/operator/tenants/\(id.uuidString)",
                "step": step?.title ?? "—", "stepId": summary?.currentStep ?? "",
                "progress": summary?.progress ?? 0, "status": Self.status(summary),
                "started": Self.formatted(summary?.startedAt), "startedSort": summary?.startedAt.timeIntervalSince1970 ?? 0,
                "lastActivity": Self.formatted(summary?.lastActivityAt ?? summary?.startedAt),
                "lastActivitySort": (summary?.lastActivityAt ?? summary?.startedAt)?.timeIntervalSince1970 ?? 0,
            ]
        }
        return pages.render("operator", [
            "tenants": rows, "count": rows.count, "stalledAfterHours": hours,
            "stepTitles": OnboardingStepID.allCases.map { ["id": $0.rawValue, "title": $0.title] },
        ], request: req)
    }

    @Sendable func tenant(_ req: Request) async throws -> Response {
        guard req.principal?.isOperator == true else { return try refuse(req) }
        let (scope, _) = try await req.requireOperatorScope(.platformTenantsRead)
        let tenant = try await TenantRepository(db: req.db).current(scope)
        let session = try await TenantOverview.session(of: tenant, scope, on: req.db)
        let events = try await AuditRepository(db: req.db).page(in: scope, before: nil, limit: 200)
        let hours = req.onramp.settings.stalledAfterHours
        let lastActivity = session.lastActivityAt
        let stalled = OnboardingStall.isStalled(state: session.state, lastActivityAt: lastActivity, startedAt: session.startedAt,
                                                now: Date(), afterHours: hours)
        return pages.render("operator-tenant", [
            "tenantId": scope.tenantID.uuidString, "name": tenant.name, "slug": tenant.slug,
            "activated": Self.formatted(tenant.activatedAt), "state": stalled ? "stalled" : session.state.rawValue,
            "progress": session.progress, "version": session.version, "currentStep": session.currentStep.title,
            "started": Self.formatted(session.startedAt), "lastActivity": Self.formatted(lastActivity),
            "steps": OnboardingStepID.allCases.map { step -> [String: Any] in
                let record = session.record(step)
                return ["id": step.rawValue, "title": step.title, "state": record.state.rawValue,
                        "stateLabel": record.state.label, "required": session.isRequired(step),
                        "minutes": Int((record.secondsSpent / 60).rounded()), "completed": Self.formatted(record.completedAt)]
            },
            "events": events.map { event -> [String: Any] in
                ["sequence": event.sequence, "at": Self.formatted(event.occurredAt), "actor": event.actor,
                 "action": event.action, "target": event.target, "changes": event.changes]
            },
        ], request: req)
    }

    func refuse(_ req: Request) throws -> Response {
        guard req.principal != nil else { return req.redirect(to: "/login", redirectType: .normal) }
        throw Problem(.forbidden, "The operator dashboard is for platform operators.")
    }
}
