import Vapor

/// Conservative browser protections on every response: no framing, no MIME sniffing, no
/// referrer leaks across origins, and a content policy that allows only this origin.
struct SecurityHeadersMiddleware: AsyncMiddleware {
    static let contentSecurityPolicy =
        "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
        + "frame-ancestors 'none'; form-action 'self'; base-uri 'self'; object-src 'none'"

    /// The branding step previews the tenant's logo, which lives on the tenant's own https site.
    static let brandingPreviewPolicy = contentSecurityPolicy.replacingOccurrences(
        of: "img-src 'self' data:;", with: "img-src 'self' data: https:;")

    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        let response = try await next.respond(to: request)
        let headers: [(String, String)] = [
            ("X-Content-Type-Options", "nosniff"),
            ("X-Frame-Options", "DENY"),
            ("Referrer-Policy", "same-origin"),
            ("Content-Security-Policy", Self.contentSecurityPolicy),
        ]
        for (name, value) in headers where !response.headers.contains(name: name) {
            response.headers.add(name: name, value: value)
        }
        return response
    }
}
