import Foundation
@testable import OnrampDomain
import Testing

@Suite("Time-ordered ids (UUID v7)")
struct TimeOrderedIDTests {
    @Test func theyCarryVersionVariantAndTheMillisecond() {
        let date = Date(timeIntervalSince1970: 1_800_000_000.123)
        let id = TimeOrderedID.make(at: date)
        let bytes = withUnsafeBytes(of: id.uuid) { Array($0) }
        #expect(bytes[6] >> 4 == 7)
        #expect(bytes[8] >> 6 == 0b10)
        let milliseconds = bytes[0..<6].reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
        #expect(milliseconds == 1_800_000_000_123)
        #expect(id.uuidString.dropFirst(14).first == "7")
    }

    @Test func laterIdsSortAfterEarlierOnes() {
        var generator = SplitMix64(seed: 7)
        var previous = TimeOrderedID.make(at: Date(timeIntervalSince1970: 1_000), using: &generator)
        for step in 1...200 {
            let next = TimeOrderedID.make(at: Date(timeIntervalSince1970: 1_000 + Double(step) * 0.005), using: &generator)
            let a = withUnsafeBytes(of: previous.uuid) { Array($0) }, b = withUnsafeBytes(of: next.uuid) { Array($0) }
            #expect(a.lexicographicallyPrecedes(b), "bytes order follows time")
            #expect(previous.uuidString < next.uuidString, "text order follows time")
            previous = next
        }
        #expect(TimeOrderedID.make() != TimeOrderedID.make())
    }
}
