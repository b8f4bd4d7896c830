import Foundation
import NIOCore
import OnrampDomain
@testable import OnrampApp
import Testing
import Vapor
import VaporTesting

/// Every API body type against the schema `/openapi.json` publishes for it.
@Suite("API schemas")
struct APISchemaTests {
    /// Components no operation reaches that are kept on purpose (none today).
    static let deliberatelyKept: Set<String> = []

    /// The served document, parsed.
    static func servedDocument(_ app: Application) async throws -> JSONValue {
        let response = try await app.testing().sendRequest(.GET, "/openapi.json")
        #expect(response.status == .ok)
        return try #require(JSONValue.parse(response.body.string))
    }

    /// `example` as the API sends it: the global JSON encoder that responses use.
    static func encodedExample<T: APISchema>(_ type: T.Type) throws -> JSONValue {
        var body = ByteBufferAllocator().buffer(capacity: 1024)
        var headers = HTTPHeaders()
        try ContentConfiguration.global.requireEncoder(for: .json).encode(T.example, to: &body, headers: &headers)
        return try #require(JSONValue.parse(body.readString(length: body.readableBytes) ?? ""), "\(T.schemaName) did not encode as JSON")
    }

    @Test func everyExampleMatchesThePublishedSchema() async throws {
        try await withOnrampApp { app in
            let document = try await Self.servedDocument(app)
            var validator = JSONSchemaValidator(document: document)
            // Every member an example sends must be documented; only actions are open (each
            // type of action has members of its own).
            validator.membersMustBeDocumented = true
            validator.openComponents = ["RoutingAction"]
            #expect(APISchemas.all.count > 80)
            for type in APISchemas.all {
                let name = type.schemaName
                _ = try #require(document["components"]?["schemas"]?[name], "\(name) is not published")
                let example = try Self.encodedExample(type)
                let errors = validator.errors(example, against: ["$ref": .string("#/components/schemas/\(name)")], at: name)
                #expect(errors.isEmpty, "\(name)'s example does not match its schema:\n\(errors.joined(separator: "\n"))")
            }
        }
    }

