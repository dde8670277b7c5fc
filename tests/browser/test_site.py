"""The built site in a real browser: every page loads cleanly and privately, renders its math
and figures, works in dark mode and on a phone, passes axe-core; search finds the activity chapter.
Copy buttons: test_copy.py."""

import re
from pathlib import Path

import pytest

from runner.chapters import chapters, nav, nav_files

ROOT = Path(__file__).resolve().parents[2]
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
CHAPTERS = [chapter.slug for chapter in chapters(ROOT)]


def nav_pages():
    """Every page of the site's nav, as the path of its built HTML file."""
    stems = [file.removesuffix(".md").removesuffix(".ipynb") for file in nav_files(nav(ROOT))]
    return ["index.html" if stem == "index" else f"{stem}/index.html" for stem in stems]


# the rendered notebooks: no nav entry (reached from their chapters), tested like every page
PAGES = nav_pages() + [f"notebooks/{chapter}/index.html" for chapter in CHAPTERS]


def figure_pages():
    """The pages that show figures (those inside <noscript>, shown only without JavaScript,
    aside: test_explorer.py)."""
    found = []
    for path in PAGES:
        stem = path.removesuffix("index.html").strip("/") or "index"
        source = ROOT / "docs" / f"{stem}.md"
        text = source.read_text() if source.is_file() else ""
        if "](figures/" in re.sub(r"<noscript.*?</noscript>", "", text, flags=re.S):
            found.append(path)
    return found


FIGURE_PAGES = figure_pages()
DARK_PAGES = list(dict.fromkeys([f"{chapter}/index.html" for chapter in CHAPTERS]
                                + FIGURE_PAGES))


def slug(path):
    return path.removesuffix("index.html").strip("/").replace("/", "_") or "home"


def test_every_built_page_is_in_the_nav_and_tested(pages):
    assert sorted(PAGES) == pages
    for chapter in CHAPTERS:
        assert f"{chapter}/index.html" in PAGES


@pytest.mark.parametrize("path", PAGES)
def test_page_loads_cleanly_offline_with_math_figures_and_no_violations(visit, path, artifacts):
    page = visit(path, viewport={"width": 1280, "height": 900})
    assert page.response.status == 200
    assert page.console_errors == [], page.console_errors
    assert page.failed == [], page.failed
    assert page.external == [], f"requests leaving 127.0.0.1: {page.external}"

    p = page.page
    # math: MathML elements exist where arithmatex marked formulas; no raw TeX is left
    formulas = p.locator(".arithmatex").count()
    assert p.locator(".arithmatex math").count() == formulas
    text = p.evaluate("""() => {
        const article = document.querySelector("article").cloneNode(true);
        article.querySelectorAll("pre, code, style, script, .jp-OutputArea, .clipboard-copy-txt")
            .forEach((e) => e.remove());
        return article.innerText;
    }""")  # prose only: code may contain backslashes and dollars
    assert not re.search(r"\\\(|\\\[|\$\$", text), "raw TeX in the page"

    # figures: every image shown loads (lazily: once scrolled to), with alt text
    for image in p.locator("article img:visible").all():
        image.scroll_into_view_if_needed()
        loaded = image.evaluate("async img => { await img.decode(); return img.naturalWidth > 0 }")
        assert loaded, image.get_attribute("src")
        assert (image.get_attribute("alt") or "").strip(), image.get_attribute("src")

    # accessibility: axe-core, zero serious or critical violations
    p.add_script_tag(path=str(AXE))
    result = p.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    serious = [
        f"{v['id']} ({v['impact']}): {v['help']} x{len(v['nodes'])}"
        for v in result["violations"] if v["impact"] in ("serious", "critical")
    ]
    assert serious == [], serious
    # what a reader sees first (a full-page shot took 1.5-2.6 s a page, for a picture)
    p.evaluate("window.scrollTo(0, 0)")
    p.screenshot(path=str(artifacts / "screenshots" / f"{slug(path)}.png"))

    # code fits the content column: no block scrolls sideways (notebook pages aside)
    if not path.startswith("notebooks/"):
        desktop = p.evaluate(OVERFLOWING)
        assert desktop == [], f"{len(desktop)} blocks scroll sideways at 1280 px: {desktop}"


