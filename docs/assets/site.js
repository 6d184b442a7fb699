/* Small enhancements; every page works without them.
 * 1. The language switcher keeps the #section the reader is at.
 * 2. The share panel's "copy link" and "print" buttons (hidden without JavaScript;
 *    the page's address is always shown as text).
 * 3. A visitor whose browser prefers another language the site offers gets a small,
 *    dismissible suggestion in that language. Never a redirect: a shared link opens
 *    what staff sent. */
(function () {
  "use strict";

  // Capture phase: runs before the theme's own handler, which would drop the #section.
  document.addEventListener("click", function (event) {
    var link = event.target instanceof Element && event.target.closest("a.md-select__link");
    if (!link || event.metaKey || event.ctrlKey || event.shiftKey) return;
    event.preventDefault();
    event.stopPropagation();
    location.href = link.href.split("#")[0] + location.hash;
  }, true);

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

  var DISMISSED = "pp-suggestion-dismissed";
  var data = document.getElementById("pp-suggestions");
  if (!data) return;
  try {
    if (localStorage.getItem(DISMISSED)) return;
  } catch (error) { /* storage blocked: still suggest */ }
  var pageLanguage = document.documentElement.lang.split("-")[0];
  var offers = JSON.parse(data.textContent);
  var wanted = (navigator.languages || [navigator.language || ""]).map(function (tag) {
    return tag.toLowerCase().split("-")[0];
  });
  var offer = null;
  for (var i = 0; i < wanted.length && !offer; i++) {
    if (wanted[i] === pageLanguage) return; // the reader already reads this page's language
    offer = offers.filter(function (o) { return o.lang === wanted[i]; })[0] || null;
  }
  if (!offer) return;

  var box = document.createElement("aside");
  box.className = "pp-suggestion";
  box.lang = offer.lang;
  box.dir = offer.dir;
  box.setAttribute("aria-label", offer.text);
  var text = document.createElement("p");
  text.textContent = offer.text + " ";
  var go = document.createElement("a");
  go.href = offer.url + location.hash; // relative to this page
  go.hreflang = offer.lang;
  go.textContent = offer.action;
  text.appendChild(go);
  var close = document.createElement("button");
  close.type = "button";
  close.className = "pp-suggestion__close";
  close.textContent = offer.dismiss;
  close.addEventListener("click", function () {
    try { localStorage.setItem(DISMISSED, "1"); } catch (error) { /* ignore */ }
    box.remove();
  });
  box.appendChild(text);
  box.appendChild(close);
  var main = document.querySelector(".md-content__inner") || document.body;
  main.insertBefore(box, main.firstChild);
})();
