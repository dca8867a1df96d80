/* The item wizard: the searchable powder picker, and the area box the shape calculator fills.
 *
 * Both only improve plain form fields: without this script a coat's box takes a typed colour
 * name, code or SKU and the server finds the powder; the area is worked out when the step is
 * sent. The server does every search and every sum; this script only asks and copies.
 */
(function () {
  "use strict";
  if (window.pcWizard) return;
  window.pcWizard = true;

  var SEARCH_DELAY_MS = 200;

  // -- the shape calculator ----------------------------------------------------------------

  function sameFigure(a, b) {
    if (a === "" || b === "") return a === b;
    return Number(a) === Number(b);
  }

  // A changed shape or size hands the area box to the shape: the marker takes the box's
  // figure, so the server (live estimate or Next) reads the box as the shape's, not typed.
  // Capture phase, so this runs before htmx gathers the form for a change.
  function handOverToShape(event) {
    var field = event.target;
    if (!field.form || !field.matches("[data-shape-dim], select[name=shape]")) return;
    var marker = field.form.querySelector("[data-area-marker]");
    var box = field.form.querySelector("[name=surface_area_sqft]");
    if (marker && box) marker.value = box.value;
  }
  document.addEventListener("input", handOverToShape, true);
  document.addEventListener("change", handOverToShape, true);

  // The live estimate answers with the shape's figure; it goes into the box unless the box
  // holds a figure someone typed since.
  document.addEventListener("htmx:afterSwap", function (event) {
    var panel = event.detail.target;
    if (!panel || panel.id !== "pc-estimate") return;
    var form = panel.closest("form");
    var figure = panel.querySelector("[data-area-from-shape]");
    var marker = form && form.querySelector("[data-area-marker]");
    var box = form && form.querySelector("[name=surface_area_sqft]");
    if (!figure || !marker || !box || !sameFigure(box.value, marker.value)) return;
    var area = figure.getAttribute("data-area-from-shape");
    if (sameFigure(box.value, area)) return;
    box.value = area;
    marker.value = area;
    box.classList.remove("pc-just-filled");
    void box.offsetWidth; // restart the highlight
    box.classList.add("pc-just-filled");
  });

  // -- the powder picker (a combobox with a list of up to 20 matches) ----------------------

  function text(element, words) {
    element.textContent = words;
    return element;
  }

  function make(tag, className) {
    var element = document.createElement(tag);
    if (className) element.className = className;
    return element;
  }

  function Picker(root, table, number) {
    this.root = root;
    this.input = root.querySelector("[data-powder-search]");
    this.swatch = root.querySelector(".pc-picker-swatch");
    this.url = table.getAttribute("data-powder-search-url");
    this.words = {
      onHand: table.getAttribute("data-text-on-hand"),
      low: table.getAttribute("data-text-low"),
      none: table.getAttribute("data-text-none"),
      more: table.getAttribute("data-text-more"),
      found: table.getAttribute("data-text-found"),
      failed: table.getAttribute("data-text-failed"),
    };
    this.chosen = this.input.value;
    // The whole label on hover, for boxes too narrow to show the SKU at its end.
    this.input.title = this.chosen;
    this.results = [];
    this.active = -1;
    this.request = null;
    this.timer = null;

    var listId = (this.input.id || "pc-powder-" + number) + "-options";
    this.list = make("ul", "pc-picker-list");
    this.list.id = listId;
    this.list.hidden = true;
    this.list.setAttribute("role", "listbox");
    var label = this.input.labels && this.input.labels[0];
    this.list.setAttribute("aria-label", label ? label.textContent.trim() : "");
    this.status = make("span", "pc-visually-hidden");
    this.status.setAttribute("role", "status");
    root.appendChild(this.list);
    root.appendChild(this.status);

    this.input.setAttribute("role", "combobox");
    this.input.setAttribute("aria-autocomplete", "list");
    this.input.setAttribute("aria-expanded", "false");
    this.input.setAttribute("aria-controls", listId);
    this.input.setAttribute("enterkeyhint", "search");

    var self = this;
    // Half-typed text is not a powder: keep it from the live estimate (htmx listens on the
    // form). A pick announces itself from the picker instead (see choose).
    this.input.addEventListener("input", function (event) {
      event.stopPropagation();
      self.typed();
    });
    this.input.addEventListener("change", function (event) { event.stopPropagation(); });
    this.input.addEventListener("keydown", function (event) { self.key(event); });
    this.input.addEventListener("focus", function () {
      if (self.input.value.trim() === "") self.search("");
    });
    this.input.addEventListener("blur", function () { self.close(); });
    // Keep the focus in the box while an option is pressed, so blur does not close the list
    // before the click lands (mouse and touch alike).
    this.list.addEventListener("pointerdown", function (event) { event.preventDefault(); });
    this.list.addEventListener("click", function (event) {
      var option = event.target.closest("[role=option]");
      if (option && option.hasAttribute("data-index")) {
        self.choose(self.results[Number(option.getAttribute("data-index"))]);
      }
    });
  }

  Picker.prototype.typed = function () {
    var term = this.input.value;
    if (term !== this.chosen) {
      this.paint("");
      this.input.title = "";
    }
    // The list on screen answers the text before this keystroke: keep it in sight but let
    // nothing pick from it (a quick Enter would take the wrong powder) until the new answer.
    this.results = [];
    this.active = -1;
    this.input.removeAttribute("aria-activedescendant");
    this.list.setAttribute("aria-busy", "true");
    var self = this;
    clearTimeout(this.timer);
    this.timer = setTimeout(function () { self.search(term); }, SEARCH_DELAY_MS);
  };

  Picker.prototype.key = function (event) {
    var open = !this.list.hidden;
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      event.preventDefault();
      if (!open) {
        // The box shows a chosen powder's label: browse everything rather than search it.
        this.search(this.input.value === this.chosen ? "" : this.input.value);
        return;
      }
      this.move(event.key === "ArrowDown" ? 1 : -1);
    } else if (event.key === "Enter" && this.input.value.trim() && this.input.value !== this.chosen) {
      // Text not yet picked: Enter picks the highlighted (or only) match, or searches now;
      // it never sends the form with a half-typed powder. A picked or empty box lets Enter
      // through to the step's main button.
      event.preventDefault();
      var only = this.results.length === 1 ? 0 : -1;
      var index = open && this.active >= 0 ? this.active : only;
      if (open && index >= 0) this.choose(this.results[index]);
      else this.search(this.input.value);
    } else if (event.key === "Enter" && open && this.active >= 0) {
      event.preventDefault(); // pick, do not send the form
      this.choose(this.results[this.active]);
    } else if (event.key === "Escape" && open) {
      event.preventDefault();
      this.close();
    } else if (event.key === "Tab") {
      this.close();
    }
  };

  Picker.prototype.search = function (term) {
    var self = this;
    if (this.request) this.request.abort();
    this.request = new AbortController();
    fetch(this.url + "?q=" + encodeURIComponent(term.trim()), {
      headers: { Accept: "application/json" },
      credentials: "same-origin",
      signal: this.request.signal,
    })
      .then(function (response) {
        if (!response.ok) throw new Error(String(response.status));
        return response.json();
      })
      .then(function (answer) {
        if (document.activeElement === self.input) self.show(answer.results, answer.more, term);
      })
      .catch(function (error) {
        if (error.name !== "AbortError") self.message(self.words.failed);
      });
  };

  Picker.prototype.show = function (results, more, term) {
    this.list.removeAttribute("aria-busy");
    this.results = results;
    this.active = -1;
    this.input.removeAttribute("aria-activedescendant");
    this.list.textContent = "";
    var self = this;
    results.forEach(function (powder, index) {
      var option = make("li", "pc-option");
      option.id = self.list.id + "-" + index;
      option.setAttribute("role", "option");
      option.setAttribute("aria-selected", "false");
      option.setAttribute("data-index", String(index));
      var chip = make("span", "pc-swatch pc-option-swatch");
      if (powder.swatch) chip.style.background = powder.swatch;
      else chip.classList.add("is-empty");
      chip.setAttribute("aria-hidden", "true");
      var words = make("span", "pc-option-text");
      var name = text(make("span", "pc-option-name"), powder.name);
      if (powder.low) name.appendChild(text(make("span", "pc-tag pc-option-low"), self.words.low));
      words.appendChild(name);
      var facts = [powder.sku, powder.on_hand + " " + powder.unit + " " + self.words.onHand];
      if (powder.vendor) facts.push(powder.vendor);
      words.appendChild(text(make("span", "pc-option-detail"), facts.join(" · ")));
      option.appendChild(chip);
      option.appendChild(words);
      self.list.appendChild(option);
    });
    if (!results.length) {
      this.message(this.words.none.replace("%s", term.trim()));
      return;
    }
    if (more) {
      var note = text(make("li", "pc-option-more"), this.words.more);
      note.setAttribute("role", "presentation");
      this.list.appendChild(note);
    }
    this.status.textContent = this.words.found.replace("%s", String(results.length));
    this.open();
  };

  Picker.prototype.message = function (words) {
    this.list.removeAttribute("aria-busy");
    this.results = [];
    this.active = -1;
    this.list.textContent = "";
    var note = text(make("li", "pc-option-more"), words);
    note.setAttribute("role", "presentation");
    this.list.appendChild(note);
    this.status.textContent = words;
    this.open();
  };

  Picker.prototype.open = function () {
    this.list.hidden = false;
    this.input.setAttribute("aria-expanded", "true");
  };

  Picker.prototype.close = function () {
    clearTimeout(this.timer);
    if (this.request) this.request.abort();
    this.list.hidden = true;
    this.active = -1;
    this.input.setAttribute("aria-expanded", "false");
    this.input.removeAttribute("aria-activedescendant");
  };

  Picker.prototype.move = function (step) {
    if (!this.results.length) return;
    var options = this.list.querySelectorAll("[role=option]");
    if (this.active >= 0) options[this.active].setAttribute("aria-selected", "false");
    this.active = (this.active + step + options.length) % options.length;
    var option = options[this.active];
    option.setAttribute("aria-selected", "true");
    this.input.setAttribute("aria-activedescendant", option.id);
    option.scrollIntoView({ block: "nearest" });
  };

  Picker.prototype.paint = function (colour) {
    if (!this.swatch) return;
    this.swatch.style.background = colour || "";
    this.swatch.classList.toggle("is-empty", !colour);
  };

  Picker.prototype.choose = function (powder) {
    if (!powder) return;
    this.input.value = powder.label;
    this.input.title = powder.label;
    this.chosen = powder.label;
    this.paint(powder.swatch);
    this.close();
    // Now it names a powder: let the live estimate (htmx, on the form) hear of it.
    this.root.dispatchEvent(new Event("change", { bubbles: true }));
  };

  function start() {
    document.querySelectorAll("[data-no-js-only]").forEach(function (element) {
      element.hidden = true;
    });
    document.querySelectorAll("[data-powder-search-url]").forEach(function (table) {
      table.querySelectorAll("[data-powder-picker]").forEach(function (root, number) {
        if (!root.pcPicker) root.pcPicker = new Picker(root, table, number);
      });
    });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
