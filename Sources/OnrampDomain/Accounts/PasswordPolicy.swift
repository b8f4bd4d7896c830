/// The rules a new password must meet: long enough, short enough for bcrypt, and not
/// a password that attackers try first.
public enum PasswordPolicy {
    public static let minimumLength = 12
    /// bcrypt uses only the first 72 bytes; longer passwords would be silently truncated.
    public static let maximumBytes = 72

    /// Every problem with `password`, as field errors on `field`.
    public static func problems(
        with password: String, field: String = "password", personalWords: [String] = []
    ) -> [FieldError] {
        if password.isEmpty {
            return [FieldError(field: field, message: "Password is required.", code: "required")]
        }
        if password.count < minimumLength {
            return [FieldError(
                field: field,
                message: "Password must be at least \(minimumLength) characters long.",
                code: "too_short"
            )]
        }
        if password.utf8.count > maximumBytes {
            return [FieldError(
                field: field,
                message: "Password must be at most \(maximumBytes) bytes long (72 plain letters or digits).",
                code: "too_long"
            )]
        }
        if isCommon(password, personalWords: personalWords) {
            return [FieldError(
                field: field,
                message: "This password is too common or too easy to guess. Use a few unrelated words or a password manager.",
                code: "too_common"
            )]
        }
        return []
    }

    /// True for passwords found on breach lists and their trivial variants: one repeated
    /// character, keyboard or digit runs, a common word or the person's own name or email
    /// padded with digits and symbols.
    public static func isCommon(_ password: String, personalWords: [String] = []) -> Bool {
        let lowered = password.lowercased()
        if commonPasswords.contains(lowered) { return true }
        if Set(lowered).count <= 2 { return true }
        if isRun(lowered) { return true }
        // Strip digits, symbols and spaces: "Password1234!" → "password".
        let letters = String(lowered.filter(\.isLetter))
        if letters.count < 4 { return true }
        let words = commonWords.union(personalWords.map { $0.lowercased().filter(\.isLetter) }.filter { $0.count >= 3 })
        return isMadeOf(words: words, letters)
    }

    /// Whether the text is a keyboard row, the alphabet or a digit sequence (forwards or backwards).
    static func isRun(_ text: String) -> Bool {
        let sequences = ["0123456789012345678901234567890", "abcdefghijklmnopqrstuvwxyz",
                         "qwertyuiopasdfghjklzxcvbnm", "1qaz2wsx3edc4rfv5tgb6yhn7ujm8ik9ol0p",
                         "qwertzuiopasdfghjklyxcvbnm", "azertyuiopqsdfghjklmwxcvbn"]
        return sequences.contains { $0.contains(text) || String($0.reversed()).contains(text) }
    }

    /// Whether `text` is entirely a concatenation of words from `words` (e.g. "iloveyouiloveyou").
    static func isMadeOf(words: Set<String>, _ text: String) -> Bool {
        let chars = Array(text)
        guard !chars.isEmpty else { return true }
        var reachable = [Bool](repeating: false, count: chars.count + 1)
        reachable[0] = true
        for start in 0..<chars.count where reachable[start] {
            for word in words where word.count <= chars.count - start {
                if String(chars[start..<(start + word.count)]) == word {
                    reachable[start + word.count] = true
                }
            }
        }
        return reachable[chars.count]
    }

    /// Words that attackers combine with digits first (from public breach-frequency lists).
    static let commonWords: Set<String> = [
        "password", "passw", "pass", "word", "qwerty", "letmein", "iloveyou", "love", "welcome",
        "admin", "administrator", "monkey", "dragon", "football", "baseball", "soccer", "hockey",
        "sunshine", "princess", "trustno", "abc", "superman", "batman", "starwars", "master",
        "shadow", "michael", "jennifer", "jordan", "hunter", "killer", "charlie", "thomas",
        "secret", "login", "user", "test", "guest", "changeme", "default", "summer", "winter",
        "spring", "autumn", "fall", "pokemon", "computer", "internet", "freedom", "whatever",
        "hello", "cookie", "chocolate", "flower", "orange", "banana", "apple", "cheese",
        "matrix", "mustang", "ginger", "pepper", "tigger", "angel", "secure", "qazwsx",
        "asdf", "zxcv", "onramp", "support", "helpdesk", "company", "qwertz", "azerty",
        "january", "february", "march", "april", "june", "july", "august", "september",
        "october", "november", "december", "monday", "friday", "access", "samsung", "google",
        "yankees", "liverpool", "arsenal", "chelsea", "ilove", "you", "me", "my", "the",
    ]

    /// Whole passwords of twelve or more characters that top public breach-frequency lists.
    static let commonPasswords: Set<String> = [
        "123456789012", "1234567890123", "12345678901234", "123456789123", "1234567891011",
        "111111111111", "000000000000", "123123123123", "123412341234", "qwertyuiop12",
        "qwertyuiop123", "1q2w3e4r5t6y", "1q2w3e4r5t6y7u", "1qaz2wsx3edc", "zaq12wsxcde3",
        "passwordpassword", "password1234", "password12345", "password123456", "password@123",
        "password123!", "p@ssw0rd1234", "p@ssword1234", "iloveyou1234", "qwerty123456",
        "qwertyqwerty", "asdfghjkl123", "abcdefghijkl", "abcd12345678", "abc123456789",
        "welcome12345", "welcome@1234", "letmein12345", "administrator", "trustno1trustno1",
        "football1234", "baseball1234", "monkey123456", "dragon123456", "superman1234",
        "princess1234", "sunshine1234", "starwars1234", "changeme1234", "default12345",
        "correcthorsebatterystaple", "correct horse battery staple",
    ]
}
