import Foundation

/// What to do with a record that already exists (same source id, or same email/phone/domain).
public enum DuplicatePolicy: String, Sendable, Codable, CaseIterable {
    /// Leave the existing record as it is.
    case skip
    /// Overwrite it with the file's values when they changed (a re-run is a delta import).
    case update
    /// Keep its values, fill in only what it lacks, and add the file's tags.
    case merge
}

/// The choices a person makes for one import.
public struct ImportOptions: Sendable, Equatable, Codable {
    public var policy: DuplicatePolicy
    /// ISO 3166 country of phone numbers written without an international prefix.
    public var defaultCountry: String?
    /// IANA zone of timestamps written without an offset (UTC when nil).
    public var timeZone: String?

    public init(policy: DuplicatePolicy = .update, defaultCountry: String? = nil, timeZone: String? = nil) {
        self.policy = policy
        self.defaultCountry = defaultCountry
        self.timeZone = timeZone
    }

    public func problems() -> [FieldError] {
        var errors: [FieldError] = []
        if let country = defaultCountry, !PhoneNumber.isKnownCountry(country) {
            errors.append(FieldError(field: "default_country", message: "“\(country)” is not an ISO 3166 country code such as DE or US.", code: "invalid"))
        }
        if let zone = timeZone, TimeZone(identifier: zone) == nil {
            errors.append(FieldError(field: "time_zone", message: "“\(zone)” is not a time zone such as Europe/Berlin.", code: "invalid"))
        }
        return errors
    }
}

public struct ImportedContact: Sendable, Equatable {
    public var sourceID: String?
    public var name: String?
    public var email: String?
    public var phone: String?
    public var organizationSourceID: String?
    public var organizationName: String?
    /// An agent or admin of the old helpdesk: recorded as an invitation, never sent by the import.
    public var isAgent = false
    public var role: String?
    public var tags: [String] = []
    public var customFields: [String: String] = [:]
    public var createdAt: Date?
    public var updatedAt: Date?
}

public struct ImportedOrganization: Sendable, Equatable {
    public var sourceID: String?
    public var name: String
    public var domains: [String] = []
    public var notes: String?
    public var tags: [String] = []
    public var customFields: [String: String] = [:]
    public var createdAt: Date?
    public var updatedAt: Date?
}

public struct ImportedMessage: Sendable, Equatable {
    public var sourceID: String?
    public var ticketSourceID: String?
    public var body: String
    public var isPublic: Bool
    public var fromCustomer: Bool
    public var authorSourceID: String?
    public var authorEmail: String?
    public var createdAt: Date?
}

public struct ImportedTicket: Sendable, Equatable {
    public var sourceID: String
    public var subject: String
    public var description: String?
    public var status: String
    public var priority: String
    public var channel: String
    public var type: String?
    public var requester: ImportedContact?
    public var assigneeEmail: String?
    public var group: String?
    public var organizationSourceID: String?
    public var tags: [String] = []
    public var customFields: [String: String] = [:]
    public var messages: [ImportedMessage] = []
    public var createdAt: Date?
    public var updatedAt: Date?
}

public enum ImportedRecord: Sendable, Equatable {
    case ticket(ImportedTicket)
    case contact(ImportedContact)
    case organization(ImportedOrganization)
    case message(ImportedMessage)
}

/// A record after mapping and validation: what to write, or why not.
public struct MappedRecord: Sendable, Equatable {
    public var number: Int
    public var line: Int?
    public var record: ImportedRecord?
    /// Why the record is rejected (empty when it is not).
    public var reasons: [String]
    /// Changes whenever a mapped value changes: a delta import skips records whose
    /// fingerprint is what it stored last time.
    public var fingerprint: String

    public var isRejected: Bool { record == nil }
}

/// Maps a record onto Onramp's fields and validates every value. Pure and cheap, so a
/// million rows go through it in seconds; a bad row is rejected with its reasons and never
/// stops the import.
public struct ImportRowMapper: Sendable {
    public let mapping: ImportMapping
    public let source: ImportDetection.Source
    public let options: ImportOptions
    private let zone: TimeZone?
    private let fields: [String: ImportField]
    /// Each mapped field's source paths (parsed once, not per record).
    private let sources: [String: [String]]

    public init(mapping: ImportMapping, source: ImportDetection.Source, options: ImportOptions) {
        self.mapping = mapping
        self.source = source
        self.options = options
        zone = options.timeZone.flatMap(TimeZone.init(identifier:))
        fields = Dictionary(uniqueKeysWithValues: ImportField.fields(of: mapping.object).map { ($0.key, $0) })
        sources = Dictionary(mapping.entries.map { ($0.field, ImportMapping.parts($0.source)) }, uniquingKeysWith: { first, _ in first })
    }

