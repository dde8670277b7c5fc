"""`mkdocs build --strict` of the real site, and of small broken projects that must fail
with a message naming the snippet or page at fault."""

import os
import re
import subprocess
import sys
from html import unescape as html_unescape
from pathlib import Path

import pytest

from runner.engine import Project, reader_text

ROOT = Path(__file__).resolve().parents[1]
MKDOCS = [sys.executable, "-m", "mkdocs", "build", "--strict"]


def build(cwd, site_dir, **env):
    environment = {**os.environ, "NO_MKDOCS_2_WARNING": "1", **env}
    return subprocess.run(
        [*MKDOCS, "--site-dir", str(site_dir)], cwd=cwd, env=environment,
        capture_output=True, text=True, timeout=900,
    )


@pytest.fixture(scope="module")
def site(built_site):
    """The real site, built strictly once per session (tests/conftest.py)."""
    return built_site


def test_strict_build_has_no_warnings(site):
    assert (site / "index.html").is_file()


def test_pages_have_no_unrendered_placeholders(site):
    for page in site.rglob("*.html"):
        html = page.read_text()
        assert not re.search(r"\{\{\s*[\w-]+/[\w-]+:", html), page  # a value left uninjected
        assert "--8&lt;--" not in html and "--8<--" not in html, page


def test_a_glossary_term_is_defined_at_its_first_use_in_each_section(site):
    """hooks/snippets.py: one <abbr> per term and section; the first use of a term that the
    glossary defines carries it, the later ones are plain text."""
    terms = [line[2:].split("]:", 1)[0] for line in
             (ROOT / "overrides" / "abbreviations.md").read_text().splitlines()
             if line.startswith("*[")]
    checked = 0
    for chapter in ("kernel-regularizers", "choosing", "in-practice"):
        html = (site / chapter / "index.html").read_text()
        article = html[html.index("<article"):html.index("</article>")]
        for section in re.split(r"(?=<h2[ >])", article)[1:]:
            defined = [m.lower() for m in re.findall(r"<abbr title=\"[^\"]*\">([^<]*)</abbr>",
                                                     section)]
            assert len(defined) == len(set(defined)), (chapter, section[:80])
            prose = re.sub(r"<pre.*?</pre>|<code>.*?</code>|<figure.*?</figure>", "", section,
                           flags=re.S)  # Markdown text only: the abbr extension's domain
            text = re.sub(r"<[^>]+>", "", " ".join(m[1] for m in re.finditer(
                r"<(?:p|li|td|th)\b[^>]*>(.*?)</(?:p|li|td|th)>", prose, re.S)))
            for term in sorted(terms, key=len, reverse=True):  # "decoupled weight decay"
                use = re.compile(rf"(?<![\w-]){re.escape(term)}(?![\w-])")  # before "decoupled"
                if use.search(text):
                    checked += 1
                    assert term.lower() in defined, (chapter, term, section[:80])
                    text = use.sub(" ", text)
    assert checked > 20


def test_values_are_injected_from_the_run(site, outputs):
    html = (site / "kernel-regularizers" / "index.html").read_text()
    html = re.sub(r"</?abbr[^>]*>", "", html)  # glossary terms are wrapped for hover definitions
    values = outputs.values("kernel_regularizers/05_training_effect")
    summary = values["summary"]
    # sentences of the prose, not the table (which holds some of the same numbers)
    assert re.search(rf"accuracy is\s+{summary['none']['val_acc']:.3f}\s+without a penalty", html)
    near_zero = summary["l1"]["near_zero_percent"]
    assert re.search(rf"With L1, {near_zero:.0f}%\s+of the first-layer", html)
    assert re.search(rf"at epoch\s+{values['best_epoch_none']}\s+and climbs", html)


def test_outputs_sit_under_their_code(site, outputs):
    html = (site / "kernel-regularizers" / "index.html").read_text()
    code = html.index("L1(0.1)   on w = 10:")  # the print line of the code block
    printed = html.index("L1(0.1)   on w = 10: 1\n")  # the same line in the output block
    assert code < printed


