// The dashboard's only script: copy buttons beside secrets shown once. Each
// button names the id of a readonly input; without JavaScript the input can
// be selected and copied by hand.
(function () {
  "use strict";
  function status(button, text) {
    var out = document.getElementById(button.getAttribute("data-status"));
    if (out) out.textContent = text;
  }
  function copy(button) {
    var input = document.getElementById(button.getAttribute("data-copy"));
    if (!input) return;
    input.focus();
    input.select();
    var done = function () { button.textContent = "Copied"; status(button, "Copied to the clipboard."); };
    var fallback = function () {
      var ok = false;
      try { ok = document.execCommand("copy"); } catch (e) { ok = false; }
      if (ok) done(); else status(button, "Press Ctrl+C (or ⌘C) to copy the selected text.");
    };
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(input.value).then(done, fallback);
    } else {
      fallback();
    }
  }
  document.addEventListener("DOMContentLoaded", function () {
    var buttons = document.querySelectorAll("button[data-copy]");
    for (var i = 0; i < buttons.length; i++) {
      buttons[i].hidden = false;
      buttons[i].addEventListener("click", function (ev) { copy(ev.currentTarget); });
    }
  });
})();
