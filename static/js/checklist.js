// The checklist page, improved: live totals and women's share for men/women counts, section
// progress, jumping to the first error, evidence uploaded as soon as it is chosen.
// The page works without this file (a plain form POST); nothing here is required to save.
// Hooks for the offline feature: the form #checklist-form (data-visit-id, data-uuid,
// data-revision, data-template, data-unit-kind, data-state), items .item[data-code][data-type],
// and the events it dispatches: "change" on inputs it adds, "checklist:uploaded" and
// "checklist:upload-failed" on the form. window.ChecklistPage.show(kind, text, item) writes the
// answer to a submit into the sticky bar (#submit-status); mark(errors) / clearMarks(item).
(function () {
  "use strict";
  var form = document.getElementById("checklist-form");
  if (!form) return;
  var lang = form.getAttribute("data-lang") || document.documentElement.lang || "vi";
  var util = window.InspectionsUtil;  // static/js/util.js (every page): ids, numbers as the server reads them
  function warn(what, error) { if (window.console) console.warn("inspections checklist: " + what, error); }

  /* A count as the server reads it (util.js); null (shown as "–") when it is not one or negative. */
  function readNumber(text) {
    var number = util.parseWholeNumber(text || "", false);
    return number === null || number < 0 ? null : number;
  }
  function fmt(value, digits) {
    try { return value.toLocaleString(lang, { maximumFractionDigits: digits || 0 }); }
    catch (error) { warn("no number format for " + lang, error); return String(value); }
  }

  // --- men / women: total and share as you type
  function updateMf(item) {
    var inputs = item.querySelectorAll(".mf input");
    var total = item.querySelector(".mf-total"), share = item.querySelector(".mf-share");
    if (inputs.length < 2 || !total || !share) return;
    var male = readNumber(inputs[0].value), female = readNumber(inputs[1].value);
    if (male === null || female === null) { total.textContent = "–"; share.textContent = "–"; return; }
    var sum = male + female;
    total.textContent = fmt(sum);
    share.textContent = sum > 0 ? fmt(Math.round(female * 1000 / sum) / 10, 1) + "%" : "–";
  }

  // --- progress per section: answered / applicable
  function filled(item) {
    var type = item.getAttribute("data-type"), code = item.getAttribute("data-code");
    if (type === "ynp") return !!item.querySelector("input[type=radio]:checked");
    if (type === "file") {
      var kept = item.querySelectorAll("input[type=hidden][name='" + code + "']:not(:disabled)").length;
      var chosen = Array.prototype.some.call(item.querySelectorAll("input[type=file]"), function (f) { return f.files && f.files.length; });
      return kept > 0 || chosen;
    }
    var fields = item.querySelectorAll("input[name^='" + code + "'], textarea[name='" + code + "']");
    if (!fields.length) return false;
    return Array.prototype.every.call(fields, function (f) { return f.name.indexOf("note.") !== 0 && f.value.trim() !== ""; });
  }
  function updateSection(section) {
    var items = section.querySelectorAll(".item"), done = 0;
    Array.prototype.forEach.call(items, function (item) { if (filled(item)) done++; });
    var count = section.querySelector(".count"), bar = section.querySelector("progress");
    if (count) count.textContent = done + "/" + items.length;
    if (bar) bar.value = done;
  }

  /* Progress is counted once per section after the events of one moment (a restored draft fires
   * one "change" per field: counting the section each time was quadratic). */
  var dirtySections = [];
  function countLater(section) {
    if (dirtySections.indexOf(section) >= 0) return;
    if (!dirtySections.length) Promise.resolve().then(function () {
      var sections = dirtySections;
      dirtySections = [];
      sections.forEach(updateSection);
    });
    dirtySections.push(section);
  }

  /* Whether a field is empty, as last counted (typing: the progress changes only when a field
   * goes from empty to not, or back). */
  var wasEmpty = typeof WeakMap === "function" ? new WeakMap() : null;
  function onEdit(event) {
    var target = event.target;
    var item = target.closest && target.closest(".item");
    if (!item) return;
    var typing = event.type === "input" && (target.tagName === "TEXTAREA" || target.type === "text");
    var mf = item.getAttribute("data-type") === "mf";
    if (mf) updateMf(item);
    if (typing && wasEmpty) {
      if (target.name.indexOf("note.") === 0) return;  // a note is not an answer
      var empty = !/\S/.test(target.value.length > 64 ? target.value.slice(0, 64) : target.value) && !/\S/.test(target.value);
      if (wasEmpty.get(target) === empty) return;
      wasEmpty.set(target, empty);
    }
    var section = item.closest(".section");
    if (section) countLater(section);
  }
  form.addEventListener("input", onEdit);
  form.addEventListener("change", onEdit);

  // --- the sticky bar's height, so that focusing scrolls a field or link clear of it (checklist.css)
  var bar = form.querySelector(".form-actions");
  if (bar && window.ResizeObserver) {
    new ResizeObserver(function () {
      document.documentElement.style.setProperty("--form-actions-height", Math.ceil(bar.getBoundingClientRect().height) + "px");
    }).observe(bar);
  }

  // --- removing an attachment takes its id out of the answer at once
  form.addEventListener("change", function (event) {
    var box = event.target;
    if (!box.matches || !box.matches(".remove input[type=checkbox]")) return;
    var hidden = box.closest(".file").querySelector("input[type=hidden]");
    if (hidden) hidden.disabled = box.checked;
  });

  // --- open the folded section that holds a target, then show it
  function reveal(target) {
    if (!target) return;
    for (var node = target.parentElement; node; node = node.parentElement) {
      if (node.tagName === "DETAILS") node.open = true;
    }
    target.scrollIntoView({ block: "center" });
    var focusable = target.matches("input, textarea, select") ? target : target.querySelector("input:not([type=hidden]), textarea");
    if (focusable) focusable.focus({ preventScroll: true });
  }
  document.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest("a[href^='#']");
    if (!link) return;
    var target = document.getElementById(link.getAttribute("href").slice(1));
    if (target && form.contains(target)) { event.preventDefault(); reveal(target); history.replaceState(null, "", link.getAttribute("href")); }
  });
  var summary = document.getElementById("error-summary");
  if (summary) {
    summary.focus();
  } else if (location.hash.length > 1) {
    reveal(document.getElementById(decodeURIComponent(location.hash.slice(1))));
  }

  // --- the rules, checked here before anything is queued or posted (static/js/rules.js, with the
  // server's own rules and messages from the form's data-rules). Registered before the offline
  // script's handler, so that one never queues a checklist the server would refuse.
  var rulesRead = false, rulesCache = null;
  function theRules() {
    if (!rulesRead) {
      rulesRead = true;
      try { rulesCache = JSON.parse(form.getAttribute("data-rules") || "null"); }
      catch (error) { warn("the rules in the page are not JSON: the server checks alone", error); rulesCache = null; }
    }
    return rulesCache;
  }
  var status = document.getElementById("submit-status");
  function msg(key, values) {
    var text = form.getAttribute("data-msg-" + key) || "";
    Object.keys(values || {}).forEach(function (name) { text = text.split("{" + name + "}").join(String(values[name])); });
    return text;
  }
  function formValues() {
    var values = {};
    Array.prototype.forEach.call(form.elements, function (field) {
      if (!field.name || field.disabled || field.type === "file" || field.type === "submit" || field.type === "button") return;
      var list = values[field.name] || (values[field.name] = []);
      if (field.type === "radio" || field.type === "checkbox") { if (field.checked) list.push(field.value); }
      else list.push(field.value);
    });
    return values;
  }
  function problems(submitting) {
    var rules = theRules();
    if (!rules || !window.ChecklistRules) return [];
    return ChecklistRules.check(rules, formValues(), { requireComplete: submitting });
  }
  function fieldOf(item, name) {
    return document.getElementById("f-" + String(name).replace(/\./g, "-")) || item.querySelector("input:not([type=hidden]), textarea");
  }
  /* Take every mark off an item: the page's own, the server's (form post) and the outbox's. */
  function clearMarks(item) {
    Array.prototype.forEach.call(item.querySelectorAll(".client-error, .sync-error, p.error[id^='e-']"), function (n) { n.remove(); });
    Array.prototype.forEach.call(item.querySelectorAll("[aria-invalid]"), function (n) { n.removeAttribute("aria-invalid"); });
    item.classList.remove("has-error");
    item.removeAttribute("data-sync-error");
  }
  function mark(errors) {
    Array.prototype.forEach.call(form.querySelectorAll(".item.has-error"), clearMarks);
    var marked = [];
    errors.forEach(function (error) {
      var item = error.code && form.querySelector('.item[data-code="' + error.code + '"]');
      if (!item) return;
      var note = document.createElement("p");
      note.className = "error client-error" + (error.kind === "required" ? " client-required" : "");
      note.textContent = error.kind === "required" ? msg("required") : error.message;
      var field = fieldOf(item, error.field);
      var anchor = (field && field.closest(".mf-part")) || null;
      if (anchor) anchor.appendChild(note); else item.insertBefore(note, item.querySelector(".extras"));
      if (field) field.setAttribute("aria-invalid", "true");
      item.classList.add("has-error");
      if (marked.indexOf(item) < 0) marked.push(item);
    });
    // in page order: "the first problem" is the first one on the way down
    return marked.sort(function (a, b) { return a.compareDocumentPosition(b) & Node.DOCUMENT_POSITION_FOLLOWING ? -1 : 1; });
  }
  /* The answer to "Submit" / "Save draft", in the sticky bar: always in view. */
  function show(kind, text, firstItem) {
    if (!status) return;
    status.textContent = "";
    status.className = "submit-status client-summary is-" + kind;
    status.appendChild(document.createTextNode(text));
    if (firstItem) {
      var link = document.createElement("a");
      link.href = "#" + firstItem.id;
      link.textContent = msg("first");
      status.appendChild(document.createTextNode(" "));
      status.appendChild(link);
    }
  }
  window.ChecklistPage = { show: show, reveal: function (t) { reveal(t); }, mark: mark, clearMarks: clearMarks };

  // a mark clears as soon as its item is right (checked with the same rules)
  function recheck(event) {
    var item = event.target.closest && event.target.closest(".item.has-error");
    if (!item) return;
    var code = item.getAttribute("data-code");
    var left = problems(!!item.querySelector(".client-required")).filter(function (e) { return e.code === code; });
    if (!left.length || (left.every(function (e) { return e.kind === "required"; }) && filled(item))) {
      clearMarks(item);
      if (status && !form.querySelector(".item.has-error") && /is-(invalid|refused)/.test(status.className)) status.textContent = "";
    }
  }
  form.addEventListener("input", recheck);
  form.addEventListener("change", recheck);

  form.addEventListener("submit", function (event) {
    var button = event.submitter;
    if (!button || button.name !== "action") return;
    var submitting = button.value === "submit";
    // A draft posted as a form keeps its valid answers and the server names the others; a
    // draft the offline script queues would be refused whole, so it is checked here too.
    if (!submitting && form.getAttribute("data-offline-ready") !== "yes") return;
    var found = problems(submitting);
    if (!found.length) return;
    event.preventDefault();
    event.stopImmediatePropagation();
    var items = mark(found);
    var onlyRequired = found.every(function (e) { return e.kind === "required"; });
    show("invalid", onlyRequired ? msg("missing", { count: items.length }) : msg("invalid", { count: items.length }), items[0]);
    if (items[0]) reveal(items[0]);
  });

  // --- how long a text may be: the same limit as the server, counted as you type
  // written in the input event itself: deferring it to the next frame cost a third layout per key
  var counters = {};  // textarea id -> [counter, its text before the count, between, after]
  function count(area) {
    var known = counters[area.id];
    if (!known) {
      var counter = document.getElementById("n-" + area.id);
      if (!counter) return;
      var parts = msg("counter", { max: counter.getAttribute("data-max") }).split("{count}");
      known = counters[area.id] = [counter, parts[0], parts.slice(1).join("")];
    }
    known[0].textContent = known[1] + area.value.length + known[2];
  }
  form.addEventListener("input", function (event) { if (event.target.tagName === "TEXTAREA") count(event.target); });

  // --- evidence: upload each chosen file straight away
  var uploadUrl = form.getAttribute("data-upload-url");
  var maxBytes = parseInt(form.getAttribute("data-max-upload"), 10) || 0;
  var token = (form.querySelector("input[name=csrf_token]") || {}).value || "";
  function say(item, key, file) {
    var status = item.querySelector(".upload-status");
    if (status) status.textContent = (form.getAttribute("data-msg-" + key) || "").replace("{file}", file);
  }
  var newId = util.uuid;
  function addFile(item, code, body) {
    var li = document.createElement("li"), hidden = document.createElement("input"), link = document.createElement("a");
    li.className = "file";
    hidden.type = "hidden"; hidden.name = code; hidden.value = body.uuid;
    link.href = body.url; link.target = "_blank"; link.rel = "noopener";
    var thumb = document.createElement(body.mime.indexOf("image/") === 0 ? "img" : "span");
    thumb.className = "thumb";
    if (thumb.tagName === "IMG") { thumb.src = body.url; thumb.alt = ""; thumb.width = 64; thumb.height = 64; } else { thumb.textContent = "PDF"; thumb.className += " pdf"; }
    var name = document.createElement("span");
    name.className = "file-name"; name.textContent = body.filename;
    link.appendChild(thumb); link.appendChild(name);
    var remove = document.createElement("label"), box = document.createElement("input");
    remove.className = "remove"; box.type = "checkbox"; box.name = "remove." + code; box.value = body.uuid;
    remove.appendChild(box); remove.appendChild(document.createTextNode(" " + (form.getAttribute("data-msg-remove") || "")));
    li.appendChild(hidden); li.appendChild(link); li.appendChild(remove);
    item.querySelector(".files").appendChild(li);
    // the offline script keeps the name and type, so the row looks the same after a reload
    form.dispatchEvent(new CustomEvent("checklist:uploaded", { detail: { itemCode: code, file: body } }));
    hidden.dispatchEvent(new Event("change", { bubbles: true }));
  }
  function upload(input) {
    var item = input.closest(".item"), code = input.getAttribute("data-upload");
    var files = Array.prototype.slice.call(input.files || []);
    var left = [];
    var jobs = files.map(function (file) {
      if (maxBytes && file.size > maxBytes) { say(item, "too-large", file.name); return Promise.resolve(); }
      var data = new FormData(), id = newId();
      data.append("file", file); data.append("item_code", code); data.append("uuid", id); data.append("csrf_token", token);
      say(item, "uploading", file.name);
      return fetch(uploadUrl, { method: "POST", body: data, credentials: "same-origin", headers: { "X-CSRFToken": token, "Accept": "application/json" } })
        .then(function (response) {
          return response.json().catch(function (error) { warn("upload answer not JSON", error); return null; }).then(function (body) {
            if (response.ok && body && body.uuid) { addFile(item, code, body); say(item, "uploaded", file.name); return; }
            var status = item.querySelector(".upload-status");
            if (body && body.message && status) { status.textContent = file.name + ": " + body.message; return; }
            throw new Error("upload failed");
          });
        })
        .catch(function (error) {
          warn("upload failed: kept for the outbox", error);
          left.push(file);
          say(item, "offline", file.name);
          form.dispatchEvent(new CustomEvent("checklist:upload-failed", { detail: { itemCode: code, file: file, uuid: id } }));
        });
    });
    Promise.all(jobs).then(function () {
      // Files that could not be sent stay in the input, so saving the form sends them.
      if (!left.length) { input.value = ""; }
      else if (window.DataTransfer) { var keep = new DataTransfer(); left.forEach(function (f) { keep.items.add(f); }); input.files = keep.files; }
      var section = item.closest(".section");
      if (section) updateSection(section);
    });
  }
  if (window.fetch && window.FormData) {
    form.addEventListener("change", function (event) {
      if (event.target.matches && event.target.matches("input[type=file][data-upload]") && event.target.files.length) upload(event.target);
    });
  }
})();
