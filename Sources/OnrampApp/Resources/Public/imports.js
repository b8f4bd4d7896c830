// Data imports: the list with upload, and one import's mapping, preview, progress and result.
// Progress is read from getImport every second while the import is queued or running.
import { api, connectLive } from "/static/onramp.js";

const root = document.querySelector("[data-imports]");
const importId = root.dataset.importId;
const canManage = root.dataset.canManage === "yes";
const sources = { zendesk: "Zendesk", freshdesk: "Freshdesk", helpscout: "Help Scout", generic: "a spreadsheet or other tool" };
const verdicts = ["created", "updated", "unchanged", "duplicate", "rejected"];
const el = (id) => document.getElementById(id);

function text(tag, value, className) {
  const node = document.createElement(tag);
  node.textContent = value;
  if (className) node.className = className;
  return node;
}

function describe(item) {
  const kind = item.object === "unknown" ? "records" : item.object;
  return `${kind} from ${sources[item.source] || item.source} (${item.format.toUpperCase()}, ${item.encoding === "utf8" ? "UTF-8" : "Latin-1"})`;
}

function problemText(result, fallback) {
  const errors = result.data?.errors?.map((e) => e.message) || [];
  return errors.length ? errors.join(" ") : result.data?.detail || fallback;
}

// ---- the list -----------------------------------------------------------------------------

async function loadList() {
  const result = await api("GET", "/api/v1/imports");
  const body = document.querySelector("#imports tbody");
  if (!result.ok) { el("imports-status").textContent = problemText(result, "The imports could not be loaded."); return; }
  body.replaceChildren();
  el("no-imports").hidden = result.data.items.length > 0;
  for (const item of result.data.items) {
    const row = body.insertRow();
    const head = document.createElement("th");
    head.scope = "row";
    const link = text("a", item.file_name);
    link.href = `/imports/${item.id}`;
    head.append(link);
    row.append(head);
    row.insertCell().textContent = describe(item);
    row.insertCell().append(text("span", item.state, `badge job-${item.state === "completed" ? "succeeded" : item.state === "failed" ? "dead" : item.state}`));
    row.insertCell().textContent = item.state === "uploaded" ? "Not imported yet" : item.summary;
    row.insertCell().textContent = new Date(item.created_at).toISOString().slice(0, 16).replace("T", " ") + " UTC";
  }
}

async function upload() {
  const input = el("import-file");
  const status = el("imports-status");
  const file = input.files && input.files[0];
  if (!file) { status.textContent = "Choose a file first."; input.focus(); return; }
  status.textContent = `Uploading ${file.name}…`;
  const form = new FormData();
  form.append("file", file, file.name);
  const csrf = document.querySelector("meta[name=csrf-token]")?.content || "";
  const response = await fetch("/api/v1/imports", { method: "POST", body: form, credentials: "same-origin", headers: { "X-CSRF-Token": csrf, Accept: "application/json" } });
  let data = null;
  try { data = await response.json(); } catch { data = null; }
  if (!response.ok) {
    status.textContent = `${file.name} was not accepted: ${problemText({ data }, `the upload failed (HTTP ${response.status}).`)}`;
    return;
  }
  location.href = `/imports/${data.id}`;
}

// ---- one import ---------------------------------------------------------------------------

let mapping = null;
let timer = null;

function renderMapping() {
  const body = document.querySelector("#mapping tbody");
  body.replaceChildren();
  el("import-object").value = mapping.object;
  el("import-policy").value = mapping.options.policy || "update";
  el("import-country").value = mapping.options.default_country || "";
  el("import-time-zone").value = mapping.options.time_zone || "";
  const chosen = Object.fromEntries(mapping.entries.map((e) => [e.field, e]));
  for (const field of mapping.target_fields) {
    const row = body.insertRow();
    row.dataset.field = field.key;
    const head = document.createElement("th");
    head.scope = "row";
    const label = text("label", field.label + (field.required ? " (required)" : ""));
    label.htmlFor = `map-${field.key}`;
    head.append(label);
    row.append(head);
    const select = document.createElement("select");
    select.id = `map-${field.key}`;
    select.disabled = !canManage;
    select.append(new Option("— not imported —", ""));
    const current = chosen[field.key]?.source || "";
    const options = new Set(mapping.source_fields);
    if (current) options.add(current);
    for (const path of options) select.append(new Option(path, path, false, path === current));
    select.value = current;
    row.insertCell().append(select);
    const confidence = chosen[field.key]?.confidence;
    row.insertCell().textContent = confidence === undefined ? "" : mapping.saved ? "chosen" : `${Math.round(confidence * 100)} %`;
  }
}

async function loadMapping(object) {
  const query = object ? `?object=${encodeURIComponent(object)}` : "";
  const result = await api("GET", `/api/v1/imports/${importId}/mapping${query}`);
  if (!result.ok) { el("import-status").textContent = problemText(result, "The mapping could not be loaded."); return; }
  mapping = result.data;
  renderMapping();
}

async function saveMapping() {
  el("mapping-errors").textContent = "";
  const entries = [...document.querySelectorAll("#mapping tbody tr")]
    .map((row) => ({ field: row.dataset.field, source: row.querySelector("select").value }))
    .filter((entry) => entry.source);
  const options = { policy: el("import-policy").value };
  if (el("import-country").value.trim()) options.default_country = el("import-country").value.trim().toUpperCase();
  if (el("import-time-zone").value.trim()) options.time_zone = el("import-time-zone").value.trim();
  const result = await api("PUT", `/api/v1/imports/${importId}/mapping`, { object: el("import-object").value, entries, options, custom_columns: mapping.custom_columns || {} });
  if (!result.ok) { el("mapping-errors").textContent = problemText(result, "The mapping could not be saved."); return; }
  mapping = result.data;
  renderMapping();
  await preview();
}

