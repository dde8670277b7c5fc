// Small accessibility fixes to the theme's markup, found by axe-core in tests/browser:
// - the search overlay is a dialog without a name;
// - scrollable regions (tables, wide formulas) must be reachable with the keyboard.
document.querySelectorAll('[role="dialog"]:not([aria-label])').forEach(function (dialog) {
  dialog.setAttribute("aria-label", "Search");
});
document.querySelectorAll(".md-typeset table, .md-typeset div.arithmatex").forEach(function (region) {
  if (!region.hasAttribute("tabindex")) region.setAttribute("tabindex", "0");
});