@pytest.mark.parametrize("path", DARK_PAGES)
def test_dark_mode_keeps_figures_legible_and_passes_axe(visit, path, artifacts):
    """The dark palette (slate): the page is dark, figures are inverted (heat maps keep a
    white card), and axe-core finds nothing serious (the light palette: the page-load test)."""
    page = visit(path, viewport={"width": 1280, "height": 900})
    p = page.page
    assert p.evaluate("document.body.dataset.mdColorScheme") == "default"
    p.locator("label[for='__palette_1']").first.click()  # Material's palette toggle
    p.wait_for_function("document.body.dataset.mdColorScheme === 'slate'")
    background = p.evaluate("getComputedStyle(document.body).backgroundColor")
    assert luminance(background) < 0.2, background  # the page really is dark
    for figure in p.locator("article figure.figure").all():
        image = figure.locator("img:visible").first
        image.scroll_into_view_if_needed()
        image.evaluate("img => img.decode()")
        shot = image.screenshot()
        if "figure-raster" in figure.get_attribute("class"):
            # heat maps keep their colours (they carry values) on a white card
            assert frame_brightness(shot) > 0.9, image.get_attribute("src")
        else:
            # the drawing is inverted: a dark background under light text and lines
            assert frame_brightness(shot) < 0.3, image.get_attribute("src")
            assert bright_share(shot) > 0.005, image.get_attribute("src")
    p.add_script_tag(path=str(AXE))
    result = p.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    serious = [f"{v['id']} ({v['impact']}): {v['help']} x{len(v['nodes'])}"
               for v in result["violations"] if v["impact"] in ("serious", "critical")]
    assert serious == [], serious
    p.screenshot(path=str(artifacts / "screenshots" / f"{slug(path)}-dark.png"))


# Records, from before the page's first script, the changes that cost the whole page a style
# recalculation at start-up (overrides/main.html explains each): the mark Material puts on
# <body> while it switches palettes, and a <meta name="color-scheme"> added to the document.
RECORD_RESTYLES = """
window.restyles = [];
new MutationObserver((records) => records.forEach((record) => {
  if (record.type === "attributes") {
    const name = record.attributeName;
    restyles.push(`body ${name}=${record.target.getAttribute(name)}`);
  } else record.addedNodes.forEach((node) => {
    if (node.nodeName === "META" && node.getAttribute("name") === "color-scheme") {
      restyles.push("meta color-scheme");
    }
  });
})).observe(document, {subtree: true, childList: true, attributes: true,
                       attributeFilter: ["data-md-color-switching"]});
"""
SWITCH = ["body data-md-color-switching=", "body data-md-color-switching=null"]


def palette_state(page):
    return page.evaluate("""() => ({
        scheme: document.body.dataset.mdColorScheme,
        root: getComputedStyle(document.documentElement).colorScheme,
        classes: document.documentElement.className,
        restyles: window.restyles.splice(0)})""")


@pytest.mark.parametrize("system", ["light", "dark"])
def test_theme_starts_without_whole_page_restyles_and_palettes_still_switch(
        browser, base_url, system):
    """overrides/main.html: at load, no switching mark and no colour-scheme element (each
    re-styles every element), <html> already has the classes the theme adds; switching the
    palette still marks <body> while it switches, and the page's colour scheme follows."""
    context = browser.new_context(color_scheme=system)
    try:
        context.add_init_script(RECORD_RESTYLES)
        page = context.new_page()
        page.goto(f"{base_url}/kernel-regularizers/", wait_until="networkidle")
        page.wait_for_timeout(300)  # the theme removes its mark 100 ms after a switch
        first = {"light": ("default", "light"), "dark": ("slate", "dark")}[system]
        state = palette_state(page)
        assert (state["scheme"], state["root"]) == first, state
        assert state["classes"].split() == ["js", "js-focus-visible"], state
        # a first visit on a dark system really switches (light is <body>'s default)
        assert state["restyles"] == (SWITCH if system == "dark" else []), state

        page.locator("label.md-header__button[for^='__palette']:visible").first.click()
        page.wait_for_timeout(300)
        state = palette_state(page)
        other = {"light": ("slate", "dark"), "dark": ("default", "light")}[system]
        assert (state["scheme"], state["root"]) == other, state
        assert state["restyles"] == SWITCH, state  # transitions off while it switched

        page.reload(wait_until="networkidle")  # the stored palette is applied before paint
        page.wait_for_timeout(300)
        state = palette_state(page)
        assert (state["scheme"], state["root"]) == other, state
        assert state["restyles"] == [], state
    finally:
        context.close()


@pytest.mark.parametrize("path", [p for p in PAGES if not p.startswith("notebooks/")])
def test_on_a_phone_the_page_fits_and_only_code_scrolls(visit, path):
    p = visit(path, viewport={"width": 375, "height": 800}).page
    width = p.evaluate("document.documentElement.scrollWidth")
    assert width <= 375, f"page is {width} px wide at a 375 px viewport"
    wrapped = [block for block in p.evaluate(OVERFLOWING) if block["output"]]
    assert wrapped == [], f"output blocks that should wrap scroll at 375 px: {wrapped}"


def test_search_finds_the_activity_chapter(visit):
    page = visit("index.html", viewport={"width": 1280, "height": 900})
    p = page.page
    p.locator("input.md-search__input").click()
    p.keyboard.type("activity_regularizer", delay=20)  # key events, as a reader types
    results = p.locator(".md-search-result__item a")
    results.first.wait_for(timeout=15000)
    links = [link.get_attribute("href") for link in results.all()]
    assert any("activity-regularizers/" in link for link in links), links


