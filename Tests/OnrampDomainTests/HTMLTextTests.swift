import Foundation
@testable import OnrampDomain
import Testing

// MARK: - HTML bodies

@Suite("HTML text")
struct HTMLTextTests {
    @Test("HTML becomes plain text", arguments: [
        ("<p>Hello <b>world</b></p><p>Second</p>", "Hello world\nSecond"),
        ("Line 1<br>Line 2<br/>Line 3<BR />Line 4", "Line 1\nLine 2\nLine 3\nLine 4"),
        ("<div>a</div><div>b</div>", "a\nb"),
        ("<ul><li>one</li><li>two</li></ul>", "one\ntwo"),
        (#"<a href="https://example.com">link</a> text"#, "link text"),
        ("<p>Fish &amp; chips &lt;3 &quot;yes&quot; it&#39;s&nbsp;fine &gt;</p>", "Fish & chips <3 \"yes\" it's fine >"),
        ("<p>&amp;lt; stays</p>", "&lt; stays"),
        ("<div dir=\"ltr\">Hello</div>", "Hello"),
    ])
    func plain(_ html: String, _ expected: String) {
        #expect(HTMLText.plain(html) == expected)
    }

    @Test("text that is not HTML is unchanged", arguments: [
        "Just text", "  spaced  ", "AT&T &amp; friends", "2 < 3", "5 > 4", "a\nb",
    ])
    func notHTML(_ text: String) {
        #expect(HTMLText.plain(text) == text)
    }

    /// Plain-text bodies (Zendesk descriptions, mail quotes) often hold `Name <address>`: an
    /// address in angle brackets is no HTML tag and must survive.
    @Test("plain text with addresses in angle brackets keeps them", arguments: [
        "From: Ann <ann@example.com>",
        "On Monday, Bo <bo@example.com> wrote:\n> It broke",
        "if x < 3 and y > 5",
    ])
    func angleBracketsInPlainText(_ text: String) {
        #expect(HTMLText.plain(text) == text)
    }
}
