import Foundation
@testable import OnrampDomain
import Testing

@Suite("Routing rule sets")
struct RoutingRuleSetTests {
    typealias F = RoutingFixture

    @Test func allAndAnyGroups() throws {
        let vip = Condition("ticket.tags", .contains, "vip")
        let urgent = Condition("ticket.priority", .equal, "urgent")
        let refund = Condition("ticket.subject", .contains, "refund")
        let parcel = Condition("ticket.subject", .contains, "parcel")
        func fires(all: [Condition], any: [Condition], _ context: RuleContext) throws -> Bool {
            try !CompiledRuleSet(rules: [F.rule(all: all, any: any)]).evaluate(context).firedRuleIDs.isEmpty
        }
        let context = F.context(subject: "Refund please", priority: "urgent", tags: ["vip"])
        #expect(try fires(all: [vip, urgent], any: [], context))
        #expect(try !fires(all: [vip, urgent], any: [], F.context(subject: "Refund please", priority: "high", tags: ["vip"])))
        #expect(try fires(all: [vip], any: [parcel, refund], context))
        #expect(try !fires(all: [vip], any: [parcel], context))
        #expect(try fires(all: [], any: [parcel, refund], context))
        #expect(try !fires(all: [vip], any: [refund], F.context(subject: "Refund please")))
        #expect(try fires(all: [], any: [], context), "no conditions: always")
    }

    @Test func rulesRunInPositionOrderAndActionsAccumulate() throws {
        let late = F.rule("Late", actions: [.setPriority("low")], position: 5)
        let early = F.rule("Early", actions: [.setPriority("high"), .addTag("a")], position: 1)
        let tie = F.rule("Tie", actions: [.addTag("b")], position: 1)
        let set = try CompiledRuleSet(rules: [late, early, tie])
        #expect(set.rules.map(\.name) == ["Early", "Tie", "Late"], "ties keep the given order")
        let result = set.evaluate(F.context())
        #expect(result.firedRuleIDs == [early.id, tie.id, late.id])
        #expect(result.actions == [.setPriority("high"), .addTag("a"), .addTag("b"), .setPriority("low")])
        #expect(result.effect.priority == "low", "the last rule wins")
        #expect(result.trace.isEmpty, "no trace unless asked")
    }

