import Fluent
import Foundation
import OnrampDomain
import Vapor

/// Server-rendered pages: sign up, log in, log out, home, API reference, problem types.
/// They work without JavaScript: plain forms, 303 redirects after success.
struct AppPages {
    let pages: PageRenderer

    struct SignupFormBody: Content {
        var organizationName: String?
        var name: String?
        var email: String?
        var password: String?
        var csrf: String?

        enum CodingKeys: String, CodingKey {
            case organizationName = "organization_name", name, email, password, csrf = "_csrf"
        }
    }

    struct LoginFormBody: Content {
        var email: String?
        var password: String?
        var csrf: String?

        enum CodingKeys: String, CodingKey {
            case email, password, csrf = "_csrf"
        }
    }

    struct CSRFOnly: Content {
        var csrf: String?
        enum CodingKeys: String, CodingKey { case csrf = "_csrf" }
    }

    func register(on routes: any RoutesBuilder) {
        routes.get(use: home)
        routes.get("signup", use: signupPage)
        routes.on(.POST, "signup", body: .collect(maxSize: "16kb"), use: signup)
        routes.get("login", use: loginPage)
        routes.on(.POST, "login", body: .collect(maxSize: "16kb"), use: login)
        routes.on(.POST, "logout", body: .collect(maxSize: "4kb"), use: logout)
        routes.get("docs", use: docs)
        routes.get("jobs", use: jobs)
        routes.get("imports", use: imports)
        routes.get("imports", ":importId", use: imports)
        routes.get("tickets", use: tickets)
        routes.get("tickets", ":ticketId", use: tickets)
        routes.get("routing-rules", use: routingRules)
        routes.get("team", use: team)
        routes.get("slas", use: slas)
        routes.get("invitations", "accept", use: acceptInvitation)
        routes.get("problems", ":slug", use: problemType)
    }

    @Sendable func home(_ req: Request) async throws -> Response {
        guard let principal = req.principal else { return req.redirect(to: "/signup", redirectType: .normal) }
        var context: [String: Any] = [
            "userName": principal.name, "email": principal.email, "isOperator": principal.isOperator,
            "justPaused": req.query[String.self, at: "paused"] != nil,
            "justActivated": req.query[String.self, at: "activated"] != nil,
        ]
        if let tenant = principal.tenant {
            let record = try await TenantRepository(db: req.db).current(tenant.scope)
            let session = try await req.onboardingSession(tenant.scope)
            context["tenantName"] = record.name
            context["role"] = tenant.roleName
            context["canManage"] = tenant.can(.onboardingManage)
            context["progress"] = session.progress
            context["currentStep"] = session.currentStep.title
            context["paused"] = session.state == .paused
            if record.activatedAt != nil {
                context["activated"] = true
                context["desk"] = Self.desk(session)
                context["nextSteps"] = Activation.nextSteps(for: session)
                let welcome = WelcomeStore(db: req.db)
                let samples = try await welcome.samples(tenant.scope)
                context["samples"] = samples.map { sample -> [String: Any] in
                    let details = sample.detailValues
                    return ["kind": sample.kind == "ticket" ? "Ticket" : "Article", "title": sample.title, "body": sample.body,
                            "details": details.keys.sorted().map { ["key": $0, "value": details[$0]!] }]
                }
                context["hasSamples"] = !samples.isEmpty
                if let progress = try await welcome.tour(tenant.scope, userID: principal.userID)?.progress {
                    context["tour"] = ["state": progress.state.rawValue, "stop": progress.stop]
                }
            } else {
                context["settingUp"] = true
            }
        }
        return pages.render("home", context, request: req)
    }

