import Foundation
@testable import OnrampDomain
import Testing

// MARK: - Helpers

/// A real export record in Fixtures/ (next to this file).
private func mappingFixture(_ name: String) throws -> [UInt8] {
    let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/\(name)")
    return Array(try Data(contentsOf: url))
}

/// The records of a JSON fixture, read the way an import reads the file.
func fixtureRecords(_ name: String) throws -> [ImportRecord] {
    var reader = ImportFileReader(format: .jsonArray, encoding: .utf8)
    let records = try reader.feed(try mappingFixture(name))
    return records + (try reader.finish())
}

/// The one record of a JSON fixture that holds a single object.
func fixtureRecord(_ name: String) throws -> ImportRecord {
    let records = try fixtureRecords(name)
    try #require(records.count == 1, "\(name) holds \(records.count) records")
    return records[0]
}

extension MappedRecord {
    var asTicket: ImportedTicket? { if case .ticket(let ticket)? = record { ticket } else { nil } }
    var asContact: ImportedContact? { if case .contact(let contact)? = record { contact } else { nil } }
    var asOrganization: ImportedOrganization? { if case .organization(let organization)? = record { organization } else { nil } }
    var asMessage: ImportedMessage? { if case .message(let message)? = record { message } else { nil } }
}

extension ImportMapping {
    /// field → (source, confidence)
    var table: [String: String] { Dictionary(uniqueKeysWithValues: entries.map { ($0.field, $0.source) }) }
    func confidence(of field: String) -> Double? { entries.first { $0.field == field }?.confidence }
    /// Every path the mapping reads, a joined source counting each of its parts.
    var usedPaths: [String] { entries.flatMap { ImportMapping.parts($0.source) } }
}

let zendeskCSVHeader = ["Id", "Subject", "Description", "Status", "Priority", "Via", "Requester id", "Requester",
                        "Requester email", "Assignee", "Tags", "Created at", "Updated at"]

// MARK: - Proposals

