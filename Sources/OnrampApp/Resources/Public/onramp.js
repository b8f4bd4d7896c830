// Shared helpers of Onramp's pages: API calls with the CSRF header, the live WebSocket with
// reconnection, and WCAG contrast. Plain ES module, no build step.

const csrf = document.querySelector("meta[name=csrf-token]")?.content || "";

/// Calls the JSON API with the session cookie; resolves to { ok, status, data } (problem details on errors).
export async function api(method, path, body, { keepalive = false } = {}) {
  const headers = { Accept: "application/json" };
  if (method !== "GET") headers["X-CSRF-Token"] = csrf;
  if (body !== undefined) headers["Content-Type"] = "application/json";
  const response = await fetch(path, {
    method, headers, keepalive, credentials: "same-origin",
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  let data = null;
  try { data = await response.json(); } catch { data = null; }
  return { ok: response.ok, status: response.status, data };
}

/// Opens a live stream and calls `onEvent` with each JSON message; reconnects with backoff.
/// `onState` hears "live" and "offline" so pages can say when updates pause.
export function connectLive(path, onEvent, onState = () => {}) {
  let delay = 500;
  const open = () => {
    const socket = new WebSocket(`${location.protocol === "https:" ? "wss" : "ws"}://${location.host}${path}`);
    socket.addEventListener("open", () => { delay = 500; onState("live"); document.body.dataset.live = "connected"; });
    socket.addEventListener("message", (message) => {
      try { onEvent(JSON.parse(message.data)); } catch (error) { console.error("live update failed", error); }
    });
    socket.addEventListener("close", () => {
      onState("offline");
      document.body.dataset.live = "offline";
      setTimeout(open, delay);
      delay = Math.min(delay * 2, 10000);
    });
  };
  open();
}

export function isHexColor(text) { return /^#[0-9a-fA-F]{6}$/.test(text || ""); }

function luminance(hex) {
  const channel = (i) => {
    const c = parseInt(hex.slice(i, i + 2), 16) / 255;
    return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  };
  return 0.2126 * channel(1) + 0.7152 * channel(3) + 0.0722 * channel(5);
}

/// WCAG 2.x contrast ratio of two #rrggbb colours (1 to 21).
export function contrastRatio(a, b) {
  const [light, dark] = [luminance(a), luminance(b)].sort((x, y) => y - x);
  return (light + 0.05) / (dark + 0.05);
}
