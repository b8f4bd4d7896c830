import Foundation
@testable import OnrampDomain
import Testing

/// The readers' common shape, to feed either the same way.
fileprivate protocol StreamingRecordReader {
    mutating func feed(_ bytes: some Sequence<UInt8>) throws -> [ImportRecord]
    mutating func finish() throws -> [ImportRecord]
}

extension JSONRecordReader: StreamingRecordReader {}
extension XMLRecordReader: StreamingRecordReader {}

/// A real export from Fixtures/ next to this file.
fileprivate func exportFixture(_ name: String) throws -> [UInt8] {
    let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/\(name)")
    return Array(try Data(contentsOf: url))
}

/// Feeds `bytes` in chunks of `chunk` bytes, then finishes.
fileprivate func readAll<Reader: StreamingRecordReader>(_ reader: Reader, _ bytes: [UInt8], chunk: Int) throws -> [ImportRecord] {
    var reader = reader
    var records: [ImportRecord] = []
    var index = 0
    while index < bytes.count {
        records += try reader.feed(bytes[index..<min(index + chunk, bytes.count)])
        index += chunk
    }
    return records + (try reader.finish())
}

/// Feeds `bytes` until the reader fails: the records returned before, and the failure.
fileprivate func readUntilFailure<Reader: StreamingRecordReader>(_ reader: Reader, _ bytes: [UInt8], chunk: Int) -> (records: [ImportRecord], failure: ImportReadFailure?) {
    var reader = reader
    var records: [ImportRecord] = []
    var index = 0
    do {
        while index < bytes.count {
            records += try reader.feed(bytes[index..<min(index + chunk, bytes.count)])
            index += chunk
        }
        records += try reader.finish()
        return (records, nil)
    } catch let failure as ImportReadFailure {
        return (records, failure)
    } catch {
        return (records, ImportReadFailure("unexpected error \(error)"))
    }
}

fileprivate func json(_ text: String, chunk: Int = 7, options: JSONRecordReader.Options = .init()) throws -> [ImportRecord] {
    try readAll(JSONRecordReader(options: options), Array(text.utf8), chunk: chunk)
}

fileprivate func xml(_ text: String, chunk: Int = 7, options: XMLRecordReader.Options = .init()) throws -> [ImportRecord] {
    try readAll(XMLRecordReader(options: options), Array(text.utf8), chunk: chunk)
}

/// What a resumed reading must give again: everything but the line (counted from the resume point).
/// (A resumed reader leaves the line out of its messages: it counts lines from the resume point.)
fileprivate struct ResumeKey: Equatable, CustomStringConvertible {
    let number: Int
    let value: ImportValue
    let endOffset: Int64
    let problem: String?
    init(_ record: ImportRecord) {
        number = record.number
        value = record.value
        endOffset = record.endOffset
        problem = record.problem?.replacingOccurrences(of: #" \(line [0-9]+\)"#, with: "", options: .regularExpression)
    }
    var description: String { "#\(number)@\(endOffset)\(problem == nil ? "" : "!")" }
}

/// Reading resumed just past every record, fed in chunks of 1, 3, 7 and 64 KB bytes, gives
/// exactly the records after it; one pass gives the same records whatever the chunk size.
fileprivate func expectResumable<Reader: StreamingRecordReader>(_ bytes: [UInt8], records expected: Int,
                                                                 _ make: (_ offset: Int64, _ before: Int) -> Reader,
                                                                 sourceLocation: SourceLocation = #_sourceLocation) throws {
    let reference = try readAll(make(0, 0), bytes, chunk: 1 << 16).map(ResumeKey.init)
    #expect(reference.count == expected, sourceLocation: sourceLocation)
    #expect(reference.map(\.number) == Array(1..<(expected + 1)), sourceLocation: sourceLocation)
    for chunk in [1, 3, 7, 1 << 16] {
        let full = try readAll(make(0, 0), bytes, chunk: chunk).map(ResumeKey.init)
        #expect(full == reference, "one pass in chunks of \(chunk)", sourceLocation: sourceLocation)
        for (index, record) in full.enumerated() {
            let tail = Array(bytes[Int(record.endOffset)...])
            let resumed = try readAll(make(record.endOffset, record.number), tail, chunk: chunk).map(ResumeKey.init)
            #expect(resumed == Array(full[(index + 1)...]), "resumed after record \(record.number) in chunks of \(chunk)",
                    sourceLocation: sourceLocation)
        }
    }
}

/// Sample records for the resume tests: tickets with tricky strings, and records with problems
/// (a string, a syntax error, an array, one too large, one too deep).
fileprivate func sampleJSONRecords(_ count: Int) -> [String] {
    (1...count).map { k in
        switch k % 10 {
        case 3: return #""a string, with ] and } and \" inside""#
        case 5: return #"{"id":\#(k),"broken" \#(k)}"#
        case 7: return #"[1,2,{"x":"]"}]"#
        case 8: return #"{"id":\#(k),"long":"\#(String(repeating: "x", count: 600))"}"#
        case 9: return #"{"id":\#(k),"deep":[[[[[[[[[[1]]]]]]]]]]}"#
        default:
            return #"{"id":\#(k),"subject":"Ticket \#(k): \"quoted\", [brackets] {braces}","tags":["a","b\\c"],"via":{"channel":"email","n":[1,2.5e3,-0]},"body":"line\nbreak é 😀 \u00e9\ud83d\ude00","ok":true,"none":null}"#
        }
    }
}