    @Test func stopProcessingEndsTheEvaluation() throws {
        let first = F.rule("First", all: [Condition("ticket.priority", .equal, "urgent")], actions: [.assignTeam("Escalations")], position: 0, stop: true)
        let second = F.rule("Second", actions: [.assignTeam("General")], position: 1)
        let third = F.rule("Third", actions: [.addTag("seen")], position: 2, stop: true)
        let set = try CompiledRuleSet(rules: [first, second, third])

        let urgent = set.dryRun(F.context(priority: "urgent"))
        #expect(urgent.firedRuleIDs == [first.id])
        #expect(urgent.effect.team == "Escalations")
        #expect(urgent.trace.map(\.reason) == [
            "condition 1 (ticket.priority equal urgent) holds",
            "after “First”, which stops processing",
            "after “First”, which stops processing",
        ])
        #expect(urgent.trace.map(\.outcome) == [.fired, .skipped, .skipped])

        let normal = set.dryRun(F.context(priority: "normal"))
        #expect(normal.firedRuleIDs == [second.id, third.id], "a rule that does not fire does not stop anything")
        #expect(set.evaluate(F.context(priority: "normal")).firedRuleIDs == normal.firedRuleIDs)
    }

    @Test func rulesListenOnlyToTheirEvents() throws {
        let onMessage = F.rule("On message", events: [.messageCreated])
        let onChange = F.rule("On change", events: [.ticketCreated, .ticketUpdated])
        let set = try CompiledRuleSet(rules: [onMessage, onChange])
        #expect(set.evaluate(F.context(.messageCreated)).firedRuleIDs == [onMessage.id])
        #expect(set.evaluate(F.context(.ticketUpdated)).firedRuleIDs == [onChange.id])
        let trace = set.dryRun(F.context(.ticketCreated)).trace
        #expect(trace[0] == RuleTrace(ruleID: onMessage.id, name: "On message", version: 1, position: 0, outcome: .skipped,
                                      reason: "not for this event (ticket_created); it runs on message_created"))
        #expect(trace[1].reason == "it has no conditions")
    }

    @Test func disabledRulesAreSkipped() throws {
        let off = F.rule("Off", enabled: false)
        let on = F.rule("On", position: 1)
        let set = try CompiledRuleSet(rules: [off, on])
        #expect(set.evaluate(F.context()).firedRuleIDs == [on.id])
        #expect(set.dryRun(F.context()).trace.map(\.reason) == ["disabled", "it has no conditions"])
    }

    @Test func revisionsAreNewVersionsOfTheSameRule() throws {
        let original = F.rule("Urgent to escalations", all: [Condition("ticket.priority", .equal, "urgent")])
        let revised = original.revised { $0.conditions.all = [Condition("ticket.priority", .greaterThan, "normal")]; $0.version = 99 }
        #expect(revised.id == original.id)
        #expect(revised.version == 2, "the version is counted, not set")
        #expect(revised.revised { $0.name = "High and up" }.version == 3)
        let trace = try CompiledRuleSet(rules: [revised]).dryRun(F.context(priority: "high")).trace
        #expect(trace.map(\.version) == [2])
        #expect(trace.map(\.outcome) == [.fired])
        #expect(throws: ValidationFailure.self) { try CompiledRuleSet(rules: [original, revised]) }
        do {
            _ = try CompiledRuleSet(rules: [original, revised])
        } catch {
            #expect(error.errors.map(\.field) == ["rules[1].id"])
            #expect(error.errors.map(\.code) == ["duplicate"])
        }
    }

    @Test func traceSaysWhyEachRuleWasSkipped() throws {
        let vipUrgent = F.rule("VIP urgent", all: [Condition("ticket.tags", .contains, "vip"), Condition("ticket.priority", .equal, "urgent")])
        let refunds = F.rule("Refunds", any: [Condition("ticket.subject", .contains, "refund"), Condition("message.body", .contains, "refund")], position: 1)
        let stale = F.rule("Stale", all: [Condition("ticket.created_at", .olderThanMinutes, .number(60))], position: 2)
        let afterHours = F.rule("After hours", all: [Condition("event.time", .withinBusinessHours)], position: 3)
        let plan = F.rule("Gold plan", all: [Condition("custom.plan", .equal, "gold")], position: 4)
        let set = try CompiledRuleSet(rules: [vipUrgent, refunds, stale, afterHours, plan])
        let result = set.dryRun(F.context(subject: "Hello there", tags: ["vip"], createdMinutesAgo: 12))
        #expect(result.trace.map(\.reason) == [
            "condition 2 (ticket.priority equal urgent) is false: ticket.priority is normal",
            "none of conditions 1–2 holds: condition 1 (ticket.subject contains \"refund\") is false: ticket.subject is \"Hello there\"; condition 2 (message.body contains \"refund\") is false: there is no message",
            "condition 1 (ticket.created_at older than 60 minutes) is false: ticket.created_at is 12 minutes old",
            "condition 1 (event.time within business hours) is false: no business hours calendar was given",
            "condition 1 (custom.plan equal \"gold\") is false: custom.plan is not set",
        ])
        #expect(result.firedRuleIDs.isEmpty)

        let fired = set.dryRun(F.context(subject: "Refund", priority: "urgent", tags: ["vip"]))
        #expect(fired.trace[0].reason == "condition 1 (ticket.tags contains \"vip\") holds; condition 2 (ticket.priority equal urgent) holds")
        #expect(fired.trace[1].reason == "condition 1 (ticket.subject contains \"refund\") holds")
        let evening = set.dryRun(F.context(clock: DaytimeClock(), now: F.date("2026-03-10T20:00:00Z")))
        #expect(evening.trace[3].reason == "condition 1 (event.time within business hours) is false: event.time (2026-03-10T20:00:00Z) is outside business hours")
        let tagsOff = set.dryRun(F.context(tags: ["a", "b"]))
        #expect(tagsOff.trace[0].reason == "condition 1 (ticket.tags contains \"vip\") is false: ticket.tags has a, b")
    }

    @Test func theEffectFoldsEveryKindOfAction() throws {
        let agent = UUID(uuidString: "6F9619FF-8B86-D011-B42D-00C04FC964FF")!.uuidString
        let actions: [RuleAction] = [
            .assignTeam("Billing"), .assignAgent(agent), .setPriority("HIGH"), .setStatus("pending"),
            .addTag("vip"), .addTag("refund"), .removeTag("legacy"), .addInternalNote("Check the order."),
            .notifyEmail(.person("lead@example.com")), .notifyEmail(.team("Billing")), .sendWebhook("https://hooks.example.com/t"),
            .applySLAPolicy("Gold"),
            .assignTeam("Refunds"), .removeTag("VIP"), .addTag("legacy"), .notifyEmail(.team("Billing")),
            .sendWebhook("https://hooks.example.com/t"), .setPriority("urgent"),
        ]
        let rule = F.rule(actions: actions)
        #expect(rule.validate() == [])
        let effect = try CompiledRuleSet(rules: [rule]).evaluate(F.context()).effect
        #expect(effect.team == "Refunds")
        #expect(effect.agent == agent)
        #expect(effect.priority == "urgent")
        #expect(effect.status == "pending")
        #expect(effect.slaPolicy == "Gold")
        #expect(effect.addTags == ["refund", "legacy"])
        #expect(effect.removeTags == ["VIP"])
        #expect(effect.internalNotes == ["Check the order."])
        #expect(effect.notifications == [.person("lead@example.com"), .team("Billing")])
        #expect(effect.webhooks == ["https://hooks.example.com/t"])
        let readded = RuleEffect([.removeTag("x"), .addTag("X")])
        #expect(readded.addTags == ["X"] && readded.removeTags == [], "a later add undoes an earlier remove")
    }

    @Test func rulesHaveAStableSnakeCaseJSONShape() throws {
        let rule = RoutingRule(
            id: UUID(uuidString: "00000000-0000-0000-0000-0000000000AB")!, name: "Urgent", position: 2, version: 3,
            events: [.messageCreated, .ticketCreated],
            conditions: ConditionGroup(all: [Condition("ticket.priority", .equal, "urgent")],
                                       any: [Condition("custom.seats", .greaterThan, .number(10)), Condition("message.from_customer", .equal, .bool(true))]),
            actions: [.assignTeam("Billing"), .notifyEmail(.person("ann@example.com")), .sendWebhook("https://x.example/h")],
            stopProcessing: true)
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let json = String(decoding: try encoder.encode(rule), as: UTF8.self)
        #expect(json == #"{"actions":[{"team":"Billing","type":"assign_team"},{"person":"ann@example.com","type":"notify_email"},{"type":"send_webhook","url":"https://x.example/h"}],"conditions":{"all":[{"field":"ticket.priority","op":"equal","value":"urgent"}],"any":[{"field":"custom.seats","op":"greater_than","value":10},{"field":"message.from_customer","op":"equal","value":true}]},"enabled":true,"events":["ticket_created","message_created"],"id":"00000000-0000-0000-0000-0000000000AB","name":"Urgent","position":2,"stop_processing":true,"version":3}"#)
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        #expect(try decoder.decode(RoutingRule.self, from: Data(json.utf8)) == rule)

        let minimal = #"{"id":"00000000-0000-0000-0000-0000000000AB","name":"Tag","events":["ticket_updated"],"actions":[{"type":"add_tag","tag":"x"}],"conditions":{"all":[{"field":"ticket.tags","op":"present"}]}}"#
        let decoded = try decoder.decode(RoutingRule.self, from: Data(minimal.utf8))
        #expect(decoded.version == 1 && decoded.position == 0 && decoded.enabled && !decoded.stopProcessing)
        #expect(decoded.conditions.any == [] && decoded.conditions.all == [Condition("ticket.tags", .present)])

        // Unknown fields are kept for validation to name; unknown operators and actions fail to decode with a readable reason.
        let unknownField = #"{"field":"ticket.colour","op":"equal","value":"red"}"#
        #expect(try decoder.decode(Condition.self, from: Data(unknownField.utf8)).field.field == nil)
        do {
            _ = try decoder.decode(Condition.self, from: Data(#"{"field":"ticket.subject","op":"matches","value":"x"}"#.utf8))
            Issue.record("decoded an unknown operator")
        } catch let DecodingError.dataCorrupted(context) {
            #expect(context.debugDescription.hasPrefix("There is no operator \"matches\"; use one of equal, not_equal,"))
        }
        do {
            _ = try decoder.decode(RuleAction.self, from: Data(#"{"type":"escalate"}"#.utf8))
            Issue.record("decoded an unknown action")
        } catch let DecodingError.dataCorrupted(context) {
            #expect(context.debugDescription.hasPrefix("There is no action \"escalate\""))
        }
        for action in [RuleAction.assignAgent("a@b.co"), .setPriority("low"), .setStatus("open"), .removeTag("x"),
                       .addInternalNote("n"), .notifyEmail(.team("T")), .applySLAPolicy("Gold")] {
            #expect(try decoder.decode(RuleAction.self, from: try encoder.encode(action)) == action)
        }
    }

    @Test func aDryRunEncodesForTheAPI() throws {
        let rule = F.rule("Tag everything")
        let result = try CompiledRuleSet(rules: [rule]).dryRun(F.context())
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.outputFormatting = [.sortedKeys]
        let json = String(decoding: try encoder.encode(result), as: UTF8.self)
        #expect(json.contains(#""fired_rule_ids":["\#(rule.id.uuidString)"]"#))
        #expect(json.contains(#""rule_id":"\#(rule.id.uuidString)""#))
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        #expect(try decoder.decode(CompiledRuleSet.Evaluation.self, from: Data(json.utf8)) == result)
    }
}
