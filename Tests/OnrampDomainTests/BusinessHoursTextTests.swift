import OnrampDomain
import Testing

@Suite("BusinessHoursText")
struct BusinessHoursTextTests {
    /// Slots as `[start, end]` pairs in minutes.
    static func slots(_ text: String) -> [[Int]]? {
        BusinessHoursText.parse(text)?.map { [$0.start, $0.end] }
    }

    @Test("closed is an empty day", arguments: ["closed", "Closed", "  CLOSED  "])
    func closed(_ text: String) {
        #expect(Self.slots(text) == [])
    }

    @Test("one slot")
    func oneSlot() {
        #expect(Self.slots("09:00-17:00") == [[540, 1020]])
        #expect(Self.slots(" 09:30 - 17:45 ") == [[570, 1065]])
        #expect(Self.slots("00:00-00:01") == [[0, 1]])
    }

    @Test("several slots come back ordered")
    func severalSlots() {
        #expect(Self.slots("09:00-12:00, 13:00-17:00") == [[540, 720], [780, 1020]])
        #expect(Self.slots("13:00-17:00,09:00-12:00") == [[540, 720], [780, 1020]])
        #expect(Self.slots("18:00-20:00, 06:00-08:00, 12:00-13:00") == [[360, 480], [720, 780], [1080, 1200]])
        // Touching slots do not overlap.
        #expect(Self.slots("09:00-12:00,12:00-13:00") == [[540, 720], [720, 780]])
    }

    @Test("overlapping slots are refused")
    func overlaps() {
        #expect(Self.slots("09:00-12:00, 11:00-13:00") == nil)
        #expect(Self.slots("11:00-13:00, 09:00-12:00") == nil)
        #expect(Self.slots("09:00-17:00, 10:00-11:00") == nil)
        #expect(Self.slots("09:00-12:00, 09:00-12:00") == nil)
    }

    @Test("24:00 ends a day; nothing later exists")
    func midnight() {
        #expect(Self.slots("00:00-24:00") == [[0, 1440]])
        #expect(Self.slots("22:00-24:00") == [[1320, 1440]])
        #expect(Self.slots("22:00-24:30") == nil)
        #expect(Self.slots("22:00-25:00") == nil)
        #expect(Self.slots("24:00-24:00") == nil)
    }

    @Test("unreadable text is refused", arguments: [
        "", "   ", ",", "open", "9-5", "9:00-17:00", "09:00-5:00", "0900-1700", "09.00-17.00", "09:00", "09:00-",
        "-17:00", "09:00-17:00-18:00", "09:00–17:00", "17:00-09:00", "09:00-09:00", "09:60-10:00", "ab:cd-ef:gh",
        "09:00:00-17:00:00", "+9:00-17:00", "09:+5-17:00", "09:00-1 :00", "closed, 09:00-12:00",
    ])
    func unreadable(_ text: String) {
        #expect(Self.slots(text) == nil)
    }
}
