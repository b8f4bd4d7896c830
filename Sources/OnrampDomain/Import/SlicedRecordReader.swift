/// A reader that consumes bytes in slices: the shared half of `feed` of the JSON and XML readers.
protocol SlicedRecordReader {
    var failure: ImportReadFailure? { get }
    mutating func read(_ bytes: UnsafeBufferPointer<UInt8>, into out: inout [ImportRecord])
}

extension SlicedRecordReader {
    /// Hands `bytes` to `read` (in slices of 64 KB when they are not contiguous); a failure
    /// met on the way is thrown once the records completed before it have been returned.
    mutating func feedSlices(_ bytes: some Sequence<UInt8>) throws -> [ImportRecord] {
        if let failure { throw failure }
        var out: [ImportRecord] = []
        let contiguous: Void? = bytes.withContiguousStorageIfAvailable { read($0, into: &out) }
        if contiguous == nil {
            var chunk: [UInt8] = []
            chunk.reserveCapacity(JSONRecordReader.sliceSize)
            for byte in bytes {
                chunk.append(byte)
                if chunk.count == JSONRecordReader.sliceSize {
                    chunk.withUnsafeBufferPointer { read($0, into: &out) }
                    chunk.removeAll(keepingCapacity: true)
                    if failure != nil { break }
                }
            }
            if !chunk.isEmpty && failure == nil { chunk.withUnsafeBufferPointer { read($0, into: &out) } }
        }
        if let failure, out.isEmpty { throw failure }
        return out
    }
}
