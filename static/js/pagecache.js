/*
 * The pages kept on the phone for offline use, window.InspectionsPages (also in the service
 * worker, sw.js): the Cache Storage cache "inspections-pages", which the worker also fills with
 * every page opened online. Needs outbox.js (InspectionsOffline: meta store, change notices).
 *
 *   makeAvailableOffline(bootstrapUrl) fetches GET /api/v1/bootstrap and stores every URL it
 *     hands out (offline_urls: pages, templates, strings); pages of visits that are no longer
 *     the user's are dropped (which pages are a visit's is learnt from the checklist_url of
 *     each visit, not written here).
 *   forgetPages() on log-out: the pages show the user's data; unsent work stays.
 *   After the server took a checklist, its stored page is fetched again (the server's answers
 *   and revision offline too).
 */
(function (global) {
  'use strict';

  var core = global.InspectionsOffline;
  var PAGES_CACHE = 'inspections-pages';
  var BOOTSTRAP = '/api/v1/bootstrap';  // when the page does not say (data-bootstrap-url on <body>)

  function warn(what, error) { core.warn('page cache: ' + what, error); }
  function pathOf(url) { return new URL(url, global.location.href).pathname; }

  /* A pattern for the pages of any visit, from the checklist address of one
   * (/visits/12/checklist -> ^/visits/\d+/). */
  function visitPagesPattern(visits) {
    var visit = (visits || []).filter(function (v) { return v.checklist_url && String(v.checklist_url).indexOf('/' + v.id + '/') >= 0; })[0];
    if (!visit) return null;
    var path = pathOf(visit.checklist_url);
    var at = path.indexOf('/' + visit.id + '/');
    var escape = function (s) { return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'); };
    return '^' + escape(path.slice(0, at + 1)) + '\\d+/';
  }

  function refreshStoredPage(url) {
    if (!url || !global.caches) return;
    fetch(url, { credentials: 'same-origin', cache: 'no-store' }).then(function (page) {
      if (page.ok && !page.redirected) return global.caches.open(PAGES_CACHE).then(function (cache) { return cache.put(url, page); });
    }).catch(function (error) { warn('could not refresh ' + url + ' (the old copy stays)', error); });
  }

  function makeAvailableOffline(bootstrapUrl) {
    if (!global.caches) return Promise.resolve({ status: 'unsupported' });
    bootstrapUrl = bootstrapUrl || BOOTSTRAP;
    return fetch(bootstrapUrl, { credentials: 'same-origin', cache: 'no-store' }).then(function (response) {
      if (response.status === 401) {
        return core.setMeta('session', { loginRequired: true, at: Date.now() }).then(function () {
          core.changed({ type: 'auth' }); return { status: 'auth' };
        });
      }
      if (!response.ok) return { status: 'server', httpStatus: response.status };
      var bootstrapPath = pathOf(response.url || bootstrapUrl);
      return response.clone().json().then(function (data) {
        var user = data.user.username;
        var previous = null;
        return core.getMeta('offline', null).then(function (known) {
          previous = known;
          // another user's pages never stay on the phone
          return previous && previous.user !== user ? global.caches.delete(PAGES_CACHE) : null;
        }).then(function () {
          return global.caches.open(PAGES_CACHE);
        }).then(function (cache) {
          var urls = data.offline_urls || [];
          var paths = urls.map(pathOf);
          var saved = 0;
          var failures = [];
          var chain = Promise.resolve();
          urls.forEach(function (url) {
            chain = chain.then(function () {
              // the bootstrap itself: the answer already here
              if (pathOf(url) === bootstrapPath) return cache.put(url, response).then(function () { saved += 1; });
              return fetch(url, { credentials: 'same-origin', cache: 'no-store' }).then(function (page) {
                if (page.ok && !page.redirected) return cache.put(url, page).then(function () { saved += 1; });
                failures.push(url);
              }, function (error) { warn('could not fetch ' + url, error); failures.push(url); });
            });
          });
          var pattern = visitPagesPattern(data.visits) || (previous && previous.visitPages) || null;
          return chain.then(function () { return cache.keys(); }).then(function (keys) {
            // pages of visits no longer assigned are dropped
            var visitPage = pattern ? new RegExp(pattern) : null;
            return Promise.all(keys.map(function (request) {
              var path = pathOf(request.url);
              if (visitPage && visitPage.test(path) && paths.indexOf(path) < 0) return cache.delete(request);
            }));
          }).then(function () {
            var info = { user: user, at: Date.now(), saved: saved, failed: failures, visits: (data.visits || []).length,
                         visitPages: pattern };
            return Promise.all([core.setMeta('offline', info), core.setMeta('limits', data.limits || {}),
                                core.setMeta('session', { loginRequired: false, user: user, at: Date.now() })])
              .then(function () { core.changed({ type: 'offline-ready' }); return { status: 'done', saved: saved, failed: failures }; });
          });
        });
      });
    }, function (error) { warn('no bootstrap', error); return { status: 'network' }; });
  }

  function forgetPages() {
    return Promise.all([global.caches ? global.caches.delete(PAGES_CACHE) : null, core.setMeta('offline', null)]);
  }

  core.onAccepted(function (entry) { refreshStoredPage(entry.url); });

  global.InspectionsPages = {
    makeAvailableOffline: makeAvailableOffline, forgetPages: forgetPages, refreshStoredPage: refreshStoredPage,
    PAGES_CACHE: PAGES_CACHE
  };
})(typeof self !== 'undefined' ? self : this);
