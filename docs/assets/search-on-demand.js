/* Loaded before the theme's bundle. Search costs nothing until the reader opens it:
 * the theme fetches the search index and starts its search worker (which loads the
 * language's search code) on every page; both wait here until search is opened or
 * focused. The worker runs the theme's search through assets/search-worker.js (matching
 * as patients type: accents, tone marks, Arabic prefixes, synonyms). The sitemaps the
 * theme fetches for its language switcher are not fetched: assets/site.js handles the
 * switcher's links itself. */
(function () {
  "use strict";
  var INDEX = /\/search\/search_index\.json$/, WORKER = /\/workers\/search\.[^/]*\.js$/, SITEMAP = /\/sitemap\.xml$/;
  var wanted = /[?&]h=/.test(location.search), waiting = [];
  var WRAPPER = new URL("search-worker.js", document.currentScript.src).href;
  function start() {
    wanted = true;
    waiting.splice(0).forEach(function (run) { run(); });
  }
  document.addEventListener("focusin", function (event) {
    if (!wanted && event.target.matches("[data-md-component=search-query]")) start();
  });
  ["pointerdown", "click"].forEach(function (type) {  // a tap, or the search button by keyboard
    document.addEventListener(type, function (event) {
      if (!wanted && event.target instanceof Element && event.target.closest("[data-pp-toggle=__search], .md-search")) start();
    }, true);
  });

  var open = XMLHttpRequest.prototype.open, send = XMLHttpRequest.prototype.send;
  XMLHttpRequest.prototype.open = function (method, url) {
    this.ppUrl = String(url);
    return open.apply(this, arguments);
  };
  XMLHttpRequest.prototype.send = function () {
    var request = this, args = arguments;
    if (SITEMAP.test(request.ppUrl)) {
      setTimeout(function () { request.dispatchEvent(new ProgressEvent("error")); });
    } else if (!wanted && INDEX.test(request.ppUrl)) {
      waiting.push(function () { send.apply(request, args); });
    } else {
      send.apply(request, args);
    }
  };

  // The theme talks to its worker only once the index is there: start it then, inside
  // search-worker.js, which is told the theme's worker's address.
  var Worker = window.Worker;
  window.Worker = function (url, options) {
    if (!WORKER.test(String(url))) return new Worker(url, options);
    var proxy = new EventTarget(), worker = null;
    proxy.postMessage = function (message) {
      if (!worker) {
        worker = new Worker(WRAPPER + "#" + encodeURIComponent(new URL(url, location.href).href), options);
        worker.addEventListener("message", function (event) {
          proxy.dispatchEvent(new MessageEvent("message", { data: event.data }));
        });
      }
      worker.postMessage(message);
    };
    proxy.terminate = function () { if (worker) worker.terminate(); };
    return proxy;
  };
})();
