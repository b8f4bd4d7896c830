import Foundation

/// Practice tickets for a training sandbox (TEAM-3): believable requests in the desk's own
/// categories, with a mix of priorities and channels, from requesters at `practice.invalid`
/// (a domain that can never receive mail). The same seed gives the same tickets.
public enum PracticeTickets {
    public struct Draft: Sendable, Equatable {
        public let subject: String
        public let body: String
        public let priority: TicketPriority
        public let channel: String
        public let requesterName: String
        public let requesterEmail: String
        public let category: String
    }

    static let situations: [(subject: String, body: String, priority: TicketPriority)] = [
        ("Question about %@", "Hello, I have a question about %@. Could you explain how it works for my account?", .normal),
        ("Urgent: problem with %@", "Hi, something is wrong with %@ and I need it fixed today. Please call me back as soon as possible.", .urgent),
        ("%@ – still waiting", "I wrote last week about %@ and have not heard back yet. Can someone look at this?", .high),
        ("Thank you (%@)", "Just wanted to say thanks for the quick help with %@ yesterday.", .low),
        ("Complaint regarding %@", "I am not happy with how %@ was handled. I would like to speak to a supervisor.", .high),
        ("Can't find information on %@", "Where can I find more information about %@? The website does not say.", .normal),
        ("Invoice mentions %@", "My invoice lists a charge for %@ that I do not recognise. Please check.", .normal),
        ("Change request: %@", "Could you change the details of %@ for me? The new details are in the attachment I will send.", .low),
    ]

    static let names = ["Ada Park", "Bruno Silva", "Chen Wei", "Dara Okafor", "Elif Yilmaz", "Finn Murphy", "Greta Lund", "Hugo Moreau",
                        "Ines Duarte", "Jonas Weber", "Kaia Nilsen", "Luca Romano"]
    /// Channels a ticket may have (`TicketDraft.channels`).
    static let channels = ["email", "chat", "whatsapp", "portal", "instagram", "phone"]

    public static func make(count: Int, categories: [String], seed: UInt64 = 1) -> [Draft] {
        let topics = categories.isEmpty ? ["your order", "your account", "billing"] : categories
        var state = seed == 0 ? 0x9E37_79B9_7F4A_7C15 : seed
        func next() -> Int {
            // SplitMix64: small, fast and the same everywhere.
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return Int(truncatingIfNeeded: (z ^ (z >> 31)) >> 1)
        }
        return (0..<max(0, min(count, 500))).map { index in
            let situation = situations[next() % situations.count]
            let topic = topics[next() % topics.count]
            let name = names[index % names.count]
            let local = name.lowercased().replacingOccurrences(of: " ", with: ".")
            return Draft(subject: situation.subject.replacingOccurrences(of: "%@", with: topic),
                         body: situation.body.replacingOccurrences(of: "%@", with: topic.lowercased()),
                         priority: situation.priority, channel: channels[next() % channels.count], requesterName: name,
                         requesterEmail: "\(local)+\(index + 1)@practice.invalid", category: topic)
        }
    }
}
