import OnrampDomain
import Testing

@Suite("PasswordPolicy")
struct PasswordPolicyTests {
    @Test("limits are 12 characters and 72 bytes")
    func limits() {
        #expect(PasswordPolicy.minimumLength == 12)
        #expect(PasswordPolicy.maximumBytes == 72)
    }

    @Test("accepts long, uncommon passwords", arguments: [
        "tangerine-piano-orbit-47",
        "Gx7!pLq2#vRm",
        "correct horse battery staple 2",
        "Wolken über dem Fjord",
        "ÄÖÜäöüßéèêëç",
    ])
    func acceptsStrong(_ password: String) {
        #expect(PasswordPolicy.problems(with: password).isEmpty)
        #expect(!PasswordPolicy.isCommon(password))
    }

    @Test("an empty password is required")
    func empty() {
        let problems = PasswordPolicy.problems(with: "")
        #expect(problems == [FieldError(field: "password", message: "Password is required.", code: "required")])
    }

    @Test("problems are reported on the given field")
    func customField() {
        #expect(PasswordPolicy.problems(with: "", field: "new_password").map(\.field) == ["new_password"])
        #expect(PasswordPolicy.problems(with: "short", field: "new_password").map(\.field) == ["new_password"])
    }

    @Test("fewer than 12 characters is too short", arguments: ["a", "Gx7!pLq2#vR", "x9$Lm2!qZ7w"])
    func tooShort(_ password: String) throws {
        let problem = try #require(PasswordPolicy.problems(with: password).first)
        #expect(PasswordPolicy.problems(with: password).count == 1)
        #expect(problem.code == "too_short")
        #expect(problem.field == "password")
        #expect(problem.message.contains("12"))
    }

    @Test("length is counted in characters, not bytes")
    func lengthInCharacters() {
        // Eleven 4-byte characters: 44 bytes but still too short.
        let emoji = String(repeating: "🦊", count: 11)
        #expect(PasswordPolicy.problems(with: emoji).map(\.code) == ["too_short"])
        // Twelve 2-byte characters: long enough.
        #expect(PasswordPolicy.problems(with: "ÄÖÜäöüßéèêëç").isEmpty)
    }

    @Test("more than 72 bytes is too long")
    func tooLong() {
        let seventyTwo = String(repeating: "Vq7#mZ2!", count: 9)
        #expect(seventyTwo.utf8.count == 72)
        #expect(PasswordPolicy.problems(with: seventyTwo).isEmpty)

        let problems = PasswordPolicy.problems(with: seventyTwo + "x")
        #expect(problems.map(\.code) == ["too_long"])
        #expect(problems.first?.message.contains("72") == true)
    }

    @Test("the byte limit applies to multi-byte characters")
    func tooLongInBytes() {
        // 37 characters, 73 bytes: bcrypt would silently drop the end.
        let password = String(repeating: "ßü", count: 18) + "x"
        #expect(password.count == 37)
        #expect(password.utf8.count == 73)
        #expect(PasswordPolicy.problems(with: password).map(\.code) == ["too_long"])
    }

    @Test("passwords on breach lists are too common, whatever their case", arguments: [
        "password1234", "Password1234", "PASSWORD1234", "qwerty123456", "P@ssw0rd1234",
        "administrator", "correct horse battery staple", "CorrectHorseBatteryStaple", "1qaz2wsx3edc",
    ])
    func breachList(_ password: String) {
        #expect(PasswordPolicy.isCommon(password))
        let problems = PasswordPolicy.problems(with: password)
        #expect(problems.map(\.code) == ["too_common"])
    }

    @Test("one or two repeated characters are too common", arguments: [
        "aaaaaaaaaaaa", "ZZZZZZZZZZZZZZ", "abababababab", "!!!!!!!!!!!!", "1212121212121",
    ])
    func repeated(_ password: String) {
        #expect(PasswordPolicy.isCommon(password))
    }

    @Test("alphabet, digit and keyboard runs are too common, forwards or backwards", arguments: [
        "abcdefghijklmn", "zyxwvutsrqpo", "2345678901234", "0987654321098", "qwertyuiopasd",
        "asdfghjklzxc", "mnbvcxzlkjhg", "1qaz2wsx3edc4rfv", "qwertzuiopas", "azertyuiopqs", "QWERTYUIOPASDF",
    ])
    func runs(_ password: String) {
        #expect(PasswordPolicy.isCommon(password))
    }

    @Test("a password with fewer than four letters is too common", arguments: [
        "8472-9183-5521", "2024!!abc##99", "            ", "1029384756!?",
    ])
    func fewLetters(_ password: String) {
        #expect(PasswordPolicy.isCommon(password))
    }

    @Test("common words padded with digits and symbols are too common", arguments: [
        "Dragon2024!!", "sunshine-1987", "iloveyouiloveyou", "Summer2024Winter", "MonkeyMonkey99",
        "Welcome2TheOnramp!", "my-secret-password-9", "Liverpool#1892",
    ])
    func commonWords(_ password: String) {
        #expect(PasswordPolicy.isCommon(password))
        #expect(PasswordPolicy.problems(with: password).map(\.code) == ["too_common"])
    }

    @Test("a common word inside other letters is not enough to refuse")
    func wordInsideOtherLetters() {
        #expect(!PasswordPolicy.isCommon("dragonfly-meadow-7"))
    }

    @Test("the person's own words padded with digits are too common")
    func personalWords() {
        let password = "Acme-2024-Acme!"
        #expect(PasswordPolicy.problems(with: password).isEmpty)
        #expect(PasswordPolicy.isCommon(password, personalWords: ["Acme"]))
        #expect(PasswordPolicy.problems(with: password, personalWords: ["ACME"]).map(\.code) == ["too_common"])
    }

    @Test("personal words are reduced to their letters")
    func personalWordsLettersOnly() {
        #expect(!PasswordPolicy.isCommon("O-Brien-1999!!"))
        #expect(PasswordPolicy.isCommon("O-Brien-1999!!", personalWords: ["O'Brien"]))
    }

    @Test("personal words may combine with common words")
    func personalAndCommon() {
        #expect(PasswordPolicy.isCommon("IloveZephyrine99", personalWords: ["Zephyrine"]))
    }

    @Test("personal words shorter than three letters are ignored")
    func shortPersonalWords() {
        #expect(!PasswordPolicy.isCommon("jojojojo-2024!", personalWords: ["Jo"]))
        #expect(PasswordPolicy.isCommon("jojojojo-2024!", personalWords: ["Jojo"]))
    }

    @Test("an unrelated personal word does not refuse a good password")
    func unrelatedPersonalWord() {
        #expect(!PasswordPolicy.isCommon("tangerine-piano-orbit-47", personalWords: ["Acme", "Ada", "Lovelace"]))
    }
}
