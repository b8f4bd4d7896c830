import Fluent
import Foundation
import OnrampDomain
import Vapor

/// The onboarding wizard in the browser: `/onboarding` opens the current step,
/// `/onboarding/{step}` one step's form. The pages are rendered on the server with the
/// stored values; `wizard.js` saves through the onboarding API (autosave, complete, skip,
/// pause) and follows live progress over the WebSocket.
struct WizardPages {
    let pages: PageRenderer
    /// The IANA time zones offered in the forms' suggestion list (read once).
    static let timeZones = TimeZone.knownTimeZoneIdentifiers.sorted()

    func register(on routes: any RoutesBuilder) {
        routes.get("onboarding", use: start)
        routes.get("onboarding", ":step", use: page)
    }

    /// Only tenant members reach the wizard; others are sent where they belong.
    func scope(_ req: Request) throws -> (scope: TenantScope, principal: Principal)? {
        guard let principal = req.principal else { return nil }
        guard principal.tenant != nil else { return nil }
        return try req.requireTenant(.onboardingRead)
    }

    @Sendable func start(_ req: Request) async throws -> Response {
        guard let (scope, _) = try scope(req) else { return signInFirst(req) }
        let session = try await req.onboardingSession(scope)
        return req.redirect(to: "/onboarding/\(session.currentStep.rawValue)", redirectType: .normal)
    }

    func signInFirst(_ req: Request) -> Response {
        if req.principal?.isOperator == true { return req.redirect(to: "/operator", redirectType: .normal) }
        return req.redirect(to: "/login", redirectType: .normal)
    }

    @Sendable func page(_ req: Request) async throws -> Response {
        guard let (scope, principal) = try scope(req) else { return signInFirst(req) }
        guard let raw = req.parameters.get("step"), let step = OnboardingStepID(rawValue: raw) else {
            throw Problem.notFound("That onboarding step")
        }
        let session = try await req.onboardingSession(scope)
        let tenant = try await TenantRepository(db: req.db).current(scope)
        let form = WizardForms.form(for: step)
        let record = session.record(step)
        let config = OnboardingSecrets.redacted(.object(record.config)).objectValue ?? [:]
        let all = OnboardingStepID.allCases
        let index = all.firstIndex(of: step)!
        let canManage = principal.tenant?.can(.onboardingManage) == true
        var context: [String: Any] = [
            "tenantName": tenant.name,
            "version": session.version,
            "progress": session.progress,
            "sessionState": session.state.rawValue,
            "paused": session.state == .paused,
            "completed": session.state == .completed,
            "readOnly": !canManage || session.state != .active,
            "canManage": canManage,
            "step": [
                "id": step.rawValue, "title": step.title, "intro": form.intro, "help": form.help,
                "required": session.isRequired(step), "optional": !session.isRequired(step),
                "state": record.state.rawValue, "stateLabel": record.state.label,
                "isDone": record.state == .completed || record.state == .skipped,
                "isReview": step == .review, "isDataImport": step == .dataImport, "isBranding": step == .branding, "isOrganization": step == .organization,
                "number": index + 1, "count": all.count,
                "hasPrerequisites": !step.prerequisites.isEmpty,
                "prerequisites": step.prerequisites.map { ["id": $0.rawValue, "title": $0.title,
                                                          "met": session.record($0).state == .completed] },
            ] as [String: Any],
            "steps": all.map { other -> [String: Any] in
                let state = session.record(other).state
                return ["id": other.rawValue, "title": other.title, "state": state.rawValue,
                        "stateLabel": state.label, "current": other == step,
                        "required": session.isRequired(other), "href": "/onboarding/\(other.rawValue)"]
            },
            "groups": form.groups.map { group -> [String: Any] in
                ["legend": group.legend ?? "", "hasLegend": group.legend != nil,
                 "fields": group.fields.map { Self.fieldContext($0, config: config) }]
            },
            "timeZones": form.groups.contains { $0.fields.contains { $0.list == "time-zones" } }
                ? Self.timeZones : [],
        ]
        if index > 0 { context["previous"] = ["href": "/onboarding/\(all[index - 1].rawValue)", "title": all[index - 1].title] }
        if index + 1 < all.count { context["next"] = ["href": "/onboarding/\(all[index + 1].rawValue)", "title": all[index + 1].title] }
        if step == .review {
            // The review step's own item is met by activating from this page: not listed here.
            let checklist = session.checklist.filter { $0.step != .review }
            context["checklist"] = checklist.map { item -> [String: Any] in
                ["title": item.title, "met": item.met, "href": "/onboarding/\(item.step.rawValue)"]
            }
            context["ready"] = checklist.allSatisfy(\.met)
            context["summary"] = all.filter { $0 != .review }.map { other -> [String: Any] in
                let otherRecord = session.record(other)
                let values = OnboardingSecrets.redacted(.object(otherRecord.config)).objectValue ?? [:]
                return ["title": other.title, "href": "/onboarding/\(other.rawValue)",
                        "stateLabel": otherRecord.state.label, "state": otherRecord.state.rawValue,
                        "items": Self.flatten(values).map { ["key": $0.key, "value": $0.value] },
                        "empty": values.isEmpty]
            }
        }
        let response = pages.render("wizard", context, request: req)
        if step == .branding {
            response.headers.replaceOrAdd(name: "Content-Security-Policy", value: SecurityHeadersMiddleware.brandingPreviewPolicy)
        }
        return response
    }

