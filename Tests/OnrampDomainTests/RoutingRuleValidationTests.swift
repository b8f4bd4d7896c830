import Foundation
@testable import OnrampDomain
import Testing

@Suite("Routing rule validation")
struct RoutingRuleValidationTests {
    typealias F = RoutingFixture

    func codes(_ rule: RoutingRule) -> [String: String] {
        Dictionary(rule.validate().map { ($0.field, $0.code) }, uniquingKeysWith: { first, _ in first })
    }

    @Test func conditionProblemsAreNamedAndExplained() {
        let rule = F.rule(all: [
            Condition("ticket.colour", .equal, "red"),
            Condition("custom.my plan", .equal, "x"),
            Condition("ticket.subject", .contains),
            Condition("ticket.tags", .present, "vip"),
            Condition("ticket.priority", .equal, "critical"),
            Condition("ticket.status", .notEqual, .number(3)),
            Condition("ticket.created_at", .greaterThan, "yesterday"),
            Condition("ticket.created_at", .olderThanMinutes, .number(1.5)),
            Condition("message.from_customer", .equal, "yes"),
            Condition("custom.seats", .greaterThan, "many"),
            Condition("ticket.subject", .equal, "   "),
            Condition("ticket.subject", .equal, .number(4)),
            Condition("custom.seats", .equal, .number(.infinity)),
        ])
        let errors = rule.validate()
        #expect(errors.map(\.field) == (0..<13).map { "conditions.all[\($0)]." + ($0 < 2 ? "field" : "value") })
        #expect(errors.map(\.code) == ["unknown_field", "unknown_field", "required", "unexpected_value", "invalid_choice", "invalid_choice",
                                       "invalid_value", "invalid_value", "invalid_value", "invalid_value", "required", "invalid_value", "invalid_value"])
        #expect(errors[0].message.hasPrefix("There is no field \"ticket.colour\". Use one of ticket.subject, ticket.category,"))
        #expect(errors[1].message == "A custom field's name is 1 to 64 letters, digits, _ or -; \"custom.my plan\" is not.")
        #expect(errors[2].message == "“ticket.subject contains” needs a value to compare with.")
        #expect(errors[3].message == "“present” takes no value; remove it.")
        #expect(errors[4].message == "ticket.priority is low, normal, high or urgent; \"critical\" is not one of them.")
        #expect(errors[6].message == "ticket.created_at is compared with a date and time such as 2026-01-31T09:00:00Z; \"yesterday\" is not one.")
        #expect(errors[7].message == "“older than” needs a whole number of minutes above 0; \"1.5\" is not one.")
        #expect(errors[8].message == "message.from_customer is true or false; \"yes\" is neither.")
    }

    @Test func ruleAndActionProblems() {
        var rule = F.rule("  ", actions: [], events: [])
        rule.position = -1
        rule.version = 0
        #expect(codes(rule) == ["name": "required", "position": "out_of_range", "version": "out_of_range", "events": "required", "actions": "required"])
        #expect(rule.validate().first { $0.field == "actions" }?.message == "A rule needs at least one action.")

        let actions = F.rule(actions: [
            .assignTeam(""), .assignAgent("not an agent"), .setPriority("critical"), .setStatus("waiting"), .addTag("two words"),
            .removeTag(""), .addInternalNote(" "), .notifyEmail(.person("bob@")), .notifyEmail(.team("")),
            .sendWebhook("http://hooks.example.com/x"), .sendWebhook("https:///path"), .sendWebhook("https://user:pw@hooks.example.com"),
            .sendWebhook("not a url"), .applySLAPolicy(""),
        ])
        let errors = actions.validate()
        #expect(errors.map { "\($0.field) \($0.code)" } == [
            "actions[0].team required", "actions[1].agent invalid_format", "actions[2].priority invalid_choice",
            "actions[3].status invalid_choice", "actions[4].tag invalid_format", "actions[5].tag required", "actions[6].text required",
            "actions[7].person invalid_format", "actions[8].team required", "actions[9].url insecure_url", "actions[10].url invalid_url",
            "actions[11].url invalid_url", "actions[12].url invalid_url", "actions[13].policy required",
        ])
        #expect(errors[9].message == "The webhook address must start with https:// so the ticket data travels encrypted.")
        #expect(errors[3].message == "The status is new, open, pending, on_hold, resolved or closed; \"waiting\" is not one of them.")
        #expect(F.rule(actions: [.assignAgent(UUID().uuidString), .assignAgent("Ann@Example.com"), .notifyEmail(.person("lead@example.com"))]).validate() == [])
    }

    @Test func compilingRefusesInvalidRulesNamingEach() {
        let good = F.rule("Good")
        let bad = F.rule("Bad", all: [Condition("ticket.subject", .greaterThan, "a")], actions: [])
        do {
            _ = try CompiledRuleSet(rules: [good, bad])
            Issue.record("compiled an invalid rule")
        } catch {
            #expect(error.errors.map(\.field) == ["rules[1].conditions.all[0].op", "rules[1].actions"])
        }
    }

    @Test func fieldPathsParse() {
        #expect(FieldRef(" Ticket.Subject ").field == .ticketSubject)
        #expect(FieldRef(" Ticket.Subject ").path == "ticket.subject")
        #expect(FieldRef("custom.Order_Ref-2").field == .custom("Order_Ref-2"))
        #expect(FieldRef("CUSTOM.plan").path == "custom.plan")
        #expect(FieldRef("custom.").field == nil)
        #expect(FieldRef("custom.\(String(repeating: "x", count: 65))").field == nil)
        #expect(FieldRef("ticket").field == nil)
        for field in FieldRef.Field.builtIn { #expect(FieldRef(field.path).field == field) }
    }
}
