import Fluent
import Foundation
import OnrampDomain
import SQLiteNIO
import SQLKit

/// What happened to one record of an import.
enum RowVerdict: String, Codable, Sendable, CaseIterable {
    case created, updated, unchanged, duplicate, rejected
}

struct RowOutcome: Sendable, Equatable {
    var number: Int
    /// tickets, contacts, organizations, messages or invitations.
    var object: String
    var verdict: RowVerdict
    var reason: String?
}

/// Counts per object and verdict (`{"tickets": {"created": 10, …}, …}`).
struct ImportCounts: Codable, Sendable, Equatable {
    var objects: [String: [String: Int]] = [:]

    mutating func add(_ object: String, _ verdict: RowVerdict, _ count: Int = 1) {
        objects[object, default: [:]][verdict.rawValue, default: 0] += count
    }

    func count(_ object: String, _ verdict: RowVerdict) -> Int { objects[object]?[verdict.rawValue] ?? 0 }

    init() {}
    init(from decoder: any Decoder) throws { objects = try decoder.singleValueContainer().decode([String: [String: Int]].self) }
    func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(objects)
    }

    var json: String { String(decoding: (try? JSONEncoder().encode(self)) ?? Data("{}".utf8), as: UTF8.self) }
    static func parse(_ json: String?) -> ImportCounts {
        json.flatMap { try? JSONDecoder().decode(ImportCounts.self, from: Data($0.utf8)) } ?? ImportCounts()
    }
}

/// Writes one batch of mapped records in the caller's transaction: finds what exists (by
/// source id, then email/phone or domain/name), decides create / update / skip by the
/// duplicate policy, and writes with multi-row statements. Imports are silent: original
/// timestamps are kept, and nothing here notifies, routes or starts an SLA timer.
struct ImportApplier {
    let db: any Database
    let tenantID: UUID
    let importID: UUID
    let system: String
    let policy: DuplicatePolicy
    let now: Date

    var sql: any SQLDatabase { db.sql }

    /// Row outcomes in row order, plus records created on the side (a ticket's requester).
    func apply(_ rows: [MappedRecord]) async throws -> (outcomes: [RowOutcome], extra: ImportCounts) {
        var outcomes: [RowOutcome] = []
        var extra = ImportCounts()
        var tickets: [(MappedRecord, ImportedTicket)] = []
        var contacts: [(MappedRecord, ImportedContact)] = []
        var organizations: [(MappedRecord, ImportedOrganization)] = []
        var messages: [(MappedRecord, ImportedMessage)] = []
        for row in rows {
            switch row.record {
            case .ticket(let ticket)?: tickets.append((row, ticket))
            case .contact(let contact)?: contacts.append((row, contact))
            case .organization(let organization)?: organizations.append((row, organization))
            case .message(let message)?: messages.append((row, message))
            case nil: outcomes.append(RowOutcome(number: row.number, object: "rows", verdict: .rejected, reason: row.reasons.joined(separator: " ")))
            }
        }
        if !organizations.isEmpty { outcomes += try await applyOrganizations(organizations) }
        if !contacts.isEmpty { outcomes += try await applyContacts(contacts) }
        if !tickets.isEmpty { outcomes += try await applyTickets(tickets, extra: &extra) }
        if !messages.isEmpty { outcomes += try await applyMessages(messages) }
        return (outcomes.sorted { $0.number < $1.number }, extra)
    }

    // MARK: Shared

    /// A record found in the database (or written earlier in this batch).
    struct Existing {
        var id: UUID
        var hash: String?
        var importID: UUID?
        var importRow: Int?
        var values: [String: String] = [:]
    }

    static func key(_ kind: String, _ value: String) -> String { "\(kind):\(value)" }

    func tagsJSON(_ tags: [String]) -> String { ImportValue.array(tags.map { .text($0) }).json }
    func fieldsJSON(_ fields: [String: String]) -> String {
        ImportValue.object(fields.keys.sorted().map { ($0, .text(fields[$0]!)) }).json
    }

    static func decodeTags(_ json: String?) -> [String] {
        json.flatMap { try? JSONDecoder().decode([String].self, from: Data($0.utf8)) } ?? []
    }

    static func decodeFields(_ json: String?) -> [String: String] {
        json.flatMap { try? JSONDecoder().decode([String: String].self, from: Data($0.utf8)) } ?? [:]
    }

    /// Why an existing record is a duplicate in this file, or nil when it comes from elsewhere.
    func earlierRow(_ existing: Existing, before number: Int) -> Int? {
        guard existing.importID == importID, let row = existing.importRow, row < number else { return nil }
        return row
    }

    /// Decides what to do with a record that matched `existing`.
    func decide(_ existing: Existing, number: Int, fingerprint: String, match: String, object: String) -> (RowVerdict, String?) {
        if let row = earlierRow(existing, before: number) {
            return (.duplicate, "Same \(match) as row \(row) of this file.")
        }
        if existing.importID == importID, existing.importRow == number { return (.unchanged, nil) }
        switch policy {
        case .skip: return (.duplicate, "The \(object) already exists (same \(match)); the policy is to skip.")
        case .update: return existing.hash == fingerprint ? (.unchanged, nil) : (.updated, nil)
        case .merge: return (.updated, nil)
        }
    }

