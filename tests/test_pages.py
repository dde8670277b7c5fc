"""The page model: a page parsed into typed blocks; includes, figures and values checked and
injected, or the page fails with its file, its line and the snippet involved."""

import re
import textwrap

import pytest

from runner.engine import Project
from runner.page import Page, PageError, copies, mathml
from runner.page import render as render_page


def kind(block):
    return type(block).__name__


def shown(include: str, output: str, indent: str = "") -> str:
    """A code block that includes a snippet, then the block of what it printed."""
    title = include.partition(":")[0]
    return textwrap.indent(f'```python title="snippets/{title}"\n--8<-- "{include}"\n```\n\n'
                           f'```text title="Output"\n--8<-- "{output}"\n```\n', indent)


def exercise(snippet_id: str, title: str, text: str) -> str:
    """An exercise and its solution, in the markup CONTRIBUTING.md shows."""
    return (f'!!! question "{title}"\n    {text}\n\n    ??? success "Solution"\n'
            + shown(f"{snippet_id}.py", f"{snippet_id}/stdout.txt", " " * 8))


EXERCISE = "# Title\n\n" + exercise(
    "ch/02_exercise_demo", "Exercise 3: a title", "Text of the exercise, {{ ch/01_demo:penalty }}.")


PARTS = '''"""Docstring: not part of the set-up."""

import math
# --8<-- [start:data]
rows = 3
# --8<-- [end:data]
# --8<-- [start:first]
print(math.sqrt(rows * 3))
# --8<-- [end:first]
hidden = 1
# --8<-- [start:second]
print(rows + 1)
# --8<-- [end:second]
'''


@pytest.fixture(scope="module")
def project(tmp_path_factory):
    tmp_path = tmp_path_factory.mktemp("project")
    snippet = tmp_path / "snippets" / "ch" / "01_demo.py"
    snippet.parent.mkdir(parents=True)
    snippet.write_text(
        "# runner: timeout=30\n"
        "import matplotlib.pyplot as plt\n"
        "# --8<-- [start:main]\n"
        "penalty = 1.0\nrows = {'l1': {'acc': 0.8125}, 'list': [3, 4]}\nprint(penalty)\n"
        "# --8<-- [end:main]\n"
        "plt.subplots(num='curves')\n"
    )
    (snippet.parent / "02_exercise_demo.py").write_text("print('solved')\n")
    (snippet.parent / "03_parts.py").write_text(PARTS)
    project = Project(tmp_path)
    project.run()
    return project


def render(project, text):
    return render_page(Page.parse(text, "docs/p.md"), project)


def test_values_are_injected_with_formats(project):
    text = ("a {{ ch/01_demo:penalty }} b {{ ch/01_demo:rows.l1.acc|.2f }} "
            "c {{ch/01_demo:rows.list.-1}} d {{ ch/01_demo:rows.l1.acc|.1% }}")
    assert render(project, text) == "a 1.0 b 0.81 c 4 d 81.2%"


def test_run_facts_come_from_meta(project):
    seconds = float(render(project, "{{ ch/01_demo:@seconds|.3f }}"))
    assert 0 < seconds < 60
    with pytest.raises(PageError, match="run fact '@nope' is unknown"):
        render(project, "{{ ch/01_demo:@nope }}")


def test_valid_includes_and_figures_pass(project):
    text = (
        '```python title="x"\n--8<-- "ch/01_demo.py:main"\n```\n\n'
        '```text title="Output"\n--8<-- "ch/01_demo/main.txt"\n```\n\n'
        '![A curve](figures/ch/01_demo/curves.svg "Its caption.")\n'
    )
    rendered = render(project, text)
    # after the set-up block; the output's title names the backend that printed it
    assert re.search(
        r'```\{\.python \.snippet title="x" data-snippet="ch/01_demo" data-order="1"\}\n'
        r'--8<-- "ch/01_demo\.py:main"\n```\n\n'
        r'```\{\.text \.output title="Output · TensorFlow [\d.]+"\}\n1\.0\n```\n', rendered)
    assert '<figcaption>Figure 1 — Its caption.</figcaption>' in rendered


