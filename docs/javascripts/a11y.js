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
document.querySelectorAll("article *").forEach(function (element) {
  var overflows = element.scrollWidth > element.clientWidth ||
    element.scrollHeight > element.clientHeight;
  if (!overflows || element.hasAttribute("tabindex")) return;
  var style = getComputedStyle(element);
  if (/(auto|scroll)/.test(style.overflowX + style.overflowY)) {
    element.setAttribute("tabindex", "0");
  }
});