@Suite("Import mapping")
struct ImportMappingProposalTests {
    @Test func zendeskCSVHeaderIsProposedInFull() {
        let mapping = ImportMappingProposer.propose(object: .tickets, source: .zendesk, paths: zendeskCSVHeader)
        #expect(mapping.object == .tickets)
        #expect(mapping.customColumns.isEmpty)
        #expect(mapping.entries == [
            .init(field: "source_id", source: "Id", confidence: 1),
            .init(field: "subject", source: "Subject", confidence: 1),
            .init(field: "description", source: "Description", confidence: 1),
            .init(field: "status", source: "Status", confidence: 1),
            .init(field: "priority", source: "Priority", confidence: 1),
            .init(field: "channel", source: "Via", confidence: 0.8),
            .init(field: "requester_source_id", source: "Requester id", confidence: 1),
            .init(field: "requester_email", source: "Requester email", confidence: 1),
            .init(field: "requester_name", source: "Requester", confidence: 0.8),
            .init(field: "assignee_email", source: "Assignee", confidence: 0.8),
            .init(field: "tags", source: "Tags", confidence: 1),
            .init(field: "created_at", source: "Created at", confidence: 1),
            .init(field: "updated_at", source: "Updated at", confidence: 1),
        ])
        #expect(mapping.problems(available: zendeskCSVHeader).isEmpty)
    }

    @Test func namesAreComparedIgnoringCaseDashesAndSpaces() {
        let mapping = ImportMappingProposer.propose(object: .tickets, source: .generic,
                                                    paths: ["TICKET-ID", "subject", "Created_At", "UPDATED AT"])
        #expect(mapping.table == ["source_id": "TICKET-ID", "subject": "subject", "created_at": "Created_At", "updated_at": "UPDATED AT"])
        #expect(mapping.entries.allSatisfy { $0.confidence == 1 })
    }

    @Test func zendeskJSONTicketFixture() throws {
        let record = try fixtureRecord("airbyte_ticket_1_sample_ticket.json")
        let paths = record.value.paths
        let mapping = ImportMappingProposer.propose(object: .tickets, source: .zendesk, paths: paths)
        let table = mapping.table
        #expect(table["source_id"] == "id")
        #expect(table["subject"] == "subject") // not raw_subject
        #expect(table["description"] == "description")
        #expect(table["channel"] == "via.channel")
        #expect(mapping.confidence(of: "channel") == 1)
        #expect(table["type"] == "type")
        #expect(table["requester_source_id"] == "requester_id")
        #expect(table["organization_source_id"] == "organization_id")
        #expect(table["tags"] == "tags")
        #expect(table["custom_fields"] == "custom_fields")
        #expect(table["created_at"] == "created_at" && table["updated_at"] == "updated_at")
        #expect(table["requester_email"] == nil && table["messages"] == nil)
        #expect(mapping.problems(available: paths).isEmpty)
    }

    @Test func freshdeskPrefersDescriptionTextAndReadsConversations() throws {
        let record = try fixtureRecord("freshdesk_cli_ticket_with_conversations.json")
        let paths = record.value.paths
        let freshdesk = ImportMappingProposer.propose(object: .tickets, source: .freshdesk, paths: paths)
        #expect(freshdesk.source(of: "description") == "description_text")
        #expect(freshdesk.confidence(of: "description") == 1)
        #expect(freshdesk.source(of: "messages") == "conversations")
        #expect(freshdesk.source(of: "channel") == "source")
        #expect(freshdesk.source(of: "status") == "status" && freshdesk.source(of: "priority") == "priority")
        #expect(freshdesk.source(of: "requester_source_id") == "requester_id")
        #expect(freshdesk.problems(available: paths).isEmpty)
        // The same paths from another helpdesk: its description is the plain one.
        let zendesk = ImportMappingProposer.propose(object: .tickets, source: .zendesk, paths: paths)
        #expect(zendesk.source(of: "description") == "description")
    }

    @Test func freshdeskRequesterObject() throws {
        let record = try fixtureRecord("airbyte_ticket_22_email_pending.json")
        let mapping = ImportMappingProposer.propose(object: .tickets, source: .freshdesk, paths: record.value.paths)
        #expect(mapping.source(of: "requester_source_id") == "requester_id")
        #expect(mapping.source(of: "requester_email") == "requester.email")
        #expect(mapping.source(of: "requester_name") == "requester.name")
        #expect(mapping.source(of: "requester_phone") == "requester.phone")
        #expect(mapping.source(of: "type") == "type")
    }

    @Test func helpScoutConversationFixture() throws {
        let record = try fixtureRecord("legacy_v1_conversation_10.json")
        let paths = record.value.paths
        let mapping = ImportMappingProposer.propose(object: .tickets, source: .helpscout, paths: paths)
        #expect(mapping.source(of: "requester_name") == "customer.firstName + customer.lastName")
        #expect(mapping.confidence(of: "requester_name") == 1)
        #expect(mapping.source(of: "messages") == "threads")
        #expect(mapping.source(of: "channel") == "type")
        #expect(mapping.confidence(of: "channel") == 1)
        #expect(mapping.source(of: "requester_source_id") == "customer.id")
        #expect(mapping.source(of: "requester_email") == "customer.email")
        #expect(mapping.source(of: "requester_phone") == "customer.phone")
        #expect(mapping.source(of: "assignee_email") == "owner.email")
        #expect(mapping.source(of: "group") == "mailbox.name")
        #expect(mapping.source(of: "custom_fields") == "customFields")
        #expect(mapping.source(of: "created_at") == "createdAt")
        #expect(mapping.source(of: "updated_at") == "modifiedAt")
        #expect(mapping.problems(available: paths).isEmpty)
    }

    /// Help Scout's `type` is the channel (email, chat, phone): the proposer deliberately has no
    /// names for a ticket type there, so no look-alike (`owner.type` = "team") may fill it either.
    @Test func helpScoutTypeIsOnlyTheChannel() throws {
        let record = try fixtureRecord("legacy_v1_conversation_10.json")
        let mapping = ImportMappingProposer.propose(object: .tickets, source: .helpscout, paths: record.value.paths)
        #expect(mapping.source(of: "type") == nil, "type ← \(mapping.source(of: "type") ?? "")")
    }

    @Test func contactsCSV() {
        let header = ["First name", "Last name", "E-mail", "Mobile", "Company"]
        let mapping = ImportMappingProposer.propose(object: .contacts, source: .generic, paths: header)
        #expect(mapping.entries == [
            .init(field: "name", source: "First name + Last name", confidence: 1),
            .init(field: "email", source: "E-mail", confidence: 0.8),
            .init(field: "phone", source: "Mobile", confidence: 0.8),
            .init(field: "organization_name", source: "Company", confidence: 1),
        ])
        #expect(mapping.problems(available: header).isEmpty)
    }

    @Test func contactFixtures() throws {
        let freshdesk = try fixtureRecord("airbyte_contact_emily_garcia.json")
        let mapping = ImportMappingProposer.propose(object: .contacts, source: .freshdesk, paths: freshdesk.value.paths)
        #expect(mapping.source(of: "source_id") == "id")
        #expect(mapping.source(of: "name") == "name")
        #expect(mapping.source(of: "email") == "email")
        #expect(mapping.source(of: "phone") == "phone") // the exact name wins over "mobile"
        #expect(mapping.source(of: "organization_source_id") == "company_id")

        let helpScout = try fixtureRecord("legacy_v1_webhook_customer.json")
        let customer = ImportMappingProposer.propose(object: .contacts, source: .helpscout, paths: helpScout.value.paths)
        #expect(customer.source(of: "name") == "firstName + lastName")
        #expect(customer.source(of: "email") == "emails")
        #expect(customer.source(of: "created_at") == "createdAt" && customer.source(of: "updated_at") == "modifiedAt")
    }

    /// Freshdesk writes custom fields as an object (`{"cf_plan":"Gold"}`), whose paths are its
    /// members': the object itself is what custom_fields reads.
    @Test func objectValuedFieldsAreProposedByTheirOwnName() throws {
        let value = ImportValue.object([("id", .number("1")), ("subject", .text("Hi")),
                                        ("custom_fields", .object([("cf_plan", .text("Gold")), ("cf_seats", .number("5"))]))])
        #expect(value.paths == ["id", "subject", "custom_fields.cf_plan", "custom_fields.cf_seats"])
        let mapping = ImportMappingProposer.propose(object: .tickets, source: .freshdesk, paths: value.paths)
        #expect(mapping.source(of: "custom_fields") == "custom_fields")
        #expect(mapping.confidence(of: "custom_fields") == 1)
        #expect(mapping.problems(available: value.paths).isEmpty)
        let ticket = ImportRowMapper(mapping: mapping, source: .freshdesk, options: .init())
            .map(ImportRecord(number: 1, line: 1, value: value, endOffset: 0)).asTicket
        #expect(ticket?.customFields == ["cf_plan": "Gold", "cf_seats": "5"])
    }

    @Test func lookAlikeNamesGetHalfConfidence() {
        let mapping = ImportMappingProposer.propose(object: .tickets, source: .generic, paths: ["Ticket Subject Line", "Body"])
        #expect(mapping.entries == [
            .init(field: "subject", source: "Ticket Subject Line", confidence: 0.5),
            .init(field: "description", source: "Body", confidence: 0.8),
        ])
        // "id" is too short to be looked for inside other names.
        #expect(mapping.source(of: "source_id") == nil)
    }

    @Test func eachPathIsUsedOnce() throws {
        // "Requester" could be the email (0.8) or the name (0.8): the first field takes it.
        let shared = ImportMappingProposer.propose(object: .tickets, source: .generic, paths: ["Id", "Subject", "Requester"])
        #expect(shared.source(of: "requester_email") == "Requester")
        #expect(shared.source(of: "requester_name") == nil)

        var proposals = [
            shared,
            ImportMappingProposer.propose(object: .tickets, source: .zendesk, paths: zendeskCSVHeader),
            ImportMappingProposer.propose(object: .contacts, source: .generic, paths: ["First name", "Last name", "E-mail", "Mobile", "Company"]),
            ImportMappingProposer.propose(object: .contacts, source: .generic, paths: ["name", "first", "last", "email", "mail", "e-mail", "phone", "tel"]),
        ]
        for (name, source) in [("airbyte_ticket_1_sample_ticket.json", ImportDetection.Source.zendesk),
                               ("freshdesk_cli_ticket_with_conversations.json", .freshdesk),
                               ("airbyte_ticket_22_email_pending.json", .freshdesk),
                               ("legacy_v1_conversation_10.json", .helpscout)] {
            let record = try fixtureRecord(name)
            for object in ImportObject.allCases {
                proposals.append(ImportMappingProposer.propose(object: object, source: source, paths: record.value.paths))
            }
        }
        for mapping in proposals {
            let used = mapping.usedPaths
            #expect(Set(used).count == used.count, "\(mapping.object): \(used)")
            #expect(Set(mapping.entries.map(\.field)).count == mapping.entries.count)
        }
    }

    @Test func proposalsUseOnlyFieldsOfTheirObject() {
        for object in ImportObject.allCases {
            let keys = Set(ImportField.fields(of: object).map(\.key))
            #expect(keys.count == ImportField.fields(of: object).count, "\(object): a field key is repeated")
            for source in ImportDetection.Source.allCases {
                for (field, _) in ImportMappingProposer.candidates(object, source: source) {
                    #expect(keys.contains(field), "\(object)/\(source): \(field)")
                }
            }
        }
        #expect(ImportField.fields(of: .tickets).filter(\.required).map(\.key) == ["source_id", "subject"])
        #expect(ImportField.fields(of: .contacts).filter(\.required).isEmpty)
        #expect(ImportField.fields(of: .organizations).filter(\.required).map(\.key) == ["name"])
        #expect(ImportField.fields(of: .conversations).filter(\.required).map(\.key) == ["source_id", "ticket_source_id", "body"])
        #expect(ImportObject(ImportDetection.Object.contacts) == .contacts)
        #expect(ImportObject(ImportDetection.Object.unknown) == nil)
    }
}

