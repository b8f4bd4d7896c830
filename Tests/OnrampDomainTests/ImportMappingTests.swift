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
private func fixtureRecords(_ name: String) throws -> [ImportRecord] {
    var reader = ImportFileReader(format: .jsonArray, encoding: .utf8)
    let records = try reader.feed(try mappingFixture(name))
    return records + (try reader.finish())
}

/// The one record of a JSON fixture that holds a single object.
private func fixtureRecord(_ name: String) throws -> ImportRecord {
    let records = try fixtureRecords(name)
    try #require(records.count == 1, "\(name) holds \(records.count) records")
    return records[0]
}

/// Every record of `text` read in chunks of `chunk` bytes, with the CSV header.
private func readFile(_ bytes: [UInt8], format: ImportDetection.Format = .csv, chunk: Int = 4096,
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

/// A mapping of every field of `object` that `members` has a key for, to that key.
private func identityMapping(_ object: ImportObject, _ members: [(String, ImportValue)],
                             customColumns: [String: String] = [:]) -> ImportMapping {
    let keys = Set(ImportField.fields(of: object).map(\.key))
    let entries = members.map(\.0).filter(keys.contains).map { ImportMapping.Entry(field: $0, source: $0, confidence: 1) }
    return ImportMapping(object: object, entries: entries, customColumns: customColumns)
}

/// Maps one record whose keys are Onramp's field names.
private func mapRow(_ object: ImportObject, _ members: [(String, ImportValue)], source: ImportDetection.Source = .generic,
                    options: ImportOptions = .init(), customColumns: [String: String] = [:]) -> MappedRecord {
    let mapping = identityMapping(object, members, customColumns: customColumns)
    return ImportRowMapper(mapping: mapping, source: source, options: options)
        .map(ImportRecord(number: 1, line: 2, value: .object(members), endOffset: 0))
}

/// A ticket record: a source id and a subject, plus `extra`.
private func mapTicket(_ extra: [(String, ImportValue)], source: ImportDetection.Source = .generic,
                       options: ImportOptions = .init(), customColumns: [String: String] = [:]) -> MappedRecord {
    mapRow(.tickets, [("source_id", .text("T-1")), ("subject", .text("Printer on fire"))] + extra,
           source: source, options: options, customColumns: customColumns)
}

private func utc(_ text: String) -> Date? {
    let formatter = ISO8601DateFormatter()
    formatter.timeZone = TimeZone(identifier: "UTC")
    return formatter.date(from: text)
}

private extension MappedRecord {
    var asTicket: ImportedTicket? { if case .ticket(let ticket)? = record { ticket } else { nil } }
    var asContact: ImportedContact? { if case .contact(let contact)? = record { contact } else { nil } }
    var asOrganization: ImportedOrganization? { if case .organization(let organization)? = record { organization } else { nil } }
    var asMessage: ImportedMessage? { if case .message(let message)? = record { message } else { nil } }
}

private extension ImportMapping {
    /// field → (source, confidence)
    var table: [String: String] { Dictionary(uniqueKeysWithValues: entries.map { ($0.field, $0.source) }) }
    func confidence(of field: String) -> Double? { entries.first { $0.field == field }?.confidence }
    /// Every path the mapping reads, a joined source counting each of its parts.
    var usedPaths: [String] { entries.flatMap { ImportMapping.parts($0.source) } }
}

private let zendeskCSVHeader = ["Id", "Subject", "Description", "Status", "Priority", "Via", "Requester id", "Requester",
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

// MARK: - Tickets

@Suite("Import row mapping: tickets")
struct ImportTicketMappingTests {
    @Test("status values map per export", arguments: [
        (ImportDetection.Source.zendesk, ImportValue.text("hold"), "on_hold"),
        (.zendesk, .text("Solved"), "resolved"),
        (.freshdesk, .number("2"), "open"),
        (.freshdesk, .number("3"), "pending"),
        (.freshdesk, .number("4"), "resolved"),
        (.freshdesk, .number("5"), "closed"),
        (.helpscout, .text("active"), "open"),
        (.generic, .text("On Hold"), "on_hold"),
    ])
    func status(_ source: ImportDetection.Source, _ value: ImportValue, _ expected: String) {
        let mapped = mapTicket([("status", value)], source: source)
        #expect(mapped.reasons.isEmpty)
        #expect(mapped.asTicket?.status == expected)
    }

    @Test("priority values map per export", arguments: [
        (ImportDetection.Source.freshdesk, ImportValue.number("1"), "low"),
        (.freshdesk, .number("2"), "normal"),
        (.freshdesk, .number("3"), "high"),
        (.freshdesk, .number("4"), "urgent"),
        (.zendesk, .text("Urgent"), "urgent"),
        (.generic, .text("medium"), "normal"),
    ])
    func priority(_ source: ImportDetection.Source, _ value: ImportValue, _ expected: String) {
        #expect(mapTicket([("priority", value)], source: source).asTicket?.priority == expected)
    }

    @Test func freshdeskCodesAreNotReadInOtherExports() {
        let mapped = mapTicket([("priority", .number("4"))], source: .zendesk)
        #expect(mapped.isRejected)
        #expect(mapped.reasons.count == 1 && mapped.reasons[0].contains("“4”"))
        #expect(mapTicket([("status", .number("2"))], source: .zendesk).isRejected)
    }

    @Test("channels map per export; unknown ones are other", arguments: [
        (ImportDetection.Source.zendesk, ImportValue.text("web"), "portal"),
        (.zendesk, .text("carrier pigeon"), "other"),
        (.freshdesk, .number("7"), "chat"),
        (.freshdesk, .number("0"), "other"),
        (.helpscout, .text("email"), "email"),
        (.generic, .text("WhatsApp"), "whatsapp"),
    ])
    func channel(_ source: ImportDetection.Source, _ value: ImportValue, _ expected: String) {
        let mapped = mapTicket([("channel", value)], source: source)
        #expect(mapped.reasons.isEmpty)
        #expect(mapped.asTicket?.channel == expected)
    }

    @Test func unknownStatusIsRejectedWithTheValue() {
        let mapped = mapTicket([("status", .text("Escalated to Mars"))], source: .zendesk)
        #expect(mapped.isRejected)
        #expect(mapped.fingerprint.isEmpty)
        #expect(mapped.reasons.count == 1)
        #expect(mapped.reasons.first?.contains("“Escalated to Mars”") == true)
        #expect(mapped.reasons.first?.contains("zendesk") == true)
    }

    @Test func defaultsWhenUnmappedOrEmpty() throws {
        let unmapped = try #require(mapTicket([]).asTicket)
        #expect(unmapped.status == "open" && unmapped.priority == "normal" && unmapped.channel == "other")
        #expect(unmapped.requester == nil && unmapped.tags.isEmpty && unmapped.messages.isEmpty && unmapped.customFields.isEmpty)
        let empty = try #require(mapTicket([("status", .text(" ")), ("priority", .null), ("channel", .text(""))]).asTicket)
        #expect(empty.status == "open" && empty.priority == "normal" && empty.channel == "other")
    }

    @Test func subjectLength() {
        let tooLong = mapRow(.tickets, [("source_id", .text("1")), ("subject", .text(String(repeating: "x", count: 501)))])
        #expect(tooLong.isRejected)
        #expect(tooLong.reasons == ["Subject is longer than 500 characters (501)."])
        let longest = mapRow(.tickets, [("source_id", .text("1")), ("subject", .text(String(repeating: "x", count: 500)))])
        #expect(longest.asTicket?.subject.count == 500)
        // Characters are counted, not bytes.
        let accented = mapRow(.tickets, [("source_id", .text("1")), ("subject", .text(String(repeating: "é", count: 500)))])
        #expect(!accented.isRejected)
    }

    @Test func requiredFieldsMissing() {
        let noID = mapRow(.tickets, [("subject", .text("Hi"))])
        #expect(noID.reasons == ["Ticket id in the old helpdesk is missing."])
        let blankSubject = mapRow(.tickets, [("source_id", .number("7")), ("subject", .text("   "))])
        #expect(blankSubject.reasons == ["Subject is missing."])
        #expect(blankSubject.isRejected)
    }

    @Test func requesterEmail() throws {
        let invalid = mapTicket([("requester_email", .text("not-an-email"))])
        #expect(invalid.isRejected)
        #expect(invalid.reasons.count == 1 && invalid.reasons[0].contains("“not-an-email”"))
        let header = try #require(mapTicket([("requester_email", .text("Support <A@B.com>"))]).asTicket)
        #expect(header.requester?.email == "a@b.com")
    }

    @Test func assigneeNameIsKeptAsACustomField() throws {
        let named = try #require(mapTicket([("assignee_email", .text("Bo Agent"))]).asTicket)
        #expect(named.assigneeEmail == nil)
        #expect(named.customFields["assignee"] == "Bo Agent")
        let address = try #require(mapTicket([("assignee_email", .text("Bo@Example.com"))]).asTicket)
        #expect(address.assigneeEmail == "bo@example.com")
        #expect(address.customFields["assignee"] == nil)
    }

    @Test("tags from lists and text, lower-cased and without repeats", arguments: [
        (ImportValue.array([.text("Billing"), .text("VIP"), .text("billing")]), ["billing", "vip"]),
        (.text("a b  c"), ["a", "b", "c"]),
        (.text("a, b,B"), ["a", "b"]),
        (.text("x;Y"), ["x", "y"]),
        (.array([.object([("tag", .text("X"))]), .object([("tag", .text("y"))]), .object([("tag", .text("x"))])]), ["x", "y"]),
        (.array([.number("42"), .null, .text("")]), ["42"]),
        (.null, []),
    ])
    func tags(_ value: ImportValue, _ expected: [String]) {
        #expect(mapTicket([("tags", value)]).asTicket?.tags == expected)
    }

    @Test func zendeskCustomFields() {
        let fields = ImportValue.array([
            .object([("id", .number("1")), ("value", .text("x"))]),
            .object([("id", .number("2")), ("value", .null)]),
            .object([("id", .number("3")), ("value", .array([.text("a"), .text("b")]))]),
        ])
        #expect(mapTicket([("custom_fields", fields)]).asTicket?.customFields == ["1": "x", "3": #"["a","b"]"#])
    }

    @Test func helpScoutCustomFields() {
        let fields = ImportValue.array([
            .object([("fieldId", .number("10")), ("name", .text("Project Name")), ("value", .text("Project 1"))]),
            .object([("fieldId", .number("11")), ("name", .text("Purchase Order")), ("value", .text(""))]),
        ])
        #expect(mapTicket([("custom_fields", fields)]).asTicket?.customFields == ["Project Name": "Project 1"])
    }

    @Test func freshdeskCustomFieldsAndCustomColumns() {
        let fields = ImportValue.object([("cf_x", .text("y")), ("cf_n", .number("3")), ("cf_flag", .bool(true)), ("cf_none", .null)])
        let mapped = mapTicket([("custom_fields", fields), ("plan", .text("Gold"))], customColumns: ["Plan": "plan", "Absent": "nothing"])
        #expect(mapped.asTicket?.customFields == ["cf_x": "y", "cf_n": "3", "cf_flag": "true", "Plan": "Gold"])
    }

    @Test func freshdeskConversations() throws {
        let conversations = ImportValue.array([
            .object([("id", .number("1")), ("body", .text("<div>Internal <b>note</b></div>")), ("private", .bool(true)),
                     ("incoming", .bool(false)), ("user_id", .number("77"))]),
            .object([("id", .number("2")), ("body", .text("<p>ignored</p>")), ("body_text", .text("Thanks!")),
                     ("private", .bool(false)), ("incoming", .bool(true)), ("created_at", .text("2024-01-15T11:00:00Z"))]),
            .text("not a message"),
        ])
        let ticket = try #require(mapTicket([("messages", conversations)], source: .freshdesk).asTicket)
        try #require(ticket.messages.count == 2)
        #expect(ticket.messages[0] == ImportedMessage(sourceID: "1", ticketSourceID: nil, body: "Internal note", isPublic: false,
                                                      fromCustomer: false, authorSourceID: "77", authorEmail: nil, createdAt: nil))
        #expect(ticket.messages[1].body == "Thanks!") // body_text is preferred to the HTML body
        #expect(ticket.messages[1].isPublic && ticket.messages[1].fromCustomer)
        #expect(ticket.messages[1].createdAt == utc("2024-01-15T11:00:00Z"))
    }

    @Test func helpScoutThreads() throws {
        let threads = ImportValue.array([
            .object([("id", .number("1")), ("type", .text("customer")), ("body", .text("<p>Hi,<br>it broke.</p>")),
                     ("createdBy", .object([("id", .number("150")), ("email", .text("Karl@Example.com"))]))]),
            .object([("id", .number("2")), ("type", .text("note")), ("body", .text("Looking into it"))]),
            .object([("id", .number("3")), ("type", .text("lineitem")), ("body", .text("Assigned to Bo"))]),
            .object([("id", .number("4")), ("type", .text("message")), ("body", .text("<p>Fixed &amp; done</p>")),
                     ("createdBy", .object([("id", .number("9")), ("email", .text("not an email"))]))]),
        ])
        let ticket = try #require(mapTicket([("messages", threads)], source: .helpscout).asTicket)
        #expect(ticket.messages.map(\.sourceID) == ["1", "2", "4"]) // the line item is no message
        try #require(ticket.messages.count == 3)
        #expect(ticket.messages[0].body == "Hi,\nit broke.")
        #expect(ticket.messages[0].fromCustomer && ticket.messages[0].isPublic)
        #expect(ticket.messages[0].authorEmail == "karl@example.com")
        #expect(ticket.messages[0].authorSourceID == "150")
        #expect(!ticket.messages[1].isPublic && !ticket.messages[1].fromCustomer)
        #expect(ticket.messages[2].isPublic && !ticket.messages[2].fromCustomer)
        #expect(ticket.messages[2].body == "Fixed & done")
        #expect(ticket.messages[2].authorEmail == nil)
    }

    @Test func descriptionHTMLBecomesText() {
        let mapped = mapTicket([("description", .text("<div>Line one</div><div>Line &lt;two&gt;</div>"))])
        #expect(mapped.asTicket?.description == "Line one\nLine <two>")
    }

    @Test func datesWithoutOffsetAreReadInTheImportsTimeZone() throws {
        let fields: [(String, ImportValue)] = [("created_at", .text("2024-01-15 10:30:00")), ("updated_at", .text("2024-07-15 10:30:00"))]
        let inUTC = try #require(mapTicket(fields).asTicket)
        let inBerlin = try #require(mapTicket(fields, options: ImportOptions(timeZone: "Europe/Berlin")).asTicket)
        #expect(inUTC.createdAt == utc("2024-01-15T10:30:00Z"))
        #expect(inBerlin.createdAt == utc("2024-01-15T09:30:00Z"))
        #expect(try #require(inUTC.createdAt).timeIntervalSince(try #require(inBerlin.createdAt)) == 3600)
        #expect(try #require(inUTC.updatedAt).timeIntervalSince(try #require(inBerlin.updatedAt)) == 7200) // summer time
        // An explicit offset wins over the import's zone.
        let explicit = mapTicket([("created_at", .text("2024-01-15T10:30:00Z"))], options: ImportOptions(timeZone: "Europe/Berlin"))
        #expect(explicit.asTicket?.createdAt == utc("2024-01-15T10:30:00Z"))
        // Without updated_at, the ticket was last updated when it was created.
        #expect(explicit.asTicket?.updatedAt == utc("2024-01-15T10:30:00Z"))
    }

    @Test func unreadableDatesAreRejected() {
        let mapped = mapTicket([("created_at", .text("yesterday"))])
        #expect(mapped.isRejected)
        #expect(mapped.reasons.count == 1 && mapped.reasons[0].contains("“yesterday”"))
        let message = mapTicket([("messages", .array([.object([("body", .text("Hi")), ("created_at", .text("soon"))])]))])
        #expect(message.isRejected)
        #expect(message.reasons.count == 1 && message.reasons[0].hasPrefix("Message 1:") && message.reasons[0].contains("“soon”"))
    }

    @Test func aRecordTheReaderCouldNotReadIsRejectedWithItsProblem() {
        let mapping = ImportMapping(object: .tickets, entries: [.init(field: "source_id", source: "id", confidence: 1)])
        let mapped = ImportRowMapper(mapping: mapping, source: .generic, options: .init())
            .map(ImportRecord(number: 4, line: 9, value: .object([("id", .text("1"))]), endOffset: 120, problem: "The row is broken."))
        #expect(mapped.isRejected)
        #expect(mapped.reasons == ["The row is broken."])
        #expect(mapped.fingerprint.isEmpty)
        #expect(mapped.number == 4 && mapped.line == 9)
    }

    @Test func everyReasonIsListed() {
        let mapped = mapTicket([("status", .text("weird")), ("requester_email", .text("nope")), ("created_at", .text("never"))],
                               source: .zendesk)
        #expect(mapped.isRejected)
        #expect(mapped.reasons.count == 3)
        for value in ["“weird”", "“nope”", "“never”"] {
            #expect(mapped.reasons.contains { $0.contains(value) }, "\(value) in \(mapped.reasons)")
        }
    }

    @Test func zendeskCSVEndToEnd() throws {
        let csv = zendeskCSVHeader.joined(separator: ",") + "\n"
            + "101,Printer on fire,It is on fire,hold,urgent,Web,9001,Ann Lee,ann@example.com,Bo Agent,printer fire,"
            + "2024-01-15 10:30:00 +0100,2024-01-16 08:00:00 +0100\n"
        let (records, columns) = try readFile(Array(csv.utf8))
        let header = try #require(columns)
        let mapping = ImportMappingProposer.propose(object: .tickets, source: .zendesk, paths: header)
        try #require(records.count == 1)
        let mapped = ImportRowMapper(mapping: mapping, source: .zendesk, options: .init()).map(records[0])
        #expect(mapped.reasons.isEmpty)
        let ticket = try #require(mapped.asTicket)
        #expect(ticket.sourceID == "101" && ticket.subject == "Printer on fire" && ticket.description == "It is on fire")
        #expect(ticket.status == "on_hold" && ticket.priority == "urgent" && ticket.channel == "portal")
        #expect(ticket.requester?.sourceID == "9001" && ticket.requester?.name == "Ann Lee" && ticket.requester?.email == "ann@example.com")
        #expect(ticket.assigneeEmail == nil && ticket.customFields == ["assignee": "Bo Agent"])
        #expect(ticket.tags == ["printer", "fire"])
        #expect(ticket.createdAt == utc("2024-01-15T09:30:00Z") && ticket.updatedAt == utc("2024-01-16T07:00:00Z"))
        #expect(mapped.number == 1 && mapped.line == 2)
    }

    @Test func zendeskJSONFixtureEndToEnd() throws {
        let record = try fixtureRecord("airbyte_ticket_1_sample_ticket.json")
        let mapping = ImportMappingProposer.propose(object: .tickets, source: .zendesk, paths: record.value.paths)
        let ticket = try #require(ImportRowMapper(mapping: mapping, source: .zendesk, options: .init()).map(record).asTicket)
        #expect(ticket.sourceID == "1")
        #expect(ticket.subject == "6X/BPh9kL+8K2NGI")
        #expect(ticket.status == "closed" && ticket.priority == "normal")
        #expect(ticket.channel == "other") // "sample_ticket" is no channel
        #expect(ticket.type == "incident")
        #expect(ticket.requester?.sourceID == "360839922496") // every digit kept
        #expect(ticket.tags == ["sample", "support", "zendesk"])
        #expect(ticket.customFields.isEmpty)
        #expect(ticket.description?.hasPrefix("Hi Team,\n\nThis is your first ticket.") == true)
        #expect(ticket.createdAt == utc("2020-12-11T18:34:09Z") && ticket.updatedAt == utc("2023-05-26T23:02:01Z"))
    }

    @Test func freshdeskFixtureEndToEnd() throws {
        let record = try fixtureRecord("freshdesk_cli_ticket_with_conversations.json")
        let mapping = ImportMappingProposer.propose(object: .tickets, source: .freshdesk, paths: record.value.paths)
        let ticket = try #require(ImportRowMapper(mapping: mapping, source: .freshdesk, options: .init()).map(record).asTicket)
        #expect(ticket.description == "Initial ticket description with an issue")
        #expect(ticket.status == "open" && ticket.priority == "normal")
        #expect(ticket.tags == ["support", "attachment"])
        #expect(ticket.requester?.sourceID == "1000000001")
        try #require(ticket.messages.count == 3)
        #expect(ticket.messages.map(\.sourceID) == ["2001", "2002", "2003"])
        #expect(ticket.messages[0].fromCustomer && !ticket.messages[1].fromCustomer && !ticket.messages[2].fromCustomer)
        #expect(ticket.messages.allSatisfy { $0.isPublic })
        #expect(ticket.messages[0].body == "This is the initial customer message with more details about the issue.")
        #expect(ticket.messages[0].authorSourceID == "1000000001")
        #expect(ticket.messages[2].createdAt == utc("2024-01-16T14:00:00Z"))

        let pending = try fixtureRecord("airbyte_ticket_22_email_pending.json")
        let pendingMapping = ImportMappingProposer.propose(object: .tickets, source: .freshdesk, paths: pending.value.paths)
        let other = try #require(ImportRowMapper(mapping: pendingMapping, source: .freshdesk, options: .init()).map(pending).asTicket)
        #expect(other.status == "pending" && other.priority == "low" && other.channel == "phone")
        #expect(other.requester?.email == "reyesamanda@example.com" && other.requester?.name == "Jessica Rangel")
        #expect(other.description == "Test 1")
    }

    @Test func helpScoutFixtureEndToEnd() throws {
        let record = try fixtureRecord("legacy_v1_conversation_10.json")
        let mapping = ImportMappingProposer.propose(object: .tickets, source: .helpscout, paths: record.value.paths)
        let mapped = ImportRowMapper(mapping: mapping, source: .helpscout, options: .init()).map(record)
        #expect(mapped.reasons.isEmpty)
        let ticket = try #require(mapped.asTicket)
        #expect(ticket.sourceID == "10" && ticket.subject == "Subject")
        #expect(ticket.status == "open" && ticket.channel == "email")
        #expect(ticket.requester?.name == "Karl Tester")
        #expect(ticket.requester?.email == "karl@worldoftesters.com")
        #expect(ticket.requester?.phone == "5552368") // no country: kept as written
        #expect(ticket.group == "Support")
        #expect(ticket.customFields == ["Project Name": "Project 1"])
        #expect(ticket.tags.isEmpty)
        try #require(ticket.messages.count == 1)
        #expect(ticket.messages[0].body == "Hello")
        #expect(ticket.messages[0].fromCustomer && ticket.messages[0].isPublic)
        #expect(ticket.messages[0].authorEmail == "karl@worldoftesters.com")
        #expect(ticket.createdAt == utc("2016-01-03T21:35:51Z"))
    }
}

