/* The scan page: read a work-order QR code with the phone's camera and open its page.

   Codes are read with the browser's BarcodeDetector where it has one that knows QR codes
   (Chrome on Android, recent Safari), else with jsQR (vendor/jsqr, served by this site).
   A code is followed only when it is an address a work order prints, on this site: the list
   comes from the server (#scan-targets). Anything else is shown as text and never opened,
   so a sticker with someone else's code on it cannot send a phone anywhere. */
(function () {
  "use strict";

  // A frame every 150 ms finds a code as soon as it is steady and leaves the phone cool.
  var SCAN_EVERY_MS = 150;
  // jsQR's work grows with the pixels; a code that fills the frame reads well at this width.
  var MAX_DECODE_WIDTH = 640;

  // -- which codes are ours ------------------------------------------------------------------

  // `pattern` is a path in which "*" stands for one path segment (a job number or id).
  function pathMatches(path, pattern) {
    var star = pattern.indexOf("*");
    if (star < 0) return path === pattern;
    var before = pattern.slice(0, star);
    var after = pattern.slice(star + 1);
    if (path.length <= before.length + after.length) return false;
    if (!path.startsWith(before) || !path.endsWith(after)) return false;
    return path.slice(before.length, path.length - after.length).indexOf("/") < 0;
  }

  // The path and query to open for a scanned text, or null when it is not one of our work
  // orders. The answer is always a path on the page's own origin: a code printed with
  // SITE_URL opens the same page where this phone is already logged in.
  function workOrderAddress(text, targets, ownOrigin) {
    var url;
    try {
      url = new URL(String(text).trim());
    } catch (notAnAddress) {
      return null;
    }
    if (url.protocol !== "https:" && url.protocol !== "http:") return null;
    if (url.username || url.password) return null;
    if (targets.origins.concat([ownOrigin]).indexOf(url.origin) < 0) return null;
    var known = targets.paths.some(function (pattern) {
      return pathMatches(url.pathname, pattern);
    });
    return known ? url.pathname + url.search : null;
  }

  // For the browser tests, which check the list with texts no camera needs to show.
  window.shopScan = { workOrderAddress: workOrderAddress };

  // -- reading frames ------------------------------------------------------------------------

  // A reader turns the current video frame into the texts of the codes in it.
  async function makeReader() {
    if ("BarcodeDetector" in window) {
      try {
        var formats = await window.BarcodeDetector.getSupportedFormats();
        if (formats.indexOf("qr_code") >= 0) {
          var detector = new window.BarcodeDetector({ formats: ["qr_code"] });
          return {
            name: "barcode-detector",
            read: async function (video) {
              var codes = await detector.detect(video);
              return codes.map(function (code) {
                return code.rawValue;
              });
            },
          };
        }
      } catch (unsupported) {
        // Some browsers have the name but no working detector: jsQR below reads instead.
      }
    }
    if (typeof window.jsQR === "function") {
      var canvas = document.createElement("canvas");
      var context = canvas.getContext("2d", { willReadFrequently: true });
      return {
        name: "jsqr",
        read: function (video) {
          var scale = Math.min(1, MAX_DECODE_WIDTH / video.videoWidth);
          var width = Math.round(video.videoWidth * scale);
          var height = Math.round(video.videoHeight * scale);
          if (canvas.width !== width || canvas.height !== height) {
            canvas.width = width;
            canvas.height = height;
          }
          context.drawImage(video, 0, 0, width, height);
          var pixels = context.getImageData(0, 0, width, height);
          var code = window.jsQR(pixels.data, width, height, { inversionAttempts: "dontInvert" });
          return code && code.data ? [code.data] : [];
        },
      };
    }
    return null;
  }

  // -- the page --------------------------------------------------------------------------------

  var HELP_TYPE = " Type the job number below instead.";
  var PROBLEMS = {
    insecure:
      "The camera works only on a secure address (one that starts with https://), and this " +
      "page was not opened on one. Ask whoever looks after the system to set up HTTPS." +
      HELP_TYPE,
    unsupported: "This browser cannot use the camera from a web page." + HELP_TYPE,
    refused:
      "Permission to use the camera was refused. Allow the camera for this site in the " +
      "browser's settings, then press Try the camera again." +
      HELP_TYPE,
    missing: "No camera was found on this device." + HELP_TYPE,
    busy:
      "The camera is busy: another app may be using it. Close that app, then press Try the " +
      "camera again." +
      HELP_TYPE,
    noReader: "This browser cannot read QR codes." + HELP_TYPE,
  };
  var ERROR_PROBLEMS = {
    NotAllowedError: "refused",
    PermissionDeniedError: "refused",
    SecurityError: "refused",
    NotFoundError: "missing",
    DevicesNotFoundError: "missing",
    OverconstrainedError: "missing",
    NotReadableError: "busy",
    TrackStartError: "busy",
    AbortError: "busy",
  };

  function setUp(page) {
    var targets = JSON.parse(document.getElementById("scan-targets").textContent);
    var view = page.querySelector(".scan-view");
    var video = document.getElementById("scan-video");
    var status = document.getElementById("scan-status");
    var retry = document.getElementById("scan-retry");
    var refused = document.getElementById("scan-refused");
    var refusedText = document.getElementById("scan-refused-text");
    var stream = null;
    var reader = null;
    var timer = null;
    var running = false;
    var lastRefused = null;

    function say(text, isProblem) {
      status.textContent = text;
      status.classList.toggle("is-problem", Boolean(isProblem));
    }

    function stopCamera() {
      running = false;
      clearTimeout(timer);
      if (stream) {
        stream.getTracks().forEach(function (track) {
          track.stop();
        });
      }
      stream = null;
      video.srcObject = null;
      delete page.dataset.scanning;
    }

    function problem(kind, detail) {
      stopCamera();
      view.hidden = true;
      say(PROBLEMS[kind] || "The camera could not be started (" + detail + ")." + HELP_TYPE, true);
      retry.hidden = kind === "insecure" || kind === "unsupported" || kind === "noReader";
    }

    function follow(address) {
      stopCamera();
      say("Work order found: opening its page…");
      window.location.assign(address);
    }

    function refuse(text) {
      if (text === lastRefused) return;
      lastRefused = text;
      refusedText.textContent = text;
      refused.hidden = false;
      say("Still looking for a work-order code…");
    }

    function take(texts) {
      for (var i = 0; i < texts.length; i += 1) {
        var address = workOrderAddress(texts[i], targets, window.location.origin);
        if (address) {
          follow(address);
          return;
        }
      }
      if (texts.length) refuse(texts[0]);
    }

    function scanSoon() {
      if (running) timer = setTimeout(scanFrame, SCAN_EVERY_MS);
    }

    function scanFrame() {
      if (!running) return;
      if (video.readyState < 2 || !video.videoWidth) {
        scanSoon();
        return;
      }
      Promise.resolve()
        .then(function () {
          return reader.read(video);
        })
        .then(function (texts) {
          if (running) take(texts);
        })
        .catch(function () {
          // A frame that cannot be read (the camera just stopped, a detector hiccup) is skipped.
        })
        .then(scanSoon);
    }

    async function startCamera() {
      if (running) return;
      retry.hidden = true;
      if (!window.isSecureContext) return problem("insecure");
      if (!navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) {
        return problem("unsupported");
      }
      reader = reader || (await makeReader());
      if (!reader) return problem("noReader");
      page.dataset.decoder = reader.name;
      say("Starting the camera…");
      try {
        stream = await navigator.mediaDevices.getUserMedia({
          video: { facingMode: { ideal: "environment" } },
          audio: false,
        });
      } catch (error) {
        return problem(ERROR_PROBLEMS[error && error.name], error && error.name);
      }
      view.hidden = false;
      video.srcObject = stream;
      try {
        await video.play();
      } catch (notPlayed) {
        // Frames still arrive for reading when a browser refuses to show them playing.
      }
      running = true;
      page.dataset.scanning = "true";
      say("Looking for a work-order code…");
      scanFrame();
    }

    retry.addEventListener("click", startCamera);
    // The camera is let go while the page is not shown, and taken again when it is.
    document.addEventListener("visibilitychange", function () {
      if (document.hidden) stopCamera();
      else startCamera();
    });
    window.addEventListener("pagehide", stopCamera);
    // Back from a job's page (the browser's page cache): scan the next sheet.
    window.addEventListener("pageshow", function (event) {
      if (event.persisted) startCamera();
    });
    startCamera();
  }

  document.addEventListener("DOMContentLoaded", function () {
    var page = document.getElementById("scanner");
    if (page) setUp(page);
  });
})();
