import Foundation
@testable import OnrampDomain
import Testing

@Suite("CSV reader")
struct CSVReaderTests {
    /// Reads `text` fed in chunks of `chunk` bytes (every split point must give the same result).
    func read(_ bytes: [UInt8], chunk: Int = 3, options: CSVReader.Options = .init()) throws -> [CSVReader.Record] {
        var reader = CSVReader(options: options)
        var records: [CSVReader.Record] = []
        var index = 0
        while index < bytes.count {
            records += reader.feed(bytes[index..<min(index + chunk, bytes.count)])
            index += chunk
        }
        return records + (try reader.finish())
    }

    func read(_ text: String, chunk: Int = 3) throws -> [[String]] {
        try read(Array(text.utf8), chunk: chunk).map(\.fields)
    }

    @Test func quotedFieldsWithDoubledQuotesCommasAndNewlines() throws {
        let text = "id,subject,body\r\n1,\"Order, late\",\"He said \"\"soon\"\"\r\nthen nothing\"\r\n2,Refund,\r\n"
        for chunk in [1, 2, 5, 1000] {
            #expect(try read(text, chunk: chunk) == [
                ["id", "subject", "body"], ["1", "Order, late", "He said \"soon\"\r\nthen nothing"], ["2", "Refund", ""],
            ])
        }
    }

    @Test func lineNumbersCountEmbeddedNewlinesAndBlankLinesAreSkipped() throws {
        let records = try read(Array("a,b\n\"x\ny\",1\n\n3,4".utf8))
        #expect(records.map(\.number) == [1, 2, 3])
        #expect(records.map(\.line) == [1, 2, 5])
        #expect(records.last?.fields == ["3", "4"], "the last line needs no line end")
    }

    @Test func delimitersAreDetectedFromTheHeader() throws {
        #expect(try read("name;email;note\nAnn;ann@example.com;\"a,b\"\n") == [["name", "email", "note"], ["Ann", "ann@example.com", "a,b"]])
        #expect(try read("name\temail\nBo\tbo@example.com\n") == [["name", "email"], ["Bo", "bo@example.com"]])
        #expect(try read("\"a;b\",c\n1,2\n") == [["a;b", "c"], ["1", "2"]], "delimiters inside quotes do not count")
        #expect(try read("single\nvalue") == [["single"], ["value"]])
    }

    @Test func aByteOrderMarkIsNotData() throws {
        #expect(try read(Array([0xEF, 0xBB, 0xBF] + Array("id,name\n1,Ä\n".utf8)), chunk: 1).map(\.fields) == [["id", "name"], ["1", "Ä"]])
        #expect(try read(Array([0xEF] + Array("x".utf8)), chunk: 1).first?.problem != nil, "half a BOM is invalid UTF-8, not skipped")
    }

    @Test func oversizedFieldsAndBadBytesRejectTheirRecordOnly() throws {
        var options = CSVReader.Options(maxFieldBytes: 16)
        let big = "id,body\n1," + String(repeating: "x", count: 40) + "\n2,ok\n"
        let records = try read(Array(big.utf8), options: options)
        #expect(records.map(\.problem) == [nil, "A field is longer than 0 KB.", nil])
        #expect(records[2].fields == ["2", "ok"])
        options = CSVReader.Options()
        let bad = Array("id,name\n1,".utf8) + [0xC3, 0x28] + Array("\n2,fine\n".utf8)
        let decoded = try read(bad, options: options)
        #expect(decoded[1].problem == "The record is not valid UTF-8 text.")
        #expect(decoded[2].fields == ["2", "fine"])
        let wide = try read(Array(("a" + String(repeating: ",a", count: 30)).utf8), options: .init(maxFields: 10))
        #expect(wide.first?.problem == "The record has more than 10 fields.")
    }

    @Test func latin1TextIsReadWhenDetected() throws {
        let bytes = Array("name\nJos".utf8) + [0xE9] + Array("\n".utf8)
        let encoding = try TextEncoding.detect(bytes)
        #expect(encoding == .latin1)
        #expect(try read(bytes, options: .init(encoding: encoding)).map(\.fields) == [["name"], ["José"]])
        #expect(try TextEncoding.detect(Array("plain ascii, é".utf8)) == .utf8)
        #expect(try TextEncoding.detect(Array("cut: é".utf8).dropLast()) == .utf8, "a character cut by the sample is fine")
        #expect(throws: CSVReader.Failure.self) { try TextEncoding.detect([0xFF, 0xFE, 0x41, 0x00]) }
    }

    @Test func aFileCutInsideQuotesIsAnError() throws {
        #expect(throws: CSVReader.Failure(description: "The file ends inside a quoted field that starts on line 2: it is cut off, or a quote is not closed.")) {
            try read(Array("a,b\n1,\"never closed\nmore".utf8))
        }
    }

    @Test func randomRecordsSurviveAWriteReadRoundTrip() throws {
        var generator = SplitMix64(seed: 99)
        let alphabet = Array("ab ,;\"\n\r\té€")
        for _ in 0..<200 {
            let rows = (0..<Int.random(in: 1...5, using: &generator)).map { _ in
                (0..<3).map { _ in String((0..<Int.random(in: 0...6, using: &generator)).map { _ in alphabet.randomElement(using: &generator)! }) }
            }
            let text = rows.map { row in row.map { "\"" + $0.replacingOccurrences(of: "\"", with: "\"\"") + "\"" }.joined(separator: ",") }
                .joined(separator: "\r\n")
            var options = CSVReader.Options(delimiter: UInt8(ascii: ","))
            options.maxFields = 10
            let back = try read(Array(text.utf8), chunk: Int.random(in: 1...7, using: &generator), options: options)
            #expect(back.map(\.fields) == rows)
        }
    }
}
