// @mention type-ahead for internal notes: typing "@" and the start of a name lists the
// roster's matching handles under the note; arrow keys move through them, Enter or Tab
// puts the chosen one in, Escape closes the list. Pointer users click a handle.
"use strict";

(function () {
  const note = document.getElementById("note-text");
  const list = document.getElementById("mention-options");
  if (!note || !list) return;
  const handles = JSON.parse(note.dataset.mentionHandles || "[]");
  const MAX_SHOWN = 8;
  let shown = [];
  let active = -1;

  // The "@partial" just before the caret, if the caret is in one.
  function typed() {
    const before = note.value.slice(0, note.selectionStart);
    const match = /(^|\s)@([^\s@]*)$/.exec(before);
    return match ? { start: before.length - match[2].length - 1, partial: match[2].toLowerCase() } : null;
  }

  function close() {
    shown = [];
    active = -1;
    list.hidden = true;
    list.replaceChildren();
    note.setAttribute("aria-expanded", "false");
    note.removeAttribute("aria-activedescendant");
  }

  function highlight(index) {
    active = index;
    list.querySelectorAll("[role=option]").forEach(function (option, i) {
      option.setAttribute("aria-selected", i === index ? "true" : "false");
    });
    note.setAttribute("aria-activedescendant", "mention-option-" + index);
  }

  function open() {
    const at = typed();
    if (!at) { close(); return; }
    shown = handles.filter(function (handle) { return handle.startsWith(at.partial); }).slice(0, MAX_SHOWN);
    if (!shown.length) { close(); return; }
    list.replaceChildren();
    shown.forEach(function (handle, i) {
      const option = document.createElement("li");
      option.id = "mention-option-" + i;
      option.setAttribute("role", "option");
      option.textContent = "@" + handle;
      option.addEventListener("mousedown", function (event) { event.preventDefault(); choose(i); });
      list.appendChild(option);
    });
    list.hidden = false;
    note.setAttribute("aria-expanded", "true");
    highlight(0);
  }

  function choose(index) {
    const at = typed();
    if (!at || !shown[index]) { close(); return; }
    const end = note.selectionStart;
    const inserted = "@" + shown[index] + " ";
    note.value = note.value.slice(0, at.start) + inserted + note.value.slice(end);
    const caret = at.start + inserted.length;
    note.setSelectionRange(caret, caret);
    close();
    note.focus();
  }

  note.addEventListener("input", open);
  note.addEventListener("blur", close);
  note.addEventListener("keydown", function (event) {
    if (list.hidden) return;
    switch (event.key) {
      case "ArrowDown": highlight((active + 1) % shown.length); break;
      case "ArrowUp": highlight((active - 1 + shown.length) % shown.length); break;
      case "Enter": case "Tab": choose(active); break;
      case "Escape": close(); break;
      default: return;
    }
    event.preventDefault();
  });
})();