async function preview() {
  const section = el("preview-section");
  const result = await api("POST", `/api/v1/imports/${importId}/preview?limit=20`);
  if (!result.ok) { el("mapping-errors").textContent = problemText(result, "The preview failed."); return; }
  section.hidden = false;
  const body = document.querySelector("#preview tbody");
  body.replaceChildren();
  for (const row of result.data.rows) {
    const tr = body.insertRow();
    tr.dataset.verdict = row.verdict;
    tr.insertCell().textContent = row.line ? `${row.row} (line ${row.line})` : String(row.row);
    tr.insertCell().append(text("span", row.verdict === "duplicate" ? "skip (duplicate)" : row.verdict === "created" ? "create" : row.verdict === "updated" ? "update" : row.verdict, `badge verdict-${row.verdict}`));
    const order = (mapping?.target_fields || []).map((f) => f.key);
    const labels = Object.fromEntries((mapping?.target_fields || []).map((f) => [f.key, f.label]));
    const values = Object.entries(row.values).sort(([a], [b]) => order.indexOf(a) - order.indexOf(b));
    tr.insertCell().append(text("span", values.map(([k, v]) => `${labels[k] || k}: ${v}`).join(" · "), "values"));
    tr.insertCell().textContent = row.reasons.join(" ");
  }
  const phrase = { created: "to create", updated: "to update", unchanged: "unchanged", duplicate: "skipped as duplicates", rejected: "rejected" };
  const parts = Object.entries(result.data.counts).sort().map(([object, byVerdict]) =>
    `${object}: ` + verdicts.filter((v) => byVerdict[v]).map((v) => `${byVerdict[v]} ${phrase[v]}`).join(", "));
  el("preview-summary").textContent = `About ${result.data.estimated_records} records in the file. The first ${result.data.rows.length} give ${parts.join("; ")}.`;
}

function renderProgress(item) {
  const running = item.state === "queued" || item.state === "running";
  const section = el("import-progress-section");
  section.hidden = item.state === "uploaded";
  el("import-progress").value = item.progress.percent;
  const states = { queued: "Waiting for a worker…", running: "Importing…", completed: "Done.", failed: "The import failed.", cancelled: "Cancelled." };
  el("import-progress-text").textContent = `${states[item.state] || item.state} ${item.progress.percent} % · ${item.progress.rows_done} records read` +
    (item.message ? ` · ${item.message}` : "");
  const body = document.querySelector("#import-counts tbody");
  body.replaceChildren();
  for (const [object, byVerdict] of Object.entries(item.counts)) {
    const row = body.insertRow();
    const head = document.createElement("th");
    head.scope = "row";
    head.textContent = object;
    row.append(head);
    for (const verdict of verdicts) row.insertCell().textContent = String(byVerdict[verdict] || 0);
  }
  const report = el("error-report");
  report.hidden = item.error_count === 0;
  report.href = `/api/v1/imports/${item.id}/errors.csv`;
  report.textContent = `Download the error report (${item.error_count} rows, CSV)`;
  const cancel = el("cancel-import");
  if (cancel) cancel.hidden = !running;
  const start = el("start-import");
  if (start) { start.disabled = running; start.textContent = item.state === "completed" ? "Run the import again (updates what changed)" : item.state === "cancelled" || item.state === "failed" ? "Resume the import" : "Start the import"; }
  const save = el("save-mapping");
  if (save) save.disabled = running;
  // Batches are pushed over the live stream; a slow poll covers imports run elsewhere
  // (`onramp import` on SQLite runs in another process).
  clearTimeout(timer);
  if (running) timer = setTimeout(loadImport, 5000);
}

async function loadImport() {
  const result = await api("GET", `/api/v1/imports/${importId}`);
  if (!result.ok) { el("import-status").textContent = problemText(result, "The import could not be loaded."); return null; }
  const item = result.data;
  el("import-title").textContent = `Import of ${item.file_name}`;
  el("import-summary").textContent = `Recognised ${describe(item)}, ${item.byte_size} bytes.`;
  renderProgress(item);
  return item;
}

async function start() {
  const result = await api("POST", `/api/v1/imports/${importId}/start`);
  el("import-status").textContent = result.ok ? "The import is queued; it runs in the background, you may leave this page." : problemText(result, "The import could not start.");
  if (result.ok) renderProgress(result.data);
}

async function cancel() {
  const result = await api("POST", `/api/v1/imports/${importId}/cancel`);
  el("import-status").textContent = result.ok ? "Cancelling: batches already written stay." : problemText(result, "The import could not be cancelled.");
  loadImport();
}

if (importId) {
  connectLive("/api/v1/imports/live", (event) => {
    if (event.type === "import" && event.import_id === importId) loadImport();
  });
  loadImport().then((item) => {
    if (!item) return;
    loadMapping();
    if (item.state === "uploaded" && item.mapped) preview();
  });
  el("import-object").addEventListener("change", () => loadMapping(el("import-object").value));
  el("save-mapping")?.addEventListener("click", saveMapping);
  el("start-import")?.addEventListener("click", start);
  el("cancel-import")?.addEventListener("click", cancel);
} else {
  loadList();
  el("upload-import")?.addEventListener("click", upload);
}
