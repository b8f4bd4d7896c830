import Foundation

/// What an import creates: the record kind of a file.
public enum ImportObject: String, Sendable, CaseIterable, Codable {
    case tickets, contacts, organizations, conversations

    public init?(_ detected: ImportDetection.Object) {
        self.init(rawValue: detected.rawValue)
    }
}

/// One field Onramp reads from each record of an import.
public struct ImportField: Sendable, Equatable {
    public enum Kind: String, Sendable, Equatable {
        case id, text, longText, email, phone, country, date, status, priority, channel, tags, flag, role, customFields, messages
    }

    public let key: String
    public let label: String
    public let kind: Kind
    public let required: Bool
    /// Longest accepted value, in characters.
    public let maxLength: Int

    init(_ key: String, _ label: String, _ kind: Kind, required: Bool = false, maxLength: Int = 255) {
        self.key = key
        self.label = label
        self.kind = kind
        self.required = required
        self.maxLength = maxLength
    }

    /// The fields of each object, in the order a person fills in a mapping.
    public static func fields(of object: ImportObject) -> [ImportField] {
        switch object {
        case .tickets:
            [.init("source_id", "Ticket id in the old helpdesk", .id, required: true, maxLength: 100),
             .init("subject", "Subject", .text, required: true, maxLength: 500),
             .init("description", "Description (first message)", .longText, maxLength: 1_000_000),
             .init("status", "Status", .status), .init("priority", "Priority", .priority), .init("channel", "Channel", .channel),
             .init("type", "Type", .text, maxLength: 50),
             .init("requester_source_id", "Requester id", .id, maxLength: 100),
             .init("requester_email", "Requester email", .email), .init("requester_name", "Requester name", .text),
             .init("requester_phone", "Requester phone", .phone),
             .init("assignee_email", "Assignee email", .email), .init("group", "Group / team", .text, maxLength: 100),
             .init("organization_source_id", "Organisation id", .id, maxLength: 100),
             .init("tags", "Tags", .tags), .init("custom_fields", "Custom fields", .customFields),
             .init("messages", "Messages / comments", .messages),
             .init("created_at", "Created at", .date), .init("updated_at", "Updated at", .date)]
        case .contacts:
            [.init("source_id", "Contact id in the old helpdesk", .id, maxLength: 100),
             .init("name", "Name", .text), .init("email", "Email", .email), .init("phone", "Phone", .phone),
             .init("country", "Country (for phone numbers)", .country, maxLength: 2),
             .init("organization_source_id", "Organisation id", .id, maxLength: 100),
             .init("organization_name", "Organisation name", .text),
             .init("role", "Role (agents become invitations)", .role, maxLength: 50),
             .init("tags", "Tags", .tags), .init("custom_fields", "Custom fields", .customFields),
             .init("created_at", "Created at", .date), .init("updated_at", "Updated at", .date)]
        case .organizations:
            [.init("source_id", "Organisation id in the old helpdesk", .id, maxLength: 100),
             .init("name", "Name", .text, required: true), .init("domains", "Domains", .tags),
             .init("notes", "Notes", .longText, maxLength: 10_000), .init("tags", "Tags", .tags),
             .init("custom_fields", "Custom fields", .customFields),
             .init("created_at", "Created at", .date), .init("updated_at", "Updated at", .date)]
        case .conversations:
            [.init("source_id", "Message id in the old helpdesk", .id, required: true, maxLength: 100),
             .init("ticket_source_id", "Ticket id", .id, required: true, maxLength: 100),
             .init("body", "Body", .longText, required: true, maxLength: 1_000_000),
             .init("private", "Private note", .flag), .init("author_source_id", "Author id", .id, maxLength: 100),
             .init("author_email", "Author email", .email),
             .init("created_at", "Created at", .date)]
        }
    }
}

/// Which field of the file feeds each of Onramp's fields, with how sure the proposal is.
/// A source is a dotted path into the record (`via.channel`), or several joined with ` + `
/// whose values are joined with a space (`firstName + lastName`).
public struct ImportMapping: Sendable, Equatable, Codable {
    public struct Entry: Sendable, Equatable, Codable {
        public var field: String
        public var source: String
        /// 1 = the export format's own name for it; lower = a guess from a similar name.
        public var confidence: Double

        public init(field: String, source: String, confidence: Double) {
            self.field = field
            self.source = source
            self.confidence = confidence
        }
    }

    public var object: ImportObject
    public var entries: [Entry]
    /// Further columns kept as custom fields: custom field name → source path.
    public var customColumns: [String: String]

    public init(object: ImportObject, entries: [Entry], customColumns: [String: String] = [:]) {
        self.object = object
        self.entries = entries
        self.customColumns = customColumns
    }

    public func source(of field: String) -> String? { entries.first { $0.field == field }?.source }

