// Team: agents with their profiles and roles, invitations, custom roles, the team dashboard and
// the training sandbox. Works through the team APIs; every section is shown only to those allowed.
import { api } from "/static/onramp.js";
import { busy, clearErrors, list, minutes, problemText, showErrors } from "/static/forms.js";

const root = document.querySelector("[data-team]");
const el = (id) => document.getElementById(id);
const me = (root.dataset.userId || "").toLowerCase();
const can = {
  manageMembers: root.dataset.canManageMembers === "yes",
  readMembers: root.dataset.canReadMembers === "yes",
  readReports: root.dataset.canReadReports === "yes",
  manageSettings: root.dataset.canManageSettings === "yes",
};
const inSandbox = root.dataset.sandbox === "yes";
const realTenantId = root.dataset.realTenantId;

const DAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];
const ROLE_LABELS = { owner: "Owner", admin: "Admin", supervisor: "Supervisor", agent: "Agent", light_agent: "Light agent", viewer: "Viewer" };
const AVAILABILITY = { online: "Online", away: "Away", offline: "Offline" };
const PERMISSIONS = {
  "tenant.read": "See the account", "tenant.manage": "Change the account", "tenant.delete": "Delete the account",
  "members.read": "See members and invitations", "members.manage": "Invite people and manage members",
  "api_tokens.own": "Own API tokens", "api_tokens.manage": "Manage everyone's API tokens", "audit.read": "Read the audit log",
  "onboarding.read": "See the onboarding", "onboarding.manage": "Run the onboarding", "tickets.read": "Read tickets",
  "tickets.note": "Write internal notes", "tickets.write": "Answer and change tickets", "tickets.assign": "Assign tickets",
  "reports.read": "See reports and the dashboard", "knowledge_base.write": "Write knowledge base articles",
  "billing.manage": "Manage billing", "settings.manage": "Change settings (SLAs, rules, sandbox)",
};

function time(iso) { return iso ? new Date(iso).toISOString().slice(0, 16).replace("T", " ") + " UTC" : "—"; }
function roleLabel(role) { return ROLE_LABELS[role] || String(role || "").replaceAll("_", " "); }


// ---- agents, profiles and roles ---------------------------------------------------------------

let agents = [];
let roles = [];
let grantable = [];
let editing = null; // the user id whose profile the form edits

function roleOptions(select, agent) {
  select.replaceChildren();
  for (const role of roles.filter((r) => r.kind === "template")) select.add(new Option(role.name, role.id));
  const custom = roles.filter((r) => r.kind === "custom");
  if (custom.length) {
    const group = document.createElement("optgroup");
    group.label = "Custom roles";
    for (const role of custom) group.append(new Option(role.name, `custom:${role.id.toLowerCase()}`));
    select.append(group);
  }
  select.value = agent.custom_role ? `custom:${String(agent.custom_role.id).toLowerCase()}` : agent.role;
}

