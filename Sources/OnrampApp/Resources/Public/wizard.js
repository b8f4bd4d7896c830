// Onramp onboarding wizard: autosave, inline validation, suggestions, templates, branding
// preview and live progress. Plain ES module, no build step. Talks to the documented API.
import { api, connectLive, contrastRatio, isHexColor } from "/static/onramp.js";

const root = document.querySelector("[data-wizard]");
const stepId = root.dataset.step;
const readOnly = root.hasAttribute("data-read-only");
let version = Number(root.dataset.version);
let edits = 0;          // input events so far
let savedEdits = 0;     // edits covered by the last successful save
let saving = 0;         // saves in flight
let chain = Promise.resolve();
let timer = null;
let conflictShown = false;
let leaving = false;
// Top-level configuration keys this page changed: only those are sent, so saving (or "Keep
// mine" after a conflict) never wipes values another window entered in fields left alone here.
const touched = new Set();    // a pause/skip/activate is under way: this page is about to be left

const form = document.getElementById("step-form") || document.getElementById("activate-form");
const statusEl = document.getElementById("save-status");
const banner = document.getElementById("banner");
const formErrors = document.getElementById("form-errors");
const dirty = () => edits !== savedEdits;

function status(text) { if (statusEl) statusEl.textContent = text; }

function showBanner(text, actions = []) {
  banner.replaceChildren();
  const p = document.createElement("p");
  p.textContent = text;
  banner.append(p);
  for (const [label, handler] of actions) {
    const button = document.createElement("button");
    button.type = "button";
    button.className = "secondary";
    button.textContent = label;
    button.addEventListener("click", handler);
    banner.append(button);
  }
  banner.hidden = false;
}

function hideBanner() { banner.hidden = true; banner.replaceChildren(); conflictShown = false; }

// ---- reading and writing fields ------------------------------------------------------

function fields() { return form ? [...form.querySelectorAll("[data-path]")] : []; }
function fieldFor(path) { return fields().find((el) => el.dataset.path === path); }

function readField(el) {
  const kind = el.dataset.kind;
  const text = () => (el.value || "").trim();
  switch (kind) {
    case "checkboxes": return [...el.querySelectorAll("input[type=checkbox]:checked")].map((i) => i.value);
    case "toggle": return el.checked;
    case "tags": { const items = text().split(",").map((s) => s.trim()).filter(Boolean); return items.length ? items : null; }
    case "number": { const t = text(); if (!t) return null; const n = Number(t); return Number.isFinite(n) ? n : t; }
    case "secret": return el.value ? el.value : undefined;
    case "invites":
      return [...el.querySelectorAll("[data-row]")]
        .map((row) => ({ email: row.querySelector("[data-part=email]").value.trim(), role: row.querySelector("[data-part=role]").value }))
        .filter((row) => row.email);
    default: return text() || null;
  }
}

function writeField(el, value) {
  switch (el.dataset.kind) {
    case "checkboxes": {
      const chosen = new Set(Array.isArray(value) ? value : []);
      for (const box of el.querySelectorAll("input[type=checkbox]")) box.checked = chosen.has(box.value);
      break;
    }
    case "toggle": el.checked = value === true; break;
    case "tags": el.value = Array.isArray(value) ? value.join(", ") : ""; break;
    case "secret":
      el.value = "";
      el.placeholder = value && value.is_set ? "Stored — type to replace" : "";
      break;
    case "invites": {
      const rows = Array.isArray(value) ? value : [];
      const container = el.querySelector(".invite-rows");
      const template = container.querySelector("[data-row]");
      const fresh = [...rows, {}].map((row, index) => {
        const copy = template.cloneNode(true);
        renumber(copy, el.id, index);
        copy.querySelector("[data-part=email]").value = row.email || "";
        copy.querySelector("[data-part=role]").value = row.role || "agent";
        return copy;
      });
      container.replaceChildren(...fresh);
      break;
    }
    case "color":
      el.value = typeof value === "string" ? value : "";
      syncSwatch(el);
      break;
    default:
      el.value = value === null || value === undefined ? "" : String(value);
  }
}

function valueAt(config, path) {
  return path.split(".").reduce((node, key) => (node && typeof node === "object" ? node[key] : undefined), config);
}

