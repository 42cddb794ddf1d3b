/* Precedent finder: "Copy citation" buttons. Without JS the citation text stays selectable. */
(function () {
  "use strict";
  var buttons = document.querySelectorAll("[data-copy-citation]");
  buttons.forEach(function (b) { b.hidden = false; });

  function fallbackCopy(node) {
    var range = document.createRange();
    range.selectNodeContents(node);
    var sel = window.getSelection();
    sel.removeAllRanges();
    sel.addRange(range);
    try { return document.execCommand("copy"); } catch (e) { return false; }
  }

  function done(button, ok) {
    button.textContent = ok ? "Copied" : "Select and copy the text";
    button.setAttribute("data-copied", ok ? "true" : "false");
    window.setTimeout(function () { button.textContent = "Copy citation"; }, 2500);
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("[data-copy-citation]");
    if (!button) return;
    var node = button.parentNode.querySelector("[data-citation-text]");
    var text = node.textContent.trim();
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(text).then(function () { done(button, true); },
        function () { done(button, fallbackCopy(node)); });
    } else {
      done(button, fallbackCopy(node));
    }
  });
})();
