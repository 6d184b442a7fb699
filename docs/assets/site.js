/* Small enhancements; every page works without them.
 * 0. Focus never lands under the sticky header (its height, for site.css).
 * 1. The header's menu and search buttons open the theme's drawer and search, and say
 *    whether they are open (aria-expanded); the open drawer takes focus, Escape closes it.
 * 2. The language menu opens on a click or Enter (not on hover or focus), says whether it
 *    is open, closes with Escape, a click elsewhere or when focus leaves it; a chosen
 *    language keeps the #section the reader is at and is remembered.
 * 3. The share panel's "copy link" and "print" buttons (hidden without JavaScript;
 *    the page's address is always shown as text).
 * 4. A visitor whose browser prefers another language the site offers gets a small,
 *    dismissible suggestion in that language, unless they have chosen a language or
 *    closed one before. Never a redirect: a shared link opens what staff sent. */
(function () {
  "use strict";

  var CHOSEN = "pp-language-chosen", DISMISSED = "pp-suggestion-dismissed";
  function remember(key, value) {
    try { localStorage.setItem(key, value); } catch (error) { /* storage blocked */ }
  }
  function recalled(key) {
    try { return localStorage.getItem(key); } catch (error) { return null; }
  }
  function onEscape(element, close) {
    element.addEventListener("keydown", function (event) {
      if (event.key === "Escape") close(event);
    });
  }

  // Focus never lands under the sticky header: the page keeps its height clear when
  // scrolling to a focused element (site.css: scroll-padding-top).
  var header = document.querySelector(".md-header");
  var measureHeader = function () {
    document.documentElement.style.setProperty("--pp-header-height", header.offsetHeight + "px");
  };
  if (header) {
    measureHeader();
    window.addEventListener("resize", measureHeader);
  }

  // 1. Menu and search.
  document.querySelectorAll("[data-pp-toggle]").forEach(function (button) {
    var toggle = document.getElementById(button.getAttribute("data-pp-toggle"));
    if (!toggle) return;
    var search = toggle.id === "__search" && document.querySelector(".md-search");
    var sync = function () { button.setAttribute("aria-expanded", String(toggle.checked)); };
    button.addEventListener("click", function () {
      toggle.click();
      if (search && toggle.checked) search.querySelector("input").focus();  // type at once
    });
    toggle.addEventListener("change", function () {
      sync();
      // Search closed (Escape, or its back arrow): focus returns to the button, not to <body>.
      var lost = document.activeElement === document.body || (search && search.contains(document.activeElement));
      if (search && !toggle.checked && lost && button.offsetParent) button.focus();
    });
    sync();
  });
  var drawer = document.getElementById("__drawer");
  var drawerButton = document.querySelector("[data-pp-toggle='__drawer']");
  var sidebar = document.querySelector(".md-sidebar--primary");
  if (drawer && drawerButton && sidebar) {
    var phone = window.matchMedia("(max-width: 76.234375em)");
    drawer.addEventListener("change", function () {
      if (!phone.matches) return;
      if (drawer.checked) {
        var first = sidebar.querySelector(".md-nav__link--active[href], a.md-nav__link[href]");
        // The drawer slides in; it takes focus once it is shown (visibility changes at once).
        setTimeout(function () { if (first) first.focus(); }, 0);
      } else if (sidebar.contains(document.activeElement)) {
        drawerButton.focus();
      }
    });
    onEscape(sidebar, function () { if (drawer.checked) drawer.click(); });
    document.addEventListener("focusin", function (event) {
      if (drawer.checked && phone.matches && !sidebar.contains(event.target) && event.target !== drawerButton) drawer.click();
    });
  }

  // 2. The language menu.
  var menu = document.querySelector(".pp-language");
  if (menu) {
    var menuButton = menu.querySelector("button");
    var setOpen = function (open) {
      menu.classList.toggle("pp-open", open);
      menuButton.setAttribute("aria-expanded", String(open));
    };
    setOpen(false);
    menuButton.addEventListener("click", function () { setOpen(!menu.classList.contains("pp-open")); });
    onEscape(menu, function (event) {
      if (!menu.classList.contains("pp-open")) return;
      event.stopPropagation();
      setOpen(false);
      menuButton.focus();
    });
    menu.addEventListener("focusout", function (event) {
      if (!menu.contains(event.relatedTarget)) setOpen(false);
    });
    document.addEventListener("click", function (event) {
      if (!menu.contains(event.target)) setOpen(false);
    });
  }
  // Capture phase: runs before the theme's own handler, which would drop the #section.
  document.addEventListener("click", function (event) {
    var link = event.target instanceof Element && event.target.closest("a.md-select__link");
    if (!link || event.metaKey || event.ctrlKey || event.shiftKey) return;
    event.preventDefault();
    event.stopPropagation();
    remember(CHOSEN, link.hreflang);
    location.href = link.href.split("#")[0] + location.hash;
  }, true);

  // 3. Copy and print.
  var actions = document.querySelector(".pp-share__actions");
  if (actions) {
    actions.hidden = false;
    var status = actions.querySelector(".pp-share__status");
    actions.querySelector("[data-pp-print]").addEventListener("click", function () { window.print(); });
    actions.querySelector("[data-pp-copy]").addEventListener("click", function (event) {
      var url = event.currentTarget.getAttribute("data-pp-copy");
      var done = function () { status.textContent = status.getAttribute("data-pp-copied"); };
      var selectAddress = function () {  // no clipboard access: select the address to copy
        window.getSelection().selectAllChildren(document.querySelector(".pp-share__url"));
      };
      if (navigator.clipboard) navigator.clipboard.writeText(url).then(done, selectAddress);
      else selectAddress();
    });
  }

  // 4. The language suggestion: the languages this page is offered in are its hreflang
  // alternates, their addresses the language menu's links; the words, one shared file.
  var words = new URL("../language-suggestions.json", document.currentScript.src).href;  // the site's top
  if (recalled(DISMISSED) || recalled(CHOSEN)) return;
  var pageLanguage = document.documentElement.lang.split("-")[0];
  var notFound = document.getElementById("pp-not-found") !== null;
  var offered = {};
  document.querySelectorAll("link[rel=alternate][hreflang]").forEach(function (alternate) {
    var link = document.querySelector("a.md-select__link[hreflang='" + alternate.hreflang + "']");
    if (alternate.hreflang !== pageLanguage && link) offered[alternate.hreflang] = link.href.split("#")[0];
  });
  var wanted = (navigator.languages || [navigator.language || ""]).map(function (tag) {
    return tag.toLowerCase().split("-")[0];
  });
  var chosen = null;
  for (var i = 0; i < wanted.length && !chosen; i++) {
    if (wanted[i] === pageLanguage) return; // the reader already reads this page's language
    if (offered[wanted[i]]) chosen = wanted[i];
  }
  if (!chosen) return;
  fetch(words).then(function (response) { return response.json(); }).then(function (all) {
    var offer = all[chosen];
    // A page that does not exist (404) is in no language: the site is offered, at the
    // language's home page (where its language menu link leads), never "this page".
    if (offer && notFound) offer = Object.assign({}, offer, { text: offer.site_text, action: offer.home_action });
    if (offer) suggest(Object.assign({ lang: chosen, url: offered[chosen] }, offer));
  }, function () { /* offline: no suggestion */ });

  function suggest(offer) {
    var root = document.documentElement;
    var box = document.createElement("div");
    box.className = "pp-suggestion";
    box.lang = offer.lang;
    box.dir = offer.dir;
    var text = document.createElement("p");
    text.textContent = offer.text + " ";
    var go = document.createElement("a");
    go.href = offer.url + location.hash;  // the #section the reader is at
    go.hreflang = offer.lang;
    go.textContent = offer.action;
    go.addEventListener("click", function () { remember(CHOSEN, offer.lang); });
    text.appendChild(go);
    var close = document.createElement("button");
    close.type = "button";
    close.className = "pp-suggestion__close";
    close.textContent = offer.dismiss;
    // The page keeps room for the bar below its footer, and focus stays above it.
    var measure = function () { root.style.setProperty("--pp-bar-height", box.offsetHeight + "px"); };
    close.addEventListener("click", function () {
      remember(DISMISSED, "1");
      box.remove();
      root.classList.remove("pp-has-suggestion");
      root.style.removeProperty("--pp-bar-height");
      window.removeEventListener("resize", measure);
      // Focus goes on to the page's title, where the reader was headed, not to <body>.
      var title = document.querySelector(".md-content h1");
      if (title) {
        title.setAttribute("tabindex", "-1");
        title.focus();
      }
    });
    box.appendChild(text);
    box.appendChild(close);
    var main = document.querySelector(".md-content__inner") || document.body;
    main.insertBefore(box, main.firstChild);
    root.classList.add("pp-has-suggestion");
    measure();
    window.addEventListener("resize", measure);
  }
})();