def test_notebooks_are_reached_from_their_chapter_only(visit, built_site):
    """One notebook per chapter, linked from it: rendered (mkdocs-jupyter, no prompts), a real
    .ipynb download and a Colab link; the rendered copies are in no sidebar, no search result
    and after no chapter's "Next"."""
    import json

    rendered = sorted(p.parent.name for p in built_site.glob("notebooks/*/index.html"))
    assert rendered == sorted(CHAPTERS)
    index = json.loads((built_site / "search" / "search_index.json").read_text())
    assert not [d["location"] for d in index["docs"] if d["location"].startswith("notebooks")]
    for chapter in CHAPTERS:
        html = (built_site / "notebooks" / chapter / "index.html").read_text()
        assert "jp-InputPrompt" not in html or "In&nbsp;[" not in html
        page = visit(f"{chapter}/index.html", viewport={"width": 1280, "height": 900})
        p = page.page
        link = p.locator(f"article a[download='{chapter}.ipynb']")
        assert link.count() == 1, chapter
        with p.expect_download() as download:
            link.click()
        notebook = json.loads(Path(download.value.path()).read_text())
        assert notebook["nbformat"] == 4 and len(notebook["cells"]) > 5
        assert "PINNED = {" in "".join(notebook["cells"][1]["source"])
        colab = p.locator("article a[href^='https://colab.research.google.com/github/']")
        assert colab.first.get_attribute("href").endswith(f"/blob/main/notebooks/{chapter}.ipynb")
        assert p.locator(".md-sidebar--primary a[href*='notebooks/']").count() == 0
        rendered_link = p.locator(f"article a[href$='notebooks/{chapter}/']")
        assert rendered_link.count() == 1, chapter
        assert p.locator("a.md-content__button").count() == 2  # edit, view: a real source
        following = p.locator("a.md-footer__link--next")
        if following.count():
            assert "notebooks/" not in following.get_attribute("href")


def test_generated_pages_have_no_edit_or_view_actions(visit):
    page = visit("execution-times/index.html", viewport={"width": 1280, "height": 900})
    assert page.page.locator("a.md-content__button").count() == 0
    text = page.page.locator("article").inner_text()
    assert "examples" in text and not re.search(r"\b\d+ of \d+ snippets ran", text)
    # links to file names: the underline sits below the descenders, clear of underscores
    link = page.page.locator("article td a", has_text="_").first
    style = link.evaluate("""a => { const s = getComputedStyle(a);
        return [s.textDecorationLine, s.textUnderlineOffset, s.fontSize]; }""")
    assert style[0] == "underline" and float(style[1].removesuffix("px")) >= 0.25 * float(
        style[2].removesuffix("px")), style


def test_footer_states_versions_commit_and_build_date(visit):
    page = visit("index.html", viewport={"width": 1280, "height": 900})
    footer = page.page.locator(".md-copyright").inner_text()
    assert "TensorFlow" in footer and "Keras" in footer
    assert re.search(r"Built on \d{4}-\d{2}-\d{2} from commit (\w{12}|unknown)", footer), footer


def luminance(css_color):
    red, green, blue = (int(value) for value in re.findall(r"\d+", css_color)[:3])
    return (0.2126 * red + 0.7152 * green + 0.0722 * blue) / 255


def frame_brightness(png_bytes, inner=4, outer=10):
    """Median brightness (0 to 1) of a frame just inside an image's edge: its background,
    clear of the rounded corners and the 1 px outline the site's CSS draws (the median
    ignores the labels that reach into the frame)."""
    from io import BytesIO

    from PIL import Image

    image = Image.open(BytesIO(png_bytes)).convert("L")
    width, height = image.size
    pixels = []
    for x in range(outer, width - outer):
        for y in list(range(inner, outer)) + list(range(height - outer, height - inner)):
            pixels.append(image.getpixel((x, y)))
    return sorted(pixels)[len(pixels) // 2] / 255


def bright_share(png_bytes):
    """The share of an image's pixels that are light (text and lines on a dark ground)."""
    from io import BytesIO

    from PIL import Image

    image = Image.open(BytesIO(png_bytes)).convert("L")
    values = list(image.getdata())
    return sum(value > 160 for value in values) / len(values)


OVERFLOWING = """async () => {
    while (document.readyState !== "complete") {  // every block parsed and laid out
        await new Promise((resolve) => setTimeout(resolve, 50));
    }
    document.querySelectorAll("article details").forEach((d) => { d.open = true; });
    return [...document.querySelectorAll("article .highlight pre > code")]
        .filter((code) => code.scrollWidth > code.clientWidth + 1)
        .map((code) => {
            const block = code.closest(".highlight"), title = block.querySelector(".filename");
            const longest = Math.max(...code.textContent.split("\\n").map((l) => l.length));
            return {output: block.matches(".output"), longest,
                    title: (title ? title.textContent : "") + " " +
                           code.textContent.trim().split("\\n")[0].slice(0, 60)};
        });
}"""

