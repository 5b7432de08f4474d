// Dossier progress: poll the status endpoint and update the page (the page also works by refreshing).
(function () {
  "use strict";
  var box = document.getElementById("dossier-progress");
  if (!box || !window.fetch) { return; }
  var url = box.getAttribute("data-status-url");
  var state = document.getElementById("dossier-state");
  var bar = document.getElementById("dossier-bar");
  var errorBox = document.getElementById("dossier-error");
  var download = document.getElementById("dossier-download");
  var refresh = document.getElementById("dossier-refresh");
  var count = document.getElementById("dossier-count");

  function label(status) {
    return box.getAttribute("data-label-" + (status === "queued" ? "running" : status)) || status;
  }

  function poll() {
    fetch(url, { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (response) { return response.ok ? response.json() : Promise.reject(response.status); })
      .then(function (data) {
        bar.value = data.percent;
        bar.textContent = data.percent + " %";
        state.querySelector("strong").textContent = label(data.status);
        count.textContent = data.progress + " / " + data.total;
        if (data.finished) {
          if (refresh) { refresh.hidden = true; }
          if (data.error) { errorBox.textContent = data.error; errorBox.hidden = false; }
          if (data.download) { download.hidden = false; }
          return;
        }
        if (data.stalled) { return; }  // the refresh link shows why
        window.setTimeout(poll, 1000);
      })
      .catch(function () { window.setTimeout(poll, 5000); });
  }
  poll();
})();
