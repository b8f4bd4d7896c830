import Foundation
@testable import OnrampDomain
import Testing

// MARK: - Values

@Suite("Import values")
struct ImportValueTests {
    @Test func dottedPaths() {
        let value = ImportValue.object([
            ("a.b", .text("direct")),
            ("a", .object([("b", .text("nested")), ("c", .object([("d", .number("4"))]))])),
            ("via", .object([("channel", .text("web"))])),
        ])
        #expect(value.value(at: "a.b") == .text("direct")) // a CSV header with a dot wins
        #expect(value.value(at: "a.c.d") == .number("4"))
        #expect(value.value(at: "via.channel") == .text("web"))
        #expect(value.value(at: "via") == .object([("channel", .text("web"))]))
        #expect(value.value(at: "via.missing") == nil)
        #expect(value.value(at: "via.channel.deeper") == nil)
        #expect(value.value(at: "nothing") == nil)
        let nested = ImportValue.object([("a", .object([("b", .text("nested"))]))])
        #expect(nested.value(at: "a.b") == .text("nested"))
    }

    @Test func lookupIgnoresCaseButPrefersAnExactMatch() {
        let value = ImportValue.object([("Subject", .text("Hi")), ("KEY", .number("1")), ("key", .number("2")),
                                        ("Via", .object([("Channel", .text("web"))]))])
        #expect(value["subject"] == .text("Hi"))
        #expect(value["SUBJECT"] == .text("Hi"))
        #expect(value["key"] == .number("2"))
        #expect(value["Key"] == .number("1"))
        #expect(value.value(at: "via.channel") == .text("web"))
        #expect(ImportValue.array([value])["subject"] == nil)
        #expect(ImportValue.text("x")["subject"] == nil)
    }

    @Test func pathsInOrderWithoutDescendingIntoArrays() {
        let value = ImportValue.object([
            ("id", .number("1")),
            ("via", .object([("channel", .text("web")), ("source", .object([("rel", .null)]))])),
            ("tags", .array([.text("a")])),
            ("threads", .array([.object([("body", .text("Hi"))])])),
            ("empty", .object([])),
            ("flag", .bool(false)),
        ])
        #expect(value.paths == ["id", "via.channel", "via.source.rel", "tags", "threads", "flag"])
        #expect(ImportValue.text("x").paths.isEmpty)
    }

    @Test func jsonEscaping() throws {
        let text = "a\"b\\c\nd\te\r\u{01}f\u{1F}é😀"
        let expected = #""a\"b\\c\nd\te\r\u0001f\u001fé😀""#
        #expect(ImportValue.text(text).json == expected)
        let value = ImportValue.object([("k\"", .array([.number("1.5"), .bool(true), .null, .text(text)])), ("o", .object([]))])
        #expect(value.json == #"{"k\"":[1.5,true,null,"# + expected + #"],"o":{}}"#)
        // What it writes is JSON that reads back to the same text.
        let parsed = try JSONSerialization.jsonObject(with: Data(ImportValue.array([.text(text)]).json.utf8)) as? [String]
        #expect(parsed == [text])
    }

    @Test("scalar text", arguments: [
        (ImportValue.text("x"), "x" as String?), (.text(""), nil), (.text(" "), " "), (.number("0012"), "0012"),
        (.bool(true), "true"), (.bool(false), "false"), (.null, nil), (.array([.text("x")]), nil), (.object([("a", .text("x"))]), nil),
    ])
    func scalarText(_ value: ImportValue, _ expected: String?) {
        #expect(value.scalarText == expected)
    }

    @Test func equalityKeepsKeyOrder() {
        let ab = ImportValue.object([("a", .text("1")), ("b", .text("2"))])
        #expect(ab == .object([("a", .text("1")), ("b", .text("2"))]))
        #expect(ab != .object([("b", .text("2")), ("a", .text("1"))]))
        #expect(ImportValue.number("1") != .text("1"))
    }
}
