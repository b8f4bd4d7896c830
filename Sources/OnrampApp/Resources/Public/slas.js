// SLAs: business calendars and SLA policies (lists and create forms), and installing an
// industry template's hours, SLA policy and routing rules. Works through the SLA APIs.
import { api } from "/static/onramp.js";
import { busy, clearErrors, list, minutes, problemText, showErrors } from "/static/forms.js";

const root = document.querySelector("[data-slas]");
const el = (id) => document.getElementById(id);
const canManage = root.dataset.canManage === "yes";

const DAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];
const DAY_NAMES = { mon: "Mon", tue: "Tue", wed: "Wed", thu: "Thu", fri: "Fri", sat: "Sat", sun: "Sun" };
const PRIORITIES = ["urgent", "high", "normal", "low"];
const PRIORITY_NAMES = { urgent: "Urgent", high: "High", normal: "Normal", low: "Low" };
const METRICS = ["first_response", "next_response", "periodic_update", "resolution"];
const METRIC_NAMES = { first_response: "first response", next_response: "next response", periodic_update: "periodic update", resolution: "resolution" };
const STATUS_NAMES = { new: "new", open: "open", pending: "pending", on_hold: "on hold", resolved: "resolved", closed: "closed" };

function browserTimeZone() {
  try {
    const zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
    return zone && zone.includes("/") && !zone.startsWith("Etc/") ? zone : "UTC";
  } catch {
    return "UTC";
  }
}


// ---- calendars ----------------------------------------------------------------------------

let calendars = [];

/// "Mon–Fri 09:00-17:00; Sat–Sun closed": consecutive days with the same hours together.
function describeHours(calendar) {
  if (calendar.calendar_hours) return "Around the clock (24/7)";
  const runs = [];
  for (const day of DAYS) {
    const hours = calendar.hours[day] || "closed";
    const last = runs[runs.length - 1];
    if (last && last.hours === hours) last.to = day; else runs.push({ from: day, to: day, hours });
  }
  return runs.map((run) => `${DAY_NAMES[run.from]}${run.to !== run.from ? `–${DAY_NAMES[run.to]}` : ""} ${run.hours}`).join("; ");
}

async function loadCalendars() {
  const result = await api("GET", "/api/v1/business-calendars");
  if (!result.ok) { el("calendars-status").textContent = problemText(result, "The calendars could not be loaded."); return; }
  calendars = result.data.items;
  const body = document.querySelector("#calendars tbody");
  body.replaceChildren();
  for (const calendar of calendars) {
    const row = body.insertRow();
    row.dataset.calendarId = calendar.id.toLowerCase();
    const head = document.createElement("th");
    head.scope = "row";
    head.textContent = calendar.name;
    row.append(head);
    row.insertCell().textContent = calendar.is_default ? "Default" : "—";
    row.insertCell().textContent = calendar.time_zone;
    row.insertCell().textContent = describeHours(calendar);
    row.insertCell().textContent = calendar.holidays.length ? calendar.holidays.join(", ") : "—";
  }
  el("calendars-status").textContent = body.rows.length ? "" : "No business calendars yet: SLA clocks run around the clock until there is one.";
  const select = el("policy-calendar");
  if (select) {
    const chosen = select.value;
    select.replaceChildren(new Option("The default calendar", ""));
    for (const calendar of calendars) {
      select.add(new Option(`${calendar.name}${calendar.is_default ? " (default)" : ""}`, calendar.id.toLowerCase()));
    }
    select.value = calendars.some((c) => c.id.toLowerCase() === chosen) ? chosen : "";
  }
}

function toggleDays() {
  const aroundTheClock = el("calendar-24-7").checked;
  el("calendar-days").disabled = aroundTheClock;
  el("calendar-holidays").disabled = aroundTheClock;
}

async function createCalendar(event) {
  event.preventDefault();
  const form = el("calendar-form");
  const aroundTheClock = el("calendar-24-7").checked;
  const body = {
    name: el("calendar-name").value.trim(),
    time_zone: el("calendar-time-zone").value.trim(),
    calendar_hours: aroundTheClock,
    is_default: el("calendar-default").checked,
  };
  if (!aroundTheClock) {
    body.hours = {};
    for (const day of DAYS) {
      const text = el(`calendar-${day}`).value.trim();
      if (text) body.hours[day] = text; // an empty day is closed
    }
    body.holidays = list(el("calendar-holidays").value);
  }
  busy(el("calendar-submit"), true);
  const result = await api("POST", "/api/v1/business-calendars", body);
  busy(el("calendar-submit"), false);
  if (!result.ok) { showErrors(form, result, "The calendar could not be added."); return; }
  clearErrors(form);
  el("calendar-name").value = "";
  el("calendar-holidays").value = "";
  el("calendar-default").checked = false;
  await loadCalendars();
  el("calendars-status").textContent = `Added the calendar “${result.data.name}”${result.data.is_default ? ", the default one" : ""}.`;
  await loadPolicies();
}

