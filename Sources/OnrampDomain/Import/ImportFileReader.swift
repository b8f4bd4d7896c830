import Foundation

/// Reads the records of an export in any supported format, resumable at a record boundary:
/// CSV (the header names the columns), JSON (array, wrapped array or single object), JSON
/// Lines and XML.
public struct ImportFileReader: Sendable {
    private enum Reader: Sendable {
        case csv(CSVReader)
        case json(JSONRecordReader)
        case xml(XMLRecordReader)
    }

    private var reader: Reader
    private var header: [String]?
    private var recordsBefore: Int

    /// - Parameters:
    ///   - header: the CSV header when resuming (`resumeAt` > 0); read from the file otherwise.
    ///   - resumeAt: a previous record's `endOffset`, to go on after it.
    ///   - recordsBefore: how many records came before `resumeAt`.
    public init(format: ImportDetection.Format, encoding: TextEncoding, delimiter: UInt8? = nil,
                header: [String]? = nil, resumeAt: Int64 = 0, recordsBefore: Int = 0, line: Int = 1,
                maxRecordBytes: Int = 16 << 20) {
        self.recordsBefore = recordsBefore
        switch format {
        case .csv:
            let options = CSVReader.Options(delimiter: delimiter, encoding: encoding, maxFieldBytes: min(maxRecordBytes, 1 << 20))
            // The header is record 0 of the CSV reader's count, so data records number from 1.
            reader = .csv(CSVReader(options: options, startOffset: resumeAt, line: line, records: resumeAt > 0 ? recordsBefore + 1 : 0))
            self.header = resumeAt > 0 ? header.map(Self.uniqueNames) : nil
        case .jsonArray, .jsonLines:
            reader = .json(JSONRecordReader(options: .init(encoding: encoding, maxRecordBytes: maxRecordBytes, lines: format == .jsonLines),
                                            resumeAt: resumeAt, recordsBefore: recordsBefore))
        case .xml:
            reader = .xml(XMLRecordReader(options: .init(encoding: encoding, maxRecordBytes: maxRecordBytes),
                                          resumeAt: resumeAt, recordsBefore: recordsBefore))
        }
    }

    /// The CSV header, once read.
    public var columns: [String]? { header }

    public mutating func feed(_ bytes: some Sequence<UInt8>) throws -> [ImportRecord] {
        switch reader {
        case .csv(var csv):
            let records = csv.feed(bytes)
            reader = .csv(csv)
            var result: [ImportRecord] = []
            result.reserveCapacity(records.count)
            for record in records { if let mapped = row(record) { result.append(mapped) } }
            return result
        case .json(var json):
            defer { reader = .json(json) }
            return try json.feed(bytes)
        case .xml(var xml):
            defer { reader = .xml(xml) }
            return try xml.feed(bytes)
        }
    }

    public mutating func finish() throws -> [ImportRecord] {
        switch reader {
        case .csv(var csv):
            do {
                let records = try csv.finish()
                reader = .csv(csv)
                var result: [ImportRecord] = []
                for record in records { if let mapped = row(record) { result.append(mapped) } }
                return result
            } catch let failure as CSVReader.Failure {
                throw ImportReadFailure(failure.description)
            }
        case .json(var json):
            defer { reader = .json(json) }
            return try json.finish()
        case .xml(var xml):
            defer { reader = .xml(xml) }
            return try xml.finish()
        }
    }

    /// A CSV record as an object keyed by the header; the header itself is kept, not returned.
    private mutating func row(_ record: CSVReader.Record) -> ImportRecord? {
        guard let header else {
            if record.problem == nil {
                header = Self.uniqueNames(record.fields.map { $0.trimmingCharacters(in: .whitespaces) })
            } else {
                header = []
            }
            return nil
        }
        let number = record.number - 1
        if let problem = record.problem {
            return ImportRecord(number: number, line: record.line, value: .object([]), endOffset: record.endOffset, problem: problem)
        }
        if record.fields.count > header.count {
            let extra = record.fields[header.count...].filter { !$0.isEmpty }
            if !extra.isEmpty {
                return ImportRecord(number: number, line: record.line, value: .object(zip(header, record.fields).map { ($0, .text($1)) }),
                                    endOffset: record.endOffset,
                                    problem: "The row has \(record.fields.count) fields but the header has \(header.count): a value is not quoted, or a delimiter is in a value.")
            }
        }
        var members: [(String, ImportValue)] = []
        members.reserveCapacity(header.count)
        for (index, name) in header.enumerated() {
            members.append((name, .text(index < record.fields.count ? record.fields[index] : "")))
        }
        return ImportRecord(number: number, line: record.line, value: .object(members), endOffset: record.endOffset)
    }

    /// Header names made unique: a repeated `Tags` becomes `Tags (2)`.
    static func uniqueNames(_ names: [String]) -> [String] {
        var seen: [String: Int] = [:]
        return names.enumerated().map { index, raw in
            let name = raw.isEmpty ? "Column \(index + 1)" : raw
            let count = (seen[name.lowercased()] ?? 0) + 1
            seen[name.lowercased()] = count
            return count == 1 ? name : "\(name) (\(count))"
        }
    }
}
