/*
 * The service worker, served at /sw.js by inspections/sync/routes.py, which writes
 * self.SW_CONFIG = {version, precache, offline, core} in front of this file. The version is a
 * hash of the files it precaches, so every deploy installs a new worker.
 *
 * - install: precache the app shell (CSS, JS, icons, manifest, offline page, strings) into
 *   "inspections-shell-<version>"; activate: delete older shells, take over open pages.
 * - navigations: network first; a successful page is stored in "inspections-pages" (which the
 *   "make available offline" action also fills); offline, the stored page, else the offline page.
 * - /static/, the manifest and the strings: from the shell, else the network.
 * - bootstrap and template JSON: network first, stored copy when offline.
 * - anything not GET (form posts, the sync API) is never touched or cached.
 * - Background Sync "outbox": drains the same IndexedDB outbox the pages use (outbox.js; a
 *   checklist the server took has its stored page fetched again, pagecache.js).
 */
/* global self, caches, SW_CONFIG */
'use strict';

// The outbox core and the page cache, the same files the pages load (SW_CONFIG.core names the
// page script in the same folder: the modules are found beside it).
var MODULES = self.SW_CONFIG.core.replace(/[^/]*$/, '');
importScripts(MODULES + 'util.js', MODULES + 'outbox.js', MODULES + 'pagecache.js');

var SHELL = 'inspections-shell-' + self.SW_CONFIG.version;
var SHELL_PREFIX = 'inspections-shell-';
var PAGES = 'inspections-pages';
var NAVIGATION_TIMEOUT = 8000;

self.addEventListener('install', function (event) {
  event.waitUntil(
    caches.open(SHELL).then(function (cache) {
      // Without cookies: the shell is the same for everyone, and a response that set the
      // cookie of the session these requests started with could undo a log-in that finished
      // in the meantime (the worker installs while the log-in page is open).
      return cache.addAll(self.SW_CONFIG.precache.map(function (url) {
        return new Request(url, { cache: 'reload', credentials: 'omit' });
      }));
    }).then(function () { return self.skipWaiting(); })
  );
});

self.addEventListener('activate', function (event) {
  event.waitUntil(
    caches.keys().then(function (keys) {
      return Promise.all(keys.filter(function (key) {
        return key.indexOf(SHELL_PREFIX) === 0 && key !== SHELL;
      }).map(function (key) { return caches.delete(key); }));
    }).then(function () { return self.clients.claim(); })
  );
});

function storable(response) {
  return response && response.ok && response.type === 'basic' && !response.redirected;
}

function fromCache(request) {
  return caches.open(PAGES).then(function (pages) {
    return pages.match(request, { ignoreVary: true });
  }).then(function (hit) {
    return hit || caches.match(request, { ignoreVary: true });
  });
}

/* Network first with a time limit when a stored copy exists, so a very slow network does not
 * keep an inspector waiting for a page the phone already has. */
function networkFirst(request, fallbackUrl) {
  var network = fetch(request).then(function (response) {
    if (storable(response)) {
      var copy = response.clone();
      caches.open(PAGES).then(function (cache) { return cache.put(request.url.split('#')[0], copy); });
    }
    return response;
  });
  return new Promise(function (resolve, reject) {
    var settled = false;
    var useCache = function () {
      return fromCache(request).then(function (hit) {
        if (hit) return hit;
        return fallbackUrl ? caches.match(fallbackUrl) : undefined;
      });
    };
    var timer = setTimeout(function () {
      fromCache(request).then(function (hit) {
        if (hit && !settled) { settled = true; resolve(hit); }
      });
    }, NAVIGATION_TIMEOUT);
    network.then(function (response) {
      clearTimeout(timer);
      if (!settled) { settled = true; resolve(response); }
    }, function (error) {
      clearTimeout(timer);
      if (settled) return;
      useCache().then(function (hit) {
        settled = true;
        if (hit) resolve(hit); else reject(error);
      });
    });
  });
}

/* The offline page in the language of the last page the user saw (app.js notes it). */
function offlinePage() {
  var pages = self.SW_CONFIG.offline_pages || {};
  return self.InspectionsOffline.getMeta('lang', null).then(function (lang) {
    return pages[lang] || self.SW_CONFIG.offline;
  }, function () { return self.SW_CONFIG.offline; });
}

function cacheFirst(request) {
  return caches.match(request, { ignoreVary: true }).then(function (hit) {
    return hit || fetch(request);
  });
}

self.addEventListener('fetch', function (event) {
  var request = event.request;
  if (request.method !== 'GET') return; // posts go straight to the network, never cached
  var url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (request.mode === 'navigate') {
    event.respondWith(offlinePage().then(function (fallback) { return networkFirst(request, fallback); }));
    return;
  }
  var path = url.pathname;
  if (path.indexOf('/static/') === 0 || path === '/manifest.webmanifest') {
    event.respondWith(cacheFirst(request));
    return;
  }
  if (path === '/sync/strings.json' || path === '/api/v1/bootstrap' || path.indexOf('/api/v1/templates/') === 0) {
    event.respondWith(networkFirst(request, null));
  }
  // everything else (the rest of the API, downloads): the network, as if there were no worker
});

self.addEventListener('sync', function (event) {
  if (event.tag !== 'outbox') return;
  event.waitUntil(self.InspectionsOffline.drain().then(function (result) {
    // no connection or a failing server: make the browser try this sync again later
    if (result && (result.status === 'network' || result.status === 'server')) throw new Error('retry later');
  }));
});

self.addEventListener('message', function (event) {
  if (event.data && event.data.type === 'drain') event.waitUntil(self.InspectionsOffline.drain());
});