    public func map(_ record: ImportRecord) -> MappedRecord {
        if let problem = record.problem {
            return MappedRecord(number: record.number, line: record.line, record: nil, reasons: [problem], fingerprint: "")
        }
        var row = Row(mapper: self, value: record.value)
        let mapped: ImportedRecord?
        switch mapping.object {
        case .tickets: mapped = row.ticket()
        case .contacts: mapped = row.contact()
        case .organizations: mapped = row.organization()
        case .conversations: mapped = row.message()
        }
        if let mapped, row.reasons.isEmpty {
            return MappedRecord(number: record.number, line: record.line, record: mapped, reasons: [],
                                fingerprint: Fingerprint.of(mapped))
        }
        return MappedRecord(number: record.number, line: record.line, record: nil, reasons: row.reasons, fingerprint: "")
    }

    /// Reads one record's values, collecting every reason to reject it.
    struct Row {
        let mapper: ImportRowMapper
        let value: ImportValue
        var reasons: [String] = []

        init(mapper: ImportRowMapper, value: ImportValue) {
            self.mapper = mapper
            self.value = value
        }

        func raw(_ key: String) -> ImportValue? {
            guard let parts = mapper.sources[key], !parts.isEmpty else { return nil }
            if parts.count == 1 { return value.value(at: parts[0]) }
            let joined = parts.compactMap { value.value(at: $0)?.scalarText?.trimmingWhitespace() }.filter { !$0.isEmpty }
            return joined.isEmpty ? nil : .text(joined.joined(separator: " "))
        }

        /// The trimmed text of a field (the first element of a list, the `value` of an object),
        /// or nil when absent or empty.
        func text(_ key: String) -> String? {
            guard let raw = raw(key) else { return nil }
            return Self.firstText(raw)
        }

        static func firstText(_ raw: ImportValue) -> String? {
            switch raw {
            case .array(let items): return items.lazy.compactMap(firstText).first
            case .object: return (raw["value"] ?? raw["email"] ?? raw["name"]).flatMap(firstText)
            default:
                guard let text = raw.scalarText else { return nil }
                let trimmed = text.trimmingWhitespace()
                return trimmed.isEmpty ? nil : trimmed
            }
        }

        mutating func bounded(_ key: String, _ text: String?) -> String? {
            guard let text, let field = mapper.fields[key] else { return text }
            if text.utf8.count > field.maxLength, text.count > field.maxLength {
                reasons.append("\(field.label) is longer than \(field.maxLength) characters (\(text.count)).")
                return nil
            }
            return text
        }

        mutating func required(_ key: String) -> String? {
            let found = bounded(key, text(key))
            if found == nil, let field = mapper.fields[key], !reasons.contains(where: { $0.hasPrefix(field.label) }) {
                reasons.append("\(field.label) is missing.")
            }
            return found
        }

        mutating func optional(_ key: String) -> String? { bounded(key, text(key)) }

        mutating func email(_ key: String) -> String? {
            guard var text = text(key) else { return nil }
            // "Support <support@example.com>" as mail headers write it.
            if let open = text.lastIndex(of: "<"), let close = text.lastIndex(of: ">"), open < close {
                text = String(text[text.index(after: open)..<close])
            }
            guard let address = EmailAddress(text) else {
                reasons.append("\(mapper.fields[key]?.label ?? key) “\(Self.clip(text))” is not an email address.")
                return nil
            }
            return address.value
        }

        mutating func phone(_ key: String, country: String?) -> String? {
            guard let text = text(key) else { return nil }
            switch PhoneNumber.e164(text, country: country ?? mapper.options.defaultCountry) {
            case .success(let number): return number
            case .failure(.noCountry):
                // Normalised where the country is known; otherwise kept as written.
                return text
            case .failure(let failure):
                reasons.append("\(mapper.fields[key]?.label ?? key): \(failure.description)")
                return nil
            }
        }

        mutating func date(_ key: String) -> Date? {
            guard let text = text(key) else { return nil }
            guard let date = ImportDate.parse(text, timeZone: mapper.zone) else {
                reasons.append("\(mapper.fields[key]?.label ?? key) “\(Self.clip(text))” is not a date and time this import can read.")
                return nil
            }
            return date
        }

