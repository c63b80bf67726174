// The checklist page, improved: live totals and women's share for men/women counts, section
// progress, jumping to the first error, evidence uploaded as soon as it is chosen.
// The page works without this file (a plain form POST); nothing here is required to save.
// Hooks for the offline feature: the form #checklist-form (data-visit-id, data-uuid,
// data-revision, data-template, data-unit-kind, data-state), items .item[data-code][data-type],
// and the events it dispatches: "change" on inputs it adds, "checklist:upload-failed" on the form.
(function () {
  "use strict";
  var form = document.getElementById("checklist-form");
  if (!form) return;
  var lang = form.getAttribute("data-lang") || document.documentElement.lang || "vi";

  function readNumber(text) {
    text = (text || "").trim();
    if (/^\d{1,15}$/.test(text)) return parseInt(text, 10);
    if (/^\d{1,3}([.,\s\u00a0])\d{3}(\1\d{3}){0,4}$/.test(text)) return parseInt(text.replace(/[.,\s\u00a0]/g, ""), 10);
    return null;
  }
  function fmt(value, digits) {
    try { return value.toLocaleString(lang, { maximumFractionDigits: digits || 0 }); } catch (e) { return String(value); }
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

  function onEdit(event) {
    var item = event.target.closest && event.target.closest(".item");
    if (!item) return;
    if (item.getAttribute("data-type") === "mf") updateMf(item);
    var section = item.closest(".section");
    if (section) updateSection(section);
  }
  form.addEventListener("input", onEdit);
  form.addEventListener("change", onEdit);

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

  // --- "Submit" with required items unanswered: say so at once (offline too), send nothing.
  // Registered before the offline script's handler, so that one never queues such a checklist.
  function clearRequired(item) {
    item.classList.remove("has-error");
    var note = item.querySelector(".client-required");
    if (note) note.remove();
  }
  form.addEventListener("input", function (event) {
    var item = event.target.closest && event.target.closest(".item.has-error");
    if (item && item.querySelector(".client-required") && filled(item)) clearRequired(item);
  });
  form.addEventListener("change", function (event) {
    var item = event.target.closest && event.target.closest(".item.has-error");
    if (item && item.querySelector(".client-required") && filled(item)) clearRequired(item);
  });
  form.addEventListener("submit", function (event) {
    var button = event.submitter;
    if (!button || button.name !== "action" || button.value !== "submit") return;
    var missing = Array.prototype.filter.call(form.querySelectorAll(".item[data-required]"), function (item) { return !filled(item); });
    var summary = form.querySelector(".client-summary");
    if (!missing.length) { if (summary) summary.hidden = true; return; }
    event.preventDefault();
    event.stopImmediatePropagation();
    missing.forEach(function (item) {
      if (item.querySelector(".client-required")) return;
      var note = document.createElement("p");
      note.className = "error client-required";
      note.textContent = form.getAttribute("data-msg-required") || "";
      item.insertBefore(note, item.querySelector(".extras"));
      item.classList.add("has-error");
    });
    if (summary) { summary.textContent = (form.getAttribute("data-msg-missing") || "").replace("{count}", missing.length); summary.hidden = false; }
    reveal(missing[0]);
  });

  // --- evidence: upload each chosen file straight away
  var uploadUrl = form.getAttribute("data-upload-url");
  var maxBytes = parseInt(form.getAttribute("data-max-upload"), 10) || 0;
  var token = (form.querySelector("input[name=csrf_token]") || {}).value || "";
  function say(item, key, file) {
    var status = item.querySelector(".upload-status");
    if (status) status.textContent = (form.getAttribute("data-msg-" + key) || "").replace("{file}", file);
  }
  function newId() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    var b = crypto.getRandomValues(new Uint8Array(16)), h = [];
    b[6] = (b[6] & 15) | 64; b[8] = (b[8] & 63) | 128;
    for (var i = 0; i < 16; i++) h.push((b[i] + 256).toString(16).slice(1));
    return h.slice(0, 4).join("") + "-" + h.slice(4, 6).join("") + "-" + h.slice(6, 8).join("") + "-" + h.slice(8, 10).join("") + "-" + h.slice(10).join("");
  }
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
          return response.json().catch(function () { return null; }).then(function (body) {
            if (response.ok && body && body.uuid) { addFile(item, code, body); say(item, "uploaded", file.name); return; }
            var status = item.querySelector(".upload-status");
            if (body && body.message && status) { status.textContent = file.name + ": " + body.message; return; }
            throw new Error("upload failed");
          });
        })
        .catch(function () {
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
