import OnrampDomain

/// JSON schemas of the API's request and response bodies (snake_case, as sent on the wire).
enum Schemas {
    static func ref(_ name: String) -> JSONValue { Schema.ref(name) }

    static let uuid = Schema.string(format: "uuid")
    static let dateTime = Schema.string(format: "date-time")
    static let nullableDateTime = Schema.string(format: "date-time", nullable: true)
    static let role = Schema.string("Role inside the tenant.", enumeration: Role.allCases.map(\.rawValue))

    static let all: [String: JSONValue] = core.merging(team) { first, _ in first }

    static let core: [String: JSONValue] = [
        "SignupRequest": Schema.object([
            "organization_name": Schema.text("The company's name.", maxLength: 120),
            "name": Schema.text("Your name.", maxLength: 120),
            "email": Schema.string("Your work email; unique across Onramp.", format: "email", maxLength: 254),
            "password": Schema.string("At least 12 characters, not a common password.", minLength: 12, maxLength: 72),
        ], required: ["organization_name", "name", "email", "password"]),
        "LoginRequest": Schema.object([
            "email": Schema.string(format: "email", maxLength: 254),
            "password": Schema.string(minLength: 1, maxLength: 1024),
        ], required: ["email", "password"]),
        "User": Schema.object([
            "id": uuid, "email": Schema.string(format: "email"), "name": Schema.string(),
            "is_operator": Schema.boolean,
        ], required: ["id", "email", "name", "is_operator"]),
        "Tenant": Schema.object([
            "id": uuid, "name": Schema.string(), "slug": Schema.string(),
        ], required: ["id", "name", "slug"]),
        "CurrentUser": Schema.object([
            "user": ref("User"),
            "tenant": ["oneOf": [ref("Tenant"), ["type": "null"]]],
            "role": ["oneOf": [role, ["type": "null"]]],
            "permissions": Schema.array(Schema.string()),
            "authenticated_by": Schema.string(enumeration: ["session", "api_token"]),
        ], required: ["user", "permissions", "authenticated_by"]),
        "SignupResponse": Schema.object([
            "user": ref("User"), "tenant": ref("Tenant"), "role": role,
            "api_token": Schema.string("The API token's secret, shown only once."),
            "csrf_token": Schema.string("Send as `X-CSRF-Token` on unsafe requests made with the session cookie."),
        ], required: ["user", "tenant", "role", "api_token", "csrf_token"]),
        "LoginResponse": Schema.object([
            "current": ref("CurrentUser"),
            "csrf_token": Schema.string("Send as `X-CSRF-Token` on unsafe requests made with the session cookie."),
        ], required: ["current", "csrf_token"]),
        "CreateApiTokenRequest": Schema.object([
            "name": Schema.text("What the token is for.", maxLength: 100),
            "expires_in_days": ["type": ["integer", "null"], "minimum": 1, "maximum": 3650,
                                "description": "Days until it stops working; omit or null for no expiry."],
        ], required: ["name"]),
        "ApiToken": Schema.object([
            "id": uuid, "name": Schema.string(), "prefix": Schema.string("The first characters, to tell tokens apart."),
            "user_id": uuid, "created_at": dateTime, "expires_at": nullableDateTime,
            "last_used_at": nullableDateTime, "revoked_at": nullableDateTime,
        ], required: ["id", "name", "prefix", "user_id", "created_at"]),
        "CreatedApiToken": Schema.object([
            "token": ref("ApiToken"),
            "secret": Schema.string("The bearer token `onr_…`; shown only once."),
        ], required: ["token", "secret"]),
        "ApiTokenList": Schema.object(["items": Schema.array(ref("ApiToken"))], required: ["items"]),
        "AuditEvent": Schema.object([
            "id": uuid, "sequence": Schema.integer(minimum: 1), "actor": Schema.string(), "action": Schema.string(),
            "target": Schema.string(), "changes": ["type": "object", "description": "Before/after summary."],
            "request_id": Schema.string(nullable: true), "occurred_at": dateTime,
            "previous_hash": Schema.string(), "hash": Schema.string(),
        ], required: ["id", "sequence", "actor", "action", "target", "changes", "occurred_at", "previous_hash", "hash"]),
        "TenantSummaryPage": Schema.object([
            "items": Schema.array(Schema.object([
                "id": uuid, "name": Schema.string(), "slug": Schema.string(),
                "status": Schema.string(enumeration: ["active", "suspended"]),
                "members": Schema.integer(minimum: 0), "created_at": nullableDateTime,
                "activated_at": nullableDateTime,
                "onboarding": Schema.object([
                    "state": Schema.string(enumeration: SessionState.allCases.map(\.rawValue)),
                    "progress": Schema.integer(minimum: 0, maximum: 100),
                    "current_step": Schema.string(enumeration: OnboardingStepID.allCases.map(\.rawValue)),
                    "started_at": dateTime, "last_activity_at": nullableDateTime, "completed_at": nullableDateTime,
                    "stalled": Schema.boolean,
                ], required: ["state", "progress", "current_step", "started_at", "stalled"], nullable: true),
            ], required: ["id", "name", "slug", "status", "members"])),
        ], required: ["items"]),
        "OnboardingStep": Schema.object([
            "id": Schema.string(enumeration: OnboardingStepID.allCases.map(\.rawValue)),
            "title": Schema.string(), "state": Schema.string(enumeration: StepState.allCases.map(\.rawValue)),
            "required": Schema.boolean, "prerequisites": Schema.array(Schema.string()),
            "config": ["type": "object", "description": "The step's configuration as saved so far."],
            "warnings": Schema.array(ref("FieldError")),
            "started_at": nullableDateTime, "completed_at": nullableDateTime, "seconds_spent": Schema.integer(minimum: 0),
        ], required: ["id", "title", "state", "required", "prerequisites", "config", "warnings", "seconds_spent"]),
        "OnboardingSession": Schema.object([
            "state": Schema.string(enumeration: SessionState.allCases.map(\.rawValue)),
            "version": Schema.integer(minimum: 1), "progress": Schema.integer(minimum: 0, maximum: 100),
            "current_step": Schema.string(enumeration: OnboardingStepID.allCases.map(\.rawValue)),
            "started_at": dateTime, "paused_at": nullableDateTime, "completed_at": nullableDateTime,
            "steps": Schema.array(ref("OnboardingStep")),
            "next_steps": ["type": ["array", "null"], "items": ["type": "string"],
                           "description": "After completion: what to do next."],
            "template_id": Schema.string("The industry template applied last.", nullable: true),
        ], required: ["state", "version", "progress", "current_step", "started_at", "steps"]),
        "UpdateOnboardingStepRequest": Schema.object([
            "config": ["type": ["object", "null"], "description": "Fields to save; null removes a field. Unmentioned fields are kept."],
            "complete": ["type": ["boolean", "null"], "description": "Validate the whole step and complete it."],
            "version": ["type": ["integer", "null"], "minimum": 1, "maximum": 9_007_199_254_740_991,
                        "description": "The session version this change is based on."],
        ]),
        "VersionRequest": Schema.object([
            "version": ["type": ["integer", "null"], "minimum": 1, "maximum": 9_007_199_254_740_991,
                        "description": "The session version this change is based on."],
        ]),
        "OnboardingChecklist": Schema.object([
            "ready": Schema.boolean,
            "items": Schema.array(Schema.object([
                "id": Schema.string(), "title": Schema.string(), "step": Schema.string(), "met": Schema.boolean,
            ], required: ["id", "title", "step", "met"])),
        ], required: ["ready", "items"]),
        "Job": Schema.object([
            "id": uuid, "kind": Schema.string(), "state": Schema.string(enumeration: JobState.allCases.map(\.rawValue)),
            "priority": Schema.integer(), "run_at": dateTime, "attempts": Schema.integer(minimum: 0),
            "max_attempts": Schema.integer(minimum: 1),
            "progress": Schema.object(["done": Schema.integer(minimum: 0), "total": ["type": ["integer", "null"]],
                                       "message": Schema.string(nullable: true)], required: ["done"]),
            "last_error": Schema.string(nullable: true), "cancel_requested": Schema.boolean,
            "created_at": dateTime, "updated_at": dateTime, "finished_at": nullableDateTime,
        ], required: ["id", "kind", "state", "priority", "run_at", "attempts", "max_attempts", "progress", "cancel_requested",
                      "created_at", "updated_at"]),
        "Import": Schema.object([
            "id": uuid, "file_name": Schema.string(), "byte_size": Schema.integer(minimum: 0), "sha256": Schema.string(),
            "format": Schema.string(enumeration: ImportDetection.Format.allCases.map(\.rawValue)),
            "source": Schema.string(enumeration: ImportDetection.Source.allCases.map(\.rawValue)),
            "object": Schema.string(enumeration: ImportDetection.Object.allCases.map(\.rawValue)),
            "encoding": Schema.string(enumeration: ["utf8", "latin1"]),
            "fields": Schema.array(Schema.string()),
            "state": Schema.string(enumeration: ["uploaded", "queued", "running", "completed", "failed", "cancelled"]),
            "created_at": dateTime, "mapped": Schema.boolean, "options": ref("ImportOptions"),
            "progress": Schema.object(["rows_done": Schema.integer(minimum: 0), "bytes_done": Schema.integer(minimum: 0),
                                       "bytes_total": Schema.integer(minimum: 0), "percent": Schema.integer(minimum: 0, maximum: 100)],
                                      required: ["rows_done", "bytes_done", "bytes_total", "percent"]),
            "counts": ["type": "object", "description": "Object (tickets, contacts, organizations, messages, invitations) → verdict → count.",
                       "additionalProperties": ["type": "object", "additionalProperties": Schema.integer(minimum: 0)]],
            "summary": Schema.string(), "error_count": Schema.integer(minimum: 0), "job_id": Schema.string(format: "uuid", nullable: true),
            "message": Schema.string(nullable: true), "started_at": nullableDateTime, "finished_at": nullableDateTime,
        ], required: ["id", "file_name", "byte_size", "sha256", "format", "source", "object", "encoding", "fields", "state", "created_at",
                      "mapped", "options", "progress", "counts", "summary", "error_count"]),
        "TicketRequester": Schema.object(["id": Schema.string(format: "uuid", nullable: true), "email": Schema.string(nullable: true),
                                          "name": Schema.string(nullable: true)]),
        "TicketSummary": Schema.object([
            "id": uuid, "number": Schema.integer(minimum: 1), "subject": Schema.string(),
            "status": Schema.string(enumeration: TicketStatus.allCases.map(\.rawValue)),
            "priority": Schema.string(enumeration: TicketPriority.allCases.map(\.rawValue)), "channel": Schema.string(),
            "team": Schema.string(nullable: true), "assignee_id": Schema.string(format: "uuid", nullable: true),
            "requester": ref("TicketRequester"), "tags": Schema.array(Schema.string()), "created_at": dateTime, "updated_at": dateTime,
        ], required: ["id", "number", "subject", "status", "priority", "channel", "requester", "tags", "created_at", "updated_at"]),
        "TicketPage": Schema.object(["items": Schema.array(ref("TicketSummary")), "next_before": ["type": ["integer", "null"]]],
                                    required: ["items"]),
        "Ticket": Schema.object([
            "id": uuid, "number": Schema.integer(minimum: 1), "subject": Schema.string(),
            "status": Schema.string(enumeration: TicketStatus.allCases.map(\.rawValue)),
            "priority": Schema.string(enumeration: TicketPriority.allCases.map(\.rawValue)), "channel": Schema.string(),
            "type": Schema.string(nullable: true), "team": Schema.string(nullable: true),
            "assignee_id": Schema.string(format: "uuid", nullable: true), "requester": ref("TicketRequester"),
            "tags": Schema.array(Schema.string()), "custom_fields": ["type": "object", "additionalProperties": Schema.string()],
            "source": Schema.string("The helpdesk it was imported from.", nullable: true),
            "created_at": dateTime, "updated_at": dateTime,
            "sla": ["anyOf": [ref("SlaState"), ["type": "null"]]],
            "queue_reason": Schema.string("Why the ticket waits in its team's queue.", nullable: true),
            "messages": Schema.array(Schema.object([
                "id": uuid, "visibility": Schema.string(enumeration: ["public", "internal"]), "from_customer": Schema.boolean,
                "author": Schema.string(nullable: true), "body": Schema.string(), "created_at": dateTime,
            ], required: ["id", "visibility", "from_customer", "body", "created_at"])),
        ], required: ["id", "number", "subject", "status", "priority", "channel", "requester", "tags", "custom_fields", "created_at",
                      "updated_at", "messages"]),
        // In requests, null means "not given", as leaving the member out does.
        "CreateTicketRequest": Schema.object([
            "subject": Schema.text("The subject.", maxLength: 500),
            "body": Schema.string("The first message (line breaks allowed; at most 100,000 characters).", minLength: 1),
            "priority": Schema.string(enumeration: TicketPriority.allCases.map(\.rawValue), nullable: true),
            "channel": Schema.string(enumeration: TicketDraft.channels, nullable: true),
            "requester": Schema.object(["email": Schema.string(format: "email", nullable: true), "name": Schema.string(nullable: true)],
                                       nullable: true),
            "tags": ["type": ["array", "null"], "items": Schema.string()],
            "custom_fields": ["type": ["object", "null"], "additionalProperties": Schema.string()],
            "team": Schema.string(nullable: true),
        ], required: ["subject", "body"]),
        "UpdateTicketRequest": Schema.object([
            "subject": ["anyOf": [Schema.text("The subject.", maxLength: 500), ["type": "null"]]],
            "status": Schema.string(enumeration: TicketStatus.allCases.map(\.rawValue), nullable: true),
            "priority": Schema.string(enumeration: TicketPriority.allCases.map(\.rawValue), nullable: true),
            "team": Schema.string("A team name; empty to clear.", nullable: true),
            "assignee_id": Schema.string(format: "uuid", nullable: true),
            "tags": ["type": ["array", "null"], "items": Schema.string()],
        ]),
        "AddTicketMessageRequest": Schema.object([
            "body": Schema.string("The message (line breaks allowed; at most 100,000 characters).", minLength: 1),
            "visibility": Schema.string(enumeration: ["public", "internal"], nullable: true),
        ], required: ["body"]),
        "RoutingCondition": Schema.object([
            "field": Schema.string("ticket.subject, ticket.status, ticket.priority, ticket.channel, ticket.category, ticket.tags, ticket.team, "
                                   + "ticket.assignee, ticket.created_at, ticket.updated_at, message.body, message.from_customer, message.channel, "
                                   + "contact.email, contact.name, event.time or custom.<name>."),
            "op": Schema.string(enumeration: ConditionOperator.allCases.map(\.rawValue)),
            "value": ["type": ["string", "number", "boolean", "null"]],
        ], required: ["field", "op"]),
        "RoutingConditions": Schema.object(["all": Schema.array(ref("RoutingCondition")), "any": Schema.array(ref("RoutingCondition"))]),
        "RoutingAction": Schema.object([
            "type": Schema.string(enumeration: RuleAction.types),
        ], required: ["type"], additionalProperties: true),
        "RoutingRuleInput": Schema.object([
            "name": Schema.string(), "position": Schema.integer(minimum: 0, maximum: 100_000),
            "events": Schema.array(Schema.string(enumeration: RuleEvent.allCases.map(\.rawValue))),
            "conditions": ref("RoutingConditions"), "actions": Schema.array(ref("RoutingAction")),
            "stop_processing": Schema.boolean, "enabled": Schema.boolean,
        ], required: ["name", "actions"]),
        "RoutingRule": Schema.object([
            "id": uuid, "name": Schema.string(), "position": Schema.integer(minimum: 0), "version": Schema.integer(minimum: 1),
            "events": Schema.array(Schema.string(enumeration: RuleEvent.allCases.map(\.rawValue))),
            "conditions": ref("RoutingConditions"), "actions": Schema.array(ref("RoutingAction")),
            "stop_processing": Schema.boolean, "enabled": Schema.boolean,
        ], required: ["id", "name", "position", "version", "events", "conditions", "actions", "stop_processing", "enabled"]),
        "RoutingRulePage": Schema.object(["items": Schema.array(ref("RoutingRule"))], required: ["items"]),
        "RoutingDryRunRequest": Schema.object([
            "event": Schema.string("The event to try the rules for (default ticket_created).",
                                   enumeration: RuleEvent.allCases.map(\.rawValue), nullable: true),
        ]),
        "RoutingDryRun": Schema.object([
            "event": Schema.string(enumeration: RuleEvent.allCases.map(\.rawValue)),
            "fired_rule_ids": Schema.array(uuid), "actions": Schema.array(ref("RoutingAction")),
            "trace": Schema.array(Schema.object([
                "rule_id": uuid, "name": Schema.string(), "version": Schema.integer(minimum: 1), "position": Schema.integer(minimum: 0),
                "outcome": Schema.string(enumeration: ["fired", "skipped"]), "reason": Schema.string(),
            ], required: ["rule_id", "name", "version", "position", "outcome", "reason"])),
        ], required: ["event", "fired_rule_ids", "actions", "trace"]),
        "ImportLiveEvent": Schema.object([
            "type": Schema.string(enumeration: ["import"]), "tenant_id": uuid, "import_id": uuid,
            "state": Schema.string(enumeration: ["running", "completed", "failed", "cancelled"]),
            "rows_done": Schema.integer(minimum: 0), "bytes_done": Schema.integer(minimum: 0), "bytes_total": Schema.integer(minimum: 0),
            "percent": Schema.integer(minimum: 0, maximum: 100), "summary": Schema.string(), "error_count": Schema.integer(minimum: 0),
        ], required: ["type", "tenant_id", "import_id", "state", "rows_done", "bytes_done", "bytes_total", "percent", "summary", "error_count"]),
        "ImportOptions": Schema.object([
            "policy": Schema.string(enumeration: DuplicatePolicy.allCases.map(\.rawValue)),
            "default_country": Schema.string("ISO 3166 country of phone numbers without an international prefix.", nullable: true),
            "time_zone": Schema.string("IANA time zone of timestamps without an offset (UTC when absent).", nullable: true),
        ], required: ["policy"]),
        "ImportMappingEntry": Schema.object([
            "field": Schema.string("One of Onramp's fields (target_fields)."),
            "source": Schema.string("A field of the file (source_fields); several joined with ` + ` are concatenated."),
            "confidence": Schema.number,
        ], required: ["field", "source"]),
        "ImportMapping": Schema.object([
            "object": Schema.string(enumeration: ImportObject.allCases.map(\.rawValue)),
            "entries": Schema.array(ref("ImportMappingEntry")),
            "custom_columns": ["type": "object", "additionalProperties": Schema.string()],
            "options": ref("ImportOptions"), "saved": Schema.boolean,
            "source_fields": Schema.array(Schema.string()),
            "target_fields": Schema.array(Schema.object(["key": Schema.string(), "label": Schema.string(), "kind": Schema.string(),
                                                         "required": Schema.boolean], required: ["key", "label", "kind", "required"])),
        ], required: ["object", "entries", "custom_columns", "options", "saved", "source_fields", "target_fields"]),
        "ImportMappingRequest": Schema.object([
            "object": Schema.string(enumeration: ImportObject.allCases.map(\.rawValue)),
            "entries": Schema.array(ref("ImportMappingEntry")),
            "custom_columns": ["type": "object", "additionalProperties": Schema.string()],
            "options": ref("ImportOptions"),
        ], required: ["entries"]),
        "ImportPreview": Schema.object([
            "rows": Schema.array(Schema.object([
                "row": Schema.integer(minimum: 1), "line": Schema.integer(minimum: 1),
                "object": Schema.string(), "verdict": Schema.string(enumeration: ["created", "updated", "unchanged", "duplicate", "rejected"]),
                "reasons": Schema.array(Schema.string()), "values": ["type": "object", "additionalProperties": Schema.string()],
            ], required: ["row", "object", "verdict", "reasons", "values"])),
            "counts": ["type": "object", "additionalProperties": ["type": "object", "additionalProperties": Schema.integer(minimum: 0)]],
            "estimated_records": Schema.integer(minimum: 0), "bytes_read": Schema.integer(minimum: 0),
        ], required: ["rows", "counts", "estimated_records", "bytes_read"]),
        "ImportPage": Schema.object(["items": Schema.array(ref("Import"))], required: ["items"]),
        "JobPage": Schema.object(["items": Schema.array(ref("Job"))], required: ["items"]),
        "SampleList": Schema.object([
            "items": Schema.array(Schema.object([
                "id": uuid, "kind": Schema.string(enumeration: SampleRecord.Kind.allCases.map(\.rawValue)),
                "title": Schema.string(), "body": Schema.string(),
                "details": ["type": "object", "additionalProperties": Schema.string()], "is_sample": Schema.boolean,
            ], required: ["id", "kind", "title", "body", "details", "is_sample"])),
        ], required: ["items"]),
        "SamplesRemoved": Schema.object(["removed": Schema.integer(minimum: 0)], required: ["removed"]),
        "Tour": Schema.object([
            "state": Schema.string(enumeration: GuidedTour.State.allCases.map(\.rawValue)),
            "stop": Schema.integer(minimum: 0),
            "stops": Schema.array(Schema.object(["id": Schema.string(), "title": Schema.string(), "text": Schema.string()],
                                                required: ["id", "title", "text"])),
        ], required: ["state", "stop", "stops"]),
        "TourRequest": Schema.object([
            "action": Schema.string(enumeration: GuidedTour.Progress.Action.allCases.map(\.rawValue)),
        ], required: ["action"]),
        "OnboardingLiveEvent": Schema.object([
            "type": Schema.string(enumeration: ["onboarding"]),
            "tenant_id": uuid,
            "version": Schema.integer(minimum: 1),
            "state": Schema.string(enumeration: SessionState.allCases.map(\.rawValue)),
            "progress": Schema.integer(minimum: 0, maximum: 100),
            "current_step": Schema.string(enumeration: OnboardingStepID.allCases.map(\.rawValue)),
            "started_at": dateTime, "paused_at": dateTime, "completed_at": dateTime, "last_activity_at": dateTime,
            "steps": [
                "type": "object", "description": "Step id → step state.",
                "additionalProperties": Schema.string(enumeration: StepState.allCases.map(\.rawValue)),
            ],
        ], required: ["type", "tenant_id", "version", "state", "progress", "current_step", "started_at", "steps"]),
        "OnboardingSuggestions": Schema.object([
            "items": Schema.array(Schema.object([
                "step": Schema.string(enumeration: OnboardingStepID.allCases.map(\.rawValue)),
                "field": Schema.string("Dotted path in the step's configuration."),
                "value": ["description": "The proposed value."],
                "reason": Schema.string("Why this value is proposed."),
            ], required: ["step", "field", "value", "reason"])),
        ], required: ["items"]),
        "TemplateList": Schema.object([
            "items": Schema.array(Schema.object([
                "id": Schema.string(), "name": Schema.string(), "summary": Schema.string(),
                "required_steps": Schema.array(Schema.string()), "suggested_channels": Schema.array(Schema.string()),
                "kind": Schema.string(enumeration: ["builtin", "custom"]),
                "sharing": Schema.string(enumeration: ["private", "submitted", "approved"], nullable: true),
            ], required: ["id", "name", "summary", "required_steps", "suggested_channels", "kind"])),
        ], required: ["items"]),
        "CreateTemplateRequest": Schema.object([
            "name": Schema.text("The template's name.", maxLength: 120),
            "summary": Schema.string("What it is for (one line).", maxLength: 500,
                                     pattern: #"^[^\x00-\x1F\x7F-\x9F]*$"#, nullable: true),
            "share_with_platform": ["type": ["boolean", "null"],
                                    "description": "Submit it to the platform; an operator approves it for every tenant."],
        ], required: ["name"]),
        "TemplateDetail": Schema.object([
            "id": Schema.string(), "name": Schema.string(), "summary": Schema.string(),
            "required_steps": Schema.array(Schema.string()), "ticket_categories": Schema.array(Schema.string()),
            "sla": ["type": "object", "additionalProperties": Schema.object([
                "first_response_minutes": Schema.integer(minimum: 1), "resolution_minutes": Schema.integer(minimum: 1),
            ], required: ["first_response_minutes", "resolution_minutes"])],
            "business_hours": ["type": "object", "additionalProperties": ["type": "string"]],
            "routing_rules": Schema.array(Schema.object(["name": Schema.string(), "when": Schema.string(), "then": Schema.string()],
                                                        required: ["name", "when", "then"])),
            "faq": Schema.array(Schema.object(["title": Schema.string(), "body": Schema.string()], required: ["title", "body"])),
            "email_templates": Schema.array(Schema.object(["key": Schema.string(), "subject": Schema.string(), "body": Schema.string()],
                                                          required: ["key", "subject", "body"])),
            "suggested_channels": Schema.array(Schema.string()), "portal_features": Schema.array(Schema.string()),
            "defaults": ["type": "object", "description": "Per step: what applyTemplate fills in where nothing was entered."],
        ], required: ["id", "name", "summary", "required_steps", "ticket_categories", "sla", "business_hours",
                      "routing_rules", "faq", "email_templates", "suggested_channels", "portal_features", "defaults"]),
        "AuditEventPage": Schema.object([
            "items": Schema.array(ref("AuditEvent")),
            "next_before": ["type": ["integer", "null"], "description": "Pass as `before` for the next page; null at the end."],
        ], required: ["items"]),
    ]
}