        mutating func mapped(_ key: String, default fallback: String?, _ map: (String, ImportDetection.Source) -> String?) -> String? {
            guard let text = text(key) else { return fallback }
            guard let value = map(text, mapper.source) else {
                reasons.append("\(mapper.fields[key]?.label ?? key) “\(Self.clip(text))” is not a known \(key) of \(mapper.source.rawValue) exports.")
                return nil
            }
            return value
        }

        func tags(_ key: String) -> [String] {
            guard let raw = raw(key) else { return [] }
            var result: [String] = []
            func add(_ text: String) {
                let tag = text.trimmingWhitespace().lowercased()
                if !tag.isEmpty, tag.count <= 50, !result.contains(tag), result.count < 100 { result.append(tag) }
            }
            switch raw {
            case .array(let items):
                for item in items {
                    if case .object = item { (item["tag"] ?? item["name"] ?? item["value"])?.scalarText.map(add) } else { item.scalarText.map(add) }
                }
            default:
                guard let text = raw.scalarText else { return [] }
                let separators: Set<Character> = text.contains(",") ? [","] : text.contains(";") ? [";"] : [" ", "\t", "\n"]
                for part in text.split(whereSeparator: { separators.contains($0) }) { add(String(part)) }
            }
            return result
        }

        func customFields() -> [String: String] {
            var result: [String: String] = [:]
            func put(_ name: String?, _ value: ImportValue?) {
                guard let name = name?.trimmingWhitespace(), !name.isEmpty, name.count <= 100, let value else { return }
                let text: String? = switch value {
                case .array, .object: value.json
                default: value.scalarText
                }
                if let text, !text.isEmpty, text.utf8.count <= 10_000 { result[name] = text }
            }
            switch raw("custom_fields") {
            case .object(let members)?:
                for (name, member) in members { put(name, member) }
            case .array(let items)?:
                for item in items {
                    put((item["name"] ?? item["title"] ?? item["fieldId"] ?? item["id"] ?? item["ticket_field_id"])?.scalarText, item["value"])
                }
            default: break
            }
            for (name, path) in mapper.mapping.customColumns { put(name, value.value(at: path)) }
            return result
        }

        static func flag(_ value: ImportValue?) -> Bool? {
            switch value {
            case .bool(let flag)?: return flag
            case let value?:
                switch value.scalarText?.trimmingWhitespace().lowercased() {
                case "true", "yes", "1", "y", "x": return true
                case "false", "no", "0", "n", "": return false
                default: return nil
                }
            case nil: return nil
            }
        }

        static func clip(_ text: String) -> String { text.count > 60 ? String(text.prefix(57)) + "…" : text }

        // MARK: Objects

        mutating func ticket() -> ImportedRecord? {
            let sourceID = required("source_id")
            let subject = required("subject")
            let description = optional("description").map(HTMLText.plain)
            let status = mapped("status", default: "open", ExportMappings.status)
            let priority = mapped("priority", default: "normal", ExportMappings.priority)
            let channel = text("channel").map { ExportMappings.channel($0, from: mapper.source) ?? "other" } ?? "other"
            var requester = ImportedContact()
            requester.sourceID = optional("requester_source_id")
            requester.email = email("requester_email")
            requester.name = optional("requester_name")
            // A requester's phone that cannot be read does not cost the ticket: it is kept as written.
            let reasonsBefore = reasons.count
            requester.phone = phone("requester_phone", country: nil)
            var keptAside: [String: String] = [:]
            if reasons.count > reasonsBefore, let raw = text("requester_phone") {
                reasons.removeLast(reasons.count - reasonsBefore)
                keptAside["requester_phone"] = raw
            }
            let hasRequester = requester.sourceID != nil || requester.email != nil || requester.phone != nil
            // A requester known only by name cannot be matched to a contact: the name stays on the ticket.
            if !hasRequester, let name = requester.name { keptAside["requester"] = name }
            let messages = messages()
            let createdAt = date("created_at")
            let updatedAt = date("updated_at")
            // Exports often name the assignee instead of giving an email: that is kept as a custom
            // field ("assignee"), never dropped, and the ticket is not rejected for it.
            var fields = customFields().merging(keptAside) { existing, _ in existing }
            var assignee: String?
            if let text = optional("assignee_email") {
                if let address = EmailAddress(text) { assignee = address.value } else { fields["assignee"] = text }
            }
            guard let sourceID, let subject, let status, let priority, reasons.isEmpty else { return nil }
            return .ticket(ImportedTicket(
                sourceID: sourceID, subject: subject, description: description, status: status, priority: priority, channel: channel,
                type: optional("type"), requester: hasRequester ? requester : nil, assigneeEmail: assignee,
                group: optional("group"), organizationSourceID: optional("organization_source_id"), tags: tags("tags"),
                customFields: fields, messages: messages, createdAt: createdAt, updatedAt: updatedAt ?? createdAt))
        }

