/// Opening hours of one day as people write them: `09:00-12:00, 13:00-17:00` or `closed`.
public enum BusinessHoursText {
    /// A slot in minutes after midnight, start < end.
    public struct Slot: Sendable, Equatable {
        public let start: Int
        public let end: Int
    }

    /// The day's slots, ordered and not overlapping; nil when the text cannot be read.
    public static func parse(_ text: String) -> [Slot]? {
        let trimmed = text.trimmingWhitespace().lowercased()
        if trimmed == "closed" { return [] }
        var slots: [Slot] = []
        for part in trimmed.split(separator: ",") {
            let bounds = part.split(separator: "-", omittingEmptySubsequences: false)
            guard bounds.count == 2, let start = minutes(String(bounds[0])), let end = minutes(String(bounds[1])),
                  start < end else { return nil }
            slots.append(Slot(start: start, end: end))
        }
        slots.sort { $0.start < $1.start }
        for (previous, next) in zip(slots, slots.dropFirst()) where next.start < previous.end { return nil }
        return slots.isEmpty ? nil : slots
    }

    /// `HH:MM` (00:00 … 24:00) as minutes after midnight.
    static func minutes(_ text: String) -> Int? {
        let parts = text.trimmingWhitespace().split(separator: ":")
        guard parts.count == 2, parts[0].count == 2, parts[1].count == 2,
              parts.allSatisfy({ $0.allSatisfy { $0.isASCII && $0.isNumber } }),
              let hours = Int(parts[0]), let minutes = Int(parts[1]),
              (0...24).contains(hours), (0...59).contains(minutes), hours < 24 || minutes == 0
        else { return nil }
        return hours * 60 + minutes
    }
}
