// Follows a running job (taken/taak_detail.html): asks its state every two
// seconds, updates the progress bar and the status line (a polite live
// region), and reloads the page when the job is done or failed. Without this
// script the page has a link to refresh it.
(function () {
  "use strict";
  var box = document.getElementById("taak");
  if (!box || box.dataset.afgelopen === "ja") return;
  var bar = document.getElementById("taak-voortgang");
  var line = document.getElementById("taak-status");
  var lastText = line ? line.textContent : "";
  function poll() {
    fetch(box.dataset.statusUrl, { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (state) {
        if (!state) { window.setTimeout(poll, 5000); return; }
        if (state.afgelopen) { window.location.reload(); return; }
        if (bar) { bar.value = state.voortgang; bar.textContent = state.voortgang + "%"; }
        var text = state.status_tekst.charAt(0).toUpperCase() + state.status_tekst.slice(1) + ": " + state.stap + " (" + state.voortgang + "%).";
        // Only a changed step is announced, not every percent.
        if (line && state.stap + state.status !== lastText) { line.textContent = text; lastText = state.stap + state.status; }
        window.setTimeout(poll, 2000);
      })
      .catch(function () { window.setTimeout(poll, 5000); });
  }
  window.setTimeout(poll, 1000);
})();
