import Foundation
@testable import OnrampDomain
import Testing

@Suite("Template routing rules")
struct TemplateRoutingRuleTests {
    typealias F = RoutingFixture

    @Test func everyTemplateRuleConvertsOrSaysWhy() throws {
        for template in IndustryTemplates.all {
            let conversions = RoutingRule.fromTemplate(template)
            #expect(conversions.count == template.routingRules.count)
            for (position, conversion) in conversions.enumerated() {
                if let rule = conversion.rule {
                    #expect(rule.validate() == [], "\(template.id): \(rule.name)")
                    #expect(rule.position == position)
                    #expect(rule.name == conversion.template.name)
                } else {
                    #expect(!conversion.notConverted.isEmpty, "\(template.id): \(conversion.template.name) says why")
                }
                for reason in conversion.notConverted { #expect(reason.contains("“"), "\(reason) quotes what it left out") }
            }
            #expect(throws: Never.self) { try CompiledRuleSet(rules: conversions.compactMap(\.rule)) }
        }
    }

    @Test func theTemplatesRulesBecomeTheseRules() throws {
        func converted(_ template: IndustryTemplate, _ name: String) -> TemplateRuleConversion {
            RoutingRule.fromTemplate(template.routingRules.first { $0.name == name }!)
        }
        let refunds = converted(IndustryTemplates.ecommerce, "Refunds to billing")
        #expect(refunds.rule?.conditions == ConditionGroup(any: [Condition("ticket.subject", .contains, "refund"), Condition("message.body", .contains, "refund")]))
        #expect(refunds.rule?.actions == [.assignTeam("Billing"), .setPriority("high")])
        #expect(refunds.rule?.events == [.ticketCreated, .messageCreated])
        #expect(refunds.notConverted == [])

        let order = converted(IndustryTemplates.ecommerce, "Where is my order")
        #expect(order.rule?.conditions.any == [Condition("message.body", .contains, "tracking"), Condition("message.body", .contains, "delivery")])
        #expect(order.rule?.actions == [.addTag("shipping")])
        #expect(order.notConverted == ["“suggest article Track your order” is left out: routing rules do not suggest articles; the knowledge base suggests them to agents and customers."])

        let outage = converted(IndustryTemplates.saas, "Outages are urgent")
        #expect(outage.rule?.conditions.any.compactMap(\.value) == [.text("down"), .text("outage"), .text("cannot log in")])
        #expect(outage.rule?.actions == [.setPriority("urgent"), .notifyEmail(.team("on-call"))])

        let billing = converted(IndustryTemplates.saas, "Billing questions")
        #expect(billing.rule?.conditions == ConditionGroup(all: [Condition("ticket.category", .equal, "Billing")]))
        #expect(billing.rule?.events == [.ticketCreated, .ticketUpdated])

        let emergency = converted(IndustryTemplates.healthcare, "Emergencies")
        #expect(emergency.rule?.actions == [.setPriority("urgent")])
        #expect(emergency.notConverted.first?.hasPrefix("“reply with emergency number” is left out") == true)

        let it = converted(IndustryTemplates.education, "IT help")
        #expect(it.rule?.actions == [.assignTeam("IT service desk")])
        #expect(it.rule?.conditions.all == [Condition("ticket.category", .equal, "IT & accounts")])

        let fraud = converted(IndustryTemplates.financialServices, "Fraud is urgent")
        #expect(fraud.rule?.actions == [.setPriority("urgent"), .assignTeam("Fraud")])
        #expect(fraud.rule?.conditions.any.count == 3)
    }

    @Test func convertedRulesRoute() throws {
        let rules = RoutingRule.fromTemplate(IndustryTemplates.ecommerce).compactMap(\.rule)
        let set = try CompiledRuleSet(rules: rules)
        let refund = set.evaluate(F.context(.messageCreated, message: .init(body: "I would like a REFUND for my order")))
        #expect(refund.effect.team == "Billing")
        #expect(refund.effect.priority == "high")
        let tracking = set.evaluate(F.context(message: .init(body: "No tracking number yet")))
        #expect(tracking.effect.addTags == ["shipping"])
        #expect(tracking.effect.team == nil)
    }

    @Test func unreadableTemplateRulesAreReported() {
        let vague = RoutingRule.fromTemplate(.init(name: "Vague", when: "the customer sounds angry", then: "priority high"))
        #expect(vague.rule == nil)
        #expect(vague.notConverted.first?.hasPrefix("“when the customer sounds angry” cannot be read as conditions") == true)
        let inert = RoutingRule.fromTemplate(.init(name: "Inert", when: "category is Billing", then: "suggest article Pay, reply politely"))
        #expect(inert.rule == nil)
        #expect(inert.notConverted.count == 3)
        #expect(inert.notConverted.last == "Nothing the rule does is a routing action, so no rule was made.")
        let badPriority = RoutingRule.fromTemplate(.init(name: "Odd", when: "tagged vip", then: "priority critical"))
        #expect(badPriority.rule == nil)
        #expect(badPriority.notConverted == ["The priority is low, normal, high or urgent; \"critical\" is not one of them."])
    }
}