    func selectIn(_ columns: String, from table: String, where column: String, in values: [String], extra: SQLQueryString = "") async throws -> [any SQLRow] {
        guard !values.isEmpty else { return [] }
        var rows: [any SQLRow] = []
        for chunk in Array(Set(values)).chunked(into: 5_000) {
            rows += try await sql.raw("""
                SELECT \(unsafeRaw: columns) FROM \(unsafeRaw: table)
                WHERE tenant_id = \(bind: tenantID) AND \(unsafeRaw: column) IN (\(binds: chunk))\(extra)
                """).all()
        }
        return rows
    }

    /// Inserts many rows with few statements: binding each value through the generic encoder
    /// costs more than the insert itself on large imports.
    func insert(into table: String, columns: [String], rows: [[any ImportCell]], suffix: String = "") async throws {
        guard !rows.isEmpty else { return }
        let list = columns.joined(separator: ", ")
        // SQLite: multi-row VALUES with the values bound as SQLite's own types (no encoding
        // step), a few hundred rows per statement.
        if let sqlite = db as? any SQLiteDatabase {
            let placeholders = "(" + repeatElement("?", count: columns.count).joined(separator: ",") + ")"
            for chunk in rows.chunked(into: max(1, min(250, 30_000 / columns.count))) {
                let statement = "INSERT INTO \(table) (\(list)) VALUES "
                    + repeatElement(placeholders, count: chunk.count).joined(separator: ",") + suffix
                var binds: [SQLiteData] = []
                binds.reserveCapacity(chunk.count * columns.count)
                for row in chunk { for cell in row { binds.append(cell.sqliteData) } }
                _ = try await sqlite.query(statement, binds)
            }
            return
        }
        // PostgreSQL: the rows travel as one JSON value that `json_populate_recordset` unpacks,
        // casting each value to its column's type.
        for chunk in rows.chunked(into: 5_000) {
            var json = "["
            json.reserveCapacity(chunk.count * columns.count * 24)
            for (index, values) in chunk.enumerated() {
                if index > 0 { json += "," }
                json += "{"
                for (position, (column, value)) in zip(columns, values).enumerated() {
                    if position > 0 { json += "," }
                    ImportValue.quote(column, into: &json)
                    json += ":"
                    value.appendJSON(to: &json)
                }
                json += "}"
            }
            json += "]"
            try await sql.raw("""
                INSERT INTO \(unsafeRaw: table) (\(unsafeRaw: list))
                SELECT \(unsafeRaw: list) FROM json_populate_recordset(NULL::\(unsafeRaw: table), \(bind: json)::json)\(unsafeRaw: suffix)
                """).run()
        }
    }

    static let iso8601 = Date.ISO8601FormatStyle(includingFractionalSeconds: true)

    /// `uuidString` (upper-case, as Fluent stores it on SQLite) without its formatting overhead.
    static func appendUUID(_ id: UUID, to json: inout String) {
        let digits = Array("0123456789ABCDEF".utf8)
        var text = [UInt8](repeating: 0, count: 36)
        var position = 0
        withUnsafeBytes(of: id.uuid) { bytes in
            for (index, byte) in bytes.enumerated() {
                if index == 4 || index == 6 || index == 8 || index == 10 { text[position] = UInt8(ascii: "-"); position += 1 }
                text[position] = digits[Int(byte >> 4)]
                text[position + 1] = digits[Int(byte & 0x0F)]
                position += 2
            }
        }
        json += String(decoding: text, as: UTF8.self)
    }

    // MARK: Organisations

    static let organizationColumns = ["id", "tenant_id", "name", "name_key", "notes", "tags", "custom_fields", "source_system",
                                      "source_id", "source_hash", "import_id", "import_row", "created_at", "updated_at"]

    func existingOrganizations(sourceIDs: [String], domains: [String], names: [String]) async throws -> [String: Existing] {
        var found: [String: Existing] = [:]
        let columns = "id, source_id, source_hash, import_id, import_row, name, notes, tags, custom_fields, name_key"
        func existing(_ row: any SQLRow) throws -> Existing {
            Existing(id: try row.decode(column: "id", as: UUID.self), hash: try row.decode(column: "source_hash", as: String?.self),
                     importID: try row.decode(column: "import_id", as: UUID?.self), importRow: try row.decode(column: "import_row", as: Int?.self),
                     values: ["name": try row.decode(column: "name", as: String.self), "notes": try row.decode(column: "notes", as: String?.self) ?? "",
                              "tags": try row.decode(column: "tags", as: String.self),
                              "custom_fields": try row.decode(column: "custom_fields", as: String.self)])
        }
        for row in try await selectIn(columns, from: "organizations", where: "source_id", in: sourceIDs,
                                      extra: " AND source_system = \(bind: system)") {
            found[Self.key("source", try row.decode(column: "source_id", as: String.self))] = try existing(row)
        }
        for row in try await selectIn("organization_id, domain", from: "organization_domains", where: "domain", in: domains) {
            let id = try row.decode(column: "organization_id", as: UUID.self)
            found[Self.key("domain", try row.decode(column: "domain", as: String.self))] = Existing(id: id)
        }
        for row in try await selectIn(columns, from: "organizations", where: "name_key", in: names) {
            found[Self.key("name", try row.decode(column: "name_key", as: String.self))] = try existing(row)
        }
        return found
    }

