"""Page checks: includes, figures and values are verified and injected, or the page fails
with its file, its line and the snippet involved."""

import json

import pytest

from runner.engine import Project
from runner.pages import PageError, Pages


@pytest.fixture(scope="module")
def project_dir(tmp_path_factory):
    return tmp_path_factory.mktemp("project")


@pytest.fixture(scope="module")
def pages(project_dir):
    tmp_path = project_dir
    snippet = tmp_path / "snippets" / "ch" / "01_demo.py"
    snippet.parent.mkdir(parents=True)
    snippet.write_text(
        "import matplotlib.pyplot as plt\n"
        "# --8<-- [start:main]\n"
        "penalty = 1.0\nrows = {'l1': {'acc': 0.8125}, 'list': [3, 4]}\nprint(penalty)\n"
        "# --8<-- [end:main]\n"
        "plt.figure(num='curves')\n"
    )
    project = Project(tmp_path)
    project.run()
    return Pages(project.snippets_dir, project.output_dir, [project.snippets_dir, project.output_dir])


def test_values_are_injected_with_formats(pages):
    text = "a {{ ch/01_demo:penalty }} b {{ ch/01_demo:rows.l1.acc|.2f }} c {{ch/01_demo:rows.list.-1}} d {{ ch/01_demo:rows.l1.acc|.1% }}"
    assert pages.render(text, "docs/p.md") == "a 1.0 b 0.81 c 4 d 81.2%"


def test_run_facts_come_from_meta(pages):
    seconds = float(pages.render("{{ ch/01_demo:@seconds|.3f }}", "docs/p.md"))
    assert 0 < seconds < 60
    with pytest.raises(PageError, match="run fact '@nope' is unknown"):
        pages.render("{{ ch/01_demo:@nope }}", "docs/p.md")


def test_valid_includes_and_figures_pass(pages):
    text = (
        '--8<-- "ch/01_demo.py:main"\n--8<-- "ch/01_demo/main.txt"\n--8<-- "ch/01_demo.py"\n'
        "![A curve](figures/ch/01_demo/curves.svg)\n"
    )
    assert pages.render(text, "docs/p.md") == text


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("{{ ch/01_demo:missing }}", "docs/p.md:3: value 'missing' is not set by snippets/ch/01_demo.py (its top-level values: penalty, rows)"),
        ("{{ ch/01_demo:rows.l2 }}", "docs/p.md:3: value 'rows.l2' is not set by snippets/ch/01_demo.py"),
        ("{{ ch/02_nope:x }}", "docs/p.md:3: snippet snippets/ch/02_nope.py does not exist"),
        ("{{ ch/01_demo:penalty|d }}", "docs/p.md:3: value 'penalty' = 1.0 cannot be formatted as 'd'"),
        ('--8<-- "ch/02_nope.py"', "docs/p.md:3: included file 'ch/02_nope.py' does not exist"),
        ('--8<-- "ch/01_demo.py:nosuch"', "docs/p.md:3: section 'nosuch' is not marked in ch/01_demo.py"),
        ('--8<-- "ch/01_demo/nosuch.txt"', "docs/p.md:3: output 'nosuch.txt' was not produced by snippets/ch/01_demo.py (it produced: main.txt, stdout.txt)"),
        ("![A](figures/ch/01_demo/nosuch.svg)", "docs/p.md:3: figure 'nosuch' was not produced by snippets/ch/01_demo.py (it produced: curves)"),
        ("![](figures/ch/01_demo/curves.svg)", "docs/p.md:3: figure ch/01_demo/curves.svg has no alt text"),
        ("![A](figures/ch/09_gone/x.svg)", "docs/p.md:3: figure ch/09_gone/x.svg names snippet snippets/ch/09_gone.py, which does not exist"),
    ],
)
def test_bad_references_name_page_line_and_snippet(pages, line, message):
    with pytest.raises(PageError) as error:
        pages.render(f"# Title\n\n{line}\n", "docs/p.md")
    assert message in str(error.value)


def test_every_problem_is_reported_at_once(pages):
    with pytest.raises(PageError) as error:
        pages.render("{{ ch/01_demo:a }}\n{{ ch/01_demo:b }}\n", "docs/p.md")
    assert "docs/p.md:1:" in str(error.value) and "docs/p.md:2:" in str(error.value)


def test_images_inside_code_fences_are_ignored(pages):
    text = "```markdown\n![](figures/ch/01_demo/nosuch.svg)\n```\n"
    assert pages.render(text, "docs/p.md") == text


def test_values_json_is_what_the_snippet_set(pages, project_dir):
    values = json.loads((project_dir / "build" / "outputs" / "ch" / "01_demo" / "values.json").read_text())
    assert values == {"penalty": 1.0, "rows": {"l1": {"acc": 0.8125}, "list": [3, 4]}}


def test_json_spec_injects_compact_json_safe_in_a_script(pages):
    assert pages.render("{{ ch/01_demo:rows|json }}", "docs/p.md") == '{"l1":{"acc":0.8125},"list":[3,4]}'
    assert pages.value("ch/01_demo", "penalty", "json") == "1.0"
