// The checklist page: next to each item the unit reported itself, the value it declared, with
// one tap to confirm it (the value is copied into the inspector's own fields, which then save
// as any typed answer would, offline too). The data comes with the page (#declared-data).
(function () {
  "use strict";
  var holder = document.getElementById("declared-data");
  var form = document.getElementById("checklist-form");
  if (!holder || !form) return;
  var declared;
  try { declared = JSON.parse(holder.getAttribute("data-declared") || "{}"); } catch (e) { return; }
  function msg(key) { return holder.getAttribute("data-msg-" + key) || ""; }
  function field(name) { return document.getElementById("f-" + name.replace(/\./g, "-")); }
  function set(input, value) {
    if (!input) return;
    input.value = value === null || value === undefined ? "" : String(value);
    input.dispatchEvent(new Event("input", { bubbles: true }));
    input.dispatchEvent(new Event("change", { bubbles: true }));
  }
  function copy(code, entry) {
    var value = entry.value;
    if (entry.type === "ynp") {
      var radio = document.getElementById("f-" + code + "-" + value);
      if (radio) { radio.checked = true; radio.dispatchEvent(new Event("change", { bubbles: true })); }
    } else if (entry.type === "mf") {
      set(field(code + ".male"), value && value.male);
      set(field(code + ".female"), value && value.female);
    } else {
      set(field(code), value);
    }
  }
  Object.keys(declared).forEach(function (code) {
    var entry = declared[code];
    var item = form.querySelector('.item[data-code="' + code + '"]');
    if (!item) return;
    var box = document.createElement("div");
    box.className = "declared";
    box.setAttribute("data-declared-for", code);
    var label = document.createElement("span");
    label.className = "declared-label";
    label.textContent = msg("declared") + ": ";
    var value = document.createElement("b");
    value.className = "declared-value";
    value.textContent = entry.text;
    box.appendChild(label);
    box.appendChild(value);
    if (entry.note) {
      var note = document.createElement("span");
      note.className = "declared-note small muted";
      note.textContent = " (" + msg("note") + ": " + entry.note + ")";
      box.appendChild(note);
    }
    if (entry.type !== "file") {
      var button = document.createElement("button");
      button.type = "button";
      button.className = "confirm-declared";
      button.textContent = msg("confirm");
      var done = document.createElement("span");
      done.className = "declared-done small";
      done.setAttribute("aria-live", "polite");
      button.addEventListener("click", function () { copy(code, entry); done.textContent = msg("confirmed"); });
      box.appendChild(document.createTextNode(" "));
      box.appendChild(button);
      box.appendChild(done);
    }
    var extras = item.querySelector(".extras");
    item.insertBefore(box, extras);
  });
})();