    static func nameKey(_ name: String) -> String { name.trimmingCharacters(in: .whitespacesAndNewlines).lowercased() }

    func applyOrganizations(_ rows: [(MappedRecord, ImportedOrganization)]) async throws -> [RowOutcome] {
        var found = try await existingOrganizations(sourceIDs: rows.compactMap(\.1.sourceID), domains: rows.flatMap(\.1.domains),
                                                    names: rows.map { Self.nameKey($0.1.name) })
        // A match by domain knows only the id: load the rest.
        var outcomes: [RowOutcome] = []
        var inserts: [[any ImportCell]] = []
        var domainInserts: [[any ImportCell]] = []
        for (row, organization) in rows {
            let keys = (organization.sourceID.map { [("source", $0, "organisation id")] } ?? [])
                + organization.domains.map { ("domain", $0, "domain \($0)") } + [("name", Self.nameKey(organization.name), "name")]
            var match: (Existing, String)?
            for (kind, value, label) in keys {
                if let existing = found[Self.key(kind, value)] { match = (existing, label); break }
            }
            guard let (existing, label) = match else {
                let id = TimeOrderedID.make()
                inserts.append([id, tenantID, organization.name, Self.nameKey(organization.name), organization.notes,
                                tagsJSON(organization.tags), fieldsJSON(organization.customFields), system, organization.sourceID,
                                row.fingerprint, importID, row.number, organization.createdAt ?? now, organization.updatedAt ?? now])
                for domain in organization.domains where found[Self.key("domain", domain)] == nil {
                    domainInserts.append([tenantID, domain, id])
                }
                let created = Existing(id: id, hash: row.fingerprint, importID: importID, importRow: row.number,
                                       values: ["name": organization.name, "notes": organization.notes ?? "",
                                                "tags": tagsJSON(organization.tags), "custom_fields": fieldsJSON(organization.customFields)])
                for (kind, value, _) in keys { found[Self.key(kind, value)] = created }
                outcomes.append(RowOutcome(number: row.number, object: "organizations", verdict: .created))
                continue
            }
            var (verdict, reason) = decide(existing, number: row.number, fingerprint: row.fingerprint, match: label, object: "organisation")
            if verdict == .updated {
                var full = existing
                if full.values.isEmpty, let loaded = try await sql.raw("""
                    SELECT name, notes, tags, custom_fields FROM organizations WHERE id = \(bind: existing.id)
                    """).first() {
                    full.values = ["name": try loaded.decode(column: "name", as: String.self), "notes": try loaded.decode(column: "notes", as: String?.self) ?? "",
                                   "tags": try loaded.decode(column: "tags", as: String.self),
                                   "custom_fields": try loaded.decode(column: "custom_fields", as: String.self)]
                }
                let merging = policy == .merge
                let name = merging ? full.values["name"] ?? organization.name : organization.name
                let notes = merging ? (full.values["notes"].flatMap { $0.isEmpty ? nil : $0 } ?? organization.notes) : organization.notes
                let tags = merging ? Self.union(Self.decodeTags(full.values["tags"]), organization.tags) : organization.tags
                let fields = merging ? organization.customFields.merging(Self.decodeFields(full.values["custom_fields"])) { _, old in old } : organization.customFields
                if merging && name == full.values["name"] && (notes ?? "") == full.values["notes"] && tagsJSON(tags) == full.values["tags"]
                    && fieldsJSON(fields) == full.values["custom_fields"] {
                    verdict = .unchanged
                } else {
                    try await sql.raw("""
                        UPDATE organizations SET name = \(bind: name), name_key = \(bind: Self.nameKey(name)), notes = \(bind: notes),
                            tags = \(bind: tagsJSON(tags)), custom_fields = \(bind: fieldsJSON(fields)),
                            source_system = COALESCE(source_system, \(bind: system)), source_id = COALESCE(source_id, \(bind: organization.sourceID)),
                            source_hash = \(bind: row.fingerprint), import_id = \(bind: importID), import_row = \(bind: row.number),
                            updated_at = \(bind: organization.updatedAt ?? now)
                        WHERE id = \(bind: existing.id) AND tenant_id = \(bind: tenantID)
                        """).run()
                    for domain in organization.domains {
                        try await sql.raw("""
                            INSERT INTO organization_domains (tenant_id, domain, organization_id) VALUES (\(bind: tenantID), \(bind: domain), \(bind: existing.id))
                            ON CONFLICT DO NOTHING
                            """).run()
                    }
                }
                reason = nil
            }
            let touched = Existing(id: existing.id, hash: row.fingerprint, importID: importID, importRow: row.number, values: existing.values)
            if verdict != .duplicate { for (kind, value, _) in keys { found[Self.key(kind, value)] = touched } }
            outcomes.append(RowOutcome(number: row.number, object: "organizations", verdict: verdict, reason: reason))
        }
        try await insert(into: "organizations", columns: Self.organizationColumns, rows: inserts)
        try await insert(into: "organization_domains", columns: ["tenant_id", "domain", "organization_id"], rows: domainInserts,
                         suffix: " ON CONFLICT DO NOTHING")
        return outcomes
    }

