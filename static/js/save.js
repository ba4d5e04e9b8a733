// Courses saved on this phone for reading without a connection (needs a
// service worker: a secure address, or localhost).
//   - On a course page: "Save for offline" downloads every page, media file
//     and asset the server lists (/offline/courses/<id>/<lang>.json), one by
//     one with retries, into a cache named by the course's content version,
//     showing progress and the size saved.
//   - On any page of a saved course, with a connection: a new content
//     version is saved the same way; the old copy is removed only once the
//     new one is complete.
//   - On the offline page: the list of saved courses.
(function () {
  "use strict";
  var Store = window.AcademyStore;
  var status = document.getElementById("offline-status");
  var section = document.getElementById("offline-save");
  var hint = document.getElementById("offline-secure-hint");
  var list = document.getElementById("offline-saved-list");
  var usable = !!(Store && status && window.caches && window.indexedDB && "serviceWorker" in navigator && window.isSecureContext);
  if (!usable) {
    if (hint) hint.hidden = false; // saving needs the secure address
    return;
  }
  var PREFIX = "academy-course:";

  function say(node, key, values) {
    var text = node.dataset[key] || "";
    Object.keys(values || {}).forEach(function (name) { text = text.split("{" + name + "}").join(values[name]); });
    return text;
  }

  function size(node, bytes) {
    var format = new Intl.NumberFormat(document.documentElement.lang, { numberingSystem: "latn", maximumFractionDigits: 1 });
    if (bytes < 1024 * 1024) return say(node, "textKb", { n: format.format(Math.max(1, Math.round(bytes / 1024))) });
    return say(node, "textMb", { n: format.format(bytes / (1024 * 1024)) });
  }

  function pause(ms) { return new Promise(function (resolve) { setTimeout(resolve, ms); }); }

  // One file, tried three times; a page is fetched as a copy (not a visit).
  async function download(url, kind) {
    var headers = kind === "page" ? { "X-Academy-Offline": "save" } : {};
    for (var attempt = 1; ; attempt++) {
      try {
        var response = await fetch(url, { credentials: "same-origin", cache: "no-store", headers: headers });
        if (response.ok && !response.redirected) return response;
        throw new Error(url + ": " + response.status);
      } catch (error) {
        if (attempt >= 3) throw error;
        await pause(1000 * attempt);
      }
    }
  }

  async function manifest(url) {
    var response = await fetch(url, { credentials: "same-origin", cache: "no-store" });
    if (!response.ok) throw new Error("manifest " + response.status);
    return response.json();
  }

  // Save a course's listed files into the cache of its version, skipping
  // what an interrupted earlier run already saved; then forget older copies.
  async function save(list, progress) {
    var name = PREFIX + list.course + ":" + list.version;
    var cache = await caches.open(name);
    var bytes = 0;
    for (var i = 0; i < list.items.length; i++) {
      var item = list.items[i];
      var response = await cache.match(item.url, { ignoreVary: true });
      if (!response) {
        response = await download(item.url, item.kind);
        await cache.put(item.url, response.clone());
      }
      bytes += (await response.blob()).size;
      progress(i + 1, list.items.length, bytes);
    }
    var record = {
      course: list.course, language: list.language, title: list.title, url: list.url, version: list.version,
      cache: name, manifest: section ? section.dataset.manifestUrl : null, bytes: bytes, savedAt: Date.now()
    };
    var old = await Store.get("courses", list.course);
    if (old && old.manifest && !record.manifest) record.manifest = old.manifest;
    await Store.put("courses", record);
    var names = await caches.keys();
    for (var j = 0; j < names.length; j++) {
      if (names[j].indexOf(PREFIX + list.course + ":") === 0 && names[j] !== name) await caches["delete"](names[j]);
    }
    return record;
  }

  async function forget(course) {
    var names = await caches.keys();
    for (var i = 0; i < names.length; i++) {
      if (names[i].indexOf(PREFIX + course + ":") === 0) await caches["delete"](names[i]);
    }
    await Store.remove("courses", course);
  }

  // The manifest address for this course in the reader's language now.
  function manifestUrl(record) {
    var lang = status.dataset.lang;
    return record.manifest ? record.manifest.replace(/[^/]+\.json$/, lang + ".json") : null;
  }

  // -- the course page -------------------------------------------------------------
  function coursePage() {
    var course = section.dataset.course;
    var state = section.querySelector(".offline-save-state");
    var bar = section.querySelector(".offline-save-progress");
    var saveButton = section.querySelector(".offline-save-button");
    var removeButton = section.querySelector(".offline-remove-button");
    var busy = false;
    section.hidden = false;

    function show(record) {
      bar.hidden = true;
      saveButton.hidden = !!record;
      removeButton.hidden = !record;
      if (record) state.textContent = say(section, "textSaved", { size: size(section, record.bytes) });
    }

    async function run(updating) {
      if (busy) return;
      busy = true;
      saveButton.disabled = true;
      try {
        var list = await manifest(section.dataset.manifestUrl);
        var old = await Store.get("courses", course);
        if (old && old.version === list.version) return show(old);
        bar.hidden = false;
        var record = await save(list, function (done, total) {
          bar.max = total;
          bar.value = done;
          state.textContent = say(section, updating ? "textUpdating" : "textSaving", { done: done, total: total });
        });
        show(record);
      } catch (error) {
        bar.hidden = true;
        state.textContent = say(section, updating ? "textUpdateFailed" : "textFailed");
        saveButton.textContent = say(section, "textAgain");
        saveButton.hidden = false;
      } finally {
        busy = false;
        saveButton.disabled = false;
      }
    }

    saveButton.addEventListener("click", function () { Store.get("courses", course).then(function (old) { run(!!old); }); });
    removeButton.addEventListener("click", function () {
      forget(course).then(function () {
        show(null);
        state.textContent = say(section, "textRemoved");
      });
    });
    Store.get("courses", course).then(function (record) {
      show(record);
      if (record && navigator.onLine) run(true); // a new version, if there is one
    });
  }

  // -- any other page of a saved course: fetch a new version quietly ----------------
  async function updateQuietly() {
    var match = location.pathname.match(/^\/courses\/([^/]+)\//);
    if (!match || !navigator.onLine) return;
    var record = await Store.get("courses", decodeURIComponent(match[1]));
    var url = record && manifestUrl(record);
    if (!url) return;
    var checked = "academy-checked:" + record.course; // at most every five minutes while reading
    if (Date.now() - Number(sessionStorage.getItem(checked) || 0) < 5 * 60 * 1000) return;
    sessionStorage.setItem(checked, String(Date.now()));
    var list = await manifest(url);
    if (list.version !== record.version) await save(list, function () {});
  }

  // -- the offline page ---------------------------------------------------------------
  async function savedList() {
    var records = await Store.all("courses");
    list.replaceChildren();
    if (!records.length) {
      var none = document.createElement("li");
      none.textContent = say(list, "textNone");
      list.append(none);
      return;
    }
    records.forEach(function (record) {
      var item = document.createElement("li");
      var link = document.createElement("a");
      link.href = record.url;
      link.textContent = record.title;
      var date = new Intl.DateTimeFormat(document.documentElement.lang, { dateStyle: "medium" }).format(new Date(record.savedAt));
      item.append(link, " ", say(list, "textSize", { size: size(list, record.bytes), date: date }));
      list.append(item);
    });
  }

  if (section) coursePage();
  else updateQuietly().catch(function () {});
  if (list) savedList().catch(function () {});
})();
