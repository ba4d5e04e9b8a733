// What this phone keeps for Academy in IndexedDB, for pages and the service
// worker alike (no DOM here):
//   answers  quiz answers waiting to be sent, by attempt id
//   sent     attempt ids already sent (a saved page cannot send them twice)
//   courses  courses saved for offline reading (static/js/save.js)
// flush() sends the waiting answers. The server records an attempt id once:
// sending one again returns the stored result, so a page and the worker
// sending at the same time record it once.
(function (global) {
  "use strict";
  var opened = null;

  function open() {
    if (!opened) {
      opened = new Promise(function (resolve, reject) {
        var request = global.indexedDB.open("academy", 1);
        request.onupgradeneeded = function () {
          var db = request.result;
          db.createObjectStore("answers", { keyPath: "id" });
          db.createObjectStore("sent", { keyPath: "id" });
          db.createObjectStore("courses", { keyPath: "course" });
        };
        request.onsuccess = function () { resolve(request.result); };
        request.onerror = function () { opened = null; reject(request.error); };
      });
    }
    return opened;
  }

  function run(store, mode, work) {
    return open().then(function (db) {
      return new Promise(function (resolve, reject) {
        var transaction = db.transaction(store, mode);
        var request = work(transaction.objectStore(store));
        transaction.oncomplete = function () { resolve(request && request.result); };
        transaction.onerror = transaction.onabort = function () { reject(transaction.error); };
      });
    });
  }

  function get(store, key) { return run(store, "readonly", function (s) { return s.get(key); }); }
  function all(store) { return run(store, "readonly", function (s) { return s.getAll(); }); }
  function put(store, value) { return run(store, "readwrite", function (s) { return s.put(value); }); }
  function remove(store, key) { return run(store, "readwrite", function (s) { return s["delete"](key); }); }

  // Tell other tabs (and the worker) that the answers changed.
  var channel = global.BroadcastChannel ? new global.BroadcastChannel("academy-answers") : null;
  function changed() { if (channel) channel.postMessage("changed"); }

  // Keep an answer; an answer with the same attempt id is never replaced.
  function keep(item) {
    return get("answers", item.id).then(function (existing) {
      if (existing) return false;
      item.state = "waiting";
      return put("answers", item).then(function () { changed(); return true; });
    });
  }

  function fetchSession(csrfUrl) {
    return fetch(csrfUrl, { credentials: "same-origin", cache: "no-store", headers: { Accept: "application/json" } })
      .then(function (response) {
        if (!response.ok) throw new Error("no token: " + response.status);
        return response.json();
      });
  }

  function post(item, token, signal) {
    return fetch(item.url, {
      method: "POST",
      credentials: "same-origin",
      signal: signal,
      headers: { Accept: "application/json", "Content-Type": "application/x-www-form-urlencoded", "X-CSRFToken": token },
      body: item.body
    });
  }

  function isJson(response) {
    return (response.headers.get("Content-Type") || "").indexOf("application/json") === 0;
  }

  // Send one answer: {outcome: "sent"|"refused"|"signed-out"|"later", data}.
  // A CSRF token that expired meanwhile is fetched again once.
  async function sendOne(item, session, csrfUrl) {
    var response = await post(item, session.csrf_token);
    if (response.status === 400) {
      var fresh = await fetchSession(csrfUrl);
      session.csrf_token = fresh.csrf_token;
      response = await post(item, session.csrf_token);
    }
    var data = isJson(response) ? await response.json() : null;
    if (response.status === 200 && data) return { outcome: "sent", data: data };
    if (response.status === 422 && data) return { outcome: "refused", data: data };
    if (response.status === 401 || response.status === 403) return { outcome: "signed-out" };
    return { outcome: "later" };
  }

  // A saved copy of a lesson whose answers were sent holds a spent attempt
  // id: fetch it again (with a fresh one) into every cache that has it.
  async function refreshCopy(page) {
    if (!global.caches || !page) return;
    var names = await global.caches.keys();
    for (var i = 0; i < names.length; i++) {
      var cache = await global.caches.open(names[i]);
      if (!(await cache.match(page, { ignoreVary: true }))) continue;
      var response = await fetch(page, { credentials: "same-origin", headers: { "X-Academy-Offline": "save" } });
      if (response.ok && !response.redirected) await cache.put(page, response);
    }
  }

  // Attempt ids sent more than 90 days ago: their saved pages are long replaced.
  async function forgetOldSent() {
    var old = Date.now() - 90 * 24 * 3600 * 1000;
    var sent = await all("sent");
    for (var i = 0; i < sent.length; i++) {
      if (sent[i].at < old) await remove("sent", sent[i].id);
    }
  }

  var flushing = null;

  // Send every waiting answer of the learner signed in now. Resolves to
  // {sent: [items], refused: [items], signedOut, failed}.
  function flush(csrfUrl) {
    if (!flushing) {
      flushing = doFlush(csrfUrl).finally(function () { flushing = null; });
    }
    return flushing;
  }

  async function doFlush(csrfUrl) {
    var result = { sent: [], refused: [], signedOut: false, failed: false };
    var items = (await all("answers")).filter(function (item) { return item.state === "waiting"; });
    if (!items.length) return result;
    var session;
    try {
      session = await fetchSession(csrfUrl);
    } catch (error) {
      result.failed = true;
      return result;
    }
    if (!session.user) {
      result.signedOut = true;
      return result;
    }
    for (var i = 0; i < items.length; i++) {
      var item = items[i];
      if (String(item.user) !== String(session.user)) continue; // someone else's: waits for them
      var reply;
      try {
        reply = await sendOne(item, session, csrfUrl);
      } catch (error) {
        result.failed = true;
        break;
      }
      if (reply.outcome === "sent") {
        item.attemptUrl = reply.data.attempt_url;
        await put("sent", { id: item.id, attemptUrl: item.attemptUrl, page: item.page, at: Date.now() });
        await remove("answers", item.id);
        result.sent.push(item);
        refreshCopy(item.page).catch(function () {});
      } else if (reply.outcome === "refused") {
        item.state = "refused";
        item.message = reply.data.message;
        await put("answers", item);
        result.refused.push(item);
      } else if (reply.outcome === "signed-out") {
        result.signedOut = true;
        break;
      } else {
        result.failed = true;
        break;
      }
    }
    if (result.sent.length || result.refused.length) changed();
    await forgetOldSent();
    return result;
  }

  global.AcademyStore = {
    get: get, all: all, put: put, remove: remove, keep: keep, flush: flush, changed: changed, channel: channel,
    fetchSession: fetchSession, post: post, isJson: isJson
  };
})(self);