        mutating func messages() -> [ImportedMessage] {
            guard case .array(let items)? = raw("messages") else { return [] }
            var result: [ImportedMessage] = []
            for item in items.prefix(10_000) {
                guard case .object = item else { continue }
                let kind = item["type"]?.scalarText?.lowercased()
                if kind == "lineitem" { continue } // Help Scout's system lines ("assigned to …") are no messages
                guard let rawBody = (item["body_text"] ?? item["plain_body"] ?? item["body"] ?? item["value"] ?? item["html_body"]).flatMap(Self.firstText)
                else { continue }
                let isPrivate = Self.flag(item["private"]) ?? (Self.flag(item["public"] ?? item["is_public"]).map { !$0 }) ?? (kind == "note")
                let incoming = Self.flag(item["incoming"]) ?? (Self.flag(item["createdByCustomer"]) ?? (kind == "customer"))
                let author = item["createdBy"] ?? item["author"]
                var createdAt: Date?
                if let text = (item["created_at"] ?? item["createdAt"]).flatMap(Self.firstText) {
                    createdAt = ImportDate.parse(text, timeZone: mapper.zone)
                    if createdAt == nil { reasons.append("Message \(result.count + 1): “\(Self.clip(text))” is not a date and time this import can read.") }
                }
                result.append(ImportedMessage(
                    sourceID: item["id"]?.scalarText, ticketSourceID: nil, body: String(HTMLText.plain(rawBody).prefix(1_000_000)),
                    isPublic: !isPrivate, fromCustomer: incoming,
                    authorSourceID: (item["user_id"] ?? item["author_id"] ?? author?["id"])?.scalarText,
                    authorEmail: (author?["email"]).flatMap(Self.firstText).flatMap { EmailAddress($0)?.value }, createdAt: createdAt))
            }
            return result
        }

        mutating func contact() -> ImportedRecord? {
            var contact = ImportedContact()
            contact.sourceID = optional("source_id")
            contact.name = optional("name")
            contact.email = email("email")
            let country = text("country").flatMap { PhoneNumber.isKnownCountry($0) ? $0.uppercased() : nil }
            contact.phone = phone("phone", country: country)
            contact.organizationSourceID = optional("organization_source_id")
            contact.organizationName = optional("organization_name")
            contact.role = optional("role")?.lowercased()
            contact.isAgent = ["agent", "admin", "administrator", "owner", "supervisor", "light agent"].contains(contact.role ?? "")
            contact.tags = tags("tags")
            contact.customFields = customFields()
            contact.createdAt = date("created_at")
            contact.updatedAt = date("updated_at") ?? contact.createdAt
            if contact.sourceID == nil && contact.email == nil && contact.phone == nil && reasons.isEmpty {
                reasons.append("The contact has no id, email or phone: nothing identifies it.")
            }
            if contact.isAgent && contact.email == nil && reasons.isEmpty {
                reasons.append("An agent needs an email address to be invited.")
            }
            return reasons.isEmpty ? .contact(contact) : nil
        }

        mutating func organization() -> ImportedRecord? {
            let name = required("name")
            var domains: [String] = []
            for domain in tags("domains") {
                let host = domain.replacingOccurrences(of: "https://", with: "").replacingOccurrences(of: "http://", with: "")
                    .split(separator: "/").first.map(String.init) ?? domain
                let clean = host.hasPrefix("www.") ? String(host.dropFirst(4)) : host
                if clean.contains("."), clean.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "." || $0 == "-" }) {
                    if !domains.contains(clean) { domains.append(clean) }
                } else {
                    reasons.append("“\(Self.clip(domain))” is not a domain name.")
                }
            }
            let notes = optional("notes")
            let createdAt = date("created_at")
            let updatedAt = date("updated_at")
            guard let name, reasons.isEmpty else { return nil }
            return .organization(ImportedOrganization(
                sourceID: optional("source_id"), name: name, domains: domains, notes: notes, tags: tags("tags"),
                customFields: customFields(), createdAt: createdAt, updatedAt: updatedAt ?? createdAt))
        }

        mutating func message() -> ImportedRecord? {
            let sourceID = required("source_id")
            let ticketID = required("ticket_source_id")
            let body = required("body").map(HTMLText.plain)
            let isPrivate = raw("private").map { Self.flag($0) ?? false } ?? false
            let createdAt = date("created_at")
            guard let sourceID, let ticketID, let body, reasons.isEmpty else { return nil }
            return .message(ImportedMessage(
                sourceID: sourceID, ticketSourceID: ticketID, body: body, isPublic: !isPrivate,
                fromCustomer: Self.flag(value["incoming"]) ?? false, authorSourceID: optional("author_source_id"),
                authorEmail: email("author_email"), createdAt: createdAt))
        }
    }
}

