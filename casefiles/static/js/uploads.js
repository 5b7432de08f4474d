// Uploads: drag-and-drop onto the file field and a progress bar while the files travel.
// Progressive enhancement: without JavaScript the same form posts normally.
(function () {
  "use strict";

  function listFiles(form, input) {
    var list = form.querySelector("[data-upload-list]");
    if (!list) { return; }
    list.textContent = "";
    Array.prototype.forEach.call(input.files || [], function (file) {
      var item = document.createElement("li");
      item.textContent = file.name + " (" + Math.max(1, Math.round(file.size / 1024)) + " KB)";
      list.appendChild(item);
    });
  }

  function showError(form, key) {
    var box = form.querySelector("[data-upload-error]");
    if (!box) { return; }
    box.textContent = box.getAttribute(key) || "";
    box.hidden = false;
    box.focus && box.focus();
  }

  function enhance(form) {
    var input = form.querySelector("input[type=file]");
    var zone = form.querySelector("[data-dropzone]");
    var progress = form.querySelector("[data-upload-progress]");
    var bar = form.querySelector("[data-upload-bar]");
    var percent = form.querySelector("[data-upload-percent]");
    var hint = form.querySelector("[data-dropzone-hint]");
    if (!input || !window.FormData || !window.XMLHttpRequest) { return; }
    if (hint) { hint.hidden = false; }

    input.addEventListener("change", function () { listFiles(form, input); });

    if (zone) {
      ["dragenter", "dragover"].forEach(function (name) {
        zone.addEventListener(name, function (event) {
          event.preventDefault();
          zone.classList.add("dropzone-active");
        });
      });
      ["dragleave", "drop"].forEach(function (name) {
        zone.addEventListener(name, function () { zone.classList.remove("dropzone-active"); });
      });
      zone.addEventListener("drop", function (event) {
        event.preventDefault();
        var files = event.dataTransfer && event.dataTransfer.files;
        if (!files || !files.length) { return; }
        if (!input.multiple && files.length > 1) {
          var one = new DataTransfer();
          one.items.add(files[0]);
          files = one.files;
        }
        input.files = files;
        listFiles(form, input);
      });
    }

    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var button = form.querySelector("button[type=submit]");
      var request = new XMLHttpRequest();
      request.open("POST", form.action || window.location.href);
      request.setRequestHeader("X-Requested-With", "XMLHttpRequest");
      if (progress) { progress.hidden = false; }
      if (button) { button.disabled = true; }
      var box = form.querySelector("[data-upload-error]");
      if (box) { box.hidden = true; }
      request.upload.addEventListener("progress", function (e) {
        if (!e.lengthComputable) { return; }
        var value = Math.round((e.loaded / e.total) * 100);
        if (bar) { bar.value = value; }
        if (percent) { percent.textContent = value + " %"; }
      });
      request.addEventListener("load", function () {
        if (request.status === 413) {
          if (button) { button.disabled = false; }
          if (progress) { progress.hidden = true; }
          showError(form, "data-message-too-large");
          return;
        }
        var target = request.responseURL || "";
        if (request.status >= 200 && request.status < 300 && target && target !== (form.action || window.location.href)) {
          window.location.assign(target);
          return;
        }
        // The server answered with the form and its messages: show that page as it is.
        document.open();
        document.write(request.responseText);
        document.close();
      });
      request.addEventListener("error", function () {
        if (button) { button.disabled = false; }
        if (progress) { progress.hidden = true; }
        showError(form, "data-message-failed");
      });
      request.send(new FormData(form));
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    Array.prototype.forEach.call(document.querySelectorAll("[data-upload-form]"), enhance);
  });
}());