    static func union(_ old: [String], _ new: [String]) -> [String] {
        var result = old
        for tag in new where !result.contains(tag) { result.append(tag) }
        return result
    }

    // MARK: Contacts

    static let contactColumns = ["id", "tenant_id", "name", "email", "phone", "organization_id", "tags", "custom_fields", "source_system",
                                 "source_id", "source_hash", "import_id", "import_row", "created_at", "updated_at"]

    /// Existing contacts keyed `source:…`, `email:…` and `phone:…`.
    func existingContacts(_ contacts: [ImportedContact]) async throws -> [String: Existing] {
        var found: [String: Existing] = [:]
        let columns = "id, source_id, source_hash, import_id, import_row, name, email, phone, organization_id, tags, custom_fields"
        func existing(_ row: any SQLRow) throws -> Existing {
            Existing(id: try row.decode(column: "id", as: UUID.self), hash: try row.decode(column: "source_hash", as: String?.self),
                     importID: try row.decode(column: "import_id", as: UUID?.self), importRow: try row.decode(column: "import_row", as: Int?.self),
                     values: ["name": try row.decode(column: "name", as: String?.self) ?? "", "email": try row.decode(column: "email", as: String?.self) ?? "",
                              "phone": try row.decode(column: "phone", as: String?.self) ?? "",
                              "organization_id": try row.decode(column: "organization_id", as: UUID?.self)?.uuidString ?? "",
                              "tags": try row.decode(column: "tags", as: String.self),
                              "custom_fields": try row.decode(column: "custom_fields", as: String.self)])
        }
        for row in try await selectIn(columns, from: "contacts", where: "source_id", in: contacts.compactMap(\.sourceID),
                                      extra: " AND source_system = \(bind: system)") {
            found[Self.key("source", try row.decode(column: "source_id", as: String.self))] = try existing(row)
        }
        for row in try await selectIn(columns, from: "contacts", where: "email", in: contacts.compactMap(\.email)) {
            let key = Self.key("email", try row.decode(column: "email", as: String.self))
            if found[key] == nil { found[key] = try existing(row) }
        }
        for row in try await selectIn(columns, from: "contacts", where: "phone", in: contacts.compactMap(\.phone)) {
            let key = Self.key("phone", try row.decode(column: "phone", as: String.self))
            if found[key] == nil { found[key] = try existing(row) }
        }
        return found
    }

    static func contactKeys(_ contact: ImportedContact) -> [(String, String, String)] {
        (contact.sourceID.map { [("source", $0, "contact id")] } ?? [])
            + (contact.email.map { [("email", $0, "email")] } ?? [])
            + (contact.phone.map { [("phone", $0, "phone")] } ?? [])
    }

    func applyContacts(_ rows: [(MappedRecord, ImportedContact)]) async throws -> [RowOutcome] {
        var outcomes: [RowOutcome] = []
        let agents = rows.filter(\.1.isAgent)
        if !agents.isEmpty { outcomes += try await applyInvitations(agents) }
        let people = rows.filter { !$0.1.isAgent }
        guard !people.isEmpty else { return outcomes }
        let organizationIDs = try await resolveOrganizations(people.map(\.1))
        var found = try await existingContacts(people.map(\.1))
        var inserts: [[any ImportCell]] = []
        for (row, contact) in people {
            let keys = Self.contactKeys(contact)
            let organizationID = organizationIDs[contact.organizationSourceID.map { "source:\($0)" } ?? contact.organizationName.map { "name:\(Self.nameKey($0))" } ?? ""]
            var match: (Existing, String)?
            for (kind, value, label) in keys {
                if let existing = found[Self.key(kind, value)] { match = (existing, label); break }
            }
            guard let (existing, label) = match else {
                let id = TimeOrderedID.make()
                inserts.append(contactValues(id: id, contact, organizationID: organizationID, row: row))
                let created = Existing(id: id, hash: row.fingerprint, importID: importID, importRow: row.number)
                for (kind, value, _) in keys { found[Self.key(kind, value)] = created }
                outcomes.append(RowOutcome(number: row.number, object: "contacts", verdict: .created))
                continue
            }
            var (verdict, reason) = decide(existing, number: row.number, fingerprint: row.fingerprint, match: label, object: "contact")
            if verdict == .updated {
                verdict = try await updateContact(existing, with: contact, organizationID: organizationID, row: row) ? .updated : .unchanged
                reason = nil
            }
            if verdict != .duplicate {
                let touched = Existing(id: existing.id, hash: row.fingerprint, importID: importID, importRow: row.number, values: existing.values)
                for (kind, value, _) in keys { found[Self.key(kind, value)] = touched }
            }
            outcomes.append(RowOutcome(number: row.number, object: "contacts", verdict: verdict, reason: reason))
        }
        try await insert(into: "contacts", columns: Self.contactColumns, rows: inserts)
        return outcomes
    }

    func contactValues(id: UUID, _ contact: ImportedContact, organizationID: UUID?, row: MappedRecord?) -> [any ImportCell] {
        [id, tenantID, contact.name, contact.email, contact.phone, organizationID, tagsJSON(contact.tags), fieldsJSON(contact.customFields),
         system, contact.sourceID, row?.fingerprint, importID, row?.number, contact.createdAt ?? now, contact.updatedAt ?? contact.createdAt ?? now]
    }

