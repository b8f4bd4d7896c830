// Background jobs of the tenant: the list with progress (refreshed every two seconds while
// something is queued or running), cancelling, and queueing an audit verification.
import { api } from "/static/onramp.js";

const body = document.querySelector("#jobs tbody");
const status = document.getElementById("jobs-status");
const labels = { "audit.verify": "Audit trail verification", "sessions.prune": "Expired sign-ins clean-up", "imports.run": "Data import" };
let timer = null;

function cell(row, text) { const td = row.insertCell(); td.textContent = text; return td; }

function progressText(job) {
  const p = job.progress;
  const share = p.total ? `${p.done} of ${p.total}` : p.done ? String(p.done) : "";
  return [share, p.message || "", job.last_error && job.state !== "succeeded" ? `Last error: ${job.last_error}` : ""]
    .filter(Boolean).join(" · ") || "—";
}

async function load() {
  const result = await api("GET", "/api/v1/jobs?limit=50");
  if (!result.ok) { status.textContent = result.data?.detail || "The jobs could not be loaded."; return; }
  body.replaceChildren();
  for (const job of result.data.items) {
    const row = body.insertRow();
    row.dataset.jobId = job.id;
    row.dataset.state = job.state;
    const head = document.createElement("th");
    head.scope = "row";
    head.textContent = labels[job.kind] || job.kind;
    row.append(head);
    const state = cell(row, "");
    const badge = document.createElement("span");
    badge.className = `badge job-${job.state}`;
    badge.textContent = job.cancel_requested && job.state === "running" ? "cancelling" : job.state;
    state.append(badge);
    cell(row, progressText(job));
    cell(row, `${job.attempts} of ${job.max_attempts}`);
    cell(row, new Date(job.created_at).toISOString().slice(0, 19).replace("T", " ") + " UTC");
    const actions = cell(row, "");
    if (job.state === "queued" || (job.state === "running" && !job.cancel_requested)) {
      const cancel = document.createElement("button");
      cancel.type = "button";
      cancel.className = "link-button";
      cancel.textContent = "Cancel";
      cancel.setAttribute("aria-label", `Cancel ${head.textContent}`);
      cancel.addEventListener("click", async () => {
        const done = await api("POST", `/api/v1/jobs/${job.id}/cancel`);
        status.textContent = done.ok ? "Cancellation requested." : done.data?.detail || "The job could not be cancelled.";
        load();
      });
      actions.append(cancel);
    }
  }
  document.getElementById("no-jobs").hidden = result.data.items.length > 0;
  const active = result.data.items.some((job) => job.state === "queued" || job.state === "running");
  clearTimeout(timer);
  if (active) timer = setTimeout(load, 2000);
}

document.getElementById("verify-audit").addEventListener("click", async () => {
  const result = await api("POST", "/api/v1/audit-events/verify");
  status.textContent = result.ok ? "Verification queued." : result.data?.detail || "The verification could not be queued.";
  load();
});
load();
