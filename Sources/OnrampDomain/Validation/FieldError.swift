/// One invalid input field and a message a person understands.
public struct FieldError: Sendable, Hashable, Codable {
    /// The field's name as the client sent it (`email`, `organization_name`, `steps[2].title`).
    public let field: String
    /// What is wrong, in plain words, written to be shown next to the field.
    public let message: String
    /// A stable machine-readable code (`required`, `too_short`, `invalid_format`, …).
    public let code: String

    public init(field: String, message: String, code: String) {
        self.field = field
        self.message = message
        self.code = code
    }
}

/// Thrown when input fails validation; carries every invalid field, not just the first.
public struct ValidationFailure: Error, Sendable, Equatable {
    public let errors: [FieldError]

    public init(_ errors: [FieldError]) {
        self.errors = errors
    }

    /// Throws when `errors` is not empty.
    public static func check(_ errors: [FieldError]) throws(ValidationFailure) {
        if !errors.isEmpty { throw ValidationFailure(errors) }
    }
}

/// Collects field errors while a form is checked.
public struct FieldErrors: Sendable {
    public private(set) var all: [FieldError] = []

    public init() {}

    public var isEmpty: Bool { all.isEmpty }

    public mutating func add(_ field: String, _ message: String, code: String) {
        all.append(FieldError(field: field, message: message, code: code))
    }

    /// Checks a required text: present after trimming and within `maxLength` characters.
    /// Returns the trimmed text, or nil when it was added as an error.
    @discardableResult
    public mutating func requireText(
        _ value: String?, field: String, label: String, maxLength: Int, allowingLineBreaks: Bool = false
    ) -> String? {
        let trimmed = (value ?? "").trimmingWhitespace()
        if trimmed.isEmpty {
            add(field, "\(label) is required.", code: "required")
            return nil
        }
        if trimmed.count > maxLength {
            add(field, "\(label) must be at most \(maxLength) characters long.", code: "too_long")
            return nil
        }
        // Message bodies keep their line breaks and tabs; names and titles have none.
        let allowed: Set<Unicode.Scalar> = allowingLineBreaks ? ["\n", "\r", "\t"] : []
        if trimmed.unicodeScalars.contains(where: { $0.properties.generalCategory == .control && !allowed.contains($0) }) {
            add(field, "\(label) must not contain control characters.", code: "invalid_characters")
            return nil
        }
        return trimmed
    }

    /// Reads an optional whole number (a query parameter, say) within `range`.
    /// Returns `fallback` when absent, nil when it was added as an error.
    public mutating func wholeNumber(
        _ raw: String?, field: String, label: String, in range: ClosedRange<Int>, fallback: Int
    ) -> Int? {
        guard let raw else { return fallback }
        guard let value = Int(raw), range.contains(value) else {
            add(field, "\(label) must be a whole number from \(range.lowerBound) to \(range.upperBound).", code: "out_of_range")
            return nil
        }
        return value
    }

    /// Reads an optional choice among an enumeration's values; nil when absent, or when it was
    /// added as an error naming the values allowed.
    public mutating func choice<T: RawRepresentable & CaseIterable>(_ raw: String?, field: String, label: String) -> T?
        where T.RawValue == String {
        guard let raw else { return nil }
        guard let value = T(rawValue: raw) else {
            add(field, "\(label) is one of \(T.allCases.map(\.rawValue).joined(separator: ", ")).", code: "invalid_choice")
            return nil
        }
        return value
    }

    public func check() throws(ValidationFailure) {
        try ValidationFailure.check(all)
    }
}

extension String {
    /// The string without leading and trailing white space and newlines.
    public func trimmingWhitespace() -> String {
        // Most text has nothing to trim: printable ASCII at both ends.
        if let first = utf8.first, let last = utf8.last, first > 0x20, first < 0x7F, last > 0x20, last < 0x7F { return self }
        let scalars = unicodeScalars
        guard let first = scalars.firstIndex(where: { !$0.properties.isWhitespace }),
              let last = scalars.lastIndex(where: { !$0.properties.isWhitespace })
        else { return "" }
        return String(scalars[first...last])
    }
}
