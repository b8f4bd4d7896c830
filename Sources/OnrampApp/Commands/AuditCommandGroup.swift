import Fluent
import Foundation
import OnrampDomain
import Vapor

/// `onramp audit verify --tenant ID`.
struct AuditCommandGroup: AsyncCommandGroup {
    var commands: [String: any AnyAsyncCommand] = ["verify": VerifyCommand()]
    var help: String { "Audit trail tools." }

    struct VerifyCommand: AsyncCommand {
        struct Signature: CommandSignature {
            @Option(name: "tenant", help: "Tenant id (or slug), or `platform` for the platform chain.")
            var tenant: String?
        }

        var help: String { "Checks a tenant's audit hash chain and reports the first broken event." }

        func run(using context: CommandContext, signature: Signature) async throws {
            let db = context.application.db
            guard let raw = signature.tenant, !raw.isEmpty else {
                context.console.error("--tenant is required: a tenant id, slug, or `platform`.")
                throw ExitCode.failure
            }
            let tenantID: UUID
            if raw == "platform" {
                tenantID = AuditLog.platformTenantID
            } else if let id = UUID(uuidString: raw) {
                tenantID = id
            } else if let tenant = try await TenantRepository(db: db).find(idOrSlug: raw) {
                tenantID = try tenant.requireID()
            } else {
                context.console.error("No tenant has the id or slug \(raw).")
                throw ExitCode.failure
            }
            switch try await AuditLog.verify(tenantID: tenantID, on: db) {
            case .intact(let events):
                context.console.success("Audit chain intact: \(events) events.")
            case .broken(let sequence, let reason):
                context.console.error("Audit chain broken at event \(sequence): \(reason).")
                throw ExitCode.failure
            }
        }
    }
}
