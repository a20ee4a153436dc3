/* The forum's service worker: favourites and the last questions read stay readable without a connection.

   Pages always come from the network first; a copy of the favourites page, the front page and each question
   page read is kept on this device, at most KEEP pages (the oldest go first). Without a connection the kept
   copy is shown, or the forum's "You are offline" page. Copies belong to one person: when the server says a
   different person (or nobody) is signed in, every copy is deleted at once. */
"use strict";

var params = new URL(self.location.href).searchParams;
var KEEP = Math.max(1, Math.min(200, parseInt(params.get("keep") || "20", 10) || 20));
var VERSION = params.get("v") || "1";
var SCOPE = self.registration.scope;  /* ends with "/", e.g. https://portal/community/ */
var PAGES = "forum-pages";
var OWNER = "forum-pages-owner";
var ASSETS = "forum-assets-" + VERSION;
var OFFLINE = SCOPE + "offline";

function kept(url) {
  if (url.indexOf("?") !== -1) { return false; }  /* a page of a list, a search: not worth keeping */
  var path = url.slice(SCOPE.length - 1);  /* "/", "/favourites", "/t/12/slug" */
  return path === "/" || path === "/favourites" || /^\/t\/\d+(\/[^/]*)?$/.test(path);
}

self.addEventListener("install", function (event) {
  event.waitUntil(
    /* Fetched as a guest: the page shown offline carries nobody's name. */
    caches.open(ASSETS).then(function (cache) { return cache.add(new Request(OFFLINE, { credentials: "omit" })); })
      .then(function () { return self.skipWaiting(); })
  );
});

self.addEventListener("activate", function (event) {
  event.waitUntil(
    caches.keys().then(function (names) {
      return Promise.all(names.filter(function (n) { return n.indexOf("forum-assets-") === 0 && n !== ASSETS; })
        .map(function (n) { return caches.delete(n); }));
    }).then(function () { return self.clients.claim(); })
  );
});

/* Keep at most KEEP pages: Cache Storage lists keys in the order they were put, so the first are the oldest. */
function trim(cache) {
  return cache.keys().then(function (keys) {
    return Promise.all(keys.slice(0, Math.max(0, keys.length - KEEP)).map(function (k) { return cache.delete(k); }));
  });
}

/* The kept pages belong to whoever the server says is signed in (X-Forum-Viewer, a keyed hash, or "guest").
   When that changes (someone else signs in, or the person signs out) every kept page is deleted first. */
function pagesOf(viewer) {
  return caches.open(OWNER).then(function (owner) {
    return owner.match(SCOPE).then(function (found) { return found ? found.text() : ""; }).then(function (previous) {
      if (previous === viewer) { return caches.open(PAGES); }
      return caches.delete(PAGES)
        .then(function () { return owner.put(SCOPE, new Response(viewer)); })
        .then(function () { return caches.open(PAGES); });
    });
  });
}

function page(event) {
  var request = event.request;
  var url = request.url.split("#")[0];
  return fetch(request).then(function (response) {
    var viewer = response.headers.get("X-Forum-Viewer");
    if (response.ok && response.type === "basic" && viewer) {
      var copy = kept(url) ? response.clone() : null;
      event.waitUntil(pagesOf(viewer).then(function (cache) {
        if (!copy) { return null; }
        return cache.delete(url).then(function () { return cache.put(url, copy); }).then(function () { return trim(cache); });
      }));
    }
    return response;
  }).catch(function () {
    return caches.open(PAGES).then(function (cache) { return cache.match(url); })
      .then(function (copy) { return copy || caches.match(OFFLINE); })
      .then(function (copy) {
        return copy || new Response("You are offline. Connect to the internet and try again.", { status: 503, headers: { "Content-Type": "text/plain; charset=utf-8" } });
      });
  });
}

/* CSS, scripts and fonts from this site: the network first too, a copy for when there is none. */
function asset(event) {
  return fetch(event.request).then(function (response) {
    if (response.ok) {
      var copy = response.clone();
      event.waitUntil(caches.open(ASSETS).then(function (cache) { return cache.put(event.request, copy); }));
    }
    return response;
  }).catch(function () {
    return caches.match(event.request).then(function (copy) { return copy || Response.error(); });
  });
}

self.addEventListener("fetch", function (event) {
  var request = event.request;
  if (request.method !== "GET") { return; }
  if (request.mode === "navigate" && request.url.indexOf(SCOPE) === 0) {
    event.respondWith(page(event));
  } else if (new URL(request.url).origin === self.location.origin && ["style", "script", "font"].indexOf(request.destination) !== -1) {
    event.respondWith(asset(event));  /* the forum's and the portal's own CSS and scripts, for kept pages */
  }
});
