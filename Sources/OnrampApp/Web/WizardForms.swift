import Foundation
import OnrampDomain

/// The form of each onboarding step in the wizard: which configuration keys it edits, how,
/// and the help beside them. Paths are the dotted keys `StepValidator` names in its errors,
/// so the API's messages land next to their fields.
struct WizardField: Sendable {
    enum Kind: String, Sendable {
        case text, email, url, textarea, select, checkboxes, color, number, toggle, tags, secret, invites
    }

    let path: String
    let label: String
    let kind: Kind
    var help: String?
    /// A tooltip for fields whose meaning is not obvious.
    var tip: String?
    var options: [(value: String, label: String)] = []
    var placeholder: String?
    var required = false
    var list: String?

    /// The HTML id of the field's control.
    var id: String { "f-" + path.replacingOccurrences(of: ".", with: "-") }
}

struct WizardFieldGroup: Sendable {
    let legend: String?
    let fields: [WizardField]
}

struct WizardStepForm: Sendable {
    let intro: String
    let help: String
    let groups: [WizardFieldGroup]
}

enum WizardForms {
    static let industryLabels: [String: String] = [
        "ecommerce": "E-commerce", "saas": "SaaS and software", "healthcare": "Healthcare", "education": "Education",
        "financial_services": "Financial services", "travel": "Travel and hospitality", "general": "Other / general",
    ]

