// Small accessibility fixes to the theme's markup, found by axe-core in tests/browser:
// - the search overlay is a dialog without a name;
// - scrollable regions (tables, wide formulas, notebook cells) must be reachable with the
//   keyboard, so each one that actually scrolls gets a tab stop. Sizes are read first: they
//   are cheap once the page is laid out, and only the few elements that overflow need their
//   computed style (Lighthouse attributed 0.36 s of a chapter's main thread to this file
//   when it asked every element for its style).
document.querySelectorAll('[role="dialog"]:not([aria-label])').forEach(function (dialog) {
  dialog.setAttribute("aria-label", "Search");
});
(function () {
  // All reads first, then the writes. Elements inside a closed <details> are not laid out:
  // reading their sizes forces the browser to compute styles for each of them, so they wait
  // until their block opens.
  function fix(root) {
    var overflowing = Array.prototype.filter.call(root.querySelectorAll("*"), function (e) {
      return !e.hasAttribute("tabindex") && !e.closest("details:not([open])") &&
        (e.scrollWidth > e.clientWidth || e.scrollHeight > e.clientHeight);
    });
    overflowing.filter(function (element) {
      var style = getComputedStyle(element);
      return /(auto|scroll)/.test(style.overflowX + style.overflowY);
    }).forEach(function (element) {
      element.setAttribute("tabindex", "0");
    });
  }
  document.querySelectorAll("article").forEach(fix);
  document.querySelectorAll("article details").forEach(function (details) {
    details.addEventListener("toggle", function () {
      if (details.open) fix(details);
    });
  });
})();
