// Every page: how many quiz answers wait on this phone (the status line
// under the header), sending them when the connection returns (on the
// "online" event, on page load and on a back-off timer), and a lesson's
// quiz answered while the connection is down: kept in this phone's store
// (static/js/store.js) with its attempt id, shown as waiting to be sent.
// Without JavaScript the quiz form posts as it always did.
(function () {
  "use strict";
  var box = document.getElementById("offline-status");
  var Store = window.AcademyStore;
  if (!box || !Store || !window.indexedDB || !window.fetch) return;
  var data = box.dataset;
  var form = document.querySelector("form.quiz-form");
  var sentHere = {}; // attempt ids sent while this page was open
  var signedOut = false;

  function say(key, values) {
    var text = data[key] || "";
    Object.keys(values || {}).forEach(function (name) { text = text.split("{" + name + "}").join(values[name]); });
    return text;
  }

  function number(n) {
    return new Intl.NumberFormat(document.documentElement.lang, { numberingSystem: "latn" }).format(n);
  }

  function element(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text) node.textContent = text;
    return node;
  }

  // -- the status line ---------------------------------------------------------
  async function showStatus() {
    var items = await Store.all("answers");
    var parts = [];
    if (!navigator.onLine) parts.push(element("p", "offline-now", say("textOffline")));
    var waiting = items.filter(function (item) { return item.state === "waiting"; });
    if (waiting.length) {
      var line = element("p", "offline-waiting", say("textWaiting", { n: number(waiting.length) }));
      if (signedOut) line.append(" " + say("textSignedOut"));
      parts.push(line);
    }
    items.filter(function (item) { return item.state === "refused"; }).forEach(function (item) {
      var line = element("p", "offline-refused", say("textRefused", { lesson: item.lesson, reason: item.message }));
      var dismiss = element("button", "link-button", say("textDismiss"));
      dismiss.type = "button";
      dismiss.addEventListener("click", function () {
        Store.remove("answers", item.id).then(function () { Store.changed(); refresh(); });
      });
      line.append(" ", dismiss);
      parts.push(line);
    });
    box.replaceChildren.apply(box, parts);
  }

  // -- the lesson's quiz ---------------------------------------------------------
  function notice(text, resultUrl) {
    var node = form.querySelector(".quiz-queued");
    if (!node) {
      node = element("p", "notice quiz-queued");
      form.querySelector(".quiz-submit").before(node);
    }
    node.classList.toggle("quiz-sent", !!resultUrl);
    node.textContent = text;
    if (resultUrl) {
      var link = element("a", "", say("textResult"));
      link.href = resultUrl;
      node.append(" ", link);
    }
  }

  function lock() {
    form.querySelectorAll("fieldset").forEach(function (node) { node.disabled = true; });
    form.querySelector(".quiz-submit").hidden = true;
  }

  async function showForm() {
    if (!form || !form.elements.attempt) return;
    var id = form.elements.attempt.value;
    var kept = await Store.get("answers", id);
    if (kept) {
      notice(kept.state === "refused" ? say("textRefused", { lesson: kept.lesson, reason: kept.message }) : say("textQueued"));
      lock();
      return;
    }
    var sent = await Store.get("sent", id);
    if (sent) {
      notice(sentHere[id] ? say("textSent") : say("textUsed"), sent.attemptUrl);
      lock();
    }
  }

  function refresh() {
    return Promise.all([showStatus(), showForm()]).catch(function () {});
  }

  function withTimeout(start, ms) {
    var controller = window.AbortController ? new AbortController() : null;
    var timer = setTimeout(function () { if (controller) controller.abort(); }, ms);
    return start(controller && controller.signal).finally(function () { clearTimeout(timer); });
  }

  async function submitted(event) {
    event.preventDefault();
    if (form.dataset.busy) return;
    form.dataset.busy = "1";
    var fields = new URLSearchParams(new FormData(form));
    var token = fields.get("csrf_token");
    fields.delete("csrf_token"); // a stored answer holds no secret; a fresh token is fetched to send it
    var item = {
      id: fields.get("attempt"), user: data.user, url: form.action, body: fields.toString(),
      lesson: form.dataset.lesson || document.title, page: location.pathname, created: Date.now()
    };
    if (await Store.get("sent", item.id)) return refresh();
    if (navigator.onLine) {
      notice(say("textSending"));
      try {
        var response = await withTimeout(function (signal) { return Store.post(item, token, signal); }, 20000);
        if (response.status === 400) { // the form's CSRF token expired: the answers are not lost
          token = (await Store.fetchSession(data.csrfUrl)).csrf_token;
          form.elements.csrf_token.value = token;
          response = await withTimeout(function (signal) { return Store.post(item, token, signal); }, 20000);
        }
        if (response.status === 200 && Store.isJson(response)) {
          location.assign((await response.json()).attempt_url);
          return;
        }
        if (response.status !== 401 && response.status < 500) {
          HTMLFormElement.prototype.submit.call(form); // answers to fix, or refused: the server's page says why
          return;
        }
      } catch (error) {
        // no connection after all: keep the answers
      }
    }
    await Store.keep(item);
    refresh();
    later();
    if (navigator.serviceWorker && window.isSecureContext) {
      navigator.serviceWorker.ready.then(function (registration) {
        return registration.sync && registration.sync.register("academy-answers");
      }).catch(function () {});
    }
  }

  // -- sending what waits ---------------------------------------------------------
  var delay = 5000;
  var timer = null;

  function later() {
    clearTimeout(timer);
    timer = setTimeout(send, delay);
    delay = Math.min(delay * 2, 5 * 60 * 1000);
  }

  async function send() {
    clearTimeout(timer);
    if (!navigator.onLine) return;
    var result;
    try {
      result = await Store.flush(data.csrfUrl);
    } catch (error) {
      result = { sent: [], failed: true };
    }
    signedOut = !!result.signedOut;
    result.sent.forEach(function (item) { sentHere[item.id] = true; });
    await refresh();
    if (result.failed) later();
    else delay = 5000;
  }

  if (form) form.addEventListener("submit", submitted);
  window.addEventListener("online", function () { delay = 5000; send(); });
  window.addEventListener("offline", refresh);
  if (Store.channel) Store.channel.addEventListener("message", refresh);
  if (navigator.serviceWorker) navigator.serviceWorker.addEventListener("message", refresh);
  if ("serviceWorker" in navigator && window.isSecureContext) {
    navigator.serviceWorker.register(data.swUrl, { scope: "/" }).catch(function () {});
    // The offline page the worker keeps: in this reader's language, for who is signed in.
    var reader = data.lang + "|" + data.user;
    if (navigator.onLine && localStorage.getItem("academy-offline-page") !== reader) {
      navigator.serviceWorker.ready.then(function (registration) {
        registration.active.postMessage("refresh-offline-page");
        localStorage.setItem("academy-offline-page", reader);
      });
    }
  }
  refresh().then(send);
})();
