/* The shop TV keeps itself current and pages through crowded stages on its own: each tick
   of the board's refresh asks for the page after the one shown; a new key shows the refusal,
   a lost network is said. */
(function () {
  "use strict";
  document.addEventListener("htmx:configRequest", function (event) {
    if (event.detail.elt.id !== "tv-board") return;
    // The board shown says which page comes next (after the last, the first again). If a
    // request fails, the same page is asked for at the next tick.
    var head = event.detail.elt.querySelector("[data-next-page]");
    if (head) event.detail.parameters.page = head.dataset.nextPage;
  });
  document.addEventListener("htmx:responseError", function (event) {
    // 403: the display key was rotated; reload so the screen shows the refusal, not old jobs.
    if (event.detail.xhr && event.detail.xhr.status === 403) {
      window.location.reload();
      return;
    }
    document.documentElement.classList.add("is-stale");
  });
  document.addEventListener("htmx:sendError", function () {
    document.documentElement.classList.add("is-stale");
  });
  document.addEventListener("htmx:afterSwap", function () {
    document.documentElement.classList.remove("is-stale");
  });
})();