// MARK: - Contacts, organisations, conversations

@Suite("Import row mapping: contacts")
struct ImportContactMappingTests {
    @Test func nameFromFirstAndLast() throws {
        let mapping = ImportMapping(object: .contacts, entries: [.init(field: "name", source: "first + last", confidence: 1),
                                                                 .init(field: "email", source: "email", confidence: 1)])
        let mapper = ImportRowMapper(mapping: mapping, source: .generic, options: .init())
        let both = mapper.map(ImportRecord(number: 1, line: 2, value: .object([("first", .text(" Ann ")), ("last", .text("Lee")),
                                                                              ("email", .text("ann@example.com"))]), endOffset: 0))
        #expect(both.asContact?.name == "Ann Lee")
        let firstOnly = mapper.map(ImportRecord(number: 2, line: 3, value: .object([("first", .text("Ann")), ("last", .text("")),
                                                                                   ("email", .text("ann@example.com"))]), endOffset: 0))
        #expect(firstOnly.asContact?.name == "Ann")
    }

    @Test func phoneInTheDefaultCountry() {
        let mapped = mapRow(.contacts, [("phone", .text("030 1234567"))], options: ImportOptions(defaultCountry: "DE"))
        #expect(mapped.asContact?.phone == "+49301234567")
        let international = mapRow(.contacts, [("phone", .text("+44 20 7946 0958"))], options: ImportOptions(defaultCountry: "DE"))
        #expect(international.asContact?.phone == "+442079460958")
    }

