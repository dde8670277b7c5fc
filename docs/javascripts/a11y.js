// Small accessibility fixes to the theme's markup, found by axe-core in tests/browser:
// - the search overlay is a dialog without a name;
// - scrollable regions (tables, wide formulas, notebook cells) must be reachable with the
//   keyboard, so each one that actually scrolls gets a tab stop.
document.querySelectorAll('[role="dialog"]:not([aria-label])').forEach(function (dialog) {
  dialog.setAttribute("aria-label", "Search");
});
document.querySelectorAll("article *").forEach(function (element) {
  var style = getComputedStyle(element);
  var scrolls = /(auto|scroll)/.test(style.overflowX + style.overflowY) &&
    (element.scrollWidth > element.clientWidth || element.scrollHeight > element.clientHeight);
  if (scrolls && !element.hasAttribute("tabindex")) element.setAttribute("tabindex", "0");
});