def test_figures_are_published_with_alt_text_size_and_caption(site):
    html = (site / "kernel-regularizers" / "index.html").read_text()
    images = [dict(re.findall(r'(\w+)="([^"]*)"', tag)) for tag in re.findall(r"<img [^>]+>", html)]
    images = [image for image in images if image.get("src", "").endswith(".svg")]
    assert len(images) == 4  # two figures, each with its phone layout
    for image in images:
        assert len(image["alt"]) > 40 and image["loading"] == "lazy"
        assert int(image["width"]) > 0 and int(image["height"]) > 0
        svg = (site / "kernel-regularizers" / image["src"]).resolve()
        assert svg.is_file() and "<text" in svg.read_text()  # text as text
    captions = re.findall(r"<figcaption>(Figure [\d.]+) — ", html)
    assert captions == ["Figure 2.1", "Figure 2.2"]  # the second chapter's two figures
    # the home page's figure stands in its opening, on screen at once: loaded eagerly
    home = (site / "index.html").read_text()
    loading = [dict(re.findall(r'(\w+)="([^"]*)"', tag)).get("loading")
               for tag in re.findall(r"<img [^>]+>", home) if '.svg"' in tag]
    assert loading == ["eager", "eager"], loading  # the figure and its phone layout


def test_about_page_clones_the_real_repository(site):
    import yaml

    repo_url = yaml.safe_load((ROOT / "mkdocs.yml").read_text())["repo_url"]
    html = (site / "about" / "index.html").read_text()
    text = re.sub(r"<[^>]+>", "", html)
    assert f"git clone {repo_url}.git" in text
    assert f"cd {repo_url.rstrip('/').rsplit('/', 1)[-1]}" in text
    assert "&lt;this repository&gt;" not in html and "{{ site:" not in html
    # the environment the examples ran with, as a reader can export it: the runner's own
    from runner.engine import CHILD_ENV

    exported = re.search(r"export (.*?)\npython ", text, re.S)[1].replace("\\\n", " ")
    assert dict(pair.split("=", 1) for pair in exported.split()) == {
        key: value for key, value in CHILD_ENV.items() if "PROXY" not in key}


def test_footer_gives_commit_and_build_date(site):
    html = (site / "index.html").read_text()
    assert re.search(r'Built on <time datetime="\d{4}-\d{2}-\d{2}">', html)
    assert re.search(r"from commit\s+(<a href=\"[^\"]+/commit/\w{40}\">\w{12}</a>|unknown)", html)


def test_theme_scripts_are_deferred_after_the_start_up_guards(site):
    """overrides/main.html: every page's theme and site scripts are deferred, in order, and
    the inline guards that spare whole-page style recalculations come first."""
    for page in site.rglob("*.html"):
        html = page.read_text()
        if "assets/javascripts/bundle." not in html:
            continue  # redirects and the like
        tail = html[html.index('<script id="__config"'):]
        sources = re.findall(r"<script([^>]*) src=\"([^\"]+)\"", tail)
        assert [Path(src).name.split(".")[0] for _, src in sources] == ["bundle", "a11y", "copy"]
        assert all(" defer" in attributes for attributes, _ in sources), page
        assert tail.index("data-md-color-switching") < tail.index("bundle."), page
        head = html[:html.index("</head>")]
        assert 'className = "js js-focus-visible"' in head, page


def test_math_is_mathml_without_third_party_requests(site):
    html = (site / "kernel-regularizers" / "index.html").read_text()
    assert html.count("<math ") >= 10
    assert "\\(" not in html and "\\[" not in html
    for page in site.rglob("*.html"):
        text = page.read_text()
        assert "fonts.googleapis.com" not in text and "cdn.jsdelivr" not in text, page
        assert 'data-md-component="source"' not in text, page


def test_versions_are_on_the_site(site):
    from importlib.metadata import version
    html = (site / "index.html").read_text()
    assert f"TensorFlow {version('tensorflow')}" in html and f"Keras {version('keras')}" in html
    about = (site / "about" / "index.html").read_text()
    assert re.search(r"Keras\s+" + re.escape(version("keras")), about)


def test_execution_times_page_lists_every_snippet(site, outputs):
    html = (site / "execution-times" / "index.html").read_text()
    for snippet_id in outputs.results:
        assert f"snippets/{snippet_id}.py" in html


def test_execution_times_page_gives_each_declared_backends_reason(site, outputs):
    """The `# why` of every `# runner: backends=` line is in its example's row."""
    html = (site / "execution-times" / "index.html").read_text()
    rows = {m[1]: m[2] for m in re.finditer(
        r'<tr>\s*<td><a href="[^"]*"><code>snippets/([^<]+)\.py</code></a></td>(.*?)</tr>',
        html.split('id="backends-per-example"')[1], re.S)}
    declared = 0
    for snippet_id in outputs.results:
        reason = outputs.project.backends_reason(ROOT / "snippets" / f"{snippet_id}.py")
        if reason:
            declared += 1
            text = re.sub(r"<[^>]+>", "", rows[snippet_id])
            assert html_unescape(reason.replace("`", "")) in html_unescape(text), snippet_id
    assert declared >= 20