    /// Overwrites (update) or fills in (merge) a contact; false when nothing changed.
    func updateContact(_ existing: Existing, with contact: ImportedContact, organizationID: UUID?, row: MappedRecord) async throws -> Bool {
        let old = existing.values
        func pick(_ key: String, _ new: String?) -> String? {
            let current = old[key].flatMap { $0.isEmpty ? nil : $0 }
            return policy == .merge ? (current ?? new) : (new ?? current)
        }
        let name = pick("name", contact.name), email = pick("email", contact.email), phone = pick("phone", contact.phone)
        let organization = pick("organization_id", organizationID?.uuidString).flatMap(UUID.init(uuidString:))
        let tags = policy == .merge ? Self.union(Self.decodeTags(old["tags"]), contact.tags) : contact.tags
        let fields = policy == .merge ? contact.customFields.merging(Self.decodeFields(old["custom_fields"])) { _, old in old } : contact.customFields
        if name ?? "" == old["name"], email ?? "" == old["email"], phone ?? "" == old["phone"],
           (organization?.uuidString ?? "") == old["organization_id"], tagsJSON(tags) == old["tags"], fieldsJSON(fields) == old["custom_fields"] {
            return false
        }
        try await sql.raw("""
            UPDATE contacts SET name = \(bind: name), email = \(bind: email), phone = \(bind: phone), organization_id = \(bind: organization),
                tags = \(bind: tagsJSON(tags)), custom_fields = \(bind: fieldsJSON(fields)),
                source_system = COALESCE(source_system, \(bind: system)), source_id = COALESCE(source_id, \(bind: contact.sourceID)),
                source_hash = \(bind: row.fingerprint), import_id = \(bind: importID), import_row = \(bind: row.number),
                updated_at = \(bind: contact.updatedAt ?? now)
            WHERE id = \(bind: existing.id) AND tenant_id = \(bind: tenantID)
            """).run()
        return true
    }

    /// Organisation ids for contacts, keyed `source:…` / `name:…`; organisations named but
    /// not yet known are created.
    func resolveOrganizations(_ contacts: [ImportedContact]) async throws -> [String: UUID] {
        var result: [String: UUID] = [:]
        let sourceIDs = contacts.compactMap(\.organizationSourceID)
        for row in try await selectIn("id, source_id", from: "organizations", where: "source_id", in: sourceIDs,
                                      extra: " AND source_system = \(bind: system)") {
            result["source:\(try row.decode(column: "source_id", as: String.self))"] = try row.decode(column: "id", as: UUID.self)
        }
        let names = contacts.filter { $0.organizationSourceID == nil }.compactMap(\.organizationName)
        for row in try await selectIn("id, name_key", from: "organizations", where: "name_key", in: names.map(Self.nameKey)) {
            result["name:\(try row.decode(column: "name_key", as: String.self))"] = try row.decode(column: "id", as: UUID.self)
        }
        var inserts: [[any ImportCell]] = []
        for name in names where result["name:\(Self.nameKey(name))"] == nil {
            let id = TimeOrderedID.make()
            result["name:\(Self.nameKey(name))"] = id
            inserts.append([id, tenantID, name, Self.nameKey(name), nil as String?, "[]", "{}", nil as String?, nil as String?,
                            nil as String?, importID, nil as Int?, now, now])
        }
        try await insert(into: "organizations", columns: Self.organizationColumns, rows: inserts)
        return result
    }

    /// Agents and admins of the old helpdesk become invitations that the import never sends.
    func applyInvitations(_ rows: [(MappedRecord, ImportedContact)]) async throws -> [RowOutcome] {
        let emails = rows.compactMap(\.1.email)
        var invited = Set<String>()
        for row in try await selectIn("email", from: "invitations", where: "email", in: emails) {
            invited.insert(try row.decode(column: "email", as: String.self))
        }
        var members = Set<String>()
        for chunk in Array(Set(emails)).chunked(into: 5_000) {
            for row in try await sql.raw("""
                SELECT u.email FROM users u JOIN memberships m ON m.user_id = u.id
                WHERE m.tenant_id = \(bind: tenantID) AND u.email IN (\(binds: chunk))
                """).all() {
                members.insert(try row.decode(column: "email", as: String.self))
            }
        }
        var outcomes: [RowOutcome] = []
        var inserts: [[any ImportCell]] = []
        for (row, contact) in rows {
            guard let email = contact.email else { continue }
            if members.contains(email) {
                outcomes.append(RowOutcome(number: row.number, object: "invitations", verdict: .duplicate, reason: "\(email) is already a member of the team."))
            } else if invited.contains(email) {
                outcomes.append(RowOutcome(number: row.number, object: "invitations", verdict: .unchanged, reason: "\(email) is already invited."))
            } else {
                invited.insert(email)
                let role = contact.role == "admin" || contact.role == "administrator" || contact.role == "owner" ? "admin" : "agent"
                inserts.append([TimeOrderedID.make(), tenantID, email, contact.name, role, "imported", system, contact.sourceID, importID,
                                contact.createdAt ?? now, now])
                outcomes.append(RowOutcome(number: row.number, object: "invitations", verdict: .created))
            }
        }
        try await insert(into: "invitations", columns: ["id", "tenant_id", "email", "name", "role", "state", "source_system", "source_id",
                                                        "import_id", "created_at", "updated_at"], rows: inserts)
        return outcomes
    }

