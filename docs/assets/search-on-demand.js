/* In the theme's bundle's place (sitekit/build/theme.py: bundle_on_demand). The bundle (30 KiB, mostly
 * search) costs nothing until the reader reaches for search: a tap or click on the search
 * button or box, focus in the box, one of the theme's search keys (/, s, f) or a link from
 * a search result (?h=, whose words the theme highlights). Every other control works
 * without it (assets/site.js). Until then this does what the bundle does first: the page
 * is marked as running scripts (class "js"), so the search box can open at once.
 *
 * Once added, the bundle starts its search worker, which runs the theme's search through
 * assets/search-worker.js (matching as patients type: accents, tone marks, Arabic prefixes,
 * synonyms). Neither waits for the bundle (on a slow phone it takes longer to arrive and
 * run than the rest): this starts the worker and fetches the index beside it, the worker
 * builds the index as soon as it arrives, and the bundle is handed both (the worker it
 * asks for, the index its request asks for: one request). The sitemaps the theme fetches
 * for its language switcher are not fetched: assets/site.js handles the switcher's links
 * itself. */
(function () {
  "use strict";
  var WORKER = /\/workers\/search\.[^/]*\.js$/, SITEMAP = /\/sitemap\.xml$/;
  var loader = document.currentScript, root = document.documentElement;
  var WRAPPER = new URL("search-worker.js", loader.src).href;
  var THEME = loader.getAttribute("data-pp-theme");
  var QUERY = 2, RESULT = 3; // the theme's SearchMessageType.QUERY and RESULT
  var parsed = false, added = false;
  var early = null; // the search worker started before the bundle asked for it
  var index = null; // {url, text: a promise of the index's text}, fetched beside the bundle

  root.classList.remove("no-js");
  root.classList.add("js");
  document.addEventListener("DOMContentLoaded", function () { parsed = true; }, { once: true });

  function addTheme() {
    if (added || !THEME) return;
    added = true;
    var script = document.createElement("script");
    script.src = new URL(THEME, location.href).href;
    script.addEventListener("load", function () {
      // The theme starts on DOMContentLoaded; the page was parsed long ago: tell it again.
      if (parsed) document.dispatchEvent(new Event("DOMContentLoaded"));
    });
    document.body.appendChild(script);
    warm();
  }

  // What search needs besides the bundle, at once rather than once the bundle has run: the
  // language's index (the theme's address for it: search/search_index.json under the
  // configuration's base), and the theme's search worker, started now in search-worker.js,
  // which takes the index from the browser's cache as it arrives (never a second request)
  // and builds it (the theme's own SETUP then finds it built), and loads lunr's files for the
  // language as it starts (named by the build: data-pp-lunr; the theme's own rule for them,
  // setupSearchLanguages), fetched here too, beside the bundle.
  function warm() {
    var element = document.getElementById("__config"), help = document.querySelector("[data-pp-search-help]");
    var config = element && JSON.parse(element.textContent);
    if (!config || !config.search) return;
    var workerUrl = new URL(config.search, location.href), files = [workerUrl];
    var language = help && help.getAttribute("data-pp-lunr");
    if (language && language !== "en") {
      var base = new URL("../lunr/", workerUrl);
      files.push(new URL("min/lunr.stemmer.support.min.js", base));
      if (language === "ja") files.push(new URL("tinyseg.js", base));
      if (language === "hi" || language === "th") files.push(new URL("wordcut.js", base));
      files.push(new URL("min/lunr." + language + ".min.js", base));
    }
    files.forEach(function (url) {
      fetch(url.href, { credentials: "same-origin" }).then(function (response) { return response.arrayBuffer(); }).catch(function () {});
    });
    var url = new URL("search/search_index.json", new URL(config.base || ".", location.href)).href;
    index = {
      url: url,
      text: fetch(url, { credentials: "same-origin" }).then(function (response) {
        if (!response.ok) throw new Error(response.statusText);
        return response.text();
      })
    };
    index.text.catch(function () {});
    var suggest = (config.features || []).indexOf("search.suggest") >= 0;
    early = startWorker(workerUrl.href, undefined, { lunr: files.slice(1), index: url, suggest: suggest });
  }

  ["pointerdown", "click"].forEach(function (type) {  // a tap, a click, the button by keyboard
    document.addEventListener(type, function (event) {
      var target = event.target;
      if (target instanceof Element && target.closest("[data-pp-toggle=__search], label[for=__search], .md-search")) addTheme();
    }, true);
  });
  document.addEventListener("focusin", function (event) {
    if (event.target instanceof Element && event.target.matches("[data-md-component=search-query]")) addTheme();
  });
  document.addEventListener("keydown", function (event) {
    var field = event.target instanceof Element && event.target.closest("input, textarea, select, [contenteditable]");
    if (added || field || event.ctrlKey || event.metaKey || event.altKey || !/^[/sf]$/i.test(event.key)) return;
    var button = document.querySelector("[data-pp-toggle=__search]");
    if (!button) return;
    event.preventDefault();
    button.click();  // opens search and puts the cursor in its box (site.js)
    addTheme();
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
    } else if (index && new URL(request.ppUrl, location.href).href === index.url) {
      // The theme's request for the index: answered with the one fetched beside the bundle
      // (as the theme reads it: a blob on "load"), or made after all if that one failed.
      index.text.then(function (text) { answer(request, text); }, function () { send.apply(request, args); });
    } else {
      return send.apply(request, args);
    }
  };
  function answer(request, text) {
    var values = { readyState: 4, status: 200, statusText: "OK", response: new Blob([text], { type: "application/json" }), responseText: text };
    Object.keys(values).forEach(function (name) { Object.defineProperty(request, name, { value: values[name], configurable: true }); });
    ["readystatechange", "load", "loadend"].forEach(function (type) { request.dispatchEvent(new ProgressEvent(type)); });
  }

  // No dead end: when a query finds nothing, or no page has every word typed, the help
  // under the results (partials/search-help.html, written and translated by the build) says
  // so and offers the clinic's number and the guide's contents. Only shown or hidden here.
  function showHelp(items) {
    var help = document.querySelector("[data-pp-search-help]");
    var input = document.querySelector("[data-md-component=search-query]");
    if (!help) return;
    var typed = !!input && input.value.trim() !== "";
    var none = typed && items !== null && items.length === 0;
    var weak = typed && !none && items !== null && items.length > 0 && weakResult(items[0]);
    help.querySelector("[data-pp-search-none]").hidden = !none;
    help.querySelector("[data-pp-search-weak]").hidden = !weak;
    help.hidden = !(none || weak);
  }
  function weakResult(group) {
    // The best page misses a word typed (the theme strikes it out as missing).
    var terms = (group && group[0] && group[0].terms) || {};
    return Object.keys(terms).some(function (term) { return terms[term] === false; });
  }
  document.addEventListener("input", function (event) {
    if (event.target instanceof Element && event.target.matches("[data-md-component=search-query]") && !event.target.value.trim()) showHelp(null);
  });

  // The theme's search worker runs inside search-worker.js, which is told its address. The
  // bundle is given the worker warm() started, if it did.
  var Worker = window.Worker;
  function startWorker(url, options, start) {
    var named = new URLSearchParams({ theme: new URL(url, location.href).href });
    if (start) {
      start.lunr.forEach(function (file) { named.append("lunr", file.href); });
      named.append("index", start.index);
      if (start.suggest) named.append("suggest", "1");
    }
    var worker = new Worker(WRAPPER + "#" + named, options), send = worker.postMessage, asked = 0, answered = 0;
    // The results are aria-busy from a query sent until its answer is shown (the theme shows
    // it in its own listener, after this one, in the same task): a screen reader waits for it.
    function busy() {
      var results = document.querySelector("[data-md-component=search-result]");
      if (results) results.setAttribute("aria-busy", String(asked > answered));
    }
    worker.postMessage = function (message) {
      if (message && message.type === QUERY) asked += 1, busy();
      return send.apply(worker, arguments);
    };
    worker.addEventListener("message", function (event) {
      var message = event.data;
      if (message && message.type === RESULT && message.data) answered += 1, busy(), showHelp(message.data.items || []);
    });
    return worker;
  }
  window.Worker = function (url, options) {
    if (!WORKER.test(String(url))) return new Worker(url, options);
    var worker = early || startWorker(url, options);
    early = null;
    return worker;
  };

  // Last, once everything above is in place (warm() starts the worker through it): a page
  // opened from a search result (?h=, whose words the theme highlights) loads search now.
  if (/[?&]h=/.test(location.search)) addTheme();
})();
