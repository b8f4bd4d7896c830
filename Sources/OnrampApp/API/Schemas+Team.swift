import OnrampDomain

/// Schemas of SLAs, business calendars, the team, invitations, the dashboard and sandboxes.
extension Schemas {
    static let minutes = Schema.integer(minimum: 1, maximum: 525_600)
    static let weekdayKeys: JSONValue = ["enum": .array(BusinessCalendar.Weekday.allCases.flatMap { [.string($0.rawValue), .string($0.fullName)] })]
    static let metricState: JSONValue = Schema.object([
        "metric": Schema.string(enumeration: SLAMetric.allCases.map(\.rawValue)),
        "state": Schema.string(enumeration: ["active", "paused", "achieved", "breached"]),
        "target_minutes": Schema.integer(minimum: 1), "started_at": dateTime, "due_at": nullableDateTime,
        "remaining_business_minutes": ["type": ["integer", "null"]], "warning_at": nullableDateTime,
        "breached_at": nullableDateTime, "achieved_at": nullableDateTime,
    ], required: ["metric", "state", "target_minutes", "started_at"])

    static let slaPolicyMembers: [String: JSONValue] = [
        "name": Schema.text("The policy's name.", maxLength: 120),
        "conditions": Schema.object([
            "priorities": ["type": ["array", "null"], "items": Schema.string(enumeration: TicketPriority.allCases.map(\.rawValue))],
            "channels": ["type": ["array", "null"], "items": Schema.string()],
            "tags": ["type": ["array", "null"], "items": Schema.string()],
        ]),
        "targets": [
            "type": "object", "description": "Per priority, minutes of business time per metric.",
            "propertyNames": ["enum": .array(TicketPriority.allCases.map { .string($0.rawValue) })],
            "additionalProperties": Schema.object([
                "first_response_minutes": minutes, "next_response_minutes": minutes,
                "periodic_update_minutes": minutes, "resolution_minutes": minutes,
            ]),
        ],
        "paused_statuses": [
            "type": "object", "description": "Per metric, the statuses in which its clock stands still.",
            "propertyNames": ["enum": .array(SLAMetric.allCases.map { .string($0.rawValue) })],
            "additionalProperties": Schema.array(Schema.string(enumeration: TicketStatus.allCases.map(\.rawValue))),
        ],
        "warning_minutes": Schema.integer("Warn when this many business minutes remain.", minimum: 0, maximum: 10_080),
        "calendar_hours": Schema.boolean,
        "calendar_id": Schema.string("A business calendar's id; the default calendar when absent.", format: "uuid", nullable: true),
        "escalation": Schema.array(Schema.object([
            "after_minutes": Schema.integer(minimum: 0, maximum: 43_200),
            "notify": Schema.array(Schema.string("assignee, role:supervisor, role:admin, role:owner or an email address.")),
        ], required: ["after_minutes", "notify"])),
    ]

    static let agentProfileMembers: [String: JSONValue] = [
        "skills": ["type": "object", "additionalProperties": Schema.integer(minimum: 1, maximum: 5)],
        "languages": Schema.array(Schema.string()),
        "time_zone": Schema.string("IANA time zone of the working hours."),
        "working_hours": ["type": "object", "propertyNames": weekdayKeys, "additionalProperties": Schema.string("09:00-17:00, several shifts separated by commas, or closed.")],
        "capacity": Schema.integer("Most open tickets at once.", minimum: 0, maximum: 1000),
        "teams": Schema.array(Schema.string()),
    ]

    static let dashboardMembers: [String: JSONValue] = [
        "agent_id": Schema.string(format: "uuid", nullable: true), "open_tickets": Schema.integer(minimum: 0),
        "tickets_received": Schema.integer(minimum: 0), "tickets_solved": Schema.integer(minimum: 0),
        "median_first_response_minutes": ["type": ["number", "null"]], "median_resolution_minutes": ["type": ["number", "null"]],
        "sla_attainment": ["type": ["number", "null"], "minimum": 0, "maximum": 1], "sla_measured": Schema.integer(minimum: 0),
    ]
    static let dashboardRow = Schema.object(dashboardMembers, required: ["open_tickets", "tickets_received", "tickets_solved", "sla_measured"])