// MARK: - Checking an edited mapping

@Suite("Import mapping problems")
struct ImportMappingProblemsTests {
    let available = ["Id", "Subject", "via.channel", "First", "Last", "threads"]

    func tickets(_ entries: [(String, String)], customColumns: [String: String] = [:]) -> ImportMapping {
        ImportMapping(object: .tickets, entries: entries.map { .init(field: $0.0, source: $0.1, confidence: 1) }, customColumns: customColumns)
    }

    @Test func aValidMappingHasNoProblems() {
        let mapping = tickets([("source_id", "Id"), ("subject", "subject"), ("requester_name", "First + Last"),
                               ("messages", "threads")], customColumns: ["Channel": "VIA.CHANNEL"])
        #expect(mapping.problems(available: available).isEmpty)
    }

    @Test func aPrefixOfAPathExists() {
        // `via` holds `via.channel`; `threads.body` is inside an array that is not expanded.
        let mapping = tickets([("source_id", "Id"), ("subject", "Subject"), ("channel", "via"), ("description", "threads.body")])
        #expect(mapping.problems(available: available).isEmpty)
        // …but a mere string prefix is no path prefix.
        let partial = tickets([("source_id", "Id"), ("subject", "Subject"), ("channel", "vi")])
        #expect(partial.problems(available: available).map(\.code) == ["unknown_source"])
    }