    @Test func publishedComponentsAreTheRegisteredTypes() async throws {
        let names = APISchemas.all.map { $0.schemaName }
        #expect(Set(names).count == names.count, "two types share a schema name")
        try await withOnrampApp { app in
            let document = try await Self.servedDocument(app)
            let published = try #require(document["components"]?["schemas"]?.objectValue)
            #expect(Set(published.keys) == Set(names))
            for type in APISchemas.all { #expect(published[type.schemaName] == type.schema, "\(type.schemaName) is published differently") }
        }
    }

    @Test func everyRefResolvesAndEveryComponentIsUsed() async throws {
        try await withOnrampApp { app in
            let document = try await Self.servedDocument(app)
            let validator = JSONSchemaValidator(document: document)
            let components = try #require(document["components"]?["schemas"]?.objectValue)
            var everyRef: [String] = []
            Self.collectRefs(document, into: &everyRef)
            #expect(!everyRef.isEmpty)
            for ref in everyRef { #expect(validator.resolve(ref) != nil, "unresolved $ref \(ref)") }

            // Components reached from the paths, directly or through other components.
            var pending: [String] = []
            Self.collectRefs(try #require(document["paths"]), into: &pending)
            var reached: Set<String> = []
            while let ref = pending.popLast() {
                let name = String(ref.dropFirst("#/components/schemas/".count))
                guard ref.hasPrefix("#/components/schemas/"), reached.insert(name).inserted, let schema = components[name] else { continue }
                Self.collectRefs(schema, into: &pending)
            }
            let unused = Set(components.keys).subtracting(reached).subtracting(Self.deliberatelyKept)
            #expect(unused.isEmpty, "components no operation uses: \(unused.sorted())")
        }
    }

    /// The request examples pass the checks the handlers make (the domain's validators).
    @Test func requestExamplesPassTheDomainValidators() throws {
        let ticket = TicketsController.CreateRequest.example
        _ = try TicketDraft.validate(subject: ticket.subject, body: ticket.body, priority: ticket.priority, channel: ticket.channel,
                                     requesterEmail: ticket.requester?.email, requesterName: ticket.requester?.name,
                                     tags: ticket.tags, customFields: ticket.customFields, team: ticket.team)
        let policy = SLAController.PolicyInput.example
        #expect(policy.policy.problems().isEmpty)
        #expect(policy.escalation?.problems().isEmpty == true)
        #expect(RoutingRule.example.validate().isEmpty)
        #expect(ImportOptions.example.problems().isEmpty)
        let calendar = SLAController.CalendarInput.example
        _ = try BusinessCalendar.parse(timeZone: calendar.timeZone ?? "", hours: calendar.hours ?? [:], holidays: calendar.holidays ?? [])
        let profile = TeamController.ProfileInput.example
        _ = try profile.document.profile(id: UUID(), name: "Maya Lindqvist", availability: .online, openTickets: 0)
    }

    /// Calls operations and checks each answer against what `/openapi.json` documents for the
    /// operation and the status (members must be documented, as for the examples).
    struct DocumentedClient {
        let app: Application
        let document: JSONValue
        let validator: JSONSchemaValidator

        init(_ app: Application) async throws {
            self.app = app
            document = try await APISchemaTests.servedDocument(app)
            var validator = JSONSchemaValidator(document: document)
            validator.membersMustBeDocumented = true
            validator.openComponents = ["RoutingAction"]
            self.validator = validator
        }

        /// Sends `body` to the operation at `template` (its `{parameters}` filled from
        /// `parameters`), expects `status`, and returns the answer's JSON.
        @discardableResult
        func call(_ method: HTTPMethod, _ template: String, _ parameters: [String: String] = [:], query: String = "", body: JSONValue? = nil,
                  upload: (mediaType: String, text: String)? = nil, headers: HTTPHeaders = [:], expect status: HTTPResponseStatus,
                  sourceLocation: SourceLocation = #_sourceLocation) async throws -> JSONValue {
            var path = template
            for (name, value) in parameters { path = path.replacingOccurrences(of: "{\(name)}", with: value) }
            var all = headers
            var buffer: ByteBuffer?
            if let body {
                all.replaceOrAdd(name: .contentType, value: "application/json")
                buffer = ByteBuffer(bytes: try JSONEncoder().encode(body))
            }
            if let upload {
                all.replaceOrAdd(name: .contentType, value: upload.mediaType)
                buffer = ByteBuffer(string: upload.text)
            }
            let response = try await app.testing().sendRequest(method, path + query, headers: all, body: buffer)
            let name = "\(method) \(template)"
            #expect(response.status == status, "\(name): \(response.status) \(response.body.string)", sourceLocation: sourceLocation)
            let documented = document["paths"]?[template]?[method.rawValue.lowercased()]?["responses"]?[String(response.status.code)]
            #expect(documented != nil, "\(name) answered \(response.status.code), which it does not document", sourceLocation: sourceLocation)
            let value = JSONValue.parse(response.body.string) ?? .null
            if let content = documented?["content"]?.objectValue {
                let schema = try #require(content["application/json"]?["schema"] ?? content["application/problem+json"]?["schema"],
                                          "\(name): no JSON schema for \(response.status.code)", sourceLocation: sourceLocation)
                let errors = validator.errors(value, against: schema, at: name)
                #expect(errors.isEmpty, "\(name)'s answer does not match its schema:\n\(errors.joined(separator: "\n"))",
                        sourceLocation: sourceLocation)
            }
            return value
        }

        /// `example`, as it is sent.
        func body<T: APISchema>(_ type: T.Type) throws -> JSONValue { try APISchemaTests.encodedExample(type) }
    }

    /// The request examples, sent as they are, are accepted by their operations; and what the
    /// operations answer, with real data, matches the schemas they publish.
    @Test func requestExamplesAreAcceptedAndAnswersMatchTheirSchemas() async throws {
        try await withOnrampApp { app in
            let client = try await DocumentedClient(app)
            let signedUp = try await client.call(.POST, "/api/v1/auth/signup", body: client.body(AuthController.SignupRequest.self),
                                                 expect: .created)
            let token = try #require(signedUp["api_token"].flatMap { if case .string(let text) = $0 { text } else { nil } })
            let userID = try #require(signedUp["user"]?["id"].flatMap { if case .string(let text) = $0 { text } else { nil } })
            let tenantID = try #require(signedUp["tenant"]?["id"].flatMap { if case .string(let text) = $0 { text } else { nil } })
            try await client.call(.POST, "/api/v1/auth/login", body: client.body(AuthController.LoginRequest.self), expect: .ok)
            let bearer: HTTPHeaders = ["Authorization": "Bearer \(token)"]
            try await client.call(.GET, "/api/v1/me", headers: bearer, expect: .ok)
            try await client.call(.POST, "/api/v1/api-tokens", body: client.body(APITokenController.CreateRequest.self), headers: bearer,
                                  expect: .created)
            try await client.call(.GET, "/api/v1/api-tokens", headers: bearer, expect: .ok)

            // Onboarding and templates
            try await client.call(.GET, "/api/v1/onboarding", headers: bearer, expect: .ok)
            try await client.call(.PATCH, "/api/v1/onboarding/steps/{stepId}", ["stepId": "organization"],
                                  body: ["config": client.body(OnboardingController.UpdateRequest.self)["config"] ?? [:]], headers: bearer,
                                  expect: .ok)
            try await client.call(.GET, "/api/v1/onboarding/checklist", headers: bearer, expect: .ok)
            try await client.call(.GET, "/api/v1/onboarding/suggestions", headers: bearer, expect: .ok)
            try await client.call(.GET, "/api/v1/templates", headers: bearer, expect: .ok)
            try await client.call(.GET, "/api/v1/templates/{templateId}", ["templateId": "ecommerce"], headers: bearer, expect: .ok)
            try await client.call(.POST, "/api/v1/templates", body: client.body(TemplateController.CreateRequest.self), headers: bearer,
                                  expect: .created)
            try await client.call(.GET, "/api/v1/me/tour", headers: bearer, expect: .ok)
            try await client.call(.PUT, "/api/v1/me/tour", body: client.body(WelcomeController.TourRequest.self), headers: bearer, expect: .ok)

            // Tickets, routing, SLAs
            let ticket = try await client.call(.POST, "/api/v1/tickets", body: client.body(TicketsController.CreateRequest.self),
                                               headers: bearer, expect: .created)
            let ticketID = try #require(ticket["id"].flatMap { if case .string(let text) = $0 { text } else { nil } })
            try await client.call(.POST, "/api/v1/tickets/{ticketId}/messages", ["ticketId": ticketID],
                                  body: client.body(TicketsController.MessageRequest.self), headers: bearer, expect: .created)
            try await client.call(.PATCH, "/api/v1/tickets/{ticketId}", ["ticketId": ticketID],
                                  body: ["status": "pending", "assignee_id": .string(userID), "tags": ["warranty"]], headers: bearer, expect: .ok)
            try await client.call(.GET, "/api/v1/tickets/{ticketId}", ["ticketId": ticketID], headers: bearer, expect: .ok)
            try await client.call(.GET, "/api/v1/tickets", headers: bearer, expect: .ok)
            try await client.call(.POST, "/api/v1/routing-rules", body: client.body(RoutingRulesController.RuleInput.self), headers: bearer,
                                  expect: .created)
            try await client.call(.GET, "/api/v1/routing-rules", headers: bearer, expect: .ok)
            try await client.call(.POST, "/api/v1/tickets/{ticketId}/routing-dry-run", ["ticketId": ticketID],
                                  body: client.body(RoutingRulesController.DryRunRequest.self), headers: bearer, expect: .ok)
            try await client.call(.POST, "/api/v1/business-calendars", body: client.body(SLAController.CalendarInput.self), headers: bearer,
                                  expect: .created)
            try await client.call(.GET, "/api/v1/business-calendars", headers: bearer, expect: .ok)
            try await client.call(.POST, "/api/v1/sla-policies", body: client.body(SLAController.PolicyInput.self), headers: bearer,
                                  expect: .created)
            try await client.call(.GET, "/api/v1/sla-policies", headers: bearer, expect: .ok)

            // Team
            try await client.call(.POST, "/api/v1/roles", body: client.body(TeamController.CustomRoleInput.self), headers: bearer,
                                  expect: .created)
            try await client.call(.GET, "/api/v1/roles", headers: bearer, expect: .ok)
            try await client.call(.PUT, "/api/v1/agents/{userId}/profile", ["userId": userID], body: client.body(TeamController.ProfileInput.self),
                                  headers: bearer, expect: .ok)
            try await client.call(.GET, "/api/v1/agents", headers: bearer, expect: .ok)
            try await client.call(.PUT, "/api/v1/assignment-settings", body: client.body(AssignmentSettings.Settings.self), headers: bearer,
                                  expect: .ok)
            try await client.call(.GET, "/api/v1/assignment-settings", headers: bearer, expect: .ok)
            try await client.call(.POST, "/api/v1/invitations", body: client.body(InvitationsController.CreateInput.self), headers: bearer,
                                  expect: .created)
            try await client.call(.GET, "/api/v1/invitations", headers: bearer, expect: .ok)
            try await client.call(.GET, "/api/v1/team/dashboard", headers: bearer, expect: .ok)
            try await client.call(.POST, "/api/v1/templates/{templateId}/workflows", ["templateId": "ecommerce"],
                                  body: client.body(WorkflowTemplatesController.Input.self), headers: bearer, expect: .ok)
            try await client.call(.POST, "/api/v1/sandbox", headers: bearer, expect: .created)
            try await client.call(.GET, "/api/v1/sandbox", headers: bearer, expect: .ok)

            // An import, to its start
            let csv = "Id,Subject,Requester email,Requester,Status,Priority,Created at\n"
                + "48213,Tent pole snapped on first trip,jonas.berg@example.se,Jonas Berg,open,high,2026-02-03T10:00:00Z\n"
                + "48214,Where is my order?,lina@example.se,Lina Ek,solved,normal,2026-02-04T11:30:00Z\n"
            let upload = try await client.call(.POST, "/api/v1/imports", query: "?file_name=tickets.csv", upload: ("text/csv", csv),
                                               headers: bearer, expect: .created)
            let importID = try #require(upload["id"].flatMap { if case .string(let text) = $0 { text } else { nil } })
            try await client.call(.GET, "/api/v1/imports/{importId}", ["importId": importID], headers: bearer, expect: .ok)
            let mapping = try await client.call(.GET, "/api/v1/imports/{importId}/mapping", ["importId": importID], headers: bearer, expect: .ok)
            try await client.call(.PUT, "/api/v1/imports/{importId}/mapping", ["importId": importID],
                                  body: ["object": mapping["object"] ?? "tickets", "entries": mapping["entries"] ?? [],
                                         "options": client.body(ImportOptions.self)],
                                  headers: bearer, expect: .ok)
            try await client.call(.POST, "/api/v1/imports/{importId}/preview", ["importId": importID], headers: bearer, expect: .ok)
            let started = try await client.call(.POST, "/api/v1/imports/{importId}/start", ["importId": importID], headers: bearer,
                                                expect: .accepted)
            let jobID = try #require(started["job_id"].flatMap { if case .string(let text) = $0 { text } else { nil } })
            try await client.call(.GET, "/api/v1/jobs/{jobId}", ["jobId": jobID], headers: bearer, expect: .ok)
            try await client.call(.GET, "/api/v1/jobs", headers: bearer, expect: .ok)
            try await client.call(.GET, "/api/v1/imports", headers: bearer, expect: .ok)
            try await client.call(.GET, "/api/v1/samples", headers: bearer, expect: .ok)
            try await client.call(.GET, "/api/v1/audit-events", headers: bearer, expect: .ok)

            // Problems are documented too.
            try await client.call(.POST, "/api/v1/tickets", body: ["subject": " "], headers: bearer, expect: .unprocessableEntity)
            try await client.call(.GET, "/api/v1/tickets/{ticketId}", ["ticketId": UUID().uuidString], headers: bearer, expect: .notFound)

            // The operator's view
            let ops = try await app.signUpOperator()
            try await client.call(.GET, "/api/v1/operator/tenants", headers: ops, expect: .ok)
            try await client.call(.GET, "/api/v1/operator/tenants/{tenantId}/onboarding", ["tenantId": tenantID], headers: ops, expect: .ok)
            try await client.call(.GET, "/api/v1/operator/tenants/{tenantId}/audit-events", ["tenantId": tenantID], headers: ops, expect: .ok)
        }
    }

    static func collectRefs(_ value: JSONValue, into refs: inout [String]) {
        switch value {
        case .object(let members):
            if case .string(let ref)? = members["$ref"] { refs.append(ref) }
            for member in members.values { collectRefs(member, into: &refs) }
        case .array(let items):
            for item in items { collectRefs(item, into: &refs) }
        default:
            break
        }
    }
}

/// The validator the suite above relies on must refuse what a schema forbids.
@Suite("JSON schema validator")
struct JSONSchemaValidatorTests {
    static let document: JSONValue = [
        "components": ["schemas": [
            "Person": [
                "type": "object",
                "properties": [
                    "id": ["type": "string", "format": "uuid"],
                    "name": ["type": "string", "minLength": 1, "maxLength": 5],
                    "age": ["type": "integer", "minimum": 0, "maximum": 150],
                    "role": ["type": ["string", "null"], "enum": ["owner", "agent", .null]],
                    "kind": ["const": "person"],
                    "email": ["type": "string", "format": "email"],
                    "born_at": ["type": "string", "format": "date-time"],
                    "code": ["type": "string", "pattern": "^[A-Z]{3}$"],
                    "tags": ["type": "array", "items": ["type": "string"], "minItems": 1, "maxItems": 2],
                    "friend": ["oneOf": [["$ref": "#/components/schemas/Person"], ["type": "null"]]],
                    "score": ["anyOf": [["type": "integer"], ["type": "string", "enum": ["none"]]]],
                    "counts": ["type": "object", "propertyNames": ["enum": ["a", "b"]], "additionalProperties": ["type": "integer"]],
                ],
                "required": ["id", "name"],
                "additionalProperties": false,
            ],
        ]],
    ]
    let validator = JSONSchemaValidator(document: Self.document)
    let person: JSONValue = ["$ref": "#/components/schemas/Person"]
    let valid: [String: JSONValue] = [
        "id": "7c9e6679-7425-40de-944b-e07fc1f90ae7", "name": "Ada", "age": 36, "role": "owner", "kind": "person",
        "email": "ada@example.com", "born_at": "1815-12-10T09:00:00Z", "code": "ABC", "tags": ["math"],
        "friend": ["id": "7c9e6679-7425-40de-944b-e07fc1f90ae8", "name": "Bob", "role": .null], "score": "none", "counts": ["a": 1],
    ]