    static func value(at path: String, in config: [String: ConfigValue]) -> ConfigValue? {
        var current: ConfigValue = .object(config)
        for part in path.split(separator: ".") {
            guard let next = current.objectValue?[String(part)] else { return nil }
            current = next
        }
        return current
    }

    static func text(_ value: ConfigValue?) -> String {
        switch value {
        case .string(let text)?: text
        case .number(let number)?: number.rounded() == number && abs(number) < 1e15 ? String(Int64(number)) : String(number)
        case .bool(let flag)?: flag ? "true" : "false"
        default: ""
        }
    }

    static func fieldContext(_ field: WizardField, config: [String: ConfigValue]) -> [String: Any] {
        let value = Self.value(at: field.path, in: config)
        var context: [String: Any] = [
            "id": field.id, "path": field.path, "label": field.label, "kind": field.kind.rawValue,
            "help": field.help ?? "", "hasHelp": field.help != nil, "tip": field.tip ?? "", "hasTip": field.tip != nil,
            "placeholder": field.placeholder ?? "", "required": field.required, "list": field.list ?? "", "hasList": field.list != nil,
            "is\(field.kind.rawValue.prefix(1).uppercased() + field.kind.rawValue.dropFirst())": true,
        ]
        switch field.kind {
        case .text, .email, .url, .number, .textarea:
            context["value"] = text(value)
            context["inputType"] = ["email": "email", "url": "url", "number": "number"][field.kind.rawValue] ?? "text"
            context["isInput"] = field.kind != .textarea
        case .color:
            let current = text(value)
            context["value"] = current
            // `<input type=color>` needs #rrggbb; other spellings stay in the text box only.
            context["swatch"] = current.range(of: #"^#[0-9a-fA-F]{6}$"#, options: .regularExpression) != nil ? current.lowercased() : "#000000"
        case .select:
            let current = text(value)
            context["options"] = field.options.map { ["value": $0.value, "label": $0.label, "selected": $0.value == current] }
        case .checkboxes:
            let chosen = Set(value?.arrayValue?.compactMap(\.stringValue) ?? [])
            context["options"] = field.options.enumerated().map { offset, option in
                ["value": option.value, "label": option.label, "checked": chosen.contains(option.value),
                 "optionId": "\(field.id)-\(offset)"] as [String: Any]
            }
        case .toggle:
            context["checked"] = value?.boolValue == true
        case .tags:
            context["value"] = value?.arrayValue?.map { text($0) }.joined(separator: ", ") ?? ""
        case .secret:
            context["isStored"] = value?.objectValue?["is_set"]?.boolValue == true
        case .invites:
            let rows = value?.arrayValue ?? []
            context["rows"] = (rows + [.object([:])]).enumerated().map { offset, row -> [String: Any] in
                let member = row.objectValue ?? [:]
                let role = text(member["role"])
                return ["index": offset, "email": text(member["email"]),
                        "roles": field.options.map { ["value": $0.value, "label": $0.label,
                                                      "selected": $0.value == (role.isEmpty ? "agent" : role)] }]
            }
        }
        return context
    }

    /// `key: value` lines of a step's configuration, nested keys dotted, secrets as "set".
    static func flatten(_ config: [String: ConfigValue], prefix: String = "") -> [(key: String, value: String)] {
        config.keys.sorted().flatMap { key -> [(key: String, value: String)] in
            let value = config[key]!
            let name = prefix.isEmpty ? key : "\(prefix).\(key)"
            switch value {
            case .object(let members) where members["is_set"] != nil: return [(name, "(secret, stored encrypted)")]
            case .object(let members): return flatten(members, prefix: name)
            case .array(let items):
                return [(name, items.map { item in
                    guard let members = item.objectValue else { return text(item) }
                    return members.keys.sorted().map { "\($0): \(text(members[$0]))" }.joined(separator: ", ")
                }.joined(separator: "; "))]
            default: return [(name, text(value))]
            }
        }
    }
}

extension StepState {
    /// How pages name the state.
    var label: String {
        switch self {
        case .notStarted: "Not started"
        case .inProgress: "In progress"
        case .completed: "Completed"
        case .skipped: "Skipped"
        }
    }
}