    @Test func aCountryColumnOverridesTheDefault() {
        let options = ImportOptions(defaultCountry: "DE")
        let british = mapRow(.contacts, [("phone", .text("020 7946 0958")), ("country", .text("gb"))], options: options)
        #expect(british.asContact?.phone == "+442079460958")
        // A value that is no country code falls back to the default.
        let unknown = mapRow(.contacts, [("phone", .text("030 1234567")), ("country", .text("Germany"))], options: options)
        #expect(unknown.asContact?.phone == "+49301234567")
    }

    @Test func withoutACountryThePhoneIsKeptAsWritten() {
        let mapped = mapRow(.contacts, [("phone", .text("030 1234567"))])
        #expect(!mapped.isRejected)
        #expect(mapped.asContact?.phone == "030 1234567")
    }

    @Test func invalidPhoneIsRejected() {
        let mapped = mapRow(.contacts, [("email", .text("a@example.com")), ("phone", .text("call me maybe"))],
                            options: ImportOptions(defaultCountry: "DE"))
        #expect(mapped.isRejected)
        #expect(mapped.reasons.count == 1 && mapped.reasons[0].hasPrefix("Phone:") && mapped.reasons[0].contains("“call me maybe”"))
    }

    @Test("agents and admins become invitations", arguments: [
        ("Agent", true), ("ADMIN", true), ("light agent", true), ("end-user", false), ("customer", false),
    ])
    func roles(_ role: String, _ isAgent: Bool) {
        let contact = mapRow(.contacts, [("email", .text("bo@example.com")), ("role", .text(role))]).asContact
        #expect(contact?.isAgent == isAgent)
        #expect(contact?.role == role.lowercased())
    }

