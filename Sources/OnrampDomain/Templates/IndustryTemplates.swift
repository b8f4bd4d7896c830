/// The built-in industry templates.
public enum IndustryTemplates {
    public static let all: [IndustryTemplate] = [ecommerce, saas, healthcare, education, financialServices, travel, general]

    public static func named(_ id: String) -> IndustryTemplate? { all.first { $0.id == id } }

    static let weekdays9to5: [String: String] = [
        "mon": "09:00-17:00", "tue": "09:00-17:00", "wed": "09:00-17:00", "thu": "09:00-17:00", "fri": "09:00-17:00",
        "sat": "closed", "sun": "closed",
    ]

    static func sla(_ targets: (Int, Int)...) -> [String: IndustryTemplate.SLATarget] {
        var result: [String: IndustryTemplate.SLATarget] = [:]
        for (priority, target) in zip(["low", "normal", "high", "urgent"], targets) {
            result[priority] = .init(firstResponseMinutes: target.0, resolutionMinutes: target.1)
        }
        return result
    }

    static func emails(_ product: String) -> [IndustryTemplate.EmailTemplate] {
        [
            .init(key: "ticket_received", subject: "We received your request [{{ticket.number}}]",
                  body: "Hello {{customer.first_name}},\n\nthanks for contacting {{organization.name}}. We will answer within {{sla.first_response}}.\n"),
            .init(key: "ticket_solved", subject: "Your request [{{ticket.number}}] is solved",
                  body: "Hello {{customer.first_name}},\n\nwe marked your \(product) request as solved. Reply to this email if anything is still open.\n"),
            .init(key: "csat_survey", subject: "How did we do?",
                  body: "Hello {{customer.first_name}},\n\nplease rate the help you received: {{survey.link}}\n"),
        ]
    }

    static let base: Set<OnboardingStepID> = [.organization, .branding, .channels, .team, .workflows, .review]

    public static let ecommerce = IndustryTemplate(
        id: "ecommerce", name: "E-commerce", summary: "Online shops: orders, shipping, returns, payments.",
        requiredSteps: base.union([.portal, .payments]),
        ticketCategories: ["Orders", "Shipping", "Returns & refunds", "Payments", "Product questions", "Account"],
        sla: sla((480, 4320), (240, 2880), (60, 1440), (15, 240)),
        businessHours: weekdays9to5.merging(["sat": "10:00-14:00"]) { _, new in new },
        routingRules: [
            .init(name: "Refunds to billing", when: "subject or message mentions refund", then: "assign team Billing, priority high"),
            .init(name: "Where is my order", when: "message mentions tracking or delivery", then: "tag shipping, suggest article Track your order"),
        ],
        faq: [
            .init(title: "Track your order", body: "Use the tracking link in your shipping confirmation email."),
            .init(title: "Return an item", body: "You can return items within 30 days from the returns page of your account."),
            .init(title: "Payment methods", body: "We accept cards and the payment methods shown at checkout."),
        ],
        emailTemplates: emails("order"), suggestedChannels: ["email", "whatsapp", "instagram"],
        portalFeatures: ["faq", "ticket_submission", "ticket_status"])

    public static let saas = IndustryTemplate(
        id: "saas", name: "SaaS / software", summary: "Software products: bugs, how-to questions, billing, accounts.",
        requiredSteps: base.union([.knowledgeBase]),
        ticketCategories: ["Bug report", "How-to", "Feature request", "Billing", "Account & access", "Integrations"],
        sla: sla((1440, 10080), (480, 4320), (120, 1440), (30, 480)),
        businessHours: weekdays9to5,
        routingRules: [
            .init(name: "Outages are urgent", when: "message mentions down, outage or cannot log in", then: "priority urgent, notify on-call"),
            .init(name: "Billing questions", when: "category is Billing", then: "assign team Billing"),
        ],
        faq: [
            .init(title: "Reset your password", body: "Use Forgot password on the sign-in page; the link is valid for one hour."),
            .init(title: "Invite teammates", body: "Admins invite teammates from Settings → Team."),
            .init(title: "Change your plan", body: "Owners change plans from Settings → Billing."),
        ],
        emailTemplates: emails("support"), suggestedChannels: ["email"],
        portalFeatures: ["faq", "ticket_submission", "ticket_status"])