/// Plain text from the HTML bodies some exports carry: tags dropped, block ends as line
/// breaks, the common entities decoded. Text that is not HTML comes back unchanged.
public enum HTMLText {
    public static func plain(_ text: String) -> String {
        guard text.utf8.contains(UInt8(ascii: "<")), text.range(of: #"</?[A-Za-z][A-Za-z0-9]*(\s[^<>]*)?/?>"#, options: .regularExpression) != nil else { return text }
        var out = ""
        var tag = ""
        var inTag = false
        for character in text {
            if inTag {
                if character == ">" {
                    inTag = false
                    let name = tag.lowercased().drop { $0 == "/" }.prefix { $0.isLetter || $0.isNumber }
                    if ["br", "p", "div", "li", "tr", "h1", "h2", "h3", "blockquote"].contains(String(name)), !out.hasSuffix("\n"), !out.isEmpty {
                        out.append("\n")
                    }
                    tag = ""
                } else if tag.count < 32 {
                    tag.append(character)
                }
            } else if character == "<" {
                inTag = true
            } else {
                out.append(character)
            }
        }
        for (entity, value) in [("&nbsp;", " "), ("&lt;", "<"), ("&gt;", ">"), ("&quot;", "\""), ("&#39;", "'"), ("&amp;", "&")] {
            out = out.replacingOccurrences(of: entity, with: value)
        }
        return out.trimmingWhitespace()
    }
}

/// A stable 64-bit FNV-1a digest of a mapped record's values.
enum Fingerprint {
    static func of(_ record: ImportedRecord) -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        func add(_ text: String?) {
            for byte in (text ?? "\u{0}").utf8 { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3 }
            hash = (hash ^ 0x1F) &* 0x100_0000_01b3
        }
        func add(_ date: Date?) { add(date.map { String(Int64($0.timeIntervalSince1970 * 1000)) }) }
        func add(_ fields: [String: String]) { for key in fields.keys.sorted() { add(key); add(fields[key]) } }
        func add(contact: ImportedContact?) {
            guard let contact else { add(nil as String?); return }
            for value in [contact.sourceID, contact.name, contact.email, contact.phone, contact.organizationSourceID,
                          contact.organizationName, contact.role] { add(value) }
            add(contact.tags.joined(separator: ","))
            add(contact.customFields)
            add(contact.createdAt)
            add(contact.updatedAt)
        }
        switch record {
        case .ticket(let ticket):
            add("t")
            for value in [ticket.sourceID, ticket.subject, ticket.description, ticket.status, ticket.priority, ticket.channel,
                          ticket.type, ticket.assigneeEmail, ticket.group, ticket.organizationSourceID] { add(value) }
            add(ticket.tags.joined(separator: ","))
            add(ticket.customFields)
            add(contact: ticket.requester)
            for message in ticket.messages {
                add(message.sourceID); add(message.body); add(message.isPublic ? "1" : "0"); add(message.fromCustomer ? "1" : "0")
                add(message.authorSourceID); add(message.authorEmail); add(message.createdAt)
            }
            add(ticket.createdAt)
            add(ticket.updatedAt)
        case .contact(let contact):
            add("c")
            add(contact: contact)
        case .organization(let organization):
            add("o")
            for value in [organization.sourceID, organization.name, organization.notes] { add(value) }
            add(organization.domains.joined(separator: ","))
            add(organization.tags.joined(separator: ","))
            add(organization.customFields)
            add(organization.createdAt)
            add(organization.updatedAt)
        case .message(let message):
            add("m")
            for value in [message.sourceID, message.ticketSourceID, message.body, message.authorSourceID, message.authorEmail] { add(value) }
            add(message.isPublic ? "1" : "0")
            add(message.fromCustomer ? "1" : "0")
            add(message.createdAt)
        }
        return String(hash, radix: 16)
    }
}