    @Test func anAgentNeedsAnEmail() {
        let mapped = mapRow(.contacts, [("source_id", .number("5")), ("role", .text("agent"))])
        #expect(mapped.isRejected)
        #expect(mapped.reasons == ["An agent needs an email address to be invited."])
    }

    @Test func somethingMustIdentifyTheContact() {
        let mapped = mapRow(.contacts, [("name", .text("Nobody")), ("organization_name", .text("Acme"))])
        #expect(mapped.isRejected)
        #expect(mapped.reasons.count == 1 && mapped.reasons[0].contains("no id, email or phone"))
        #expect(!mapRow(.contacts, [("source_id", .number("5"))]).isRejected)
        #expect(!mapRow(.contacts, [("phone", .text("+49 30 1234567"))]).isRejected)
    }

    @Test func contactFixtures() throws {
        let freshdesk = try fixtureRecord("airbyte_contact_emily_garcia.json")
        let mapping = ImportMappingProposer.propose(object: .contacts, source: .freshdesk, paths: freshdesk.value.paths)
        let emily = try #require(ImportRowMapper(mapping: mapping, source: .freshdesk, options: .init()).map(freshdesk).asContact)
        #expect(emily.sourceID == "67038833123" && emily.name == "Emily Garcia" && emily.email == "emily.garcia@freshdesk.com")
        #expect(emily.phone == "+448081698824")
        #expect(!emily.isAgent && emily.organizationSourceID == nil && emily.customFields.isEmpty)
        #expect(emily.createdAt == utc("2022-05-25T21:25:26Z"))

        let helpScout = try fixtureRecord("legacy_v1_webhook_customer.json")
        let customerMapping = ImportMappingProposer.propose(object: .contacts, source: .helpscout, paths: helpScout.value.paths)
        let customer = try #require(ImportRowMapper(mapping: customerMapping, source: .helpscout, options: .init()).map(helpScout).asContact)
        #expect(customer.name == "First_Name Last_Name")
        #expect(customer.email == "some@mail.com") // the first of `emails`
        #expect(customer.sourceID == "76688730")
    }
}

