/// Custom CSS a tenant may add to its portal and emails: plain declarations of an
/// allow-listed set of properties, inside simple rules. Anything that could load
/// resources or run code is refused.
public enum CSSPolicy {
    public static let allowedProperties: Set<String> = [
        "color", "background-color", "background", "border", "border-color", "border-radius", "border-width",
        "border-style", "font-family", "font-size", "font-weight", "font-style", "line-height", "letter-spacing",
        "text-align", "text-decoration", "text-transform", "margin", "margin-top", "margin-bottom", "margin-left",
        "margin-right", "padding", "padding-top", "padding-bottom", "padding-left", "padding-right", "width",
        "max-width", "min-width", "height", "max-height", "min-height", "box-shadow", "opacity", "display",
        "gap", "outline", "outline-color",
    ]

    static let forbidden = ["url(", "image-set(", "@import", "expression(", "javascript:", "behavior:", "-moz-binding", "</style", "<"]

    /// What could load or run something (`url(`, `@import`, scripts, escapes that hide them):
    /// refused even in a draft. Syntax and the property allow-list are checked on completion.
    public static func dangerousTokens(in css: String) -> [String] {
        var problems: [String] = []
        let lowered = css.lowercased()
        for token in forbidden where lowered.contains(token) {
            problems.append("Custom CSS may not contain \(token).")
        }
        if lowered.contains("\\") { problems.append("Custom CSS may not contain backslash escapes.") }
        return problems
    }

    /// Every problem found, as messages for a person; empty when the CSS is acceptable.
    public static func problems(in css: String) -> [String] {
        var problems = dangerousTokens(in: css)
        let lowered = css.lowercased()
        guard problems.isEmpty else { return problems }
        // Strip comments, then read `selector { declarations }` blocks.
        var text = lowered
        while let start = text.range(of: "/*") {
            guard let end = text.range(of: "*/", range: start.upperBound..<text.endIndex) else {
                return ["Custom CSS has an unclosed comment."]
            }
            text.removeSubrange(start.lowerBound..<end.upperBound)
        }
        if text.contains("@") { return ["Custom CSS may not contain at-rules such as @media or @font-face."] }
        var depth = 0
        var body = ""
        for character in text {
            switch character {
            case "{":
                depth += 1
                if depth > 1 { return ["Custom CSS may not nest rules."] }
                body = ""
            case "}":
                guard depth == 1 else { return ["Custom CSS has an unbalanced }."] }
                depth = 0
                problems += declarationProblems(body)
            default:
                if depth == 1 { body.append(character) }
            }
        }
        if depth != 0 { problems.append("Custom CSS has a { without its }.") }
        return problems
    }

    static func declarationProblems(_ body: String) -> [String] {
        var problems: [String] = []
        for declaration in body.split(separator: ";") {
            let trimmed = String(declaration).trimmingWhitespace()
            guard !trimmed.isEmpty else { continue }
            guard let colon = trimmed.firstIndex(of: ":") else {
                problems.append("\"\(trimmed)\" is not a property: value declaration.")
                continue
            }
            let property = String(trimmed[..<colon]).trimmingWhitespace()
            if !allowedProperties.contains(property) {
                problems.append("The property \(property) is not allowed in custom CSS.")
            }
        }
        return problems
    }
}
