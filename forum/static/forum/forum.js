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
  /* Keyboard and screen-reader users keep their place: when htmx replaces the control that was pressed
     (Like becomes Liked, Save becomes Saved), focus moves to its replacement and the change is announced. */
  var pressed = null;
  function describe(el) {
    return (el && (el.getAttribute("aria-label") || el.textContent || "")).replace(/\s+/g, " ").trim();
  }
  document.addEventListener("htmx:beforeRequest", function (event) {
    var active = document.activeElement;
    var source = event.detail && event.detail.elt;
    pressed = active && active !== document.body && source && source.contains(active) ? active : null;
  });
  document.addEventListener("htmx:afterSettle", function (event) {
    if (!pressed) { return; }
    var was = pressed;
    pressed = null;
    if (document.contains(was)) { return; }
    var area = event.detail && (event.detail.elt && document.contains(event.detail.elt) ? event.detail.elt : event.detail.target);
    var next = area && area.querySelector("button, a[href], input:not([type=hidden]), select, textarea, [tabindex]:not([tabindex='-1'])");
    if (!next && area && area.matches && area.matches("button, a[href]")) { next = area; }
    var live = document.getElementById("forum-live");
    var alert = area && area.querySelector("[role=alert]");
    if (next) { next.focus(); }
    if (live) { live.textContent = describe(alert || next || area); }
  });

  /* Admin tables reflow on a phone: each cell learns its column's name from the table's headings. */
  function label(root) {
    root.querySelectorAll("table.admin").forEach(function (table) {
      var names = Array.prototype.map.call(table.querySelectorAll("thead th"), function (th) { return th.textContent.trim(); });
      table.querySelectorAll("tbody tr").forEach(function (row) {
        Array.prototype.forEach.call(row.children, function (cell, i) {
          if (names[i] && !cell.hasAttribute("data-label")) { cell.setAttribute("data-label", names[i]); }
        });
      });
      if (names.length) { table.classList.add("reflow"); }
    });
  }

  /* Browsers without ::details-content keep the menu open on wide screens this way. */
  function openMenuWhenWide() {
    var menu = document.getElementById("forum-menu");
    if (menu && window.matchMedia("(min-width: 700px)").matches) { menu.open = true; }
  }

  document.addEventListener("DOMContentLoaded", function () { reveal(document); label(document); openMenuWhenWide(); });
  document.addEventListener("htmx:load", function (event) { reveal(event.target); });
})();
