import OnrampDomain

/// Every API body type, whose schemas are the components of `/openapi.json`. A type missing
/// here that an operation or another schema references leaves a `$ref` unresolved, which the
/// schema tests refuse; so does a type listed here that nothing references.
enum APISchemas {
    static let all: [any APISchema.Type] = [
        // Errors
        ProblemBody.self, FieldError.self,
        // Accounts and API tokens
        AuthController.SignupRequest.self, AuthController.LoginRequest.self, AuthController.CurrentUserResponse.UserInfo.self,
        AuthController.CurrentUserResponse.TenantInfo.self, AuthController.CurrentUserResponse.self, AuthController.SignupResponse.self,
        AuthController.LoginResponse.self,
        APITokenController.CreateRequest.self, APITokenController.TokenResponse.self, APITokenController.CreatedResponse.self,
        APITokenController.ListResponse.self,
        AuditController.EventResponse.self, AuditController.PageResponse.self,
        OperatorController.TenantPage.self,
        // Onboarding, templates, welcome
        OnboardingController.StepResponse.self, OnboardingController.SessionResponse.self, OnboardingController.SuggestionResponse.self,
        OnboardingController.ChecklistResponse.self, OnboardingController.UpdateRequest.self, OnboardingController.VersionRequest.self,
        TemplateController.TemplateList.self, TemplateController.CreateRequest.self, TemplateController.TemplateDetail.self,
        WelcomeController.SampleList.self, WelcomeController.Removed.self, WelcomeController.Tour.self, WelcomeController.TourRequest.self,
        OnboardingLiveEvent.self, ImportLiveEvent.self,
        // Jobs and imports
        JobsController.JobResponse.self, JobsController.JobPage.self,
        ImportsController.ImportResponse.self, ImportsController.ImportPage.self, ImportOptions.self, ImportMapping.Entry.self,
        ImportsController.MappingResponse.self, ImportsController.MappingRequest.self, ImportsController.PreviewResponse.self,
        // Tickets, routing, SLAs
        TicketsController.Requester.self, TicketsController.TicketSummary.self, TicketsController.TicketPage.self,
        TicketsController.Ticket.self, TicketsController.CreateRequest.self, TicketsController.UpdateRequest.self,
        TicketsController.MessageRequest.self, SLAMonitor.State.self,
        Condition.self, ConditionGroup.self, RuleAction.self, RoutingRule.self, RoutingRulesController.RuleInput.self,
        RoutingRulesController.RulePage.self, RoutingRulesController.DryRunRequest.self, RoutingRulesController.DryRunResponse.self,
        SLAController.CalendarInput.self, SLAController.CalendarDTO.self, SLAController.CalendarPage.self,
        SLAController.PolicyInput.self, SLAController.PolicyDTO.self, SLAController.PolicyPage.self,
        WorkflowTemplatesController.Input.self, WorkflowInstaller.Result.self,
        // Team
        TeamController.ProfileInput.self, TeamController.AgentDTO.self, TeamController.AgentPage.self, TeamController.RoleInput.self,
        TeamController.RoleDTO.self, TeamController.RolePage.self, TeamController.CustomRoleInput.self,
        InvitationsController.InvitationDTO.self, InvitationsController.InvitationPage.self, InvitationsController.CreateInput.self,
        InvitationsController.TokenInput.self, InvitationsController.InvitationInfo.self, InvitationsController.AcceptInput.self,
        InvitationsController.Accepted.self,
        TeamDashboardController.Dashboard.self, SandboxController.Sandbox.self, SandboxController.SwitchInput.self,
        AssignmentSettings.Settings.self,
    ]

    /// The document's `components.schemas`: each type's schema under its name.
    static let components: [String: JSONValue] = {
        var components: [String: JSONValue] = [:]
        for type in all {
            precondition(components[type.schemaName] == nil, "two API types are named \(type.schemaName)")
            components[type.schemaName] = type.schema
        }
        return components
    }()
}
