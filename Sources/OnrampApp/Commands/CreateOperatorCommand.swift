import Fluent
import Foundation
import OnrampDomain
import Vapor

/// `onramp create-operator --email … [--name …] [--password …]`: a platform operator
/// (the vendor's success managers) who sees every tenant. Without `--password` a strong one
/// is generated and printed once.
struct CreateOperatorCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Option(name: "email", help: "The operator's email address.")
        var email: String?
        @Option(name: "name", help: "The operator's name (default: the email's local part).")
        var name: String?
        @Option(name: "password", help: "At least 12 characters; generated when omitted.")
        var password: String?
    }

    var help: String { "Creates a platform operator account, or promotes an existing user to operator." }

    func run(using context: CommandContext, signature: Signature) async throws {
        let app = context.application
        var errors = FieldErrors()
        guard let email = EmailAddress(signature.email ?? "") else {
            context.console.error("--email must be an email address like name@example.com")
            throw ExitCode.failure
        }
        let name = errors.requireText(signature.name ?? email.localPart, field: "name", label: "Name", maxLength: 120)
        let generated = signature.password == nil
        let password = signature.password ?? SecretDigest.randomToken()
        for problem in PasswordPolicy.problems(with: password) { errors.add("password", problem.message, code: problem.code) }
        guard errors.isEmpty, let name else {
            for error in errors.all { context.console.error("--\(error.field): \(error.message)") }
            throw ExitCode.failure
        }
        let hash = try await app.password.async.hash(password)
        let promoted = try await app.writer.atomically { db -> Bool in
            let existing = try await UserRepository(db: db).find(email: email.value)
            let user = existing ?? User(email: email.value, name: name, passwordHash: hash, isOperator: true)
            user.isOperator = true
            if existing != nil, signature.password != nil { user.passwordHash = hash }
            try await user.save(on: db)
            try await AuditLog.record(on: db, tenantID: AuditLog.platformTenantID, actor: "cli", actorUserID: nil,
                                      action: existing == nil ? "operator.created" : "operator.promoted",
                                      target: "user:\(try user.requireID())",
                                      change: .init(after: ["email": email.value, "operator": "true"]), requestID: nil)
            return existing != nil
        }
        context.console.info(promoted ? "Promoted \(email.value) to platform operator." : "Created platform operator \(email.value).")
        if generated && !promoted { context.console.output("Password (shown once): \(password)") }
    }
}

/// Exit status for commands that failed with a message already printed.
struct ExitCode: Error, CustomStringConvertible {
    static let failure = ExitCode()
    var description: String { "command failed" }
}
