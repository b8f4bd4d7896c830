import Foundation
@testable import OnrampApp
import OnrampDomain
import Testing
import Vapor

/// `JSONWriter` must write what the global JSON encoder writes for the same value.
@Suite("JSON writer")
struct JSONWriterTests {
    /// The API's JSON of `value`, through the configured global encoder.
    func encoded(_ value: some Encodable) throws -> JSONValue {
        var buffer = ByteBufferAllocator().buffer(capacity: 1024)
        var headers = HTTPHeaders()
        try ContentConfiguration.global.requireEncoder(for: .json).encode(value, to: &buffer, headers: &headers)
        return try JSONDecoder().decode(JSONValue.self, from: Data(buffer.readableBytesView))
    }

    func written(_ buffer: ByteBuffer) throws -> JSONValue {
        try JSONDecoder().decode(JSONValue.self, from: Data(buffer.readableBytesView))
    }

    @Test func aSessionResponseIsWrittenAsTheEncoderWritesIt() async throws {
        // The global encoder is set up by `configure`.
        try await withOnrampApp { _ in
            let start = Date(timeIntervalSince1970: 1_700_000_000.75)
            var session = OnboardingSession.start(at: start)
            try session.update(.organization, patch: [
                "legal_name": .string("Ünïcødé \"quoted\" \\ back\\slash\n\t\u{01}\u{1F} / ✓ 😀"),
                "languages": .array([.string("de"), .string("en")]),
                "nested": .object(["deep": .object(["list": .array([.number(1), .number(-2.5), .number(1e-7), .bool(false), .null])])]),
            ], complete: false, at: start.addingTimeInterval(61))
            try session.update(.branding, patch: ["primary_color": .string("#FFFFFF"), "text_color": .string("#EEEEEE"),
                                                  "background_color": .string("#FFFFFF")],
                               complete: false, at: start.addingTimeInterval(120))
            try session.skip(.payments, at: start.addingTimeInterval(130))
            try session.pause(at: start.addingTimeInterval(3_600 * 24 * 400))
            let response = OnboardingController.SessionResponse(session, nextSteps: ["Invite the team", "Say \"hi\""])
            #expect(response.steps.contains { !$0.warnings.isEmpty }, "the branding contrast warning is part of the comparison")
            #expect(try written(response.json()) == encoded(response))
            let fresh = OnboardingController.SessionResponse(OnboardingSession.start(at: start))
            #expect(try written(fresh.json()) == encoded(fresh))
        }
    }

    @Test func datesMatchTheEncodersISO8601AcrossCenturiesAndBefore1970() async throws {
        try await withOnrampApp { _ in
            for seconds: TimeInterval in [0, -1, -86_400 * 365 * 70 - 7, 951_782_400 /* 2000-02-29 */, 4_102_444_799, 253_402_300_799, 1_700_000_000.999] {
                let date = Date(timeIntervalSince1970: seconds)
                var writer = JSONWriter()
                writer.beginArray()
                writer.date(date)
                writer.endArray()
                let mine = try written(writer.buffer), theirs = try encoded([date])
                #expect(mine == theirs, "\(date)")
            }
        }
    }
}