@Suite("Import row mapping: organisations and conversations")
struct ImportOrganizationMappingTests {
    @Test("domains are cleaned", arguments: [
        (ImportValue.text("https://www.acme.com/x"), ["acme.com"]),
        (.array([.text("acme.com"), .text("http://Example.org/")]), ["acme.com", "example.org"]),
        (.text("acme.com, sub.acme-group.co.uk"), ["acme.com", "sub.acme-group.co.uk"]),
    ])
    func domains(_ value: ImportValue, _ expected: [String]) {
        let mapped = mapRow(.organizations, [("name", .text("Acme")), ("domains", value)])
        #expect(mapped.reasons.isEmpty)
        #expect(mapped.asOrganization?.domains == expected)
    }

    @Test("a domain and the same domain with www. are one domain")
    func domainsWithoutRepeats() {
        let mapped = mapRow(.organizations, [("name", .text("Acme")), ("domains", .text("acme.com, www.acme.com, https://acme.com/"))])
        #expect(mapped.asOrganization?.domains == ["acme.com"])
    }

    @Test("invalid domains are rejected", arguments: ["bad_domain.com", "localhost", "acme.com:8080"])
    func invalidDomain(_ domain: String) {
        let mapped = mapRow(.organizations, [("name", .text("Acme")), ("domains", .text(domain))])
        #expect(mapped.isRejected)
        #expect(mapped.reasons == ["“\(domain)” is not a domain name."])
    }

