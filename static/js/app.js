/*
 * Loaded on every page (templates/base.html, after util.js, outbox.js and pagecache.js): the
 * sync indicator in the top bar and the sync panel (#sync-panel, templates/sync/_panel.html)
 * where a page has one; registers the service worker; drains the outbox on load, when the
 * phone comes back online, on the "sync now" button and with exponential backoff; keeps the
 * pages of the user's visits for offline use (pagecache.js) once the page is idle.
 *
 * window.InspectionsSync = {t, setMessage, refresh, drainNow, requestBackgroundSync,
 * makeOfflineNow, whenIdle, URLS} for the page's other scripts (offline.js).
 * A page that includes only this file (the offline page) gets the modules it needs loaded here.
 */
(function (global) {
  'use strict';
  if (typeof document === 'undefined') return;  // pages only; the worker loads its modules itself (sw.js)

  var NEEDS = [['InspectionsUtil', 'util.js'], ['InspectionsOffline', 'outbox.js'], ['InspectionsPages', 'pagecache.js']];

  /* Load what this page did not include, one after the other (each needs the one before). */
  function withModules(then) {
    var here = document.currentScript && document.currentScript.src;
    var missing = NEEDS.filter(function (need) { return !global[need[0]]; });
    if (!missing.length) { then(); return; }
    if (!here) return;
    var folder = here.replace(/[^/]*$/, '');
    (function next(i) {
      if (i >= missing.length) { then(); return; }
      var script = document.createElement('script');
      script.src = folder + missing[i][1];
      script.onload = function () { next(i + 1); };
      script.onerror = function (error) { if (global.console) console.warn('inspections: could not load ' + script.src, error); };
      document.head.appendChild(script);
    })(0);
  }

  withModules(page);

  function page() {
    var core = global.InspectionsOffline;
    var pages = global.InspectionsPages;
    var body = document.body;
    var currentUser = body ? body.getAttribute('data-user') || '' : '';
    var lang = document.documentElement.getAttribute('lang') || 'vi';
    var strings = {};
    var retryTimer = null;
    var summary = core.summary;
    var drain = core.drain;
    var getMeta = core.getMeta;
    var setMeta = core.setMeta;
    var onChange = core.onChange;

    /* The addresses this script links to or fetches, as the page gives them (templates/base.html
     * writes them with url_for); the bootstrap hands out the rest (pagecache.js). */
    function url(name, fallback) { return (body && body.getAttribute('data-' + name + '-url')) || fallback; }
    var URLS = {
      strings: url('strings', '/sync/strings.json'), sync: url('sync', '/sync'), login: url('login', '/login'),
      worker: url('worker', '/sw.js'), bootstrap: url('bootstrap', '/api/v1/bootstrap')
    };

    function warn(what, error) { core.warn('page: ' + what, error); }

    function t(text, values) {
      var out = strings[text] || text;
      Object.keys(values || {}).forEach(function (name) {
        out = out.split('%(' + name + ')s').join(String(values[name]));
      });
      return out;
    }

    function loadStrings() {
      return fetch(URLS.strings + '?lang=' + encodeURIComponent(lang), { credentials: 'same-origin' })
        .then(function (r) { return r.ok ? r.json() : { strings: {} }; })
        .then(function (data) { strings = data.strings || {}; }, function (error) { warn('no strings (English shown)', error); strings = {}; });
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
      return URLS.login + '?next=' + encodeURIComponent(location.pathname + location.search);
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
      indicator.href = URLS.sync;
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
      else node.href = URLS.sync;
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

    function refresh() {
      return summary(currentUser).then(function (state) {
        renderIndicator(state);
        renderPanel(state);
        return state;
      }).catch(function (error) { warn('storage unavailable: nothing to show', error); });
    }

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

    function requestBackgroundSync() {
      if (!('serviceWorker' in navigator)) return Promise.resolve();
      return navigator.serviceWorker.ready.then(function (registration) {
        if (registration.sync && registration.sync.register) return registration.sync.register('outbox');
      }).catch(function (error) { warn('no Background Sync: the page drains itself', error); });
    }

    function offlineNow(manual) {
      if (!currentUser || !navigator.onLine) return Promise.resolve({ status: 'skipped' });
      if (manual) setMessage(t('Saving your visits on this phone…'));
      return pages.makeAvailableOffline(URLS.bootstrap).then(function (result) {
        if (manual || result.status !== 'done') {
          if (result.status === 'done') setMessage(t('%(count)s pages saved for offline use at %(time)s.', { count: result.saved, time: timeText(Date.now()) }));
          else if (result.status === 'auth') setMessage(t('Your session has ended. Your work is kept on this phone; log in again to send it.'));
          else if (manual) setMessage(t('Could not save pages for offline use now; try again when the connection is better.'));
        }
        return refresh().then(function () { return result; });
      });
    }

    function exportNow() {
      var user = currentUser;
      return summary('').then(function (state) {
        if (!user) {
          var owners = {};
          state.pending.concat(state.rejected).forEach(function (e) { owners[e.user] = true; });
          user = Object.keys(owners)[0] || '';
        }
        return core.exportOutbox(user);
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
      return navigator.serviceWorker.register(URLS.worker, { scope: '/' }).catch(function (error) {
        warn('no service worker', error); return null;
      });
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
        pages.forgetPages().then(go, function (error) { warn('pages not forgotten', error); go(); });
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
      // the worker too: installing it (precaching the shell) is for the next visits, not this one
      var idle = whenIdle();
      idle.then(registerWorker);
      if (navigator.storage && navigator.storage.persist) {
        navigator.storage.persist().catch(function (error) { warn('storage not persistent', error); });
      }
      // the service worker shows its offline page in this language
      getMeta('lang', null).then(function (known) { if (known !== lang) return setMeta('lang', lang); })
        .catch(function (error) { warn('language not noted', error); });
      loadStrings().then(refresh).then(function () {
        return currentUser ? drainNow() : null;
      }).then(function () {
        // pages for offline use wait until the page is loaded and idle: they are for later
        return idle.then(autoOffline);
      }).catch(function (error) { warn('the page works without the offline parts', error); });
    }

    /* After the load event, when the main thread has nothing to do (or 3 s at most). */
    function whenIdle() {
      return new Promise(function (resolve) {
        var idle = function () {
          if (global.requestIdleCallback) global.requestIdleCallback(function () { resolve(); }, { timeout: 3000 });
          else setTimeout(resolve, 200);
        };
        if (document.readyState === 'complete') idle();
        else global.addEventListener('load', idle, { once: true });
      });
    }

    global.InspectionsSync = {
      t: t, setMessage: setMessage, refresh: refresh, drainNow: drainNow, requestBackgroundSync: requestBackgroundSync,
      makeOfflineNow: offlineNow, whenIdle: whenIdle, URLS: URLS
    };

    if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start);
    else start();
  }
})(typeof self !== 'undefined' ? self : this);