    public static let healthcare = IndustryTemplate(
        id: "healthcare", name: "Healthcare", summary: "Clinics and practices: appointments, prescriptions, billing; privacy first.",
        requiredSteps: base,
        ticketCategories: ["Appointments", "Prescriptions", "Test results", "Billing & insurance", "Records requests"],
        sla: sla((1440, 7200), (480, 2880), (60, 480), (15, 120)),
        businessHours: weekdays9to5.merging(["mon": "08:00-18:00", "tue": "08:00-18:00", "wed": "08:00-18:00",
                                             "thu": "08:00-18:00", "fri": "08:00-16:00"]) { _, new in new },
        routingRules: [
            .init(name: "Emergencies", when: "message mentions emergency or chest pain", then: "priority urgent, reply with emergency number"),
            .init(name: "Records requests", when: "category is Records requests", then: "assign team Records"),
        ],
        faq: [
            .init(title: "Book or change an appointment", body: "Book online or call us during opening hours."),
            .init(title: "Repeat prescriptions", body: "Request repeat prescriptions at least three working days ahead."),
        ],
        emailTemplates: emails("patient"), suggestedChannels: ["email", "portal"],
        portalFeatures: ["faq", "ticket_submission"])

    public static let education = IndustryTemplate(
        id: "education", name: "Education", summary: "Schools, universities and course providers: enrolment, courses, IT help.",
        requiredSteps: base.union([.knowledgeBase]),
        ticketCategories: ["Admissions", "Enrolment", "Courses & timetable", "Fees", "IT & accounts", "Exams"],
        sla: sla((2880, 14400), (1440, 7200), (240, 2880), (60, 480)),
        businessHours: weekdays9to5,
        routingRules: [.init(name: "IT help", when: "category is IT & accounts", then: "assign team IT service desk")],
        faq: [
            .init(title: "Enrolment deadlines", body: "Deadlines for each term are listed on the admissions page."),
            .init(title: "Student account access", body: "Your student account is activated within one working day of enrolment."),
        ],
        emailTemplates: emails("student"), suggestedChannels: ["email", "portal"],
        portalFeatures: ["faq", "ticket_submission", "ticket_status"])

    public static let financialServices = IndustryTemplate(
        id: "financial_services", name: "Financial services", summary: "Banks, fintechs and insurers: accounts, cards, payments, fraud.",
        requiredSteps: base.union([.knowledgeBase, .analytics]),
        ticketCategories: ["Accounts", "Cards", "Payments & transfers", "Fraud & security", "Loans", "Statements"],
        sla: sla((1440, 7200), (240, 2880), (60, 720), (10, 120)),
        businessHours: weekdays9to5.merging(["mon": "08:00-20:00", "tue": "08:00-20:00", "wed": "08:00-20:00",
                                             "thu": "08:00-20:00", "fri": "08:00-20:00"]) { _, new in new },
        routingRules: [
            .init(name: "Fraud is urgent", when: "message mentions fraud, stolen or unauthorised", then: "priority urgent, assign team Fraud"),
            .init(name: "Card issues", when: "category is Cards", then: "assign team Cards"),
        ],
        faq: [
            .init(title: "Block a lost card", body: "Block your card at once in the app or by phone, day and night."),
            .init(title: "Transfer times", body: "Domestic transfers arrive the next working day."),
        ],
        emailTemplates: emails("account"), suggestedChannels: ["email", "whatsapp"],
        portalFeatures: ["faq", "ticket_submission", "ticket_status"])

    public static let travel = IndustryTemplate(
        id: "travel", name: "Travel & hospitality", summary: "Hotels, airlines, tour operators: bookings, changes, cancellations.",
        requiredSteps: base.union([.portal]),
        ticketCategories: ["Bookings", "Changes", "Cancellations & refunds", "Check-in", "Special requests", "Complaints"],
        sla: sla((720, 4320), (240, 1440), (60, 480), (15, 120)),
        businessHours: ["mon": "07:00-22:00", "tue": "07:00-22:00", "wed": "07:00-22:00", "thu": "07:00-22:00",
                        "fri": "07:00-22:00", "sat": "08:00-20:00", "sun": "08:00-20:00"],
        routingRules: [
            .init(name: "Travelling today", when: "message mentions today or tonight", then: "priority urgent"),
            .init(name: "Refunds", when: "category is Cancellations & refunds", then: "assign team Refunds"),
        ],
        faq: [
            .init(title: "Change a booking", body: "Change dates from Manage booking up to 24 hours before arrival."),
            .init(title: "Cancellation policy", body: "Free cancellation applies as shown on your booking confirmation."),
        ],
        emailTemplates: emails("booking"), suggestedChannels: ["email", "whatsapp", "instagram"],
        portalFeatures: ["faq", "ticket_submission", "ticket_status"])

    public static let general = IndustryTemplate(
        id: "general", name: "General", summary: "A balanced starting point for any business.",
        requiredSteps: base,
        ticketCategories: ["General question", "Billing", "Technical problem", "Feedback"],
        sla: sla((1440, 7200), (480, 2880), (120, 1440), (30, 480)),
        businessHours: weekdays9to5,
        routingRules: [.init(name: "Billing questions", when: "category is Billing", then: "assign team Billing")],
        faq: [.init(title: "How to contact us", body: "Write to us by email or through this portal; we answer on working days.")],
        emailTemplates: emails("support"), suggestedChannels: ["email"],
        portalFeatures: ["faq", "ticket_submission"])
}