function touch(el) { if (el?.dataset.path) touched.add(el.dataset.path.split(".")[0]); }

function collect() {
  const config = {};
  for (const el of fields()) {
    if (!touched.has(el.dataset.path.split(".")[0])) continue;
    const value = readField(el);
    if (value === undefined) continue;
    const parts = el.dataset.path.split(".");
    // A nested empty field is left out; an empty top-level field is removed (null).
    if (value === null && parts.length > 1) continue;
    let node = config;
    for (const part of parts.slice(0, -1)) node = node[part] = node[part] && typeof node[part] === "object" ? node[part] : {};
    node[parts.at(-1)] = value;
  }
  return config;
}

// ---- errors ----------------------------------------------------------------------------

function clearErrors() {
  if (!form) return;
  for (const el of form.querySelectorAll("[data-error-for]")) { el.hidden = true; el.textContent = ""; }
  for (const el of form.querySelectorAll("[aria-invalid]")) el.removeAttribute("aria-invalid");
  if (formErrors) { formErrors.hidden = true; formErrors.textContent = ""; }
}

function showErrors(errors) {
  clearErrors();
  const unplaced = [];
  let first = null;
  for (const error of errors) {
    const row = error.field.match(/^([a-z_.]+)\[(\d+)\]\.(\w+)$/);
    const path = row ? row[1] : error.field.replace(/\[\d+\]$/, "");
    const target = form.querySelector(`[data-error-for="${CSS.escape(path)}"]`);
    if (!target) { unplaced.push(`${error.field}: ${error.message}`); continue; }
    const message = row ? `Row ${Number(row[2]) + 1}: ${error.message}` : error.message;
    target.textContent = target.textContent ? `${target.textContent} ${message}` : message;
    target.hidden = false;
    let control = document.getElementById(target.id.replace(/-error$/, ""));
    if (row && control) control = control.querySelectorAll("[data-row]")[Number(row[2])]?.querySelector(`[data-part=${row[3]}]`) || control;
    if (control) {
      control.setAttribute("aria-invalid", "true");
      first = first || control;
    }
  }
  if (unplaced.length && formErrors) {
    formErrors.textContent = unplaced.join(" ");
    formErrors.hidden = false;
  }
  return first;
}

// ---- saving ----------------------------------------------------------------------------

function save(complete = false, { keepalive = false } = {}) {
  if (readOnly) return Promise.resolve(null);
  clearTimeout(timer);
  chain = chain.then(() => doSave(complete, keepalive));
  return chain;
}

async function doSave(complete, keepalive) {
  const at = edits;
  saving += 1;
  status(complete ? "Checking…" : "Saving…");
  try {
    const result = await api("PATCH", `/api/v1/onboarding/steps/${stepId}`, { config: collect(), complete, version }, { keepalive });
    if (result.ok) {
      version = result.data.version;
      savedEdits = at;
      clearErrors();
      status(complete ? "Completed." : "All changes saved.");
      updateProgress(result.data);
      if (!complete) refreshSuggestions();
      return result.data;
    }
    handleFailure(result);
    return null;
  } catch (error) {
    status("Not saved: the connection failed. Your input is still here; it will be saved when you change something again.");
    return null;
  } finally {
    saving -= 1;
  }
}

function handleFailure(result) {
  const problem = result.data || {};
  if (result.status === 422) {
    const first = showErrors(problem.errors || []);
    status("Not saved yet: fix the fields marked below.");
    if (first) first.focus();
  } else if (result.status === 409 && problem.current) {
    conflict(problem.current);
  } else {
    status("");
    showBanner(problem.detail || `Could not save (HTTP ${result.status}).`);
  }
}

function conflict(current) {
  conflictShown = true;
  status("Not saved: this step changed elsewhere.");
  showBanner(
    `Someone changed onboarding in another window or device (now version ${current.version}). ` +
      "Load their version, or keep yours and save it over theirs.",
    [
      ["Load their version", () => location.reload()],
      ["Keep mine", () => { version = current.version; hideBanner(); save(false); }],
    ],
  );
}

function scheduleSave() {
  edits += 1;
  status("Unsaved changes…");
  clearTimeout(timer);
  timer = setTimeout(() => save(false), 600);
}

// ---- progress --------------------------------------------------------------------------