function renderAgents() {
  const body = document.querySelector("#agents tbody");
  body.replaceChildren();
  for (const agent of agents) {
    const id = agent.user_id.toLowerCase();
    const own = id === me;
    const row = body.insertRow();
    row.dataset.userId = id;
    const head = document.createElement("th");
    head.scope = "row";
    head.textContent = agent.name + (own ? " (you)" : "");
    row.append(head);
    const email = row.insertCell();
    email.className = "email";
    email.textContent = agent.email;
    row.insertCell().textContent = agent.custom_role ? `${agent.custom_role.name} (custom role)` : roleLabel(agent.role);
    const availability = document.createElement("span");
    availability.className = `badge availability-${agent.availability}`;
    availability.textContent = AVAILABILITY[agent.availability] || agent.availability;
    row.insertCell().append(availability);
    row.insertCell().textContent = String(agent.open_tickets);
    row.insertCell().textContent = agent.profile.teams.length ? agent.profile.teams.join(", ") : "—";
    const skills = Object.entries(agent.profile.skills).sort(([a], [b]) => a.localeCompare(b));
    row.insertCell().textContent = skills.length ? skills.map(([name, level]) => `${name} ${level}/5`).join(", ") : "—";
    const actions = document.createElement("div");
    actions.className = "row-actions";
    row.insertCell().append(actions);
    if (own || can.manageMembers) {
      const edit = document.createElement("button");
      edit.type = "button";
      edit.className = "secondary small";
      edit.dataset.editProfile = id;
      edit.textContent = own ? "Edit my profile" : "Edit profile";
      if (!own) edit.setAttribute("aria-label", `Edit the profile of ${agent.name}`);
      edit.addEventListener("click", () => openProfile(agent));
      actions.append(edit);
    }
    if (can.manageMembers && roles.length) {
      const wrap = document.createElement("span");
      wrap.className = "role-change";
      const label = document.createElement("label");
      label.className = "visually-hidden";
      label.htmlFor = `role-of-${id}`;
      label.textContent = `Role of ${agent.name}`;
      const select = document.createElement("select");
      select.id = `role-of-${id}`;
      roleOptions(select, agent);
      const save = document.createElement("button");
      save.type = "button";
      save.className = "secondary small";
      save.textContent = "Change role";
      save.setAttribute("aria-label", `Change the role of ${agent.name}`);
      save.addEventListener("click", () => changeRole(agent, select, save));
      wrap.append(label, select, save);
      actions.append(wrap);
    }
  }
  el("agents-status").textContent = agents.length ? "" : "No agents yet.";
}

async function loadRoles() {
  const result = await api("GET", "/api/v1/roles");
  if (!result.ok) { el("agents-status").textContent = problemText(result, "The roles could not be loaded."); return; }
  roles = result.data.items;
  grantable = result.data.grantable_permissions || [];
  renderCustomRoles();
}

async function loadAgents() {
  const result = await api("GET", "/api/v1/agents");
  if (!result.ok) { el("agents-status").textContent = problemText(result, "The agents could not be loaded."); return; }
  agents = result.data.items;
  renderAgents();
}

function replaceAgent(updated) {
  const id = updated.user_id.toLowerCase();
  agents = agents.map((agent) => (agent.user_id.toLowerCase() === id ? updated : agent));
  renderAgents();
}

function focusEditButton(id) {
  document.querySelector(`#agents button[data-edit-profile="${CSS.escape(id)}"]`)?.focus();
}

async function changeRole(agent, select, button) {
  const value = select.value;
  const body = value.startsWith("custom:") ? { custom_role_id: value.slice(7) } : { role: value };
  busy(button, true);
  const result = await api("PUT", `/api/v1/agents/${agent.user_id.toLowerCase()}/role`, body);
  busy(button, false);
  if (!result.ok) {
    el("agents-status").textContent = problemText(result, "The role could not be changed.");
    if (result.status === 409) loadAgents();
    else select.value = agent.custom_role ? `custom:${String(agent.custom_role.id).toLowerCase()}` : agent.role;
    return;
  }
  replaceAgent(result.data);
  const name = result.data.custom_role ? result.data.custom_role.name : roleLabel(result.data.role);
  el("agents-status").textContent = `${result.data.name} is now ${name}.`;
  document.getElementById(`role-of-${agent.user_id.toLowerCase()}`)?.focus();
}

function openProfile(agent) {
  const form = el("profile-form");
  const id = agent.user_id.toLowerCase();
  editing = id;
  clearErrors(form);
  el("profile-heading").textContent = id === me ? "Edit my profile" : `Edit the profile of ${agent.name}`;
  el("profile-availability").value = agent.availability;
  el("profile-time-zone").value = agent.profile.time_zone;
  el("profile-capacity").value = String(agent.profile.capacity);
  el("profile-teams").value = agent.profile.teams.join(", ");
  el("profile-languages").value = agent.profile.languages.join(", ");
  el("profile-skills").value = Object.entries(agent.profile.skills).sort(([a], [b]) => a.localeCompare(b))
    .map(([name, level]) => `${name}:${level}`).join(", ");
  for (const day of DAYS) el(`profile-hours-${day}`).value = agent.profile.working_hours[day] || "";
  form.hidden = false;
  el("profile-heading").focus();
}