    /// Checks a mapping a person edited: known fields, sources that exist in the file, no
    /// required field left out.
    public func problems(available paths: [String]) -> [FieldError] {
        let fields = ImportField.fields(of: object)
        let known = Set(fields.map(\.key))
        let lowered = Set(paths.map { $0.lowercased() })
        var errors: [FieldError] = []
        for (index, entry) in entries.enumerated() {
            if !known.contains(entry.field) {
                errors.append(FieldError(field: "entries[\(index)].field", message: "“\(entry.field)” is not a field of \(object.rawValue); use one of \(fields.map(\.key).joined(separator: ", ")).", code: "unknown_field"))
            }
            for part in Self.parts(entry.source) where !Self.exists(part, in: lowered) {
                errors.append(FieldError(field: "entries[\(index)].source", message: "The file has no field “\(part)”.", code: "unknown_source"))
            }
        }
        for (name, source) in customColumns.sorted(by: { $0.key < $1.key }) {
            if name.trimmingWhitespace().isEmpty || name.count > 100 {
                errors.append(FieldError(field: "custom_columns", message: "A custom field needs a name of 1 to 100 characters.", code: "invalid"))
            }
            if !Self.exists(source, in: lowered) {
                errors.append(FieldError(field: "custom_columns.\(name)", message: "The file has no field “\(source)”.", code: "unknown_source"))
            }
        }
        let mapped = Set(entries.map(\.field))
        for field in fields where field.required && !mapped.contains(field.key) {
            errors.append(FieldError(field: "entries", message: "“\(field.label)” (\(field.key)) must be mapped to a field of the file.", code: "required"))
        }
        if Set(entries.map(\.field)).count != entries.count {
            errors.append(FieldError(field: "entries", message: "Each field can be mapped only once.", code: "duplicate"))
        }
        return errors
    }

    static func parts(_ source: String) -> [String] {
        source.components(separatedBy: " + ").map { $0.trimmingWhitespace() }.filter { !$0.isEmpty }
    }

    /// A path exists when it or a prefix of it was seen (arrays and objects are not expanded).
    static func exists(_ path: String, in lowered: Set<String>) -> Bool {
        let key = path.lowercased()
        if lowered.contains(key) { return true }
        return lowered.contains { $0.hasPrefix(key + ".") || key.hasPrefix($0 + ".") }
    }
}