function updateProgress(session) {
  const states = Array.isArray(session.steps)
    ? Object.fromEntries(session.steps.map((s) => [s.id, s.state]))
    : session.steps || {};
  const labels = { not_started: "Not started", in_progress: "In progress", completed: "Completed", skipped: "Skipped" };
  for (const item of document.querySelectorAll("[data-step-id]")) {
    const state = states[item.dataset.stepId];
    if (!state) continue;
    item.className = item.className.replace(/state-[a-z_]+/, `state-${state}`);
    item.querySelector("[data-state-label]").textContent = labels[state];
    if (item.dataset.stepId === stepId) document.getElementById("step-state").textContent = labels[state];
  }
  const bar = document.getElementById("progress");
  if (bar) bar.value = session.progress;
  document.getElementById("progress-label").textContent = session.progress;
}

async function onLive(event) {
  if (leaving) return;
  updateProgress(event);
  if (event.state !== root.dataset.state) { location.reload(); return; }
  if (event.version <= version || saving) return;
  if (dirty()) {
    if (!conflictShown) {
      conflict({ version: event.version });
    }
    return;
  }
  const result = await api("GET", "/api/v1/onboarding");
  if (!result.ok) return;
  version = result.data.version;
  const step = result.data.steps.find((s) => s.id === stepId);
  for (const el of fields()) writeField(el, valueAt(step.config, el.dataset.path));
  status(`Updated from another window (version ${version}).`);
  if (stepId === "branding") renderPreview();
}

// ---- suggestions and templates ---------------------------------------------------------

function isEmpty(value) { return value === null || value === undefined || (Array.isArray(value) && value.length === 0) || value === false; }

async function refreshSuggestions() {
  if (!form || readOnly) return;
  const result = await api("GET", "/api/v1/onboarding/suggestions");
  if (!result.ok) return;
  for (const box of form.querySelectorAll("[data-suggestion-for]")) { box.hidden = true; box.replaceChildren(); }
  for (const item of result.data.items.filter((i) => i.step === stepId)) {
    const box = form.querySelector(`[data-suggestion-for="${CSS.escape(item.field)}"]`);
    const el = fieldFor(item.field);
    if (!box || !el || !isEmpty(readField(el))) continue;
    const text = document.createElement("span");
    const shown = Array.isArray(item.value) ? item.value.join(", ") : String(item.value);
    text.textContent = `Suggested: ${shown} — ${item.reason}. `;
    const use = document.createElement("button");
    use.type = "button";
    use.className = "link-button";
    use.textContent = "Use this";
    use.setAttribute("aria-label", `Use ${shown} for ${el.closest(".field").querySelector("label, legend").textContent.trim()}`);
    use.addEventListener("click", () => {
      writeField(el, item.value);
      touch(el);
      box.hidden = true;
      scheduleSave();
      save(false);
      el.focus?.();
    });
    box.append(text, use);
    box.hidden = false;
  }
}

async function setUpTemplates() {
  const select = document.getElementById("template-choice");
  if (!select) return;
  const result = await api("GET", "/api/v1/templates");
  if (!result.ok) { select.replaceChildren(new Option("Templates could not be loaded", "")); return; }
  select.replaceChildren(new Option("Choose a template…", ""), ...result.data.items.map((t) => new Option(t.name, t.id)));
  document.querySelector("[data-action=preview-template]").addEventListener("click", async () => {
    const preview = document.getElementById("template-preview");
    if (!select.value) { preview.hidden = false; preview.textContent = "Choose a template first."; return; }
    const detail = await api("GET", `/api/v1/templates/${encodeURIComponent(select.value)}`);
    if (!detail.ok) { preview.hidden = false; preview.textContent = detail.data?.detail || "Could not load the template."; return; }
    const t = detail.data;
    preview.replaceChildren();
    const heading = document.createElement("h3");
    heading.textContent = `${t.name} fills in`;
    const list = document.createElement("ul");
    const rows = [];
    for (const [step, values] of Object.entries(t.defaults || {})) {
      for (const [key, value] of Object.entries(values)) rows.push(`${step} · ${key}: ${typeof value === "object" ? JSON.stringify(value) : value}`);
    }
    rows.push(`Required steps: ${t.required_steps.join(", ")}`);
    for (const row of rows) { const li = document.createElement("li"); li.textContent = row; list.append(li); }
    const note = document.createElement("p");
    note.className = "hint";
    note.textContent = "Only empty fields are filled; nothing you entered is overwritten.";
    const apply = document.createElement("button");
    apply.type = "button";
    apply.className = "primary inline-button";
    apply.textContent = `Apply ${t.name}`;
    apply.disabled = readOnly;
    apply.addEventListener("click", async () => {
      await save(false);
      const applied = await api("POST", `/api/v1/templates/${encodeURIComponent(t.id)}/apply`, { version });
      if (applied.ok) location.reload();
      else handleFailure(applied);
    });
    preview.append(heading, list, note, apply);
    preview.hidden = false;
  });
}

