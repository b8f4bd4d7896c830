// Routing rules: the list in running order, and adding a rule written as JSON.
import { api } from "/static/onramp.js";

const el = (id) => document.getElementById(id);

function describeCondition(c) { return `${c.field} ${c.op.replaceAll("_", " ")}${c.value === undefined || c.value === null ? "" : ` ${c.value}`}`; }
function describeAction(a) { return `${a.type.replaceAll("_", " ")} ${Object.entries(a).filter(([k]) => k !== "type").map(([, v]) => v).join(" ")}`.trim(); }

async function load() {
  const result = await api("GET", "/api/v1/routing-rules");
  if (!result.ok) { el("rules-status").textContent = result.data?.detail || "The rules could not be loaded."; return; }
  const body = document.querySelector("#rules tbody");
  body.replaceChildren();
  for (const rule of result.data.items) {
    const row = body.insertRow();
    const head = document.createElement("th");
    head.scope = "row";
    head.textContent = rule.name + (rule.enabled ? "" : " (disabled)") + (rule.stop_processing ? " · stops" : "");
    row.append(head);
    row.insertCell().textContent = String(rule.position);
    row.insertCell().textContent = String(rule.version);
    const all = rule.conditions.all.map(describeCondition).join(" and ");
    const any = rule.conditions.any.map(describeCondition).join(" or ");
    row.insertCell().textContent = `${rule.events.join(", ")}${all ? ` · ${all}` : ""}${any ? ` · any of: ${any}` : ""}`;
    row.insertCell().textContent = rule.actions.map(describeAction).join("; ");
  }
  el("rules-status").textContent = body.rows.length ? "" : "No rules yet.";
}

async function create(event) {
  event.preventDefault();
  el("rule-errors").textContent = "";
  let rule;
  try { rule = JSON.parse(el("rule-json").value); } catch (error) { el("rule-errors").textContent = `The JSON cannot be read: ${error.message}`; return; }
  const result = await api("POST", "/api/v1/routing-rules", rule);
  if (!result.ok) {
    el("rule-errors").textContent = result.data?.errors?.map((e) => e.message).join(" ") || result.data?.detail || "The rule could not be added.";
    return;
  }
  el("rules-status").textContent = `Added “${result.data.name}”.`;
  load();
}

load();
el("create-rule")?.addEventListener("submit", create);
