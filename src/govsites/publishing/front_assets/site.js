/* Care mode (关怀模式, the MIIT ageing-friendly norm) for every hosted site.
   Loaded in <head> without defer so the saved mode is on <html> before the first paint (no flash
   of small type); the toggle button is wired, and only then shown, once the page is parsed.
   Without JavaScript the button stays hidden: the page works at the reader's own font size. */
(function () {
  "use strict";
  var KEY = "govsites-care-mode";
  var CLASS = "care";
  var root = document.documentElement;

  function saved() {
    try {
      return window.localStorage.getItem(KEY) === "1";
    } catch (e) {
      return false; /* storage disabled: the mode simply does not persist */
    }
  }

  function save(on) {
    try {
      if (on) {
        window.localStorage.setItem(KEY, "1");
      } else {
        window.localStorage.removeItem(KEY);
      }
    } catch (e) {
      /* ignore: see saved() */
    }
  }

  function isOn() {
    return root.classList.contains(CLASS);
  }

  if (saved()) {
    root.classList.add(CLASS);
  }

  function wire() {
    var button = document.getElementById("care-toggle");
    if (!button) {
      return;
    }
    function label() {
      button.textContent = isOn() ? "标准模式" : "关怀模式";
    }
    button.addEventListener("click", function () {
      var on = !isOn();
      root.classList.toggle(CLASS, on);
      save(on);
      label();
    });
    label();
    button.hidden = false;
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", wire);
  } else {
    wire();
  }
})();
