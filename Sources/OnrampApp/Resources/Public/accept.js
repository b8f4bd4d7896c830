// Accepting an invitation: a name and a new password, or the existing account's password;
// on success the server sets the session cookie and the desk opens.
import { api } from "/static/onramp.js";

const el = (id) => document.getElementById(id);
const form = el("accept-form");
const hasAccount = form.dataset.hasAccount === "yes";

function clearErrors() {
  for (const slot of form.querySelectorAll("[data-error-for]")) slot.textContent = "";
  for (const control of form.querySelectorAll("[aria-invalid]")) {
    control.removeAttribute("aria-invalid");
    control.setAttribute("aria-describedby", control.dataset.describedBy || "");
    if (!control.dataset.describedBy) control.removeAttribute("aria-describedby");
  }
  el("accept-errors").textContent = "";
  el("accept-errors").hidden = true;
}

function fieldError(field, message) {
  const slot = form.querySelector(`[data-error-for="${field}"]`);
  const control = form.querySelector(`[data-field="${field}"]`);
  if (!slot || !control) return false;
  slot.textContent = slot.textContent ? `${slot.textContent} ${message}` : message;
  control.dataset.describedBy ??= control.getAttribute("aria-describedby") || "";
  control.setAttribute("aria-invalid", "true");
  control.setAttribute("aria-describedby", `${control.dataset.describedBy} ${slot.id}`.trim());
  return true;
}

function alertText(text) {
  el("accept-errors").textContent = text;
  el("accept-errors").hidden = !text;
}

async function accept(event) {
  event.preventDefault();
  clearErrors();
  const body = { token: form.dataset.token, password: el("accept-password").value };
  if (!hasAccount) body.name = el("accept-name").value.trim();
  const button = el("accept-submit");
  button.disabled = true;
  el("accept-status").textContent = "Joining…";
  const result = await api("POST", "/api/v1/invitation-links/accept", body);
  if (result.ok) {
    el("accept-status").textContent = `Welcome to ${result.data.tenant_name}. Opening your desk…`;
    location.assign("/");
    return;
  }
  button.disabled = false;
  el("accept-status").textContent = "";
  const errors = result.data?.errors || [];
  const general = errors.filter((error) => !fieldError(error.field, error.message)).map((error) => error.message);
  if (result.status === 401) {
    fieldError("password", result.data?.detail || "That is not the password of this account.");
  } else if (!errors.length) {
    general.push(result.data?.detail || "The invitation could not be accepted. Try again in a moment.");
  }
  alertText(general.join(" "));
  if (result.status === 409 || result.status === 410 || result.status === 404) {
    // The link is used up, expired or withdrawn: nothing to retry here.
    button.disabled = true;
    el("accept-signin").hidden = false;
  }
  (form.querySelector("[aria-invalid=true]") || (general.length ? null : button))?.focus();
}

form.addEventListener("submit", accept);
