/// How other helpdesks' ticket values map onto Onramp's: status new/open/pending/on_hold/
/// resolved/closed, priority low/normal/high/urgent, and the channel a ticket came in on.
/// Values from the exports' documentation (INTEGRATIONS.md §7); numbers are Freshdesk's codes.
/// Nil means the value is unknown: the row is rejected with the reason, never guessed.
public enum ExportMappings {
    public static func status(_ value: String, from source: ImportDetection.Source) -> String? {
        let key = value.trimmingWhitespace().lowercased()
        switch source {
        case .zendesk:
            return ["new": "new", "open": "open", "pending": "pending", "hold": "on_hold", "on-hold": "on_hold",
                    "solved": "resolved", "closed": "closed"][key]
        case .freshdesk:
            return ["2": "open", "3": "pending", "4": "resolved", "5": "closed", "open": "open", "pending": "pending",
                    "resolved": "resolved", "closed": "closed", "waiting on customer": "pending",
                    "waiting on third party": "on_hold"][key]
        case .helpscout:
            return ["active": "open", "pending": "pending", "closed": "closed"][key]
        case .generic:
            return ["new": "new", "open": "open", "pending": "pending", "on_hold": "on_hold", "on hold": "on_hold",
                    "hold": "on_hold", "resolved": "resolved", "solved": "resolved", "closed": "closed"][key]
        }
    }

    public static func priority(_ value: String, from source: ImportDetection.Source) -> String? {
        let key = value.trimmingWhitespace().lowercased()
        if key.isEmpty { return "normal" }
        if source == .freshdesk, let code = ["1": "low", "2": "normal", "3": "high", "4": "urgent"][key] { return code }
        return ["low": "low", "normal": "normal", "medium": "normal", "high": "high", "urgent": "urgent"][key]
    }

    public static func channel(_ value: String, from source: ImportDetection.Source) -> String? {
        let key = value.trimmingWhitespace().lowercased()
        switch source {
        case .freshdesk:
            return ["1": "email", "2": "portal", "3": "phone", "7": "chat", "9": "portal", "10": "email", "15": "chat",
                    "email": "email", "portal": "portal", "phone": "phone", "chat": "chat"][key]
        case .zendesk:
            return ["email": "email", "web": "portal", "web_form": "portal", "api": "api", "voice": "phone", "chat": "chat",
                    "native_messaging": "chat", "whatsapp": "whatsapp", "instagram_dm": "instagram", "twitter": "social",
                    "facebook": "social", "mobile_sdk": "chat", "sms": "sms", "any_channel": "api"][key]
        case .helpscout:
            return ["email": "email", "chat": "chat", "phone": "phone"][key]
        case .generic:
            return ["email": "email", "portal": "portal", "web": "portal", "phone": "phone", "chat": "chat",
                    "whatsapp": "whatsapp", "instagram": "instagram", "api": "api", "sms": "sms"][key]
        }
    }
}