def test_snippet_files_are_downloadable_without_runner_directives(site, outputs):
    for snippet_id in outputs.results:
        published = (site / "snippets" / f"{snippet_id}.py").read_text()
        assert published == reader_text(ROOT / "snippets" / f"{snippet_id}.py")
        assert "# runner:" not in published
    assert "# runner:" not in (site / "choosing" / "index.html").read_text()  # whole files


# ---- bad input: each must fail the build and name the culprit --------------------------

GOOD = "print('fine')\n"


@pytest.mark.recorded
@pytest.mark.parametrize(
    ("snippets", "page", "expected"),
    [
        ({"ch/01_raises.py": "x = 1\nraise ValueError('bad value')\n"},
         "# P\n", r"snippets/ch/01_raises.py:2: ValueError: bad value"),
        ({"ch/01_syntax.py": "def f(:\n"},
         "# P\n", r"snippets/ch/01_syntax.py:1: SyntaxError"),
        ({"ch/01_slow.py": "# runner: timeout=1\nimport time\ntime.sleep(60)\n"},
         "# P\n", r"snippets/ch/01_slow.py: exceeded its timeout of 1 s"),
        ({"ch/01_ok.py": GOOD},
         '# P\n\n```python title="x"\n--8<-- "ch/01_missing.py"\n```\n',
         r"docs/p.md:4: included file 'ch/01_missing.py' does not exist"),
        ({"ch/01_ok.py": GOOD},
         '# P\n\n```python title="x"\n--8<-- "ch/01_ok.py:nosection"\n```\n',
         r"docs/p.md:4: section 'nosection' is not marked in ch/01_ok.py"),
        ({"ch/01_ok.py": GOOD},
         '# P\n\n```text\n--8<-- "ch/01_ok/result.txt"\n```\n',
         r"docs/p.md:4: output 'result.txt' was not produced by snippets/ch/01_ok.py"),
        ({"ch/01_ok.py": GOOD},
         '# P\n\n![A figure](figures/ch/01_ok/curve.svg "Caption.")\n',
         r"docs/p.md:3: figure 'curve' was not produced by snippets/ch/01_ok.py"),
        ({"ch/01_ok.py": GOOD},
         "# P\n\nThe answer is {{ ch/01_ok:answer }}.\n",
         r"docs/p.md:3: value 'answer' is not set by snippets/ch/01_ok.py"),
        ({"ch/01_ok.py": GOOD},
         "# P\n\nSee [nowhere](missing.md).\n",
         r"missing\.md"),
        ({"ch/01_ok.py": GOOD},
         "# P\n\nSee [a heading](#no-such-heading).\n",
         r"no-such-heading"),
    ],
    ids=["raises", "syntax", "timeout", "missing-file", "missing-section", "missing-output",
         "missing-figure", "missing-value", "broken-link", "broken-anchor"],
)
def test_bad_input_fails_the_build(make_project, tmp_path, snippets, page, expected):
    project = make_project(snippets=snippets,
                           pages={"index.md": "# Home\n", "p.md": page, "ch.md": "# Ch\n"})
    result = build(project, tmp_path / "out")
    assert result.returncode != 0
    assert re.search(expected, result.stderr), result.stderr[-2000:]


@pytest.mark.recorded
def test_failed_snippet_keeps_last_good_outputs_in_the_site(make_project, tmp_path):
    page = '# P\n\n```text\n--8<-- "ch/01_x/stdout.txt"\n```\n'
    project = make_project(snippets={"ch/01_x.py": "print('first good run')\n"},
                           pages={"index.md": "# Home\n", "p.md": page, "ch.md": "# Ch\n"})
    assert build(project, tmp_path / "out").returncode == 0
    (project / "snippets" / "ch" / "01_x.py").write_text("raise SystemExit(3)\n")
    failed = build(project, tmp_path / "out2")
    assert failed.returncode != 0
    assert "snippets/ch/01_x.py" in failed.stderr
    assert Project(project).outputs("ch/01_x").text() == "first good run\n"
    # with execution switched off, stale outputs are refused by the strict build ...
    stale = build(project, tmp_path / "out3", SNIPPETS_EXECUTE="0")
    assert stale.returncode != 0 and "out of date: snippets/ch/01_x.py" in stale.stderr
    # ... and the last good outputs build again once the snippet is restored
    (project / "snippets" / "ch" / "01_x.py").write_text("print('first good run')\n")
    assert build(project, tmp_path / "out4", SNIPPETS_EXECUTE="0").returncode == 0
    assert "first good run" in (tmp_path / "out4" / "p" / "index.html").read_text()