    static let team: [String: JSONValue] = [
        "SlaState": Schema.object(["policy_id": uuid, "policy_name": Schema.string(), "metrics": Schema.array(metricState)],
                                  required: ["policy_id", "policy_name", "metrics"]),
        "BusinessCalendarInput": Schema.object([
            "name": Schema.text("The calendar's name.", maxLength: 120),
            "time_zone": Schema.string("IANA time zone, such as Europe/Berlin."),
            "hours": ["type": ["object", "null"], "propertyNames": weekdayKeys,
                      "additionalProperties": Schema.string("09:00-17:00, 09:00-12:00, 13:00-17:00, 22:00-06:00 or closed.")],
            "holidays": ["type": ["array", "null"], "items": Schema.string("2026-12-24 for one day, 12-25 for every year.")],
            "calendar_hours": ["type": ["boolean", "null"]], "is_default": ["type": ["boolean", "null"]],
        ], required: ["name", "time_zone"]),
        "BusinessCalendar": Schema.object([
            "id": uuid, "name": Schema.string(), "is_default": Schema.boolean, "time_zone": Schema.string(), "calendar_hours": Schema.boolean,
            "hours": ["type": "object", "additionalProperties": Schema.string()], "holidays": Schema.array(Schema.string()), "created_at": dateTime,
        ], required: ["id", "name", "is_default", "time_zone", "calendar_hours", "hours", "holidays", "created_at"]),
        "BusinessCalendarPage": Schema.object(["items": Schema.array(ref("BusinessCalendar"))], required: ["items"]),
        // In requests, null means "not given" (the default) for every optional member.
        "SlaPolicyInput": Schema.object(slaPolicyMembers.merging(["position": Schema.integer(minimum: 0, maximum: 100_000)]) { a, _ in a }
                                            .reduce(into: [String: JSONValue]()) { members, member in
                                                members[member.key] = ["name", "targets"].contains(member.key) ? member.value
                                                    : ["anyOf": [member.value, ["type": "null"]]]
                                            },
                                        required: ["name", "targets"]),
        "SlaPolicy": Schema.object(slaPolicyMembers.merging(["id": uuid, "position": Schema.integer(minimum: 0), "created_at": dateTime]) { a, _ in a },
                                   required: ["id", "name", "position", "conditions", "targets", "paused_statuses", "warning_minutes",
                                              "calendar_hours", "escalation", "created_at"]),
        "SlaPolicyPage": Schema.object(["items": Schema.array(ref("SlaPolicy"))], required: ["items"]),
        // In requests, null means "not given" (the default), as leaving the member out does.
        "AgentProfileInput": Schema.object([
            "skills": ["type": ["object", "null"], "additionalProperties": Schema.integer(minimum: 1, maximum: 5)],
            "languages": ["type": ["array", "null"], "items": Schema.string()],
            "time_zone": Schema.string("IANA time zone of the working hours (default UTC).", nullable: true),
            "working_hours": ["type": ["object", "null"], "propertyNames": weekdayKeys,
                              "additionalProperties": Schema.string("09:00-17:00, several shifts separated by commas, or closed.")],
            "capacity": ["type": ["integer", "null"], "minimum": 0, "maximum": 1000, "description": "Most open tickets at once (default 20)."],
            "teams": ["type": ["array", "null"], "items": Schema.string()],
            "availability": Schema.string(enumeration: AgentProfile.Availability.allCases.map(\.rawValue), nullable: true),
        ]),
        "Agent": Schema.object([
            "user_id": uuid, "name": Schema.string(), "email": Schema.string(), "role": role,
            "custom_role": Schema.object(["id": uuid, "name": Schema.string()], required: ["id", "name"], nullable: true),
            "availability": Schema.string(enumeration: AgentProfile.Availability.allCases.map(\.rawValue)),
            "open_tickets": Schema.integer(minimum: 0), "profile": Schema.object(agentProfileMembers),
        ], required: ["user_id", "name", "email", "role", "availability", "open_tickets", "profile"]),
        "AgentPage": Schema.object(["items": Schema.array(ref("Agent"))], required: ["items"]),
        "MemberRoleInput": Schema.object([
            "role": Schema.string(enumeration: Role.allCases.map(\.rawValue), nullable: true),
            "custom_role_id": Schema.string(format: "uuid", nullable: true),
        ]),
        "Role": Schema.object([
            "id": Schema.string("A template's name, or a custom role's id."), "name": Schema.string(),
            "kind": Schema.string(enumeration: ["template", "custom"]), "permissions": Schema.array(Schema.string()),
        ], required: ["id", "name", "kind", "permissions"]),
        "RolePage": Schema.object(["items": Schema.array(ref("Role")),
                                   "grantable_permissions": Schema.array(Schema.string("A permission a custom role may hold."))],
                                  required: ["items", "grantable_permissions"]),
        "Invitation": Schema.object([
            "id": uuid, "email": Schema.string(), "name": Schema.string(nullable: true), "role": role,
            "custom_role_id": Schema.string(format: "uuid", nullable: true),
            "state": Schema.string(enumeration: InvitationState.allCases.map(\.rawValue)),
            "expires_at": nullableDateTime, "sent_at": nullableDateTime, "send_count": Schema.integer(minimum: 0),
            "accepted_at": nullableDateTime, "created_at": dateTime,
        ], required: ["id", "email", "role", "state", "send_count", "created_at"]),
        "InvitationPage": Schema.object(["items": Schema.array(ref("Invitation"))], required: ["items"]),
        "CreateInvitationRequest": Schema.object([
            "email": Schema.string(format: "email", maxLength: 254), "name": Schema.string(nullable: true),
            "role": Schema.string(enumeration: Role.allCases.filter { $0 != .owner }.map(\.rawValue), nullable: true),
            "custom_role_id": Schema.string(format: "uuid", nullable: true),
        ], required: ["email"]),
        "InvitationTokenRequest": Schema.object(["token": Schema.string("The token from the invitation link (inv_…).")], required: ["token"]),
        "InvitationInfo": Schema.object([
            "email": Schema.string(), "name": Schema.string(nullable: true), "tenant_name": Schema.string(), "role": role,
            "state": Schema.string(enumeration: InvitationState.allCases.map(\.rawValue) + ["expired", "unknown"]),
            "message": Schema.string(), "expires_at": nullableDateTime, "has_account": Schema.boolean,
        ], required: ["email", "tenant_name", "role", "state", "message", "has_account"]),
        "AcceptInvitationRequest": Schema.object([
            "token": Schema.string("The token from the invitation link (inv_…)."),
            "name": Schema.string("Your name (for a new account).", nullable: true),
            "password": Schema.string("A new password (12 characters or more), or the existing account's password."),
        ], required: ["token", "password"]),
        "AcceptedInvitation": Schema.object([
            "user_id": uuid, "tenant_id": uuid, "tenant_name": Schema.string(), "email": Schema.string(), "role": role,
            "csrf_token": Schema.string(),
        ], required: ["user_id", "tenant_id", "tenant_name", "email", "role", "csrf_token"]),
        "TeamDashboard": Schema.object([
            "from": dateTime, "to": dateTime, "team": dashboardRow,
            "agents": Schema.array(Schema.object(dashboardMembers.merging(["name": Schema.string(), "email": Schema.string()]) { a, _ in a },
                                                 required: ["name", "email", "open_tickets"])),
            "tickets_considered": Schema.integer(minimum: 0), "truncated": Schema.boolean,
        ], required: ["from", "to", "team", "agents", "tickets_considered", "truncated"]),
        "Sandbox": Schema.object([
            "tenant_id": uuid, "name": Schema.string(), "slug": Schema.string(), "created_at": nullableDateTime,
            "practice_tickets": Schema.integer(minimum: 0),
        ], required: ["tenant_id", "name", "slug", "practice_tickets"]),
        "SwitchTenantRequest": Schema.object(["tenant_id": uuid], required: ["tenant_id"]),
        "InstallWorkflowsRequest": Schema.object(["time_zone": Schema.string("IANA time zone of the template's hours (default UTC).", nullable: true)]),
        "InstalledWorkflows": Schema.object([
            "calendar": Schema.string(nullable: true), "sla_policy": Schema.string(nullable: true),
            "rules_created": Schema.array(Schema.string()), "skipped": Schema.array(Schema.string()),
            "not_converted": Schema.array(Schema.string()),
        ], required: ["rules_created", "skipped", "not_converted"]),
        "AssignmentSettings": Schema.object([
            "strategy": Schema.string("least_loaded: fewest open tickets first; round_robin: in turn.",
                                      enumeration: AssignmentSettings.Strategy.allCases.map(\.rawValue)),
        ], required: ["strategy"]),
        "CustomRoleInput": Schema.object([
            "name": Schema.text("The role's name.", maxLength: 60),
            "permissions": Schema.array(Schema.string(enumeration: Permission.grantable.map(\.rawValue).sorted())),
        ], required: ["name", "permissions"]),
    ]
}
