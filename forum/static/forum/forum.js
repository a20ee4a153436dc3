/* The forum's few enhancements. Everything works without them; no inline script anywhere. */
(function () {
  "use strict";

  function say(selector, text) {
    var status = selector && document.querySelector(selector);
    if (status) { status.textContent = text; }
  }

  /* "Copy link": copy the text of the named input and say so. */
  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-copy]");
    if (!button) { return; }
    var field = document.querySelector(button.getAttribute("data-copy"));
    if (!field) { return; }
    var done = function () { say(button.getAttribute("data-copied"), "Link copied. Paste it anywhere to share it."); };
    var fallback = function () { field.select(); try { document.execCommand("copy"); done(); } catch (e) { say(button.getAttribute("data-copied"), "Select the link and copy it."); } };
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(field.value).then(done, fallback);
    } else {
      fallback();
    }
  });

  /* "Share…": the phone's own share sheet, where the browser has one. */
  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-share-url]");
    if (!button || !navigator.share) { return; }
    navigator.share({ title: button.getAttribute("data-share-title") || document.title, url: button.getAttribute("data-share-url") })
      .catch(function () { /* the person closed the sheet */ });
  });

  function reveal(root) {
    if (!navigator.share) { return; }
    root.querySelectorAll("[data-share-url][hidden]").forEach(function (b) { b.hidden = false; });
  }
  document.addEventListener("DOMContentLoaded", function () { reveal(document); });
  document.addEventListener("htmx:load", function (event) { reveal(event.target); });
})();
