import Fluent

/// The schema's history, in order. A landed migration is never edited; a fix is a new one.
/// From 011 on, one migration type creates or changes one table and is named for it
/// (`CreateContacts`, `AddTicketsChannelMessageID`), in the folder of its number; the store
/// of that table (and `TenantConfiguration`, for a new tenant table) names it too.
enum Migrations001 {
    static func register(on migrations: Migrations) {
        migrations.add(CreateTenants())
        migrations.add(CreateUsers())
        migrations.add(CreateMemberships())
        migrations.add(CreateAPITokens())
        migrations.add(CreateWebSessions())
        migrations.add(CreateAuditEvents())
        Migrations002.register(on: migrations)
        migrations.add(CreateCustomTemplates())
        migrations.add(CreateSampleRecords())
        migrations.add(AddMembershipTour())
        migrations.add(CreateJobs())
        migrations.add(CreateImports())
        migrations.add(CreateTickets())
        migrations.add(CreateRoutingRules())
        migrations.add(CreateTeamAndSLA())
        migrations.add(AddAssignmentStrategy())
    }
}

/// Onboarding sessions, activity events, tenant activation.
enum Migrations002 {
    static func register(on migrations: Migrations) {
        migrations.add(CreateOnboardingSessions())
        migrations.add(CreateActivityEvents())
        migrations.add(AddTenantActivation())
    }
}
