import Fluent
import Foundation
@testable import OnrampApp
import Testing
import VaporTesting

@Suite("Web pages: sign up, log in, log out, home")
struct WebPagesTests {
    /// Loads a form page and returns the CSRF cookie and the hidden field's value.
    func formToken(_ app: Application, page: String) async throws -> (cookie: String, field: String) {
        let response = try await app.testing().sendRequest(.GET, page)
        #expect(response.status == .ok)
        let cookie = try #require(response.cookie("onramp_csrf"))
        let html = response.body.string
        let marker = "name=\"_csrf\" value=\""
        let start = try #require(html.range(of: marker)).upperBound
        let field = String(html[start...].prefix { $0 != "\"" })
        return (cookie, field)
    }

    func formBody(_ fields: [String: String]) -> ByteBuffer {
        var components = URLComponents()
        components.queryItems = fields.map { URLQueryItem(name: $0.key, value: $0.value) }
        let encoded = (components.percentEncodedQuery ?? "").replacingOccurrences(of: "+", with: "%2B")
        return ByteBuffer(string: encoded)
    }

    @Test func signUpThroughTheFormLandsSignedIn() async throws {
        try await withOnrampApp { app in
            let token = try await formToken(app, page: "/signup")
            #expect(token.cookie == token.field)
            let response = try await app.testing().sendRequest(
                .POST, "/signup",
                headers: ["Content-Type": "application/x-www-form-urlencoded", "Cookie": "onramp_csrf=\(token.cookie)"],
                body: formBody(["organization_name": "Form Co", "name": "Fiona", "email": "fiona@example.com",
                                "password": strongPassword, "_csrf": token.field]))
            #expect(response.status == .seeOther)
            #expect(response.headers.first(name: .location) == "/")
            let session = try #require(response.cookie("onramp_session"))

            let home = try await app.testing().sendRequest(.GET, "/", headers: ["Cookie": "onramp_session=\(session)"])
            #expect(home.status == .ok)
            #expect(home.body.string.contains("id=\"signed-in-as\""))
            #expect(home.body.string.contains("fiona@example.com"))
            #expect(home.body.string.contains("Form Co"))
        }
    }

    @Test func invalidFormShowsMessagesInlineAndKeepsValues() async throws {
        try await withOnrampApp { app in
            let token = try await formToken(app, page: "/signup")
            let response = try await app.testing().sendRequest(
                .POST, "/signup",
                headers: ["Content-Type": "application/x-www-form-urlencoded", "Cookie": "onramp_csrf=\(token.cookie)"],
                body: formBody(["organization_name": "Kept <Org>", "name": "K", "email": "k@example.com",
                                "password": "short", "_csrf": token.field]))
            #expect(response.status == .unprocessableEntity)
            let html = response.body.string
            #expect(html.contains("class=\"field-error\" id=\"password-error\""))
            #expect(html.contains("12 characters"))
            #expect(html.contains("value=\"Kept &lt;Org&gt;\""))
            #expect(!html.contains("value=\"short\""))
        }
    }

    @Test func formsWithoutTheCSRFTokenAreRefused() async throws {
        try await withOnrampApp { app in
            let response = try await app.testing().sendRequest(
                .POST, "/signup", headers: ["Content-Type": "application/x-www-form-urlencoded"],
                body: formBody(["organization_name": "X", "name": "X", "email": "x@example.com", "password": strongPassword]))
            #expect(response.status == .forbidden)
            #expect(response.body.string.contains("security token"))
            #expect(try await User.query(on: app.db).count() == 0)
        }
    }

    @Test func logInAndLogOutThroughTheForms() async throws {
        try await withOnrampApp { app in
            let account = try await app.signUp()
            let token = try await formToken(app, page: "/login")
            let wrong = try await app.testing().sendRequest(
                .POST, "/login",
                headers: ["Content-Type": "application/x-www-form-urlencoded", "Cookie": "onramp_csrf=\(token.cookie)"],
                body: formBody(["email": account.email, "password": "wrong password!!", "_csrf": token.field]))
            #expect(wrong.status == .unauthorized)
            #expect(wrong.body.string.contains("incorrect"))

            let login = try await app.testing().sendRequest(
                .POST, "/login",
                headers: ["Content-Type": "application/x-www-form-urlencoded", "Cookie": "onramp_csrf=\(token.cookie)"],
                body: formBody(["email": account.email, "password": account.password, "_csrf": token.field]))
            #expect(login.status == .seeOther)
            let session = try #require(login.cookie("onramp_session"))
            let csrf = try #require(login.cookie("onramp_csrf"))

            let logout = try await app.testing().sendRequest(
                .POST, "/logout",
                headers: ["Content-Type": "application/x-www-form-urlencoded",
                          "Cookie": "onramp_session=\(session); onramp_csrf=\(csrf)"],
                body: formBody(["_csrf": csrf]))
            #expect(logout.status == .seeOther)
            #expect(logout.headers.first(name: .location) == "/login")
            let home = try await app.testing().sendRequest(.GET, "/", headers: ["Cookie": "onramp_session=\(session)"])
            #expect(home.status == .seeOther)
            #expect(home.headers.first(name: .location) == "/signup")
        }
    }

    @Test func stylesheetIsServedSmall() async throws {
        try await withOnrampApp { app in
            let css = try await app.testing().sendRequest(.GET, "/static/styles.css")
            #expect(css.status == .ok)
            #expect(css.headers.contentType == .css)
            #expect(css.body.readableBytes < 100_000)
            let etag = try #require(css.headers.first(name: .eTag))
            let cached = try await app.testing().sendRequest(.GET, "/static/styles.css", headers: ["If-None-Match": etag])
            #expect(cached.status == .notModified)
            let missing = try await app.testing().sendRequest(.GET, "/static/nope.css")
            try missing.expectProblem(.notFound)
        }
    }
}
