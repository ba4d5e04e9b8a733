// An assignment's file field: a file that is too large is refused at once,
// in the learner's language, before minutes of uploading on a slow network.
// The server checks again (size, and what the file really is).
(function () {
  "use strict";
  var fields = document.querySelectorAll('input[type="file"][data-max-bytes]');
  Array.prototype.forEach.call(fields, function (field) {
    field.addEventListener("change", function () {
      var file = field.files && field.files[0];
      var limit = parseInt(field.dataset.maxBytes, 10);
      field.setCustomValidity(file && file.size > limit ? field.dataset.tooLarge : "");
      if (file && file.size > limit) { field.reportValidity(); }
    });
  });
})();
