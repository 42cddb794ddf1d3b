/* Upload page: drop files onto the form (the plain file input works without this),
   and refresh the status column while files are being indexed. */
(function () {
  "use strict";
  var zone = document.querySelector("[data-dropzone]");
  var input = document.getElementById("upload-files");
  if (zone && input) {
    var hint = zone.querySelector("[data-dropzone-hint]");
    if (hint) hint.hidden = false;
    ["dragenter", "dragover"].forEach(function (type) {
      zone.addEventListener(type, function (event) {
        event.preventDefault();
        zone.classList.add("is-over");
      });
    });
    ["dragleave", "drop"].forEach(function (type) {
      zone.addEventListener(type, function () { zone.classList.remove("is-over"); });
    });
    zone.addEventListener("drop", function (event) {
      event.preventDefault();
      if (event.dataTransfer && event.dataTransfer.files.length) {
        input.files = event.dataTransfer.files;
      }
    });
  }

  function pending() {
    return document.querySelectorAll('tr[data-status="queued"], tr[data-status="indexing"]').length;
  }
  function poll() {
    if (!pending()) return;
    fetch("/api/uploads", {credentials: "same-origin", headers: {"Accept": "application/json"}})
      .then(function (r) { return r.ok ? r.json() : []; })
      .then(function (rows) {
        var changed = rows.some(function (u) {
          var tr = document.querySelector('tr[data-upload="' + u.id + '"]');
          return tr && tr.getAttribute("data-status") !== u.status;
        });
        if (changed) { window.location.reload(); } else { window.setTimeout(poll, 1500); }
      });
  }
  window.setTimeout(poll, 1000);
})();
