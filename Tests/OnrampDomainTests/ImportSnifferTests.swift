import Foundation
@testable import OnrampDomain
import Testing

/// Real export records (public API documentation and SDK fixtures) in Fixtures/.
func fixture(_ name: String) throws -> [UInt8] {
    let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/\(name)")
    return Array(try Data(contentsOf: url))
}

@Suite("Import detection")
struct ImportSnifferTests {
    @Test("real exports are recognised", arguments: [
        ("airbyte_ticket_1_sample_ticket.json", ImportDetection.Source.zendesk, ImportDetection.Object.tickets),
        ("freshdesk_cli_tickets_list.json", .freshdesk, .tickets),
        ("airbyte_contact_emily_garcia.json", .freshdesk, .contacts),
        ("airbyte_conversations_ticket_22_reply_and_note.json", .freshdesk, .conversations),
        ("legacy_v1_conversation_10.json", .helpscout, .tickets),
        ("legacy_v1_webhook_customer.json", .helpscout, .contacts),
    ])
    func realExports(_ name: String, _ source: ImportDetection.Source, _ object: ImportDetection.Object) throws {
        let detection = try ImportSniffer.sniff(try fixture(name))
        #expect(detection.source == source, "\(name): \(detection.fields)")
        #expect(detection.object == object, "\(name)")
        #expect([.jsonArray, .jsonLines].contains(detection.format))
        #expect(detection.encoding == .utf8)
    }

    @Test func csvExportsAndJSONLines() throws {
        let zendesk = try ImportSniffer.sniff(Array("Id,Requester,Requester id,Assignee,Subject,Status,Priority\n1,Ann,2,Bo,Hi,solved,high\n".utf8))
        #expect(zendesk.format == .csv && zendesk.source == .zendesk && zendesk.object == .tickets)
        #expect(zendesk.fields.first == "Id")
        let freshdesk = try ImportSniffer.sniff(Array("\u{FEFF}Ticket ID;Subject;Status;Priority;Due by Time\r\n7;Help;Open;High;\r\n".utf8))
        #expect(freshdesk.format == .csv && freshdesk.source == .freshdesk && freshdesk.delimiter == UInt8(ascii: ";"))
        let contacts = try ImportSniffer.sniff(Array("name,email,phone\nAnn,ann@example.com,+49 30 1\n".utf8))
        #expect(contacts.source == .generic && contacts.object == .contacts)
        let lines = try ImportSniffer.sniff(Array("{\"id\":1,\"email\":\"a@example.com\"}\n{\"id\":2,\"email\":\"b@example.com\"}\n".utf8))
        #expect(lines.format == .jsonLines && lines.object == .contacts)
        let organizations = try ImportSniffer.sniff(Array(#"{"organizations":[{"id":1,"name":"Acme","domain_names":["acme.example"]}]}"#.utf8))
        #expect(organizations.format == .jsonArray && organizations.object == .organizations)
        let xml = try ImportSniffer.sniff(Array(#"<?xml version="1.0"?><tickets type="array"><ticket><subject>Hi</subject><via>web</via></ticket></tickets>"#.utf8))
        #expect(xml.format == .xml && xml.source == .zendesk && xml.object == .tickets)
    }

    @Test("files that are not exports are refused with a reason", arguments: [
        ([UInt8](), "empty"),
        (Array("   \n\n".utf8), "empty"),
        ([0x50, 0x4B, 0x03, 0x04, 0x14, 0x00], "ZIP"),
        ([0x1F, 0x8B, 0x08], "gzip"),
        (Array("%PDF-1.7".utf8), "PDF"),
        ([0xD0, 0xCF, 0x11, 0xE0, 0xA1], "Excel"),
        (Array("{}".utf8), "no records"),
        (Array(" [ ] ".utf8), "no records"),
        (Array("null".utf8), "no records"),
        (Array("id,name,email\n".utf8), "only a header"),
        ([0xFF, 0xFE, 0x41, 0x00, 0x42, 0x00], "UTF-16"),
        (Array(#"<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]><x>&a;</x>"#.utf8), "DOCTYPE"),
    ])
    func refusals(_ bytes: [UInt8], _ reason: String) {
        #expect {
            try ImportSniffer.sniff(bytes)
        } throws: { error in
            (error as? ImportSniffer.Refusal)?.description.contains(reason) == true
        }
    }

    @Test func latin1CSVIsDetected() throws {
        let detection = try ImportSniffer.sniff(Array("name,city\nJos".utf8) + [0xE9] + Array(",Malm".utf8) + [0xF6, 0x0A])
        #expect(detection.encoding == .latin1 && detection.format == .csv)
    }
}