// ---- branding preview ------------------------------------------------------------------

let previewRoot = null;
let logoTimer = null;
const unsafeCSS = /url\s*\(|@import|expression\s*\(|javascript:|behavior\s*:|-moz-binding/i;

function renderPreview() {
  const host = document.getElementById("brand-preview");
  if (!host) return;
  if (!previewRoot) {
    previewRoot = host.attachShadow({ mode: "open" });
    const base = new CSSStyleSheet();
    base.replaceSync(`
      :host { display: block; }
      .portal { border: 1px solid #d5dbe2; border-radius: 8px; overflow: hidden; background: var(--bg); color: var(--text); margin-bottom: 1rem; }
      .header { display: flex; align-items: center; gap: .6rem; padding: .8rem 1rem; background: var(--primary); color: #fff; }
      .logo { max-height: 32px; max-width: 120px; }
      .brand-name { font-weight: 700; }
      .content { padding: 1rem; }
      .content h1 { font-size: 1.2rem; margin: 0 0 .4rem; }
      .button { display: inline-block; background: var(--primary); color: #fff; padding: .4rem .8rem; border-radius: 6px; }
      .email { border: 1px solid #d5dbe2; border-radius: 8px; background: var(--bg); color: var(--text); padding: 1rem; }
      .email-meta { font-size: .85rem; opacity: .85; margin: 0 0 .5rem; }
      .email a { color: var(--primary); }
    `);
    previewRoot.adoptedStyleSheets = [base, new CSSStyleSheet()];
    previewRoot.innerHTML = `
      <div class="portal" part="portal"><div class="header"><img class="logo" alt="" hidden><span class="brand-name"></span></div>
        <div class="content"><h1>How can we help?</h1><p>Search our answers or send us a message.</p><span class="button">Submit a request</span></div></div>
      <div class="email"><p class="email-meta">Sample email · Re: Your order #1042</p>
        <p>Hi Sam,</p><p>thanks for writing. Your replacement ships today; <a>track it here</a>.</p><p class="signature"></p></div>`;
  }
  const value = (path) => (fieldFor(path)?.value || "").trim();
  const hex = (path, fallback) => (isHexColor(value(path)) ? value(path) : fallback);
  const primary = hex("primary_color", "#1F5FBF");
  const text = hex("text_color", "#1B1F24");
  const background = hex("background_color", "#FFFFFF");
  const host2 = document.getElementById("brand-preview");
  host2.style.setProperty("--primary", primary);
  host2.style.setProperty("--text", text);
  host2.style.setProperty("--bg", background);
  const name = value("brand_name") || document.body.dataset.tenantName || "Your brand";
  previewRoot.querySelector(".brand-name").textContent = name;
  previewRoot.querySelector(".signature").textContent = `Best regards, ${name} Support`;
  // The logo loads once its address looks complete and typing paused, not at every keystroke.
  const logo = previewRoot.querySelector(".logo");
  const logoURL = value("logo_url");
  clearTimeout(logoTimer);
  if (/^https?:\/\/[^/\s?#]+\.[a-z]{2,}(?:[/?#]\S*)?$/i.test(logoURL)) {
    logoTimer = setTimeout(() => {
      if (logo.getAttribute("src") !== logoURL) logo.src = logoURL;
      logo.alt = `${name} logo`;
      logo.hidden = false;
    }, 700);
  } else {
    logo.hidden = true;
    logo.removeAttribute("src");
  }
  const css = fieldFor("custom_css")?.value || "";
  const custom = previewRoot.adoptedStyleSheets[1];
  const cssNote = unsafeCSS.test(css) ? " Custom CSS with url(), @import or scripts is not previewed and will be refused." : "";
  try { custom.replaceSync(cssNote ? "" : css); } catch { custom.replaceSync(""); }
  const ratio = contrastRatio(text, background);
  const statusText = document.getElementById("contrast-status");
  const rounded = ratio.toFixed(2);
  statusText.textContent = ratio < 4.5
    ? `Warning: text on the background has a contrast of ${rounded}:1; WCAG asks for at least 4.5:1, so some people cannot read it.${cssNote}`
    : `Text contrast ${rounded}:1 meets WCAG AA.${cssNote}`;
  statusText.classList.toggle("warning", ratio < 4.5);
}

function syncSwatch(textInput) {
  const swatch = document.querySelector(`[data-swatch-for="${textInput.id}"]`);
  if (swatch && isHexColor(textInput.value.trim())) swatch.value = textInput.value.trim().toLowerCase();
}

function renumber(row, baseId, index) {
  for (const el of row.querySelectorAll("[id]")) el.id = el.id.replace(/-\d+$/, `-${index}`);
  for (const el of row.querySelectorAll("label[for]")) el.htmlFor = el.htmlFor.replace(/-\d+$/, `-${index}`);
}

// ---- data import upload ----------------------------------------------------------------

const sourceLabels = { zendesk: "Zendesk", freshdesk: "Freshdesk", helpscout: "Help Scout", generic: "a spreadsheet or other tool" };

function describeImport(item) {
  const kind = item.object === "unknown" ? "records" : item.object;
  return `${item.file_name}: ${kind} from ${sourceLabels[item.source] || item.source} (${item.format.toUpperCase()}, ` +
    `${item.encoding === "utf8" ? "UTF-8" : "Latin-1"}, ${item.byte_size} bytes)`;
}

async function listImports() {
  const list = document.getElementById("import-list");
  if (!list) return;
  const result = await api("GET", "/api/v1/imports");
  if (!result.ok) return;
  list.replaceChildren(...result.data.items.map((item) => {
    const li = document.createElement("li");
    const link = document.createElement("a");
    link.href = `/imports/${item.id}`;
    link.textContent = describeImport(item);
    li.append(link, ` — ${item.state === "uploaded" ? "map and import" : item.summary}`);
    return li;
  }));
}

async function uploadImport() {
  const input = document.getElementById("import-file");
  const statusLine = document.getElementById("import-status");
  const file = input.files && input.files[0];
  if (!file) { statusLine.textContent = "Choose a file first."; input.focus(); return; }
  statusLine.textContent = `Uploading ${file.name}…`;
  const csrf = document.querySelector("meta[name=csrf-token]")?.content || "";
  const response = await fetch(`/api/v1/imports?file_name=${encodeURIComponent(file.name)}`, {
    method: "POST", body: file, credentials: "same-origin",
    headers: { "X-CSRF-Token": csrf, "Content-Type": file.type || "application/octet-stream", Accept: "application/json" },
  });
  let data = null;
  try { data = await response.json(); } catch { data = null; }
  if (!response.ok) {
    const reason = data?.errors?.[0]?.message || data?.detail || `The upload failed (HTTP ${response.status}).`;
    statusLine.textContent = `${file.name} was not accepted: ${reason}`;
    return;
  }
  statusLine.replaceChildren(`Recognised ${describeImport(data)}. `);
  const next = document.createElement("a");
  next.href = `/imports/${data.id}`;
  next.textContent = "Check the mapping and import →";
  statusLine.append(next);
  // The helpdesk it came from fills the "Import from" choice when that is still empty.
  const source = fieldFor("source");
  const choice = data.source === "generic" ? data.format.replace("jsonl", "json") : data.source;
  if (source && !source.value && [...source.options].some((o) => o.value === choice)) {
    source.value = choice;
    touch(source);
    scheduleSave();
  }
  listImports();
}

// ---- actions ---------------------------------------------------------------------------

async function post(path) {
  leaving = true;
  await save(false);
  const result = await api("POST", path, { version });
  if (!result.ok) leaving = false;
  return result;
}

function nextStepAfter(session) {
  const next = session.current_step;
  return next && next !== stepId ? next : "review";
}

function wire() {
  if (!form) return;
  const edited = (event) => {
    if (event.target.matches("[data-swatch-for]")) {
      const textInput = document.getElementById(event.target.dataset.swatchFor);
      textInput.value = event.target.value.toUpperCase();
    } else if (event.target.dataset.kind === "color") {
      syncSwatch(event.target);
    }
    // A suggestion is for an empty field: once something is entered it goes away.
    const field = event.target.closest("[data-path]")
      || (event.target.dataset.swatchFor && document.getElementById(event.target.dataset.swatchFor));
    touch(field);
    const box = field && form.querySelector(`[data-suggestion-for="${CSS.escape(field.dataset.path)}"]`);
    if (box && !isEmpty(readField(field))) box.hidden = true;
    if (stepId === "branding") renderPreview();
    if (stepId !== "review") scheduleSave();
  };
  // Text fields report "input"; some controls (a select chosen by script or assistive
  // technology) only "change": both count as an edit, and the save is debounced anyway.
  form.addEventListener("input", edited);
  form.addEventListener("change", edited);
  form.addEventListener("click", async (event) => {
    const action = event.target.closest("[data-action]")?.dataset.action;
    if (!action) return;
    if (action === "add-invite") {
      const container = form.querySelector(".invite-rows");
      const rows = container.querySelectorAll("[data-row]");
      const copy = rows[rows.length - 1].cloneNode(true);
      renumber(copy, "", rows.length);
      copy.querySelector("[data-part=email]").value = "";
      container.append(copy);
      copy.querySelector("[data-part=email]").focus();
    } else if (action === "remove-invite") {
      const container = form.querySelector(".invite-rows");
      const row = event.target.closest("[data-row]");
      if (container.querySelectorAll("[data-row]").length > 1) row.remove(); else row.querySelector("[data-part=email]").value = "";
      touch(container.closest("[data-path]"));
      scheduleSave();
    } else if (action === "upload-import") {
      uploadImport();
    } else if (action === "skip") {
      const result = await post(`/api/v1/onboarding/steps/${stepId}/skip`);
      if (result.ok) location.href = `/onboarding/${nextStepAfter(result.data)}`; else handleFailure(result);
    } else if (action === "pause") {
      const result = await post("/api/v1/onboarding/pause");
      if (result.ok) location.href = "/?paused=1"; else handleFailure(result);
    }
  });
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    if (readOnly) return;
    if (stepId === "review") return activate();
    const session = await save(true);
    if (session) location.href = `/onboarding/${nextStepAfter(session)}`;
  });
  // Closing the tab or switching away saves what was typed.
  // The request must start now, not after a save in flight: the page may be gone by then.
  const flush = () => {
    if (!dirty() || readOnly || stepId === "review") return;
    clearTimeout(timer);
    api("PATCH", `/api/v1/onboarding/steps/${stepId}`, { config: collect(), complete: false }, { keepalive: true });
  };
  document.addEventListener("visibilitychange", () => { if (document.visibilityState === "hidden") flush(); });
  window.addEventListener("pagehide", flush);
}

async function activate() {
  const confirmed = document.getElementById("f-confirmed").checked;
  status("Activating…");
  leaving = true;
  const reviewed = await api("PATCH", "/api/v1/onboarding/steps/review", { config: { confirmed }, complete: true, version });
  if (!reviewed.ok) { leaving = false; handleFailure(reviewed); return; }
  version = reviewed.data.version;
  const done = await api("POST", "/api/v1/onboarding/complete", { version });
  if (done.ok) location.href = "/?activated=1"; else { leaving = false; handleFailure(done); }
}

document.addEventListener("click", async (event) => {
  if (event.target.closest("[data-action=resume]")) {
    const result = await api("POST", "/api/v1/onboarding/resume", { version });
    if (result.ok) location.reload(); else handleFailure(result);
  }
});

if (readOnly && form) for (const el of form.querySelectorAll("input, select, textarea, button[data-action]")) el.disabled = true;
wire();
setUpTemplates();
if (stepId === "branding") renderPreview();
refreshSuggestions();
if (stepId === "data_import") listImports();
connectLive("/api/v1/onboarding/live", onLive);
