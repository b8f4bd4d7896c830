// TEMPORARY: replaced by the real reader.
public struct XMLRecordReader: Sendable {
    public struct Options: Sendable {
        public var encoding: TextEncoding = .utf8
        public var maxRecordBytes = 16 << 20
        public var maxDepth = 64
        public init(encoding: TextEncoding = .utf8, maxRecordBytes: Int = 16 << 20, maxDepth: Int = 64) {}
    }
    public init(options: Options = .init(), resumeAt offset: Int64 = 0, recordsBefore: Int = 0) {}
    public mutating func feed(_ bytes: some Sequence<UInt8>) throws -> [ImportRecord] { [] }
    public mutating func finish() throws -> [ImportRecord] { [] }
}
