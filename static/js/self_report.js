// The unit's report page: drafts are saved as the representative types (a short pause after the
// last change), with the same form post the "Save draft" button makes, answered in JSON.
// The page works without this file. Loaded after checklist.js (live totals, evidence uploads).
(function () {
  "use strict";
  var form = document.getElementById("checklist-form");
  if (!form || !form.hasAttribute("data-self-report") || !window.fetch || !window.FormData) return;
  var note = document.getElementById("autosave");
  var base = form.querySelector("input[name=base_revision]");
  var token = (form.querySelector("input[name=csrf_token]") || {}).value || "";
  var timer = null, running = null, dirty = false;

  function say(text) { if (note) note.textContent = text; }
  function message(key, revision) {
    return (form.getAttribute("data-msg-" + key) || "").replace("{revision}", String(revision));
  }
  function body(action) {
    var data = new FormData(form);
    Array.from(data.keys()).forEach(function (name) { if (name.indexOf("upload.") === 0) data.delete(name); });
    data.set("action", action);
    return data;
  }
  function save() {
    timer = null;
    if (running) { dirty = true; return running; }
    dirty = false;
    // form.action would be the buttons named "action" (named form controls shadow the property)
    running = fetch(form.getAttribute("action"), { method: "POST", body: body("draft"), credentials: "same-origin",
                                   headers: { "Accept": "application/json", "X-CSRFToken": token } })
      .then(function (response) {
        return response.json().catch(function () { return null; }).then(function (answer) {
          if (answer && typeof answer.revision === "number") {
            base.value = String(answer.revision);
            form.setAttribute("data-revision", String(answer.revision));
            say(answer.errors && answer.errors.length ? answer.message + " " + answer.errors.map(function (e) {
              return (e.field || e.code) + ": " + e.message; }).join(" · ") : message("draft-saved", answer.revision));
          } else {
            say(answer && answer.message ? answer.message : message("draft-failed"));
          }
        });
      })
      .catch(function () { say(message("draft-failed")); })
      .then(function () { running = null; if (dirty) schedule(); });
    return running;
  }
  function schedule() {
    if (timer) clearTimeout(timer);
    timer = setTimeout(save, 1200);
  }
  form.addEventListener("input", function (event) { if (event.target.type !== "file") schedule(); });
  form.addEventListener("change", function (event) { if (event.target.type !== "file") schedule(); });
  // A button pressed while a draft is on its way waits for it, so the page's revision is current.
  form.addEventListener("submit", function (event) {
    var button = event.submitter;
    if (!timer && !running) return;
    event.preventDefault();
    if (timer) { clearTimeout(timer); timer = null; }
    Promise.resolve(running || save()).then(function () { return running; }).then(function () {
      if (button && button.name) {
        var hidden = document.createElement("input");
        hidden.type = "hidden"; hidden.name = button.name; hidden.value = button.value;
        form.appendChild(hidden);
      }
      form.submit();
    });
  });
})();
