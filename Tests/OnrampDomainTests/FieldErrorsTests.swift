import Foundation
import OnrampDomain
import Testing

@Suite("FieldErrors and ValidationFailure")
struct FieldErrorsTests {
    @Test("requireText returns the trimmed text and records nothing when it is fine")
    func validText() {
        var errors = FieldErrors()
        #expect(errors.requireText("  Acme GmbH \n", field: "organization_name", label: "Organisation name",
                                   maxLength: 120) == "Acme GmbH")
        #expect(errors.isEmpty)
        #expect(errors.all.isEmpty)
    }

    @Test("missing or blank text is required", arguments: [nil, "", "   ", "\n\t", "\u{00A0}\u{3000}"] as [String?])
    func required(_ value: String?) {
        var errors = FieldErrors()
        #expect(errors.requireText(value, field: "name", label: "Your name", maxLength: 10) == nil)
        #expect(errors.all == [FieldError(field: "name", message: "Your name is required.", code: "required")])
        #expect(!errors.isEmpty)
    }

    @Test("the length limit counts characters of the trimmed text")
    func maxLength() {
        var errors = FieldErrors()
        #expect(errors.requireText("  abcde  ", field: "f", label: "F", maxLength: 5) == "abcde")
        #expect(errors.requireText("ééééé", field: "f", label: "F", maxLength: 5) == "ééééé")
        #expect(errors.requireText("👩‍💻👩‍💻", field: "f", label: "F", maxLength: 2) == "👩‍💻👩‍💻")
        #expect(errors.isEmpty)
        #expect(errors.requireText("abcdef", field: "title", label: "Title", maxLength: 5) == nil)
        #expect(errors.all == [FieldError(field: "title", message: "Title must be at most 5 characters long.",
                                          code: "too_long")])
    }

    @Test("control characters inside the text are refused", arguments: [
        "a\u{0}b", "line\nbreak", "tab\there", "bell\u{07}", "del\u{7F}x", "c1\u{85}x", "\u{1B}[31mred",
    ])
    func controlCharacters(_ value: String) {
        var errors = FieldErrors()
        #expect(errors.requireText(value, field: "name", label: "Name", maxLength: 100) == nil)
        #expect(errors.all == [FieldError(field: "name", message: "Name must not contain control characters.",
                                          code: "invalid_characters")])
    }

    @Test("control white space at either end is trimmed away, not refused")
    func controlAtEnds() {
        var errors = FieldErrors()
        #expect(errors.requireText("\n\tAda\r\n", field: "name", label: "Name", maxLength: 100) == "Ada")
        #expect(errors.isEmpty)
    }

    @Test("ordinary Unicode text is accepted", arguments: ["Zoë Ångström", "東京株式会社", "Café 👩‍💻", "O'Brien & Sons"])
    func unicode(_ value: String) {
        var errors = FieldErrors()
        #expect(errors.requireText(value, field: "name", label: "Name", maxLength: 100) == value)
        #expect(errors.isEmpty)
    }

    @Test("errors accumulate in order and check() throws them all")
    func accumulate() {
        var errors = FieldErrors()
        errors.add("email", "Email is required.", code: "required")
        errors.requireText(nil, field: "name", label: "Name", maxLength: 10)
        errors.add("steps[2].title", "Title is too long.", code: "too_long")
        #expect(errors.all.map(\.field) == ["email", "name", "steps[2].title"])
        #expect(throws: ValidationFailure(errors.all)) { try errors.check() }
    }

    @Test("check() does not throw when nothing was added")
    func checkEmpty() throws {
        try FieldErrors().check()
        try ValidationFailure.check([])
    }

    @Test("ValidationFailure.check throws the errors it was given")
    func validationFailureCheck() {
        let errors = [FieldError(field: "a", message: "A is bad.", code: "invalid_format"),
                      FieldError(field: "b", message: "B is bad.", code: "required")]
        do {
            try ValidationFailure.check(errors)
            Issue.record("check should have thrown")
        } catch {
            #expect(error.errors == errors)
            #expect(error == ValidationFailure(errors))
        }
    }

    @Test("a field error is JSON with field, message and code")
    func fieldErrorJSON() throws {
        let error = FieldError(field: "email", message: "Email is required.", code: "required")
        let data = try JSONEncoder().encode(error)
        let object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: String])
        #expect(object == ["field": "email", "message": "Email is required.", "code": "required"])
        #expect(try JSONDecoder().decode(FieldError.self, from: data) == error)
    }
}

@Suite("String.trimmingWhitespace")
struct TrimmingWhitespaceTests {
    @Test("leading and trailing white space and newlines go; inner spaces stay", arguments: [
        ("  a  ", "a"),
        ("\n\tabc\r\n", "abc"),
        ("\u{00A0}x\u{3000}", "x"),
        ("\u{2028}x\u{2029}\u{85}", "x"),
        ("a b  c", "a b  c"),
        (" a \n b ", "a \n b"),
        ("", ""),
        ("   ", ""),
        ("\n\n", ""),
        ("abc", "abc"),
        ("e\u{301} ", "e\u{301}"),
        (" 👩‍💻 ", "👩‍💻"),
    ])
    func trims(_ input: String, _ expected: String) {
        #expect(input.trimmingWhitespace() == expected)
        #expect(Array(input.trimmingWhitespace().unicodeScalars) == Array(expected.unicodeScalars))
    }

    @Test("non-white-space invisible characters are kept")
    func keepsZeroWidth() {
        #expect("\u{200B}x".trimmingWhitespace() == "\u{200B}x")
    }
}

@Suite("Whole-number parameters")
struct WholeNumberTests {
    @Test func absentGivesFallbackValidGivesValueOthersAreErrors() {
        var errors = FieldErrors()
        #expect(errors.wholeNumber(nil, field: "limit", label: "Limit", in: 1...10, fallback: 5) == 5)
        #expect(errors.wholeNumber("7", field: "limit", label: "Limit", in: 1...10, fallback: 5) == 7)
        #expect(errors.isEmpty)
        #expect(errors.wholeNumber("0", field: "limit", label: "Limit", in: 1...10, fallback: 5) == nil)
        #expect(errors.wholeNumber("x", field: "page", label: "Page", in: 1...10, fallback: 5) == nil)
        #expect(errors.all.map(\.message) == ["Limit must be a whole number from 1 to 10.", "Page must be a whole number from 1 to 10."])
        #expect(errors.all.allSatisfy { $0.code == "out_of_range" })
    }
}