def test_figures_are_numbered_captioned_sized_lazy_with_a_phone_layout(project):
    """Lazy, except in the page's opening (before its first "## " heading outside code)."""
    value = "{{ ch/01_demo:penalty }}"
    text = (f'# T\n\n```md\n## not a heading\n```\n\n'
            f'![A curve, {value}](figures/ch/01_demo/curves.svg "First.")\n'
            "\nProse.\n\n## Section\n\n"
            f'!!! note "N"\n    ![Again](figures/ch/01_demo/curves.svg "Second, {value}.")\n')
    rendered = render(project, text).split("\n")[4:]  # from the line of the first figure
    assert rendered[2] == '<figure class="figure" id="figure-1" markdown="span">'
    assert rendered[3] == ('![A curve, 1.0](figures/ch/01_demo/curves.svg){ .figure-wide '
                           'width="614" height="461" loading="eager" }')  # matplotlib's default
    assert rendered[4].startswith("![A curve, 1.0](figures/ch/01_demo/curves--phone.svg)"
                                  "{ .figure-phone width=\"346\" height=\"288\"")
    assert rendered[5:7] == ["<figcaption>Figure 1 — First.</figcaption>", "</figure>"]
    assert '    <figcaption>Figure 2 — Second, 1.0.</figcaption>' in rendered  # indented
    second = [line for line in rendered if line.startswith("    ![Again]")]
    assert len(second) == 2 and all('loading="lazy"' in line for line in second), second


def test_chapter_figures_carry_the_chapter_number(tmp_path):
    from runner.page import figure_numbers

    (tmp_path / "mkdocs.yml").write_text(
        "nav:\n  - Home: index.md\n  - Chapters:\n      - A: a.md\n      - B: b.md\n")
    page = Page.parse("![X](figures/ch/01_demo/c.svg \"C.\")\n\n"
                      "![Y](figures/ch/01_demo/d.svg \"D.\")\n", "docs/b.md")
    assert sorted(figure_numbers(page, Project(tmp_path)).values()) == ["2.1", "2.2"]
    other = Page.parse("![X](figures/ch/01_demo/c.svg \"C.\")\n", "docs/index.md")
    assert list(figure_numbers(other, Project(tmp_path)).values()) == ["1"]


def test_whole_files_are_written_in_as_readers_see_them(project):
    text = ('??? success "Solution"\n'
            '    ```python title="x"\n    --8<-- "ch/01_demo.py"\n    ```\n')
    rendered = render(project, text)
    assert "    import matplotlib.pyplot as plt\n    penalty = 1.0\n" in rendered
    assert "runner:" not in rendered and "[start:main]" not in rendered


def test_blocks_have_types_and_lines():
    page = Page.parse(
        '# T\n\n```python title="x"\n--8<-- "ch/01_demo.py:main"\n```\n\n'
        '--8<-- "ch/01_demo/table.txt"\n\n![A curve](figures/ch/01_demo/curves.svg)\n\n'
        '??? example "All"\n    ```python title="x"\n    --8<-- "ch/01_demo.py"\n    ```\n',
        "docs/p.md")
    kinds = [(kind(b), b.line) for b in page.walk()]
    assert kinds == [("Prose", 1), ("Code", 4), ("Output", 7), ("Figure", 9), ("Expander", 11),
                     ("Code", 13)]
    assert page.blocks[2].fenced is False and page.blocks[3].alt == "A curve"


def test_other_admonitions_hold_their_prose():
    [block] = Page.parse('!!! warning "Careful"\n    Text, {{ ch/01_demo:penalty }}.\n', "p").blocks
    assert kind(block) == "Admonition" and (block.kind, block.title) == ("warning", "Careful")
    assert [b.text for b in block.blocks] == ["Text, {{ ch/01_demo:penalty }}."]