    @Test func nameNotesAndTags() throws {
        let organization = try #require(mapRow(.organizations, [
            ("source_id", .number("12")), ("name", .text("Acme")), ("notes", .text("Key account.\nCall before noon.")),
            ("tags", .array([.text("VIP")])), ("created_at", .text("2024-01-15T10:30:00Z")),
        ]).asOrganization)
        #expect(organization.sourceID == "12" && organization.name == "Acme")
        #expect(organization.notes == "Key account.\nCall before noon.")
        #expect(organization.tags == ["vip"])
        #expect(organization.updatedAt == utc("2024-01-15T10:30:00Z"))
        let unnamed = mapRow(.organizations, [("source_id", .number("12")), ("notes", .text("x"))])
        #expect(unnamed.reasons == ["Name is missing."])
        let longNotes = mapRow(.organizations, [("name", .text("Acme")), ("notes", .text(String(repeating: "n", count: 10_001)))])
        #expect(longNotes.isRejected)
    }

    @Test func conversationRequiredFields() {
        let missing = mapRow(.conversations, [("source_id", .number("1"))])
        #expect(missing.isRejected)
        #expect(missing.reasons == ["Ticket id is missing.", "Body is missing."])
        let complete = mapRow(.conversations, [("source_id", .number("1")), ("ticket_source_id", .number("22")),
                                               ("body", .text("<p>Hello</p>"))])
        #expect(complete.asMessage == ImportedMessage(sourceID: "1", ticketSourceID: "22", body: "Hello", isPublic: true,
                                                      fromCustomer: false, authorSourceID: nil, authorEmail: nil, createdAt: nil))
    }

    @Test("private flags", arguments: [
        (ImportValue.text("yes"), false), (.text("1"), false), (.text("true"), false), (.text("TRUE"), false), (.bool(true), false),
        (.text("false"), true), (.text("no"), true), (.text("0"), true), (.bool(false), true), (.text(""), true),
    ])
    func privateFlag(_ flag: ImportValue, _ isPublic: Bool) {
        let mapped = mapRow(.conversations, [("source_id", .number("1")), ("ticket_source_id", .number("22")),
                                             ("body", .text("Hi")), ("private", flag)])
        #expect(mapped.asMessage?.isPublic == isPublic)
    }

    @Test func freshdeskConversationsFixture() throws {
        let records = try fixtureRecords("airbyte_conversations_ticket_22_reply_and_note.json")
        try #require(records.count == 2)
        let paths = records[0].value.paths
        let mapping = ImportMappingProposer.propose(object: .conversations, source: .freshdesk, paths: paths)
        #expect(mapping.table == ["source_id": "id", "ticket_source_id": "ticket_id", "body": "body_text", "private": "private",
                                  "author_source_id": "user_id", "author_email": "from_email", "created_at": "created_at"])
        let mapper = ImportRowMapper(mapping: mapping, source: .freshdesk, options: .init())
        let reply = try #require(mapper.map(records[0]).asMessage)
        #expect(reply.ticketSourceID == "22" && reply.sourceID == "67105086049")
        #expect(reply.body == "Hi Jessica Rangel,  Test reply")
        #expect(reply.isPublic && !reply.fromCustomer)
        #expect(reply.authorEmail == "support@newaccount1603334233301.freshdesk.com")
        #expect(reply.authorSourceID == "67013469919")
        #expect(reply.createdAt == utc("2022-11-16T16:16:58Z"))
        let note = try #require(mapper.map(records[1]).asMessage)
        #expect(!note.isPublic && note.body == "Test note" && note.authorEmail == nil)
    }
}