    /// The configured desk in a few lines, for the welcome dashboard.
    static func desk(_ session: OnboardingSession) -> [String: Any] {
        let channels = session.record(.channels).config["enabled"]?.arrayValue?.compactMap(\.stringValue) ?? []
        let invites = session.record(.team).config["invites"]?.arrayValue ?? []
        let sla = session.record(.workflows).config["sla"]?.objectValue ?? [:]
        let hours = session.record(.workflows).config["business_hours"]?.objectValue ?? [:]
        let portal = session.record(.portal).config
        let minutes = { (value: ConfigValue?) -> String in
            guard let number = value?.numberValue else { return "—" }
            return number >= 60 && number.truncatingRemainder(dividingBy: 60) == 0 ? "\(Int(number / 60)) h" : "\(Int(number)) min"
        }
        return [
            "channels": channels.isEmpty ? "none yet" : channels.joined(separator: ", "),
            "invites": invites.count,
            "sla": StepValidator.priorities.map { priority -> [String: String] in
                let targets = sla[priority]?.objectValue
                return ["priority": priority.capitalized, "first": minutes(targets?["first_response_minutes"]),
                        "resolution": minutes(targets?["resolution_minutes"])]
            },
            "timeZone": hours["time_zone"]?.stringValue ?? "—",
            "portal": portal["subdomain"]?.stringValue.map { "\($0) (" + (portal["features"]?.arrayValue?.compactMap(\.stringValue)
                .joined(separator: ", ") ?? "") + ")" } ?? "not set up",
            "features": Activation.features(of: session).joined(separator: ", "),
        ]
    }

    /// The tenant's background jobs (the page reads them through the jobs API).
    @Sendable func jobs(_ req: Request) async throws -> Response {
        guard let principal = req.principal else { return req.redirect(to: "/login", redirectType: .normal) }
        guard principal.tenant != nil else { return req.redirect(to: "/", redirectType: .normal) }
        let (scope, _) = try req.requireTenant(.auditRead)
        let tenant = try await TenantRepository(db: req.db).current(scope)
        return pages.render("jobs", ["tenantName": tenant.name], request: req)
    }

    /// Data imports: the list, and one import's mapping, preview, progress and result (the page
    /// works through the imports API).
    @Sendable func imports(_ req: Request) async throws -> Response {
        guard let principal = req.principal else { return req.redirect(to: "/login", redirectType: .normal) }
        guard principal.tenant != nil else { return req.redirect(to: "/", redirectType: .normal) }
        let (scope, _) = try req.requireTenant(.onboardingRead)
        let tenant = try await TenantRepository(db: req.db).current(scope)
        let id = req.parameters.get("importId").flatMap(UUID.init(uuidString:))
        if req.parameters.get("importId") != nil && id == nil { throw Problem.notFound("That import") }
        return pages.render("imports", [
            "tenantName": tenant.name, "importId": id?.uuidString.lowercased() ?? "", "detail": id != nil,
            "canManage": principal.tenant?.can(.onboardingManage) == true,
        ], request: req)
    }

    /// Tickets: the list, and one ticket's conversation (the page works through the tickets API).
    @Sendable func tickets(_ req: Request) async throws -> Response {
        guard let principal = req.principal else { return req.redirect(to: "/login", redirectType: .normal) }
        guard principal.tenant != nil else { return req.redirect(to: "/", redirectType: .normal) }
        let (scope, _) = try req.requireTenant(.ticketsRead)
        let tenant = try await TenantRepository(db: req.db).current(scope)
        let id = req.parameters.get("ticketId").flatMap(UUID.init(uuidString:))
        if req.parameters.get("ticketId") != nil && id == nil { throw Problem.notFound("That ticket") }
        return pages.render("tickets", [
            "tenantName": tenant.name, "ticketId": id?.uuidString.lowercased() ?? "", "detail": id != nil,
            "canWrite": principal.tenant?.can(.ticketsWrite) == true,
        ], request: req)
    }

    /// Routing rules (the page works through the routing rules API).
    @Sendable func routingRules(_ req: Request) async throws -> Response {
        guard let principal = req.principal else { return req.redirect(to: "/login", redirectType: .normal) }
        guard principal.tenant != nil else { return req.redirect(to: "/", redirectType: .normal) }
        let (scope, _) = try req.requireTenant(.ticketsRead)
        let tenant = try await TenantRepository(db: req.db).current(scope)
        return pages.render("routing", ["tenantName": tenant.name, "canManage": principal.tenant?.can(.settingsManage) == true],
                            request: req)
    }

