// tuneops console: the little the pages need beyond htmx. Loaded from its own file: the
// Content-Security-Policy runs no inline script.
(function () {
  "use strict";

  // Copy buttons: <button class="copy" data-copy-target="ID"> copies the text of element ID.
  function copyFrom(button) {
    var target = document.getElementById(button.getAttribute("data-copy-target"));
    if (!target) {
      return;
    }
    var text = target.textContent.trim();
    var status = document.getElementById(button.getAttribute("aria-describedby") || "");
    function say(message) {
      if (status) {
        status.textContent = message;
      }
    }
    function selectText() {
      var range = document.createRange();
      range.selectNodeContents(target);
      var selection = window.getSelection();
      selection.removeAllRanges();
      selection.addRange(range);
      say("Selected: press Ctrl+C (or \u2318C) to copy.");
    }
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(text).then(function () {
        say("Copied.");
      }, selectText);
    } else {
      selectText();
    }
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest ? event.target.closest("button.copy") : null;
    if (button) {
      event.preventDefault();
      copyFrom(button);
    }
  });
})();