// MARK: - Fingerprints

@Suite("Import fingerprints")
struct ImportFingerprintTests {
    static let base: [(String, ImportValue)] = [
        ("subject", .text("Printer on fire")),
        ("tags", .array([.text("a"), .text("b")])),
        ("messages", .array([.object([("id", .number("1")), ("body", .text("Help")), ("incoming", .bool(true)),
                                      ("createdBy", .object([("email", .text("ann@example.com"))]))])])),
        ("updated_at", .text("2024-01-15T10:30:00Z")),
    ]

    func fingerprint(_ changes: [(String, ImportValue)] = []) -> String {
        let members = Self.base.map { key, value in (key, changes.first { $0.0 == key }?.1 ?? value) }
        let mapped = mapRow(.tickets, [("source_id", .text("T-1"))] + members)
        #expect(!mapped.isRejected, "\(mapped.reasons)")
        return mapped.fingerprint
    }

    static func messages(body: String = "Help", incoming: Bool = true, email: String = "ann@example.com") -> ImportValue {
        .array([.object([("id", .number("1")), ("body", .text(body)), ("incoming", .bool(incoming)),
                         ("createdBy", .object([("email", .text(email))]))])])
    }

    @Test func sameValuesSameFingerprint() {
        let first = fingerprint()
        #expect(!first.isEmpty)
        #expect(fingerprint() == first)
        // Values that map to the same thing are the same record.
        #expect(fingerprint([("tags", .text("A, B"))]) == first)
    }

