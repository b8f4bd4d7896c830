// Tickets: the filtered list with paging and a "new ticket" form, and one ticket's
// conversation with a reply form and status/priority controls. Works through the tickets API.
import { api } from "/static/onramp.js";

const root = document.querySelector("[data-tickets]");
const ticketId = root.dataset.ticketId;
const el = (id) => document.getElementById(id);
const labels = { new: "New", open: "Open", pending: "Pending", on_hold: "On hold", resolved: "Resolved", closed: "Closed" };

function problemText(result, fallback) {
  const errors = result.data?.errors?.map((e) => e.message) || [];
  return errors.length ? errors.join(" ") : result.data?.detail || fallback;
}

function time(iso) { return new Date(iso).toISOString().slice(0, 16).replace("T", " ") + " UTC"; }

// ---- the list -----------------------------------------------------------------------------

let before = null;

async function loadList(append = false) {
  const query = new URLSearchParams({ limit: "50" });
  for (const [name, id] of [["status", "filter-status"], ["priority", "filter-priority"], ["q", "filter-q"]]) {
    const value = el(id).value.trim();
    if (value) query.set(name, value);
  }
  if (append && before) query.set("before", String(before));
  const result = await api("GET", `/api/v1/tickets?${query}`);
  if (!result.ok) { el("tickets-status").textContent = problemText(result, "The tickets could not be loaded."); return; }
  const body = document.querySelector("#tickets tbody");
  if (!append) body.replaceChildren();
  for (const ticket of result.data.items) {
    const row = body.insertRow();
    row.dataset.ticketId = ticket.id;
    row.insertCell().textContent = String(ticket.number);
    const head = document.createElement("th");
    head.scope = "row";
    const link = document.createElement("a");
    link.href = `/tickets/${ticket.id}`;
    link.textContent = ticket.subject;
    head.append(link);
    row.append(head);
    const status = document.createElement("span");
    status.className = `badge status-${ticket.status}`;
    status.textContent = labels[ticket.status] || ticket.status;
    row.insertCell().append(status);
    row.insertCell().textContent = ticket.priority;
    row.insertCell().textContent = ticket.requester.name || ticket.requester.email || "—";
    row.insertCell().textContent = time(ticket.updated_at);
  }
  before = result.data.next_before ?? null;
  el("more-tickets").hidden = !before;
  el("tickets-status").textContent = body.rows.length ? "" : "No tickets match.";
}

async function createTicket(event) {
  event.preventDefault();
  const body = { subject: el("new-subject").value, body: el("new-body").value, priority: el("new-priority").value, channel: "portal" };
  if (el("new-email").value.trim()) body.requester = { email: el("new-email").value.trim() };
  const result = await api("POST", "/api/v1/tickets", body);
  if (!result.ok) { el("create-errors").textContent = problemText(result, "The ticket could not be created."); return; }
  location.href = `/tickets/${result.data.id}`;
}

// ---- one ticket ---------------------------------------------------------------------------

function render(ticket) {
  el("ticket-title").textContent = `#${ticket.number} ${ticket.subject}`;
  const requester = ticket.requester.name || ticket.requester.email || "no requester";
  el("ticket-summary").textContent = `${labels[ticket.status] || ticket.status} · ${ticket.priority} priority · from ${requester} via ${ticket.channel}` +
    (ticket.team ? ` · team ${ticket.team}` : "") + (ticket.source ? ` · imported from ${ticket.source}` : "");
  if (el("ticket-status")) el("ticket-status").value = ticket.status;
  if (el("ticket-priority")) el("ticket-priority").value = ticket.priority;
  const list = el("conversation");
  list.replaceChildren();
  for (const message of ticket.messages) {
    const item = document.createElement("li");
    item.className = `message ${message.visibility}`;
    const meta = document.createElement("p");
    meta.className = "hint";
    meta.textContent = `${message.author || (message.from_customer ? "Customer" : "Team")} · ${time(message.created_at)}` +
      (message.visibility === "internal" ? " · internal note" : "");
    const text = document.createElement("p");
    text.className = "body";
    text.textContent = message.body;
    item.append(meta, text);
    list.append(item);
  }
  const closed = ticket.status === "closed";
  for (const control of document.querySelectorAll("#reply textarea, #reply select, #reply button, #ticket-update select, #ticket-update button")) {
    control.disabled = closed;
  }
  if (closed) el("ticket-status-line").textContent = "This ticket is closed; open a follow-up ticket for anything new.";
}

async function loadTicket() {
  const result = await api("GET", `/api/v1/tickets/${ticketId}`);
  if (!result.ok) { el("ticket-status-line").textContent = problemText(result, "The ticket could not be loaded."); return; }
  render(result.data);
}

async function saveTicket(event) {
  event.preventDefault();
  const result = await api("PATCH", `/api/v1/tickets/${ticketId}`, { status: el("ticket-status").value, priority: el("ticket-priority").value });
  el("ticket-status-line").textContent = result.ok ? "Saved." : problemText(result, "The ticket could not be saved.");
  if (result.ok) render(result.data); else loadTicket();
}

async function reply(event) {
  event.preventDefault();
  el("reply-errors").textContent = "";
  const result = await api("POST", `/api/v1/tickets/${ticketId}/messages`, { body: el("reply-body").value, visibility: el("reply-visibility").value });
  if (!result.ok) { el("reply-errors").textContent = problemText(result, "The message could not be sent."); return; }
  el("reply-body").value = "";
  render(result.data);
}

async function dryRun() {
  const result = await api("POST", `/api/v1/tickets/${ticketId}/routing-dry-run`, { event: "ticket_created" });
  const list = el("dry-run-trace");
  list.hidden = false;
  list.replaceChildren();
  if (!result.ok) { list.append(Object.assign(document.createElement("li"), { textContent: result.data?.detail || "The dry run failed." })); return; }
  if (!result.data.trace.length) list.append(Object.assign(document.createElement("li"), { textContent: "There are no routing rules yet." }));
  for (const entry of result.data.trace) {
    const item = document.createElement("li");
    item.dataset.outcome = entry.outcome;
    item.textContent = `${entry.name} (v${entry.version}): ${entry.outcome} — ${entry.reason}`;
    list.append(item);
  }
}

if (ticketId) {
  loadTicket();
  el("dry-run").addEventListener("click", dryRun);
  el("ticket-update")?.addEventListener("submit", saveTicket);
  el("reply")?.addEventListener("submit", reply);
} else {
  loadList();
  el("ticket-filters").addEventListener("submit", (event) => { event.preventDefault(); loadList(); });
  el("more-tickets").addEventListener("click", () => loadList(true));
  el("create-ticket")?.addEventListener("submit", createTicket);
}
