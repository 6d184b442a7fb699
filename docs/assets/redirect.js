/* Redirect pages of moved pages (scripts/sitekit/build/redirects.py): go to the page's new
 * address and keep the #section of the link the reader followed. Without JavaScript the
 * page's meta refresh still leads to the new page. */
(function () {
  "use strict";
  var link = document.querySelector('link[rel="canonical"]');
  if (!link) return;
  var target = link.href;
  if (location.hash) target = target.split("#")[0] + location.hash;
  location.replace(target);
})();
