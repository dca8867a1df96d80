/* Forms in the admin: a button pressed once stays pressed, and a refusal is put where the eye is.
 *
 * The server applies each form once whatever happens (one-time submission keys); this only
 * spares people the confusion of a second click. Dialogs (htmx) get their buttons back when
 * the answer arrives; ordinary pages after a few seconds (a download leaves the page as it is).
 */
(function () {
  "use strict";
  if (window.pcForms) return;
  window.pcForms = true;

  var RELEASE_AFTER_MS = 8000;

  function submitButtons(form) {
    return Array.prototype.slice.call(
      form.querySelectorAll("button[type=submit], button:not([type]), input[type=submit]")
    );
  }

  function hold(buttons) {
    buttons.forEach(function (button) {
      button.disabled = true;
      button.setAttribute("aria-busy", "true");
    });
  }

  function release(buttons) {
    buttons.forEach(function (button) {
      button.disabled = false;
      button.removeAttribute("aria-busy");
    });
  }

  // Ordinary forms: disable after the browser has taken the pressed button's name and value
  // (disabling it during the submit event would drop them, and the wizard needs them).
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (event.defaultPrevented || form.hasAttribute("hx-post") || form.hasAttribute("hx-get")) return;
    if ((form.getAttribute("method") || "get").toLowerCase() !== "post") return;
    var buttons = submitButtons(form);
    setTimeout(function () { hold(buttons); }, 0);
    setTimeout(function () { release(buttons); }, RELEASE_AFTER_MS);
  });
  window.addEventListener("pageshow", function (event) {
    if (event.persisted) release(Array.prototype.slice.call(document.querySelectorAll("[aria-busy=true]")));
  });

  // Dialogs: hold the buttons while the request is out.
  document.addEventListener("htmx:beforeRequest", function (event) {
    var form = event.detail.elt;
    if (form && form.tagName === "FORM" && form.closest("#dialog")) hold(submitButtons(form));
  });
  document.addEventListener("htmx:afterRequest", function (event) {
    var form = event.detail.elt;
    if (form && form.tagName === "FORM") release(submitButtons(form));
  });

  // After a dialog a page may come back with ?tab=<name> (payments, materials, notes...):
  // show that tab rather than the first, be it a fieldset tab or a room (an inline tab,
  // powdercoat/admin/rooms.py). Not a #fragment: after a dialog htmx sets location.href, and
  // a change of fragment alone would not reload the page.
  document.addEventListener("alpine:initialized", function () {
    var wanted = new URLSearchParams(window.location.search).get("tab");
    if (!wanted) return;
    var clicks = ["activeFieldsetTab = '" + wanted + "'", "activeTab = '" + wanted + "'"];
    document.querySelectorAll("a[x-on\\:click]").forEach(function (link) {
      if (clicks.indexOf(link.getAttribute("x-on:click")) !== -1) link.click();
    });
  });

  // A dialog that came back refused: show and focus the first field in error, else the notice.
  document.addEventListener("htmx:afterSettle", function () {
    var body = document.getElementById("dialog-form");
    if (!body) return;
    var target =
      body.querySelector(".errors input:not([type=hidden]), .errors select, .errors textarea") ||
      body.querySelector("[data-pc-dialog-question]") ||
      body.querySelector("[data-pc-dialog-errors]");
    if (!target) return;
    var notice = body.querySelector("[data-pc-dialog-errors], [data-pc-dialog-question]");
    if (notice) notice.scrollIntoView({ block: "nearest" });
    target.scrollIntoView({ block: "center" });
    // A question is answered with its tick box; focus that so Space ticks it.
    var box = target.matches("[data-pc-dialog-question]") && body.querySelector("input[data-pc-confirm]");
    (box || target).focus({ preventScroll: true });
  });
})();
