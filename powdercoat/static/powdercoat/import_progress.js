// The progress bar of a spreadsheet checked or imported in the background: ask the server every
// second how far the worker is, move the bar, and reload the page once the step is over so it
// shows the preview, the problems or the result.
(function () {
  "use strict";
  var box = document.querySelector("[data-import-progress]");
  if (!box) {
    return;
  }
  var bar = box.querySelector("[style*='width']");
  var text = box.querySelector("[data-progress-text]");
  var label = document.querySelector("[data-testid=import-state]");
  function poll() {
    fetch(box.getAttribute("data-import-progress"), {
      credentials: "same-origin",
      headers: { Accept: "application/json" },
    })
      .then(function (response) {
        return response.ok ? response.json() : null;
      })
      .then(function (state) {
        if (!state) {
          window.setTimeout(poll, 5000);
          return;
        }
        if (!state.running) {
          window.location.reload();
          return;
        }
        if (bar) {
          bar.style.width = Math.max(1, state.percent) + "%";
        }
        if (text) {
          text.textContent = state.text;
        }
        if (label) {
          label.textContent = state.label;
        }
        window.setTimeout(poll, 1000);
      })
      .catch(function () {
        window.setTimeout(poll, 5000);
      });
  }
  window.setTimeout(poll, 1000);
})();
