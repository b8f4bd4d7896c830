import Fluent
import Foundation
import OnrampDomain
import Vapor

/// Reading and changing a tenant's onboarding session from a request: the onboarding API, the
/// template API and the wizard pages share these.
extension Request {
    /// Applies one domain operation through the change queue (one transaction with the
    /// changes waiting beside it): version check, state change, audit event, activity event;
    /// on completion also activation.
    func changeOnboarding(
        version bodyVersion: Int?, action: String, step: OnboardingStepID?, activate: Bool = false,
        _ operation: @escaping @Sendable (inout OnboardingSession, Date) throws -> Void
    ) async throws -> Response {
        let (scope, principal) = try requireTenant(.onboardingManage)
        let change = OnboardingChangeQueue.Change(
            scope: scope, actor: principal.actorLabel, actorUserID: principal.userID, requestID: requestID,
            expectedVersion: try expectedOnboardingVersion(body: bodyVersion), action: action, step: step,
            activates: activate, operation: operation)
        let applied = try await onramp.onboardingChanges.apply(change, using: writer, live: onramp.live)
        return try onboardingResponse(applied.session, nextSteps: applied.nextSteps)
    }

    /// Reads the session; only a tenant without one yet (from before onboarding existed) writes.
    func onboardingSession(_ scope: TenantScope) async throws -> OnboardingSession {
        if let session = try await OnboardingRepository(db: db).find(in: scope) { return session }
        return try await writer.atomically { db in try await OnboardingRepository(db: db).load(in: scope) }
    }

    func onboardingResponse(_ session: OnboardingSession, nextSteps: [String]? = nil) throws -> Response {
        var headers = HTTPHeaders()
        headers.contentType = .json
        headers.replaceOrAdd(name: .eTag, value: "\"\(session.version)\"")
        return Response(status: .ok, headers: headers, body: .init(buffer: OnboardingController.SessionResponse(session, nextSteps: nextSteps).json()))
    }

    /// The optional `{"version": n}` body of POST operations (an empty body is fine).
    func onboardingVersionBody() throws -> Int? {
        guard let data = body.data, data.readableBytes > 0 else { return nil }
        return try decodeJSON(OnboardingController.VersionRequest.self).version
    }

    /// The version a write is based on, from `If-Match` (`"3"`, `W/"3"` or `3`) or the body.
    func expectedOnboardingVersion(body: Int?) throws -> Int? {
        // The largest whole number JSON carries exactly (2^53 − 1), as the schema says.
        if let body, body < 1 || body > 9_007_199_254_740_991 {
            throw ValidationFailure([FieldError(field: "version", message: "Version is a whole number from 1 to 9007199254740991.",
                                                code: "out_of_range")])
        }
        guard let header = headers.first(name: .ifMatch)?.trimmingCharacters(in: .whitespaces), !header.isEmpty
        else { return body }
        if header == "*" { return nil }
        let digits = header.replacingOccurrences(of: "W/", with: "").trimmingCharacters(in: CharacterSet(charactersIn: "\" "))
        guard let version = Int(digits) else {
            throw ValidationFailure([FieldError(field: "If-Match", message: "If-Match must be a session version such as \"3\".",
                                                code: "invalid_format")])
        }
        return version
    }
}
