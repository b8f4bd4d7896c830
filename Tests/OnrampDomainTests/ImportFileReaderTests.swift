import Foundation
@testable import OnrampDomain
import Testing

/// Every record of `text` read in chunks of `chunk` bytes, with the CSV header.
func readFile(_ bytes: [UInt8], format: ImportDetection.Format = .csv, chunk: Int = 4096,
              delimiter: UInt8? = nil, header: [String]? = nil, resumeAt: Int64 = 0, recordsBefore: Int = 0,
              line: Int = 1) throws -> (records: [ImportRecord], columns: [String]?) {
    var reader = ImportFileReader(format: format, encoding: .utf8, delimiter: delimiter, header: header,
                                  resumeAt: resumeAt, recordsBefore: recordsBefore, line: line)
    var records: [ImportRecord] = []
    var start = Int(resumeAt)
    while start < bytes.count {
        let end = min(bytes.count, start + chunk)
        records += try reader.feed(bytes[start..<end])
        start = end
    }
    records += try reader.finish()
    return (records, reader.columns)
}

// MARK: - Reading files

@Suite("Import file reader")
struct ImportFileReaderTests {
    static let csv = "id,subject,tags,tags,\n"
        + "1,Hello,a,b,\n"
        + "2,\"Quoted, with comma\",\"multi\nline\",c,\n"
        + "3,Short\n"
        + "4,Extra,x,y,,,\n"
        + "5,Too many,x,y,z,EXTRA\n"
        + "6,\"He said \"\"hi\"\"\",,,\n"
        + "7,Last,,,"

    @Test func csvRecords() throws {
        let (records, columns) = try readFile(Array(Self.csv.utf8))
        #expect(columns == ["id", "subject", "tags", "tags (2)", "Column 5"])
        #expect(records.map(\.number) == [1, 2, 3, 4, 5, 6, 7]) // the header is no record
        #expect(records.map(\.line) == [2, 3, 5, 6, 7, 8, 9])
        try #require(records.count == 7)
        #expect(records[0].value == .object([("id", .text("1")), ("subject", .text("Hello")), ("tags", .text("a")),
                                             ("tags (2)", .text("b")), ("Column 5", .text(""))]))
        #expect(records[1].value["subject"] == .text("Quoted, with comma"))
        #expect(records[1].value["tags"] == .text("multi\nline"))
        // A short row is padded.
        #expect(records[2].value == .object([("id", .text("3")), ("subject", .text("Short")), ("tags", .text("")),
                                             ("tags (2)", .text("")), ("Column 5", .text(""))]))
        // Extra empty fields are fine; an extra value is a problem.
        #expect(records[3].problem == nil && records[3].value["tags (2)"] == .text("y"))
        #expect(records[4].problem?.contains("6 fields but the header has 5") == true)
        #expect(records[5].value["subject"] == .text("He said \"hi\""))
        #expect(records[6].value["subject"] == .text("Last"))
        #expect(records.filter { $0.problem != nil }.map(\.number) == [5])
        // Offsets grow and the last one is the end of the file.
        #expect(zip(records, records.dropFirst()).allSatisfy { $0.endOffset < $1.endOffset })
        #expect(records.last?.endOffset == Int64(Self.csv.utf8.count))
    }

    @Test("resuming after any record gives the same remaining records", arguments: [1, 7, 4096])
    func resume(_ chunk: Int) throws {
        for text in [Self.csv, Self.csv.replacingOccurrences(of: "\n", with: "\r\n")] {
            let bytes = Array(text.utf8)
            let (all, columns) = try readFile(bytes, chunk: chunk)
            try #require(all.count == 7)
            for record in all {
                let line = bytes[..<Int(record.endOffset)].filter { $0 == 0x0A }.count + 1
                let (rest, _) = try readFile(bytes, chunk: chunk, delimiter: UInt8(ascii: ","), header: columns,
                                             resumeAt: record.endOffset, recordsBefore: record.number, line: line)
                #expect(rest == Array(all.drop { $0.number <= record.number }), "after record \(record.number), chunk \(chunk)")
            }
        }
    }

    @Test func crlfAndByteOrderMark() throws {
        let crlf = "id,name\r\n1,Ann\r\n2,\"Bo\r\nB\"\r\n"
        let (records, columns) = try readFile(Array(crlf.utf8), chunk: 3)
        #expect(columns == ["id", "name"])
        #expect(records.map(\.value) == [.object([("id", .text("1")), ("name", .text("Ann"))]),
                                         .object([("id", .text("2")), ("name", .text("Bo\r\nB"))])])
        #expect(records.map(\.line) == [2, 3])

        let bom = [0xEF, 0xBB, 0xBF] + Array(" id , name \n1,Ann\n".utf8)
        let (bomRecords, bomColumns) = try readFile(bom, chunk: 1)
        #expect(bomColumns == ["id", "name"])
        #expect(bomRecords.map(\.value) == [.object([("id", .text("1")), ("name", .text("Ann"))])])
        #expect(bomRecords.first?.endOffset == Int64(bom.count))
    }

    @Test func semicolonsAreDetected() throws {
        let (records, columns) = try readFile(Array("Ticket ID;Subject\n7;Help, please\n".utf8))
        #expect(columns == ["Ticket ID", "Subject"])
        #expect(records.first?.value["Subject"] == .text("Help, please"))
    }

    @Test func jsonLines() throws {
        let text = "{\"id\":1,\"email\":\"a@example.com\"}\n\n{\"id\":2,\"tags\":[\"x\"]}\n"
        let (records, columns) = try readFile(Array(text.utf8), format: .jsonLines, chunk: 5)
        #expect(columns == nil)
        #expect(records.map(\.number) == [1, 2])
        #expect(records.map { $0.value["id"] } == [.number("1"), .number("2")])
        #expect(records.last?.value["tags"] == .array([.text("x")]))
        #expect(records.allSatisfy { $0.problem == nil })
    }

    @Test func jsonArrayAndWrappedRecords() throws {
        let text = #"{"tickets":[{"id":1,"via":{"channel":"web"}},{"id":2}],"next_page":null}"#
        let (records, _) = try readFile(Array(text.utf8), format: .jsonArray, chunk: 4)
        #expect(records.map(\.number) == [1, 2])
        #expect(records.first?.value.value(at: "via.channel") == .text("web"))
    }

    @Test func xml() throws {
        let text = #"<?xml version="1.0"?><tickets type="array"><ticket><nice-id type="integer">5</nice-id><subject>Hi &amp; bye</subject></ticket></tickets>"#
        let (records, columns) = try readFile(Array(text.utf8), format: .xml, chunk: 6)
        #expect(columns == nil)
        try #require(records.count == 1)
        #expect(records[0].number == 1)
        #expect(records[0].value["nice_id"] == .text("5"))
        #expect(records[0].value["subject"] == .text("Hi & bye"))
    }
}