// ---- policies -----------------------------------------------------------------------------

function describeConditions(conditions) {
  const parts = [];
  if (conditions?.priorities?.length) {
    parts.push(`priority ${PRIORITIES.filter((p) => conditions.priorities.includes(p)).map((p) => PRIORITY_NAMES[p].toLowerCase()).join(", ")}`);
  }
  if (conditions?.channels?.length) parts.push(`channel ${conditions.channels.join(", ")}`);
  if (conditions?.tags?.length) parts.push(`tag ${conditions.tags.join(", ")}`);
  return parts.length ? `Tickets of ${parts.join(" · ")}` : "All tickets";
}

function targetsList(targets) {
  const list = document.createElement("ul");
  list.className = "cell-list";
  for (const priority of PRIORITIES) {
    const set = targets?.[priority];
    if (!set) continue;
    const parts = METRICS.filter((m) => set[`${m}_minutes`] != null).map((m) => `${METRIC_NAMES[m]} ${minutes(set[`${m}_minutes`])}`);
    if (!parts.length) continue;
    const item = document.createElement("li");
    item.textContent = `${PRIORITY_NAMES[priority]}: ${parts.join(", ")}`;
    list.append(item);
  }
  if (!list.children.length) list.append(Object.assign(document.createElement("li"), { textContent: "No targets" }));
  return list;
}

function describeClock(policy) {
  let clock;
  if (policy.calendar_hours) clock = "Calendar hours (24/7)";
  else if (policy.calendar_id) {
    const calendar = calendars.find((c) => c.id.toLowerCase() === String(policy.calendar_id).toLowerCase());
    clock = calendar ? `Calendar “${calendar.name}”` : "A calendar that no longer exists";
  } else clock = "The default calendar";
  const paused = policy.paused_statuses?.resolution || [];
  return `${clock}; resolution ${paused.length ? `pauses while ${paused.map((s) => STATUS_NAMES[s] || s).join(" or ")}` : "never pauses"}`;
}

function describeEscalation(levels) {
  if (!levels?.length) return "None";
  return levels.map((level, index) => `Level ${index + 1}, after ${minutes(level.after_minutes)}: ${level.notify.join(", ")}`).join("; ");
}

async function loadPolicies() {
  const result = await api("GET", "/api/v1/sla-policies");
  if (!result.ok) { el("policies-status").textContent = problemText(result, "The policies could not be loaded."); return; }
  const body = document.querySelector("#policies tbody");
  body.replaceChildren();
  for (const policy of result.data.items) {
    const row = body.insertRow();
    row.dataset.policyId = policy.id.toLowerCase();
    const head = document.createElement("th");
    head.scope = "row";
    head.textContent = policy.name;
    row.append(head);
    row.insertCell().textContent = String(policy.position);
    row.insertCell().textContent = describeConditions(policy.conditions);
    row.insertCell().append(targetsList(policy.targets));
    row.insertCell().textContent = `${minutes(policy.warning_minutes)} before`;
    row.insertCell().textContent = describeClock(policy);
    row.insertCell().textContent = describeEscalation(policy.escalation);
  }
  el("policies-status").textContent = body.rows.length ? "" : "No SLA policies yet.";
}

function buildTargetsGrid() {
  const body = document.querySelector("#targets-grid tbody");
  if (!body) return;
  for (const priority of PRIORITIES) {
    const row = body.insertRow();
    const head = document.createElement("th");
    head.scope = "row";
    head.textContent = PRIORITY_NAMES[priority];
    row.append(head);
    for (const metric of METRICS) {
      const cell = row.insertCell();
      const id = `target-${priority}-${metric.replaceAll("_", "-")}`;
      const label = document.createElement("label");
      label.className = "visually-hidden";
      label.htmlFor = id;
      label.textContent = `${PRIORITY_NAMES[priority]}, ${METRIC_NAMES[metric]} (minutes)`;
      const input = document.createElement("input");
      input.type = "number";
      input.id = id;
      input.min = "1";
      input.max = "525600";
      input.step = "1";
      input.inputMode = "numeric";
      input.dataset.priority = priority;
      input.dataset.metric = metric;
      input.dataset.field = `targets.${priority}.${metric}_minutes`;
      input.setAttribute("aria-describedby", "policy-targets-error");
      cell.append(label, input);
    }
  }
}

const WHOLE = /^\d+$/;