function closeProfile() {
  el("profile-form").hidden = true;
  const id = editing;
  editing = null;
  if (id) focusEditButton(id);
}

async function saveProfile(event) {
  event.preventDefault();
  const form = el("profile-form");
  if (!editing) return;
  const local = [];
  const skills = {};
  for (const entry of list(el("profile-skills").value)) {
    const match = /^(.+?)\s*:\s*(\d+)$/.exec(entry);
    if (match) skills[match[1]] = Number(match[2]);
    else local.push({ field: "skills", message: `Write “${entry}” as a skill and its level, e.g. billing:3.` });
  }
  const capacityText = el("profile-capacity").value.trim();
  if (!/^\d+$/.test(capacityText)) local.push({ field: "capacity", message: "Capacity is a whole number of open tickets, e.g. 20." });
  if (local.length) { showErrors(form, { data: { errors: local } }, ""); return; }
  const hours = {};
  for (const day of DAYS) {
    const text = el(`profile-hours-${day}`).value.trim();
    if (text) hours[day] = text;
  }
  const body = {
    availability: el("profile-availability").value,
    time_zone: el("profile-time-zone").value.trim(),
    capacity: Number(capacityText),
    teams: list(el("profile-teams").value),
    languages: list(el("profile-languages").value),
    skills,
    working_hours: hours,
  };
  busy(el("profile-save"), true);
  const result = await api("PUT", `/api/v1/agents/${editing}/profile`, body);
  busy(el("profile-save"), false);
  if (!result.ok) { showErrors(form, result, "The profile could not be saved."); return; }
  replaceAgent(result.data);
  el("agents-status").textContent = `Saved the profile of ${result.data.name}.`;
  closeProfile();
}

// ---- invitations --------------------------------------------------------------------------

function invitationState(invitation) {
  if (invitation.state === "pending" && invitation.expires_at && new Date(invitation.expires_at) <= new Date()) return "expired";
  return invitation.state;
}

async function loadInvitations() {
  const result = await api("GET", "/api/v1/invitations");
  if (!result.ok) { el("invitations-status").textContent = problemText(result, "The invitations could not be loaded."); return; }
  const body = document.querySelector("#invitations tbody");
  body.replaceChildren();
  for (const invitation of result.data.items) {
    const state = invitationState(invitation);
    const row = body.insertRow();
    row.dataset.invitationId = invitation.id.toLowerCase();
    row.dataset.email = invitation.email;
    row.dataset.state = state;
    const head = document.createElement("th");
    head.scope = "row";
    head.className = "email";
    head.textContent = invitation.email;
    row.append(head);
    row.insertCell().textContent = invitation.name || "—";
    row.insertCell().textContent = roleLabel(invitation.role);
    const badge = document.createElement("span");
    badge.className = `badge invitation-${state}`;
    badge.textContent = state === "imported" ? "not sent yet" : state;
    const stateCell = row.insertCell();
    stateCell.append(badge);
    if (state === "accepted" && invitation.accepted_at) stateCell.append(` ${time(invitation.accepted_at)}`);
    row.insertCell().textContent = state === "pending" || state === "expired" ? time(invitation.expires_at) : "—";
    row.insertCell().textContent = invitation.send_count ? `${invitation.send_count}× · last ${time(invitation.sent_at)}` : "not yet";
    if (!can.manageMembers) continue;
    const actions = document.createElement("div");
    actions.className = "row-actions";
    row.insertCell().append(actions);
    if (state !== "accepted") {
      const resend = document.createElement("button");
      resend.type = "button";
      resend.className = "secondary small";
      resend.textContent = "Resend";
      resend.setAttribute("aria-label", `Resend the invitation to ${invitation.email}`);
      resend.addEventListener("click", () => invitationAction(invitation, "resend", resend));
      actions.append(resend);
    }
    if (state === "pending" || state === "expired" || state === "imported") {
      const revoke = document.createElement("button");
      revoke.type = "button";
      revoke.className = "secondary small danger";
      revoke.textContent = "Revoke";
      revoke.setAttribute("aria-label", `Revoke the invitation to ${invitation.email}`);
      revoke.addEventListener("click", () => invitationAction(invitation, "revoke", revoke));
      actions.append(revoke);
    }
  }
  el("invitations-status").textContent = body.rows.length ? "" : "No invitations yet.";
}