    static func form(for step: OnboardingStepID) -> WizardStepForm {
        switch step {
        case .organization:
            WizardStepForm(
                intro: "Tell us about your company. These details appear on your portal and in emails.",
                help: "The time zone sets business hours and report periods; the languages are those your customers write in. "
                    + "Choose an industry template below to pre-fill the rest of the setup with sensible defaults.",
                groups: [.init(legend: nil, fields: [
                    .init(path: "legal_name", label: "Legal name", kind: .text, help: "As on your invoices.", required: true),
                    .init(path: "display_name", label: "Display name", kind: .text,
                          tip: "The short name customers see in the portal header and email signatures.", required: true),
                    .init(path: "industry", label: "Industry", kind: .select,
                          options: StepValidator.industries.map { ($0, industryLabels[$0] ?? $0) }, required: true),
                    .init(path: "size_band", label: "Support team size", kind: .select,
                          tip: "How many people answer customers; used to suggest SLA targets.",
                          options: StepValidator.sizeBands.map { ($0, "\($0) agents") }, required: true),
                    .init(path: "country", label: "Country", kind: .text, help: "Two-letter code, e.g. DE or US.",
                          placeholder: "DE", required: true),
                    .init(path: "time_zone", label: "Time zone", kind: .text, help: "An IANA name such as Europe/Berlin.",
                          placeholder: "Europe/Berlin", required: true, list: "time-zones"),
                    .init(path: "languages", label: "Languages", kind: .tags, help: "Language codes separated by commas, e.g. en, de.",
                          placeholder: "en, de", required: true),
                    .init(path: "support_email", label: "Support email", kind: .email, required: true),
                    .init(path: "website", label: "Website", kind: .url, placeholder: "https://example.com"),
                ])])
        case .branding:
            WizardStepForm(
                intro: "Make the portal and emails look like your brand. The preview updates as you type.",
                help: "Text must stand out from the background: WCAG 2.x asks for a contrast of at least 4.5:1, and you will see a "
                    + "warning below that. Custom CSS may only use safe properties (colours, fonts, spacing, borders); "
                    + "url(), @import and scripts are refused.",
                groups: [.init(legend: nil, fields: [
                    .init(path: "brand_name", label: "Brand name", kind: .text, tip: "Shown in the portal header; defaults to the display name."),
                    .init(path: "logo_url", label: "Logo URL", kind: .url, help: "An https address of a PNG or SVG logo.",
                          placeholder: "https://example.com/logo.svg"),
                    .init(path: "primary_color", label: "Primary colour", kind: .color, help: "Buttons and links.", required: true),
                    .init(path: "text_color", label: "Text colour", kind: .color, required: true),
                    .init(path: "background_color", label: "Background colour", kind: .color, required: true),
                    .init(path: "custom_css", label: "Custom CSS", kind: .textarea,
                          tip: "Optional rules for the portal, e.g. .header { border-radius: 8px; }",
                          placeholder: ".header { border-radius: 8px; }"),
                ])])
        case .channels:
            WizardStepForm(
                intro: "Choose where customers reach you. Secrets are encrypted before they are stored and never shown again.",
                help: "Email needs the address customers write to. WhatsApp needs the phone number id and token from Meta's "
                    + "WhatsApp Manager; Instagram needs the account id and a page access token.",
                groups: [
                    .init(legend: nil, fields: [
                        .init(path: "enabled", label: "Channels", kind: .checkboxes,
                              options: [("email", "Email"), ("whatsapp", "WhatsApp"), ("instagram", "Instagram"), ("portal", "Web portal")],
                              required: true),
                    ]),
                    .init(legend: "Email", fields: [
                        .init(path: "email.address", label: "Support inbox address", kind: .email, placeholder: "support@example.com"),
                        .init(path: "email.password", label: "Mailbox password", kind: .secret,
                              tip: "Used to fetch mail over IMAP; stored encrypted."),
                    ]),
                    .init(legend: "WhatsApp", fields: [
                        .init(path: "whatsapp.phone_number_id", label: "Phone number id", kind: .text,
                              tip: "The numeric id Meta shows under WhatsApp Manager → Phone numbers (not the phone number)."),
                        .init(path: "whatsapp.display_phone", label: "Phone number", kind: .text, placeholder: "+49 30 1234567"),
                        .init(path: "whatsapp.access_token", label: "Access token", kind: .secret),
                    ]),
                    .init(legend: "Instagram", fields: [
                        .init(path: "instagram.account_id", label: "Instagram account id", kind: .text,
                              tip: "The numeric Instagram professional account id."),
                        .init(path: "instagram.access_token", label: "Page access token", kind: .secret),
                    ]),
                ])
        case .ai:
            WizardStepForm(
                intro: "Let automation classify tickets and suggest replies. Optional.",
                help: "Classification sets category and priority from the first message; suggested replies draft answers from "
                    + "your knowledge base. An OpenAI-compatible endpoint can be your own.",
                groups: [.init(legend: nil, fields: [
                    .init(path: "classification_enabled", label: "Classify new tickets automatically", kind: .toggle),
                    .init(path: "suggested_replies_enabled", label: "Suggest replies to agents", kind: .toggle),
                    .init(path: "llm_provider", label: "Language model", kind: .select,
                          options: [("none", "None"), ("openai_compatible", "OpenAI-compatible endpoint")]),
                    .init(path: "llm_base_url", label: "Endpoint URL", kind: .url, tip: "Needed for an OpenAI-compatible endpoint.",
                          placeholder: "https://llm.example.com/v1"),
                ])])
        case .knowledgeBase:
            WizardStepForm(
                intro: "Group your help articles. Optional; templates suggest categories.",
                help: "Categories organise the FAQ on your portal. Each has 1 to 80 characters and appears once.",
                groups: [.init(legend: nil, fields: [
                    .init(path: "categories", label: "Categories", kind: .tags, help: "Separated by commas.",
                          placeholder: "Orders, Shipping, Returns"),
                ])])
        case .payments:
            WizardStepForm(
                intro: "Take payments for paid support plans or orders. Optional.",
                help: "Turn payments on to connect Stripe later; the currency is a three-letter ISO 4217 code.",
                groups: [.init(legend: nil, fields: [
                    .init(path: "enabled", label: "Accept payments", kind: .toggle),
                    .init(path: "currency", label: "Currency", kind: .text, placeholder: "EUR"),
                ])])
        case .team:
            WizardStepForm(
                intro: "Invite the people who answer customers. Invitations are sent when you activate the desk.",
                help: "Admins configure everything, supervisors manage queues and reports, agents answer tickets, viewers only read.",
                groups: [.init(legend: nil, fields: [
                    .init(path: "invites", label: "Invitations", kind: .invites,
                          options: Role.allCases.filter { $0 != .owner }.map { ($0.rawValue, $0.rawValue.replacingOccurrences(of: "_", with: " ").capitalized) }),
                ])])
        case .workflows:
            WizardStepForm(
                intro: "Set response targets per priority and your opening hours.",
                help: "First response is the time to the first public reply, resolution the time to solve; both are counted in "
                    + "business hours. Write hours as 09:00-17:00, several slots separated by commas, 22:00-06:00 for a night, or closed.",
                groups: StepValidator.priorities.map { priority in
                    WizardFieldGroup(legend: "\(priority.capitalized) priority (minutes)", fields: [
                        .init(path: "sla.\(priority).first_response_minutes", label: "First response", kind: .number, required: true),
                        .init(path: "sla.\(priority).resolution_minutes", label: "Resolution", kind: .number, required: true),
                    ])
                } + [WizardFieldGroup(legend: "Business hours", fields: [
                    .init(path: "business_hours.time_zone", label: "Time zone", kind: .text, placeholder: "Europe/Berlin",
                          required: true, list: "time-zones"),
                ] + zip(StepValidator.weekdays, ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]).map {
                    WizardField(path: "business_hours.\($0.0)", label: $0.1, kind: .text, placeholder: "09:00-17:00 or closed")
                })])
        case .portal:
            WizardStepForm(
                intro: "Your customer portal: where customers find answers and follow their tickets.",
                help: "The subdomain gives the portal an address on our domain; a custom domain needs a CNAME record pointing to it.",
                groups: [.init(legend: nil, fields: [
                    .init(path: "subdomain", label: "Subdomain", kind: .text, help: "3 to 63 lower-case letters, digits and hyphens.",
                          placeholder: "acme", required: true),
                    .init(path: "custom_domain", label: "Custom domain", kind: .text, tip: "Optional, e.g. help.example.com.",
                          placeholder: "help.example.com"),
                    .init(path: "features", label: "Features", kind: .checkboxes,
                          options: [("faq", "FAQ"), ("ticket_submission", "Ticket submission"), ("ticket_status", "Ticket status")],
                          required: true),
                ])])
        case .dataImport:
            WizardStepForm(
                intro: "Bring your tickets, contacts and organisations from your previous helpdesk.",
                help: "Choose where your data comes from; the import itself runs in the background after activation and "
                    + "never sends notifications for imported records.",
                groups: [.init(legend: nil, fields: [
                    .init(path: "source", label: "Import from", kind: .select,
                          options: [("none", "Nothing to import"), ("zendesk", "Zendesk"), ("freshdesk", "Freshdesk"),
                                    ("helpscout", "Help Scout"), ("csv", "CSV file"), ("json", "JSON file"), ("xml", "XML file")],
                          required: true),
                ])])
        case .analytics:
            WizardStepForm(
                intro: "Measure satisfaction and send reports. Optional.",
                help: "CSAT asks customers to rate a solved ticket. A GA4 measurement id sends portal visits to Google Analytics.",
                groups: [.init(legend: nil, fields: [
                    .init(path: "csat_enabled", label: "Ask customers for a satisfaction rating", kind: .toggle),
                    .init(path: "ga4_measurement_id", label: "GA4 measurement id", kind: .text,
                          tip: "Looks like G-ABC123XYZ; find it under Admin → Data streams.", placeholder: "G-ABC123XYZ"),
                    .init(path: "report_email", label: "Send weekly reports to", kind: .email),
                ])])
        case .review:
            WizardStepForm(
                intro: "Check everything once more, then activate your desk.",
                help: "Every required step must be completed. Unmet items link to their step.",
                groups: [])
        }
    }
}
