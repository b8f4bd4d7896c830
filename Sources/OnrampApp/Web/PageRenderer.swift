import Foundation
import Mustache
import OnrampDomain
import Vapor

/// Renders server-side pages from the Mustache templates in the app's resources.
struct PageRenderer: Sendable {
    let library: MustacheLibrary

    static func load() async throws -> PageRenderer {
        let directory = AppResources.path("Views")
        let library = try await MustacheLibrary(directory: directory)
        for name in ["layout", "signup", "login", "home", "error", "docs", "problem", "wizard", "operator", "operator-tenant", "jobs", "imports", "tickets", "routing"] where library.getTemplate(named: name) == nil {
            throw MissingTemplate(name: name, directory: directory)
        }
        return PageRenderer(library: library)
    }

    func render(_ template: String, _ context: [String: Any], request: Request,
                status: HTTPResponseStatus = .ok) -> Response {
        var context = context
        if let principal = request.principal {
            context["signedIn"] = true
            context["userName"] = principal.name
        }
        context["csrf"] = request.csrfCookie ?? request.pendingCSRF
        let html = library.render(context, withTemplate: template) ?? "<!doctype html><title>Onramp</title><p>Page unavailable.</p>"
        let response = Response(status: status, body: .init(string: html))
        response.headers.contentType = .html
        response.headers.replaceOrAdd(name: .cacheControl, value: "no-store")
        if request.csrfCookie == nil, let token = request.pendingCSRF {
            response.cookies[WebSessions.csrfCookieName] = WebSessions.cookie(
                token, maxAge: Int(WebSessions.lifetime), secure: request.onramp.settings.servesTLS)
        }
        return response
    }

    func errorPage(_ problem: Problem, request: Request) -> Response {
        render("error", [
            "title": problem.type.title, "detail": problem.detail, "status": Int(problem.status.code),
            "requestId": request.requestID,
        ], request: request, status: problem.status)
    }
}

struct MissingTemplate: Error, CustomStringConvertible {
    let name: String
    let directory: String
    var description: String { "The page template \(name).mustache is missing from \(directory)." }
}

private struct PendingCSRFKey: StorageKey { typealias Value = String }

extension Request {
    /// A CSRF token minted for this response when the browser has none yet.
    var pendingCSRF: String? {
        if let token = storage[PendingCSRFKey.self] { return token }
        let token = SecretDigest.randomToken()
        storage[PendingCSRFKey.self] = token
        return token
    }
}

/// Where the app's bundled resources (templates, static files) are.
enum AppResources {
    static func path(_ folder: String) -> String {
        Bundle.module.bundleURL.appendingPathComponent("Resources").appendingPathComponent(folder).path
    }
}