async function invitationAction(invitation, action, button) {
  if (action === "revoke" && !confirm(`Revoke the invitation to ${invitation.email}? Its link stops working.`)) return;
  busy(button, true);
  const id = invitation.id.toLowerCase();
  const result = action === "resend"
    ? await api("POST", `/api/v1/invitations/${id}/resend`)
    : await api("DELETE", `/api/v1/invitations/${id}`);
  busy(button, false);
  await loadInvitations();
  el("invitations-status").textContent = result.ok
    ? (action === "resend" ? `Sent a new link to ${invitation.email}; the previous one no longer works.` : `Revoked the invitation to ${invitation.email}.`)
    : problemText(result, action === "resend" ? "The invitation could not be sent again." : "The invitation could not be revoked.");
  // The row was drawn anew: keep the keyboard focus on it (or on the section).
  const again = document.querySelector(`#invitations tr[data-invitation-id="${CSS.escape(id)}"] button`);
  (again || el("invitations-heading")).focus();
}

async function invite(event) {
  event.preventDefault();
  const form = el("invite-form");
  const body = { email: el("invite-email").value.trim(), role: el("invite-role").value };
  if (el("invite-name").value.trim()) body.name = el("invite-name").value.trim();
  busy(el("invite-submit"), true);
  const result = await api("POST", "/api/v1/invitations", body);
  busy(el("invite-submit"), false);
  if (!result.ok) { showErrors(form, result, "The invitation could not be sent."); return; }
  clearErrors(form);
  el("invite-email").value = "";
  el("invite-name").value = "";
  await loadInvitations();
  el("invitations-status").textContent = inSandbox
    ? `Invited ${result.data.email}. This is the sandbox: no mail was sent.`
    : `Invited ${result.data.email} as ${roleLabel(result.data.role).toLowerCase()}; the mail is on its way.`;
  el("invite-email").focus();
}

// ---- custom roles -------------------------------------------------------------------------

function renderCustomRoles() {
  const target = el("custom-roles");
  if (!target) return;
  target.replaceChildren();
  for (const role of roles.filter((r) => r.kind === "custom")) {
    const item = document.createElement("li");
    const name = document.createElement("strong");
    name.textContent = role.name;
    item.append(name, `: ${role.permissions.map((p) => PERMISSIONS[p] || p).join(", ")}`);
    target.append(item);
  }
  el("roles-status").textContent = target.children.length ? "" : "No custom roles yet.";
  const boxes = el("role-permission-boxes");
  if (boxes.children.length) return;
  // What a custom role may hold, as the API says.
  const names = new Set(grantable);
  for (const permission of [...names].sort()) {
    const label = document.createElement("label");
    label.className = "choice";
    const box = document.createElement("input");
    box.type = "checkbox";
    box.value = permission;
    box.id = `permission-${permission.replaceAll(".", "-")}`;
    label.htmlFor = box.id;
    label.append(box, ` ${PERMISSIONS[permission] || permission} `);
    const code = document.createElement("code");
    code.textContent = permission;
    label.append(code);
    boxes.append(label);
  }
}

