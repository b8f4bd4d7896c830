import Foundation

/// A ticket as a person or an integration creates it, validated.
public struct TicketDraft: Sendable, Equatable {
    public var subject: String
    public var body: String
    public var priority: TicketPriority
    public var channel: String
    public var requesterEmail: String?
    public var requesterName: String?
    public var tags: [String]
    public var customFields: [String: String]
    public var team: String?

    public static let channels = ["email", "portal", "phone", "chat", "whatsapp", "instagram", "api", "sms", "social", "other"]
    public static let maxBodyLength = 100_000

    /// Validates raw input; every problem is reported at once.
    public static func validate(subject: String?, body: String?, priority: String?, channel: String?, requesterEmail: String?,
                                requesterName: String?, tags: [String]?, customFields: [String: String]?, team: String?)
        throws(ValidationFailure) -> TicketDraft {
        var errors = FieldErrors()
        let subject = errors.requireText(subject, field: "subject", label: "Subject", maxLength: 500)
        let body = errors.requireText(body, field: "body", label: "The first message", maxLength: maxBodyLength, allowingLineBreaks: true)
        let chosenPriority: TicketPriority? = priority == nil ? .normal : errors.choice(priority, field: "priority", label: "Priority")
        let chosenChannel = channel ?? "api"
        if !channels.contains(chosenChannel) {
            errors.add("channel", "Channel is one of \(channels.joined(separator: ", ")).", code: "invalid_choice")
        }
        var email: String?
        if let raw = requesterEmail {
            if let address = EmailAddress(raw) { email = address.value } else {
                errors.add("requester.email", "“\(raw.prefix(60))” is not an email address.", code: "invalid_format")
            }
        }
        let name = requesterName.flatMap { $0.trimmingWhitespace().isEmpty ? nil : errors.requireText($0, field: "requester.name", label: "Requester name", maxLength: 200) }
        let cleanTags = normalisedTags(tags ?? [], errors: &errors)
        let fields = customFields ?? [:]
        if fields.count > 100 || fields.contains(where: { $0.key.trimmingWhitespace().isEmpty || $0.key.count > 100 || $0.value.count > 10_000 }) {
            errors.add("custom_fields", "Up to 100 custom fields, each with a name of 1 to 100 characters and a value of at most 10,000.", code: "invalid")
        }
        let cleanTeam = team.flatMap { $0.trimmingWhitespace().isEmpty ? nil : errors.requireText($0, field: "team", label: "Team", maxLength: 100) }
        try errors.check()
        return TicketDraft(subject: subject!, body: body!, priority: chosenPriority!, channel: chosenChannel, requesterEmail: email,
                           requesterName: name, tags: cleanTags, customFields: fields, team: cleanTeam)
    }

    /// Tags trimmed, lower-cased and deduplicated; at most 50 of at most 50 characters.
    public static func normalisedTags(_ tags: [String], errors: inout FieldErrors) -> [String] {
        var result: [String] = []
        for raw in tags {
            let tag = raw.trimmingWhitespace().lowercased()
            if tag.isEmpty || tag.count > 50 || tag.contains(where: { $0.isWhitespace || $0.isNewline }) {
                errors.add("tags", "A tag is one word of 1 to 50 characters (“\(raw.prefix(60))” is not).", code: "invalid")
                continue
            }
            if !result.contains(tag) { result.append(tag) }
        }
        if result.count > 50 { errors.add("tags", "A ticket has at most 50 tags.", code: "too_many") }
        return result
    }
}
