/* The shop TV keeps itself current: a new key shows the refusal, a lost network is said. */
(function () {
  "use strict";
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
    fitColumns();
  });

  // A TV cannot scroll: hide the cards a column has no room for (the least pressing ones,
  // at the bottom) and count them in the column's "+ N more" line.
  function fitColumns() {
    document.querySelectorAll(".tv-col").forEach(function (column) {
      var list = column.querySelector(".tv-cards");
      var more = column.querySelector(".tv-more");
      if (!list || !more) return;
      var cards = Array.prototype.slice.call(list.children);
      var notSent = parseInt(column.dataset.more || "0", 10);
      var hidden = 0;
      function count() {
        var total = notSent + hidden;
        more.hidden = total === 0;
        more.textContent = "+ " + total + " more in " + column.dataset.stage;
      }
      cards.forEach(function (card) { card.hidden = false; });
      count();
      while (hidden < cards.length && list.scrollHeight > list.clientHeight + 1) {
        hidden += 1;
        cards[cards.length - hidden].hidden = true;
        count();
      }
    });
  }
  document.addEventListener("DOMContentLoaded", fitColumns);
  window.addEventListener("resize", fitColumns);
})();
