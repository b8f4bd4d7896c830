import Foundation
import NIOCore
import OnrampDomain

/// Writes JSON straight into a byte buffer, for the few responses on hot paths where
/// `JSONEncoder` (key conversion, boxing, one allocation per value) costs more than the rest
/// of the request. Output is the same JSON the global encoder produces for the type: snake_case
/// keys, ISO 8601 dates in UTC to the second; tests compare the two for every such type.
struct JSONWriter {
    private(set) var buffer: ByteBuffer
    /// One flag per open object or array: has it got a member yet?
    private var hasMember: [Bool] = []

    init(capacity: Int = 4096) {
        buffer = ByteBufferAllocator().buffer(capacity: capacity)
    }

    mutating func beginObject() { separate(); buffer.writeInteger(UInt8(ascii: "{")); hasMember.append(false) }
    mutating func endObject() { hasMember.removeLast(); buffer.writeInteger(UInt8(ascii: "}")) }
    mutating func beginArray() { separate(); buffer.writeInteger(UInt8(ascii: "[")); hasMember.append(false) }
    mutating func endArray() { hasMember.removeLast(); buffer.writeInteger(UInt8(ascii: "]")) }

    /// Writes `"key":` in the current object; the next value written is the key's.
    mutating func key(_ key: String) {
        separate()
        writeString(key)
        buffer.writeInteger(UInt8(ascii: ":"))
        afterKey = true
    }

    mutating func string(_ value: String) { separate(); writeString(value) }
    mutating func bool(_ value: Bool) { separate(); buffer.writeString(value ? "true" : "false") }
    mutating func null() { separate(); buffer.writeString("null") }
    mutating func integer(_ value: some BinaryInteger) { separate(); buffer.writeString(String(value)) }

    mutating func number(_ value: Double) {
        separate()
        if value.rounded() == value, abs(value) < 1e15 {
            buffer.writeString(String(Int64(value)))
        } else {
            buffer.writeString(value.isFinite ? value.description : "null")
        }
    }

    /// An ISO 8601 UTC timestamp to the second, as `JSONEncoder.DateEncodingStrategy.iso8601` writes it.
    mutating func date(_ value: Date) {
        separate()
        buffer.writeInteger(UInt8(ascii: "\""))
        Self.writeISO8601(value, into: &buffer)
        buffer.writeInteger(UInt8(ascii: "\""))
    }

    mutating func value(_ value: ConfigValue) {
        switch value {
        case .string(let string): self.string(string)
        case .number(let number): self.number(number)
        case .bool(let bool): self.bool(bool)
        case .null: null()
        case .array(let items):
            beginArray()
            for item in items { self.value(item) }
            endArray()
        case .object(let members):
            beginObject()
            // Sorted, so equal objects always serialise alike.
            for (name, member) in members.sorted(by: { $0.key < $1.key }) {
                key(name)
                self.value(member)
            }
            endObject()
        }
    }

    // MARK: - Internals

    /// A key was written and its value has not been yet.
    private var afterKey = false

    /// Writes the comma before a member that is not the first in its container (a value right
    /// after its key is not a new member).
    private mutating func separate() {
        if afterKey {
            afterKey = false
            return
        }
        guard let last = hasMember.indices.last else { return }
        if hasMember[last] { buffer.writeInteger(UInt8(ascii: ",")) }
        hasMember[last] = true
    }

    private mutating func writeString(_ string: String) {
        buffer.writeInteger(UInt8(ascii: "\""))
        var plainStart = string.utf8.startIndex
        let utf8 = string.utf8
        var index = plainStart
        while index != utf8.endIndex {
            let byte = utf8[index]
            let escape: String? = switch byte {
            case UInt8(ascii: "\""): "\\\""
            case UInt8(ascii: "\\"): "\\\\"
            case 0x0A: "\\n"
            case 0x0D: "\\r"
            case 0x09: "\\t"
            case 0x08: "\\b"
            case 0x0C: "\\f"
            case ..<0x20: "\\u00" + (byte < 0x10 ? "0" : "") + String(byte, radix: 16)
            default: nil
            }
            if let escape {
                buffer.writeString(String(utf8[plainStart..<index])!)
                buffer.writeString(escape)
                plainStart = utf8.index(after: index)
            }
            index = utf8.index(after: index)
        }
        buffer.writeString(String(utf8[plainStart..<utf8.endIndex])!)
        buffer.writeInteger(UInt8(ascii: "\""))
    }

    /// `yyyy-MM-ddTHH:mm:ssZ` from the civil calendar of the Unix day (proleptic Gregorian).
    private static func writeISO8601(_ date: Date, into buffer: inout ByteBuffer) {
        let seconds = Int64(date.timeIntervalSince1970.rounded(.down))
        var days = seconds / 86_400
        var secondOfDay = seconds % 86_400
        if secondOfDay < 0 { secondOfDay += 86_400; days -= 1 }
        // Howard Hinnant's days_from_civil, inverted.
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let monthIndex = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * monthIndex + 2) / 5 + 1
        let month = monthIndex < 10 ? monthIndex + 3 : monthIndex - 9
        let year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
        func two(_ value: Int64) { buffer.writeInteger(UInt8(48 + value / 10)); buffer.writeInteger(UInt8(48 + value % 10)) }
        two(year / 100 % 100); two(year % 100)
        buffer.writeInteger(UInt8(ascii: "-")); two(month)
        buffer.writeInteger(UInt8(ascii: "-")); two(day)
        buffer.writeInteger(UInt8(ascii: "T")); two(secondOfDay / 3600)
        buffer.writeInteger(UInt8(ascii: ":")); two(secondOfDay % 3600 / 60)
        buffer.writeInteger(UInt8(ascii: ":")); two(secondOfDay % 60)
        buffer.writeInteger(UInt8(ascii: "Z"))
    }
}
