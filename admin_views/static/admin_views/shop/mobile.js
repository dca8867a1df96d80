/* The phone view: refresh only when something changed, the Undo note's ten seconds, and taps
   made without a connection, kept on the phone and sent when it returns. */
(function () {
  "use strict";

  function fingerprint() {
    var meta = document.querySelector("#mobile-list [data-fingerprint]");
    return meta ? meta.getAttribute("data-fingerprint") : "";
  }

  // The automatic refresh says what the phone shows; the server answers 204 when that is
  // still the list, so a phone on weak Wi-Fi downloads nothing most minutes.
  document.addEventListener("htmx:configRequest", function (event) {
    if (event.detail.elt.id === "mobile-list" && event.detail.verb === "get") {
      event.detail.parameters.seen = fingerprint();
    }
  });
  document.addEventListener("htmx:afterRequest", function (event) {
    if (event.detail.elt.id !== "mobile-list" || !event.detail.successful) return;
    if (event.detail.xhr.status !== 204) return;
    var time = document.querySelector("#mobile-list .m-meta time");
    if (time) {
      var now = new Date();
      time.textContent = String(now.getHours()).padStart(2, "0") + ":" + String(now.getMinutes()).padStart(2, "0");
    }
  });

  // An Undo is offered for a few seconds after an advance, then the note goes; the refresh
  // waits meanwhile, so it does not sweep the note away early.
  var undoUntil = 0;
  function armNote() {
    var note = document.querySelector("#mobile-list .m-note");
    if (!note) return;
    var seconds = Number(note.getAttribute("data-undo-seconds") || "6");
    undoUntil = Date.now() + seconds * 1000;
    setTimeout(function () { note.hidden = true; }, seconds * 1000);
  }
  var liveOn = window.shopLiveOn;
  window.shopLiveOn = function () {
    return Date.now() > undoUntil && (liveOn ? liveOn() : true);
  };
  document.addEventListener("htmx:afterSwap", function (event) {
    if (event.detail.target.id === "mobile-list") armNote();
  });
  document.addEventListener("DOMContentLoaded", armNote);

  // -- bad Wi-Fi: a tap made offline waits on the phone with its one-time key -------------
  // The server applies each key once, so a tap whose answer was lost on the way can be sent
  // again safely ("Already recorded"); the stage the card showed goes with it, so a job
  // moved meanwhile by someone else is refused in words rather than pushed a second stage.
  var QUEUE_KEY = "shop-phone-waiting";

  function waiting() {
    try {
      var list = JSON.parse(window.localStorage.getItem(QUEUE_KEY) || "[]");
      return Array.isArray(list) ? list : [];
    } catch (error) {
      return [];
    }
  }
  function keepWaiting(list) {
    window.localStorage.setItem(QUEUE_KEY, JSON.stringify(list));
  }
  function keyOf(entry) {
    return entry.fields.submission_key || "";
  }

  function keep(form) {
    var card = form.closest(".m-card");
    var label = form.querySelector(".m-advance-label");
    var fields = {};
    new FormData(form).forEach(function (value, name) { fields[name] = String(value); });
    var entry = {
      action: form.getAttribute("action"),
      fields: fields,
      job: card ? card.id.replace(/^job-/, "") : "",
      label: label ? label.textContent : "",
    };
    var list = waiting().filter(function (other) { return keyOf(other) !== keyOf(entry); });
    list.push(entry);
    keepWaiting(list);
    showWaiting();
  }

  function showWaiting() {
    var list = waiting();
    document.querySelectorAll(".m-card .m-waiting").forEach(function (line) { line.remove(); });
    list.forEach(function (entry) {
      var card = document.getElementById("job-" + entry.job);
      if (!card) return;
      var line = document.createElement("p");
      line.className = "m-waiting";
      line.setAttribute("role", "status");
      line.textContent = "Waiting to send: " + entry.label;
      card.insertBefore(line, card.querySelector(".m-actions"));
      card.querySelectorAll("button.m-advance").forEach(function (button) { button.disabled = true; });
    });
    var bar = document.getElementById("m-waiting");
    if (!bar) return;
    var offline = !navigator.onLine;
    bar.hidden = !offline && !list.length;
    bar.textContent = (offline ? "No connection. " : "") + (list.length
      ? list.length + (list.length === 1 ? " tap is" : " taps are") + " waiting to send."
      : "Taps are kept on this phone and sent when the connection returns.");
  }

  // Offline already: keep the tap instead of sending it.
  document.addEventListener("htmx:beforeRequest", function (event) {
    var form = event.detail.elt;
    if (navigator.onLine || !form.matches || !form.matches(".m-card form[hx-post]")) return;
    event.preventDefault();
    keep(form);
  });
  // Lost on the way (the Wi-Fi dropped mid-request): keep it too; the key makes it safe.
  document.addEventListener("htmx:sendError", function (event) {
    var form = event.detail.elt;
    if (form && form.matches && form.matches(".m-card form[hx-post]")) keep(form);
  });

  var sending = false;
  function sendWaiting() {
    var list = waiting();
    if (sending || !navigator.onLine || !list.length) return;
    sending = true;
    var entry = list[0];
    var done = function () {
      keepWaiting(waiting().filter(function (other) { return keyOf(other) !== keyOf(entry); }));
      sending = false;
    };
    window.fetch(entry.action, {
      method: "POST",
      credentials: "same-origin",
      headers: { "HX-Request": "true", "HX-Current-URL": window.location.href },
      body: new URLSearchParams(entry.fields),
    }).then(function (response) {
      if (response.status >= 500) throw new Error("server");
      if (!response.ok || response.redirected) {
        // Logged out or a page too old to trust: this tap cannot be sent as it was made.
        done();
        toastPhone(entry.job + ": a tap made offline could not be sent. Check the job and press again.");
        showWaiting();
        sendWaiting();
        return null;
      }
      return response.text().then(function (html) {
        done();
        var list = document.getElementById("mobile-list");
        if (list && window.htmx) window.htmx.swap(list, html, { swapStyle: "innerHTML" });
        showWaiting();
        sendWaiting();
      });
    }).catch(function () {
      sending = false;  // still no way through: tried again when the phone says it is online
      showWaiting();
    });
  }

  function toastPhone(text) {
    var box = document.getElementById("shop-toast");
    if (!box) return;
    box.textContent = text;
    box.hidden = false;
    setTimeout(function () { box.hidden = true; }, 8000);
  }

  window.addEventListener("online", function () { showWaiting(); sendWaiting(); });
  window.addEventListener("offline", showWaiting);
  document.addEventListener("htmx:afterSwap", function (event) {
    if (event.detail.target.id === "mobile-list") showWaiting();
  });
  document.addEventListener("DOMContentLoaded", function () {
    showWaiting();
    sendWaiting();
  });
  // A phone can miss the "online" event (asleep when the Wi-Fi came back).
  setInterval(sendWaiting, 20000);

  // -- an app the phone can install, that opens without a connection ---------------------
  var worker = document.body && document.body.getAttribute("data-service-worker");
  if (worker && "serviceWorker" in navigator) {
    navigator.serviceWorker.register(worker).catch(function () {
      // Not served over HTTPS (or not allowed): the page works, only not offline.
    });
  }
  // Logging out empties what the phone kept, so the next person starts clean.
  document.addEventListener("submit", function (event) {
    if (!event.target.matches(".topbar-logout")) return;
    window.localStorage.removeItem(QUEUE_KEY);
    if (window.caches) {
      window.caches.keys().then(function (names) {
        names.forEach(function (name) { if (name.indexOf("shop-phone-") === 0) window.caches.delete(name); });
      });
    }
  });
})();
