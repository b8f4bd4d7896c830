// Shared by the JSON and XML readers.
enum RecordReaderText {
    /// A byte for a message: the character when printable ASCII.
    static func describe(_ b: UInt8) -> String {
        if b > 0x20 && b < 0x7F { return "`\(Character(Unicode.Scalar(b)))`" }
        switch b {
        case 0x20: return "a space"
        case 0x0A, 0x0D: return "a line end"
        default:
            let digits = String(b, radix: 16, uppercase: true)
            return "the byte 0x\(digits.count == 1 ? "0" : "")\(digits)"
        }
    }

    /// `16 MB`, `64 KB`, `100 bytes`.
    static func size(_ bytes: Int) -> String {
        if bytes >= 1 << 20 && bytes % (1 << 20) == 0 { return "\(bytes >> 20) MB" }
        if bytes >= 1 << 10 && bytes % (1 << 10) == 0 { return "\(bytes >> 10) KB" }
        return "\(bytes) bytes"
    }

    /// Latin-1 bytes as UTF-8: every byte is the character of the same number.
    @inline(__always) static func appendLatin1(_ bytes: UnsafeBufferPointer<UInt8>, to out: inout [UInt8]) {
        for b in bytes {
            if b < 0x80 {
                out.append(b)
            } else {
                out.append(0xC0 | b >> 6)
                out.append(0x80 | b & 0x3F)
            }
        }
    }

    static func appendUTF8(_ scalar: UInt32, to out: inout [UInt8]) {
        switch scalar {
        case 0..<0x80:
            out.append(UInt8(scalar))
        case 0x80..<0x800:
            out.append(UInt8(0xC0 | scalar >> 6))
            out.append(UInt8(0x80 | scalar & 0x3F))
        case 0x800..<0x10000:
            out.append(UInt8(0xE0 | scalar >> 12))
            out.append(UInt8(0x80 | scalar >> 6 & 0x3F))
            out.append(UInt8(0x80 | scalar & 0x3F))
        default:
            out.append(UInt8(0xF0 | scalar >> 18))
            out.append(UInt8(0x80 | scalar >> 12 & 0x3F))
            out.append(UInt8(0x80 | scalar >> 6 & 0x3F))
            out.append(UInt8(0x80 | scalar & 0x3F))
        }
    }
}
