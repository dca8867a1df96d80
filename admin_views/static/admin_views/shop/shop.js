/* Behaviour of the shop-floor pages: the Live toggle, board drops and Undo, refusals in words. */
(function () {
  "use strict";

  // -- phone view: auto-refresh while "Live" is on and the screen shows the page -----------
  var live = true;
  window.shopLiveOn = function () {
    return live && !document.hidden;
  };
  function refreshList() {
    var list = document.getElementById("mobile-list");
    if (list && window.htmx) {
      window.htmx.ajax("GET", list.getAttribute("hx-get"), { target: list, swap: "innerHTML" });
    }
  }
  document.addEventListener("click", function (event) {
    var toggle = event.target.closest("[data-live-toggle]");
    if (!toggle) return;
    live = !live;
    toggle.setAttribute("aria-pressed", String(live));
    toggle.querySelector(".live-text").textContent = live ? "Live" : "Paused";
    if (live) refreshList();
  });
  // A phone picked up again after a while shows the current list at once.
  document.addEventListener("visibilitychange", function () {
    if (!document.hidden && live) refreshList();
  });

  // -- plain forms (bump page, usage page): a button pressed once stays pressed --------------
  // The server applies each form once anyway (its one-time key); this spares a second tap.
  // Disabled after the browser has taken the button's name and value, freed after a while.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (event.defaultPrevented || form.hasAttribute("hx-post")) return;
    if ((form.getAttribute("method") || "get").toLowerCase() !== "post") return;
    var buttons = Array.prototype.slice.call(form.querySelectorAll("button[type=submit], button:not([type])"));
    setTimeout(function () { buttons.forEach(function (b) { b.disabled = true; }); }, 0);
    setTimeout(function () { buttons.forEach(function (b) { b.disabled = false; }); }, 8000);
  });

  // -- Priority Board: a card dropped in another lane moves through its "Move to" form -----
  window.pbMove = function (number, priority) {
    var card = document.querySelector('.pb-card[data-job="' + CSS.escape(number) + '"]');
    if (!card || card.dataset.priority === String(priority)) return;
    var form = card.querySelector("form.pb-move");
    form.elements.priority.value = String(priority);
    window.htmx.trigger(form, "submit");
  };

  // -- Priority Board: after a move the board comes back with each lane scrolled where it
  // was, the card just moved in sight in its new lane, and the note offering Undo for as long
  // as it says (the server accepts an Undo for a minute, for a slow connection).
  var laneScroll = {};
  function eachLane(root, fn) {
    Array.prototype.forEach.call(root.querySelectorAll(".pb-lane[data-lane] .pb-cards"), function (cards) {
      fn(cards, cards.parentElement.dataset.lane);
    });
  }
  document.addEventListener("htmx:beforeSwap", function (event) {
    if (event.detail.target && event.detail.target.id === "board") {
      eachLane(document, function (cards, lane) { laneScroll[lane] = cards.scrollTop; });
    }
  });
  document.addEventListener("htmx:load", function (event) {
    eachLane(event.detail.elt, function (cards, lane) {
      if (laneScroll[lane]) cards.scrollTop = laneScroll[lane];
    });
    laneScroll = {};
    var moved = event.detail.elt.querySelector(".pb-card.is-moved");
    if (moved) moved.scrollIntoView({ block: "nearest" });
    var note = event.detail.elt.querySelector(".pb-undo");
    if (!note) return;
    var seconds = Number(note.dataset.undoSeconds) || 10;
    setTimeout(function () { note.remove(); }, seconds * 1000);
  });

  // -- a request refused or lost: say so, and show the board as it really is ---------------
  function toast(text) {
    var box = document.getElementById("shop-toast");
    if (!box) return;
    box.textContent = text;
    box.hidden = false;
    clearTimeout(box._timer);
    box._timer = setTimeout(function () { box.hidden = true; }, 6000);
  }
  function restoreBoard() {
    if (document.getElementById("board")) {
      // The address as shown, lane and page included, so a lane on its own stays on its own.
      window.htmx.ajax("GET", window.location.pathname + window.location.search, { target: "#board", select: "#board", swap: "outerHTML" });
    }
  }
  document.addEventListener("htmx:responseError", function (event) {
    var status = event.detail.xhr ? event.detail.xhr.status : 0;
    var text = "Something went wrong; nothing was saved. Reload the page and try again.";
    if (status === 403) text = "Your role does not allow that, or the page is too old: reload it.";
    if (status === 404) text = "That job is no longer there; the page was out of date.";
    // The automatic refresh failing is not worth a message: the next one will try again.
    if (event.detail.elt && event.detail.elt.id === "mobile-list") return;
    toast(text);
    restoreBoard();
  });
  document.addEventListener("htmx:sendError", function (event) {
    // The phone view keeps its taps until the connection returns (mobile.js).
    if (event.detail.elt && event.detail.elt.closest && event.detail.elt.closest("#mobile-list")) return;
    toast("No connection: nothing was saved. Try again when the network is back.");
    restoreBoard();
  });

  // -- oven plan: the print button (no inline script: the page's CSP forbids it) ---------------
  document.addEventListener("click", function (event) {
    if (event.target.closest("[data-print]")) window.print();
  });
})();