    /// The team: agents and profiles, invitations, roles, the dashboard and the sandbox (the page works through the team APIs).
    @Sendable func team(_ req: Request) async throws -> Response {
        guard let principal = req.principal else { return req.redirect(to: "/login", redirectType: .normal) }
        guard let access = principal.tenant else { return req.redirect(to: "/", redirectType: .normal) }
        let tenant = try await TenantRepository(db: req.db).current(access.scope)
        let sandboxOf = try await TenantRepository(db: req.db).sandboxOf(access.scope)
        return pages.render("team", [
            "tenantName": tenant.name, "userId": principal.userID.uuidString.lowercased(),
            "canManageMembers": access.can(.membersManage), "canReadMembers": access.can(.membersRead),
            "canReadReports": access.can(.reportsRead), "canManageSettings": access.can(.settingsManage),
            "isSandbox": sandboxOf != nil, "realTenantId": sandboxOf?.uuidString.lowercased() ?? "",
        ], request: req)
    }

    /// SLA policies and business calendars (the page works through the SLA APIs).
    @Sendable func slas(_ req: Request) async throws -> Response {
        guard let principal = req.principal else { return req.redirect(to: "/login", redirectType: .normal) }
        guard let access = principal.tenant else { return req.redirect(to: "/", redirectType: .normal) }
        let tenant = try await TenantRepository(db: req.db).current(access.scope)
        return pages.render("slas", ["tenantName": tenant.name, "canManage": access.can(.settingsManage),
                                     "templates": IndustryTemplates.all.map { ["id": $0.id, "name": $0.name] }], request: req)
    }

    /// Where an invitation link leads: anyone may open it; the page reads the invitation by its
    /// token and accepts it (name and password, or the existing account's password).
    @Sendable func acceptInvitation(_ req: Request) async throws -> Response {
        let token = req.query[String.self, at: "token"] ?? ""
        let found = try await Invitations.lookup(token: token, on: req.db, now: Date())
        let hasAccount = if let found { try await UserRepository(db: req.db).find(email: found.email) != nil } else { false }
        let status: HTTPResponseStatus = found?.verdict == .usable ? .ok : found == nil ? .notFound : found?.verdict == .used ? .conflict : .gone
        let response = pages.render("accept-invitation", [
            "token": found?.verdict == .usable ? token : "", "usable": found?.verdict == .usable,
            "message": (found?.verdict ?? .unknown).message, "email": found?.email ?? "", "name": found?.name ?? "",
            "tenantName": found?.tenantName ?? "", "role": found?.role.rawValue.replacingOccurrences(of: "_", with: " ") ?? "",
            "hasAccount": hasAccount,
        ], request: req, status: status)
        // The token is in the address: keep it out of other sites' Referer headers.
        response.headers.replaceOrAdd(name: "Referrer-Policy", value: "no-referrer")
        return response
    }

    @Sendable func signupPage(_ req: Request) async throws -> Response {
        if req.principal != nil { return req.redirect(to: "/", redirectType: .normal) }
        return pages.render("signup", ["values": [String: String]()], request: req)
    }

    @Sendable func signup(_ req: Request) async throws -> Response {
        let form = try req.content.decode(SignupFormBody.self)
        let values = ["organization_name": form.organizationName ?? "", "name": form.name ?? "", "email": form.email ?? ""]
        do {
            try req.verifyCSRF(form.csrf)
            let result = try await AccountService(request: req).signup(SignupForm(
                organizationName: form.organizationName, name: form.name, email: form.email, password: form.password))
            return signedIn(req, sessionSecret: result.sessionSecret)
        } catch let problem as Problem where problem.type != .internalError {
            return formPage("signup", problem, values: values, request: req)
        } catch let failure as ValidationFailure {
            return formPage("signup", .validation(failure), values: values, request: req)
        }
    }

    @Sendable func loginPage(_ req: Request) async throws -> Response {
        if req.principal != nil { return req.redirect(to: "/", redirectType: .normal) }
        return pages.render("login", ["values": [String: String]()], request: req)
    }

