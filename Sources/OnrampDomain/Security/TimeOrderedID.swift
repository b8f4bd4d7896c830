import Foundation

/// UUIDs of version 7 (RFC 9562): a 48-bit Unix time in milliseconds, then random bits.
/// Append-only tables (audit and activity events) use them as primary keys, so new rows land
/// at the end of the key index instead of on a random page: far fewer pages written per commit.
public enum TimeOrderedID {
    /// A version 7 UUID for `date`; within one millisecond the order is random.
    public static func make(at date: Date = Date(), using generator: inout some RandomNumberGenerator) -> UUID {
        let milliseconds = UInt64(max(0, date.timeIntervalSince1970 * 1000))
        // Two draws give the 74 random bits (one system call each with the system generator).
        let high = generator.next()
        let low = generator.next()
        func byte(_ value: UInt64, _ index: Int) -> UInt8 { UInt8(truncatingIfNeeded: value >> (8 * index)) }
        func time(_ index: Int) -> UInt8 { UInt8(truncatingIfNeeded: milliseconds >> (8 * (5 - index))) }
        return UUID(uuid: (time(0), time(1), time(2), time(3), time(4), time(5),
                           0x70 | (byte(high, 0) & 0x0F), byte(high, 1), // version 7
                           0x80 | (byte(high, 2) & 0x3F), byte(high, 3), // RFC 9562 variant
                           byte(high, 4), byte(high, 5), byte(high, 6), byte(high, 7), byte(low, 0), byte(low, 1)))
    }

    public static func make(at date: Date = Date()) -> UUID {
        var generator = SystemRandomNumberGenerator()
        return make(at: date, using: &generator)
    }
}