async function createRole(event) {
  event.preventDefault();
  const form = el("role-form");
  const permissions = [...document.querySelectorAll("#role-permission-boxes input:checked")].map((box) => box.value);
  busy(el("role-submit"), true);
  const result = await api("POST", "/api/v1/roles", { name: el("role-name").value.trim(), permissions });
  busy(el("role-submit"), false);
  if (!result.ok) { showErrors(form, result, "The role could not be created."); return; }
  clearErrors(form);
  form.reset();
  await loadRoles();
  renderAgents();
  el("roles-status").textContent = `Created the role ${result.data.name}.`;
}

// ---- dashboard ----------------------------------------------------------------------------


function attainment(row) {
  if (row.sla_attainment === undefined || row.sla_attainment === null) return "–";
  return `${Math.round(row.sla_attainment * 1000) / 10}% (${row.sla_measured} measured)`;
}

function day(date) { return date.toISOString().slice(0, 10); }

function dashboardRow(section, label, figures, header) {
  const row = section.insertRow();
  const head = document.createElement("th");
  head.scope = "row";
  head.textContent = label;
  if (header) head.title = header;
  row.append(head);
  for (const text of [String(figures.open_tickets), String(figures.tickets_received), String(figures.tickets_solved),
    minutes(figures.median_first_response_minutes), minutes(figures.median_resolution_minutes), attainment(figures)]) {
    row.insertCell().textContent = text;
  }
  return row;
}

async function loadDashboard(event) {
  event?.preventDefault();
  const form = el("dashboard-form");
  const from = el("dashboard-from").value;
  const to = el("dashboard-to").value;
  const local = [];
  if (!from) local.push({ field: "from", message: "Choose the first day of the period." });
  if (!to) local.push({ field: "to", message: "Choose the last day of the period." });
  if (local.length) { showErrors(form, { data: { errors: local } }, ""); return; }
  clearErrors(form);
  // The API's end is exclusive: the day after the last day shown.
  const end = new Date(`${to}T00:00:00Z`);
  end.setUTCDate(end.getUTCDate() + 1);
  const query = new URLSearchParams({ from: `${from}T00:00:00Z`, to: end.toISOString().replace(".000Z", "Z") });
  el("dashboard-status").textContent = "Loading the figures…";
  const result = await api("GET", `/api/v1/team/dashboard?${query}`);
  if (!result.ok) {
    el("dashboard-status").textContent = "";
    showErrors(form, result, "The dashboard could not be loaded.");
    return;
  }
  const data = result.data;
  const body = document.querySelector("#dashboard tbody");
  const foot = document.querySelector("#dashboard tfoot");
  body.replaceChildren();
  foot.replaceChildren();
  for (const agent of data.agents) dashboardRow(body, agent.name, agent, agent.email).dataset.agentId = String(agent.agent_id).toLowerCase();
  dashboardRow(foot, "Whole team", data.team).className = "team-total";
  el("dashboard-caption").textContent = `Figures per agent from ${from} to ${to} (UTC)`;
  el("dashboard-status").textContent = `${data.tickets_considered} ticket(s) considered.` +
    (data.truncated ? " Only the most recent tickets were considered; choose a shorter period for exact figures." : "");
}

// ---- training sandbox ---------------------------------------------------------------------

let sandbox = null;

function sandboxButtons() {
  el("sandbox-create").hidden = Boolean(sandbox) || inSandbox;
  el("sandbox-open").hidden = !sandbox || inSandbox;
  el("sandbox-reset").hidden = !sandbox;
}

async function loadSandbox() {
  const result = await api("GET", "/api/v1/sandbox");
  if (result.status === 404) {
    sandbox = null;
    el("sandbox-status").textContent = "There is no training sandbox yet.";
  } else if (!result.ok) {
    el("sandbox-status").textContent = problemText(result, "The sandbox could not be loaded.");
    return;
  } else {
    sandbox = result.data;
    el("sandbox-status").textContent = `${inSandbox ? "You are in the sandbox" : "The sandbox"} “${sandbox.name}” has ` +
      `${sandbox.practice_tickets} practice ticket(s); created ${time(sandbox.created_at)}.`;
  }
  sandboxButtons();
}