    @Sendable func login(_ req: Request) async throws -> Response {
        let form = try req.content.decode(LoginFormBody.self)
        let values = ["email": form.email ?? ""]
        do {
            try req.verifyCSRF(form.csrf)
            let result = try await AccountService(request: req).login(LoginForm(email: form.email, password: form.password))
            return signedIn(req, sessionSecret: result.sessionSecret)
        } catch let problem as Problem where problem.type != .internalError {
            return formPage("login", problem, values: values, request: req)
        } catch let failure as ValidationFailure {
            return formPage("login", .validation(failure), values: values, request: req)
        }
    }

    @Sendable func logout(_ req: Request) async throws -> Response {
        let form = try req.content.decode(CSRFOnly.self)
        try req.verifyCSRF(form.csrf)
        try await AccountService(request: req).logout()
        let response = req.redirect(to: "/login", redirectType: .normal)
        WebSessions.clear(on: response, secure: req.onramp.settings.servesTLS)
        return response
    }

    @Sendable func docs(_ req: Request) async throws -> Response {
        let operations = req.onramp.operations.all
        let pretty = JSONEncoder()
        pretty.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        func text(_ value: JSONValue?) -> String? {
            value.flatMap { try? pretty.encode(resolve($0)) }.map { String(decoding: $0, as: UTF8.self) }
        }
        let tags = Array(Set(operations.map(\.tag))).sorted().map { tag -> [String: Any] in
            [
                "name": tag, "anchor": Slug.make(from: tag),
                "operations": operations.filter { $0.tag == tag }.map { operation -> [String: Any] in
                    [
                        "id": operation.id, "method": operation.method.rawValue,
                        "methodLower": operation.method.rawValue.lowercased(), "path": operation.path,
                        "summary": operation.summary, "description": operation.description ?? "",
                        "auth": operation.security == .signedIn,
                        "requestSchema": text(operation.requestBody) ?? "",
                        "responses": operation.responses.map { response -> [String: Any] in
                            ["status": response.status, "description": response.description,
                             "schema": text(response.schema) ?? ""]
                        },
                    ]
                },
            ]
        }
        let problems = ProblemType.allCases.map { type -> [String: Any] in
            ["uri": type.uri, "status": Int(type.status.code), "title": type.title]
        }
        return pages.render("docs", ["tags": tags, "problems": problems], request: req)
    }

    /// Inlines `$ref`s to the schema components so a person sees the whole body.
    func resolve(_ value: JSONValue, depth: Int = 0) -> JSONValue {
        switch value {
        case .object(let members):
            if depth < 4, case .string(let ref)? = members["$ref"], let name = ref.split(separator: "/").last,
               let target = APISchemas.components[String(name)] {
                return resolve(target, depth: depth + 1)
            }
            return .object(members.mapValues { resolve($0, depth: depth) })
        case .array(let items):
            return .array(items.map { resolve($0, depth: depth) })
        default:
            return value
        }
    }

    @Sendable func problemType(_ req: Request) async throws -> Response {
        guard let slug = req.parameters.get("slug"), let type = ProblemType(rawValue: slug) else {
            throw Problem.notFound("That problem type")
        }
        return pages.render("problem", [
            "title": type.title, "status": Int(type.status.code), "uri": type.uri, "explanation": type.explanation,
        ], request: req)
    }

    private func signedIn(_ req: Request, sessionSecret: String) -> Response {
        let response = req.redirect(to: "/", redirectType: .normal)
        WebSessions.attach(secret: sessionSecret, csrf: SecretDigest.randomToken(), to: response,
                           secure: req.onramp.settings.servesTLS)
        return response
    }

    private func formPage(_ template: String, _ problem: Problem, values: [String: String], request: Request) -> Response {
        var errors: [String: String] = [:]
        for error in problem.errors where errors[error.field] == nil { errors[error.field] = error.message }
        var context: [String: Any] = ["values": values, "errors": errors]
        if problem.errors.isEmpty || problem.type != .validationFailed { context["formError"] = problem.detail }
        let response = pages.render(template, context, request: request, status: problem.status)
        for (name, value) in problem.headers { response.headers.replaceOrAdd(name: name, value: value) }
        return response
    }
}