async function createPolicy(event) {
  event.preventDefault();
  const form = el("policy-form");
  const local = [];
  const targets = {};
  for (const input of document.querySelectorAll("#targets-grid input")) {
    const text = input.value.trim();
    if (!text) continue;
    if (!WHOLE.test(text)) { local.push({ field: input.dataset.field, message: "Enter a whole number of minutes." }); continue; }
    (targets[input.dataset.priority] ||= {})[`${input.dataset.metric}_minutes`] = Number(text);
  }
  const escalation = [];
  const lines = el("policy-escalation").value.split("\n").map((line) => line.trim()).filter(Boolean);
  lines.forEach((line, index) => {
    const match = /^(\d+)\s*:\s*(.+)$/.exec(line);
    if (match && list(match[2]).length) escalation.push({ after_minutes: Number(match[1]), notify: list(match[2]) });
    else local.push({ field: `escalation[${index}]`, message: `Write “${line}” as minutes, a colon and whom to notify, e.g. 30: role:supervisor.` });
  });
  const position = el("policy-position").value.trim() || "0";
  if (!WHOLE.test(position)) local.push({ field: "position", message: "Position is a whole number from 0 to 100000." });
  const warning = el("policy-warning").value.trim() || "0";
  if (!WHOLE.test(warning)) local.push({ field: "warning_minutes", message: "Enter a whole number of minutes from 0 to 10080." });
  if (local.length) { showErrors(form, { data: { errors: local } }, ""); return; }
  const priorities = [...form.querySelectorAll("input[name=priority]:checked")].map((box) => box.value);
  const body = {
    name: el("policy-name").value.trim(),
    position: Number(position),
    conditions: priorities.length ? { priorities } : {},
    targets,
    paused_statuses: {
      resolution: [...form.querySelectorAll("input[name=pause]:checked")].map((box) => box.value),
      periodic_update: ["pending", "on_hold"],
    },
    warning_minutes: Number(warning),
    calendar_hours: el("policy-24-7").checked,
    escalation,
  };
  if (el("policy-calendar").value) body.calendar_id = el("policy-calendar").value;
  busy(el("policy-submit"), true);
  const result = await api("POST", "/api/v1/sla-policies", body);
  busy(el("policy-submit"), false);
  if (!result.ok) { showErrors(form, result, "The policy could not be added."); return; }
  clearErrors(form);
  el("policy-name").value = "";
  await loadPolicies();
  el("policies-status").textContent = `Added the policy “${result.data.name}”.`;
}

// ---- industry templates -------------------------------------------------------------------

function resultList(title, items, id) {
  const section = document.createElement("div");
  const heading = document.createElement("h4");
  heading.textContent = title;
  const list = document.createElement("ul");
  list.id = id;
  for (const text of items) list.append(Object.assign(document.createElement("li"), { textContent: text }));
  section.append(heading, list);
  return section;
}

async function install(event) {
  event.preventDefault();
  const form = el("install-form");
  const select = el("install-template");
  const name = select.selectedOptions[0]?.textContent || select.value;
  const body = { time_zone: el("install-time-zone").value.trim() || "UTC" };
  const target = el("install-result");
  busy(el("install-submit"), true);
  target.textContent = `Installing ${name}…`;
  const result = await api("POST", `/api/v1/templates/${encodeURIComponent(select.value)}/workflows`, body);
  busy(el("install-submit"), false);
  if (!result.ok) { target.textContent = ""; showErrors(form, result, "The template could not be installed."); return; }
  clearErrors(form);
  const data = result.data;
  const created = [];
  if (data.calendar) created.push(`Business calendar: ${data.calendar}`);
  if (data.sla_policy) created.push(`SLA policy: ${data.sla_policy}`);
  for (const rule of data.rules_created || []) created.push(`Routing rule: ${rule}`);
  const summary = document.createElement("p");
  summary.textContent = `Installed ${name}: ${created.length} thing(s) created, ${(data.skipped || []).length} kept as they were` +
    `${(data.not_converted || []).length ? `, ${data.not_converted.length} not converted` : ""}.`;
  target.replaceChildren(summary, resultList("Created", created.length ? created : ["Nothing new"], "install-created"));
  if (data.skipped?.length) target.append(resultList("Skipped (exists already)", data.skipped, "install-skipped"));
  if (data.not_converted?.length) target.append(resultList("Not converted", data.not_converted, "install-not-converted"));
  const more = document.createElement("p");
  const link = Object.assign(document.createElement("a"), { href: "/routing-rules", textContent: "See the routing rules" });
  more.append(link);
  target.append(more);
  await loadCalendars();
  await loadPolicies();
}

// ---- start --------------------------------------------------------------------------------

if (canManage) {
  buildTargetsGrid();
  el("calendar-time-zone").value = browserTimeZone();
  el("install-time-zone").value = browserTimeZone();
  el("calendar-24-7").addEventListener("change", toggleDays);
  el("calendar-form").addEventListener("submit", createCalendar);
  el("policy-form").addEventListener("submit", createPolicy);
  el("install-form").addEventListener("submit", install);
}
await loadCalendars();
await loadPolicies();
root.dataset.loaded = "yes";
