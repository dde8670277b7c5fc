"""The Explorer page in Chromium: the keyboard moves the slider and every view shows the
JSON's values for that cell; the marker is the data's choice; no console error, no request
off the site, no serious axe-core violation; it fits a phone and works in dark mode; without
JavaScript it shows the static figures. Also measured, and reported, not asserted as timings:
the time from a slider move to the updated views, and the page's transfer size."""

import gzip
import json
import statistics
from pathlib import Path
from urllib.parse import urlparse

import pytest

ROOT = Path(__file__).resolve().parents[2]
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
PAGE = "explorer/index.html"
PAGE_BUDGET = 400 * 1024  # bytes, gzip-compressed, data and code included


@pytest.fixture
def explorer(visit):
    """The Explorer page in a fresh context (the shared `visit`), desktop-sized by default."""

    def open_page(**options):
        options.setdefault("viewport", {"width": 1280, "height": 900})
        return visit(PAGE, **options)

    return open_page


def page_data(page):
    return json.loads(page.locator("#explorer-data").text_content())


def plotted(page, svg, series):
    return json.loads(page.locator(f"#{svg} [data-series='{series}']").get_attribute("data-values"))


def assert_views_show(page, data, method, index):
    m = data["methods"][method]
    cell = m["cells"][index]
    assert page.locator("#explorer-strength").input_value() == str(index)
    assert page.locator("#explorer-value").text_content().endswith(f"= {m['keys'][index]}")
    for kind in ("loss", "acc"):
        for split in ("train", "val"):
            expected = cell["curves"][f"{split}_{kind}"]
            assert plotted(page, f"ex-{kind}", f"{split}_{kind}") == expected
    assert plotted(page, "ex-weights", "weight_hist") == cell["weight_hist"]
    assert plotted(page, "ex-acts", "act_hist") == [cell["act_zero"], *cell["act_hist"]]
    for name, key in (("train", "train_acc"), ("validation", "val_acc"), ("test", "test_acc")):
        bar = page.locator(f"#ex-final [data-series='final_{name}']")
        assert float(bar.get_attribute("data-value")) == cell["final"][key]
    cursor = page.locator("#ex-sweep [data-role='current']")
    assert cursor.get_attribute("data-index") == str(index)
    status = page.locator("#explorer-status").text_content()
    assert f"{m['setting']} {m['keys'][index]} ({index + 1} of {len(m['values'])})" in status
    assert f"validation {100 * cell['final']['val_acc']:.1f}%" in status
    label = page.locator("#ex-final").get_attribute("aria-label")
    assert f"validation {100 * cell['final']['val_acc']:.1f}%" in label


def test_keyboard_moves_the_slider_and_every_view_follows_the_data(explorer):
    v = explorer()
    p = v.page
    data = page_data(p)
    slider = p.locator("#explorer-strength")
    assert p.locator("label[for='explorer-strength']").count() == 1
    assert p.locator("label[for='explorer-method']").count() == 1
    assert p.locator("#explorer-status").get_attribute("aria-live") == "polite"
    assert p.locator("#explorer-method").input_value() == "l1"
    assert_views_show(p, data, "l1", 0)
    slider.focus()
    # the focus is visible: an outline drawn by the page's stylesheet
    outline = p.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert p.evaluate("document.activeElement.id") == "explorer-strength" and outline != "none"
    n = len(data["methods"]["l1"]["values"])
    for index in range(1, n):
        p.keyboard.press("ArrowRight")
        assert_views_show(p, data, "l1", index)
    p.keyboard.press("Home")
    assert_views_show(p, data, "l1", 0)
    for method in data["order"]:
        p.locator("#explorer-method").select_option(method)
        last = len(data["methods"][method]["values"]) - 1
        slider.focus()
        p.keyboard.press("End")
        assert_views_show(p, data, method, last)
    assert v.console_errors == [], v.console_errors
    assert v.external == [], v.external


def test_the_marker_is_the_choice_in_the_data(explorer):
    v = explorer()
    p = v.page
    data = page_data(p)
    for method in data["order"]:
        m = data["methods"][method]
        p.locator("#explorer-method").select_option(method)
        marker = p.locator("#ex-sweep [data-role='chosen']")
        assert marker.get_attribute("data-index") == str(m["chosen"]), method
        button = p.locator("#explorer-go-chosen")
        assert button.text_content().endswith(m["keys"][m["chosen"]])
        if button.is_enabled():
            button.focus()
            p.keyboard.press("Enter")
        assert_views_show(p, data, method, m["chosen"])
    assert v.console_errors == [], v.console_errors