fileprivate let resumeOptions = JSONRecordReader.Options(maxRecordBytes: 512, maxDepth: 6)

@Suite("JSON and XML record readers")
struct RecordReaderTests {
    // MARK: Real exports

    @Test func freshdeskTicketListIsAnArrayOfRecords() throws {
        let bytes = try exportFixture("freshdesk_cli_tickets_list.json")
        for chunk in [1, 64, 1 << 16] {
            let records = try readAll(JSONRecordReader(), bytes, chunk: chunk)
            #expect(records.count == 2)
            #expect(records.allSatisfy { $0.problem == nil })
            #expect(records.map(\.number) == [1, 2])
            #expect(records[0].value["id"] == .number("1"))
            #expect(records[0].value["subject"] == .text("Sample ticket for testing"))
            #expect(records[0].value["tags"] == .array([.text("sample"), .text("test"), .text("api")]))
            #expect(records[0].value["requester_id"] == .number("1000000001"))
            #expect(records[0].line == 2)
            // Each record ends just past its closing brace.
            for record in records { #expect(bytes[Int(record.endOffset) - 1] == UInt8(ascii: "}")) }
        }
    }

    @Test func zendeskSingleTicketIsOneRecord() throws {
        let bytes = try exportFixture("airbyte_ticket_1_sample_ticket.json")
        let records = try readAll(JSONRecordReader(), bytes, chunk: 5)
        let record = try #require(records.first)
        #expect(records.count == 1)
        #expect(record.problem == nil)
        #expect(record.value["id"] == .number("1"))
        #expect(record.value.value(at: "via.channel") == .text("sample_ticket"))
        #expect(record.value["generated_timestamp"] == .number("1685142121"))
        #expect(record.value["custom_fields"] != nil, "arrays inside the ticket stay inside it")
        let lastBrace = try #require(bytes.lastIndex(of: UInt8(ascii: "}")))
        #expect(record.endOffset == Int64(lastBrace + 1))
        #expect(record.line == 1)
    }

    @Test func helpScoutV1ItemIsTheRecord() throws {
        let records = try readAll(JSONRecordReader(), try exportFixture("legacy_v1_conversation_10.json"), chunk: 3)
        let record = try #require(records.first)
        #expect(records.count == 1)
        #expect(record.problem == nil)
        #expect(record.value["item"] == nil, "the object in `item` is the record")
        #expect(record.value["id"] == .number("10"))
        #expect(record.value.value(at: "customer.email") == .text("karl@worldoftesters.com"))
        guard case .array(let threads)? = record.value["threads"] else {
            Issue.record("threads is not an array")
            return
        }
        #expect(!threads.isEmpty)
    }

    @Test func objectWithAnIDAndAnArrayOfObjectsIsOneRecord() throws {
        // A Help Scout customer with `emails: [{…}]`: a record, not a wrapper of emails.
        let records = try readAll(JSONRecordReader(), try exportFixture("legacy_v1_webhook_customer.json"), chunk: 11)
        #expect(records.count == 1)
        #expect(records.first?.value["firstName"] == .text("First_Name"))
        #expect(records.first?.value.value(at: "emails") == .array([.object([("id", .number("98037223")), ("location", .text("work")), ("value", .text("some@mail.com"))])]))
    }

    @Test func freshdeskConversationsAndContact() throws {
        let conversations = try readAll(JSONRecordReader(), try exportFixture("airbyte_conversations_ticket_22_reply_and_note.json"), chunk: 17)
        #expect(conversations.count == 2)
        #expect(conversations.map { $0.value["private"] } == [.bool(false), .bool(true)])
        #expect(conversations[0].value["id"] == .number("67105086049"))
        let contact = try readAll(JSONRecordReader(), try exportFixture("airbyte_contact_emily_garcia.json"), chunk: 64)
        #expect(contact.count == 1)
        #expect(contact.first?.value["custom_fields"] == .object([]))
        #expect(contact.first?.value["description"] == .null)
    }

    /// An independent check of the parser: every fixture read by the reader and written back as
    /// JSON equals the fixture read by JSONSerialization.
    @Test(arguments: ["freshdesk_cli_tickets_list.json", "airbyte_ticket_1_sample_ticket.json", "legacy_v1_conversation_10.json",
                      "legacy_v1_webhook_customer.json", "airbyte_conversations_ticket_22_reply_and_note.json",
                      "airbyte_contact_emily_garcia.json"])
    func fixturesReadAsJSONSerializationReadsThem(_ name: String) throws {
        let bytes = try exportFixture(name)
        let records = try readAll(JSONRecordReader(), bytes, chunk: 1 << 16)
        let original = try JSONSerialization.jsonObject(with: Data(bytes))
        let expected: Any
        if let array = original as? [Any] {
            expected = array
        } else if let object = original as? [String: Any], object.count == 1, let item = object["item"] {
            expected = [item]
        } else {
            expected = [original]
        }
        let written = "[" + records.map(\.value.json).joined(separator: ",") + "]"
        let reread = try JSONSerialization.jsonObject(with: Data(written.utf8))
        func canonical(_ value: Any) throws -> String {
            String(decoding: try JSONSerialization.data(withJSONObject: value, options: [.sortedKeys]), as: UTF8.self)
        }
        #expect(records.allSatisfy { $0.problem == nil })
        #expect(try canonical(reread) == (try canonical(expected)), "\(name)")
    }

    // MARK: Wrappers

    @Test func zendeskIncrementalExportWrapper() throws {
        let text = """
        {"tickets":[{"id":1,"subject":"a"},
          {"id":2,"subject":"b"}],
         "users":[{"id":9,"name":"not a record"}],
         "next_page":"https://x.zendesk.com/api/v2/incremental/tickets.json?start_time=1&s=]}",
         "count":2,"end_of_stream":true}
        """
        for chunk in [1, 4, 1 << 16] {
            let records = try json(text, chunk: chunk)
            #expect(records.map { $0.value["id"] } == [.number("1"), .number("2")])
            #expect(records.map(\.line) == [1, 2])
            #expect(records.allSatisfy { $0.problem == nil })
        }
        // The list of records may come after other members.
        let later = try json(#"{"count":1,"next_page":null,"tickets":[{"id":7}],"end_of_stream":true}"#)
        #expect(later.map(\.value.json) == [#"{"id":7}"#])
    }

    @Test func helpScoutEmbeddedWrapperAndReportDrilldown() throws {
        let text = """
        {"_embedded":{"conversations":[{"id":1,"subject":"Hi","_embedded":{"threads":[{"id":5}]}},{"id":2,"subject":"Re"}]},
         "_links":{"self":{"href":"https://api.helpscout.net/v2/conversations?page=1"}},
         "page":{"size":25,"totalElements":2,"totalPages":1,"number":1}}
        """
        for chunk in [1, 9, 1 << 16] {
            let records = try json(text, chunk: chunk)
            #expect(records.count == 2)
            #expect(records.first?.value.value(at: "_embedded.threads") == .array([.object([("id", .number("5"))])]))
            #expect(records.last?.value["subject"] == .text("Re"))
        }
        let drilldown = try json(#"{"conversations":{"pages":1,"page":1,"count":2,"results":[{"id":1},{"id":2}]}}"#, chunk: 3)
        #expect(drilldown.map(\.value.json) == [#"{"id":1}"#, #"{"id":2}"#])
    }

    @Test func firstArrayOfObjectsHoldsTheRecordsWhenNoKnownNameDoes() throws {
        let text = #"{"meta":{"page":1,"list":[{"not":"this"}]},"tags":["x"],"entries":[{"a":1},{"a":2}],"more":[{"b":1}]}"#
        for chunk in [1, 5, 1 << 16] {
            let records = try json(text, chunk: chunk)
            #expect(records.map(\.value.json) == [#"{"a":1}"#, #"{"a":2}"#])
            let end = try #require(records.last?.endOffset)
            #expect(String(decoding: Array(text.utf8)[..<Int(end)].suffix(7), as: UTF8.self) == #"{"a":2}"#)
        }
        // A known name wins over an earlier array of objects.
        let known = try json(#"{"links":[{"rel":"next"}],"tickets":[{"id":1}]}"#)
        #expect(known.map(\.value.json) == [#"{"id":1}"#])
    }

    @Test func wrapperLargerThanARecordIsStillRead() throws {
        // The document is too large to be held while it is unknown whether it wraps records:
        // the first array of objects is taken (read again from the held bytes, or on the spot).
        let entries = (1...50).map { #"{"n":\#($0),"pad":"\#(String(repeating: "p", count: 40))"}"# }.joined(separator: ",")
        let before = #"{"note":"\#(String(repeating: "n", count: 700))","entries":[\#(entries)]}"#
        let after = #"{"entries":[\#(entries)],"note":"\#(String(repeating: "n", count: 700))"}"#
        for text in [before, after] {
            for chunk in [1, 7, 100, 1 << 16] {
                let records = try json(text, chunk: chunk, options: .init(maxRecordBytes: 512))
                #expect(records.count == 50, "chunk \(chunk)")
                #expect(records.map { $0.value["n"] } == (1...50).map { .number("\($0)") })
                #expect(records.allSatisfy { $0.problem == nil })
            }
        }
        // A single object that large is one record with a problem.
        let single = try json(#"{"id":1,"body":"\#(String(repeating: "b", count: 2000))","list":[{"a":1}]}"#, chunk: 64, options: .init(maxRecordBytes: 512))
        #expect(single.count == 1)
        #expect(single.first?.problem == "Record 1 is larger than 512 bytes: it is skipped.")
    }

    // MARK: JSON Lines

    @Test func jsonLines() throws {
        let text = "\u{FEFF}{\"id\":1}\n\n{\"id\":2, \"s\":\"a\\nb\"}  \r\n   \n\"text\"\n{\"id\":4,}\n{\"id\":5}"
        for chunk in [1, 3, 1 << 16] {
            let records = try json(text, chunk: chunk, options: .init(lines: true))
            #expect(records.map(\.number) == [1, 2, 3, 4, 5])
            #expect(records.map(\.line) == [1, 3, 5, 6, 7])
            #expect(records[1].value == .object([("id", .number("2")), ("s", .text("a\nb"))]))
            #expect(records[2].problem == "Record 3 is a string, not an object.")
            #expect(records[3].problem?.hasPrefix("Record 4 is not valid JSON: expected a member name in quotes, found `}`") == true)
            #expect(records[4].value["id"] == .number("5"), "the last line needs no line end")
            #expect(records[4].endOffset == Int64(Array(text.utf8).count))
            #expect(records[0].endOffset == 12, "just past the line end (after a 3-byte BOM)")
        }
    }

    @Test func jsonLinesCutOffInTheLastLineFails() throws {
        let (records, failure) = readUntilFailure(JSONRecordReader(options: .init(lines: true)), Array("{\"id\":1}\n{\"id\":2,\"s\":\"ab".utf8), chunk: 4)
        #expect(records.map(\.number) == [1])
        #expect(failure?.description == "The file ends in the middle of record 2 (at byte 9 (line 2)): it is cut off.")
    }

    // MARK: Values

    @Test func valuesAreReadExactly() throws {
        let text = #"""
        [{"n":[360839922496, -0.50, 1E+10, 12345678901234567890123, 0, -0],
          "s":"tab\tquote\" slash\/ back\\ nl\n é \u00e9 \ud83d\ude00 😀 lone \ud800 end",
          "b":[true,false,null], "empty":{}, "none":[], "z":1, "a":2, "a":3}]
        """#
        for chunk in [1, 2, 1 << 16] {
            let record = try #require(try json(text, chunk: chunk).first)
            #expect(record.problem == nil)
            #expect(record.value["n"] == .array(["360839922496", "-0.50", "1E+10", "12345678901234567890123", "0", "-0"].map { .number($0) }))
            #expect(record.value["s"] == .text("tab\tquote\" slash/ back\\ nl\n é é 😀 😀 lone \u{FFFD} end"))
            #expect(record.value["b"] == .array([.bool(true), .bool(false), .null]))
            #expect(record.value["empty"] == .object([]))
            #expect(record.value["none"] == .array([]))
            guard case .object(let members) = record.value else { Issue.record("not an object"); return }
            #expect(members.map(\.0) == ["n", "s", "b", "empty", "none", "z", "a", "a"], "keys keep file order")
        }
    }

    @Test func elementsThatAreNotObjectsAreProblems() throws {
        let records = try json(#"[{"a":1}, "text", 42, null, true, [1,{"x":2}], {"b":2}, nope]"#)
        #expect(records.map(\.problem) == [
            nil, "Record 2 is a string, not an object.", "Record 3 is a number, not an object.", "Record 4 is null, not an object.",
            "Record 5 is true or false, not an object.", "Record 6 is an array, not an object.", nil,
            "Record 8 is not valid JSON: unexpected `n` where a value should be at byte 56 (line 1).",
        ])
        #expect(records[1].value == .object([]))
        #expect(records[6].value == .object([("b", .number("2"))]))
    }

    @Test func syntaxErrorInsideARecordIsItsProblemAndReadingGoesOn() throws {
        let text = "[{\"a\":1},\n{\"b\" 2},\n{\"c\":tru},\n{\"d\":[1}, {\"e\":\"x\",},\n{\"f\":5}]"
        for chunk in [1, 6, 1 << 16] {
            let records = try json(text, chunk: chunk)
            #expect(records.map(\.number) == [1, 2, 3, 4, 5, 6])
            #expect(records[1].problem == "Record 2 is not valid JSON: expected `:` after the member name \"b\", found `2` at byte 15 (line 2).")
            #expect(records[2].problem?.hasPrefix("Record 3 is not valid JSON: unexpected `t` where a value should be") == true)
            #expect(records[3].problem?.contains("Record 4 is not valid JSON") == true, "mismatched brackets")
            #expect(records[4].problem?.contains("expected a member name in quotes, found `}`") == true)
            #expect(records[5].problem == nil)
            #expect(records[5].value["f"] == .number("5"))
            #expect(records[5].line == 5)
        }
    }

    @Test func textBetweenRecordsThatCannotBeResynchronisedFails() throws {
        let (records, failure) = readUntilFailure(JSONRecordReader(), Array(#"[{"a":1},{"b":2} {"c":3}]"#.utf8), chunk: 1 << 16)
        #expect(records.map(\.number) == [1, 2], "records read before the failure are returned")
        #expect(failure?.description == "The file is not valid JSON: expected `,` or `]` after record 2, found `{` at byte 17 (line 1).")
        let notJSON = readUntilFailure(JSONRecordReader(), Array("hello".utf8), chunk: 2)
        #expect(notJSON.failure?.description.hasPrefix("The file is not a JSON array or object: it starts with `h`") == true)
        let twoDocuments = readUntilFailure(JSONRecordReader(), Array("{\"a\":1}\n{\"b\":2}\n".utf8), chunk: 3)
        #expect(twoDocuments.records.map(\.value.json) == [#"{"a":1}"#])
        #expect(twoDocuments.failure?.description.contains("read it as JSON Lines") == true)
    }

    @Test func deepNestingIsAProblemNotACrash() throws {
        for depth in [10_000, 100_000] {
            let nested = String(repeating: "[", count: depth) + String(repeating: "]", count: depth)
            let text = #"[{"a":"# + nested + #"},{"ok":true}]"#
            for chunk in [4096, 1 << 16] {
                let records = try json(text, chunk: chunk)
                #expect(records.map(\.problem) == ["Record 1 is nested deeper than 64 levels.", nil])
                #expect(records.last?.value == .object([("ok", .bool(true))]))
            }
            // JSON Lines are parsed line by line: the parser stops at the limit.
            let lines = try json(#"{"a":"# + nested + "}\n{\"ok\":1}\n", chunk: 1 << 16, options: .init(lines: true))
            #expect(lines.map(\.problem) == ["Record 1 is nested deeper than 64 levels.", nil])
            // An unclosed element that deep: the file is cut off.
            let open = readUntilFailure(JSONRecordReader(), Array(("[" + String(repeating: "[", count: depth)).utf8), chunk: 1 << 16)
            #expect(open.failure?.description.hasPrefix("The file ends in the middle of record 1") == true)
        }
        let limit = try json(#"[{"a":[[1]]},{"a":[[[1]]]}]"#, options: .init(maxDepth: 3))
        #expect(limit.map(\.problem) == [nil, "Record 2 is nested deeper than 3 levels."])
    }

    @Test func recordLargerThanTheLimitIsSkippedWithoutBeingHeld() throws {
        let big = String(repeating: "x", count: 10 << 20)
        let bytes = Array(#"[{"id":1},{"id":2,"body":""#.utf8) + Array(big.utf8) + Array(#""},{"id":3}]"#.utf8)
        for chunk in [1 << 16, bytes.count] {
            var reader = JSONRecordReader(options: .init(maxRecordBytes: 1 << 20))
            var records: [ImportRecord] = []
            var index = 0
            var held = 0
            while index < bytes.count {
                records += try reader.feed(bytes[index..<min(index + chunk, bytes.count)])
                held = max(held, reader.heldCapacity)
                index += chunk
            }
            records += try reader.finish()
            #expect(records.map(\.problem) == [nil, "Record 2 is larger than 1 MB: it is skipped.", nil])
            #expect(records[2].value == .object([("id", .number("3"))]))
            #expect(records[1].endOffset == Int64(bytes.count - 10), "just past `\"}`")
            #expect(held < 3 << 20, "at most about the limit is held, not the 10 MB record (held \(held))")
        }
        let lines = Array("{\"id\":1}\n{\"body\":\"".utf8) + Array(big.utf8) + Array("\"}\n{\"id\":3}\n".utf8)
        let lineRecords = try readAll(JSONRecordReader(options: .init(maxRecordBytes: 1 << 20, lines: true)), lines, chunk: 1 << 16)
        #expect(lineRecords.map(\.problem) == [nil, "Record 2 is larger than 1 MB: it is skipped.", nil])
        #expect(lineRecords.map(\.line) == [1, 2, 3])
    }

    @Test func cutOffFilesFailAfterTheRecordsBefore() throws {
        let text = #"[{"id":1},{"id":2},{"id":3,"subject":"cut"#
        let (records, failure) = readUntilFailure(JSONRecordReader(), Array(text.utf8), chunk: 5)
        #expect(records.map(\.number) == [1, 2])
        #expect(failure?.description == "The file ends in the middle of record 3 (it starts at byte 19 (line 1)): it is cut off.")
        let between = readUntilFailure(JSONRecordReader(), Array(#"[{"id":1},{"id":2},"#.utf8), chunk: 5)
        #expect(between.records.count == 2)
        #expect(between.failure?.description == "The file ends before the list of records is closed, after record 2: it is cut off.")
        let wrapper = readUntilFailure(JSONRecordReader(), Array(#"{"tickets":[{"id":1}"#.utf8), chunk: 5)
        #expect(wrapper.records.count == 1)
        #expect(wrapper.failure?.description == "The file ends before the list of records is closed, after record 1: it is cut off.")
        let document = readUntilFailure(JSONRecordReader(), Array(#"{"id":1,"subj"#.utf8), chunk: 5)
        #expect(document.records.isEmpty)
        #expect(document.failure?.description == "The file ends before the JSON document that starts at byte 0 is closed: it is cut off.")
    }

    @Test func invalidUTF8IsAProblemOfItsRecordAndLatin1IsRead() throws {
        let bytes = Array(#"[{"a":"ok"},{"a":"caf"#.utf8) + [0xE9] + Array(#"","b":"\n"},{"a":"é"}]"#.utf8)
        let records = try readAll(JSONRecordReader(), bytes, chunk: 3)
        #expect(records.count == 3)
        #expect(records[1].problem?.hasPrefix("Record 2 is not valid UTF-8 text") == true)
        #expect(records[2].value["a"] == .text("é"))
        let latin1 = Array(#"[{"name":"Ren"#.utf8) + [0xE9] + Array(#"","note":"a\"b "#.utf8) + [0xFC] + Array(#""}]"#.utf8)
        let read = try readAll(JSONRecordReader(options: .init(encoding: .latin1)), latin1, chunk: 2)
        #expect(read.first?.value == .object([("name", .text("René")), ("note", .text("a\"b ü"))]))
    }

    @Test func byteOrderMarkAndEmptyFiles() throws {
        #expect(try json("\u{FEFF}[{\"a\":1}]").map(\.value.json) == [#"{"a":1}"#])
        for empty in ["", "  \n", "\u{FEFF}", "[]", " [ ] ", #"{"tickets":[],"end_of_stream":true}"#] {
            #expect(try json(empty, chunk: 1).isEmpty, "\(empty.debugDescription)")
        }
        #expect(try json("", options: .init(lines: true)).isEmpty)
        #expect(try json("\n\n \n", options: .init(lines: true)).isEmpty)
    }

    @Test func sequencesWithoutContiguousStorageAreRead() throws {
        let text = Array(#"[{"id":1},{"id":2}]"#.utf8)
        var reader = JSONRecordReader()
        let records = try reader.feed(text.lazy.map { $0 }) + (try reader.finish())
        #expect(records.map(\.value.json) == [#"{"id":1}"#, #"{"id":2}"#])
    }

    // MARK: Resuming

    @Test func resumingAJSONArrayAtEveryRecordBoundary() throws {
        let bytes = Array(("[\n  " + sampleJSONRecords(24).joined(separator: ",\n  ") + "\n]\n").utf8)
        try expectResumable(bytes, records: 24) { JSONRecordReader(options: resumeOptions, resumeAt: $0, recordsBefore: $1) }
        let records = try readAll(JSONRecordReader(options: resumeOptions), bytes, chunk: 64)
        #expect(records[2].problem == "Record 3 is a string, not an object.")
        #expect(records[4].problem?.hasPrefix("Record 5 is not valid JSON") == true)
        #expect(records[6].problem == "Record 7 is an array, not an object.")
        #expect(records[7].problem == "Record 8 is larger than 512 bytes: it is skipped.")
        #expect(records[8].problem == "Record 9 is nested deeper than 6 levels.")
        #expect(records[0].value["body"] == .text("line\nbreak é 😀 é😀"))
        #expect(records.map(\.line) == Array(2...25))
    }

    @Test func resumingWrappedRecordsAtEveryRecordBoundary() throws {
        let records = sampleJSONRecords(20).joined(separator: ",\n")
        let zendesk = #"{"count":20,"tickets":[\#(records)],"next_page":"https://x/?a=]}","end_of_stream":true}"# + "\n"
        try expectResumable(Array(zendesk.utf8), records: 20) { JSONRecordReader(options: resumeOptions, resumeAt: $0, recordsBefore: $1) }
        let helpScout = #"{"_embedded":{"conversations":[\#(records)]},"page":{"size":20,"number":1},"_links":{"next":{"href":"x"}}}"#
        try expectResumable(Array(helpScout.utf8), records: 20) { JSONRecordReader(options: resumeOptions, resumeAt: $0, recordsBefore: $1) }
        let fallback = #"{"meta":{"page":1},"entries":[\#(records)],"more":[{"z":1}]}"#
        try expectResumable(Array(fallback.utf8), records: 20) { JSONRecordReader(options: resumeOptions, resumeAt: $0, recordsBefore: $1) }
        // A single record, and `{"item":…}`: resuming after it finds nothing more.
        try expectResumable(Array(#"{"id":1,"list":[{"a":1}]}  "#.utf8), records: 1) { JSONRecordReader(resumeAt: $0, recordsBefore: $1) }
        try expectResumable(Array(#"{"item":{"id":10}}"#.utf8), records: 1) { JSONRecordReader(resumeAt: $0, recordsBefore: $1) }
    }

    @Test func resumingJSONLinesAtEveryRecordBoundary() throws {
        let lines = sampleJSONRecords(24).enumerated().map { $0.offset % 4 == 1 ? $0.element + "\r\n" : $0.element + "\n" }
        let text = lines.joined(separator: "") .replacingOccurrences(of: "\n{\"id\":6", with: "\n\n  \n{\"id\":6")
        let options = JSONRecordReader.Options(maxRecordBytes: 512, maxDepth: 6, lines: true)
        try expectResumable(Array(text.utf8), records: 24) { JSONRecordReader(options: options, resumeAt: $0, recordsBefore: $1) }
        let records = try readAll(JSONRecordReader(options: options), Array(text.utf8), chunk: 5)
        #expect(records[5].line == 8, "blank lines are counted, not returned")
    }

    // MARK: XML

    static let zendeskXML = """
    <?xml version="1.0" encoding="UTF-8"?>
    <!-- Zendesk export -->
    <tickets type="array" count="2">
      <ticket>
        <nice-id type="integer">5</nice-id>
        <subject>Hi &amp; welcome &lt;team&gt; &quot;quoted&quot; &apos;single&apos;</subject>
        <description><![CDATA[<p>HTML & stuff</p> ]]]]><![CDATA[> ok]]></description>
        <assignee-id type="integer" nil="true"></assignee-id>
        <due-date nil="true"/>
        <status>open</status>
        <empty></empty>
        <self-closed/>
        <comments type="array">
          <comment><author-id type="integer">1</author-id><value>first &#233;t&#xE9; &#x1F600;</value></comment>
          <!-- a note -->
          <comment><author-id type="integer">2</author-id><value>line1\r\nline2</value></comment>
        </comments>
        <tag>a</tag><tag>b</tag>
        <tags type="array"></tags>
      </ticket>
      <?processing instruction?>
      <ticket><nice-id>6</nice-id><subject>Second</subject></ticket>
    </tickets>

    """

    @Test func zendeskStyleXMLExport() throws {
        for chunk in [1, 3, 7, 1 << 16] {
            let records = try xml(Self.zendeskXML, chunk: chunk)
            #expect(records.count == 2)
            let ticket = records[0].value
            #expect(records[0].problem == nil)
            #expect(records[0].line == 4)
            #expect(ticket["nice_id"] == .text("5"))
            #expect(ticket["subject"] == .text("Hi & welcome <team> \"quoted\" 'single'"))
            #expect(ticket["description"] == .text("<p>HTML & stuff</p> ]]> ok"))
            #expect(ticket["assignee_id"] == .null)
            #expect(ticket["due_date"] == .null)
            #expect(ticket["empty"] == .text(""))
            #expect(ticket["self_closed"] == .text(""))
            #expect(ticket["comments"] == .array([
                .object([("author_id", .text("1")), ("value", .text("first été 😀"))]),
                .object([("author_id", .text("2")), ("value", .text("line1\nline2"))]),
            ]))
            #expect(ticket["tag"] == .array([.text("a"), .text("b")]), "a repeated name becomes an array")
            #expect(ticket["tags"] == .array([]))
            guard case .object(let members) = ticket else { Issue.record("not an object"); return }
            #expect(members.map(\.0) == ["nice_id", "subject", "description", "assignee_id", "due_date", "status", "empty",
                                         "self_closed", "comments", "tag", "tags"])
            #expect(records[1].value == .object([("nice_id", .text("6")), ("subject", .text("Second"))]))
            let bytes = Array(Self.zendeskXML.utf8)
            #expect(String(decoding: bytes[..<Int(records[1].endOffset)].suffix(9), as: UTF8.self) == "</ticket>")
        }
    }

    @Test func doctypeAndEntityDeclarationsAreRefused() throws {
        let doctype = #"<?xml version="1.0"?><!DOCTYPE tickets [<!ENTITY boom "boom">]><tickets><ticket><a>&boom;</a></ticket></tickets>"#
        let refused = readUntilFailure(XMLRecordReader(), Array(doctype.utf8), chunk: 4)
        #expect(refused.records.isEmpty)
        #expect(refused.failure?.description.hasPrefix("XML with a DOCTYPE or entity declarations is refused: ") == true)
        let inside = #"<tickets><ticket><a>1</a></ticket><ticket><!ENTITY x "y"><a>2</a></ticket></tickets>"#
        let insideRead = readUntilFailure(XMLRecordReader(), Array(inside.utf8), chunk: 1 << 16)
        #expect(insideRead.records.map(\.number) == [1], "records before the declaration are returned")
        #expect(insideRead.failure?.description.contains("is refused") == true)
        // Only in a comment or CDATA it is text.
        let quoted = try xml(#"<tickets><!-- <!DOCTYPE x> --><ticket><a><![CDATA[<!ENTITY y "z">]]></a></ticket></tickets>"#, chunk: 2)
        #expect(quoted.first?.value == .object([("a", .text(#"<!ENTITY y "z">"#))]))
    }

    @Test func unknownEntitiesAreProblemsAndNothingIsExpanded() throws {
        let text = "<tickets><ticket><a>1</a></ticket><ticket><a>&foo;</a></ticket><ticket><a>AT&T</a></ticket><ticket><a>&#0;</a></ticket><ticket><a>ok</a></ticket></tickets>"
        let records = try xml(text, chunk: 3)
        #expect(records.count == 5)
        #expect(records[1].problem == "Record 2 uses the unknown entity &foo; at byte 45 (line 1): only the five XML entities and character references are read, nothing is expanded.")
        #expect(records[2].problem?.hasPrefix("Record 3 is not well-formed XML: an `&` starts no entity") == true)
        #expect(records[3].problem?.contains("is not a character") == true)
        #expect(records[4].value == .object([("a", .text("ok"))]))
        #expect(records[1].value == .object([]))
    }

    @Test func mismatchedTagsAreProblemsOfTheirRecord() throws {
        let text = """
        <tickets>
        <ticket><a>1</b></ticket>
        <ticket><a>2</ticket>
        <ticket><a>3</a></x></ticket>
        <ticket><a>4</a></ticket>
        </tickets>
        """
        for chunk in [1, 5, 1 << 16] {
            let records = try xml(text, chunk: chunk)
            #expect(records.map(\.number) == [1, 2, 3, 4])
            #expect(records[0].problem == "Record 1 is not well-formed XML: the closing tag </b> does not match <a> at byte 22 (line 2).")
            #expect(records[1].problem == "Record 2 is not well-formed XML: the closing tag </ticket> does not match <a> at byte 48 (line 3).")
            #expect(records[2].problem?.hasPrefix("Record 3 is not well-formed XML: the closing tag </x> does not match <ticket>") == true)
            #expect(records[3].value == .object([("a", .text("4"))]))
            #expect(records[3].line == 5)
        }
        let root = readUntilFailure(XMLRecordReader(), Array("<tickets><ticket/></tockets>".utf8), chunk: 4)
        #expect(root.records.count == 1)
        #expect(root.failure?.description == "The file is not well-formed XML: the closing tag </tockets> does not match the root element <tickets> at byte 18 (line 1).")
    }

    @Test func xmlDeepNestingLargeRecordsAndTextOnlyRecords() throws {
        let deep = String(repeating: "<a>", count: 10_000) + "x" + String(repeating: "</a>", count: 10_000)
        let records = try xml("<r><t>\(deep)</t><t><ok>1</ok></t><t>just text</t><t/></r>", chunk: 4096)
        #expect(records.map(\.problem) == ["Record 1 is nested deeper than 64 levels.", nil, "Record 3 (<t>) holds only text, not fields.", nil])
        #expect(records[1].value == .object([("ok", .text("1"))]))
        #expect(records[3].value == .object([]))

        let big = String(repeating: "y", count: 10 << 20)
        let bytes = Array("<r><t><a>1</a></t><t><body>\(big)</body></t><t><a>3</a></t></r>".utf8)
        var reader = XMLRecordReader(options: .init(maxRecordBytes: 1 << 20))
        var read: [ImportRecord] = []
        var held = 0
        var index = 0
        while index < bytes.count {
            read += try reader.feed(bytes[index..<min(index + (1 << 16), bytes.count)])
            held = max(held, reader.heldCapacity)
            index += 1 << 16
        }
        read += try reader.finish()
        #expect(read.map(\.problem) == [nil, "Record 2 is larger than 1 MB: it is skipped.", nil])
        #expect(read[2].value == .object([("a", .text("3"))]))
        #expect(held < 3 << 20, "held \(held)")
    }

    @Test func xmlCutOffAndMalformedFilesFail() throws {
        let inRecord = readUntilFailure(XMLRecordReader(), Array("<tickets><ticket><a>1</a></ticket><ticket><a>2</a>".utf8), chunk: 3)
        #expect(inRecord.records.map(\.number) == [1])
        #expect(inRecord.failure?.description == "The file ends in the middle of record 2 (it starts at byte 34 (line 1)): it is cut off.")
        let afterRecord = readUntilFailure(XMLRecordReader(), Array("<tickets><ticket><a>1</a></ticket>\n".utf8), chunk: 3)
        #expect(afterRecord.records.count == 1)
        #expect(afterRecord.failure?.description == "The file ends before the root element <tickets> is closed, after record 1: it is cut off.")
        let notXML = readUntilFailure(XMLRecordReader(), Array("id,name\n1,Ann\n".utf8), chunk: 3)
        #expect(notXML.failure?.description == "The file is not XML: it starts with `i` at byte 0 (line 1).")
        let twoRoots = readUntilFailure(XMLRecordReader(), Array("<a><t/></a><b/>".utf8), chunk: 3)
        #expect(twoRoots.records.count == 1)
        #expect(twoRoots.failure?.description.contains("a second root element <b>") == true)
        #expect(try xml("").isEmpty)
        #expect(try xml("\u{FEFF}<?xml version=\"1.0\"?>\n<tickets type=\"array\"/>\n").isEmpty)
        #expect(try xml("\u{FEFF}<tickets>\n</tickets>").isEmpty)
    }

    @Test func xmlInvalidUTF8AndLatin1() throws {
        let bytes = Array("<r><t><a>ok</a></t><t><a>caf".utf8) + [0xE9] + Array("</a></t><t><a>é</a></t></r>".utf8)
        let records = try readAll(XMLRecordReader(), bytes, chunk: 5)
        #expect(records.count == 3)
        #expect(records[1].problem?.hasPrefix("Record 2 is not valid UTF-8 text") == true)
        #expect(records[2].value == .object([("a", .text("é"))]))
        let latin1 = try readAll(XMLRecordReader(options: .init(encoding: .latin1)), bytes, chunk: 5)
        #expect(latin1[1].value == .object([("a", .text("café"))]))
        #expect(latin1[2].value == .object([("a", .text("Ã©"))]), "UTF-8 read as Latin-1 is two characters")
    }

    @Test func resumingXMLAtEveryRecordBoundary() throws {
        let records = (1...24).map { k -> String in
            switch k % 8 {
            case 3: return "<ticket><subject>&foo;</subject></ticket>"
            case 5: return "<ticket><a>1</b><c>2</c></ticket>"
            case 6: return "<ticket><long>\(String(repeating: "l", count: 600))</long></ticket>"
            case 7: return "<ticket><a><b><c><d><e><f><g>deep</g></f></e></d></c></b></a></ticket>"
            default:
                return "<ticket><nice-id type=\"integer\">\(k)</nice-id><subject>T \(k) &amp; &#233; ]]&gt;</subject><description><![CDATA[<b>x</b> </ticket> ]]></description><assignee-id nil=\"true\"/><comments type=\"array\"><comment><value>c1</value></comment><comment><value>c2</value></comment></comments></ticket>"
            }
        }
        let text = "<?xml version=\"1.0\"?>\n<tickets type=\"array\">\n  " + records.joined(separator: "\n  <!-- > -->\n  <?pi x?>") + "\n</tickets>\n"
        let options = XMLRecordReader.Options(maxRecordBytes: 512, maxDepth: 6)
        try expectResumable(Array(text.utf8), records: 24) { XMLRecordReader(options: options, resumeAt: $0, recordsBefore: $1) }
        let read = try readAll(XMLRecordReader(options: options), Array(text.utf8), chunk: 1 << 16)
        #expect(read[0].value["description"] == .text("<b>x</b> </ticket> "))
        #expect(read[2].problem?.contains("unknown entity &foo;") == true)
        #expect(read[4].problem?.contains("the closing tag </b> does not match <a>") == true)
        #expect(read[5].problem == "Record 6 is larger than 512 bytes: it is skipped.")
        #expect(read[6].problem == "Record 7 is nested deeper than 6 levels.")
        #expect(read.filter { $0.problem == nil }.count == 12)
    }
}
