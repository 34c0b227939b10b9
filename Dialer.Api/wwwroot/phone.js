// The agent desk's browser phone (issue 11). With the switch on (remembered per agent by the Api), the page asks for the
// microphone, fetches a short-lived SIP credential from the Api (POST /api/agent/browser-phone/credential: the SIP URI,
// a random password, and the WebSocket URL a live Worker published), and registers with the Worker's registrar over
// SIP over WebSocket (RFC 7118) with jssip. The Worker calls this browser when the agent goes ready (the nailed-up
// leg): the call is answered at once, its audio played, and the keypad sends RFC 4733 events. The panel shows the
// microphone, the registration, the line and both audio levels, and says what is wrong in the page's language
// (data-t-* attributes of the panel).
(() => {
  "use strict";
  const root = document.querySelector("[data-browser-phone]");
  if (!root) return;

  const $ = selector => root.querySelector(selector);
  const sw = $("[data-phone-switch]");
  const micState = $("[data-phone-mic]");
  const regState = $("[data-phone-reg]");
  const callState = $("[data-phone-call]");
  const errorBox = $("[data-phone-error]");
  const micLevel = $("[data-phone-mic-level]");
  const speakerLevel = $("[data-phone-speaker-level]");
  const audio = $("[data-phone-audio]");
  const keys = Array.from(root.querySelectorAll("[data-key]"));
  const REFRESH_BEFORE_MS = 5 * 60 * 1000;

  let ua = null;          // the jssip user agent while on
  let session = null;     // the call from the dialer, if any
  let localStream = null; // the microphone
  let audioContext = null;
  let meters = null;
  let refreshTimer = null;
  let generation = 0;     // bumps at every start and stop: late answers of an earlier start are ignored
  let connectedOnce = false;

  function text(name, arg) {
    const t = root.getAttribute("data-t-" + name.replace(/\./g, "-")) || name;
    return arg === undefined ? t : t.replace("{0}", arg);
  }

  function show(el, name, tone) {
    el.textContent = text(name);
    el.dataset.state = name;
    el.classList.toggle("good", tone === "good");
    el.classList.toggle("bad", tone === "bad");
  }

  function fail(message) {
    errorBox.textContent = message;
    errorBox.hidden = !message;
  }

  function setKeys(on) {
    for (const k of keys) k.disabled = !on;
  }

  async function api(method, url, body) {
    const response = await fetch(url, {
      method,
      credentials: "same-origin",
      headers: body === undefined ? { "Accept": "application/json" } : { "Accept": "application/json", "Content-Type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const json = await response.json().catch(() => ({}));
    if (!response.ok) throw new Error(json.detail || json.title || String(response.status));
    return json;
  }

  function level(analyser, buffer) {
    analyser.getFloatTimeDomainData(buffer);
    let sum = 0;
    for (const v of buffer) sum += v * v;
    return Math.min(1, Math.sqrt(sum / buffer.length) * 4);
  }

  function watchLevels() {
    if (!audioContext) audioContext = new AudioContext();
    if (audioContext.state === "suspended") {
      audioContext.resume().catch(() => {});
      document.addEventListener("click", () => audioContext && audioContext.resume().catch(() => {}), { once: true });
    }
    const mic = audioContext.createAnalyser();
    mic.fftSize = 1024;
    audioContext.createMediaStreamSource(localStream).connect(mic);
    meters = { mic, speaker: null, buffer: new Float32Array(mic.fftSize), timer: null };
    meters.timer = setInterval(() => {
      micLevel.value = level(meters.mic, meters.buffer);
      speakerLevel.value = meters.speaker ? level(meters.speaker, meters.buffer) : 0;
    }, 100);
  }

  function listenTo(stream) {
    audio.srcObject = stream;
    audio.play().catch(() => {});
    if (meters && audioContext) {
      const speaker = audioContext.createAnalyser();
      speaker.fftSize = 1024;
      audioContext.createMediaStreamSource(stream).connect(speaker);
      meters.speaker = speaker;
    }
  }

  function onSession(event) {
    const incoming = event.session;
    if (event.originator !== "remote") return;
    if (session) {
      incoming.terminate({ status_code: 486, reason_phrase: "Busy Here" });
      return;
    }
    session = incoming;
    show(callState, "call.ringing");
    incoming.on("peerconnection", e => {
      e.peerconnection.addEventListener("track", t => listenTo(t.streams[0] || new MediaStream([t.track])));
    });
    incoming.on("confirmed", () => { show(callState, "call.connected", "good"); setKeys(true); });
    const ended = e => {
      if (session !== incoming) return;
      session = null;
      setKeys(false);
      audio.srcObject = null;
      if (meters) meters.speaker = null;
      show(callState, "call.idle");
      if (e && e.originator === "local" && e.cause && e.cause !== "Terminated" && e.cause !== "Canceled") {
        fail(text("err.media", e.cause));
      }
    };
    incoming.on("ended", ended);
    incoming.on("failed", ended);
    // The nailed-up leg: answered at once, audio only, no ICE servers (the Worker is ICE-lite on a reachable address).
    try {
      incoming.answer({
        mediaStream: localStream,
        mediaConstraints: { audio: true, video: false },
        pcConfig: { iceServers: [], rtcpMuxPolicy: "require" },
      });
    } catch (e) {
      fail(text("err.media", e.message || e));
    }
  }

  function scheduleRefresh(expiresAt, mine) {
    clearTimeout(refreshTimer);
    const wait = Math.max(30 * 1000, new Date(expiresAt).getTime() - Date.now() - REFRESH_BEFORE_MS);
    refreshTimer = setTimeout(async () => {
      if (mine !== generation || !ua) return;
      try {
        const credential = await api("POST", "/api/agent/browser-phone/credential");
        if (mine !== generation || !ua) return;
        ua.set("password", credential.password);
        scheduleRefresh(credential.expiresAt, mine);
      } catch (e) {
        fail(text("err.credential", e.message));
      }
    }, wait);
  }

  async function start() {
    const mine = ++generation;
    fail("");
    connectedOnce = false;
    if (!window.isSecureContext || !navigator.mediaDevices) {
      show(micState, "mic.denied", "bad");
      fail(text("err.insecure"));
      return;
    }
    if (!window.JsSIP) {
      fail(text("err.library"));
      return;
    }

    show(micState, "mic.asking");
    try {
      localStream = await navigator.mediaDevices.getUserMedia({ audio: { echoCancellation: true, noiseSuppression: true }, video: false });
    } catch (e) {
      if (mine !== generation) return;
      const missing = e && (e.name === "NotFoundError" || e.name === "OverconstrainedError");
      show(micState, missing ? "mic.missing" : "mic.denied", "bad");
      show(regState, "off");
      fail(text(missing ? "err.noMic" : "err.micDenied"));
      return;
    }
    if (mine !== generation) { stopTracks(); return; }
    show(micState, "mic.allowed", "good");
    watchLevels();

    let credential;
    show(regState, "reg.connecting");
    try {
      credential = await api("POST", "/api/agent/browser-phone/credential");
    } catch (e) {
      if (mine !== generation) return;
      show(regState, "reg.failed", "bad");
      fail(text("err.credential", e.message));
      return;
    }
    if (mine !== generation) return;

    const socket = new JsSIP.WebSocketInterface(credential.webSocketUrl);
    ua = new JsSIP.UA({
      sockets: [socket],
      uri: credential.sipUri,
      password: credential.password,
      realm: credential.realm,
      display_name: "",
      register: true,
      register_expires: 300,
      session_timers: false,
      user_agent: "Dialer desk (JsSIP " + JsSIP.version + ")",
      connection_recovery_min_interval: 2,
      connection_recovery_max_interval: 30,
    });
    ua.on("connected", () => { connectedOnce = true; });
    ua.on("disconnected", () => {
      if (mine !== generation) return;
      show(regState, connectedOnce ? "reg.connecting" : "reg.failed", "bad");
      fail(text("err.unreachable", credential.webSocketUrl));
    });
    ua.on("registered", () => {
      if (mine !== generation) return;
      show(regState, "reg.registered", "good");
      fail("");
    });
    ua.on("unregistered", () => { if (mine === generation) show(regState, "reg.unregistered"); });
    ua.on("registrationFailed", e => {
      if (mine !== generation) return;
      show(regState, "reg.failed", "bad");
      const why = (e.response && (e.response.status_code + " " + e.response.reason_phrase)) || e.cause;
      fail(e.cause === JsSIP.C.causes.CONNECTION_ERROR ? text("err.unreachable", credential.webSocketUrl) : text("err.registration", why));
    });
    ua.on("newRTCSession", onSession);
    show(callState, "call.idle");
    ua.start();
    scheduleRefresh(credential.expiresAt, mine);
  }

  function stopTracks() {
    if (localStream) for (const track of localStream.getTracks()) track.stop();
    localStream = null;
  }

  function stop() {
    generation++;
    clearTimeout(refreshTimer);
    if (session) { try { session.terminate(); } catch { /* already ending */ } }
    session = null;
    if (ua) { try { ua.stop(); } catch { /* already stopped */ } }
    ua = null;
    if (meters) clearInterval(meters.timer);
    meters = null;
    if (audioContext) audioContext.close().catch(() => {});
    audioContext = null;
    stopTracks();
    audio.srcObject = null;
    micLevel.value = 0;
    speakerLevel.value = 0;
    setKeys(false);
    show(micState, "off");
    show(regState, "off");
    show(callState, "off");
    fail("");
  }

  sw.addEventListener("change", async () => {
    const on = sw.checked;
    if (on) start(); else stop();
    try {
      await api("PUT", "/api/agent/browser-phone", { enabled: on });
    } catch (e) {
      fail(text("err.credential", e.message));
    }
  });

  for (const key of keys) {
    key.addEventListener("click", () => {
      if (session && session.isEstablished()) session.sendDTMF(key.dataset.key, { transportType: "RFC2833", duration: 160, interToneGap: 80 });
    });
  }

  window.addEventListener("pagehide", () => { if (ua) ua.stop(); });

  if (root.dataset.enabled === "true") start();
})();
