// Form helpers shared by the team and SLA pages: problem details as text, each field error
// next to its control (aria-invalid, aria-describedby), and small formatters. Plain ES module.

export function problemText(result, fallback) {
  const errors = result.data?.errors?.map((e) => e.message) || [];
  return errors.length ? errors.join(" ") : result.data?.detail || fallback;
}

export function minutes(value) {
  if (value === undefined || value === null) return "–";
  const total = Math.round(value);
  return total < 60 ? `${total} min` : `${Math.floor(total / 60)} h ${total % 60} min`;
}

export function list(text) { return text.split(",").map((part) => part.trim()).filter(Boolean); }

// ---- field errors next to the form's controls ----------------------------------------------

function controlFor(form, field) { return form.querySelector(`[data-field="${CSS.escape(field)}"]`); }

function slotFor(form, field) {
  for (const name of [field, field.replace(/\[\d+\].*$/, ""), field.split(/[.[]/)[0]]) {
    const slot = form.querySelector(`[data-error-for="${CSS.escape(name)}"]`);
    if (slot) return slot;
  }
  return null;
}

function markInvalid(control, slot) {
  control.setAttribute("aria-invalid", "true");
  if (control.dataset.describedBy === undefined) control.dataset.describedBy = control.getAttribute("aria-describedby") || "";
  control.setAttribute("aria-describedby", `${control.dataset.describedBy} ${slot.id}`.trim());
}

export function clearErrors(form) {
  for (const slot of form.querySelectorAll("[data-error-for]")) slot.textContent = "";
  for (const control of form.querySelectorAll("[aria-invalid]")) {
    control.removeAttribute("aria-invalid");
    if (control.dataset.describedBy) control.setAttribute("aria-describedby", control.dataset.describedBy);
    else control.removeAttribute("aria-describedby");
    delete control.dataset.describedBy;
  }
  const general = form.querySelector(".form-errors");
  if (general) general.textContent = "";
}

/// Puts each error of a problem (or local errors [{field, message}]) next to its control;
/// what has no place goes to the form's alert. Focuses the first control in error.
export function showErrors(form, result, fallback) {
  clearErrors(form);
  const general = [];
  const errors = result.data?.errors || [];
  for (const error of errors) {
    const slot = slotFor(form, error.field || "");
    if (!slot) { general.push(error.message); continue; }
    let message = error.message;
    const index = /\[(\d+)\]/.exec(error.field);
    const control = controlFor(form, error.field) || controlFor(form, slot.dataset.errorFor);
    if (index && slot.dataset.itemLabel) {
      message = `${slot.dataset.itemLabel} ${Number(index[1]) + 1}: ${message}`;
    } else if (slot.dataset.errorFor !== error.field && controlFor(form, error.field)) {
      const exact = controlFor(form, error.field);
      const name = exact.getAttribute("aria-label") || exact.labels?.[0]?.textContent;
      if (name) message = `${name.trim()}: ${message}`;
    }
    slot.textContent = slot.textContent ? `${slot.textContent} ${message}` : message;
    if (control) markInvalid(control, slot);
  }
  if (!errors.length) general.push(result.data?.detail || fallback);
  form.querySelector(".form-errors").textContent = general.join(" ");
  form.querySelector("[aria-invalid=true]")?.focus();
}

export function busy(button, on) { if (button) button.disabled = on; }