    func errors(changing key: String, to value: JSONValue?) -> [String] {
        var members = valid
        members[key] = value
        return validator.errors(.object(members), against: person)
    }

    @Test func acceptsAValidValue() {
        #expect(validator.errors(.object(valid), against: person) == [])
        #expect(errors(changing: "age", to: .double(150)).isEmpty, "a whole number written with a fraction is an integer")
        #expect(errors(changing: "role", to: .null).isEmpty)
    }

    @Test func rejectsWrongTypes() {
        #expect(!errors(changing: "name", to: 5).isEmpty)
        #expect(!errors(changing: "age", to: "36").isEmpty)
        #expect(!errors(changing: "age", to: .double(36.5)).isEmpty)
        #expect(!errors(changing: "age", to: .null).isEmpty)
        #expect(!errors(changing: "tags", to: ["math": "yes"]).isEmpty)
        #expect(!errors(changing: "tags", to: [1]).isEmpty)
        #expect(!validator.errors(["a"], against: person).isEmpty)
    }

    @Test func rejectsMissingRequiredMembers() {
        #expect(errors(changing: "id", to: nil).contains { $0.contains("required member id") })
        #expect(!validator.errors(["friend": .null], against: person).isEmpty)
    }

    @Test func rejectsOutOfRangeValues() {
        #expect(!errors(changing: "age", to: -1).isEmpty)
        #expect(!errors(changing: "age", to: 151).isEmpty)
        #expect(!errors(changing: "name", to: "").isEmpty)
        #expect(!errors(changing: "name", to: "Adelaide").isEmpty)
        #expect(errors(changing: "name", to: "Zoë😀").isEmpty, "lengths count code points")
        #expect(!errors(changing: "tags", to: []).isEmpty)
        #expect(!errors(changing: "tags", to: ["a", "b", "c"]).isEmpty)
    }