    // MARK: Tickets

    static let ticketColumns = ["id", "tenant_id", "number", "subject", "status", "priority", "channel", "type", "requester_id",
                                "assignee_id", "assignee_email", "group_name", "organization_id", "tags", "custom_fields", "source_system",
                                "source_id", "source_hash", "import_id", "import_row", "created_at", "updated_at"]
    static let messageColumns = ["id", "tenant_id", "ticket_id", "visibility", "from_customer", "author_contact_id", "author_user_id",
                                 "author_label", "body", "source_system", "source_id", "import_id", "created_at"]

    func reserveNumbers(_ count: Int) async throws -> Int64 {
        try await TicketStore(db: db).reserveNumbers(TenantScope(tenantID: tenantID), count: count)
    }

    func applyTickets(_ rows: [(MappedRecord, ImportedTicket)], extra: inout ImportCounts) async throws -> [RowOutcome] {
        var outcomes: [RowOutcome] = []
        // What exists already: tickets by source id; requesters, organisations and assignees.
        var found: [String: Existing] = [:]
        for row in try await selectIn("id, source_id, source_hash, import_id, import_row", from: "tickets", where: "source_id",
                                      in: rows.map(\.1.sourceID), extra: " AND source_system = \(bind: system)") {
            found[try row.decode(column: "source_id", as: String.self)] = Existing(
                id: try row.decode(column: "id", as: UUID.self), hash: try row.decode(column: "source_hash", as: String?.self),
                importID: try row.decode(column: "import_id", as: UUID?.self), importRow: try row.decode(column: "import_row", as: Int?.self))
        }
        var decisions: [(MappedRecord, ImportedTicket, Existing?, RowVerdict, String?)] = []
        for (row, ticket) in rows {
            if let existing = found[ticket.sourceID] {
                let (verdict, reason) = decide(existing, number: row.number, fingerprint: row.fingerprint, match: "ticket id", object: "ticket")
                decisions.append((row, ticket, existing, verdict, reason))
                if verdict != .duplicate { found[ticket.sourceID] = Existing(id: existing.id, hash: row.fingerprint, importID: importID, importRow: row.number) }
            } else {
                let created = Existing(id: TimeOrderedID.make(), hash: row.fingerprint, importID: importID, importRow: row.number)
                found[ticket.sourceID] = created
                decisions.append((row, ticket, nil, .created, nil))
            }
        }
        let writing = decisions.filter { $0.3 == .created || $0.3 == .updated }
        let requesters = try await resolveRequesters(writing.compactMap(\.1.requester), extra: &extra)
        var organizations: [String: UUID] = [:]
        for row in try await selectIn("id, source_id", from: "organizations", where: "source_id",
                                      in: writing.compactMap(\.1.organizationSourceID), extra: " AND source_system = \(bind: system)") {
            organizations[try row.decode(column: "source_id", as: String.self)] = try row.decode(column: "id", as: UUID.self)
        }
        var agents: [String: UUID] = [:]
        let assigneeEmails = Array(Set(writing.compactMap(\.1.assigneeEmail)))
        for chunk in assigneeEmails.chunked(into: 5_000) {
            for row in try await sql.raw("""
                SELECT u.id, u.email FROM users u JOIN memberships m ON m.user_id = u.id
                WHERE m.tenant_id = \(bind: tenantID) AND u.email IN (\(binds: chunk))
                """).all() {
                agents[try row.decode(column: "email", as: String.self)] = try row.decode(column: "id", as: UUID.self)
            }
        }
        var number = try await reserveNumbers(writing.filter { $0.3 == .created }.count)
        var ticketInserts: [[any ImportCell]] = []
        var messageInserts: [[any ImportCell]] = []
        var rewritten: [UUID] = []
        for (row, ticket, existing, verdict, reason) in decisions {
            outcomes.append(RowOutcome(number: row.number, object: "tickets", verdict: verdict, reason: reason))
            guard verdict == .created || verdict == .updated else { continue }
            let id = existing?.id ?? found[ticket.sourceID]!.id
            let requesterID = ticket.requester.flatMap { requester in
                Self.contactKeys(requester).lazy.compactMap { requesters[Self.key($0.0, $0.1)] }.first
            }
            let organizationID = ticket.organizationSourceID.flatMap { organizations[$0] }
            let assigneeID = ticket.assigneeEmail.flatMap { agents[$0] }
            let created = ticket.createdAt ?? now
            if let existing {
                if policy == .merge {
                    try await sql.raw("""
                        UPDATE tickets SET tags = \(bind: tagsJSON(ticket.tags)), requester_id = COALESCE(requester_id, \(bind: requesterID)),
                            organization_id = COALESCE(organization_id, \(bind: organizationID)), assignee_id = COALESCE(assignee_id, \(bind: assigneeID)),
                            type = COALESCE(type, \(bind: ticket.type)), group_name = COALESCE(group_name, \(bind: ticket.group)),
                            source_hash = \(bind: row.fingerprint), import_id = \(bind: importID), import_row = \(bind: row.number)
                        WHERE id = \(bind: existing.id) AND tenant_id = \(bind: tenantID)
                        """).run()
                    continue // merge keeps the ticket's conversation as it is
                }
                try await sql.raw("""
                    UPDATE tickets SET subject = \(bind: ticket.subject), status = \(bind: ticket.status), priority = \(bind: ticket.priority),
                        channel = \(bind: ticket.channel), type = \(bind: ticket.type), requester_id = \(bind: requesterID),
                        assignee_id = \(bind: assigneeID), assignee_email = \(bind: assigneeID == nil ? ticket.assigneeEmail : nil),
                        group_name = \(bind: ticket.group), organization_id = \(bind: organizationID), tags = \(bind: tagsJSON(ticket.tags)),
                        custom_fields = \(bind: fieldsJSON(ticket.customFields)), source_hash = \(bind: row.fingerprint),
                        import_id = \(bind: importID), import_row = \(bind: row.number), created_at = \(bind: created),
                        updated_at = \(bind: ticket.updatedAt ?? created)
                    WHERE id = \(bind: existing.id) AND tenant_id = \(bind: tenantID)
                    """).run()
                rewritten.append(existing.id)
            } else {
                ticketInserts.append([id, tenantID, number, ticket.subject, ticket.status, ticket.priority, ticket.channel, ticket.type,
                                      requesterID, assigneeID, assigneeID == nil ? ticket.assigneeEmail : nil, ticket.group, organizationID,
                                      tagsJSON(ticket.tags), fieldsJSON(ticket.customFields), system, ticket.sourceID, row.fingerprint,
                                      importID, row.number, created, ticket.updatedAt ?? created])
                number += 1
            }
            if let description = ticket.description, !description.isEmpty {
                messageInserts.append([TimeOrderedID.make(), tenantID, id, "public", true, requesterID, nil as UUID?, nil as String?,
                                       description, system, nil as String?, importID, created])
            }
            for message in ticket.messages {
                let authorID = message.authorEmail.flatMap { agents[$0] }
                let authorLabel: String? = message.fromCustomer ? nil : (message.authorEmail ?? message.authorSourceID.map { "Agent \($0)" })
                messageInserts.append([TimeOrderedID.make(), tenantID, id, message.isPublic ? "public" : "internal", message.fromCustomer,
                                       message.fromCustomer ? requesterID : nil, authorID, authorLabel,
                                       message.body, system, message.sourceID, importID, message.createdAt ?? created])
            }
        }
        for chunk in rewritten.chunked(into: 5_000) {
            try await sql.raw("""
                DELETE FROM ticket_messages WHERE tenant_id = \(bind: tenantID) AND ticket_id IN (\(binds: chunk)) AND import_id IS NOT NULL
                """).run()
        }
        try await insert(into: "tickets", columns: Self.ticketColumns, rows: ticketInserts)
        try await insert(into: "ticket_messages", columns: Self.messageColumns, rows: messageInserts, suffix: " ON CONFLICT DO NOTHING")
        return outcomes
    }

