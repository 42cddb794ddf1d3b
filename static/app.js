/* Progressive enhancement only: every page works without this file. */
(function () {
  "use strict";
  var root = document.documentElement;
  root.classList.add("js");
  var FOCUS_KEY = "kb-refocus";


  // Facet checkboxes: go straight to the URL computed on the server for that toggle.
  document.addEventListener("change", function (event) {
    var el = event.target;
    if (el.matches && el.matches(".facet__value input[type=checkbox][data-href]")) {
      // The page reloads: remember the control so focus comes back to it, not to the top.
      try {
        sessionStorage.setItem(FOCUS_KEY, JSON.stringify({name: el.name, value: el.value}));
      } catch (e) { /* storage off: focus starts at the top */ }
      window.location.assign(el.getAttribute("data-href"));
    } else if (el.id === "sort-select" && el.form) {
      el.form.submit();
    }
  });

  // On a phone the reviewer filters start folded, so the results are on the first screen.
  if (window.matchMedia && window.matchMedia("(max-width: 700px)").matches) {
    document.querySelectorAll("details[data-filters]").forEach(function (d) { d.open = false; });
  }

  // Coming back through history (bfcache) must show the state of that URL, not the
  // checkbox the user ticked just before leaving.
  window.addEventListener("pageshow", function (event) {
    if (!event.persisted) return;
    document.querySelectorAll("form[autocomplete=off]").forEach(function (form) { form.reset(); });
  });

  // "/" focuses the search box, unless the user is typing somewhere.
  document.addEventListener("keydown", function (event) {
    if (event.key !== "/" || event.ctrlKey || event.metaKey || event.altKey) return;
    var t = event.target;
    if (t && (t.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(t.tagName))) return;
    var box = document.getElementById("q");
    if (!box) return;
    event.preventDefault();
    box.focus();
    box.select();
  });

  // Reading list: a print button (the page prints fine from the browser menu too).
  document.querySelectorAll("button[data-print]").forEach(function (button) {
    button.hidden = false;
    button.addEventListener("click", function () { window.print(); });
  });

  // Phones: start with the filter panel folded so results come first; wide screens keep it open.
  var panel = document.querySelector("details.facets");
  if (panel && window.matchMedia) {
    var wide = window.matchMedia("(min-width: 56rem)");
    if (!wide.matches) panel.open = false;   // active filters stay visible as chips
    var sync = function () { if (wide.matches) panel.open = true; };
    if (wide.addEventListener) wide.addEventListener("change", sync);
  }

  // After a facet toggle reloaded the page, put keyboard focus back on that control.
  try {
    var wanted = JSON.parse(sessionStorage.getItem(FOCUS_KEY) || "null");
    sessionStorage.removeItem(FOCUS_KEY);
    if (wanted && window.CSS && CSS.escape) {
      var box = document.querySelector(".facet__value input[type=checkbox][name=\"" +
        CSS.escape(wanted.name) + "\"][value=\"" + CSS.escape(wanted.value) + "\"]");
      if (box) {
        var fold = box.closest("details");
        if (fold) fold.open = true;           // a phone's folded panel opens to show it
        box.focus();
      }
    }
  } catch (e) { /* storage off or bad value: nothing to restore */ }
})();
