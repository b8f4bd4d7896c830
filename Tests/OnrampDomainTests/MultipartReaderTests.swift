@testable import OnrampDomain
import Testing

@Suite("Multipart reader")
struct MultipartReaderTests {
    let boundary = "----formB0undary7MA4YWxk"

    func body(_ file: String, extraHeader: String = "") -> [UInt8] {
        Array(("--\(boundary)\r\nContent-Disposition: form-data; name=\"note\"\r\n\r\nhello\r\n"
            + "--\(boundary)\r\nContent-Disposition: form-data; name=\"file\"; filename=\"C:\\\\fakepath\\\\tickets.csv\"\r\n"
            + "Content-Type: text/csv\r\n\(extraHeader)\r\n" + file + "\r\n--\(boundary)--\r\n").utf8)
    }

    func read(_ bytes: [UInt8], chunk: Int) throws(MultipartReader.Failure) -> (file: [UInt8], reader: MultipartReader) {
        var reader = MultipartReader(boundary: boundary)!
        var file: [UInt8] = []
        var index = 0
        while index < bytes.count {
            file += try reader.feed(bytes[index..<min(index + chunk, bytes.count)])
            index += chunk
        }
        try reader.finish()
        return (file, reader)
    }

    @Test func theFilePartComesOutWholeWhateverTheChunks() throws {
        let file = "Id,Subject\r\n1,\"a\r\n--not-the-boundary\"\r\n2,é\r\n"
        for chunk in [1, 2, 3, 7, 64, 4096] {
            let (bytes, reader) = try read(body(file), chunk: chunk)
            #expect(String(decoding: bytes, as: UTF8.self) == file, "chunk \(chunk)")
            #expect(reader.fileName == "tickets.csv")
            #expect(reader.foundFile && reader.fileDone)
        }
    }

    @Test func headersThatAreNotPlainTextAreRefusedNotACrash() {
        var bytes = body("x", extraHeader: "X-Ä: 1\r\n")
        #expect(throws: MultipartReader.Failure.self) { _ = try read(bytes, chunk: 5) }
        bytes = Array("--\(boundary)\r\n".utf8) + [0xC3, 0xA9] + Array(": v\r\n\r\nbody\r\n--\(boundary)--".utf8)
        #expect(throws: MultipartReader.Failure.self) { _ = try read(bytes, chunk: 3) }
        bytes = body("x", extraHeader: "X-Odd: a\u{0}b\r\n")
        #expect(throws: MultipartReader.Failure.self) { _ = try read(bytes, chunk: 7) }
    }

    @Test func controlCharactersInAnotherFieldsNameDoNotStopTheUpload() throws {
        let form = "--\(boundary)\r\nContent-Disposition: form-data; name=\"\u{0F};x\"\r\n\r\n{}\r\n" + String(decoding: body("a,b\n1,2\n"), as: UTF8.self)
        let (file, reader) = try read(Array(form.utf8), chunk: 9)
        #expect(String(decoding: file, as: UTF8.self) == "a,b\n1,2\n")
        #expect(reader.foundFile)
    }

    @Test func malformedFormsGetAClearError() {
        // No boundary at all, a cut-off form, a header without a name, a boundary line without its line end.
        let cases: [[UInt8]] = [
            Array(String(repeating: "x", count: 200).utf8),
            Array("--\(boundary)\r\nContent-Disposition: form-data; name=\"file\"\r\n\r\nabc".utf8),
            Array("--\(boundary)\r\nno colon here\r\n\r\nabc\r\n--\(boundary)--".utf8),
            Array("--\(boundary)xx\r\n\r\n".utf8),
        ]
        for bytes in cases {
            #expect(throws: MultipartReader.Failure.self) { _ = try read(bytes, chunk: 16) }
        }
        #expect(MultipartReader(boundary: "") == nil)
        #expect(MultipartReader(boundary: String(repeating: "b", count: 71)) == nil)
        #expect(MultipartReader(boundary: "with space") == nil)
    }

    @Test func aFormWithoutAFilePartHasNone() throws {
        let bytes = Array("preamble\r\n--\(boundary)  \r\n\r\nno headers at all\r\n--\(boundary)--\r\nepilogue".utf8)
        let (file, reader) = try read(bytes, chunk: 4)
        #expect(file.isEmpty)
        #expect(!reader.foundFile)
    }

    @Test func headerBlocksAreBounded() {
        let bytes = Array("--\(boundary)\r\nX-Long: \(String(repeating: "a", count: 20_000))".utf8)
        #expect(throws: MultipartReader.Failure.self) { _ = try read(bytes, chunk: 1024) }
    }
}
