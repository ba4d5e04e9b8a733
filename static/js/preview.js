// academy preview only (never on a page `academy serve` shows): reloads the
// page when the author saves a course file. The server's /preview/version
// changes whenever a file of the previewed courses does; the page was made
// at the version in its data-version attribute.
(function () {
  "use strict";
  var bar = document.getElementById("preview-bar");
  if (!bar || !window.fetch) { return; }
  var shown = bar.dataset.version;
  var INTERVAL = 1000;

  function reload() {
    if (bar.hasAttribute("data-posted")) {
      // The answer to a form: show its address again rather than send the form twice.
      window.location.replace(window.location.href.split("#")[0]);
    } else {
      window.location.reload();
    }
  }

  function poll() {
    fetch(bar.dataset.versionUrl, { credentials: "same-origin", cache: "no-store" }).then(function (response) {
      if (response.status === 403) { return null; } // the preview was restarted: its old link no longer works
      return response.ok ? response.json() : {};
    }).then(function (data) {
      if (data === null) { return; }
      if (data.version && data.version !== shown) {
        bar.dataset.reloading = "yes";
        reload();
        return;
      }
      setTimeout(poll, INTERVAL);
    }).catch(function () {
      setTimeout(poll, INTERVAL * 3); // stopped or restarting: keep looking, more slowly
    });
  }

  setTimeout(poll, INTERVAL);
})();
