import Foundation
@testable import OnrampDomain
import Testing

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