/* 5. Listen (README: Listen): shown only where the device has a voice of its own for the
 * page's language (never an English voice reading Arabic); assets/listen.js, which reads,
 * loads on the first press. Nothing leaves the device: only voices it holds itself. */
(function () {
  "use strict";
  var listen = document.querySelector("[data-pp-listen]");
  var script = document.currentScript;
  if (!listen || !("speechSynthesis" in window)) return;
  var wanted = listen.getAttribute("data-pp-voice-lang").toLowerCase().split("-")[0];
  var voice = function () {
    return window.speechSynthesis.getVoices().filter(function (candidate) {
      return candidate.localService && candidate.lang.toLowerCase().split(/[-_]/)[0] === wanted;
    })[0];
  };
  var offer = function () { listen.hidden = !voice(); };
  offer();
  window.speechSynthesis.addEventListener("voiceschanged", offer);
  var loaded = null;
  listen.querySelector("[data-pp-listen-play]").addEventListener("click", function () {
    loaded = loaded || new Promise(function (resolve, reject) {
      var code = document.createElement("script");
      code.src = new URL("listen.js", script.src).href;
      code.onload = resolve;
      code.onerror = reject;
      document.head.appendChild(code);
    });
    loaded.then(function () { window.ppListen.toggle(listen, voice()); });
  });
})();