/// Proposes a mapping from a file's field names: first the export format's own names, then
/// common synonyms, then names that merely look alike.
public enum ImportMappingProposer {
    /// Known names per field: (names, confidence). Names are compared lower-cased with `_`,
    /// `-` and spaces treated alike.
    static func candidates(_ object: ImportObject, source: ImportDetection.Source) -> [(String, [(String, Double)])] {
        func exact(_ names: String...) -> [(String, Double)] { names.map { ($0, 1.0) } }
        func near(_ names: String...) -> [(String, Double)] { names.map { ($0, 0.8) } }
        switch object {
        case .tickets:
            return [
                ("source_id", exact("id", "ticket id", "nice_id", "ticket_id") + near("number", "ticket number", "external_id")),
                ("subject", exact("subject", "raw_subject") + near("title", "summary", "preview")),
                ("description", (source == .freshdesk ? exact("description_text", "description") : exact("description", "description_text"))
                    + near("body", "message", "content", "text")),
                ("status", exact("status") + near("state", "ticket status")),
                ("priority", exact("priority") + near("urgency", "ticket priority")),
                ("channel", (source == .helpscout ? exact("type", "source.type") : exact("via.channel", "source", "channel")) + near("via", "medium", "origin")),
                ("type", source == .helpscout ? [] : exact("type") + near("ticket type", "category")),
                ("requester_source_id", exact("requester_id", "requester id", "customer.id", "primarycustomer.id") + near("requester.id", "contact_id", "customer_id", "user_id")),
                ("requester_email", exact("requester.email", "requester email", "customer.email", "primarycustomer.email") + near("email", "requester", "contact email", "customer email", "from", "from_email")),
                ("requester_name", exact("requester.name", "requester name", "customer.firstname + customer.lastname", "primarycustomer.first + primarycustomer.last") + near("requester", "name", "contact name", "customer name", "contact")),
                ("requester_phone", exact("requester.phone", "requester phone", "customer.phone") + near("phone", "contact phone", "requester.mobile")),
                ("assignee_email", exact("assignee.email", "assignee email", "owner.email", "agent email") + near("agent", "assignee", "responder email")),
                ("group", exact("group", "group name", "mailbox.name") + near("team", "queue", "department")),
                ("organization_source_id", exact("organization_id", "organization id", "company_id", "company id") + near("organization", "company")),
                ("tags", exact("tags") + near("labels", "keywords", "tag")),
                ("custom_fields", exact("custom_fields", "customfields", "fields", "ticket_field_entries")),
                ("messages", exact("threads", "_embedded.threads", "conversations", "comments")),
                ("created_at", exact("created_at", "createdat", "created time", "created at", "created") + near("opened", "date", "creation date")),
                ("updated_at", exact("updated_at", "modifiedat", "userupdatedat", "last update time", "updated at", "updated") + near("last modified", "modified")),
            ]
        case .contacts:
            return [
                ("source_id", exact("id", "user id", "contact id", "customer id") + near("external_id", "unique_external_id")),
                ("name", exact("name", "fullname", "full name", "firstname + lastname", "first + last", "first name + last name") + near("contact name", "display name")),
                ("email", exact("email", "emails", "email address", "primary email") + near("mail", "e-mail", "work email")),
                ("phone", exact("phone", "phones", "phone number", "work phone") + near("mobile", "mobile phone", "telephone", "tel")),
                ("country", exact("country", "address.country", "location") + near("country code", "region")),
                ("organization_source_id", exact("organization_id", "company_id", "organization id", "company id")),
                ("organization_name", exact("organization", "company", "company name", "organization name") + near("account", "employer")),
                ("role", exact("role", "type") + near("user type", "role_type")),
                ("tags", exact("tags") + near("labels", "tag")),
                ("custom_fields", exact("custom_fields", "user_fields", "customfields")),
                ("created_at", exact("created_at", "createdat", "created at", "created time") + near("created", "signed up")),
                ("updated_at", exact("updated_at", "modifiedat", "updated at", "last update time") + near("updated", "modified")),
            ]
        case .organizations:
            return [
                ("source_id", exact("id", "organization id", "company id") + near("external_id")),
                ("name", exact("name", "organization name", "company name", "company", "organization") + near("account", "title")),
                ("domains", exact("domain_names", "domains", "domain") + near("website", "web site")),
                ("notes", exact("notes", "details", "description") + near("note", "about")),
                ("tags", exact("tags") + near("labels")),
                ("custom_fields", exact("custom_fields", "organization_fields")),
                ("created_at", exact("created_at", "created at", "createdat")),
                ("updated_at", exact("updated_at", "updated at", "modifiedat")),
            ]
        case .conversations:
            return [
                ("source_id", exact("id", "conversation id", "comment id")),
                ("ticket_source_id", exact("ticket_id", "ticket id") + near("ticket", "conversation_id")),
                ("body", exact("body_text", "body", "plain_body", "value") + near("html_body", "text", "message")),
                ("private", exact("private") + near("internal", "is_private")),
                ("author_source_id", exact("user_id", "author_id", "author id") + near("from_id")),
                ("author_email", exact("from_email", "author email") + near("email", "from")),
                ("created_at", exact("created_at", "createdat", "created at")),
            ]
        }
    }

    static func normalise(_ name: String) -> String {
        String(name.lowercased().map { $0 == "-" || $0 == " " ? "_" : $0 })
    }

    /// The proposal for a file whose records have these field paths.
    public static func propose(object: ImportObject, source: ImportDetection.Source, paths: [String]) -> ImportMapping {
        var byName: [String: String] = [:] // normalised → the path as written
        for path in paths where byName[normalise(path)] == nil { byName[normalise(path)] = path }
        // An object is listed by its members' paths (`custom_fields.cf_plan`): its own path is a name too.
        for path in paths {
            var prefix = Substring(path)
            while let dot = prefix.lastIndex(of: ".") {
                prefix = prefix[..<dot]
                if byName[normalise(String(prefix))] == nil { byName[normalise(String(prefix))] = String(prefix) }
            }
        }
        var used = Set<String>()
        var entries: [ImportMapping.Entry] = []
        for (field, names) in candidates(object, source: source) {
            var found: ImportMapping.Entry?
            for (name, confidence) in names {
                let parts = name.components(separatedBy: " + ")
                let resolved = parts.compactMap { byName[normalise($0)] }
                if resolved.count == parts.count, resolved.allSatisfy({ !used.contains($0) }) {
                    found = .init(field: field, source: resolved.joined(separator: " + "), confidence: confidence)
                    break
                }
            }
            if found == nil, !names.isEmpty {
                // A name that merely contains the field's key ("Ticket Subject" for subject), but
                // not an id for a field that is not one (`group_id` is no group name).
                let key = field.replacingOccurrences(of: "source_id", with: "id")
                if let path = paths.first(where: {
                    !used.contains($0) && key.count >= 4 && normalise($0).contains(key)
                        && (field.hasSuffix("id") || !normalise($0).hasSuffix("_id"))
                }) {
                    found = .init(field: field, source: path, confidence: 0.5)
                }
            }
            if let found {
                entries.append(found)
                for part in found.source.components(separatedBy: " + ") { used.insert(part) }
            }
        }
        return ImportMapping(object: object, entries: entries)
    }
}
