/* Certificate upload: drag and drop onto the file field, and a list of the chosen files.
   Progressive enhancement: without this script the form is a plain multiple file input. */
(function () {
  "use strict";

  function formatSize(bytes) {
    if (bytes >= 1024 * 1024) return (bytes / (1024 * 1024)).toFixed(1) + " MB";
    return Math.max(1, Math.round(bytes / 1024)) + " KB";
  }

  function enhance(form) {
    var input = form.querySelector("input[type=file]");
    var zone = form.querySelector(".drop-zone");
    var list = form.querySelector(".chosen-files");
    if (!input || !zone || !list) return;
    var maxBytes = parseInt(form.dataset.maxBytes || "0", 10);
    var maxFiles = parseInt(form.dataset.maxFiles || "0", 10);

    zone.classList.add("is-enhanced");
    var hint = document.createElement("p");
    hint.className = "drop-hint";
    hint.textContent = "Or drag and drop the files here.";
    zone.appendChild(hint);

    function showChosen() {
      list.textContent = "";
      var files = Array.prototype.slice.call(input.files || []);
      files.forEach(function (file) {
        var item = document.createElement("li");
        var note = "";
        if (maxBytes && file.size > maxBytes) note = " (too large: it will be refused)";
        item.textContent = file.name + ", " + formatSize(file.size) + note;
        list.appendChild(item);
      });
      if (maxFiles && files.length > maxFiles) {
        var warning = document.createElement("li");
        warning.textContent = files.length + " files chosen; upload at most " + maxFiles + " at a time.";
        list.appendChild(warning);
      }
    }

    input.addEventListener("change", showChosen);

    ["dragenter", "dragover"].forEach(function (name) {
      zone.addEventListener(name, function (event) {
        event.preventDefault();
        zone.classList.add("is-dragging");
      });
    });
    ["dragleave", "dragend"].forEach(function (name) {
      zone.addEventListener(name, function () {
        zone.classList.remove("is-dragging");
      });
    });
    zone.addEventListener("drop", function (event) {
      event.preventDefault();
      zone.classList.remove("is-dragging");
      var dropped = event.dataTransfer && event.dataTransfer.files;
      if (!dropped || !dropped.length) return;
      input.files = dropped;
      showChosen();
      input.focus();
    });
  }

  function start() {
    Array.prototype.forEach.call(document.querySelectorAll("form.upload-form"), enhance);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