/* 6. Offline (README: Offline): once the page has loaded, and never on Save-Data, the
 * site's service worker (sw.js at the site's root, written by the build) keeps a copy of
 * this language's pages, styles, scripts and search index. When the clinic turns it off
 * (extra.offline: false), pages remove what an earlier visit registered. */
(function () {
  "use strict";
  if (!("serviceWorker" in navigator)) return;
  var setting = document.querySelector("meta[name=pp-offline]");
  if (!setting) return;
  if (setting.content !== "on") {
    navigator.serviceWorker.getRegistrations().then(function (all) {
      all.forEach(function (registration) { registration.unregister(); });
    });
    if (window.caches) {
      caches.keys().then(function (keys) {
        keys.forEach(function (key) { if (key.indexOf("pp-offline-") === 0) caches.delete(key); });
      });
    }
    return;
  }
  if (navigator.connection && navigator.connection.saveData) return;
  var root = new URL("../", document.currentScript.src).href;  // this file is assets/site.js
  var lang = document.documentElement.lang;
  var keep = function () {
    navigator.serviceWorker.register(root + "sw.js", { scope: root }).then(function () {
      return navigator.serviceWorker.ready;
    }).then(function (registration) {
      registration.active.postMessage({ keep: lang });
    }).catch(function () { /* no copy: reading online works as before */ });
  };
  if (document.readyState === "complete") keep();
  else window.addEventListener("load", keep);
})();