    @Test func anyChangeChangesIt() {
        let original = fingerprint()
        let changed = [
            fingerprint([("subject", .text("Printer on fire!"))]),
            fingerprint([("tags", .array([.text("b"), .text("a")]))]),
            fingerprint([("messages", Self.messages(body: "Help!"))]),
            fingerprint([("updated_at", .text("2024-01-15T10:30:01Z"))]),
        ]
        for (index, value) in changed.enumerated() { #expect(value != original, "change \(index)") }
        #expect(Set(changed).count == changed.count)
    }

    @Test("a message's author and direction are part of the fingerprint")
    func messageAuthorAndDirection() {
        let original = fingerprint()
        #expect(fingerprint([("messages", Self.messages(incoming: false))]) != original)
        #expect(fingerprint([("messages", Self.messages(email: "bo@example.com"))]) != original)
        let message: [(String, ImportValue)] = [("source_id", .number("1")), ("ticket_source_id", .number("2")), ("body", .text("Hi"))]
        #expect(mapRow(.conversations, message + [("incoming", .bool(true))]).fingerprint
            != mapRow(.conversations, message + [("incoming", .bool(false))]).fingerprint)
    }

    @Test func otherObjects() {
        let contact = mapRow(.contacts, [("email", .text("ann@example.com")), ("name", .text("Ann"))]).fingerprint
        #expect(contact == mapRow(.contacts, [("email", .text("ANN@example.com")), ("name", .text("Ann"))]).fingerprint)
        #expect(contact != mapRow(.contacts, [("email", .text("ann@example.com")), ("name", .text("Anne"))]).fingerprint)
        let organization = mapRow(.organizations, [("name", .text("Acme")), ("domains", .text("acme.com"))]).fingerprint
        #expect(organization != mapRow(.organizations, [("name", .text("Acme")), ("domains", .text("acme.de"))]).fingerprint)
        #expect(Set([contact, organization, fingerprint()]).count == 3)
    }

    @Test func rejectedRecordsHaveNone() {
        let rejected = mapTicket([("status", .text("weird"))], source: .zendesk)
        #expect(rejected.isRejected && rejected.fingerprint == "")
    }
}

// MARK: - Options

@Suite("Import options")
struct ImportOptionsTests {
    @Test func problems() {
        #expect(ImportOptions(defaultCountry: "DE", timeZone: "Europe/Berlin").problems().isEmpty)
        #expect(ImportOptions(defaultCountry: "de").problems().isEmpty)
        #expect(ImportOptions().problems().isEmpty)
        let country = ImportOptions(defaultCountry: "XX").problems()
        #expect(country.map(\.field) == ["default_country"] && country.map(\.code) == ["invalid"])
        #expect(country.first?.message.contains("“XX”") == true)
        #expect(ImportOptions(defaultCountry: "Germany").problems().map(\.field) == ["default_country"])
        let zone = ImportOptions(timeZone: "Mars/Olympus_Mons").problems()
        #expect(zone.map(\.field) == ["time_zone"] && zone.map(\.code) == ["invalid"])
        #expect(ImportOptions(defaultCountry: "XX", timeZone: "Nowhere").problems().count == 2)
    }

    @Test func codableRoundTrips() throws {
        let mapping = ImportMapping(object: .contacts,
                                    entries: [.init(field: "name", source: "First name + Last name", confidence: 1),
                                              .init(field: "email", source: "E-mail", confidence: 0.8)],
                                    customColumns: ["Plan": "plan", "Région": "address.region"])
        let decodedMapping = try JSONDecoder().decode(ImportMapping.self, from: JSONEncoder().encode(mapping))
        #expect(decodedMapping == mapping)
        let options = ImportOptions(policy: .merge, defaultCountry: "DE", timeZone: "Europe/Berlin")
        let decodedOptions = try JSONDecoder().decode(ImportOptions.self, from: JSONEncoder().encode(options))
        #expect(decodedOptions == options)
        let defaults = try JSONDecoder().decode(ImportOptions.self, from: JSONEncoder().encode(ImportOptions()))
        #expect(defaults == ImportOptions() && defaults.policy == .update && defaults.defaultCountry == nil)
    }
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
