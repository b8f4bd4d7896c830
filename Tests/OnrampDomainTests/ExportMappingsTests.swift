@testable import OnrampDomain
import Testing

@Suite("Export mappings and safe CSV")
struct ExportMappingsTests {
    @Test func statusesOfEachHelpdesk() {
        #expect(ExportMappings.status("solved", from: .zendesk) == "resolved")
        #expect(ExportMappings.status("hold", from: .zendesk) == "on_hold")
        #expect(ExportMappings.status("deleted", from: .zendesk) == nil, "unknown values are not guessed")
        #expect(ExportMappings.status("4", from: .freshdesk) == "resolved")
        #expect(ExportMappings.status(" Closed ", from: .freshdesk) == "closed")
        #expect(ExportMappings.status("active", from: .helpscout) == "open")
        #expect(ExportMappings.status("spam", from: .helpscout) == nil)
        #expect(ExportMappings.status("On Hold", from: .generic) == "on_hold")
    }

    @Test func prioritiesAndChannels() {
        #expect(ExportMappings.priority("3", from: .freshdesk) == "high")
        #expect(ExportMappings.priority("", from: .zendesk) == "normal", "no priority is normal")
        #expect(ExportMappings.priority("Medium", from: .generic) == "normal")
        #expect(ExportMappings.priority("extreme", from: .zendesk) == nil)
        #expect(ExportMappings.channel("7", from: .freshdesk) == "chat")
        #expect(ExportMappings.channel("web", from: .zendesk) == "portal")
        #expect(ExportMappings.channel("instagram_dm", from: .zendesk) == "instagram")
        #expect(ExportMappings.channel("phone", from: .helpscout) == "phone")
        #expect(ExportMappings.channel("pigeon", from: .generic) == nil)
    }

    @Test func formulasAreNeutralisedAndQuotingIsRFC4180() {
        #expect(CSVWriter.cell("=HYPERLINK(\"http://evil.example\")") == "\"'=HYPERLINK(\"\"http://evil.example\"\")\"")
        #expect(CSVWriter.cell("+49 30 1234") == "\"'+49 30 1234\"")
        #expect(CSVWriter.cell("-1") == "\"'-1\"")
        #expect(CSVWriter.cell("@SUM(A1)") == "\"'@SUM(A1)\"")
        #expect(CSVWriter.cell("plain") == "plain")
        #expect(CSVWriter.cell("a,b") == "\"a,b\"")
        #expect(CSVWriter.cell("two\nlines") == "\"two\nlines\"")
        #expect(CSVWriter.row(["3", "=1+1", "ok"]) == "3,\"'=1+1\",ok\r\n")
        // What the writer writes, the reader reads back (with the apostrophe kept).
        var reader = CSVReader(options: .init(delimiter: UInt8(ascii: ",")))
        let written = CSVWriter.row(["row", "=cmd|' /C calc'!A0", "He said \"hi\"\nbye"])
        var records = reader.feed(Array(written.utf8))
        records += (try? reader.finish()) ?? []
        #expect(records.first?.fields == ["row", "'=cmd|' /C calc'!A0", "He said \"hi\"\nbye"])
    }
}
