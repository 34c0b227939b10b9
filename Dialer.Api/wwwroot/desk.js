// The agent desk's forms marked data-desk-form (the state bar, the log-in, the disposition and the call controls) are
// posted in the background, so that what the agent typed stays where it is and the page (with its browser phone) is
// not loaded again: the server answers JSON (Accept: application/json), a refusal's
// errors are shown at their fields (elements data-error-for="<the API's field path>", "" for the form as a whole), a
// success's message in the page's notice. The errors are shown again after the live region is re-rendered (live.js
// keeps the typed values, not what this script added), as long as the same form (data-form-key) is on the page.
// Without this script the same forms post normally and the server redirects back with the problem as a banner.
(() => {
  "use strict";
  let shown = null; // { key, errors, general }

  function formOf(key) {
    return key ? document.querySelector(`form[data-desk-form][data-form-key="${CSS.escape(key)}"]`) : null;
  }

  function clear(form) {
    for (const el of form.querySelectorAll("[data-error-for]")) { el.textContent = ""; el.hidden = true; }
    for (const el of form.querySelectorAll(".invalid")) el.classList.remove("invalid");
  }

  function place(form, errors, general) {
    clear(form);
    const slots = Array.from(form.querySelectorAll("[data-error-for]"));
    const rest = [...general];
    for (const [field, messages] of Object.entries(errors || {})) {
      const slot = slots.find(s => s.dataset.errorFor !== "" && (field === s.dataset.errorFor || field.startsWith(s.dataset.errorFor + ".")
        || field.startsWith(s.dataset.errorFor + "[")));
      if (!slot) { rest.push(...messages); continue; }
      slot.textContent = [slot.textContent, ...messages].filter(Boolean).join(" ");
      slot.hidden = false;
      const box = slot.closest("label, fieldset");
      for (const input of box ? box.querySelectorAll("input:not([type=hidden]), select, textarea") : []) input.classList.add("invalid");
    }
    const whole = slots.find(s => s.dataset.errorFor === "");
    if (whole && rest.length) { whole.textContent = rest.join(" "); whole.hidden = false; }
    else if (rest.length) pageError(rest.join(" "));
  }

  // The page-wide place for a refusal of a form that has no place of its own (the state bar's ready, pause, log out).
  function pageError(text) {
    const el = document.querySelector("[data-desk-error]");
    if (!el) return;
    el.textContent = text || "";
    el.hidden = !text;
  }

  function notice(text) {
    const el = document.querySelector("[data-desk-notice]");
    if (!el) return;
    el.textContent = text || "";
    el.hidden = !text;
  }

  async function submit(form, submitter) {
    const button = submitter || form.querySelector("button[type=submit], button:not([type])");
    const action = submitter && submitter.hasAttribute("formaction") ? submitter.formAction : form.action;
    if (button) button.disabled = true;
    try {
      const response = await fetch(action, {
        method: "POST",
        body: new URLSearchParams(new FormData(form)),
        headers: { "Accept": "application/json" },
        credentials: "same-origin",
      });
      const body = await response.json().catch(() => ({}));
      if (response.ok) {
        shown = null;
        clear(form);
        pageError("");
        notice(body.message || form.dataset.okNotice);
        return;
      }
      notice("");
      shown = { key: form.dataset.formKey, errors: body.errors || {}, general: body.detail ? [body.detail] : (body.errors ? [] : [body.title || String(response.status)]) };
      place(form, shown.errors, shown.general);
    } finally {
      if (button && button.isConnected) button.disabled = false;
    }
  }

  document.addEventListener("submit", event => {
    const form = event.target;
    if (!(form instanceof HTMLFormElement) || form.dataset.deskForm === undefined) return;
    event.preventDefault();
    submit(form, event.submitter);
  });

  document.addEventListener("live:updated", () => {
    const form = shown && formOf(shown.key);
    if (form) place(form, shown.errors, shown.general);
  });
})();
