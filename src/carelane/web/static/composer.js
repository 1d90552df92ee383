// The reply composer of a conversation page: a live length check against the network's
// limit (the API's reply-check), canned responses searched and filled in, the suggested
// response, public or private, and the personal-data guard that offers a private message.
"use strict";

(function () {
  const composer = document.getElementById("composer");
  if (!composer) return;
  const conversationUrl = composer.dataset.conversationUrl;
  const cannedUrl = composer.dataset.cannedUrl;
  const form = document.getElementById("reply-form");
  const text = document.getElementById("reply-text");
  const counter = document.getElementById("reply-counter");
  const problems = document.getElementById("reply-problems");
  const guard = document.getElementById("reply-guard");
  const cannedId = document.getElementById("canned-response-id");
  const api = function () { return window.carelane.api.apply(null, arguments); };

  function visibility() { return form.querySelector("input[name=visibility]:checked").value; }
  function setVisibility(value) { form.querySelector("input[name=visibility][value=" + value + "]").checked = true; }

  // --- the live counter ---------------------------------------------------------------
  let checkTimer = null;
  let checked = 0;
  function scheduleCheck() {
    counter.textContent = text.value.length + " characters…";
    clearTimeout(checkTimer);
    checkTimer = setTimeout(check, 200);
  }

  async function check() {
    const ticket = ++checked;
    const result = await api("POST", conversationUrl + "/reply-check", { text: text.value, visibility: visibility() });
    if (ticket !== checked || !result.ok) return;
    const data = result.data;
    if (data.length) {
      counter.textContent = data.length.count + " / " + data.length.limit + " " + data.length.unit +
        (data.length.over ? " — " + (-data.length.remaining) + " too many" : " — " + data.length.remaining + " left");
      counter.classList.toggle("over", data.length.over);
      counter.dataset.over = data.length.over ? "true" : "false";
    } else {
      counter.textContent = text.value.length + " characters";
    }
    problems.replaceChildren();
    for (const problem of text.value.trim() ? data.problems : []) {
      const item = document.createElement("li");
      item.textContent = problem;
      problems.appendChild(item);
    }
  }

  text.addEventListener("input", function () { guard.hidden = true; scheduleCheck(); });
  form.addEventListener("change", function (event) { if (event.target.name === "visibility") scheduleCheck(); });

  // --- canned responses ---------------------------------------------------------------
  async function useCanned(id) {
    const agent = document.body.dataset.agentId;
    const result = await api("GET", conversationUrl + "/canned-responses/" + id + (agent ? "?agent_id=" + agent : ""));
    if (!result.ok) { window.carelane.notify("That canned response cannot be used here.", "error"); return; }
    text.value = result.data.text;
    cannedId.value = String(id);
    text.focus();
    scheduleCheck();
    if (result.data.missing.length) {
      window.carelane.notify("Fill in by hand: " + result.data.missing.map(function (v) { return "{" + v + "}"; }).join(", "), "info");
    }
  }

  const search = document.getElementById("canned-search");
  const results = document.getElementById("canned-results");
  let searchTimer = null;
  async function find() {
    const query = search.value.trim();
    const result = await api("GET", cannedUrl + "?limit=8" + (query ? "&q=" + encodeURIComponent(query) : ""));
    results.replaceChildren();
    if (!result.ok) return;
    for (const response of result.data.items) {
      const item = document.createElement("li");
      const button = document.createElement("button");
      button.type = "button";
      button.className = "canned";
      button.dataset.cannedId = response.id;
      button.setAttribute("aria-label", "Use canned response: " + response.title);
      const title = document.createElement("strong");
      title.textContent = response.title;
      const excerpt = document.createElement("span");
      excerpt.textContent = response.text.slice(0, 90);
      button.append(title, excerpt);
      button.addEventListener("click", function () { useCanned(response.id); });
      item.appendChild(button);
      results.appendChild(item);
    }
    if (!result.data.items.length) {
      const none = document.createElement("li");
      none.className = "muted";
      none.textContent = "No canned response matches.";
      results.appendChild(none);
    }
  }
  search.addEventListener("input", function () { clearTimeout(searchTimer); searchTimer = setTimeout(find, 200); });

  async function suggest() {
    const result = await api("GET", conversationUrl + "/suggested-responses?limit=1");
    if (!result.ok || !result.data.items.length) return;
    const best = result.data.items[0];
    document.getElementById("suggestion-title").textContent = best.response.title;
    document.getElementById("suggestion").hidden = false;
    document.getElementById("use-suggestion").onclick = function () { useCanned(best.response.id); };
  }

  // --- sending ------------------------------------------------------------------------
  async function send() {
    guard.hidden = true;
    const payload = { text: text.value, visibility: visibility(), send: true };
    if (cannedId.value) payload.canned_response_id = parseInt(cannedId.value, 10);
    const button = document.getElementById("send-reply");
    button.disabled = true;
    const result = await api("POST", conversationUrl + "/replies", payload);
    button.disabled = false;
    if (!result.ok) {
      const error = (result.data && result.data.error) || {};
      if (error.code === "personal_data_in_public") {
        document.getElementById("reply-guard-text").textContent = error.message;
        document.getElementById("send-privately").hidden = error.private_message_allowed === false;
        guard.hidden = false;
      } else {
        const item = document.createElement("li");
        item.textContent = error.message || ("The reply was refused (" + result.status + ").");
        problems.replaceChildren(item);
      }
      return;
    }
    const reply = result.data;
    text.value = "";
    cannedId.value = "";
    problems.replaceChildren();
    counter.textContent = "0 characters";
    if (reply.state === "awaiting_approval") {
      window.carelane.notify("Waiting for a supervisor's approval" + (reply.approval_reasons.length ? ": " + reply.approval_reasons.join("; ") : "."), "info");
    } else if (reply.state === "sent") {
      window.carelane.notify("Sent as a " + reply.visibility + " " + (reply.visibility === "public" ? "reply" : "message") + ".", "ok");
    } else {
      window.carelane.notify("The reply is " + reply.state.replace("_", " ") + ".", reply.state === "failed" ? "error" : "info");
    }
    window.carelane.refresh();
  }

  form.addEventListener("submit", function (event) { event.preventDefault(); send(); });
  document.getElementById("send-privately").addEventListener("click", function () { setVisibility("private"); send(); });

  find();
  suggest();
  composer.dataset.script = "ready";
})();
