"""The page model: a page parsed into typed blocks; includes, figures and values checked and
injected, or the page fails with its file, its line and the snippet involved."""

import textwrap

import pytest

from runner.engine import Project
from runner.page import Page, PageError, mathml
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
    assert rendered.startswith(text[: text.index("![")].replace('--8<-- "ch/01_demo/main.txt"',
                                                               "1.0"))
    assert '<figcaption>Figure 1 — Its caption.</figcaption>' in rendered


def test_figures_are_numbered_captioned_sized_lazy_with_a_phone_layout(project):
    value = "{{ ch/01_demo:penalty }}"
    text = (f'# T\n\n![A curve, {value}](figures/ch/01_demo/curves.svg "First.")\n'
            "\nProse.\n\n"
            f'!!! note "N"\n    ![Again](figures/ch/01_demo/curves.svg "Second, {value}.")\n')
    rendered = render(project, text).split("\n")
    assert rendered[2] == '<figure class="figure" id="figure-1" markdown="span">'
    assert rendered[3] == ('![A curve, 1.0](figures/ch/01_demo/curves.svg){ .figure-wide '
                           'width="614" height="461" loading="lazy" }')  # matplotlib's default
    assert rendered[4].startswith("![A curve, 1.0](figures/ch/01_demo/curves--phone.svg)"
                                  "{ .figure-phone width=\"346\" height=\"288\"")
    assert rendered[5:7] == ["<figcaption>Figure 1 — First.</figcaption>", "</figure>"]
    assert '    <figcaption>Figure 2 — Second, 1.0.</figcaption>' in rendered  # indented


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
    text = ('??? example "The whole file"\n'
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
