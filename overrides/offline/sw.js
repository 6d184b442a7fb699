/* The guide's copy for reading without a connection (README: Offline). Filled in by the
 * build (scripts/sitekit/offline.py): for each language, what its copy keeps (its pages,
 * search index and the files they load), the copy's version and the notice in the
 * language. A page asks for its language's copy once it has loaded (assets/site.js).
 * Pages and files come from the network first; only when the network fails does the copy
 * answer, and a page from the copy says so, with the day it was saved. A new deployment is
 * a new worker: it makes each copy a reader keeps again and removes the old one. With
 * offline reading turned off (extra.offline: false) it removes every copy and unregisters
 * itself. Nothing is sent anywhere: the copy stays on the device. */
"use strict";
var LANGUAGES = __LANGUAGES__, ENABLED = __ENABLED__, SAVED = __SAVED__;
var PREFIX = "pp-offline-";

function cacheName(lang) { return PREFIX + lang + "-" + LANGUAGES[lang].version; }

function keep(lang) {
  var name = cacheName(lang);
  return caches.open(name).then(function (cache) {
    return cache.match(SAVED).then(function (saved) {
      if (saved) return;  // this version's copy is complete
      return cache.addAll(LANGUAGES[lang].files).then(function () {
        return cache.put(SAVED, new Response(new Date().toISOString()));
      });
    });
  }).catch(function () { return caches.delete(name); });  // no half copy
}

self.addEventListener("install", function () { self.skipWaiting(); });

self.addEventListener("activate", function (event) {
  // Each copy a reader kept is made again from this deployment; the old ones go.
  event.waitUntil(caches.keys().then(function (keys) {
    var kept = {};
    keys.forEach(function (key) {
      var lang = key.slice(PREFIX.length).split("-").slice(0, -1).join("-");
      if (key.indexOf(PREFIX) === 0 && LANGUAGES[lang]) kept[lang] = true;
    });
    var remade = ENABLED ? Object.keys(kept).map(keep) : [];
    return Promise.all(remade).then(function () {
      var current = ENABLED ? Object.keys(LANGUAGES).map(cacheName) : [];
      return Promise.all(keys.filter(function (key) {
        return key.indexOf(PREFIX) === 0 && current.indexOf(key) < 0;
      }).map(function (key) { return caches.delete(key); }));
    });
  }).then(function () {
    return ENABLED ? self.clients.claim() : self.registration.unregister();
  }));
});

self.addEventListener("message", function (event) {
  var lang = event.data && event.data.keep;
  if (ENABLED && LANGUAGES[lang]) event.waitUntil(keep(lang));
});

self.addEventListener("fetch", function (event) {
  var request = event.request;
  if (!ENABLED || request.method !== "GET" || new URL(request.url).origin !== self.location.origin) return;
  // A page is always asked of the server (revalidated, never taken from the browser's cache
  // unasked), so a page from the copy is shown only when the network really fails.
  var asked = request.mode === "navigate" ? fetch(request.url, { cache: "no-cache", credentials: "same-origin" }) : fetch(request);
  // A handout the reader opened or saved is kept with its language's copy (on request only:
  // a PDF is too large to keep unasked).
  var handout = /\.pdf$/.test(new URL(request.url).pathname) ? handoutLanguage(request.url) : null;
  if (handout) {
    event.waitUntil(asked.then(function (response) {
      if (!response.ok) return;
      var kept = response.clone();
      return caches.has(cacheName(handout)).then(function (has) {
        if (has) return caches.open(cacheName(handout)).then(function (cache) { return cache.put(request, kept); });
      });
    }, function () { /* offline: answered from the copy below */ }));
  }
  event.respondWith(asked.catch(function (error) {
    return fromCopy(request).then(function (found) {
      if (!found) throw error;
      if (request.mode === "navigate") return marked(found.response, found.lang, found.saved);
      // A worker keeps the address it was started with (search-worker.js#<the theme's worker>):
      // an answer without an address of its own, so the worker's is the request's.
      if (request.destination === "worker") return new Response(found.response.body, { headers: found.response.headers });
      return found.response;
    });
  }));
});

/* The language whose copy keeps a handout: the one whose folder it is in (the longest). */
function handoutLanguage(url) {
  var path = new URL(url).pathname, found = null;
  Object.keys(LANGUAGES).forEach(function (lang) {
    var folder = LANGUAGES[lang].folder;
    if (path.indexOf(folder) === 0 && path.slice(folder.length).indexOf("/") < 0 && (!found || folder.length > LANGUAGES[found].folder.length)) found = lang;
  });
  return found;
}

/* The first copy (in the languages' order) that holds the request, with its language and day. */
function fromCopy(request) {
  var langs = Object.keys(LANGUAGES);
  var next = function (index) {
    if (index >= langs.length) return Promise.resolve(null);
    return caches.open(cacheName(langs[index])).then(function (cache) {
      return cache.match(request, { ignoreSearch: true }).then(function (response) {
        if (!response) return next(index + 1);
        return cache.match(SAVED).then(function (saved) { return saved ? saved.text() : ""; }).then(function (day) {
          return { response: response, lang: langs[index], saved: day };
        });
      });
    });
  };
  return next(0);
}

/* The page from the copy, with a calm notice at the top of its text: the day it was saved. */
function marked(response, lang, saved) {
  return response.text().then(function (html) {
    var day = saved ? new Intl.DateTimeFormat(lang, { dateStyle: "long" }).format(new Date(saved)) : "";
    var text = LANGUAGES[lang].notice.replace("{date}", day).replace(/[&<>"]/g, function (c) {
      return { "&": "&amp;", "<": "&lt;", ">": "&gt;", "\"": "&quot;" }[c];
    });
    var notice = '<p class="pp-offline" role="status" lang="' + lang + '">' + text + "</p>";
    var marker = '<article class="md-content__inner md-typeset">';
    var at = html.indexOf(marker);
    var body = at < 0 ? html : html.slice(0, at + marker.length) + notice + html.slice(at + marker.length);
    var headers = new Headers(response.headers);
    headers.set("Content-Type", "text/html; charset=utf-8");
    return new Response(body, { status: 200, headers: headers });
  });
}
