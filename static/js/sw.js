// Academy's service worker (served at /sw.js, scope /; secure addresses only).
// Pages come from the network first; without a connection, from the
// courses saved on this phone (static/js/save.js), else the offline page.
// It also sends answers waiting on this phone when the browser says the
// connection is back (Background Sync); pages send them too (offline.js).
"use strict";
importScripts("/static/js/store.js");

var VERSION = new URL(self.location.href).searchParams.get("v") || "0";
var SHELL = "academy-shell:" + VERSION;
var SHELL_URLS = [
  "/offline", "/static/css/academy.css", "/static/js/store.js", "/static/js/offline.js", "/static/js/save.js",
  "/static/js/order.js", "/static/favicon.svg"
];
var WAIT_FOR_NETWORK = 6000; // then a saved copy is shown, if there is one

self.addEventListener("install", function (event) {
  event.waitUntil(caches.open(SHELL).then(function (cache) { return cache.addAll(SHELL_URLS); }).then(function () {
    return self.skipWaiting();
  }));
});

self.addEventListener("activate", function (event) {
  event.waitUntil(caches.keys().then(function (names) {
    return Promise.all(names.filter(function (name) {
      return name.indexOf("academy-shell:") === 0 && name !== SHELL;
    }).map(function (name) { return caches["delete"](name); }));
  }).then(function () { return self.clients.claim(); }));
});

function saved(request) {
  return caches.match(request, { ignoreVary: true }).then(function (response) {
    if (response || request.mode !== "navigate") return response;
    return caches.match("/offline", { ignoreVary: true });
  });
}

// The network's answer; a saved copy if the network fails, or is slow and
// a copy exists.
function networkFirst(request) {
  return new Promise(function (resolve, reject) {
    var done = false;
    function fallback() {
      return saved(request).then(function (response) {
        if (response && !done) {
          done = true;
          resolve(response);
        }
        return response;
      });
    }
    var timer = setTimeout(fallback, WAIT_FOR_NETWORK);
    fetch(request).then(function (response) {
      clearTimeout(timer);
      if (!done) {
        done = true;
        resolve(response);
      }
    }, function (error) {
      clearTimeout(timer);
      fallback().then(function (response) {
        if (!response && !done) {
          done = true;
          reject(error);
        }
      });
    });
  });
}

self.addEventListener("fetch", function (event) {
  var request = event.request;
  var url = new URL(request.url);
  if (request.method !== "GET" || url.origin !== self.location.origin) return;
  if (url.pathname === "/sw.js" || url.pathname.indexOf("/offline/") === 0) return; // tokens and lists: network only
  event.respondWith(networkFirst(request));
});

// The offline page is kept in the reader's language and sign-in state: a
// page asks for it again when these change (offline.js).
self.addEventListener("message", function (event) {
  if (event.data === "refresh-offline-page") {
    event.waitUntil(caches.open(SHELL).then(function (cache) { return cache.add("/offline"); }));
  }
});

function tellPages() {
  return self.clients.matchAll({ type: "window" }).then(function (pages) {
    pages.forEach(function (page) { page.postMessage("answers-changed"); });
  });
}

self.addEventListener("sync", function (event) {
  if (event.tag === "academy-answers") {
    event.waitUntil(self.AcademyStore.flush("/offline/csrf").then(function (result) {
      return tellPages().then(function () {
        if (result.failed) throw new Error("not sent yet"); // the browser tries again later
      });
    }));
  }
});
