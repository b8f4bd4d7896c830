import Fluent
import Foundation
import OnrampDomain
import Vapor

/// Completing onboarding: what activation turns on, and the audit summary of a session change.
enum OnboardingActivation {
    /// Turns on what the tenant configured and says what to do next.
    static func activate(_ session: OnboardingSession, scope: TenantScope, on db: any Database, at now: Date) async throws -> [String] {
        let tenant = try await TenantRepository(db: db).current(scope)
        tenant.activatedAt = now
        tenant.features = String(decoding: try JSONEncoder().encode(Activation.features(of: session)), as: UTF8.self)
        try await tenant.update(on: db)
        try await WelcomeStore(db: db).createSamples(scope, for: session, at: now)
        // The workflows step goes live: hours, SLA policy and the template's routing rules.
        let setup = WorkflowSetup.fromOnboarding(session.record(.workflows).config, template: session.templateID.flatMap(IndustryTemplates.named))
        _ = try await WorkflowInstaller.install(setup, scope: scope, actor: "system:activation", actorUserID: nil, requestID: nil,
                                           audit: false, on: db)
        try await Invitations.inviteFromOnboarding(session.record(.team).config, scope: scope, at: now, on: db)
        return Activation.nextSteps(for: session)
    }

    static func summary(_ session: OnboardingSession, _ step: OnboardingStepID?) -> [String: String] {
        var summary = ["state": session.state.rawValue, "version": String(session.version), "progress": String(session.progress)]
        if let step {
            let record = session.record(step)
            summary["step_state"] = record.state.rawValue
            summary["fields"] = record.config.keys.sorted().joined(separator: ",")
        }
        return summary
    }
}

/// Secrets in onboarding configuration (`whatsapp.access_token`, …): sealed before they are
/// stored, kept when a form sends them back unchanged, shown only as being set.
enum OnboardingSecrets {
    /// Replaces plain secrets in a patch (`whatsapp.access_token`, …) with their sealed form,
    /// bound to the tenant and the field, so they never reach the database in clear.
    static func sealing(in patch: StepConfig, of step: OnboardingStepID, scope: TenantScope,
                               box: SecretBox) throws -> StepConfig {
        var sealed = patch
        for path in StepValidator.secretPaths(of: step) {
            let parts = path.split(separator: ".").map(String.init)
            guard parts.count == 2, case .object(var parent)? = sealed[parts[0]],
                  let plain = parent[parts[1]]?.stringValue else { continue }
            parent[parts[1]] = .object(["sealed": .string(try box.seal(plain, context: context(scope, step, path)))])
            sealed[parts[0]] = .object(parent)
        }
        return sealed
    }

    /// A patch that replaces an object holding a secret (`email`, `whatsapp`, …) without
    /// mentioning the secret, or echoing it back as `{"is_set": true}`, keeps the stored one:
    /// forms never see secrets, so they cannot send them back. `null` removes a secret.
    static func keepingStored(in patch: StepConfig, stored: StepConfig, of step: OnboardingStepID) -> StepConfig {
        var merged = patch
        for path in StepValidator.secretPaths(of: step) {
            let parts = path.split(separator: ".").map(String.init)
            guard parts.count == 2, case .object(var parent)? = merged[parts[0]] else { continue }
            let sent = parent[parts[1]]
            if sent?.isNull == true {
                parent[parts[1]] = nil
                merged[parts[0]] = .object(parent)
                continue
            }
            let echo = sent?.objectValue == ["is_set": .bool(true)]
            guard sent == nil || echo else { continue }
            if let kept = stored[parts[0]]?.objectValue?[parts[1]], StepValidator.isSealedSecret(kept) {
                parent[parts[1]] = kept
            } else {
                parent[parts[1]] = nil
            }
            merged[parts[0]] = .object(parent)
        }
        return merged
    }

    static func context(_ scope: TenantScope, _ step: OnboardingStepID, _ path: String) -> String {
        "tenant:\(scope.tenantID.uuidString.lowercased()):onboarding.\(step.rawValue).\(path)"
    }

    /// Sealed secrets are shown only as being set.
    static func redacted(_ value: ConfigValue) -> ConfigValue {
        if StepValidator.isSealedSecret(value) { return .object(["is_set": .bool(true)]) }
        switch value {
        case .object(let members): return .object(members.mapValues(redacted))
        case .array(let items): return .array(items.map(redacted))
        default: return value
        }
    }
}