    @Test func unknownField() {
        let problems = tickets([("source_id", "Id"), ("subject", "Subject"), ("colour", "First")]).problems(available: available)
        #expect(problems.count == 1)
        #expect(problems.first?.code == "unknown_field")
        #expect(problems.first?.field == "entries[2].field")
        #expect(problems.first?.message.contains("“colour”") == true)
    }

    @Test func unknownSourceIncludingAJoinedPart() {
        let problems = tickets([("source_id", "Id"), ("subject", "Nope"), ("requester_name", "First + Missing")])
            .problems(available: available)
        #expect(problems.map(\.code) == ["unknown_source", "unknown_source"])
        #expect(problems.map(\.field) == ["entries[1].source", "entries[2].source"])
        #expect(problems[0].message.contains("“Nope”"))
        #expect(problems[1].message.contains("“Missing”") && !problems[1].message.contains("First"))
    }

    @Test func requiredFieldMissing() {
        let problems = tickets([("source_id", "Id")]).problems(available: available)
        #expect(problems.count == 1)
        #expect(problems.first?.code == "required")
        #expect(problems.first?.message.contains("(subject)") == true)
        let none = ImportMapping(object: .conversations, entries: []).problems(available: available)
        #expect(none.map(\.code) == ["required", "required", "required"])
        #expect(ImportMapping(object: .contacts, entries: []).problems(available: available).isEmpty)
    }

    @Test func duplicateField() {
        let problems = tickets([("source_id", "Id"), ("subject", "Subject"), ("subject", "First")]).problems(available: available)
        #expect(problems.map(\.code) == ["duplicate"])
    }

    @Test func badCustomColumns() {
        let base: [(String, String)] = [("source_id", "Id"), ("subject", "Subject")]
        let blank = tickets(base, customColumns: ["  ": "First"]).problems(available: available)
        #expect(blank.map(\.code) == ["invalid"] && blank.first?.field == "custom_columns")
        let long = tickets(base, customColumns: [String(repeating: "n", count: 101): "First"]).problems(available: available)
        #expect(long.map(\.code) == ["invalid"])
        let longest = tickets(base, customColumns: [String(repeating: "n", count: 100): "First"]).problems(available: available)
        #expect(longest.isEmpty)
        let unknown = tickets(base, customColumns: ["Plan": "plan"]).problems(available: available)
        #expect(unknown.map(\.code) == ["unknown_source"] && unknown.first?.field == "custom_columns.Plan")
    }
}
