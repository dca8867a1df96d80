/* The phone view's service worker: the page's files from the phone, the job list from the
   network while there is one, else the last list the phone saw. */
"use strict";
var CACHE = "shop-phone-{{ version }}";
var SHELL = {{ shell_json|safe }};
var PAGE = {{ page_json|safe }};

self.addEventListener("install", function (event) {
  event.waitUntil(caches.open(CACHE).then(function (cache) { return cache.addAll(SHELL); }));
  self.skipWaiting();
});

self.addEventListener("activate", function (event) {
  event.waitUntil(
    caches.keys().then(function (names) {
      return Promise.all(names.filter(function (name) {
        return name.indexOf("shop-phone-") === 0 && name !== CACHE;
      }).map(function (name) { return caches.delete(name); }));
    }).then(function () { return self.clients.claim(); })
  );
});

function offlinePage() {
  return new Response(
    "<!DOCTYPE html><meta charset=utf-8><meta name=viewport content='width=device-width'>" +
    "<title>No connection</title><body style='font:18px system-ui;padding:24px'>" +
    "<h1>No connection</h1><p>This phone has not kept a job list yet. Open the page again " +
    "when the Wi-Fi is back.</p>",
    { status: 503, headers: { "Content-Type": "text/html; charset=utf-8" } }
  );
}

self.addEventListener("fetch", function (event) {
  var request = event.request;
  if (request.method !== "GET") return;
  var url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (SHELL.indexOf(url.pathname) !== -1) {
    event.respondWith(caches.match(request).then(function (hit) { return hit || fetch(request); }));
    return;
  }
  // The page itself (any chip or stage): the network first, the last copy without one. The
  // list's own refresh is left to the network: offline it fails and the page keeps its list.
  if (url.pathname === PAGE && request.mode === "navigate") {
    event.respondWith(
      fetch(request).then(function (response) {
        if (response.ok && !response.redirected) {
          var copy = response.clone();
          caches.open(CACHE).then(function (cache) { cache.put(PAGE, copy); });
        }
        return response;
      }).catch(function () {
        return caches.match(PAGE).then(function (hit) { return hit || offlinePage(); });
      })
    );
  }
});
