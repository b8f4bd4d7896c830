import Foundation

/// UUIDs of version 7 (RFC 9562): a 48-bit Unix time in milliseconds, then random bits.
/// Append-only tables (audit and activity events) use them as primary keys, so new rows land
/// at the end of the key index instead of on a random page: far fewer pages written per commit.
public enum TimeOrderedID {
    /// A version 7 UUID for `date`; within one millisecond the order is random.
    public static func make(at date: Date = Date(), using generator: inout some RandomNumberGenerator) -> UUID {
        let milliseconds = UInt64(max(0, date.timeIntervalSince1970 * 1000))
        var bytes = [UInt8](repeating: 0, count: 16)
        for index in 0..<6 { bytes[index] = UInt8(truncatingIfNeeded: milliseconds >> (8 * (5 - index))) }
        for index in 6..<16 { bytes[index] = UInt8.random(in: 0...255, using: &generator) }
        bytes[6] = 0x70 | (bytes[6] & 0x0F) // version 7
        bytes[8] = 0x80 | (bytes[8] & 0x3F) // RFC 9562 variant
        return UUID(uuid: (bytes[0], bytes[1], bytes[2], bytes[3], bytes[4], bytes[5], bytes[6], bytes[7],
                           bytes[8], bytes[9], bytes[10], bytes[11], bytes[12], bytes[13], bytes[14], bytes[15]))
    }

    public static func make(at date: Date = Date()) -> UUID {
        var generator = SystemRandomNumberGenerator()
        return make(at: date, using: &generator)
    }
}
