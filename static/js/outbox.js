/*
 * The outbox core, window.InspectionsOffline (self.InspectionsOffline in the service worker,
 * which loads it with importScripts: sw.js). No page, no DOM.
 *
 * An IndexedDB database "inspections-offline" with four stores
 *   drafts  {uuid, user, visit_id, values, base, saved_at}     form state of a checklist
 *   outbox  {uuid, user, visit_id, template, revision, answers, notes, state,
 *            client_saved_at, queued_at, status: pending|rejected, errors, reason, files}
 *   files   {uuid, user, visit_id, item_code, filename, type, blob, uploaded}
 *   meta    {key, ...}   last success, sent list, revision counters, backoff, session state
 * and drain(): fetch the session (user + fresh CSRF token), upload the files an entry refers
 * to, post the entries in batches to /api/v1/submissions, delete an entry only after
 * created/updated/unchanged/stale, keep rejected ones with the server's reasons, keep
 * everything on 401 and remember that the user must log in again. The database, its stores and
 * the record shapes are what phones already hold: entries queued by any earlier version drain.
 *
 * Changes are told to onChange() listeners here, in other tabs and in the worker
 * (BroadcastChannel "inspections-sync").
 */

(function (global) {
  'use strict';

  var DB_NAME = 'inspections-offline';
  var DB_VERSION = 1;
  var CHANNEL = 'inspections-sync';
  var LOCK = 'inspections-outbox';
  var BASE_DELAY = 2000;
  var MAX_DELAY = 5 * 60 * 1000;
  var DEFAULT_BATCH = 20;
  var SENT_KEPT = 30;
  // the API this module talks to (the bootstrap does not hand these out: they are the API itself)
  var URLS = { session: '/api/v1/session', submissions: '/api/v1/submissions', attachments: '/api/v1/attachments/' };

  // --- IndexedDB -------------------------------------------------------------------------
  var dbPromise = null;

  function openDb() {
    if (dbPromise) return dbPromise;
    dbPromise = new Promise(function (resolve, reject) {
      var request = global.indexedDB.open(DB_NAME, DB_VERSION);
      request.onupgradeneeded = function () {
        var db = request.result;
        ['drafts', 'outbox', 'files'].forEach(function (name) {
          if (!db.objectStoreNames.contains(name)) db.createObjectStore(name, { keyPath: 'uuid' });
        });
        if (!db.objectStoreNames.contains('meta')) db.createObjectStore('meta', { keyPath: 'key' });
      };
      request.onsuccess = function () {
        var db = request.result;
        db.onversionchange = function () { db.close(); dbPromise = null; };
        resolve(db);
      };
      request.onerror = function () { dbPromise = null; reject(request.error); };
      request.onblocked = function () { reject(new Error('IndexedDB blocked')); };
    });
    return dbPromise;
  }

  function run(storeName, mode, work) {
    return openDb().then(function (db) {
      return new Promise(function (resolve, reject) {
        var tx = db.transaction(storeName, mode);
        var result;
        var request = work(tx.objectStore(storeName));
        if (request) request.onsuccess = function () { result = request.result; };
        tx.oncomplete = function () { resolve(result); };
        tx.onerror = function () { reject(tx.error); };
        tx.onabort = function () { reject(tx.error || new Error('transaction aborted')); };
      });
    });
  }

  function get(store, key) { return run(store, 'readonly', function (s) { return s.get(key); }); }
  function getAll(store) { return run(store, 'readonly', function (s) { return s.getAll(); }); }
  function put(store, value) { return run(store, 'readwrite', function (s) { return s.put(value); }); }
  function del(store, key) { return run(store, 'readwrite', function (s) { return s.delete(key); }); }

  function getMeta(key, fallback) {
    return get('meta', key).then(function (row) { return row ? row.value : fallback; });
  }
  function setMeta(key, value) { return put('meta', { key: key, value: value }); }

  // --- change notices between tabs and the worker ----------------------------------------
  var channel = typeof BroadcastChannel !== 'undefined' ? new BroadcastChannel(CHANNEL) : null;
  var listeners = [];

  function onChange(listener) { listeners.push(listener); }
  function changed(detail) {
    tell(listeners, detail || {});
    if (channel) channel.postMessage(detail || {});
  }
  function tell(list, detail) {
    list.forEach(function (listener) {
      try { listener(detail); } catch (error) { warn('a listener failed', error); }  // the others still hear it
    });
  }
  if (channel) {
    channel.onmessage = function (event) { tell(listeners, event.data || {}); };
  }

  /* Told (in this tab or worker only) when the server took an entry: the page cache refreshes
   * the stored copy of its page (pagecache.js). */
  var acceptedListeners = [];
  function onAccepted(listener) { acceptedListeners.push(listener); }

  function warn(what, error) {
    if (global.console && global.console.warn) global.console.warn('inspections outbox: ' + what, error);
  }

  // --- revisions ---------------------------------------------------------------------------
  function knownRevision(uuid) { return getMeta('rev:' + uuid, 0); }
  function noteRevision(uuid, revision) {
    return knownRevision(uuid).then(function (known) {
      if (revision > known) return setMeta('rev:' + uuid, revision);
    });
  }

  // --- queueing ----------------------------------------------------------------------------
  function sameContent(a, b) {
    return a && b && a.state === b.state && JSON.stringify(a.answers) === JSON.stringify(b.answers) &&
      JSON.stringify(a.notes) === JSON.stringify(b.notes);
  }

  /* Put a submission in the outbox. `record` has uuid, user, visit_id, template, answers,
   * notes, state, files, title, url and serverRevision (what the page showed). The revision
   * is one more than anything this phone or the server had; resubmitting unchanged content
   * while the previous entry still waits keeps that entry as it is. */
  function queue(record) {
    return Promise.all([get('outbox', record.uuid), knownRevision(record.uuid)]).then(function (found) {
      var waiting = found[0];
      if (waiting && waiting.status === 'pending' && sameContent(waiting, record)) return waiting;
      var revision = Math.max(record.serverRevision || 0, found[1] || 0) + 1;
      var entry = {
        uuid: record.uuid, user: record.user, visit_id: record.visit_id, template: record.template,
        revision: revision, answers: record.answers, notes: record.notes || {}, state: record.state,
        client_saved_at: new Date().toISOString(), queued_at: Date.now(), status: 'pending',
        errors: [], reason: null, files: record.files || [], title: record.title || '', url: record.url || ''
      };
      return put('outbox', entry)
        .then(function () { return noteRevision(record.uuid, revision); })
        .then(function () { return setMeta('backoff', { attempts: 0, next: 0 }); })
        .then(function () { changed({ type: 'queued', uuid: entry.uuid }); return entry; });
    });
  }

  function saveFile(file) { return put('files', file).then(function () { changed({ type: 'file' }); }); }

  // --- draining ----------------------------------------------------------------------------
  function fetchJson(url, options) {
    options = options || {};
    options.credentials = 'same-origin';
    options.cache = 'no-store';
    options.headers = options.headers || {};
    options.headers.Accept = 'application/json';
    return fetch(url, options).then(function (response) {
      return response.text().then(function (text) {
        var body = null;
        try { body = text ? JSON.parse(text) : null; } catch (error) { body = null; warn('not JSON from ' + url, error); }
        return { status: response.status, ok: response.ok, body: body };
      });
    });
  }

  function backoffDelay(attempts) {
    var delay = Math.min(MAX_DELAY, BASE_DELAY * Math.pow(2, Math.max(0, attempts - 1)));
    return Math.round(delay * (0.8 + Math.random() * 0.4));
  }

  function failed(kind, status) {
    return getMeta('backoff', { attempts: 0 }).then(function (backoff) {
      var attempts = (backoff.attempts || 0) + 1;
      var delay = backoffDelay(attempts);
      return setMeta('backoff', { attempts: attempts, next: Date.now() + delay, kind: kind, status: status || null })
        .then(function () {
          changed({ type: 'failed' });
          return { status: kind, httpStatus: status || null, retryIn: delay };
        });
    });
  }

  function reject(entry, reason, errors) {
    entry.status = 'rejected';
    entry.reason = reason;
    entry.errors = errors || [];
    entry.rejected_at = Date.now();
    return put('outbox', entry);
  }

  function accepted(entry, result) {
    return getMeta('sent', []).then(function (sent) {
      sent.unshift({ uuid: entry.uuid, user: entry.user, revision: entry.revision, status: result.status,
                     server_revision: result.server_revision, late: !!result.late, title: entry.title,
                     state: entry.state, at: Date.now() });
      return setMeta('sent', sent.slice(0, SENT_KEPT));
    }).then(function () {
      return noteRevision(entry.uuid, result.server_revision || entry.revision);
    }).then(function () {
      return get('outbox', entry.uuid);
    }).then(function (current) {
      // a newer revision queued while this one was on the way stays in the outbox
      if (current && current.revision === entry.revision) return del('outbox', entry.uuid);
    }).then(function () {
      tell(acceptedListeners, entry);
      return Promise.all((entry.files || []).map(function (uuid) {
        return get('files', uuid).then(function (file) { if (file && file.uploaded) return del('files', uuid); });
      }));
    });
  }

  function uploadFiles(entry, token) {
    var chain = Promise.resolve({ ok: true });
    (entry.files || []).forEach(function (uuid) {
      chain = chain.then(function (previous) {
        if (!previous.ok) return previous;
        return get('files', uuid).then(function (file) {
          if (!file || file.uploaded) return { ok: true };
          var query = '?visit_id=' + encodeURIComponent(file.visit_id) +
            '&item_code=' + encodeURIComponent(file.item_code || '') +
            '&filename=' + encodeURIComponent(file.filename || '');
          return fetchJson(URLS.attachments + uuid + query, {
            method: 'PUT', body: file.blob,
            headers: { 'X-CSRFToken': token, 'Content-Type': file.type || 'application/octet-stream' }
          }).then(function (response) {
            if (response.status === 200 || response.status === 201) {
              file.uploaded = true;
              return put('files', file).then(function () { return { ok: true }; });
            }
            if (response.status === 401) return { ok: false, kind: 'auth' };
            if (response.status >= 500 || response.status === 429) return { ok: false, kind: 'server', status: response.status };
            var body = response.body || {};  // the one error shape: {error, message, fields: [{item, field, message}]}
            var at = (Array.isArray(body.fields) && body.fields[0]) || {};
            return { ok: false, kind: 'rejected', errors: [{ code: at.item || file.item_code || '', field: file.item_code || at.field || '',
                                                            message: (file.filename ? file.filename + ': ' : '') + (body.message || response.status) }] };
          });
        });
      });
    });
    return chain;
  }

  function postBatch(entries, token, size) {
    var payload = entries.map(function (e) {
      return { uuid: e.uuid, visit_id: e.visit_id, template: e.template, revision: e.revision, answers: e.answers,
               notes: e.notes, state: e.state, client_saved_at: e.client_saved_at };
    });
    return fetchJson(URLS.submissions, {
      method: 'POST', body: JSON.stringify({ submissions: payload }),
      headers: { 'Content-Type': 'application/json', 'X-CSRFToken': token }
    });
  }

  function handleResults(entries, results) {
    var work = entries.map(function (entry, index) {
      var result = results[index] || {};
      if (['created', 'updated', 'unchanged', 'stale'].indexOf(result.status) >= 0) return accepted(entry, result);
      if (result.status === 'rejected' && result.reason === 'error') return Promise.resolve(); // transient: sent again
      if (result.status === 'rejected') {
        var chain = reject(entry, result.reason || 'invalid', result.errors || []);
        if (result.server_revision) chain = chain.then(function () { return noteRevision(entry.uuid, result.server_revision); });
        return chain;
      }
      return Promise.resolve();
    });
    return Promise.all(work);
  }

  function doDrain() {
    return getAll('outbox').then(function (all) {
      var waiting = all.filter(function (e) { return e.status === 'pending'; })
        .sort(function (a, b) { return a.queued_at - b.queued_at; });
      if (!waiting.length) {
        // nothing to send; still notice a log-in that ended an earlier "log in again"
        return getMeta('session', {}).then(function (session) {
          if (!session.loginRequired) return { status: 'empty' };
          return fetchJson(URLS.session).then(function (response) {
            if (response.ok) return setMeta('session', { loginRequired: false, at: Date.now() }).then(function () { changed({ type: 'auth' }); });
          }, function (error) { warn('session check failed', error); }).then(function () { return { status: 'empty' }; });
        });
      }
      changed({ type: 'sending' });
      return fetchJson(URLS.session).then(function (session) {
        if (session.status === 401) {
          return setMeta('session', { loginRequired: true, at: Date.now() }).then(function () {
            changed({ type: 'auth' });
            return { status: 'auth' };
          });
        }
        if (!session.ok || !session.body || !session.body.user) return failed('server', session.status);
        var user = session.body.user.username;
        var token = session.body.csrf_token;
        var mine = waiting.filter(function (e) { return e.user === user; });
        return setMeta('session', { loginRequired: false, user: user, at: Date.now() })
          .then(function () { return getMeta('limits', {}); })
          .then(function (limits) { return sendAll(mine, token, Math.min(limits.max_batch || DEFAULT_BATCH, DEFAULT_BATCH)); });
      }, function () { return failed('network'); });
    });
  }

  function sendAll(entries, token, batchSize) {
    var outcome = { status: 'done', sent: 0, rejected: 0 };
    var ready = [];
    var chain = Promise.resolve();
    // files first, entry by entry: an entry goes out only once all its files are on the server
    entries.forEach(function (entry) {
      chain = chain.then(function () {
        if (outcome.status !== 'done') return;
        return uploadFiles(entry, token).then(function (upload) {
          if (upload.ok) { ready.push(entry); return; }
          if (upload.kind === 'rejected') { outcome.rejected += 1; return reject(entry, 'attachment', upload.errors); }
          outcome.status = upload.kind;
          outcome.httpStatus = upload.status;
        });
      });
    });
    return chain.then(function () {
      var batches = [];
      for (var i = 0; i < ready.length; i += batchSize) batches.push(ready.slice(i, i + batchSize));
      var sending = Promise.resolve();
      batches.forEach(function (batch) {
        sending = sending.then(function () {
          if (outcome.status !== 'done') return;
          return sendBatch(batch, token).then(function (result) {
            outcome.sent += result.sent || 0;
            outcome.rejected += result.rejected || 0;
            if (result.status !== 'done') { outcome.status = result.status; outcome.httpStatus = result.httpStatus; }
          });
        });
      });
      return sending;
    }).then(function () {
      return outcome.sent ? setMeta('lastSuccess', Date.now()) : null;
    }).then(function () {
      if (outcome.status === 'auth') {
        return setMeta('session', { loginRequired: true, at: Date.now() }).then(function () {
          changed({ type: 'auth' }); return outcome;
        });
      }
      if (outcome.status !== 'done') return failed(outcome.status, outcome.httpStatus);
      return setMeta('backoff', { attempts: 0, next: 0 })
        .then(function () { changed({ type: 'drained', sent: outcome.sent, rejected: outcome.rejected }); return outcome; });
    });
  }

  function sendBatch(batch, token) {
    return postBatch(batch, token).then(function (response) {
      if (response.status === 200 && response.body && Array.isArray(response.body.results)) {
        var results = response.body.results;
        return handleResults(batch, results).then(function () {
          var transient = results.filter(function (r) { return r.status === 'rejected' && r.reason === 'error'; }).length;
          var rejected = results.filter(function (r) { return r.status === 'rejected'; }).length - transient;
          // an item the server could not store just now stays pending: retry with backoff
          if (transient) return { status: 'server', httpStatus: 200, sent: batch.length - rejected - transient, rejected: rejected };
          return { status: 'done', sent: batch.length - rejected, rejected: rejected };
        });
      }
      if (response.status === 401) return { status: 'auth' };
      if (response.status === 413 && batch.length > 1) {
        var half = Math.ceil(batch.length / 2);
        return sendBatch(batch.slice(0, half), token).then(function (first) {
          if (first.status !== 'done') return first;
          return sendBatch(batch.slice(half), token).then(function (second) {
            if (second.status !== 'done') return second;
            return { status: 'done', sent: first.sent + second.sent, rejected: first.rejected + second.rejected };
          });
        });
      }
      if (response.status === 413 || (response.status === 400 && response.body && response.body.error !== 'bad_request')) {
        var message = (response.body && response.body.message) || String(response.status);
        return Promise.all(batch.map(function (entry) {
          return reject(entry, 'too_large', [{ code: '', field: '', message: message }]);
        })).then(function () { return { status: 'done', sent: 0, rejected: batch.length }; });
      }
      return { status: 'server', httpStatus: response.status };
    }, function () { return { status: 'network' }; });
  }

  /* Send what waits in the outbox. One drain at a time across tabs and the worker. */
  function drain() {
    if (global.navigator && global.navigator.locks && global.navigator.locks.request) {
      return global.navigator.locks.request(LOCK, { ifAvailable: true }, function (lock) {
        return lock ? doDrain() : { status: 'busy' };
      });
    }
    return doDrain();
  }

  function summary(user) {
    return Promise.all([getAll('outbox'), getAll('files'), getMeta('sent', []), getMeta('lastSuccess', null),
                        getMeta('session', {}), getMeta('backoff', {}), getMeta('offline', null)])
      .then(function (r) {
        var mine = function (row) { return !user || row.user === user; };
        var outbox = r[0];
        return {
          pending: outbox.filter(function (e) { return e.status === 'pending' && mine(e); }),
          rejected: outbox.filter(function (e) { return e.status === 'rejected' && mine(e); }),
          others: outbox.filter(function (e) { return user && e.user !== user; }),
          files: r[1].filter(function (f) { return !f.uploaded && mine(f); }),
          sent: r[2].filter(mine),
          lastSuccess: r[3],
          loginRequired: !!(r[4] && r[4].loginRequired),
          backoff: r[5] || {},
          offline: r[6]
        };
      });
  }

  function blobToBase64(blob) {
    return new Promise(function (resolve, reject) {
      var reader = new FileReader();
      reader.onload = function () { resolve(String(reader.result).split(',')[1] || ''); };
      reader.onerror = function () { reject(reader.error); };
      reader.readAsDataURL(blob);
    });
  }

  /* The outbox of one user as a JSON text for "Save unsent work to a file". */
  function exportOutbox(user) {
    return Promise.all([getAll('outbox'), getAll('files')]).then(function (r) {
      var entries = r[0].filter(function (e) { return e.user === user; });
      var wanted = {};
      entries.forEach(function (e) { (e.files || []).forEach(function (uuid) { wanted[uuid] = true; }); });
      var files = r[1].filter(function (f) { return wanted[f.uuid] && f.blob; });
      return Promise.all(files.map(function (f) {
        return blobToBase64(f.blob).then(function (data) {
          return { uuid: f.uuid, visit_id: f.visit_id, item_code: f.item_code, filename: f.filename, type: f.type, data: data };
        });
      })).then(function (attachments) {
        return {
          entries: entries.length,
          text: JSON.stringify({
            format: 'inspections-outbox', version: 1, exported_at: new Date().toISOString(),
            origin: global.location ? global.location.origin : '', user: { username: user },
            submissions: entries.map(function (e) {
              return { uuid: e.uuid, visit_id: e.visit_id, template: e.template, revision: e.revision,
                       answers: e.answers, notes: e.notes, state: e.state, client_saved_at: e.client_saved_at,
                       title: e.title, status: e.status, errors: e.errors };
            }),
            attachments: attachments
          }, null, 1)
        };
      });
    });
  }


  var core = {
    openDb: openDb, get: get, getAll: getAll, put: put, del: del, getMeta: getMeta, setMeta: setMeta,
    queue: queue, saveFile: saveFile, drain: drain, summary: summary, exportOutbox: exportOutbox,
    knownRevision: knownRevision, noteRevision: noteRevision, onChange: onChange, changed: changed,
    onAccepted: onAccepted, backoffDelay: backoffDelay, fetchJson: fetchJson, warn: warn, URLS: URLS
  };
  global.InspectionsOffline = core;
})(typeof self !== 'undefined' ? self : this);