    /// Contact ids for tickets' requesters (keyed like `contactKeys`), creating the contacts
    /// that do not exist yet.
    func resolveRequesters(_ requesters: [ImportedContact], extra: inout ImportCounts) async throws -> [String: UUID] {
        guard !requesters.isEmpty else { return [:] }
        // Only ids are needed here: a lighter query than `existingContacts`.
        var ids: [String: UUID] = [:]
        for (column, kind, values) in [("source_id", "source", requesters.compactMap(\.sourceID)), ("email", "email", requesters.compactMap(\.email)),
                                       ("phone", "phone", requesters.compactMap(\.phone))] {
            let extra: SQLQueryString = column == "source_id" ? " AND source_system = \(bind: system)" : ""
            for row in try await selectIn("id, \(column) AS k", from: "contacts", where: column, in: values, extra: extra) {
                let key = Self.key(kind, try row.decode(column: "k", as: String.self))
                if ids[key] == nil { ids[key] = try row.decode(column: "id", as: UUID.self) }
            }
        }
        var inserts: [[any ImportCell]] = []
        for requester in requesters {
            let keys = Self.contactKeys(requester)
            if keys.contains(where: { ids[Self.key($0.0, $0.1)] != nil }) {
                let id = keys.lazy.compactMap { ids[Self.key($0.0, $0.1)] }.first!
                for (kind, value, _) in keys where ids[Self.key(kind, value)] == nil { ids[Self.key(kind, value)] = id }
                continue
            }
            let id = TimeOrderedID.make()
            for (kind, value, _) in keys { ids[Self.key(kind, value)] = id }
            inserts.append(contactValues(id: id, requester, organizationID: nil, row: nil))
        }
        try await insert(into: "contacts", columns: Self.contactColumns, rows: inserts)
        if !inserts.isEmpty { extra.add("contacts", .created, inserts.count) }
        return ids
    }

    // MARK: Messages (a conversations file)

