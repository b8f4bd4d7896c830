import Foundation

/// What an uploaded file is, told from its first bytes: its format, the helpdesk it came from,
/// which objects it holds, its text encoding, and for CSV its header. Files that are not a
/// supported export (archives, PDFs, XML with a DOCTYPE, empty files) are refused with a
/// reason a person understands.
public struct ImportDetection: Sendable, Equatable {
    public enum Format: String, Sendable, CaseIterable { case csv, jsonArray = "json", jsonLines = "jsonl", xml }
    public enum Source: String, Sendable, CaseIterable { case zendesk, freshdesk, helpscout, generic }
    public enum Object: String, Sendable, CaseIterable { case tickets, contacts, organizations, conversations, unknown }

    public var format: Format
    public var source: Source
    public var object: Object
    public var encoding: TextEncoding
    /// CSV: the header's column names; JSON/XML: the keys seen in the sample.
    public var fields: [String]
    public var delimiter: UInt8?
}

public enum ImportSniffer {
    public struct Refusal: Error, Sendable, Equatable, CustomStringConvertible {
        public let description: String
    }

    /// Looks at up to the first 64 KB of a file.
    public static func sniff(_ sample: [UInt8]) throws -> ImportDetection {
        let bytes = Array(sample.prefix(65_536))
        if let refusal = binaryRefusal(bytes) { throw Refusal(description: refusal) }
        let encoding: TextEncoding
        do { encoding = try TextEncoding.detect(bytes) } catch let failure as CSVReader.Failure {
            throw Refusal(description: failure.description)
        }
        var body = bytes
        if body.starts(with: [0xEF, 0xBB, 0xBF]) { body.removeFirst(3) }
        guard let first = body.firstIndex(where: { !($0 == 0x20 || $0 == 0x09 || $0 == 0x0A || $0 == 0x0D) }) else {
            throw Refusal(description: "The file is empty.")
        }
        let text = encoding.decode(Array(body[first...])) ?? ""
        let detection = try detect(body[first], text: text, body: body, encoding: encoding)
        if detection.format != .csv && detection.fields.isEmpty {
            throw Refusal(description: "The file holds no records: it is \(detection.format == .xml ? "XML" : "JSON") without any fields.")
        }
        return detection
    }

    static func detect(_ first: UInt8, text: String, body: [UInt8], encoding: TextEncoding) throws -> ImportDetection {
        switch first {
        case UInt8(ascii: "["):
            return classify(.jsonArray, keys: jsonKeys(text), encoding: encoding)
        case UInt8(ascii: "{"):
            let lines = text.split(whereSeparator: \.isNewline).prefix(3)
            let isLines = lines.count > 1 && lines.allSatisfy { $0.first == "{" }
                && (try? JSONSerialization.jsonObject(with: Data(lines[0].utf8))) != nil
            return classify(isLines ? .jsonLines : .jsonArray, keys: jsonKeys(text), encoding: encoding)
        case UInt8(ascii: "<"):
            let lower = text.lowercased()
            if lower.contains("<!doctype") || lower.contains("<!entity") {
                throw Refusal(description: "XML with a DOCTYPE or entity declarations is refused: external entities and entity expansion are not allowed. Export the file again without them.")
            }
            return classify(.xml, keys: xmlElements(text), encoding: encoding)
        default:
            var reader = CSVReader(options: .init(encoding: encoding))
            var records = reader.feed(body)
            if records.isEmpty { records = (try? reader.finish()) ?? [] }
            guard let header = records.first, header.problem == nil, !header.fields.isEmpty else {
                throw Refusal(description: "The file is not CSV, JSON or XML text that can be read.")
            }
            // A whole file smaller than the sample with nothing under its header holds no records.
            if records.count < 2 && body.count < 65_000 {
                throw Refusal(description: "The file holds no records: only a header line (\(header.fields.prefix(5).joined(separator: ", "))).")
            }
            let names = header.fields.map { $0.trimmingCharacters(in: .whitespaces) }
            var detection = classify(.csv, keys: Set(names.map { $0.lowercased() }), encoding: encoding)
            detection.fields = names
            detection.delimiter = reader.delimiter
            return detection
        }
    }

