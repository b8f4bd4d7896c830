import Foundation
import OnrampDomain
import Testing

@Suite("ConfigValue")
struct ConfigValueTests {
    static func decode(_ json: String) throws -> ConfigValue {
        try JSONDecoder().decode(ConfigValue.self, from: Data(json.utf8))
    }

    static func encode(_ value: ConfigValue) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }

    static let document: ConfigValue = .object([
        "a": .number(1),
        "b": .number(2.5),
        "c": .bool(true),
        "d": .null,
        "e": .array([.number(-3), .string("x"), .bool(false), .null]),
        "f": .object(["g": .object([:]), "h": .array([])]),
        "i": .string(""),
    ])

    @Test("JSON is decoded into the matching cases")
    func decoding() throws {
        let json = #"{"a": 1, "b": 2.5, "c": true, "d": null, "e": [-3, "x", false, null], "f": {"g": {}, "h": []}, "i": ""}"#
        #expect(try Self.decode(json) == Self.document)
        #expect(try Self.decode("true") == .bool(true))
        #expect(try Self.decode("false") == .bool(false))
        #expect(try Self.decode("null") == .null)
        #expect(try Self.decode("\"text\"") == .string("text"))
        #expect(try Self.decode("\"true\"") == .string("true"))
        #expect(try Self.decode("\"1\"") == .string("1"))
        #expect(try Self.decode("1e3") == .number(1000))
        #expect(try Self.decode("[]") == .array([]))
        #expect(try Self.decode("{}") == .object([:]))
    }

    @Test("numbers 0 and 1 stay numbers, not booleans")
    func numbersAreNotBooleans() throws {
        #expect(try Self.decode("0") == .number(0))
        #expect(try Self.decode("1") == .number(1))
        #expect(try Self.decode("[1, 0, true]") == .array([.number(1), .number(0), .bool(true)]))
    }

    @Test("whole numbers are encoded without a fraction")
    func encoding() throws {
        #expect(try Self.encode(Self.document) == #"{"a":1,"b":2.5,"c":true,"d":null,"e":[-3,"x",false,null],"f":{"g":{},"h":[]},"i":""}"#)
        #expect(try Self.encode(.number(480)) == "480")
        #expect(try Self.encode(.number(-0.0)) == "0")
        #expect(try Self.encode(.number(999_999_999_999_999)) == "999999999999999")
        #expect(try Self.encode(.number(0.1)) == "0.1")
        #expect(try Self.encode(.string("a\"b")) == #""a\"b""#)
    }

    @Test("values survive a JSON round trip", arguments: [
        document,
        .number(1e15), .number(-1e20), .number(123.456), .number(Double.leastNonzeroMagnitude), .number(-42),
        .string("Grüße, 👋"), .bool(false), .null, .array([.array([.array([])])]),
        .object(["nested": .object(["deeper": .array([.number(1), .object(["x": .null])])])]),
    ])
    func roundTrip(_ value: ConfigValue) throws {
        let data = try JSONEncoder().encode(value)
        #expect(try JSONDecoder().decode(ConfigValue.self, from: data) == value)
    }

    @Test("a step configuration round-trips as a JSON object")
    func stepConfigRoundTrip() throws {
        let config: StepConfig = ["enabled": .bool(true), "currency": .string("EUR"), "limit": .number(5)]
        let data = try JSONEncoder().encode(config)
        #expect(try JSONDecoder().decode(StepConfig.self, from: data) == config)
    }

    @Test("accessors return the value of their own case only")
    func accessors() {
        let values: [ConfigValue] = [.string("s"), .number(2), .bool(true), .array([.null]), .object(["k": .bool(false)]), .null]
        #expect(values.map(\.stringValue) == ["s", nil, nil, nil, nil, nil])
        #expect(values.map(\.numberValue) == [nil, 2, nil, nil, nil, nil])
        #expect(values.map(\.boolValue) == [nil, nil, true, nil, nil, nil])
        #expect(values.map(\.arrayValue) == [nil, nil, nil, [.null], nil, nil])
        #expect(values.map(\.objectValue) == [nil, nil, nil, nil, ["k": .bool(false)], nil])
        #expect(values.map(\.isNull) == [false, false, false, false, false, true])
        #expect(Set(values).count == values.count)
    }

    @Test("approximate size follows the JSON text")
    func approximateSize() {
        #expect(ConfigValue.string("abc").approximateSize == 5)
        #expect(ConfigValue.string("ü").approximateSize == 4)
        #expect(ConfigValue.number(1).approximateSize == 12)
        #expect(ConfigValue.bool(true).approximateSize == 5)
        #expect(ConfigValue.null.approximateSize == 4)
        #expect(ConfigValue.array([]).approximateSize == 2)
        #expect(ConfigValue.array([.null, .null]).approximateSize == 2 + 5 + 5)
        #expect(ConfigValue.object([:]).approximateSize == 2)
        #expect(ConfigValue.object(["ab": .bool(true)]).approximateSize == 2 + 2 + 3 + 5 + 1)

        var members: [String: ConfigValue] = [:]
        var previous = ConfigValue.object(members).approximateSize
        for index in 0..<20 {
            members["key\(index)"] = .array([.string(String(repeating: "v", count: index)), .number(Double(index))])
            let size = ConfigValue.object(members).approximateSize
            #expect(size > previous)
            previous = size
        }
        // Never less than the real JSON.
        let json = try? JSONEncoder().encode(ConfigValue.object(members))
        #expect(previous >= json?.count ?? .max)
    }
}