@pytest.mark.skipif(not AXE.is_file(), reason="axe-core is not installed (npm ci)")
@pytest.mark.parametrize("scheme", ["default", "slate"])
def test_axe_finds_nothing_serious_in_either_scheme(explorer, scheme):
    v = explorer()
    p = v.page
    if scheme == "slate":
        p.locator("label[for='__palette_1']").first.click()
        p.wait_for_function("document.body.dataset.mdColorScheme === 'slate'")
    p.locator("#explorer-strength").focus()
    p.keyboard.press("End")
    p.add_script_tag(path=str(AXE))
    result = p.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    serious = [f"{r['id']} ({r['impact']}): {r['help']} x{len(r['nodes'])}"
               for r in result["violations"] if r["impact"] in ("serious", "critical")]
    assert serious == [], serious
    # chart text follows the theme: light text on the dark scheme, dark on the light one
    fill = p.evaluate("getComputedStyle(document.querySelector('#ex-acc .ex-tick')).fill")
    level = sum(int(x) for x in fill[fill.index("(") + 1:fill.index(")")].split(",")[:3]) / 3
    assert (level > 128) == (scheme == "slate"), fill
    assert v.console_errors == [], v.console_errors


def test_fits_a_phone(explorer, artifacts):
    v = explorer(viewport={"width": 375, "height": 800})
    p = v.page
    assert p.evaluate("document.documentElement.scrollWidth") <= 375
    box = p.locator("#ex-acc").bounding_box()
    assert 200 < box["width"] <= 375
    p.locator("#explorer").screenshot(path=str(artifacts / "screenshots" / "explorer-phone.png"))


def test_without_javascript_the_static_figures_show(explorer, artifacts):
    v = explorer(java_script_enabled=False)
    p = v.page
    assert p.locator("#explorer").is_hidden()
    text = p.locator("article").inner_text()
    assert "controls need JavaScript" in text and "a slider steps" in text
    images = p.locator("article img:visible")  # the wide layouts; the phone ones are hidden
    assert images.count() == 2
    for image in images.all():
        image.scroll_into_view_if_needed()
        assert image.evaluate("async img => { await img.decode(); return img.naturalWidth > 0 }")
        assert "explorer" in image.get_attribute("src") and image.get_attribute("alt").strip()
    assert v.external == [], v.external
    p.screenshot(path=str(artifacts / "screenshots" / "explorer-no-js.png"), full_page=True)


def test_measure_update_latency_and_page_weight(explorer, built_site, artifacts):
    """Reported in build/test-artifacts/explorer.json; only the weight budget is asserted."""
    v = explorer()
    p = v.page
    times = p.evaluate("""async () => {
        const slider = document.getElementById("explorer-strength");
        const select = document.getElementById("explorer-method");
        const frame = () => new Promise((done) => requestAnimationFrame(() => setTimeout(done, 0)));
        const times = [], renders = [];
        const data = JSON.parse(document.getElementById("explorer-data").textContent);
        for (const method of data.order) {
            select.value = method;
            select.dispatchEvent(new Event("change"));
            await frame();
            for (let i = 0; i <= Number(slider.max); i++) {
                const start = performance.now();
                slider.value = String(i);
                slider.dispatchEvent(new Event("input"));
                document.body.getBoundingClientRect();  // style and layout included
                renders.push(performance.now() - start);
                await frame();  // and the next frame painted
                times.push(performance.now() - start);
            }
        }
        return [times, renders];
    }""")
    times, renders = times
    local = [r for r in v.responses if urlparse(r.url).hostname == "127.0.0.1"]
    raw = sum(len(r.body()) for r in local)
    packed = sum(len(gzip.compress(r.body(), 6)) for r in local)
    own = {}
    for name in ("explorer/index.html", "javascripts/explorer.js", "stylesheets/explorer.css"):
        body = (built_site / name).read_bytes()
        own[name] = {"raw": len(body), "gzip": len(gzip.compress(body, 6))}
    report = {
        "updates": len(times),
        "render_ms_median": round(statistics.median(renders), 2),
        "render_ms_max": round(max(renders), 2),
        "latency_ms_median": round(statistics.median(times), 2),
        "latency_ms_p95": round(sorted(times)[int(0.95 * (len(times) - 1))], 2),
        "latency_ms_max": round(max(times), 2),
        "requests": len(local), "transfer_raw_bytes": raw, "transfer_gzip_bytes": packed,
        "explorer_files": own,
    }
    (artifacts / "explorer.json").write_text(json.dumps(report, indent=1))
    print("\nexplorer:", json.dumps(report))
    assert v.console_errors == [] and v.external == []
    assert packed <= PAGE_BUDGET, report
