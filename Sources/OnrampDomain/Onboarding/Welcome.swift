import Foundation

/// What activation turns on, and what a newly activated desk should do next.
public enum Activation {
    /// Features the configuration turns on: `channel.<kind>`, `portal`, `knowledge_base`, `csat`, `ai.classification`.
    public static func features(of session: OnboardingSession) -> [String] {
        let channels = session.record(.channels).config["enabled"]?.arrayValue?.compactMap(\.stringValue) ?? []
        var features = channels.map { "channel.\($0)" }
        if session.record(.portal).state == .completed { features.append("portal") }
        if session.record(.knowledgeBase).state == .completed { features.append("knowledge_base") }
        if session.record(.analytics).config["csat_enabled"]?.boolValue == true { features.append("csat") }
        if session.record(.ai).config["classification_enabled"]?.boolValue == true { features.append("ai.classification") }
        return features.sorted()
    }

    public static func nextSteps(for session: OnboardingSession) -> [String] {
        let features = features(of: session)
        var next = ["Invite the rest of your team and assign their skills.",
                    "Send a test message to each connected channel and answer it."]
        if !features.contains("portal") { next.append("Publish the customer portal so customers can find answers.") }
        if session.record(.dataImport).state != .completed { next.append("Import your tickets and contacts from your previous helpdesk.") }
        return next
    }
}

/// A record created at activation so the new desk does not look empty: clearly marked as a
/// sample, removable in one action.
public struct SampleRecord: Sendable, Equatable {
    public enum Kind: String, Sendable, CaseIterable { case ticket, article }

    public let kind: Kind
    public let title: String
    public let body: String
    /// Short facts shown beside it (channel, priority, requester, category).
    public let details: [String: String]
}

public enum SampleData {
    /// Samples that fit what the tenant configured: tickets on its channels and categories,
    /// articles from its template's FAQ (or a general set).
    public static func make(for session: OnboardingSession) -> [SampleRecord] {
        let template = session.templateID.flatMap { id in IndustryTemplates.all.first { $0.id == id } } ?? IndustryTemplates.general
        let enabled = session.record(.channels).config["enabled"]?.arrayValue?.compactMap(\.stringValue) ?? []
        let channels = enabled.isEmpty ? ["email"] : enabled
        let categories = session.record(.knowledgeBase).config["categories"]?.arrayValue?.compactMap(\.stringValue)
            ?? template.ticketCategories
        let subjects = [
            ("Where is my order?", "Hi, I ordered last week and have not heard anything since. Can you check?", "normal"),
            ("Cannot log in to my account", "The password reset email never arrives. I have checked the spam folder.", "high"),
            ("Question about your opening hours", "Are you open on public holidays?", "low"),
        ]
        var samples = subjects.enumerated().map { index, sample in
            SampleRecord(kind: .ticket, title: sample.0, body: sample.1, details: [
                "channel": channels[index % channels.count], "priority": sample.2,
                "requester": ["Sam Rivera", "Noor Haddad", "Lea Vogel"][index],
                "category": categories.isEmpty ? "General" : categories[index % categories.count],
            ])
        }
        samples += template.faq.prefix(3).map { article in
            SampleRecord(kind: .article, title: article.title, body: article.body, details: ["source": template.name])
        }
        return samples
    }
}

/// The short guided tour of the welcome dashboard. Progress is kept per person on the server,
/// so it resumes on another device and stays dismissed once dismissed.
public enum GuidedTour {
    public struct Stop: Sendable, Equatable {
        public let id: String
        public let title: String
        public let text: String
    }

    public static let stops: [Stop] = [
        Stop(id: "desk", title: "Your desk at a glance",
             text: "This summary shows what you configured: channels, team, response targets and the portal."),
        Stop(id: "samples", title: "Sample data",
             text: "These tickets and articles are samples so you can try things out. Remove them in one click when you are ready."),
        Stop(id: "next-steps", title: "What to do next",
             text: "Work through these steps to go live: invite your team and send a test message on each channel."),
        Stop(id: "help", title: "Help is always here",
             text: "The API reference and each wizard step's help stay available from the footer and the setup pages."),
    ]

    public enum State: String, Sendable, Codable, CaseIterable {
        case notStarted = "not_started"
        case inProgress = "in_progress"
        case completed
        case dismissed
    }

    public struct Progress: Sendable, Equatable {
        public private(set) var state: State
        /// Index into `stops` of the stop being shown.
        public private(set) var stop: Int

        public init(state: State = .notStarted, stop: Int = 0) {
            self.state = state
            self.stop = min(max(stop, 0), GuidedTour.stops.count - 1)
        }

        public enum Action: String, Sendable, CaseIterable { case start, next, back, dismiss, finish, restart }

        /// Applies an action; moving past the last stop completes the tour.
        public mutating func apply(_ action: Action) {
            switch action {
            case .start, .restart:
                state = .inProgress
                stop = 0
            case .next:
                guard state == .inProgress || state == .notStarted else { return }
                if stop + 1 >= GuidedTour.stops.count { state = .completed } else { state = .inProgress; stop += 1 }
            case .back:
                guard state == .inProgress else { return }
                stop = max(stop - 1, 0)
            case .dismiss:
                state = .dismissed
            case .finish:
                state = .completed
            }
        }

        /// Whether the tour should open by itself on the dashboard.
        public var showsAutomatically: Bool { state == .notStarted || state == .inProgress }
    }
}