    static func binaryRefusal(_ bytes: [UInt8]) -> String? {
        if bytes.isEmpty { return "The file is empty." }
        if bytes.starts(with: [0x50, 0x4B, 0x03, 0x04]) { return "The file is a ZIP archive, not CSV, JSON or XML; unpack it and upload the export inside." }
        if bytes.starts(with: [0x1F, 0x8B]) { return "The file is gzip-compressed; unpack it and upload the export inside." }
        if bytes.starts(with: Array("%PDF".utf8)) { return "The file is a PDF document, not a data export." }
        if bytes.starts(with: [0xD0, 0xCF, 0x11, 0xE0]) { return "The file is an old Excel (.xls) workbook; save it as CSV (UTF-8) first." }
        return nil
    }

    /// Keys seen in JSON text: every `"name":`.
    static func jsonKeys(_ text: String) -> Set<String> {
        var keys = Set<String>()
        let scalars = Array(text.unicodeScalars.prefix(65_536))
        var index = 0
        while index < scalars.count {
            guard scalars[index] == "\"" else { index += 1; continue }
            var end = index + 1
            var escaped = false
            while end < scalars.count, escaped || scalars[end] != "\"" {
                escaped = !escaped && scalars[end] == "\\"
                end += 1
            }
            var after = end + 1
            while after < scalars.count, scalars[after] == " " || scalars[after] == "\t" || scalars[after] == "\n" || scalars[after] == "\r" { after += 1 }
            if after < scalars.count, scalars[after] == ":", end - index - 1 <= 64 {
                keys.insert(String(String.UnicodeScalarView(scalars[(index + 1)..<min(end, scalars.count)])).lowercased())
            }
            index = end + 1
        }
        return keys
    }

    /// Element names seen in XML text.
    static func xmlElements(_ text: String) -> Set<String> {
        var names = Set<String>()
        var rest = Substring(text)
        while let open = rest.firstIndex(of: "<") {
            let tail = rest[rest.index(after: open)...]
            let name = tail.prefix { $0.isLetter || $0.isNumber || $0 == "_" || $0 == "-" }
            if !name.isEmpty { names.insert(name.lowercased().replacingOccurrences(of: "-", with: "_")) }
            rest = tail
        }
        return names
    }

    /// Decides source and object from the keys (or CSV column names, lower-cased).
    static func classify(_ format: ImportDetection.Format, keys: Set<String>, encoding: TextEncoding) -> ImportDetection {
        func any(_ names: [String]) -> Bool { names.contains { keys.contains($0) } }
        let source: ImportDetection.Source
        // Help Scout first: its camelCase keys are unmistakable, and its threads carry a `via` too.
        if any(["mailboxid", "folderid", "threadcount", "primarycustomer", "phototype", "customerwaitingsince", "isdraft"]) {
            source = .helpscout
        } else if any(["fr_escalated", "fwd_emails", "description_text", "responder_id", "unique_external_id", "twitter_id",
                       "support_email", "email_failure_count", "thread_message_id", "automation_type_id",
                       "ticket id", "due by time", "resolved time", "initial response time"]) {
            source = .freshdesk
        } else if any(["raw_subject", "generated_timestamp", "via", "ticket_form_id", "requester id", "assignee id"]) {
            source = .zendesk
        } else {
            source = .generic
        }
        let object: ImportDetection.Object
        if any(["tickets", "subject", "raw_subject", "ticket id", "threads", "mailboxid"]) {
            object = .tickets
        } else if any(["body_text", "incoming", "plain_body", "comments"]) && any(["body", "body_text", "plain_body", "html_body"]) {
            object = .conversations
        } else if any(["organizations", "companies", "domain_names", "domains"]) && !any(["email"]) {
            object = .organizations
        } else if any(["users", "contacts", "customers", "email", "emails", "phone", "firstname"]) {
            object = .contacts
        } else {
            object = .unknown
        }
        return ImportDetection(format: format, source: source, object: object, encoding: encoding,
                               fields: keys.sorted(), delimiter: nil)
    }
}
