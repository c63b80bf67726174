/*
 * Loaded on every page, and by the service worker (importScripts) for Background Sync.
 *
 * 1. The offline core, window.InspectionsOffline (also self.InspectionsOffline in the worker):
 *    an IndexedDB database "inspections-offline" with four stores
 *      drafts  {uuid, user, visit_id, values, base, saved_at}     form state of a checklist
 *      outbox  {uuid, user, visit_id, template, revision, answers, notes, state,
 *               client_saved_at, queued_at, status: pending|rejected, errors, reason, files}
 *      files   {uuid, user, visit_id, item_code, filename, type, blob, uploaded}
 *      meta    {key, ...}   last success, sent list, revision counters, backoff, session state
 *    and drain(): fetch the session (user + fresh CSRF token), upload the files an entry refers
 *    to, post the entries in batches to /api/v1/submissions, delete an entry only after
 *    created/updated/unchanged/stale, keep rejected ones with the server's reasons, keep
 *    everything on 401 and remember that the user must log in again.
 * 2. On pages: register the service worker, show the sync indicator in the top bar and the
 *    sync panel (#sync-panel) where a page has one, drain on load / online / the button /
 *    with exponential backoff, and cache the pages of the user's visits for offline use.
 */
(function (global) {
  'use strict';

  var DB_NAME = 'inspections-offline';
  var DB_VERSION = 1;
  var PAGES_CACHE = 'inspections-pages';
  var CHANNEL = 'inspections-sync';
  var LOCK = 'inspections-outbox';
  var BASE_DELAY = 2000;
  var MAX_DELAY = 5 * 60 * 1000;
  var DEFAULT_BATCH = 20;
  var SENT_KEPT = 30;
  var inWindow = typeof document !== 'undefined';

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
    listeners.forEach(function (listener) { try { listener(detail || {}); } catch (e) { /* keep going */ } });
    if (channel) channel.postMessage(detail || {});
  }
  if (channel) {
    channel.onmessage = function (event) {
      listeners.forEach(function (listener) { try { listener(event.data || {}); } catch (e) { /* keep going */ } });
    };
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
        try { body = text ? JSON.parse(text) : null; } catch (e) { body = null; }
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

  /* After a checklist is on the server, the stored copy of its page is fetched again, so that
   * opening it offline later shows the server's answers and revision. Best effort. */
  function refreshStoredPage(url) {
    if (!url || !global.caches) return;
    fetch(url, { credentials: 'same-origin', cache: 'no-store' }).then(function (page) {
      if (page.ok && !page.redirected) return global.caches.open(PAGES_CACHE).then(function (cache) { return cache.put(url, page); });
    }).catch(function () { /* the old copy stays */ });
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
      refreshStoredPage(entry.url);
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
          return fetchJson('/api/v1/attachments/' + uuid + query, {
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
    return fetchJson('/api/v1/submissions', {
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
          return fetchJson('/api/v1/session').then(function (response) {
            if (response.ok) return setMeta('session', { loginRequired: false, at: Date.now() }).then(function () { changed({ type: 'auth' }); });
          }, function () {}).then(function () { return { status: 'empty' }; });
        });
      }
      changed({ type: 'sending' });
      return fetchJson('/api/v1/session').then(function (session) {
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

  /* Cache every page and the data the user's assigned visits need (GET /api/v1/bootstrap). */
  function makeAvailableOffline() {
    if (!global.caches) return Promise.resolve({ status: 'unsupported' });
    return fetch('/api/v1/bootstrap', { credentials: 'same-origin', cache: 'no-store' }).then(function (response) {
      if (response.status === 401) {
        return setMeta('session', { loginRequired: true, at: Date.now() }).then(function () {
          changed({ type: 'auth' }); return { status: 'auth' };
        });
      }
      if (!response.ok) return { status: 'server', httpStatus: response.status };
      return response.clone().json().then(function (data) {
        var user = data.user.username;
        return getMeta('offline', null).then(function (previous) {
          // another user's pages never stay on the phone
          return previous && previous.user !== user ? global.caches.delete(PAGES_CACHE) : null;
        }).then(function () {
          return global.caches.open(PAGES_CACHE);
        }).then(function (cache) {
          var urls = data.offline_urls || [];
          var saved = 0;
          var failures = [];
          var chain = Promise.resolve();
          urls.forEach(function (url) {
            chain = chain.then(function () {
              if (url.split('?')[0] === '/api/v1/bootstrap') return cache.put(url, response).then(function () { saved += 1; });
              return fetch(url, { credentials: 'same-origin', cache: 'no-store' }).then(function (page) {
                if (page.ok && !page.redirected) return cache.put(url, page).then(function () { saved += 1; });
                failures.push(url);
              }, function () { failures.push(url); });
            });
          });
          return chain.then(function () { return cache.keys(); }).then(function (keys) {
            // checklists of visits no longer assigned are dropped
            return Promise.all(keys.map(function (request) {
              var path = new URL(request.url).pathname;
              if (/^\/visits\/\d+\//.test(path) && urls.indexOf(path) < 0) return cache.delete(request);
            }));
          }).then(function () {
            var info = { user: user, at: Date.now(), saved: saved, failed: failures, visits: (data.visits || []).length };
            return Promise.all([setMeta('offline', info), setMeta('limits', data.limits || {}),
                                setMeta('session', { loginRequired: false, user: user, at: Date.now() })])
              .then(function () { changed({ type: 'offline-ready' }); return { status: 'done', saved: saved, failed: failures }; });
          });
        });
      });
    }, function () { return { status: 'network' }; });
  }

  function forgetPages() {
    return Promise.all([global.caches ? global.caches.delete(PAGES_CACHE) : null, setMeta('offline', null)]);
  }

  var core = {
    openDb: openDb, get: get, getAll: getAll, put: put, del: del, getMeta: getMeta, setMeta: setMeta,
    queue: queue, saveFile: saveFile, drain: drain, summary: summary, exportOutbox: exportOutbox,
    knownRevision: knownRevision, noteRevision: noteRevision, onChange: onChange, changed: changed,
    makeAvailableOffline: makeAvailableOffline, forgetPages: forgetPages, backoffDelay: backoffDelay,
    PAGES_CACHE: PAGES_CACHE
  };
  global.InspectionsOffline = core;

  if (!inWindow) return; // the service worker needs only the core

  // --- pages -------------------------------------------------------------------------------
  var body = document.body;
  var currentUser = body ? body.getAttribute('data-user') || '' : '';
  var lang = document.documentElement.getAttribute('lang') || 'vi';
  var strings = {};
  var retryTimer = null;

  function t(text, values) {
    var out = strings[text] || text;
    Object.keys(values || {}).forEach(function (name) {
      out = out.split('%(' + name + ')s').join(String(values[name]));
    });
    return out;
  }
  core.t = t;

  function loadStrings() {
    return fetch('/sync/strings.json?lang=' + encodeURIComponent(lang), { credentials: 'same-origin' })
      .then(function (r) { return r.ok ? r.json() : { strings: {} }; })
      .then(function (data) { strings = data.strings || {}; }, function () { strings = {}; });
  }

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = text;
    return node;
  }

  function timeText(ms) {
    if (!ms) return t('never');
    var date = new Date(ms);
    var pad = function (n) { return (n < 10 ? '0' : '') + n; };
    return pad(date.getHours()) + ':' + pad(date.getMinutes()) + ' ' + pad(date.getDate()) + '/' +
      pad(date.getMonth() + 1) + '/' + date.getFullYear();
  }

  function loginUrl() {
    return '/login?next=' + encodeURIComponent(location.pathname + location.search);
  }

  // The compact indicator in the top bar, on every page.
  var indicator = null;
  function ensureIndicator() {
    if (indicator) return indicator;
    // the page reserves its place (templates/base.html): filling it in moves nothing
    indicator = document.getElementById('sync-indicator');
    if (indicator) return indicator;
    var host = document.querySelector('.topnav') || document.querySelector('.topbar');
    if (!host) return null;
    indicator = el('a', 'badge sync-indicator');
    indicator.id = 'sync-indicator';
    indicator.href = '/sync';
    indicator.setAttribute('aria-live', 'polite');
    host.insertBefore(indicator, host.firstChild);
    return indicator;
  }

  function renderIndicator(state) {
    var node = ensureIndicator();
    if (!node) return;
    var parts = [navigator.onLine ? t('Online') : t('Offline')];
    if (state.pending.length) parts.push(t('%(count)s waiting to send', { count: state.pending.length }));
    if (state.rejected.length) parts.push(t('%(count)s rejected', { count: state.rejected.length }));
    if (state.loginRequired && (state.pending.length || state.rejected.length)) parts.push(t('log in again'));
    node.textContent = parts.join(' · ');
    node.title = node.textContent;
    node.className = 'badge sync-indicator ' + (state.rejected.length || state.loginRequired ? 'bad'
      : state.pending.length || !navigator.onLine ? 'warn' : 'ok');
    node.setAttribute('data-pending', String(state.pending.length));
    node.setAttribute('data-rejected', String(state.rejected.length));
    node.setAttribute('data-online', navigator.onLine ? 'yes' : 'no');
    if (state.loginRequired) node.href = loginUrl();
    else node.href = '/sync';
  }

  // The panel (templates/sync/_panel.html) on the checklist page and /sync.
  function panelPart(panel, name) { return panel.querySelector('[data-sync="' + name + '"]'); }

  var REASONS = {
    forbidden: 'not assigned to you', conflict: 'conflicts with what the server has', invalid: 'answers not accepted',
    uuid_taken: 'id used by another checklist', template: 'wrong checklist version', attachment: 'a file was refused',
    too_large: 'too large', error: 'server error'
  };
  var RESULTS = { created: 'received', updated: 'updated', unchanged: 'already on the server', stale: 'the server had a newer revision' };

  function describeErrors(list, errors) {
    (errors || []).forEach(function (error) {
      var label = error.field || error.code || '';
      list.appendChild(el('li', null, (label ? label + ': ' : '') + error.message));
    });
  }

  function renderPanel(state) {
    var panel = document.getElementById('sync-panel');
    if (!panel) return;
    var set = function (name, text) { var node = panelPart(panel, name); if (node) node.textContent = text; };
    set('network', navigator.onLine ? t('Online') : t('Offline'));
    var network = panelPart(panel, 'network');
    if (network) network.className = 'badge ' + (navigator.onLine ? 'ok' : 'warn');
    set('pending', String(state.pending.length));
    set('sent', String(state.sent.length));
    set('rejected', String(state.rejected.length));
    set('files', String(state.files.length));
    set('last-success', timeText(state.lastSuccess));
    set('offline-state', state.offline ? t('%(count)s pages saved for offline use at %(time)s.',
      { count: state.offline.saved, time: timeText(state.offline.at) }) : t('Not saved for offline use yet.'));
    panel.setAttribute('data-pending', String(state.pending.length));
    panel.setAttribute('data-rejected', String(state.rejected.length));
    panel.setAttribute('data-offline-ready', state.offline ? 'yes' : 'no');

    var login = panelPart(panel, 'login');
    if (login) {
      login.hidden = !state.loginRequired;
      var link = login.querySelector('a');
      if (link) link.href = loginUrl();
    }
    var others = panelPart(panel, 'others');
    if (others) {
      others.hidden = !state.others.length;
      var users = {};
      state.others.forEach(function (e) { users[e.user] = true; });
      others.textContent = state.others.length ? t('Unsent work of %(users)s is kept on this phone until they log in.',
        { users: Object.keys(users).join(', ') }) : '';
    }
    var pendingList = panelPart(panel, 'pending-list');
    if (pendingList) {
      pendingList.textContent = '';
      state.pending.forEach(function (entry) {
        var item = el('li', 'list-item');
        item.setAttribute('data-uuid', entry.uuid);
        item.appendChild(el('strong', null, entry.title || ('#' + entry.visit_id)));
        item.appendChild(el('span', 'muted', (entry.state === 'draft' ? t('Draft') : t('Submission')) + ' · ' +
          t('revision %(revision)s', { revision: entry.revision }) + ' · ' + timeText(entry.queued_at)));
        pendingList.appendChild(item);
      });
    }
    var rejectedList = panelPart(panel, 'rejected-list');
    if (rejectedList) {
      rejectedList.textContent = '';
      state.rejected.forEach(function (entry) {
        var item = el('li', 'list-item');
        item.setAttribute('data-uuid', entry.uuid);
        var title = el('strong');
        if (entry.url) { var a = el('a', null, entry.title || ('#' + entry.visit_id)); a.href = entry.url; title.appendChild(a); }
        else title.textContent = entry.title || ('#' + entry.visit_id);
        item.appendChild(title);
        item.appendChild(el('span', 'badge bad', t('Rejected') + (entry.reason ? ': ' + t(REASONS[entry.reason] || entry.reason) : '')));
        var reasons = el('ul', 'error');
        describeErrors(reasons, entry.errors);
        item.appendChild(reasons);
        item.appendChild(el('span', 'muted', t('Correct the answers and submit again; this entry stays here until then.')));
        rejectedList.appendChild(item);
      });
    }
    var sentList = panelPart(panel, 'sent-list');
    if (sentList) {
      sentList.textContent = '';
      state.sent.slice(0, 10).forEach(function (row) {
        var item = el('li', 'list-item');
        item.appendChild(el('strong', null, row.title || row.uuid));
        item.appendChild(el('span', 'muted', t('revision %(revision)s', { revision: row.revision }) + ' · ' + t(RESULTS[row.status] || row.status) +
          (row.late ? ' · ' + t('late') : '') + ' · ' + timeText(row.at)));
        sentList.appendChild(item);
      });
    }
  }

  function setMessage(text) {
    var panel = document.getElementById('sync-panel');
    var node = panel && panelPart(panel, 'message');
    if (node) node.textContent = text || '';
  }
  core.setMessage = setMessage;

  function refresh() {
    return summary(currentUser).then(function (state) {
      renderIndicator(state);
      renderPanel(state);
      return state;
    }).catch(function () { /* storage unavailable: nothing to show */ });
  }
  core.refresh = refresh;

  function scheduleRetry(delay) {
    if (retryTimer) clearTimeout(retryTimer);
    retryTimer = setTimeout(function () { retryTimer = null; drainNow(); }, delay);
  }

  function explain(result) {
    if (!result) return '';
    if (result.status === 'auth') return t('Your session has ended. Your work is kept on this phone; log in again to send it.');
    if (result.status === 'network') return t('No connection. Your work is kept on this phone; trying again in %(seconds)s s.', { seconds: Math.round(result.retryIn / 1000) });
    if (result.status === 'server') return t('The server did not answer properly (%(status)s); trying again in %(seconds)s s.', { status: result.httpStatus || '?', seconds: Math.round(result.retryIn / 1000) });
    if (result.status === 'done' && result.rejected) return t('%(sent)s sent, %(rejected)s rejected: see the reasons below.', { sent: result.sent, rejected: result.rejected });
    if (result.status === 'done' && result.sent) return t('All sent.');
    return '';
  }

  /* Drain now, then retry with backoff while something waits. */
  function drainNow() {
    return drain().then(function (result) {
      if (result && result.retryIn) scheduleRetry(result.retryIn);
      if (result && result.status === 'network') requestBackgroundSync();
      var text = explain(result);
      if (text) setMessage(text);
      return refresh().then(function () { return result; });
    }, function (error) {
      setMessage(t('Could not read the storage of this phone: %(error)s', { error: error && error.message }));
      return { status: 'error' };
    });
  }
  core.drainNow = drainNow;

  function requestBackgroundSync() {
    if (!('serviceWorker' in navigator)) return Promise.resolve();
    return navigator.serviceWorker.ready.then(function (registration) {
      if (registration.sync && registration.sync.register) return registration.sync.register('outbox');
    }).catch(function () { /* not supported or not allowed: the page drains itself */ });
  }
  core.requestBackgroundSync = requestBackgroundSync;

  function offlineNow(manual) {
    if (!currentUser || !navigator.onLine) return Promise.resolve({ status: 'skipped' });
    if (manual) setMessage(t('Saving your visits on this phone…'));
    return makeAvailableOffline().then(function (result) {
      if (manual || result.status !== 'done') {
        if (result.status === 'done') setMessage(t('%(count)s pages saved for offline use at %(time)s.', { count: result.saved, time: timeText(Date.now()) }));
        else if (result.status === 'auth') setMessage(t('Your session has ended. Your work is kept on this phone; log in again to send it.'));
        else if (manual) setMessage(t('Could not save pages for offline use now; try again when the connection is better.'));
      }
      return refresh().then(function () { return result; });
    });
  }
  core.makeOfflineNow = offlineNow;

  function exportNow() {
    var user = currentUser;
    return summary('').then(function (state) {
      if (!user) {
        var owners = {};
        state.pending.concat(state.rejected).forEach(function (e) { owners[e.user] = true; });
        user = Object.keys(owners)[0] || '';
      }
      return exportOutbox(user);
    }).then(function (result) {
      if (!result.entries) { setMessage(t('Nothing unsent to save.')); return; }
      var blob = new Blob([result.text], { type: 'application/json' });
      var link = el('a');
      link.href = URL.createObjectURL(blob);
      link.download = 'outbox-' + user + '-' + new Date().toISOString().slice(0, 19).replace(/[:T]/g, '-') + '.json';
      document.body.appendChild(link);
      link.click();
      setTimeout(function () { URL.revokeObjectURL(link.href); link.remove(); }, 1000);
      setMessage(t('%(count)s unsent entries saved to a file. Give it to your team lead if this phone cannot send them.', { count: result.entries }));
    });
  }

  function wirePanel() {
    var panel = document.getElementById('sync-panel');
    if (!panel) return;
    panel.addEventListener('click', function (event) {
      var button = event.target.closest('[data-sync-action]');
      if (!button) return;
      var action = button.getAttribute('data-sync-action');
      button.disabled = true;
      var done = function () { button.disabled = false; };
      var work = action === 'sync' ? drainNow() : action === 'offline' ? offlineNow(true) : action === 'export' ? exportNow() : Promise.resolve();
      work.then(done, done);
    });
  }

  function registerWorker() {
    if (!('serviceWorker' in navigator)) return Promise.resolve(null);
    return navigator.serviceWorker.register('/sw.js', { scope: '/' }).catch(function () { return null; });
  }

  function wireLogout() {
    // Logging out removes the cached pages (they show the user's data); unsent work stays.
    document.addEventListener('submit', function (event) {
      var form = event.target;
      if (!form || !form.action || !/\/logout$/.test(new URL(form.action, location.href).pathname)) return;
      if (form.getAttribute('data-cleared') === 'yes') return;
      event.preventDefault();
      form.setAttribute('data-cleared', 'yes');
      var go = function () { form.submit(); };
      forgetPages().then(go, go);
    });
  }

  function autoOffline() {
    // After log-in, on "my visits", and at most every 30 minutes elsewhere.
    if (!currentUser || !navigator.onLine || !global.caches) return Promise.resolve();
    return getMeta('offline', null).then(function (info) {
      var stale = !info || info.user !== currentUser || Date.now() - info.at > 30 * 60 * 1000;
      var visitsPage = /\/my-visits\/?$/.test(location.pathname) && (!info || Date.now() - info.at > 60 * 1000);
      if (stale || visitsPage) return offlineNow(false);
    });
  }

  function start() {
    wireLogout();
    if (!global.indexedDB) return;
    onChange(function () { refresh(); });
    global.addEventListener('online', function () { refresh(); drainNow(); autoOffline(); });
    global.addEventListener('offline', function () { refresh(); });
    wirePanel();
    if (navigator.storage && navigator.storage.persist) navigator.storage.persist().catch(function () {});
    registerWorker();
    // the service worker shows its offline page in this language
    getMeta('lang', null).then(function (known) { if (known !== lang) return setMeta('lang', lang); }).catch(function () {});
    loadStrings().then(refresh).then(function () {
      return currentUser ? drainNow() : null;
    }).then(function () {
      return autoOffline();
    }).catch(function () { /* the page works without the offline parts */ });
  }

  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start);
  else start();
})(typeof self !== 'undefined' ? self : this);
