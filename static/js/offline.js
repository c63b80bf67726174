/*
 * The checklist page offline: loaded after #checklist-form (templates/fieldwork), after the
 * modules of every page (templates/base.html: util.js, outbox.js, pagecache.js, app.js).
 *
 * - Every change to the form is saved in IndexedDB (store "drafts", keyed by the submission
 *   uuid): a choice at once, typing once the fingers rest and the page is idle (only the fields
 *   typed in are read again), and before the page is hidden. On load, a saved draft at least as new as the server's revision is put
 *   back into the form: a reload, a closed tab or a restarted phone lose nothing.
 * - Submitting (either button) does not post the form: the answers are converted to the JSON
 *   encoding (by each item's data-type), queued in the outbox with the next revision, and the
 *   outbox is drained at once (online) or later (offline: on `online`, by Background Sync, or
 *   with the "sync now" button). Without JavaScript the form posts as usual.
 * - Photos and scans chosen for a file item are kept as blobs in IndexedDB (store "files") and
 *   uploaded before the submission that refers to them.
 */
(function () {
  'use strict';

  var form = document.getElementById('checklist-form');
  var core = window.InspectionsOffline;
  var util = window.InspectionsUtil;
  if (!form || !core || !util || !window.indexedDB) return;
  function sync() { return window.InspectionsSync || null; }  // the sync panel (app.js), when the page has it
  function warn(what, error) { core.warn('checklist: ' + what, error); }

  var SKIP = { csrf_token: true, action: true };
  var ctx = {
    uuid: (form.getAttribute('data-uuid') || '').toLowerCase(),
    visitId: parseInt(form.getAttribute('data-visit-id'), 10),
    serverRevision: parseInt(form.getAttribute('data-revision') || '0', 10) || 0,
    template: form.getAttribute('data-template') || null,
    user: document.body.getAttribute('data-user') || ''
  };
  if (!ctx.uuid || !ctx.visitId || !ctx.user) return;

  function t(text, values) { return sync() ? sync().t(text, values) : text; }

  function message(text) { if (sync()) sync().setMessage(text); }

  function pageTitle() {
    var heading = document.querySelector('h1');
    return (heading ? heading.textContent : document.title).trim().replace(/\s+/g, ' ');
  }

  // --- reading and writing the form ------------------------------------------------------
  function fields() {
    return Array.prototype.filter.call(form.elements, function (field) {
      if (!field.name || SKIP[field.name] || field.disabled) return false;
      return ['submit', 'button', 'reset', 'file', 'image'].indexOf(field.type) < 0;
    });
  }

  /* Every named field as name -> list of values (radios and check boxes: the checked ones). */
  function readForm() {
    var values = {};
    fields().forEach(function (field) {
      var list = values[field.name] || (values[field.name] = []);
      if (field.type === 'radio' || field.type === 'checkbox') {
        if (field.checked) list.push(field.value);
      } else if (field.type === 'select-multiple') {
        Array.prototype.forEach.call(field.options, function (o) { if (o.selected) list.push(o.value); });
      } else {
        list.push(field.value);
      }
    });
    return values;
  }

  /* The values of the fields named `name` (a key typed in one field: nothing else is read). */
  function readField(values, name) {
    var named = form.elements.namedItem(name);
    var list = [];
    var each = !named ? [] : named.length !== undefined && !named.tagName ? Array.prototype.slice.call(named) : [named];
    each.forEach(function (field) {
      if (!field.name || SKIP[field.name] || field.disabled) return;
      if (['submit', 'button', 'reset', 'file', 'image'].indexOf(field.type) >= 0) return;
      if (field.type === 'radio' || field.type === 'checkbox') { if (field.checked) list.push(field.value); }
      else if (field.type === 'select-multiple') {
        Array.prototype.forEach.call(field.options, function (o) { if (o.selected) list.push(o.value); });
      } else list.push(field.value);
    });
    if (list.length || each.length) values[name] = list;
    else delete values[name];
    return values;
  }

  /* Putting a draft back fires "change" on every field it alters (the page's totals and progress
   * follow them); those are not edits, so they are not saved again one by one (each save reads
   * the whole form: a full draft took the page ~0.4 s of saves at load). */
  var restoring = false;
  function writeForm(values) {
    restoring = true;
    try { writeFields(values); } finally { restoring = false; }
  }

  function writeFields(values) {
    // file items: their hidden inputs are recreated from the saved list
    Array.prototype.forEach.call(form.querySelectorAll('.item[data-type="file"][data-code]'), function (item) {
      var code = item.getAttribute('data-code');
      if (!(code in values)) return;
      setFileIds(item, code, values[code].filter(Boolean));
    });
    var seen = {};
    var fileCodes = {};
    Array.prototype.forEach.call(form.querySelectorAll('.item[data-type="file"][data-code]'), function (item) {
      fileCodes[item.getAttribute('data-code')] = true;
    });
    fields().forEach(function (field) {
      var list = values[field.name];
      // hidden fields belong to the server (base revision) or to file items (above)
      if (!list || field.type === 'hidden' || fileCodes[field.name] === true) return;
      var before = field.type === 'radio' || field.type === 'checkbox' ? field.checked : field.value;
      if (field.type === 'radio' || field.type === 'checkbox') {
        field.checked = list.indexOf(field.value) >= 0;
      } else if (field.type === 'select-multiple') {
        Array.prototype.forEach.call(field.options, function (o) { o.selected = list.indexOf(o.value) >= 0; });
      } else {
        var index = seen[field.name] || 0;
        seen[field.name] = index + 1;
        if (index < list.length) field.value = list[index];
      }
      var after = field.type === 'radio' || field.type === 'checkbox' ? field.checked : field.value;
      // let the page's own script (totals, progress) see the restored value
      if (before !== after) field.dispatchEvent(new Event('change', { bubbles: true }));
    });
  }

  // --- converting to the JSON answer encoding ------------------------------------------------
  /* A whole number as typed (1.500.000 or 1,500,000 too); the text itself when unreadable,
   * so that the server names the field in its answer. */
  function wholeNumber(text, money) {
    var number = util.parseWholeNumber(text, money);
    return number === null ? util.strip(text) : number;
  }

  function formDate(text) {
    var day = util.parseFormDate(text);
    return day === null ? util.strip(text) : day;
  }

  function first(values, name) {
    var list = values[name] || [];
    for (var i = 0; i < list.length; i += 1) if (list[i] !== '') return list[i];
    return '';
  }

  function toAnswers(values) {
    var answers = {};
    var notes = {};
    var files = [];
    Array.prototype.forEach.call(form.querySelectorAll('.item[data-code][data-type]'), function (item) {
      var code = item.getAttribute('data-code');
      var type = item.getAttribute('data-type');
      var text;
      if (type === 'mf') {
        var male = first(values, code + '.male').trim();
        var female = first(values, code + '.female').trim();
        if (male || female) {
          answers[code] = { male: male ? wholeNumber(male, false) : null, female: female ? wholeNumber(female, false) : null };
        }
      } else if (type === 'file') {
        var ids = [];
        (values[code] || []).forEach(function (value) {
          String(value).split(',').forEach(function (part) {
            part = part.trim().toLowerCase();
            if (part && ids.indexOf(part) < 0) ids.push(part);
          });
        });
        if (ids.length) { answers[code] = ids; files = files.concat(ids); }
      } else if (type === 'text') {
        text = first(values, code).replace(/\r\n/g, '\n').trim();
        if (text) answers[code] = text;
      } else {
        text = first(values, code).trim();
        if (!text) return;
        if (type === 'int' || type === 'money') answers[code] = wholeNumber(text, type === 'money');
        else if (type === 'date') answers[code] = formDate(text);
        else answers[code] = text;
      }
    });
    Object.keys(values).forEach(function (name) {
      if (name.indexOf('note.') !== 0) return;
      var note = first(values, name).replace(/\r\n/g, '\n').trim();
      if (note) notes[name.slice(5)] = note;
    });
    return { answers: answers, notes: notes, files: files };
  }

  // --- drafts --------------------------------------------------------------------------------
  var saving = Promise.resolve();
  var savesInFlight = 0;

  /* Save the form as it is now; saves run one after the other, the last one wins.
   * data-draft-pending on the form says whether one is still being written. */
  var page = window.ChecklistPage || null;
  var autosave = document.getElementById('autosave');
  function formMsg(key, values) {
    var text = form.getAttribute('data-msg-' + key) || '';
    Object.keys(values || {}).forEach(function (name) { text = text.split('{' + name + '}').join(String(values[name])); });
    return text;
  }
  function clock(ms) {
    var d = new Date(ms);
    return (d.getHours() < 10 ? '0' : '') + d.getHours() + ':' + (d.getMinutes() < 10 ? '0' : '') + d.getMinutes();
  }
  function showSaved(ms) {
    if (autosave && ms) autosave.textContent = formMsg('saved-at', { time: clock(ms) });
  }
  function say(kind, text, firstItem) {
    if (page) page.show(kind, text, firstItem);
    message(text);
  }

  /* Typing saves once the fingers rest and the page is idle (reading a form of long texts on
   * every key costs more than the key itself), and then reads again only the fields typed in
   * since the last save; data-draft-pending says "yes" from the first key on. */
  var saveTimer = null;
  var idleHandle = null;
  var current = null;   // the form's values as last saved (name -> list), kept up to date by typing
  var typedIn = {};     // names typed in since
  var pendingShown = null;
  function pending(yes) {  // the attribute is written when it changes, not on every key
    if (pendingShown === yes) return;
    pendingShown = yes;
    form.setAttribute('data-draft-pending', yes ? 'yes' : 'no');
  }
  function saveSoon(name) {
    if (name) typedIn[name] = true;
    pending(true);
    if (saveTimer) clearTimeout(saveTimer);
    saveTimer = setTimeout(function () {
      saveTimer = null;
      if (idleHandle === null && window.requestIdleCallback) {
        idleHandle = requestIdleCallback(function () { idleHandle = null; saveDraft(true); }, { timeout: 1000 });
      } else if (idleHandle === null) saveDraft(true);
    }, 300);
  }

  /* typed: only the names in typedIn changed since the last save (else the whole form is read). */
  function saveDraft(typed) {
    if (saveTimer) { clearTimeout(saveTimer); saveTimer = null; }
    if (idleHandle !== null) { cancelIdleCallback(idleHandle); idleHandle = null; }
    if (typed === true && current) Object.keys(typedIn).forEach(function (name) { readField(current, name); });
    else current = readForm();
    typedIn = {};
    var values = current;
    var savedAt = Date.now();
    savesInFlight += 1;
    pending(true);
    saving = saving.then(function () {
      return core.knownRevision(ctx.uuid);
    }).then(function (known) {
      return core.put('drafts', {
        uuid: ctx.uuid, user: ctx.user, visit_id: ctx.visitId, values: values,
        base: Math.max(ctx.serverRevision, known || 0), saved_at: savedAt
      });
    }).then(function () {
      form.setAttribute('data-draft-saved', String(savedAt));
      showSaved(savedAt);
    }).catch(function (error) {
      warn('draft not saved', error);
      message(t('Could not save on this phone: %(error)s', { error: error && error.message }));
    }).then(function () {
      savesInFlight -= 1;
      if (!savesInFlight && !saveTimer && idleHandle === null) pending(false);
    });
    return saving;
  }

  function restoreDraft() {
    return core.get('drafts', ctx.uuid).then(function (draft) {
      if (!draft || draft.user !== ctx.user || !draft.values) return false;
      if (draft.base < ctx.serverRevision) {
        // the server has a newer revision than this draft knew: the server's answers win
        return core.del('drafts', ctx.uuid).then(function () { return false; });
      }
      writeForm(draft.values);
      showSaved(draft.saved_at);
      return true;
    }).then(function (restored) {
      form.setAttribute('data-draft-restored', restored ? 'yes' : 'no');
      if (restored) message(t('Your answers saved on this phone were put back into the form.'));
      return restored;
    });
  }

  // --- evidence files --------------------------------------------------------------------------
  var newUuid = util.uuid;

  /* Make a file item hold exactly `ids`: attachments the page shows but the draft dropped are
   * taken out (as the page's own "remove" box does), ones the page lacks are added. */
  function setFileIds(item, code, ids) {
    var present = {};
    Array.prototype.forEach.call(item.querySelectorAll('input[type="hidden"]'), function (input) {
      if (input.name !== code) return;
      var keep = ids.indexOf(input.value) >= 0;
      present[input.value] = true;
      input.disabled = !keep;
      var row = input.closest('.file');
      var box = row && row.querySelector('.remove input[type="checkbox"]');
      if (box) box.checked = !keep;
    });
    ids.forEach(function (id) { if (!present[id]) addLocalFile(item, code, id, null); });
  }

  /* A row for a file of this draft that the server's page does not show yet: its name, a
   * thumbnail (from the server once uploaded, else from the copy kept on this phone), its state
   * and a "remove" box, as the server's own rows have. */
  function addLocalFile(item, code, id, filename) {
    var list = item.querySelector('.files');
    if (!list) {
      list = document.createElement('ul');
      list.className = 'files';
      item.appendChild(list);
    }
    var row = document.createElement('li');
    row.className = 'file offline-file';
    row.setAttribute('data-uuid', id);
    var input = document.createElement('input');
    input.type = 'hidden';
    input.name = code;
    input.value = id;
    var thumb = document.createElement('span');
    thumb.className = 'thumb pending';
    thumb.textContent = '…';
    var name = document.createElement('span');
    name.className = 'file-name';
    var state = document.createElement('span');
    state.className = 'file-state small muted';
    var remove = document.createElement('label');
    var box = document.createElement('input');
    remove.className = 'remove';
    box.type = 'checkbox'; box.name = 'remove.' + code; box.value = id;
    remove.appendChild(box);
    remove.appendChild(document.createTextNode(' ' + (form.getAttribute('data-msg-remove') || '')));
    row.appendChild(input);
    row.appendChild(thumb);
    row.appendChild(name);
    row.appendChild(state);
    row.appendChild(remove);
    list.appendChild(row);
    var describe = function (file) {
      name.textContent = (file && file.filename) || filename || '…';
      var uploaded = !!(file && file.uploaded);
      row.setAttribute('data-state', uploaded ? 'uploaded' : 'local');
      state.textContent = uploaded ? t('uploaded') : t('kept on this phone until it is sent');
      var type = (file && file.type) || '';
      var src = file && (file.url || (file.blob && window.URL ? URL.createObjectURL(file.blob) : null));
      if (type.indexOf('image/') === 0 && src) {
        var img = document.createElement('img');
        img.className = 'thumb'; img.alt = ''; img.width = 64; img.height = 64; img.src = src;
        row.replaceChild(img, thumb);
        thumb = img;
      } else if (type === 'application/pdf') {
        thumb.className = 'thumb pdf'; thumb.textContent = 'PDF';
      }
    };
    describe(null);
    core.get('files', id).then(function (file) { if (file) describe(file); }, function (error) { warn('no stored file ' + id, error); });
    input.dispatchEvent(new Event('change', { bubbles: true }));
  }

  function keepFile(item, code, id, file) {
    return core.saveFile({ uuid: id, user: ctx.user, visit_id: ctx.visitId, item_code: code,
                           filename: file.name, type: file.type, blob: file, uploaded: false, saved_at: Date.now() })
      .then(function () { addLocalFile(item, code, id, file.name); return saveDraft(); })
      .catch(function (error) { warn('file not kept', error); message(t('Could not save on this phone: %(error)s', { error: error && error.message })); });
  }

  /* The page's own script (checklist.js) uploads a chosen file at once and tells us with
   * "checklist:upload-failed" when it could not: we keep that file here until the outbox
   * sends it. Without that script, files chosen are kept here directly. */
  function wireFiles() {
    form.addEventListener('checklist:uploaded', function (event) {
      var detail = event.detail || {};
      var body = detail.file || {};
      if (!body.uuid) return;
      core.put('files', { uuid: String(body.uuid).toLowerCase(), user: ctx.user, visit_id: ctx.visitId, item_code: detail.itemCode,
                          filename: body.filename, type: body.mime, url: body.url, uploaded: true, saved_at: Date.now() })
        .catch(function (error) { warn('file not noted (only its looks after a reload depend on it)', error); });
    });
    form.addEventListener('checklist:upload-failed', function (event) {
      var detail = event.detail || {};
      var item = form.querySelector('.item[data-type="file"][data-code="' + detail.itemCode + '"]');
      if (!item || !detail.file) return;
      keepFile(item, detail.itemCode, (detail.uuid || newUuid()).toLowerCase(), detail.file);
    });
    if (form.hasAttribute('data-upload-url')) return;
    form.addEventListener('change', function (event) {
      var input = event.target;
      if (!input || input.type !== 'file' || !input.files || !input.files.length) return;
      var item = input.closest('.item[data-type="file"][data-code]');
      if (!item) return;
      var code = item.getAttribute('data-code');
      var chosen = Array.prototype.slice.call(input.files);
      input.value = '';
      chosen.reduce(function (chain, file) {
        return chain.then(function () { return keepFile(item, code, newUuid(), file); });
      }, Promise.resolve());
    });
  }

  // --- submitting ---------------------------------------------------------------------------
  function clearErrors() {
    Array.prototype.forEach.call(form.querySelectorAll('.item.has-error[data-sync-error]'), function (item) {
      if (page) page.clearMarks(item);
      else { item.classList.remove('has-error'); item.removeAttribute('data-sync-error'); }
    });
    Array.prototype.forEach.call(form.querySelectorAll('.sync-error'), function (node) { node.remove(); });
  }

  /* The server's reasons next to the answers, their sections opened; returns the first item. */
  function showErrors(errors) {
    clearErrors();
    var first = null;
    var count = 0;
    (errors || []).forEach(function (error) {
      var code = error.code || String(error.field || '').split('.')[0];
      var item = code && form.querySelector('.item[data-code="' + code + '"]');
      if (!item) return;
      var note = document.createElement('p');
      note.className = 'error sync-error';
      note.textContent = error.message;
      item.insertBefore(note, item.querySelector('.extras'));
      if (!item.hasAttribute('data-sync-error')) count += 1;
      item.classList.add('has-error');
      item.setAttribute('data-sync-error', 'yes');
      var section = item.closest('details');
      if (section) section.open = true;
      if (!first) first = item;
    });
    return { first: first, count: count || (errors || []).length };
  }

  function refused(entry) {
    var shown = showErrors(entry.errors);
    say('refused', formMsg('refused', { count: shown.count }), shown.first);
  }

  function afterDrain(result) {
    return core.get('outbox', ctx.uuid).then(function (entry) {
      if (entry && entry.status === 'rejected') {
        refused(entry);
      } else if (!entry) {
        return core.knownRevision(ctx.uuid).then(function (revision) {
          if (form.getAttribute('data-sync-state') !== 'queued' && revision <= ctx.serverRevision) return;
          clearErrors();
          if (revision > ctx.serverRevision) {
            ctx.serverRevision = revision;
            form.setAttribute('data-revision', String(revision));
          }
          form.setAttribute('data-sync-state', 'sent');
          say('sent', formMsg('sent', { revision: revision }));
        });
      } else if (result && result.status === 'auth') {
        say('queued', t('Your session has ended. Your work is kept on this phone; log in again to send it.'));
      } else {
        say('queued', formMsg('queued'));
      }
    });
  }

  /* The phone's storage failed (full, or blocked): send the form the plain way instead. */
  function postPlainly(state) {
    var action = document.createElement('input');
    action.type = 'hidden';
    action.name = 'action';
    action.value = state === 'draft' ? 'draft' : 'submit';
    form.appendChild(action);
    HTMLFormElement.prototype.submit.call(form);
  }

  function submit(state) {
    var converted = toAnswers(readForm());
    var queued = false;
    return saving.then(function () {
      return core.queue({
        uuid: ctx.uuid, user: ctx.user, visit_id: ctx.visitId, template: ctx.template,
        answers: converted.answers, notes: converted.notes, state: state, files: converted.files,
        serverRevision: ctx.serverRevision, title: pageTitle(), url: location.pathname
      });
    }).then(function (entry) {
      queued = true;
      form.setAttribute('data-sync-state', 'queued');
      form.setAttribute('data-queued-revision', String(entry.revision));
      say('queued', formMsg('queued'));
      return saveDraft();
    }).then(function () {
      var panel = sync();
      if (!panel) return null;
      panel.requestBackgroundSync();
      return navigator.onLine ? panel.drainNow() : panel.refresh();
    }).then(afterDrain).catch(function (error) {
      warn('not queued', error);
      message(t('Could not save on this phone: %(error)s', { error: error && error.message }));
      if (!queued && navigator.onLine) postPlainly(state);
    });
  }

  form.addEventListener('submit', function (event) {
    var button = event.submitter;
    if (button && button.name && button.name !== 'action') return; // another form action: post it
    var action = button && button.name === 'action' ? button.value : 'submit';
    if (action !== 'draft' && action !== 'submit') return;
    event.preventDefault();
    submit(action === 'draft' ? 'draft' : 'submitted');
  });

  form.addEventListener('input', function (event) { saveSoon(event.target && event.target.name); });
  form.addEventListener('change', function (event) {
    if (restoring) return;
    var target = event.target;
    if (!target || target.type === 'file') return;
    // a choice or a finished text: that field is read again; anything about files (their hidden
    // ids, the "remove" boxes that disable them) reads the whole form
    if (target.name && target.type !== 'hidden' && !target.closest('.item[data-type="file"]')) {
      typedIn[target.name] = true;
      saveDraft(true);
    } else saveDraft();
  });
  wireFiles();

  if (core.onChange) {
    core.onChange(function (detail) {
      if (detail && (detail.type === 'drained' || detail.type === 'auth')) afterDrain(null);
    });
  }

  // leaving the page (or the phone locking it) saves what was typed in the last moment
  document.addEventListener('visibilitychange', function () {
    if (document.visibilityState === 'hidden' && (saveTimer || idleHandle !== null)) saveDraft(true);
  });

  restoreDraft().then(function () {
    return core.get('outbox', ctx.uuid);
  }).then(function (entry) {
    if (entry && entry.status === 'rejected') refused(entry);
    form.setAttribute('data-offline-ready', 'yes');
  }).catch(function (error) { warn('storage unavailable: the form still posts', error); });
})();
