// Copy buttons that give code which runs. runner/page.py tags each snippet section the page
// shows with its file (data-snippet) and its place in the file (data-order; 0 is the file's
// "Set-up" block). The copy button of a section copies the set-up, the sections of the same
// file shown on the page before it in file order, and the section itself; Material's own
// clipboard handler copies whatever data-clipboard-text holds, so it is set just before.
(function () {
  var HINT = "Copy with the set-up and earlier sections: runs as pasted";

  function code(block) {
    var element = block.querySelector("pre > code");
    return element ? element.textContent.replace(/\s+$/, "") : "";
  }

  function runnable(block) {
    var id = block.getAttribute("data-snippet");
    var order = Number(block.getAttribute("data-order"));
    var parts = {};
    document.querySelectorAll("[data-snippet]").forEach(function (other) {
      var place = Number(other.getAttribute("data-order"));
      if (other.getAttribute("data-snippet") === id && place <= order && !(place in parts)) {
        parts[place] = code(other);
      }
    });
    return Object.keys(parts).map(Number).sort(function (a, b) { return a - b; })
      .map(function (place) { return parts[place]; })
      .filter(Boolean).join("\n\n") + "\n";
  }

  function section(target) {
    var button = target instanceof Element && target.closest("button[data-md-type='copy']");
    var block = button && button.closest("[data-snippet]");
    return block && block.getAttribute("data-order") !== "0" ? [button, block] : null;
  }

  document.addEventListener("click", function (event) {  // capture: before Material's handler
    var found = section(event.target);
    if (found) found[0].setAttribute("data-clipboard-text", runnable(found[1]));
  }, true);
  ["pointerover", "focusin"].forEach(function (type) {
    document.addEventListener(type, function (event) {
      var found = section(event.target);
      if (found && found[0].title !== HINT) {
        found[0].title = HINT;
        found[0].setAttribute("aria-label", HINT);
      }
    }, true);
  });
})();
