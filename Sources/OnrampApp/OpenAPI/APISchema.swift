import Foundation
import OnrampDomain

/// An API request or response body with its JSON schema (snake_case, as sent on the wire).
///
/// The conformance lives with the type, at the end of the file that declares it (or, for a
/// domain type, of the controller that sends it). The schema is published in `/openapi.json`
/// as `#/components/schemas/<schemaName>` when the type is listed in `APISchemas.all`; tests
/// encode `example` with the API's encoder and validate it against the published schema.
protocol APISchema: Codable, SendableMetatype {
    /// The component's name in the OpenAPI document.
    static var schemaName: String { get }
    /// JSON Schema 2020-12 of the encoded value; other components are referenced with `Schemas.ref(_:)`.
    static var schema: JSONValue { get }
    /// A realistic value, as a person would send or receive it (it may appear in the docs).
    static var example: Self { get }
}

extension Schema {
    /// `$ref` to an API type's component (there are no refs by name: a type that is not listed
    /// in `APISchemas.all` leaves the ref unresolved, which the schema tests refuse).
    static func ref<T: APISchema>(_ type: T.Type) -> JSONValue { ["$ref": .string("#/components/schemas/\(T.schemaName)")] }
}

/// Schema pieces the API types share (not components of their own).
enum Schemas {
    static func ref<T: APISchema>(_ type: T.Type) -> JSONValue { Schema.ref(type) }

    static let uuid = Schema.string(format: "uuid")
    static let dateTime = Schema.string(format: "date-time")
    static let nullableDateTime = Schema.string(format: "date-time", nullable: true)
    static let role = Schema.string("Role inside the tenant.", enumeration: Role.allCases.map(\.rawValue))
    /// Business minutes of an SLA target: one minute to a year.
    static let minutes = Schema.integer(minimum: 1, maximum: 525_600)
    /// Keys of opening hours: `mon` or `monday`, and so on.
    static let weekdayKeys: JSONValue = ["enum": .array(BusinessCalendar.Weekday.allCases.flatMap { [.string($0.rawValue), .string($0.fullName)] })]
}

/// Values for the types' examples.
enum APIExample {
    /// A fixed id written as text (examples are stable, so the docs do not change on every build).
    static func id(_ text: String) -> UUID { UUID(uuidString: text)! }

    /// A moment written as ISO 8601 in UTC, as the API writes it.
    static func date(_ text: String) -> Date { ISO8601DateFormatter().date(from: text)! }
}

extension APIExample {
    /// A value of a domain type that has no public memberwise initializer, read from JSON as the
    /// domain writes it (its own keys, ISO 8601 dates).
    static func decoded<T: Decodable>(_ json: String, as type: T.Type = T.self) -> T {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        do {
            return try decoder.decode(T.self, from: Data(json.utf8))
        } catch {
            fatalError("The example \(T.self) does not decode: \(error)")
        }
    }
}
