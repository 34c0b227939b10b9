// Live regions for the console and the desktop, with no build step and no library: a small client of
// SignalR's JSON hub protocol over a WebSocket. The server renders every region (Razor components) and pushes
// the HTML when it changes; this script swaps it in, keeps what the user is typing, ticks the clocks
// (data-since / data-until) every second, and reconnects when the connection drops.
(() => {
  "use strict";
  const RS = "\u001e";
  const regions = () => Array.from(document.querySelectorAll("[data-live]"));
  let socket = null;
  let serverOffset = 0; // server clock minus browser clock, ms
  let retry = 0;

  function setStatus(state) {
    document.documentElement.dataset.liveStatus = state;
    for (const el of document.querySelectorAll("[data-live-indicator]")) {
      el.dataset.state = state;
      // The page gives each state's tooltip in its language (data-title-connected, …); the state's name otherwise.
      el.title = el.getAttribute("data-title-" + state) || state;
    }
  }

  function send(message) {
    if (socket && socket.readyState === WebSocket.OPEN) socket.send(JSON.stringify(message) + RS);
  }

  // Values typed into fields survive a re-render of their region when the new HTML has a field of that name.
  function swap(region, html) {
    if (region.dataset.liveHtml === html) return;
    const kept = {};
    for (const field of region.querySelectorAll("input[name], textarea[name], select[name]")) {
      if (field.type === "hidden" || field.dataset.fresh !== undefined) continue;
      kept[field.name + "|" + (field.type === "radio" || field.type === "checkbox" ? field.value : "")] =
        field.type === "radio" || field.type === "checkbox" ? field.checked : field.value;
    }
    const focused = document.activeElement && region.contains(document.activeElement) ? document.activeElement.name : null;
    // A message rendered for this viewer only (a refused start or pause: data-keep) goes back into its slot, if the
    // new HTML still has it (the slot names the campaign and its status: a new status drops the message).
    const notes = Array.from(region.querySelectorAll("[data-keep]"));
    region.innerHTML = html;
    region.dataset.liveHtml = html;
    for (const note of notes) {
      const slot = Array.from(region.querySelectorAll("[data-keep-slot]")).find(s => s.dataset.keepSlot === note.dataset.keep);
      if (slot && !slot.querySelector("[data-keep]")) slot.append(note);
    }
    arm(region);
    for (const field of region.querySelectorAll("input[name], textarea[name], select[name]")) {
      const key = field.name + "|" + (field.type === "radio" || field.type === "checkbox" ? field.value : "");
      if (!(key in kept) || field.type === "hidden") continue;
      if (field.type === "radio" || field.type === "checkbox") field.checked = kept[key]; else field.value = kept[key];
      if (focused && field.name === focused) field.focus();
    }
    tick();
    region.dispatchEvent(new CustomEvent("live:updated", { bubbles: true }));
  }

  // Forms in live regions are rendered once for every viewer, so they come without this viewer's antiforgery token:
  // it is on the page (meta[name=antiforgery]) and added to every post form that lacks it.
  function arm(root) {
    const token = document.querySelector("meta[name=antiforgery]");
    if (!token) return;
    for (const form of root.querySelectorAll("form")) {
      if (form.method !== "post" || form.elements.namedItem(token.dataset.field)) continue;
      const input = document.createElement("input");
      input.type = "hidden";
      input.name = token.dataset.field;
      input.value = token.content;
      form.prepend(input);
    }
  }

  function onMessage(text) {
    for (const frame of text.split(RS)) {
      if (!frame) continue;
      const message = JSON.parse(frame);
      if (message.type === 1 && message.target === "render") {
        const [topic, html, serverNow] = message.arguments;
        serverOffset = serverNow - Date.now();
        for (const region of regions()) if (region.dataset.live === topic) swap(region, html);
      } else if (message.type === 7) {
        socket.close();
      } else if (message.error) {
        console.warn("live:", message.error);
      }
    }
  }

  function connect() {
    const topics = [...new Set(regions().map(r => r.dataset.live))];
    if (topics.length === 0) { setStatus("idle"); return; }
    const scheme = location.protocol === "https:" ? "wss:" : "ws:";
    socket = new WebSocket(`${scheme}//${location.host}/hubs/live`);
    let handshaken = false;
    socket.onopen = () => socket.send(JSON.stringify({ protocol: "json", version: 1 }) + RS);
    socket.onmessage = event => {
      if (!handshaken) {
        handshaken = true;
        const [first, ...rest] = event.data.split(RS);
        if (JSON.parse(first).error) { setStatus("refused"); socket.close(); return; }
        retry = 0;
        setStatus("connected");
        send({ type: 1, target: "Subscribe", arguments: [topics] });
        if (rest.length) onMessage(rest.join(RS));
        return;
      }
      onMessage(event.data);
    };
    socket.onclose = () => {
      setStatus("disconnected");
      socket = null;
      retry = Math.min(retry + 1, 6);
      setTimeout(connect, 500 * retry);
    };
  }

  function two(n) { return String(n).padStart(2, "0"); }
  function clock(seconds) {
    seconds = Math.max(0, Math.floor(seconds));
    const h = Math.floor(seconds / 3600), m = Math.floor(seconds / 60) % 60, s = seconds % 60;
    return h > 0 ? `${h}:${two(m)}:${two(s)}` : `${m}:${two(s)}`;
  }
  function tick() {
    const now = Date.now() + serverOffset;
    for (const el of document.querySelectorAll("[data-since]")) el.textContent = clock((now - Number(el.dataset.since)) / 1000);
    for (const el of document.querySelectorAll("[data-until]")) el.textContent = clock((Number(el.dataset.until) - now) / 1000);
  }

  // The server's clock at render time, so that clocks agree with it before the first push.
  const rendered = Number(document.documentElement.dataset.serverNow);
  if (rendered) serverOffset = rendered - Date.now();
  arm(document);
  setInterval(tick, 1000);
  setInterval(() => send({ type: 6 }), 10000);
  tick();
  connect();
})();
