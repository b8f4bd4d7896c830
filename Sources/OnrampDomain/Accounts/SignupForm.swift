/// What a company gives to open an Onramp account, validated as a whole.
public struct SignupForm: Sendable, Equatable {
    public var organizationName: String?
    public var name: String?
    public var email: String?
    public var password: String?

    public init(organizationName: String?, name: String?, email: String?, password: String?) {
        self.organizationName = organizationName
        self.name = name
        self.email = email
        self.password = password
    }

    /// The checked, normalised sign-up.
    public struct Valid: Sendable, Equatable {
        public let organizationName: String
        public let name: String
        public let email: EmailAddress
        public let password: String
    }

    /// Validates every field and reports all problems together.
    public func validated() throws(ValidationFailure) -> Valid {
        var errors = FieldErrors()
        let organization = errors.requireText(organizationName, field: "organization_name",
                                              label: "Organisation name", maxLength: 120)
        let person = errors.requireText(name, field: "name", label: "Your name", maxLength: 120)
        let address = Self.checkEmail(email, into: &errors)
        let personal = [organization, person, address?.localPart].compactMap { $0 }
            .flatMap { $0.split(whereSeparator: { !$0.isLetter }).map(String.init) }
        for problem in PasswordPolicy.problems(with: password ?? "", personalWords: personal) {
            errors.add(problem.field, problem.message, code: problem.code)
        }
        try errors.check()
        return Valid(organizationName: organization!, name: person!, email: address!, password: password!)
    }

    static func checkEmail(_ raw: String?, into errors: inout FieldErrors, field: String = "email") -> EmailAddress? {
        let text = (raw ?? "").trimmingWhitespace()
        if text.isEmpty {
            errors.add(field, "Email is required.", code: "required")
            return nil
        }
        guard let address = EmailAddress(text) else {
            errors.add(field, "Enter an email address like name@example.com.", code: "invalid_format")
            return nil
        }
        return address
    }
}

/// Credentials typed at log-in; only their presence and shape are checked here.
public struct LoginForm: Sendable, Equatable {
    public var email: String?
    public var password: String?

    public init(email: String?, password: String?) {
        self.email = email
        self.password = password
    }

    public func validated() throws(ValidationFailure) -> (email: EmailAddress, password: String) {
        var errors = FieldErrors()
        let address = SignupForm.checkEmail(email, into: &errors)
        let secret = password ?? ""
        if secret.isEmpty {
            errors.add("password", "Password is required.", code: "required")
        } else if secret.utf8.count > 1024 {
            errors.add("password", "Password is too long.", code: "too_long")
        }
        try errors.check()
        return (address!, secret)
    }
}
