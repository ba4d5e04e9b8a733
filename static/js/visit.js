// Tells the server that an enrolled learner opened this lesson, so that
// "Continue" on My learning comes back here. Showing a lesson (a GET) writes
// nothing; this POST does, and only when the page asks for it (the lesson
// is new to the learner or not the last one they opened).
(function () {
  "use strict";
  var marker = document.querySelector("[data-visit-url]");
  if (!marker || !window.fetch) { return; }
  fetch(marker.dataset.visitUrl, {
    method: "POST",
    credentials: "same-origin",
    keepalive: true,
    headers: { "X-CSRFToken": marker.dataset.csrf }
  }).then(function (response) {
    if (response.ok) { marker.dataset.visitRecorded = "yes"; }
  }).catch(function () { /* offline: the next lesson opened records it */ });
})();
