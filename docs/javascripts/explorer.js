// The Explorer page: linked views of a precomputed grid of Keras runs, drawn as plain SVG.
// The data is the JSON in <script id="explorer-data"> (written by
// snippets/choosing/30_explorer_grid.py); nothing is requested from any host.
(function () {
  "use strict";
  var source = document.getElementById("explorer-data");
  var root = document.getElementById("explorer");
  if (!source || !root) return;
  var data = JSON.parse(source.textContent);
  var SVG = "http://www.w3.org/2000/svg";
  var W = 320, H = 190, M = { top: 22, right: 10, bottom: 34, left: 42 };
  var state = { method: data.order.indexOf("l1") >= 0 ? "l1" : data.order[0], index: 0 };

  function el(tag, attrs, parent, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    if (text !== undefined) node.textContent = text;
    if (parent) parent.appendChild(node);
    return node;
  }
  function svgEl(tag, attrs, parent, text) {
    var node = document.createElementNS(SVG, tag);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    if (text !== undefined) node.textContent = text;
    if (parent) parent.appendChild(node);
    return node;
  }
  function pct(x, digits) { return (100 * x).toFixed(digits === undefined ? 1 : digits) + "%"; }
  function method() { return data.methods[state.method]; }
  function cell() { return method().cells[state.index]; }
  function baseline() { return data.methods.none.cells[0]; }
  function describeValue(m, i) {
    return m.setting + " " + m.keys[i] + " (" + (i + 1) + " of " + m.values.length + ")";
  }

  // ---- controls -------------------------------------------------------------------
  var controls = el("div", { class: "explorer__controls" }, root);
  var methodBox = el("div", { class: "explorer__field" }, controls);
  el("label", { for: "explorer-method" }, methodBox, "Method");
  var select = el("select", { id: "explorer-method" }, methodBox);
  data.order.forEach(function (name) {
    el("option", { value: name }, select, data.methods[name].label);
  });
  var sliderBox = el("div", { class: "explorer__field explorer__field--wide" }, controls);
  el("label", { for: "explorer-strength", id: "explorer-strength-label" }, sliderBox,
     "Strength (log scale; dropout: rate)");
  var slider = el("input", { id: "explorer-strength", type: "range", min: "0", step: "1" }, sliderBox);
  var valueText = el("output", { for: "explorer-strength", id: "explorer-value" }, sliderBox);
  var chosenBox = el("div", { class: "explorer__field" }, controls);
  var chosenButton = el("button", { type: "button", id: "explorer-go-chosen" }, chosenBox);
  var status = el("p", { id: "explorer-status", class: "explorer__status", "aria-live": "polite" }, root);

  // ---- views ----------------------------------------------------------------------
  var views = el("div", { class: "explorer__views" }, root);
  function view(id, title) {
    var figure = el("figure", { class: "explorer__view" }, views);
    // the figure is named by its caption; the chart's label states the values it shows
    var svg = svgEl("svg", { id: id, viewBox: "0 0 " + W + " " + H, role: "img" }, figure);
    el("figcaption", { id: id + "-title" }, figure, title);
    return svg;
  }
  var sweepSvg = view("ex-sweep", "Final accuracy at every strength (band: validation, range over seeds); ▲ the value validation chooses; the vertical line is the slider");
  var lossSvg = view("ex-loss", "Loss per epoch (cross-entropy, no penalty): training and validation");
  var accSvg = view("ex-acc", "Accuracy per epoch: training and validation");
  var finalSvg = view("ex-final", "Final accuracy and the penalty's share of the training loss (ticks: no regularization)");
  var weightSvg = view("ex-weights", "First-layer weights (share per bin); the middle bin holds the near-zero weights");
  var actSvg = view("ex-acts", "Hidden activations on validation rows (share per bin, log scale); first bar: exactly zero");

  function frame(svg) {
    while (svg.lastChild && svg.lastChild.tagName !== "title") svg.removeChild(svg.lastChild);
    return svgEl("g", {}, svg);
  }
  function scale(d0, d1, r0, r1) {
    return function (v) { return r0 + (r1 - r0) * (d1 === d0 ? 0.5 : (v - d0) / (d1 - d0)); };
  }
  function axes(g, x, y, xTicks, yTicks, xLabel) {
    yTicks.forEach(function (t) {
      svgEl("line", { x1: M.left, x2: W - M.right, y1: y(t[0]), y2: y(t[0]), class: "ex-grid" }, g);
      svgEl("text", { x: M.left - 4, y: y(t[0]) + 3, class: "ex-tick", "text-anchor": "end" }, g, t[1]);
    });
    xTicks.forEach(function (t) {
      svgEl("text", { x: x(t[0]), y: H - M.bottom + 12, class: "ex-tick", "text-anchor": "middle" }, g, t[1]);
    });
    svgEl("text", { x: (M.left + W - M.right) / 2, y: H - 4, class: "ex-label", "text-anchor": "middle" }, g, xLabel);
  }
  function legend(g, items) {
    var x = M.left;
    items.forEach(function (item) {
      svgEl("line", { x1: x, x2: x + 14, y1: 10, y2: 10, class: "ex-line " + item[1] }, g);
      svgEl("text", { x: x + 17, y: 13, class: "ex-tick" }, g, item[0]);
      x += 22 + 5.5 * item[0].length;
    });
  }
  function line(g, xs, ys, x, y, cls, name) {
    var d = ys.map(function (v, i) { return (i ? "L" : "M") + x(xs[i]).toFixed(1) + " " + y(v).toFixed(1); }).join("");
    return svgEl("path", { d: d, class: "ex-line " + cls, "data-series": name, "data-values": JSON.stringify(ys) }, g);
  }

  function drawCurves(svg, kind) {
    var g = frame(svg), c = cell().curves, n = c["train_" + kind].length;
    var epochs = c["train_" + kind].map(function (_, i) { return i + 1; });
    var x = scale(1, n, M.left, W - M.right);
    var top;
    if (kind === "acc") {
      top = 1;
    } else {
      top = Math.max(0.8, Math.max.apply(null, c.train_loss.concat(c.val_loss)));
      top = Math.ceil(top * 2) / 2;
    }
    var y = scale(kind === "acc" ? 0.4 : 0, top, H - M.bottom, M.top);
    var yTicks = kind === "acc" ? [[0.4, "40%"], [0.6, "60%"], [0.8, "80%"], [1, "100%"]]
      : [0, top / 2, top].map(function (t) { return [t, t.toFixed(2)]; });
    axes(g, x, y, [1, 10, 20, n].map(function (t) { return [t, String(t)]; }), yTicks, "epoch");
    line(g, epochs, c["train_" + kind], x, y, "ex-s1", "train_" + kind);
    line(g, epochs, c["val_" + kind], x, y, "ex-s2 ex-dashed", "val_" + kind);
    legend(g, [["training", "ex-s1"], ["validation", "ex-s2 ex-dashed"]]);
    var last = c["val_" + kind][n - 1];
    svg.setAttribute("aria-label", (kind === "acc" ? "Accuracy" : "Loss") + " per epoch; after epoch " + n +
      ": training " + (kind === "acc" ? pct(c["train_" + kind][n - 1]) : c["train_" + kind][n - 1].toFixed(3)) +
      ", validation " + (kind === "acc" ? pct(last) : last.toFixed(3)));
  }

  function drawSweep() {
    var g = frame(sweepSvg), m = method(), n = m.values.length;
    var x = scale(0, Math.max(n - 1, 1), M.left + 6, W - M.right - 6);
    var y = scale(0.4, 1, H - M.bottom, M.top);
    var step = Math.max(1, Math.ceil(n / 5));
    var ticks = m.keys.map(function (k, i) { return [i, k]; }).filter(function (t) { return t[0] % step === 0; });
    axes(g, x, y, ticks, [[0.4, "40%"], [0.6, "60%"], [0.8, "80%"], [1, "100%"]], m.setting);
    var xs = m.values.map(function (_, i) { return i; });
    var low = m.cells.map(function (c) { return Math.min.apply(null, c.spread.val_acc); });
    var high = m.cells.map(function (c) { return Math.max.apply(null, c.spread.val_acc); });
    var band = xs.map(function (i) { return x(i).toFixed(1) + "," + y(high[i]).toFixed(1); })
      .concat(xs.slice().reverse().map(function (i) { return x(i).toFixed(1) + "," + y(low[i]).toFixed(1); }));
    svgEl("polygon", { points: band.join(" "), class: "ex-band" }, g);
    ["train", "val", "test"].forEach(function (split, k) {
      line(g, xs, m.cells.map(function (c) { return c.final[split + "_acc"]; }), x, y,
           ["ex-s1", "ex-s2 ex-dashed", "ex-s3 ex-dotted"][k], "sweep_" + split);
    });
    legend(g, [["train", "ex-s1"], ["validation", "ex-s2 ex-dashed"], ["test", "ex-s3 ex-dotted"]]);
    svgEl("line", { x1: x(state.index), x2: x(state.index), y1: M.top, y2: H - M.bottom,
                    class: "ex-cursor", "data-role": "current", "data-index": state.index }, g);
    var cx = x(m.chosen), cy = H - M.bottom;
    svgEl("path", { d: "M" + cx + " " + (cy - 9) + "l-5 9h10z", class: "ex-chosen", "data-role": "chosen",
                    "data-index": m.chosen }, g);
    sweepSvg.setAttribute("aria-label", m.label + ": validation accuracy is highest at " + m.setting + " " +
      m.keys[m.chosen] + " (" + pct(m.cells[m.chosen].final.val_acc) + "); the slider is at " + m.keys[state.index]);
  }

  function drawBars(svg, shares, labels, highlight, xLabel, name) {
    var g = frame(svg), n = shares.length;
    var top = Math.max(0.05, Math.max.apply(null, shares));
    var x = scale(0, n, M.left, W - M.right), y = scale(0, top, H - M.bottom, M.top), w = (W - M.left - M.right) / n;
    axes(g, function (i) { return x(i) + w / 2; }, y, labels, [[0, "0%"], [top / 2, pct(top / 2, 0)], [top, pct(top, 0)]], xLabel);
    var group = svgEl("g", { "data-series": name, "data-values": JSON.stringify(shares) }, g);
    shares.forEach(function (s, i) {
      svgEl("rect", { x: (x(i) + 0.5).toFixed(1), width: Math.max(w - 1, 0.5).toFixed(1), y: y(s).toFixed(1),
                      height: Math.max(y(0) - y(s), 0).toFixed(1), class: i === highlight ? "ex-bar ex-bar--hot" : "ex-bar" }, group);
    });
  }

  function drawWeights() {
    var c = cell(), b = data.weight_bins, n = c.weight_hist.length;
    // tick positions in bars (centre of bar i at i): the outer edges, and zero in the middle bar
    var labels = [[-0.5, String(b[0])], [(n - 1) / 2, "0"], [n - 0.5, String(b[n])]];
    drawBars(weightSvg, c.weight_hist, labels, (n - 1) / 2, "weight (clipped at the ends)", "weight_hist");
    var g = weightSvg.lastChild;
    svgEl("text", { x: W - M.right, y: 12, class: "ex-note", "text-anchor": "end", id: "ex-near-zero" }, g,
          "|w| < " + data.near_zero_below + ": " + pct(c.near_zero));
    weightSvg.setAttribute("aria-label", "First-layer weights: " + pct(c.near_zero) + " have magnitude below " +
      data.near_zero_below + " (" + pct(baseline().near_zero) + " without regularization)");
  }

  function drawActs() {
    var c = cell(), b = data.activation_bins;
    var shares = [c.act_zero].concat(c.act_hist);
    var labels = [[0, "0"]];
    // bar i + 1 starts at edge b[i]: ticks on the edges
    for (var i = 2; i < b.length - 1; i += 4) labels.push([i + 0.5, "1e" + Math.round(Math.log10(b[i]))]);
    drawBars(actSvg, shares, labels, 0, "activation (log scale)", "act_hist");
    svgEl("text", { x: W - M.right, y: 12, class: "ex-note", "text-anchor": "end" }, actSvg.lastChild,
          "zero: " + pct(c.act_zero) + "; dead units: " + pct(c.dead_units));
    actSvg.setAttribute("aria-label", "Hidden activations: " + pct(c.act_zero) + " are exactly zero; " +
      pct(c.dead_units) + " of units are zero on every validation row");
  }

  function drawFinal() {
    var g = frame(finalSvg), c = cell(), base = baseline();
    var rows = [["train", c.final.train_acc, base.final.train_acc, "ex-s1"],
                ["validation", c.final.val_acc, base.final.val_acc, "ex-s2"],
                ["test", c.final.test_acc, base.final.test_acc, "ex-s3"],
                ["penalty share", c.penalty_share, null, "ex-s4"]];
    var x = scale(0, 1, M.left + 48, W - M.right - 40), rowH = (H - M.top - 20) / rows.length;
    rows.forEach(function (r, i) {
      var y0 = M.top + i * rowH;
      svgEl("text", { x: M.left + 44, y: y0 + rowH / 2 + 3, class: "ex-tick", "text-anchor": "end" }, g, r[0]);
      svgEl("rect", { x: x(0), y: y0 + 4, width: (x(1) - x(0)).toFixed(1), height: rowH - 8, class: "ex-track" }, g);
      if (r[1] === null) {
        svgEl("text", { x: x(0) + 4, y: y0 + rowH / 2 + 3, class: "ex-tick" }, g, "no term in the loss");
        return;
      }
      svgEl("rect", { x: x(0), y: y0 + 4, width: (x(r[1]) - x(0)).toFixed(1), height: rowH - 8,
                      class: "ex-fill " + r[3], "data-series": "final_" + r[0].split(" ")[0], "data-value": r[1] }, g);
      if (r[2] !== null) svgEl("line", { x1: x(r[2]), x2: x(r[2]), y1: y0 + 1, y2: y0 + rowH - 1, class: "ex-base" }, g);
      svgEl("text", { x: x(1) + 4, y: y0 + rowH / 2 + 3, class: "ex-tick" }, g, pct(r[1]));
    });
    svgEl("text", { x: (M.left + W - M.right) / 2, y: H - 6, class: "ex-label", "text-anchor": "middle" }, g,
          "generalization gap (train − test): " + (100 * c.final.gap).toFixed(1) + " points");
    finalSvg.setAttribute("aria-label", "Final accuracy: training " + pct(c.final.train_acc) + ", validation " +
      pct(c.final.val_acc) + ", test " + pct(c.final.test_acc) + "; penalty share " +
      (c.penalty_share === null ? "none" : pct(c.penalty_share)));
  }

  function sentence() {
    var m = method(), c = cell(), seeds = c.spread.test_acc;
    return m.label + ", " + describeValue(m, state.index) + ": validation " + pct(c.final.val_acc) +
      ", test " + pct(c.final.test_acc) + " (seeds " + pct(Math.min.apply(null, seeds)) + " to " +
      pct(Math.max.apply(null, seeds)) + "), gap " + (100 * c.final.gap).toFixed(1) + " points; " +
      pct(c.near_zero) + " of first-layer weights near zero; " + pct(c.act_zero) +
      " of hidden activations zero; penalty " +
      (c.penalty_share === null ? "adds no term to the loss" : pct(c.penalty_share) + " of the training loss") + ".";
  }

  function render() {
    var m = method();
    slider.max = String(m.values.length - 1);
    slider.value = String(state.index);
    slider.setAttribute("aria-valuetext", describeValue(m, state.index));
    valueText.textContent = m.setting + " = " + m.keys[state.index];
    chosenButton.textContent = "Go to validation's choice: " + m.keys[m.chosen];
    chosenButton.disabled = state.index === m.chosen;
    drawSweep();
    drawCurves(lossSvg, "loss");
    drawCurves(accSvg, "acc");
    drawFinal();
    drawWeights();
    drawActs();
    status.textContent = sentence();
  }

  select.addEventListener("change", function () {
    state.method = select.value;
    state.index = Math.min(state.index, method().values.length - 1);
    render();
  });
  slider.addEventListener("input", function () {
    state.index = Number(slider.value);
    render();
  });
  chosenButton.addEventListener("click", function () {
    state.index = method().chosen;
    render();
    slider.focus();
  });
  select.value = state.method;
  root.hidden = false;
  render();
})();