def test_exercises_hold_their_text_and_solution(project):
    page = Page.parse(EXERCISE, "docs/p.md")
    [_, exercise] = page.blocks
    assert kind(exercise) == "Exercise" and exercise.title == "Exercise 3: a title"
    text, solution = exercise.blocks
    assert kind(text) == "Prose" and text.text.startswith("Text of the exercise")
    assert kind(solution) == "Expander" and solution.title == "Solution"
    code, output = solution.blocks
    assert kind(code) == "Code" and code.snippet_id == "ch/02_exercise_demo"
    assert kind(output) == "Output" and output.line == 12
    assert "solved" in render(project, EXERCISE)


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("{{ ch/01_demo:missing }}", "docs/p.md:3: value 'missing' is not set by "
         "snippets/ch/01_demo.py (its top-level values: penalty, rows)"),
        ("{{ ch/01_demo:rows.l2 }}",
         "docs/p.md:3: value 'rows.l2' is not set by snippets/ch/01_demo.py"),
        ("{{ ch/02_nope:x }}", "docs/p.md:3: snippet snippets/ch/02_nope.py does not exist"),
        ("{{ ch/01_demo:penalty|d }}",
         "docs/p.md:3: value 'penalty' = 1.0 cannot be formatted as 'd'"),
        ('--8<-- "ch/02_nope.py"', "docs/p.md:3: included file 'ch/02_nope.py' does not exist"),
        ('--8<-- "ch/01_demo.py:nosuch"',
         "docs/p.md:3: section 'nosuch' is not marked in ch/01_demo.py"),
        ('--8<-- "ch/01_demo/nosuch.txt"', "docs/p.md:3: output 'nosuch.txt' was not produced by "
         "snippets/ch/01_demo.py (it produced: main.txt, stdout.txt)"),
        ("![A](figures/ch/01_demo/nosuch.svg)", "docs/p.md:3: figure 'nosuch' was not produced "
         "by snippets/ch/01_demo.py (it produced: curves)"),
        ("![](figures/ch/01_demo/curves.svg)",
         "docs/p.md:3: figure ch/01_demo/curves.svg has no alt text"),
        ("![A](figures/ch/01_demo/curves.svg)",
         "docs/p.md:3: figure ch/01_demo/curves.svg has no caption: give the image a title"),
        ("![A](figures/ch/09_gone/x.svg)", "docs/p.md:3: figure ch/09_gone/x.svg names snippet "
         "snippets/ch/09_gone.py, which does not exist"),
    ],
)
def test_bad_references_name_page_line_and_snippet(project, line, message):
    with pytest.raises(PageError) as error:
        render(project, f"# Title\n\n{line}\n")
    assert message in str(error.value)


def test_every_problem_is_reported_at_once(project):
    with pytest.raises(PageError) as error:
        render(project, "{{ ch/01_demo:a }}\n{{ ch/01_demo:b }}\n")
    assert "docs/p.md:1:" in str(error.value) and "docs/p.md:2:" in str(error.value)


def test_images_inside_code_fences_are_ignored(project):
    text = "```markdown\n![](figures/ch/01_demo/nosuch.svg)\n```\n"
    assert render(project, text) == text
    assert "Figure" not in map(kind, Page.parse(text, "p").walk())


def test_values_are_what_the_snippet_set(project):
    outputs = project.outputs("ch/01_demo")
    assert outputs.values == {"penalty": 1.0, "rows": {"l1": {"acc": 0.8125}, "list": [3, 4]}}
    assert list(outputs.figures) == ["curves", "curves--phone"]
    assert outputs.text("main") == "1.0\n"


def test_math_is_labelled_mathml_and_errors_name_the_page():
    labelled = '<math aria-label="\\lambda x^2"'
    assert mathml(r"\lambda x^2", "inline", "docs/p.md").startswith(labelled)
    with pytest.raises(PageError, match=r"docs/p.md: cannot render formula"):
        mathml(r"\frac{1}{", "block", "docs/p.md")


def test_json_spec_injects_compact_json_safe_in_a_script(project):
    assert render(project, "{{ ch/01_demo:rows|json }}") == '{"l1":{"acc":0.8125},"list":[3,4]}'
    assert render(project, "{{ ch/01_demo:penalty|json }}") == "1.0"


SECTIONS = ('# T\n\n' + shown("ch/03_parts.py:first", "ch/03_parts/first.txt")
            + "\nText.\n\n" + shown("ch/03_parts.py:second", "ch/03_parts/second.txt"))