    @Test func rejectsValuesOutsideEnumsConstantsPatternsAndFormats() {
        #expect(!errors(changing: "role", to: "admin").isEmpty)
        #expect(!errors(changing: "kind", to: "robot").isEmpty)
        #expect(!errors(changing: "code", to: "abc").isEmpty)
        #expect(!errors(changing: "id", to: "not-a-uuid").isEmpty)
        #expect(!errors(changing: "email", to: "ada.example.com").isEmpty)
        #expect(!errors(changing: "born_at", to: "10 December 1815").isEmpty)
        #expect(!errors(changing: "born_at", to: "1815-12-10").isEmpty)
        #expect(!errors(changing: "counts", to: ["c": 1]).isEmpty, "property names outside propertyNames")
        #expect(!errors(changing: "counts", to: ["a": "one"]).isEmpty, "additionalProperties as a schema")
    }

    @Test func rejectsUnknownMembersWhenAdditionalPropertiesIsFalse() {
        #expect(errors(changing: "nickname", to: "Ada").contains { $0.contains("unknown member nickname") })
    }

    @Test func checksRefsOneOfAndAnyOf() {
        #expect(!errors(changing: "friend", to: ["name": "Bob"]).isEmpty, "the referenced schema's required members")
        #expect(!errors(changing: "friend", to: "Bob").isEmpty)
        #expect(!errors(changing: "score", to: "many").isEmpty)
        #expect(errors(changing: "score", to: 3).isEmpty)
        let both: JSONValue = ["oneOf": [["type": "integer"], ["type": "number"]]]
        #expect(!validator.errors(3, against: both).isEmpty, "oneOf refuses a value two schemas match")
        #expect(!validator.errors(1, against: ["$ref": "#/components/schemas/Nobody"]).isEmpty)
    }

    @Test func findsUndocumentedMembersWhenAskedTo() {
        let open: JSONValue = ["type": "object", "properties": ["id": ["type": "integer"]], "additionalProperties": true]
        #expect(validator.errors(["id": 1, "extra": 2], against: open).isEmpty, "JSON Schema allows them")
        var strict = validator
        strict.membersMustBeDocumented = true
        #expect(!strict.errors(["id": 1, "extra": 2], against: open).isEmpty)
        #expect(!strict.errors([["id": 1, "extra": 2]], against: ["type": "array", "items": open]).isEmpty)
        #expect(strict.errors(["a": 1], against: ["type": "object", "additionalProperties": ["type": "integer"]]).isEmpty, "maps stay maps")
        strict.openComponents = ["Person"]
        #expect(strict.errors(.object(valid), against: person).isEmpty)
    }

    @Test func refusesKeywordsItDoesNotCheck() {
        #expect(!validator.errors(1, against: ["type": "integer", "multipleOf": 2]).isEmpty)
    }
}
