import Foundation

/// What the `workflows` step of onboarding, or an industry template installed in one call,
/// turns into on the live desk: a default business calendar, an SLA policy with targets per
/// priority, and routing rules (WF-1, WF-3, WF-4).
public struct WorkflowSetup: Sendable {
    public var calendarName: String
    public var calendar: BusinessCalendar?
    public var policy: SLAPolicy?
    public var rules: [TemplateRuleConversion]

    /// From the onboarding `workflows` step (`sla.<priority>.first_response_minutes` and
    /// `resolution_minutes`, `business_hours` with `time_zone` and the days, `holidays`) and,
    /// when the tenant applied one, the template's routing rules. Parts that do not read are
    /// left out (the step validated them when it was completed).
    public static func fromOnboarding(_ config: StepConfig, template: IndustryTemplate?) -> WorkflowSetup {
        var setup = WorkflowSetup(calendarName: "Business hours", calendar: nil, policy: nil,
                                  rules: template.map { RoutingRule.fromTemplate($0) } ?? [])
        if let hours = config["business_hours"]?.objectValue {
            var days: [String: String] = [:]
            for (key, value) in hours where key != "time_zone" { if let text = value.stringValue { days[key] = text } }
            let holidays = config["holidays"]?.arrayValue?.compactMap(\.stringValue) ?? []
            setup.calendar = try? BusinessCalendar.parse(timeZone: hours["time_zone"]?.stringValue ?? "", hours: days, holidays: holidays)
        }
        if let sla = config["sla"]?.objectValue {
            var targets: [TicketPriority: SLAPolicy.Targets] = [:]
            for priority in TicketPriority.allCases {
                guard let target = sla[priority.rawValue]?.objectValue else { continue }
                let first = target["first_response_minutes"]?.numberValue.flatMap { Int(exactly: $0) }
                let resolution = target["resolution_minutes"]?.numberValue.flatMap { Int(exactly: $0) }
                if first != nil || resolution != nil { targets[priority] = .init(firstResponse: first, resolution: resolution) }
            }
            if !targets.isEmpty { setup.policy = SLAPolicy(name: "Standard SLA", targets: targets) }
        }
        return setup
    }

    /// Everything an industry template says about workflows: its hours (in `timeZone`), its
    /// SLA targets as a policy named after it, and its routing rules.
    public static func fromTemplate(_ template: IndustryTemplate, timeZone: String) -> WorkflowSetup {
        var targets: [TicketPriority: SLAPolicy.Targets] = [:]
        for (key, target) in template.sla {
            guard let priority = TicketPriority(rawValue: key) else { continue }
            targets[priority] = .init(firstResponse: target.firstResponseMinutes, resolution: target.resolutionMinutes)
        }
        return WorkflowSetup(
            calendarName: "\(template.name) hours",
            calendar: try? BusinessCalendar.parse(timeZone: timeZone, hours: template.businessHours, holidays: []),
            policy: targets.isEmpty ? nil : SLAPolicy(name: "\(template.name) SLA", targets: targets),
            rules: RoutingRule.fromTemplate(template))
    }
}
