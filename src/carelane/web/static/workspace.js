// carelane's workspace pages: calls to the API with the session's CSRF token, the live
// feed (Server-Sent Events) that refreshes the page's live regions, service-level
// countdowns, and keyboard shortcuts. Plain script, no build step.
"use strict";

(function () {
  const body = document.body;
  const workspace = body.dataset.workspace;
  const csrf = body.dataset.csrf;
  let clockOffset = 0; // server time minus this browser's time, in ms

  // --- notices -------------------------------------------------------------------------
  function notify(text, kind) {
    const notice = document.getElementById("notice");
    if (!notice) return;
    notice.textContent = text;
    notice.className = "notice" + (kind ? " notice-" + kind : "");
    notice.hidden = !text;
  }

  // --- the API --------------------------------------------------------------------------
  async function api(method, url, payload) {
    const response = await fetch(url, {
      method: method,
      headers: { "Content-Type": "application/json", "X-CSRF-Token": csrf, Accept: "application/json" },
      body: payload === undefined ? undefined : JSON.stringify(payload),
      credentials: "same-origin",
    });
    let data = null;
    try {
      data = await response.json();
    } catch (_error) {
      data = null;
    }
    return { ok: response.ok, status: response.status, data: data };
  }

  function errorText(result) {
    const error = result.data && result.data.error;
    if (!error) return "The request failed (" + result.status + ").";
    const details = (error.details || []).map(function (d) { return d.field + ": " + d.message; });
    return error.message + (details.length ? " — " + details.join("; ") : "");
  }

  function formPayload(form) {
    const payload = {};
    for (const element of form.elements) {
      if (!element.name || element.disabled) continue;
      if ((element.type === "radio" || element.type === "checkbox") && !element.checked) continue;
      const value = element.value.trim();
      if (value === "") continue;
      const parsed = element.dataset.int !== undefined ? parseInt(value, 10) : value;
      const path = element.name.split(".");
      let into = payload;
      for (const key of path.slice(0, -1)) into = into[key] = into[key] || {};
      into[path[path.length - 1]] = parsed;
    }
    return payload;
  }

  // Forms with data-api post their fields as JSON to the API, then refresh the page's
  // live regions (or go where data-then says); the API's error shows inside the form.
  document.addEventListener("submit", async function (event) {
    const form = event.target;
    if (!(form instanceof HTMLFormElement) || !form.dataset.api) return;
    event.preventDefault();
    const error = form.querySelector(".form-error");
    if (error) { error.hidden = true; error.textContent = ""; }
    const submit = form.querySelector("[type=submit]");
    if (submit) submit.disabled = true;
    const result = await api(form.dataset.method || "POST", form.dataset.api, formPayload(form));
    if (submit) submit.disabled = false;
    if (!result.ok) {
      if (error) { error.textContent = errorText(result); error.hidden = false; }
      else notify(errorText(result), "error");
      return;
    }
    const dialog = form.closest("dialog");
    if (dialog) dialog.close();
    form.reset();
    notify(form.dataset.done || "Done.", "ok");
    if (form.dataset.then) window.location.assign(form.dataset.then);
    else refreshRegions();
  });

  // --- next conversation and presence ---------------------------------------------------
  async function nextConversation() {
    const agent = body.dataset.agentId;
    if (!agent) { notify("You have no agent in this workspace.", "error"); return; }
    const button = document.querySelector("[data-next-conversation]");
    if (button) button.disabled = true;
    const result = await api("POST", "/api/v1/workspaces/" + workspace + "/agents/" + agent + "/next-conversation");
    if (button) button.disabled = false;
    if (!result.ok) { notify(errorText(result), "error"); return; }
    if (result.data.assigned && result.data.conversation_id) {
      window.location.assign("/w/" + workspace + "/conversations/" + result.data.conversation_id);
    } else {
      notify(result.data.explanation || "Nothing for you in the queue.", "info");
    }
  }

  document.addEventListener("click", function (event) {
    const target = event.target.closest("[data-next-conversation]");
    if (target) { event.preventDefault(); nextConversation(); }
    const help = event.target.closest("[data-help]");
    if (help) { event.preventDefault(); toggleHelp(); }
    const open = event.target.closest("[data-open-dialog]");
    if (open) {
      event.preventDefault();
      const dialog = document.getElementById(open.dataset.openDialog);
      if (dialog) { dialog.showModal(); const first = dialog.querySelector("input, select, textarea"); if (first) first.focus(); }
    }
    const row = event.target.closest("tr[data-row]");
    if (row && !event.target.closest("a, button, input, select")) select(row, true);
  });

  document.addEventListener("change", async function (event) {
    const target = event.target;
    if (target.matches("[data-presence]")) {
      const result = await api("PUT", "/api/v1/workspaces/" + workspace + "/agents/" + body.dataset.agentId + "/state", { state: target.value });
      notify(result.ok ? "You are " + target.value + "." : errorText(result), result.ok ? "ok" : "error");
    } else if (target.matches("[data-switch-workspace]")) {
      window.location.assign("/w/" + encodeURIComponent(target.value) + "/inbox");
    } else if (target.closest("form[data-autosubmit]") && target.tagName === "SELECT") {
      target.form.requestSubmit();
    }
  });

  // --- live regions ---------------------------------------------------------------------
  let refreshing = null;
  let refreshAgain = false;
  function refreshRegions() {
    if (refreshing) { refreshAgain = true; return refreshing; }
    refreshing = (async function () {
      try {
        const response = await fetch(window.location.href, { credentials: "same-origin", headers: { Accept: "text/html" } });
        if (!response.ok) return;
        const fresh = new DOMParser().parseFromString(await response.text(), "text/html");
        const selected = document.querySelector("tr[data-row].selected");
        const selectedId = selected ? selected.dataset.conversationId : null;
        for (const region of document.querySelectorAll("[data-live-region]")) {
          const replacement = fresh.getElementById(region.id);
          if (!replacement || regionBusy(region)) continue;
          const before = new Set(Array.from(region.querySelectorAll("tr[data-row]")).map(function (r) { return r.dataset.conversationId; }));
          region.replaceWith(replacement);
          for (const row of replacement.querySelectorAll("tr[data-row]")) {
            if (before.size && !before.has(row.dataset.conversationId)) row.classList.add("fresh");
            if (row.dataset.conversationId === selectedId) row.classList.add("selected");
          }
        }
        tick();
      } finally {
        refreshing = null;
        if (refreshAgain) { refreshAgain = false; scheduleRefresh(); }
      }
    })();
    return refreshing;
  }

  function regionBusy(region) {
    // Never throw away what someone is typing.
    const active = document.activeElement;
    return active && region.contains(active) && (active.tagName === "TEXTAREA" || active.tagName === "INPUT") && active.value;
  }

  let refreshTimer = null;
  function scheduleRefresh() {
    clearTimeout(refreshTimer);
    refreshTimer = setTimeout(refreshRegions, 150);
  }

  function liveState(text, state) {
    body.dataset.live = state;
    const label = document.getElementById("live-state");
    if (label) label.textContent = text;
  }

  function connect() {
    if (!body.dataset.liveUrl || !window.EventSource) return;
    const source = new EventSource(body.dataset.liveUrl);
    source.addEventListener("ready", function (message) {
      const data = JSON.parse(message.data);
      clockOffset = new Date(data.server_time).getTime() - Date.now();
      liveState("live", "connected");
    });
    source.addEventListener("resync", scheduleRefresh);
    source.onerror = function () { liveState("reconnecting…", "reconnecting"); };
    source.onmessage = scheduleRefresh;
    const kinds = (body.dataset.liveKinds || "").split(" ").filter(Boolean);
    for (const kind of kinds) {
      source.addEventListener(kind, function (message) {
        const event = JSON.parse(message.data);
        document.dispatchEvent(new CustomEvent("carelane:event", { detail: event }));
        if (kind === "agent.mentioned" && event.data.by_name) {
          notify(event.data.by_name + " mentioned you: " + (event.data.excerpt || ""), "info");
        }
        if (body.dataset.conversationId && event.conversation_id !== null &&
            String(event.conversation_id) !== body.dataset.conversationId && !body.dataset.liveAll) {
          return; // a conversation's page follows that conversation only
        }
        scheduleRefresh();
      });
    }
  }

  // --- countdowns -----------------------------------------------------------------------
  function clock(ms) {
    const seconds = Math.floor(Math.abs(ms) / 1000);
    const h = Math.floor(seconds / 3600), m = Math.floor((seconds % 3600) / 60), s = seconds % 60;
    const two = function (n) { return String(n).padStart(2, "0"); };
    return (h ? h + ":" + two(m) : String(m)) + ":" + two(s);
  }

  function tick() {
    const now = Date.now() + clockOffset;
    for (const element of document.querySelectorAll("[data-due]")) {
      const due = new Date(element.dataset.due).getTime();
      if (isNaN(due)) continue;
      const warn = element.dataset.warn ? new Date(element.dataset.warn).getTime() : due - 10 * 60 * 1000;
      const left = due - now;
      element.textContent = left >= 0 ? clock(left) + " left" : "overdue " + clock(left);
      element.classList.toggle("breached", left < 0);
      element.classList.toggle("at-risk", left >= 0 && (now >= warn || left < 10 * 60 * 1000));
    }
  }

  // --- keyboard -------------------------------------------------------------------------
  function rows() { return Array.from(document.querySelectorAll("tr[data-row]")); }

  function select(row, focus) {
    for (const other of rows()) { other.classList.remove("selected"); other.removeAttribute("aria-current"); }
    row.classList.add("selected");
    row.setAttribute("aria-current", "true");
    if (focus) row.focus();
  }

  function move(step) {
    const all = rows();
    if (!all.length) return;
    const current = all.findIndex(function (r) { return r.classList.contains("selected"); });
    const next = current < 0 ? (step > 0 ? 0 : all.length - 1) : Math.min(all.length - 1, Math.max(0, current + step));
    select(all[next], true);
  }

  function toggleHelp() {
    const help = document.getElementById("help");
    if (!help) return;
    if (help.open) help.close(); else help.showModal();
  }

  function press(selector) {
    const target = document.querySelector(selector);
    if (target && !target.disabled) { target.click(); return true; }
    return false;
  }

  document.addEventListener("keydown", function (event) {
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    const typing = event.target.closest && event.target.closest("input, textarea, select, [contenteditable]");
    if (typing || document.querySelector("dialog[open]:not(#help)")) return;
    switch (event.key) {
      case "j": move(1); break;
      case "k": move(-1); break;
      case "Enter": {
        const selected = document.querySelector("tr[data-row].selected");
        if (selected && event.target === selected) window.location.assign(selected.dataset.href);
        else return;
        break;
      }
      case "n": nextConversation(); break;
      case "r":
        if (!press("[data-shortcut=reply]")) notify("Open a conversation to reply.", "info");
        break;
      case "e":
        if (!press("[data-shortcut=resolve]")) notify("Open a conversation to resolve it.", "info");
        break;
      case "i": window.location.assign("/w/" + workspace + "/inbox"); break;
      case "?": toggleHelp(); break;
      default: return;
    }
    event.preventDefault();
  });

  connect();
  tick();
  setInterval(tick, 1000);
  window.carelane = { api: api, refresh: refreshRegions, notify: notify };
  body.dataset.script = "ready";
})();
