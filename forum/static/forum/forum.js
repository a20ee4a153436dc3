/* The forum's few enhancements. Everything works without them; no inline script anywhere. */
(function () {
  "use strict";

  /* The page's words for what this script writes (the server puts them in #forum-root, in the page's language). */
  var WORDS = {};
  var forumRoot = document.getElementById("forum-root");
  try { WORDS = JSON.parse((forumRoot && forumRoot.getAttribute("data-words")) || "{}"); } catch (e) { WORDS = {}; }
  function word(key, fallback) { return typeof WORDS[key] === "string" ? WORDS[key] : fallback; }
  function plural(key, count, one, other) {
    var forms = WORDS[key] || { one: one, other: other };
    var rule = "other";
    try { rule = new Intl.PluralRules((forumRoot && forumRoot.lang) || "en").select(count); } catch (e) { rule = count === 1 ? "one" : "other"; }
    return (forms[rule] || forms.other || other).replace("%(count)s", String(count));
  }

  function say(selector, text) {
    var status = selector && document.querySelector(selector);
    if (status) { status.textContent = text; }
  }

  /* "Copy link" (or "Copy the token"): copy the text of the named input and say so, in the button's own words. */
  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-copy]");
    if (!button) { return; }
    var field = document.querySelector(button.getAttribute("data-copy"));
    if (!field) { return; }
    var done = function () { say(button.getAttribute("data-copied"), button.getAttribute("data-copy-done") || word("copied", "Link copied. Paste it anywhere to share it.")); };
    var fallback = function () { field.select(); try { document.execCommand("copy"); done(); } catch (e) { say(button.getAttribute("data-copied"), button.getAttribute("data-copy-failed") || word("copy_failed", "Select the link and copy it.")); } };
    if (navigator.clipboard && window.isSecureContext) {
      /* A browser may leave the promise waiting (no focus, a permission it never asks for): after a moment, copy
         the old way instead, so the person is never left without an answer. */
      var settled = false;
      var once = function (then) { return function () { if (!settled) { settled = true; then(); } }; };
      window.setTimeout(once(fallback), 1500);
      navigator.clipboard.writeText(field.value).then(once(done), once(fallback));
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
  /* Kept per request source, so a request that settles meanwhile (a part of the page loading) cannot take it. */
  var pressed = new WeakMap();
  function describe(el) {
    return (el && (el.getAttribute("aria-label") || el.textContent || "")).replace(/\s+/g, " ").trim();
  }
  document.addEventListener("htmx:beforeRequest", function (event) {
    var active = document.activeElement;
    var source = event.detail && event.detail.elt;
    if (source && active && active !== document.body && source.contains(active)) { pressed.set(source, active); }
  });
  document.addEventListener("htmx:afterSettle", function (event) {
    var detail = event.detail || {};
    var source = (detail.requestConfig && detail.requestConfig.elt) || detail.elt;
    var was = source && pressed.get(source);
    if (!was) { return; }
    pressed.delete(source);
    if (document.contains(was)) { return; }
    var area = event.detail && (event.detail.elt && document.contains(event.detail.elt) ? event.detail.elt : event.detail.target);
    var next = area && area.querySelector("button, a[href], input:not([type=hidden]), select, textarea, [tabindex]:not([tabindex='-1'])");
    if (!next && area && area.matches && area.matches("button, a[href]")) { next = area; }
    var live = document.getElementById("forum-live");
    var alert = area && area.querySelector("[role=alert]");
    if (next) { next.focus(); }
    if (live) { live.textContent = describe(alert || next || area); }
  });

  /* Installable on a phone: a service worker keeps favourites and the last questions read for offline reading.
     On the "You are offline" page, list what is kept. */
  var root = document.getElementById("forum-root");
  if (root && root.dataset.serviceWorker && "serviceWorker" in navigator) {
    navigator.serviceWorker.register(root.dataset.serviceWorker, { scope: root.dataset.serviceWorkerScope })
      .catch(function () { /* no offline copies: the forum works as before */ });
  }
  var saved = document.getElementById("offline-pages");
  if (saved && window.caches) {
    caches.open("forum-pages").then(function (cache) {
      return cache.keys().then(function (keys) {
        return Promise.all(keys.slice().reverse().map(function (key) {
          return cache.match(key).then(function (r) { return r.text(); }).then(function (html) {
            var doc = new DOMParser().parseFromString(html, "text/html");
            var heading = doc.querySelector("h1");
            return { url: key.url, title: (heading ? heading.textContent : doc.title).trim() };
          });
        }));
      });
    }).then(function (pages) {
      pages.forEach(function (p) {
        var item = document.createElement("li");
        var link = document.createElement("a");
        link.href = p.url;
        link.textContent = p.title || p.url;
        item.appendChild(link);
        saved.appendChild(item);
      });
      if (pages.length) { document.getElementById("offline-saved").hidden = false; }
    }).catch(function () { /* nothing kept */ });
  }

  /* Live updates: one event stream per tab brings the bell's count, new answers on this thread and new
     announcement banners; where a stream cannot be held, the same snapshot is asked for every few seconds. */
  var liveUrl = root && root.dataset.live;
  if (liveUrl) {
    var answersBox = document.getElementById("live-answers");
    var bannersBox = document.getElementById("live-banners");
    var url = liveUrl + (answersBox ? "?thread=" + encodeURIComponent(answersBox.dataset.thread) : "");
    var seen = null;
    var shownNow = function () {
      var count = document.getElementById("answer-count");
      var n = count ? parseInt(count.textContent, 10) : NaN;
      return isNaN(n) ? parseInt(answersBox.dataset.answers, 10) : n;
    };
    /* Compared with what the page shows, not with the last snapshot: a change made while the page loaded counts. */
    var askedBell = null;
    var apply = function (snap) {
      var bell = document.getElementById("forum-bell");
      if (bell && snap.bell !== null && snap.bell !== parseInt(bell.dataset.count || "0", 10) && snap.bell !== askedBell) {
        askedBell = snap.bell;
        document.body.dispatchEvent(new CustomEvent("forum:bell"));
      }
      if (answersBox && snap.answers !== null) {
        var fresh = snap.answers - shownNow();
        if (fresh > 0 && answersBox.dataset.shown !== String(fresh)) {
          answersBox.dataset.shown = String(fresh);
          answersBox.textContent = "";
          var text = document.createElement("span");
          text.textContent = plural("new_answers", fresh, "%(count)s new answer.", "%(count)s new answers.") + " ";
          var link = document.createElement("a");
          link.href = window.location.pathname + "#answers";
          link.textContent = fresh === 1 ? word("show_it", "Show it") : word("show_them", "Show them");
          link.addEventListener("click", function (e) { e.preventDefault(); window.location.reload(); });
          answersBox.appendChild(text);
          answersBox.appendChild(link);
          answersBox.classList.add("notice");
        }
      }
      var shownBanners = bannersBox ? Array.prototype.map.call(bannersBox.querySelectorAll(".forum-banner"), function (b) {
        return b.id.replace("banner-", "");
      }).join(",") : "";
      if (bannersBox && snap.banners !== shownBanners && (!seen || snap.banners !== seen.banners) && window.htmx) {
        htmx.ajax("GET", bannersBox.dataset.url, { target: bannersBox, swap: "innerHTML" });
      }
      seen = snap;
    };
    var polling = false;
    var poll = function () {
      if (polling) { return; }
      polling = true;
      var every = Math.max(2, parseInt(root.dataset.pollSeconds, 10) || 30) * 1000;
      var ask = function () {
        fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
          .then(function (r) { return r.ok ? r.json() : null; })
          .then(function (snap) { if (snap) { apply(snap); } })
          .catch(function () { /* offline: try again next time */ });
      };
      window.setInterval(ask, every);
    };
    if (window.EventSource) {
      var source = new EventSource(url);
      source.addEventListener("snapshot", function (e) { apply(JSON.parse(e.data)); });
      source.onerror = function () {
        /* Refused (too many streams) or blocked on the way (a proxy): stop trying, and ask now and then. A stream
           that worked and ended reconnects by itself. */
        if (source.readyState === EventSource.CLOSED || !seen) { source.close(); poll(); }
      };
    } else {
      poll();
    }
  }

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

  /* The formatting toolbar: Markdown around the selection, then back to the text with the same selection. */
  function edit(area, kind) {
    var start = area.selectionStart, end = area.selectionEnd, text = area.value;
    var picked = text.slice(start, end);
    var lineStart = text.lastIndexOf("\n", start - 1) + 1;
    var out, selectFrom, selectTo;
    if (kind === "bold") {
      out = "**" + (picked || word("bold_text", "bold text")) + "**";
      selectFrom = start + 2; selectTo = selectFrom + (picked || word("bold_text", "bold text")).length;
    } else if (kind === "link") {
      out = "[" + (picked || word("link_text", "link text")) + "](https://)";
      selectFrom = start + out.length - 9; selectTo = start + out.length - 1;
    } else if (kind === "code") {
      out = picked.indexOf("\n") >= 0 ? "```\n" + picked + "\n```" : "`" + (picked || word("code", "code")) + "`";
      selectFrom = start + (picked.indexOf("\n") >= 0 ? 4 : 1); selectTo = selectFrom + (picked || "code").length;
    } else {
      start = lineStart;
      var lines = text.slice(lineStart, end).split("\n");
      out = lines.map(function (line, i) { return (kind === "steps" ? (i + 1) + ". " : "- ") + line; }).join("\n");
      selectFrom = selectTo = start + out.length;
    }
    area.focus();
    area.setRangeText(out, start, end, "end");
    area.setSelectionRange(selectFrom, selectTo);
    area.dispatchEvent(new Event("input", { bubbles: true }));
  }
  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-md]");
    var bar = button && button.closest("[data-toolbar]");
    var area = bar && document.getElementById(bar.getAttribute("data-toolbar"));
    if (area) { edit(area, button.getAttribute("data-md")); }
  });
  function showToolbars(root) {
    root.querySelectorAll("[data-toolbar][hidden]").forEach(function (bar) { bar.hidden = false; });
  }

  /* Drafts: what someone is writing is kept in this browser until it is posted, so a reload or a lost
     connection loses nothing. */
  var DRAFT_DAYS = 7;
  function store() { try { return window.localStorage; } catch (e) { return null; } }
  function draftKey(form) { return "forum-draft:" + form.getAttribute("data-draft"); }
  function draftFields(form) {
    return Array.prototype.filter.call(form.querySelectorAll("textarea[name], input[type=text][name]"), function (f) { return f.name !== "q"; });
  }
  function saveDraft(form) {
    var s = store();
    if (!s) { return; }
    var values = {}, any = false;
    draftFields(form).forEach(function (f) { values[f.name] = f.value; any = any || f.value.trim() !== ""; });
    try {
      if (any) { s.setItem(draftKey(form), JSON.stringify({ saved: Date.now(), values: values })); } else { s.removeItem(draftKey(form)); }
    } catch (e) { /* storage full: the text is still on the page */ }
  }
  function dropDraft(key) { var s = store(); if (s) { s.removeItem(key); } }
  function restoreDrafts(root) {
    var s = store();
    if (!s) { return; }
    var sent = null;
    try { sent = window.sessionStorage.getItem("forum-draft-sent"); window.sessionStorage.removeItem("forum-draft-sent"); } catch (e) { sent = null; }
    if (sent && !root.querySelector("form[data-draft='" + sent.replace("forum-draft:", "") + "']")) { dropDraft(sent); }
    root.querySelectorAll("form[data-draft]").forEach(function (form) {
      var kept = null;
      try { kept = JSON.parse(s.getItem(draftKey(form)) || "null"); } catch (e) { kept = null; }
      if (!kept || !kept.values || Date.now() - kept.saved > DRAFT_DAYS * 864e5) { dropDraft(draftKey(form)); return; }
      var fields = draftFields(form);
      if (fields.some(function (f) { return f.value.trim() !== ""; })) { return; }
      fields.forEach(function (f) { if (typeof kept.values[f.name] === "string") { f.value = kept.values[f.name]; } });
      var note = document.createElement("p");
      note.className = "draft-note";
      note.setAttribute("role", "status");
      note.textContent = word("draft_kept", "We kept what you were writing here.") + " ";
      var again = document.createElement("button");
      again.type = "button";
      again.className = "link";
      again.textContent = word("start_again", "Start again");
      again.addEventListener("click", function () {
        fields.forEach(function (f) { f.value = ""; });
        dropDraft(draftKey(form));
        note.textContent = word("cleared", "Cleared. You can start again.");
        (fields[0] || form).focus();
      });
      note.appendChild(again);
      form.insertBefore(note, form.firstChild);
    });
  }
  var draftTimer = null;
  document.addEventListener("input", function (event) {
    var form = event.target.closest && event.target.closest("form[data-draft]");
    if (!form) { return; }
    clearTimeout(draftTimer);
    draftTimer = setTimeout(function () { saveDraft(form); }, 300);
  });
  document.addEventListener("submit", function (event) {
    var form = event.target.closest("form[data-draft]");
    if (!form) { return; }
    saveDraft(form);
    try { window.sessionStorage.setItem("forum-draft-sent", draftKey(form)); } catch (e) { /* nothing to mark */ }
  });
  /* Before the swap, while the form is still on the page (the swap replaces it, and a removed form's events
     no longer reach the document). */
  document.addEventListener("htmx:beforeSwap", function (event) {
    var config = event.detail && event.detail.requestConfig;
    var form = config && config.elt;
    var status = event.detail && event.detail.xhr ? event.detail.xhr.status : 0;
    if (form && form.matches && form.matches("form[data-draft]") && status >= 200 && status < 300) {
      dropDraft(draftKey(form));
      try { window.sessionStorage.removeItem("forum-draft-sent"); } catch (e) { /* nothing marked */ }
    }
  });

  /* @mentions: typing @ and two letters lists matching people (a listbox the arrow keys move through). */
  var mention = { area: null, list: null, items: [], active: -1, timer: null, asked: 0 };
  function mentionWord(area) {
    var before = area.value.slice(0, area.selectionStart);
    var found = /(?:^|[^\w@\/])@([\w.\-]{2,30})$/.exec(before);
    return found ? found[1] : null;
  }
  function closeMentions() {
    if (mention.list) { mention.list.hidden = true; mention.list.textContent = ""; }
    if (mention.area) { mention.area.removeAttribute("aria-activedescendant"); }
    mention.items = []; mention.active = -1;
  }
  function highlight(i) {
    mention.items.forEach(function (li, n) { li.setAttribute("aria-selected", n === i ? "true" : "false"); });
    mention.active = i;
    if (mention.items[i]) {
      mention.area.setAttribute("aria-activedescendant", mention.items[i].id);
      mention.items[i].scrollIntoView({ block: "nearest" });
    }
  }
  function pick(i) {
    var person = mention.items[i];
    var area = mention.area;
    if (!person || !area) { return; }
    var word = mentionWord(area) || "";
    var at = area.selectionStart - word.length - 1;
    area.setRangeText("@" + person.getAttribute("data-handle") + " ", at, area.selectionStart, "end");
    closeMentions();
    say("#forum-live", person.getAttribute("data-name") + " mentioned.");
    area.focus();
    area.dispatchEvent(new Event("input", { bubbles: true }));
  }
  function showPeople(area, people) {
    var list = document.getElementById(area.getAttribute("aria-controls"));
    if (!list) { return; }
    mention.area = area; mention.list = list; list.textContent = ""; mention.items = [];
    if (!people.length) { closeMentions(); return; }
    people.forEach(function (p, i) {
      var li = document.createElement("li");
      li.setAttribute("role", "option");
      li.id = list.id + "-" + i;
      li.setAttribute("data-handle", p.handle);
      li.setAttribute("data-name", p.name);
      var face = document.createElement("span");
      face.className = "avatar small c" + p.colour;
      face.setAttribute("aria-hidden", "true");
      if (p.avatar) { var img = document.createElement("img"); img.src = p.avatar; img.alt = ""; face.appendChild(img); } else { face.textContent = p.initials; }
      var words = document.createElement("span");
      words.textContent = p.name + " (@" + p.handle + ")";
      li.appendChild(face); li.appendChild(words);
      li.addEventListener("mousedown", function (e) { e.preventDefault(); pick(i); });
      list.appendChild(li);
      mention.items.push(li);
    });
    list.hidden = false;
    highlight(0);
    say("#forum-live", plural("people_found", people.length, "%(count)s person found. Up and down arrows to choose, Enter to pick.", "%(count)s people found. Up and down arrows to choose, Enter to pick."));
  }
  document.addEventListener("input", function (event) {
    var area = event.target;
    if (!area.matches || !area.matches("textarea[data-mentions]")) { return; }
    var word = mentionWord(area);
    clearTimeout(mention.timer);
    if (!word) { if (mention.area === area) { closeMentions(); } return; }
    mention.timer = setTimeout(function () {
      var ticket = ++mention.asked;
      fetch(area.getAttribute("data-mentions") + "?q=" + encodeURIComponent(word), { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (r) { return r.ok ? r.json() : []; })
        .then(function (people) { if (ticket === mention.asked && mentionWord(area) === word) { showPeople(area, people); } })
        .catch(function () { /* no list this time; typing goes on */ });
    }, 200);
  });
  document.addEventListener("keydown", function (event) {
    var area = event.target;
    if (!area.matches || !area.matches("textarea[data-draft-field]")) { return; }
    var open = mention.area === area && mention.items.length;
    if (open && (event.key === "ArrowDown" || event.key === "ArrowUp")) {
      event.preventDefault();
      var n = mention.items.length;
      highlight((mention.active + (event.key === "ArrowDown" ? 1 : n - 1)) % n);
    } else if (open && (event.key === "Enter" || event.key === "Tab")) {
      event.preventDefault();
      pick(mention.active);
    } else if (open && event.key === "Escape") {
      event.preventDefault();
      closeMentions();
    } else if ((event.ctrlKey || event.metaKey) && /^[bk]$/i.test(event.key)) {
      event.preventDefault();
      edit(area, event.key.toLowerCase() === "b" ? "bold" : "link");
    }
  });
  document.addEventListener("focusout", function (event) {
    if (mention.area === event.target) { setTimeout(closeMentions, 150); }
  });

  document.addEventListener("DOMContentLoaded", function () {
    reveal(document); label(document); openMenuWhenWide(); showToolbars(document); restoreDrafts(document);
  });
  document.addEventListener("htmx:load", function (event) { reveal(event.target); showToolbars(event.target); });
})();