def test_a_file_shown_in_sections_gets_one_set_up_block_before_its_first_section(project):
    rendered = render(project, SECTIONS)
    setup = ('??? note "Set-up for `03_parts.py`: the copy buttons below include it"\n'
             '    ```{.python .snippet title="snippets/ch/03_parts.py (set-up)" '
             'data-snippet="ch/03_parts" data-order="0"}\n'
             "    import math\n    rows = 3\n    ```\n\n"
             '```{.python .snippet title="snippets/ch/03_parts.py" data-snippet="ch/03_parts" '
             'data-order="2"}\n--8<-- "ch/03_parts.py:first"\n```')
    assert setup in rendered  # the unshown section before the first shown one is set-up
    assert rendered.count("??? note") == 1 and "Docstring" not in rendered
    assert 'data-snippet="ch/03_parts" data-order="3"}\n--8<-- "ch/03_parts.py:second"' in rendered
    assert rendered.count("{.text .output") == 2


def test_a_copy_is_set_up_earlier_shown_sections_and_the_section(project):
    page = Page.parse(SECTIONS, "docs/p.md")
    first, second = copies(page, project)
    assert first[1] == "import math\nrows = 3\n\nprint(math.sqrt(rows * 3))\n"
    assert second[1] == first[1] + "\nprint(rows + 1)\n"  # not the hidden line between
    only_second = Page.parse(shown("ch/03_parts.py:second", "ch/03_parts/second.txt"), "p")
    [(_, text)] = copies(only_second, project)
    assert text == "import math\nrows = 3\nprint(math.sqrt(rows * 3))\nhidden = 1\n\n" \
        "print(rows + 1)\n"  # not shown at all: everything before the section is set-up


def test_whole_file_expanders_become_links_to_the_served_file(project):
    whole = ('??? example "The whole file"\n    ```python title="x"\n'
             '    --8<-- "ch/03_parts.py"\n    ```\n')
    rendered = render(project, SECTIONS + "\n" + whole)
    assert "??? example" not in rendered and "hidden = 1" not in rendered
    assert ("The whole file, which runs as it is: [`03_parts.py`](snippets/ch/03_parts.py) "
            '(13 lines), or [download it](snippets/ch/03_parts.py){ download="03_parts.py" }.\n'
            "{ .whole-file }") in rendered
    with_output = (whole + '\n    ```text title="Output"\n'
                   '    --8<-- "ch/03_parts/stdout.txt"\n    ```\n')
    assert "hidden = 1" in render(project, with_output)  # with what it prints: kept inline


def test_every_copied_section_of_the_site_defines_what_it_uses(tmp_path):
    """Fast guard for tests/browser/test_copy.py: no name in a section's copy (set-up, earlier
    shown sections, the section) is left undefined by lines the page hides."""
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parents[1]
    project, names = Project(root), {}
    for doc in sorted((root / "docs").glob("*.md")):
        for block, text in copies(Page.parse(doc.read_text(), f"docs/{doc.name}"), project):
            name = f"{doc.stem}_{block.snippet_id.replace('/', '_')}_{block.section}.py"
            (tmp_path / name).write_text(text)
            names[name] = f"docs/{doc.name}:{block.line} ({block.file}:{block.section})"
    assert len(names) > 50
    result = subprocess.run(
        [sys.executable, "-m", "ruff", "check", "--isolated", "--select", "F821",
         "--output-format", "concise", "--no-cache", str(tmp_path)],
        capture_output=True, text=True)
    found = [names[line.split(":")[0].rsplit("/", 1)[-1]] + ": " + line.split(": ", 1)[-1]
             for line in result.stdout.splitlines() if ".py:" in line]
    assert result.returncode == 0 and not found, "\n".join(found) or result.stderr


def test_sections_included_together_are_one_block_with_one_copy(project):
    text = ('```python title="x"\n--8<-- "ch/03_parts.py:first"\n'
            '--8<-- "ch/03_parts.py:second"\n```\n')
    rendered = render(project, text)
    assert rendered.count("data-order=") == 2  # the set-up, and the block at its last place
    assert '```{.python .snippet title="x" data-snippet="ch/03_parts" data-order="3"}' in rendered
    copied = copies(Page.parse(text, "docs/p.md"), project)
    assert [c for _, c in copied] == [
        "import math\nrows = 3\n\nprint(math.sqrt(rows * 3))\nprint(rows + 1)\n"]