    func applyMessages(_ rows: [(MappedRecord, ImportedMessage)]) async throws -> [RowOutcome] {
        var tickets: [String: (UUID, UUID?)] = [:]
        for row in try await selectIn("id, source_id, requester_id", from: "tickets", where: "source_id",
                                      in: rows.compactMap(\.1.ticketSourceID), extra: " AND source_system = \(bind: system)") {
            tickets[try row.decode(column: "source_id", as: String.self)] = (try row.decode(column: "id", as: UUID.self),
                                                                            try row.decode(column: "requester_id", as: UUID?.self))
        }
        var existing: [String: (UUID, String, String)] = [:]
        for row in try await selectIn("id, source_id, body, visibility", from: "ticket_messages", where: "source_id",
                                      in: rows.compactMap { $0.1.sourceID.map { "\($0)" } }, extra: " AND source_system = \(bind: system)") {
            existing[try row.decode(column: "source_id", as: String.self)] = (try row.decode(column: "id", as: UUID.self),
                                                                             try row.decode(column: "body", as: String.self),
                                                                             try row.decode(column: "visibility", as: String.self))
        }
        var outcomes: [RowOutcome] = []
        var inserts: [[any ImportCell]] = []
        var seen: [String: Int] = [:]
        for (row, message) in rows {
            let sourceID = message.sourceID ?? ""
            guard let ticketSourceID = message.ticketSourceID, let (ticketID, requesterID) = tickets[ticketSourceID] else {
                outcomes.append(RowOutcome(number: row.number, object: "messages", verdict: .rejected,
                                           reason: "Ticket \(message.ticketSourceID ?? "?") is not imported (yet): import the tickets first, then their conversations."))
                continue
            }
            if let earlier = seen[sourceID] {
                outcomes.append(RowOutcome(number: row.number, object: "messages", verdict: .duplicate, reason: "Same message id as row \(earlier) of this file."))
                continue
            }
            seen[sourceID] = row.number
            let visibility = message.isPublic ? "public" : "internal"
            if let (id, body, oldVisibility) = existing[sourceID] {
                if policy == .skip {
                    outcomes.append(RowOutcome(number: row.number, object: "messages", verdict: .duplicate, reason: "The message already exists; the policy is to skip."))
                } else if body == message.body && oldVisibility == visibility || policy == .merge {
                    outcomes.append(RowOutcome(number: row.number, object: "messages", verdict: .unchanged))
                } else {
                    try await sql.raw("""
                        UPDATE ticket_messages SET body = \(bind: message.body), visibility = \(bind: visibility), import_id = \(bind: importID)
                        WHERE id = \(bind: id) AND tenant_id = \(bind: tenantID)
                        """).run()
                    outcomes.append(RowOutcome(number: row.number, object: "messages", verdict: .updated))
                }
                continue
            }
            let authorLabel: String? = message.fromCustomer ? nil : (message.authorEmail ?? message.authorSourceID.map { "Agent \($0)" })
            inserts.append([TimeOrderedID.make(), tenantID, ticketID, visibility, message.fromCustomer, message.fromCustomer ? requesterID : nil,
                            nil as UUID?, authorLabel,
                            message.body, system, sourceID, importID, message.createdAt ?? now])
            outcomes.append(RowOutcome(number: row.number, object: "messages", verdict: .created))
        }
        try await insert(into: "ticket_messages", columns: Self.messageColumns, rows: inserts)
        return outcomes
    }
}

/// A value an import writes: as SQLite stores it (UUIDs as Fluent writes them, upper-case
/// text; dates as seconds since 1970; booleans as 1/0), or as the JSON PostgreSQL casts into
/// its column (dates in ISO 8601).
protocol ImportCell: Sendable {
    func appendJSON(to json: inout String)
    /// The value as SQLite stores it (the same as Fluent writes it).
    var sqliteData: SQLiteData { get }
}

extension String: ImportCell {
    func appendJSON(to json: inout String) { ImportValue.quote(self, into: &json) }
    var sqliteData: SQLiteData { .text(self) }
}

extension UUID: ImportCell {
    func appendJSON(to json: inout String) {
        json += "\""
        ImportApplier.appendUUID(self, to: &json)
        json += "\""
    }

    var sqliteData: SQLiteData {
        var text = ""
        ImportApplier.appendUUID(self, to: &text)
        return .text(text)
    }
}

extension Int: ImportCell {
    func appendJSON(to json: inout String) { json += String(self) }
    var sqliteData: SQLiteData { .integer(self) }
}

extension Int64: ImportCell {
    func appendJSON(to json: inout String) { json += String(self) }
    var sqliteData: SQLiteData { .integer(Int(self)) }
}

extension Bool: ImportCell {
    func appendJSON(to json: inout String) { json += self ? "true" : "false" }
    var sqliteData: SQLiteData { .integer(self ? 1 : 0) }
}

extension Date: ImportCell {
    func appendJSON(to json: inout String) {
        json += "\""
        json += formatted(ImportApplier.iso8601)
        json += "\""
    }

    var sqliteData: SQLiteData { .float(timeIntervalSince1970) }
}

extension Optional: ImportCell where Wrapped: ImportCell {
    func appendJSON(to json: inout String) {
        if let self { self.appendJSON(to: &json) } else { json += "null" }
    }

    var sqliteData: SQLiteData { self?.sqliteData ?? .null }
}

extension Array {
    func chunked(into size: Int) -> [[Element]] {
        stride(from: 0, to: count, by: Swift.max(1, size)).map { Array(self[$0..<Swift.min($0 + size, count)]) }
    }
}
