// Operator dashboard: sorting, filtering and live updates of the tenants table. No build step.
import { api, connectLive } from "/static/onramp.js";

const table = document.getElementById("tenants");
const body = table.tBodies[0];
const filterText = document.getElementById("filter-text");
const filterStatus = document.getElementById("filter-status");
const stalledAfterMs = Number(document.querySelector("[data-operator-dashboard]").dataset.stalledAfterHours) * 3600 * 1000;
const stepTitles = Object.fromEntries([...document.getElementById("step-titles").content.querySelectorAll("span")]
  .map((span) => [span.dataset.id, span.textContent]));
let sortKey = "activity";
const pending = new Map(); // tenant id → promise of its new row
let descending = true;

function formatted(date) {
  return date ? new Date(date).toISOString().slice(0, 19).replace("T", " ") + " UTC" : "—";
}

function applyFilters() {
  const text = filterText.value.trim().toLowerCase();
  const status = filterStatus.value;
  let shown = 0;
  for (const row of body.rows) {
    const visible = (!text || row.dataset.name.toLowerCase().includes(text)) && (!status || row.dataset.status === status);
    row.hidden = !visible;
    if (visible) shown += 1;
  }
  document.getElementById("shown-count").textContent = shown;
}

function sortRows() {
  const button = table.querySelector(`[data-sort="${sortKey}"]`);
  const numeric = button.hasAttribute("data-numeric");
  const rows = [...body.rows].sort((a, b) => {
    const x = a.dataset[sortKey] || "";
    const y = b.dataset[sortKey] || "";
    const order = numeric ? Number(x) - Number(y) : x.localeCompare(y);
    return descending ? -order : order;
  });
  body.append(...rows);
  for (const th of table.tHead.rows[0].cells) {
    th.setAttribute("aria-sort", th.querySelector("button").dataset.sort === sortKey ? (descending ? "descending" : "ascending") : "none");
  }
}

function statusOf(event) {
  if (event.state === "active" && Date.now() - Date.parse(event.last_activity_at || event.started_at) > stalledAfterMs) return "stalled";
  return event.state;
}

function newRow(id, name) {
  const row = body.insertRow(0);
  row.dataset.tenantId = id;
  row.dataset.name = name;
  const head = document.createElement("th");
  head.scope = "row";
  const link = document.createElement("a");
  link.href = `/operator/tenants/${id}`;
  link.textContent = name;
  head.append(link);
  row.append(head);
  for (const cell of ["step", "progress", "status", "started", "activity"]) {
    const td = row.insertCell();
    td.dataset.cell = cell;
  }
  return row;
}

async function onLive(event) {
  let row = body.querySelector(`tr[data-tenant-id="${CSS.escape(event.tenant_id.toUpperCase())}"]`)
    || body.querySelector(`tr[data-tenant-id="${CSS.escape(event.tenant_id)}"]`);
  if (!row) {
    // A new tenant: make its row once, even when several of its events arrive together.
    const key = event.tenant_id.toLowerCase();
    if (!pending.has(key)) {
      pending.set(key, (async () => {
        const list = await api("GET", "/api/v1/operator/tenants?limit=500");
        const tenant = list.ok && list.data.items.find((t) => t.id.toLowerCase() === key);
        return newRow(event.tenant_id, tenant ? tenant.name : event.tenant_id);
      })());
    }
    row = await pending.get(key);
  }
  const status = statusOf(event);
  const activity = event.last_activity_at || event.started_at;
  Object.assign(row.dataset, {
    step: stepTitles[event.current_step] || event.current_step, progress: String(event.progress), status,
    started: String(Date.parse(event.started_at) / 1000), activity: String(Date.parse(activity) / 1000),
  });
  row.querySelector("[data-cell=step]").textContent = row.dataset.step;
  row.querySelector("[data-cell=progress]").textContent = `${event.progress}%`;
  const badge = document.createElement("span");
  badge.className = `badge status-${status}`;
  badge.textContent = status;
  row.querySelector("[data-cell=status]").replaceChildren(badge);
  row.querySelector("[data-cell=started]").textContent = formatted(event.started_at);
  row.querySelector("[data-cell=activity]").textContent = formatted(activity);
  row.classList.add("updated");
  setTimeout(() => row.classList.remove("updated"), 2000);
  sortRows();
  applyFilters();
}

table.tHead.addEventListener("click", (event) => {
  const button = event.target.closest("[data-sort]");
  if (!button) return;
  descending = sortKey === button.dataset.sort ? !descending : button.hasAttribute("data-numeric");
  sortKey = button.dataset.sort;
  sortRows();
});
filterText.addEventListener("input", applyFilters);
filterStatus.addEventListener("change", applyFilters);
let connectedBefore = false;
connectLive("/api/v1/operator/live", onLive, (state) => {
  document.getElementById("live-status").dataset.live = state;
  // After a reconnect, changes made meanwhile were not pushed: read the current table.
  if (state === "live" && connectedBefore) refresh();
  if (state === "live") connectedBefore = true;
});

async function refresh() {
  const list = await api("GET", "/api/v1/operator/tenants?limit=500");
  if (!list.ok) return;
  for (const tenant of list.data.items) {
    if (!tenant.onboarding) continue;
    await onLive({ ...tenant.onboarding, tenant_id: tenant.id, steps: {} });
  }
}
