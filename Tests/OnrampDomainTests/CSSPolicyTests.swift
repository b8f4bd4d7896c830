import OnrampDomain
import Testing

@Suite("CSSPolicy")
struct CSSPolicyTests {
    @Test("plain rules with allowed properties are accepted", arguments: [
        "",
        "   ",
        ".header { color: #1f5fbf; }",
        ".header{color:#1f5fbf}",
        "h1, h2 > span.title { font-size: 2rem; font-weight: 700; line-height: 1.2 }",
        "a { color: red; text-decoration: none; }\n a:hover { text-decoration: underline; }",
        "/* brand colours */ .button { background-color: #000; border-radius: 4px; padding: 4px 8px; }",
        ".x { font-family: \"Open Sans\", sans-serif; box-shadow: 0 1px 2px rgba(0, 0, 0, 0.2); }",
        "BODY { COLOR: RED }",
        ".empty { }",
        ".a { ; ; color: red;; }",
        ".a /* note */ { margin: 0 /* inline */ }",
    ])
    func safe(_ css: String) {
        #expect(CSSPolicy.problems(in: css) == [])
    }

    @Test("anything that loads resources or runs code is refused", arguments: [
        ("body { background: url(https://evil.example/x.png) }", "url("),
        ("body { background: URL(x) }", "url("),
        ("@import 'https://evil.example/x.css';", "@import"),
        ("div { width: expression(alert(1)) }", "expression("),
        ("a { color: javascript:alert(1) }", "javascript:"),
        ("a { behavior: x }", "behavior:"),
        ("a { -moz-binding: x }", "-moz-binding"),
        ("</style><script>alert(1)</script>", "</style"),
        ("a > b { color: red } <b>", "<"),
        ("body { background: image-set(\"https://evil.example/x.png\" 1x) }", "image-set("),
        ("body { background: -webkit-image-set(\"x.png\" 1x) }", "image-set("),
    ])
    func forbiddenTokens(_ css: String, _ token: String) {
        let problems = CSSPolicy.problems(in: css)
        #expect(problems.contains("Custom CSS may not contain \(token)."), "got \(problems)")
    }

    @Test("every forbidden token is reported, not just the first")
    func everyToken() {
        let problems = CSSPolicy.problems(in: "a { background: url(x); width: expression(1) } @import 'y';")
        #expect(problems == [
            "Custom CSS may not contain url(.",
            "Custom CSS may not contain @import.",
            "Custom CSS may not contain expression(.",
        ])
    }

    @Test("backslash escapes are refused, since they can spell any forbidden token")
    func backslash() {
        #expect(CSSPolicy.problems(in: "a { background: \\75rl(x) }") == ["Custom CSS may not contain backslash escapes."])
        #expect(CSSPolicy.problems(in: "a { content: \"\\\\\" }") == ["Custom CSS may not contain backslash escapes."])
    }

    @Test("structure problems", arguments: [
        ("@media print { a { color: red } }", "Custom CSS may not contain at-rules such as @media or @font-face."),
        ("@font-face { font-family: x }", "Custom CSS may not contain at-rules such as @media or @font-face."),
        ("a { color: red; @apply x; }", "Custom CSS may not contain at-rules such as @media or @font-face."),
        ("a { b { color: red } }", "Custom CSS may not nest rules."),
        ("a { color: red } }", "Custom CSS has an unbalanced }."),
        ("} a { color: red }", "Custom CSS has an unbalanced }."),
        ("a { color: red", "Custom CSS has a { without its }."),
        ("a { color: red } /* unclosed", "Custom CSS has an unclosed comment."),
        ("a { color: red } /*/", "Custom CSS has an unclosed comment."),
        ("a { position: fixed }", "The property position is not allowed in custom CSS."),
        ("a { color: red; z-index: 9999 }", "The property z-index is not allowed in custom CSS."),
        ("a { -webkit-appearance: none }", "The property -webkit-appearance is not allowed in custom CSS."),
        ("a { color red }", "\"color red\" is not a property: value declaration."),
    ])
    func structure(_ css: String, _ message: String) {
        #expect(CSSPolicy.problems(in: css) == [message])
    }

    @Test("an at-rule hidden in a comment is harmless; one outside is not")
    func atRulesAndComments() {
        #expect(CSSPolicy.problems(in: "/* @media print */ a { color: red }") == [])
        #expect(CSSPolicy.problems(in: "/* a */ @charset x; /* b */").count == 1)
    }

    @Test("every disallowed declaration in every rule is reported")
    func everyDeclaration() {
        let problems = CSSPolicy.problems(in: "a { position: absolute; color: red; top: 0 } b { cursor: pointer }")
        #expect(problems == [
            "The property position is not allowed in custom CSS.",
            "The property top is not allowed in custom CSS.",
            "The property cursor is not allowed in custom CSS.",
        ])
    }

    @Test("the allow list holds presentation properties only")
    func allowList() {
        #expect(CSSPolicy.allowedProperties.contains("color"))
        #expect(CSSPolicy.allowedProperties.contains("background"))
        #expect(!CSSPolicy.allowedProperties.contains("position"))
        #expect(!CSSPolicy.allowedProperties.contains("content"))
        #expect(!CSSPolicy.allowedProperties.contains("background-image"))
        #expect(CSSPolicy.allowedProperties.allSatisfy { $0 == $0.lowercased() })
    }
}