async function createSandbox() {
  const button = el("sandbox-create");
  busy(button, true);
  el("sandbox-status").textContent = "Creating the sandbox…";
  const result = await api("POST", "/api/v1/sandbox");
  busy(button, false);
  if (!result.ok) { el("sandbox-status").textContent = problemText(result, "The sandbox could not be created."); return; }
  await loadSandbox();
  el("sandbox-status").textContent = `Created the sandbox “${result.data.name}” with ${result.data.practice_tickets} practice ticket(s).`;
  el("sandbox-open").focus();
}

async function switchTo(tenantId, status) {
  const result = await api("POST", "/api/v1/me/tenant", { tenant_id: tenantId });
  if (!result.ok) { status.textContent = problemText(result, "Switching accounts failed."); return; }
  location.assign("/team");
}

async function resetSandbox(button, status) {
  busy(button, true);
  status.textContent = "Resetting the sandbox…";
  const result = await api("POST", "/api/v1/sandbox/reset");
  busy(button, false);
  if (!result.ok) { status.textContent = problemText(result, "The sandbox could not be reset."); return; }
  sandbox = result.data;
  status.textContent = `The sandbox was reset: a fresh copy of the configuration with ${result.data.practice_tickets} new practice ticket(s).`;
  if (can.manageSettings && status.id !== "sandbox-status") loadSandbox();
}

// ---- start --------------------------------------------------------------------------------

function defaultPeriod() {
  const today = new Date();
  const start = new Date(today);
  start.setUTCDate(start.getUTCDate() - 30);
  el("dashboard-from").value = day(start);
  el("dashboard-to").value = day(today);
}

if (inSandbox) {
  const name = el("sandbox-of");
  name.textContent = name.textContent.replace(/\s*\(sandbox\)\s*$/, "");
  el("banner-reset").addEventListener("click", () => resetSandbox(el("banner-reset"), el("banner-status")));
  el("banner-back").addEventListener("click", () => switchTo(realTenantId, el("banner-status")));
}
el("profile-form").addEventListener("submit", saveProfile);
el("profile-cancel").addEventListener("click", closeProfile);
el("profile-form").addEventListener("keydown", (event) => { if (event.key === "Escape") closeProfile(); });
el("invite-form")?.addEventListener("submit", invite);
el("role-form")?.addEventListener("submit", createRole);
if (can.readReports) {
  defaultPeriod();
  el("dashboard-form").addEventListener("submit", loadDashboard);
}
if (can.manageSettings) {
  el("sandbox-create").addEventListener("click", createSandbox);
  el("sandbox-open").addEventListener("click", () => sandbox && switchTo(sandbox.tenant_id, el("sandbox-status")));
  el("sandbox-reset").addEventListener("click", () => resetSandbox(el("sandbox-reset"), el("sandbox-status")));
}

async function loadAssignment() {
  const result = await api("GET", "/api/v1/assignment-settings");
  if (result.ok) el("assignment-strategy").value = result.data.strategy;
}

async function saveAssignment(event) {
  event.preventDefault();
  const result = await api("PUT", "/api/v1/assignment-settings", { strategy: el("assignment-strategy").value });
  el("assignment-status").textContent = result.ok
    ? `Saved: ${result.data.strategy === "round_robin" ? "round robin" : "least loaded"}.`
    : result.data?.detail || "The strategy could not be saved.";
}

if (can.manageSettings) el("assignment-form").addEventListener("submit", saveAssignment);

await loadRoles();
await Promise.all([
  loadAssignment(),
  loadAgents(),
  can.readMembers ? loadInvitations() : null,
  can.readReports ? loadDashboard() : null,
  can.manageSettings ? loadSandbox() : null,
]);
root.dataset.loaded = "yes";
