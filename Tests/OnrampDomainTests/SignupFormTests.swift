import OnrampDomain
import Testing

/// The field errors a validation threw, or nil when it did not throw.
private func failures<T>(_ body: () throws -> T) -> [FieldError]? {
    do {
        _ = try body()
        return nil
    } catch let failure as ValidationFailure {
        return failure.errors
    } catch {
        Issue.record("unexpected error \(error)")
        return nil
    }
}

private func pairs(_ errors: [FieldError]?) -> [String] {
    (errors ?? []).map { "\($0.field):\($0.code)" }
}

@Suite("SignupForm")
struct SignupFormTests {
    static let strongPassword = "tangerine-piano-orbit-47"

    @Test("a valid form is trimmed and normalised; the password is kept verbatim")
    func valid() throws {
        let form = SignupForm(organizationName: "  Acme GmbH  ", name: "\tAda Lovelace\n",
                              email: "  Ada@Example.COM ", password: " " + Self.strongPassword + " ")
        let valid = try form.validated()
        #expect(valid.organizationName == "Acme GmbH")
        #expect(valid.name == "Ada Lovelace")
        #expect(valid.email == EmailAddress("ada@example.com"))
        #expect(valid.email.value == "ada@example.com")
        #expect(valid.password == " " + Self.strongPassword + " ")
    }

    @Test("a form with nothing filled in reports every field as required, in form order")
    func allMissing() {
        let errors = failures { try SignupForm(organizationName: nil, name: nil, email: nil, password: nil).validated() }
        #expect(pairs(errors) == ["organization_name:required", "name:required", "email:required", "password:required"])
        #expect(errors?.map(\.message) == ["Organisation name is required.", "Your name is required.",
                                           "Email is required.", "Password is required."])
    }

    @Test("white space alone counts as missing")
    func whitespaceOnly() {
        let errors = failures { try SignupForm(organizationName: "   ", name: "\n\t", email: "  ", password: "").validated() }
        #expect(pairs(errors) == ["organization_name:required", "name:required", "email:required", "password:required"])
    }

    @Test("every invalid field is reported together, each with its own code")
    func allInvalid() {
        let form = SignupForm(organizationName: String(repeating: "A", count: 121), name: "Ada\u{07}",
                              email: "not-an-email", password: "short")
        let errors = failures { try form.validated() }
        #expect(pairs(errors) == ["organization_name:too_long", "name:invalid_characters",
                                  "email:invalid_format", "password:too_short"])
        #expect(errors?.first?.message == "Organisation name must be at most 120 characters long.")
    }

    @Test("names of exactly 120 characters are accepted")
    func maximumNames() throws {
        let longest = String(repeating: "N", count: 120)
        let valid = try SignupForm(organizationName: longest, name: longest, email: "a@example.com",
                                   password: Self.strongPassword).validated()
        #expect(valid.organizationName.count == 120)
        #expect(valid.name.count == 120)
    }

    @Test("only the invalid field is reported when the rest is fine")
    func onlyPassword() {
        let form = SignupForm(organizationName: "Acme", name: "Ada", email: "ada@example.com", password: "password1234")
        let errors = failures { try form.validated() }
        #expect(pairs(errors) == ["password:too_common"])
    }

    @Test("an email over 254 octets is an invalid format")
    func emailTooLong() {
        let email = String(repeating: "a", count: 64) + "@" + String(repeating: "b", count: 63) + "."
            + String(repeating: "c", count: 63) + "." + String(repeating: "d", count: 63)
        let form = SignupForm(organizationName: "Acme", name: "Ada", email: email, password: Self.strongPassword)
        #expect(pairs(failures { try form.validated() }) == ["email:invalid_format"])
    }

    @Test("a password built from the organisation's name is refused")
    func passwordFromOrganization() throws {
        let refused = SignupForm(organizationName: "Zephyrine Logistics", name: "Ada", email: "ada@example.com",
                                 password: "Zephyrine-2024!")
        #expect(pairs(failures { try refused.validated() }) == ["password:too_common"])

        let accepted = SignupForm(organizationName: "Acme", name: "Ada", email: "ada@example.com",
                                  password: "Zephyrine-2024!")
        #expect(try accepted.validated().password == "Zephyrine-2024!")
    }

    @Test("a password built from the person's name is refused")
    func passwordFromName() {
        let form = SignupForm(organizationName: "Acme", name: "Bartholomew Quince", email: "bq@example.com",
                              password: "Quince#Quince#77")
        #expect(pairs(failures { try form.validated() }) == ["password:too_common"])
    }

    @Test("a password built from the email's local part is refused")
    func passwordFromEmail() {
        let form = SignupForm(organizationName: "Acme", name: "G. Marsh", email: "gwendolyn.marsh@example.com",
                              password: "Gwendolyn!98765")
        #expect(pairs(failures { try form.validated() }) == ["password:too_common"])
    }

    @Test("personal words still count when other fields are invalid")
    func personalWordsWithOtherErrors() {
        let form = SignupForm(organizationName: "Zephyrine", name: nil, email: "bad", password: "Zephyrine-2024!")
        #expect(pairs(failures { try form.validated() }) == ["name:required", "email:invalid_format",
                                                             "password:too_common"])
    }
}

@Suite("LoginForm")
struct LoginFormTests {
    @Test("valid credentials come back with a normalised email and the password untouched")
    func valid() throws {
        let result = try LoginForm(email: " Ada@Example.com ", password: " short ").validated()
        #expect(result.email.value == "ada@example.com")
        #expect(result.password == " short ")
    }

    @Test("missing email and password are both reported")
    func missing() {
        #expect(pairs(failures { try LoginForm(email: nil, password: nil).validated() })
            == ["email:required", "password:required"])
        #expect(pairs(failures { try LoginForm(email: "", password: "").validated() })
            == ["email:required", "password:required"])
    }

    @Test("a malformed email is reported")
    func malformedEmail() {
        #expect(pairs(failures { try LoginForm(email: "ada", password: "whatever").validated() })
            == ["email:invalid_format"])
    }

    @Test("passwords are refused only past 1024 bytes")
    func passwordLength() throws {
        let longest = String(repeating: "p", count: 1024)
        #expect(try LoginForm(email: "a@example.com", password: longest).validated().password == longest)
        #expect(pairs(failures { try LoginForm(email: "a@example.com", password: longest + "p").validated() })
            == ["password:too_long"])
        // Bytes, not characters: 513 × "é" is 1026 bytes.
        #expect(pairs(failures { try LoginForm(email: "a@example.com",
                                               password: String(repeating: "é", count: 513)).validated() })
            == ["password:too_long"])
    }
}
