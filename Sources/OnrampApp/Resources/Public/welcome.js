// Welcome dashboard: remove sample data in one click, and the guided tour whose progress the
// server keeps (so it resumes on another device and stays closed once closed).
import { api } from "/static/onramp.js";

const removeButton = document.getElementById("remove-samples");
if (removeButton) {
  removeButton.addEventListener("click", async () => {
    removeButton.disabled = true;
    const result = await api("DELETE", "/api/v1/samples");
    const status = document.getElementById("samples-status");
    if (result.ok) {
      document.querySelector("ul.samples")?.remove();
      removeButton.remove();
      status.textContent = `Removed ${result.data.removed} sample record(s). Your desk now shows only real records.`;
    } else {
      removeButton.disabled = false;
      status.textContent = result.data?.detail || "The samples could not be removed.";
    }
  });
}

const dialog = document.getElementById("tour");
let tour = null;
let lastFocus = null;

function render() {
  for (const el of document.querySelectorAll(".tour-highlight")) el.classList.remove("tour-highlight");
  if (!tour || !["in_progress", "not_started"].includes(tour.state)) {
    dialog.hidden = true;
    if (lastFocus) lastFocus.focus();
    return;
  }
  const stop = tour.stops[tour.stop];
  document.getElementById("tour-count").textContent = `Tour ${tour.stop + 1} of ${tour.stops.length}`;
  document.getElementById("tour-title").textContent = stop.title;
  document.getElementById("tour-text").textContent = stop.text;
  dialog.querySelector("[data-tour=back]").disabled = tour.stop === 0;
  dialog.querySelector("[data-tour=next]").textContent = tour.stop + 1 === tour.stops.length ? "Finish" : "Next";
  const target = document.querySelector(`[data-tour-stop-id="${stop.id}"]`);
  if (target) { target.classList.add("tour-highlight"); target.scrollIntoView({ block: "nearest" }); }
  dialog.hidden = false;
  dialog.querySelector("[data-tour=next]").focus();
}

async function act(action) {
  const result = await api("PUT", "/api/v1/me/tour", { action });
  if (result.ok) { tour = result.data; render(); }
}

dialog.addEventListener("click", (event) => {
  const action = event.target.closest("[data-tour]")?.dataset.tour;
  if (action) act(action);
});
dialog.addEventListener("keydown", (event) => { if (event.key === "Escape") act("dismiss"); });
document.getElementById("start-tour").addEventListener("click", (event) => { lastFocus = event.target; act("restart"); });

(async () => {
  const result = await api("GET", "/api/v1/me/tour");
  if (!result.ok) return;
  tour = result.data;
  if (tour.state === "not_started") await act("start"); else render();
})();
