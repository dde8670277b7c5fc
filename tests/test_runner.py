"""The runner: outputs, cache, isolation, determinism and every bad-input case.

Each test uses throwaway snippets in a temporary project, small enough to run without
TensorFlow, so this file stays fast.
"""

import os
import re
import subprocess
import sys
import textwrap

import pytest

from runner.__main__ import main as cli
from runner.engine import Project, RunnerError

pytestmark = pytest.mark.recorded  # tests/records.py

PLOT = """
import matplotlib.pyplot as plt

fig, ax = plt.subplots(num="line")
ax.plot([0, 1, 2], [0, 1, 4], label="squares")
ax.legend()
"""


def project_with(tmp_path, snippets, **options):
    """A throwaway project; its worker imports nothing first unless told (fast)."""
    options.setdefault("preload", ())
    for name, source in snippets.items():
        path = tmp_path / "snippets" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(source))
    return Project(tmp_path, **options)


def test_captures_stdout_sections_values_and_figures(tmp_path):
    project = project_with(tmp_path, {"ch/01_demo.py": textwrap.dedent("""
        import numpy as np
        print("before")
        # --8<-- [start:compute]
        total = np.float32(1.5) + 1
        print(f"total = {total}")
        # --8<-- [end:compute]
        table = {"a": [1, 2.5], "b": "text"}
        _private = 3
    """) + PLOT})
    [result] = project.run()
    assert result.status == "ran" and result.id == "ch/01_demo"
    out = project.outputs("ch/01_demo")
    assert out.text() == "before\ntotal = 2.5\n"
    assert out.text("compute") == "total = 2.5\n"
    assert out.values["total"] == 2.5 and out.values["table"] == {"a": [1, 2.5], "b": "text"}
    assert "_private" not in out.values and "np" not in out.values
    svg = out.figures["line"].read_text()
    assert svg.startswith("<?xml") and "<dc:date>" not in svg
    assert list(out.figures) == ["line", "line--phone"] and out.meta["key"] == result.key


def test_figures_keep_text_as_text_and_get_a_stacked_phone_layout(tmp_path):
    project = project_with(tmp_path, {"ch/01_panels.py": """
        import matplotlib.pyplot as plt
        fig, axes = plt.subplots(1, 2, num="pair", figsize=(7.0, 3.0))
        for ax, name in zip(axes, ("left", "right")):
            ax.plot([1, 2, 3], [1, 4, 9])
            ax.set_title(f"{name}_panel")
        fig.legend(["one", "two"], loc="outside lower center", ncols=2)
    """})
    project.run()
    figures = project.outputs("ch/01_panels").figures
    assert list(figures) == ["pair", "pair--phone"]
    wide, phone = (figures[name].read_text() for name in figures)
    for svg in (wide, phone):
        assert ">left_panel</text>" in svg and ">right_panel</text>" in svg  # text, not paths
        assert "font-family: 'DejaVu Sans'" in svg and "font-size: 10px" in svg
    assert 'width="504pt" height="216pt"' in wide
    width, height = (float(v) for v in re.search(r'width="([\d.]+)pt" height="([\d.]+)pt"',
                                                   phone).groups())
    assert width == 3.6 * 72 and height > 2 * 2.2 * 72  # 3.6 in wide, two panels stacked
    titles = [float(y) for y in re.findall(r'y="([\d.]+)"[^>]*>(?:left|right)_panel<', phone)]
    assert titles[1] > titles[0] + 100  # the right panel sits below the left one


def test_figures_are_byte_identical_across_runs(tmp_path):
    project = project_with(tmp_path, {"ch/01_plot.py": PLOT})
    project.run()
    first = {n: f.read_bytes() for n, f in project.outputs("ch/01_plot").figures.items()}
    [result] = project.run(force=True)
    assert result.status == "ran"
    again = {n: f.read_bytes() for n, f in project.outputs("ch/01_plot").figures.items()}
    assert again == first and list(first) == ["line", "line--phone"]


def test_cache_reruns_only_what_changed(tmp_path):
    project = project_with(tmp_path, {
        "ch/helper.py": "FACTOR = 2\n",
        "ch/01_uses_helper.py": "from helper import FACTOR\nprint(FACTOR)\n",
        "ch/02_alone.py": "print('alone')\n",
    })
    assert {r.status for r in project.run()} == {"ran"}
    assert {r.status for r in project.run()} == {"cached"}

    (tmp_path / "snippets" / "ch" / "02_alone.py").write_text("print('changed')\n")
    statuses = {r.id: r.status for r in project.run()}
    assert statuses == {"ch/01_uses_helper": "cached", "ch/02_alone": "ran"}

    (tmp_path / "snippets" / "ch" / "helper.py").write_text("FACTOR = 3\n")
    statuses = {r.id: r.status for r in project.run()}
    assert statuses == {"ch/01_uses_helper": "ran", "ch/02_alone": "cached"}
    assert project.outputs("ch/01_uses_helper").text() == "3\n"

    (tmp_path / "requirements.txt").write_text("numpy==0.0\n")
    assert {r.status for r in project.run()} == {"ran"}


def test_shared_modules_are_imported_cached_and_shadowed(tmp_path):
    """snippets/_shared/ holds helpers for every chapter: a snippet imports them like
    its own, re-runs when one changes, and a module of its own chapter wins."""
    project = project_with(tmp_path, {
        "_shared/harness.py": "FACTOR = 2\n",
        "_shared/common.py": "NAME = 'shared'\n",
        "ch/01_uses_shared.py": "from harness import FACTOR\nprint(FACTOR)\n",
        "ch/common.py": "NAME = 'chapter'\n",
        "ch/02_shadowed.py": "from common import NAME\nprint(NAME)\n",
        "other/01_also.py": "import harness\nprint(harness.FACTOR)\n",
    })
    assert {r.status for r in project.run()} == {"ran"}
    assert project.outputs("ch/01_uses_shared").text() == "2\n"
    assert project.outputs("other/01_also").text() == "2\n"
    assert project.outputs("ch/02_shadowed").text() == "chapter\n"
    assert project.local_imports(tmp_path / "snippets" / "ch" / "02_shadowed.py") == [
        tmp_path / "snippets" / "ch" / "common.py"]

    (tmp_path / "snippets" / "_shared" / "harness.py").write_text("FACTOR = 3\n")
    statuses = {r.id: r.status for r in project.run()}
    assert statuses == {"ch/01_uses_shared": "ran", "ch/02_shadowed": "cached",
                        "other/01_also": "ran"}
    assert project.outputs("ch/01_uses_shared").text() == "3\n"
    assert "snippets/_shared/harness.py" in project.published()


def test_snippets_run_in_separate_processes(tmp_path):
    project = project_with(tmp_path, {
        "ch/01_set.py": "import os\nos.environ['LEAK'] = '1'\nimport sys\nsys.leak = 1\n",
        "ch/02_get.py": "import os, sys\nseen = [os.environ.get('LEAK'), hasattr(sys, 'leak')]\n",
    }, jobs=1)
    project.run()
    assert project.outputs("ch/02_get").values["seen"] == [None, False]


def test_environment_is_fixed(tmp_path):
    project = project_with(tmp_path, {"ch/01_env.py": """
        import os, random
        names = ["PYTHONHASHSEED", "MPLBACKEND", "TF_NUM_INTRAOP_THREADS"]
        env = {k: os.environ.get(k) for k in names}
        first_random = random.random()
    """})
    project.run()
    values = project.outputs("ch/01_env").values
    assert values["env"] == {
        "PYTHONHASHSEED": "0", "MPLBACKEND": "agg", "TF_NUM_INTRAOP_THREADS": "1"}
    import random
    random.seed(0)
    assert values["first_random"] == random.random()


def test_network_is_blocked(tmp_path):
    project = project_with(tmp_path, {"ch/01_net.py": """
        import urllib.request
        urllib.request.urlopen("http://example.com", timeout=5)
    """})
    with pytest.raises(RunnerError, match=r"snippets/ch/01_net.py:3: .*network access is blocked"):
        project.run()


def test_exception_names_file_line_and_traceback(tmp_path):
    project = project_with(tmp_path, {"ch/01_fails.py": """
        def divide(a, b):
            return a / b

        print(divide(1, 0))
    """})
    with pytest.raises(RunnerError) as error:
        project.run()
    message = str(error.value)
    # the innermost line of the snippet, then the traceback through the snippet only
    assert "snippets/ch/01_fails.py:3: ZeroDivisionError: division by zero" in message
    assert "line 5, in <module>" in message and "print(divide(1, 0))" in message
    assert "return a / b" in message and "child.py" not in message


def test_syntax_error_names_file_and_line(tmp_path):
    project = project_with(tmp_path, {"ch/01_syntax.py": "x = 1\nprint(x +)\n"})
    with pytest.raises(RunnerError, match=r"snippets/ch/01_syntax.py:2: SyntaxError"):
        project.run()


def test_marker_inside_a_statement_is_reported(tmp_path):
    project = project_with(tmp_path, {"ch/01_split.py": """
        values = [
        # --8<-- [start:oops]
            1,
        ]
        # --8<-- [end:oops]
    """})
    message = r"01_split.py:\d+: SyntaxError: a section marker splits a statement"
    with pytest.raises(RunnerError, match=message):
        project.run()


def test_timeout_stops_the_snippet(tmp_path):
    project = project_with(tmp_path, {"ch/01_slow.py": "import time\ntime.sleep(30)\n"}, timeout=1)
    with pytest.raises(RunnerError, match=r"snippets/ch/01_slow.py: exceeded its timeout of 1 s"):
        project.run()


def test_per_snippet_timeout_line(tmp_path):
    project = project_with(tmp_path, {
        "ch/01_slow.py": "# runner: timeout=0.5\nimport time\ntime.sleep(5)\n"
    })
    with pytest.raises(RunnerError, match="timeout of 0.5 s"):
        project.run()


def test_failure_keeps_last_good_outputs(tmp_path):
    project = project_with(tmp_path, {"ch/01_flaky.py": "print('good')\n"})
    project.run()
    broken = "print('bad')\nraise ValueError('broken')\n"
    (tmp_path / "snippets" / "ch" / "01_flaky.py").write_text(broken)
    with pytest.raises(RunnerError, match="ValueError: broken"):
        project.run()
    assert project.outputs("ch/01_flaky").text() == "good\n"
    assert not list((project.output_dir / ".store").glob(".tmp-*"))


def test_deleted_snippets_lose_their_outputs(tmp_path):
    project = project_with(tmp_path, {"ch/01_a.py": "print(1)\n", "ch/02_b.py": "print(2)\n"})
    project.run()
    (tmp_path / "snippets" / "ch" / "02_b.py").unlink()
    project.run()
    assert project.outputs("ch/01_a").exists
    assert not project.outputs("ch/02_b").exists


def test_command_line(tmp_path, capsys):
    project_with(tmp_path, {"ch/01_ok.py": "print('ok')\n"})
    assert cli(["--root", str(tmp_path)]) == 0
    assert "1 snippets, 1 ran, 0 cached" in capsys.readouterr().out
    (tmp_path / "snippets" / "ch" / "02_bad.py").write_text("raise RuntimeError('nope')\n")
    assert cli(["--root", str(tmp_path)]) == 1
    assert "snippets/ch/02_bad.py:1: RuntimeError: nope" in capsys.readouterr().err


def test_command_line_honours_the_output_folder_switch(tmp_path, monkeypatch, capsys):
    project_with(tmp_path, {"ch/01_ok.py": "print('ok')\n"})
    monkeypatch.setenv("SNIPPETS_OUTPUT_DIR", str(tmp_path / "elsewhere"))
    assert cli(["--root", str(tmp_path)]) == 0
    assert Project(tmp_path, output_dir=tmp_path / "elsewhere").outputs("ch/01_ok").text() == "ok\n"
    assert not Project(tmp_path).outputs("ch/01_ok").exists


def test_runner_does_not_import_mkdocs():
    code = ("import sys, runner, runner.__main__, runner.page, runner.notebooks, runner.chapters; "
            "print('mkdocs' in sys.modules)")
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            check=True, cwd=root)
    assert result.stdout.strip() == "False"


def test_unknown_snippet_and_empty_project_are_errors(tmp_path):
    project = project_with(tmp_path, {"ch/01_a.py": "print(1)\n"})
    with pytest.raises(RunnerError, match="unknown snippet.*ch/01_typo"):
        project.run(only=["ch/01_typo"])
    empty = Project(tmp_path / "nothing")
    with pytest.raises(RunnerError, match="no snippets found"):
        empty.run()


def test_partial_run_updates_only_its_entries(tmp_path):
    project = project_with(tmp_path, {"ch/01_a.py": "print(1)\n", "ch/02_b.py": "print(2)\n"})
    project.run()
    project.run(only=["ch/02_b"], force=True)
    runs = project.runs()
    assert [r["id"] for r in runs] == ["ch/01_a", "ch/02_b"]
    assert [r["status"] for r in runs] == ["ran", "ran"]


def test_a_process_that_exits_early_is_a_failure(tmp_path):
    source = "import os\nprint('partial')\nos._exit(0)\n"
    project = project_with(tmp_path, {"ch/01_exit.py": source})
    with pytest.raises(RunnerError, match="ended without writing stdout.txt, values.json"):
        project.run()


def test_concurrent_runs_of_one_snippet_do_not_collide(tmp_path):
    """As when `mkdocs serve` and `make test` share build/outputs."""
    from concurrent.futures import ThreadPoolExecutor

    source = "import time\ntime.sleep(0.3)\nprint('same')\n"
    project = project_with(tmp_path, {"ch/01_same.py": source})
    path = project.snippets()[0]
    for _ in range(2):
        with ThreadPoolExecutor(max_workers=4) as pool:
            results = list(pool.map(lambda _: project.run_one(path, force=True), range(4)))
        assert [r.status for r in results] == ["ran"] * 4
        assert project.outputs("ch/01_same").text() == "same\n"


def test_stale_outputs_are_reported(tmp_path):
    project = project_with(tmp_path, {"ch/01_a.py": "print(1)\n"})
    assert project.stale() == ["snippets/ch/01_a.py"]
    project.run()
    assert project.stale() == []
    (tmp_path / "snippets" / "ch" / "01_a.py").write_text("print(2)\n")
    assert project.stale() == ["snippets/ch/01_a.py"]


def test_cache_key_ignores_the_orchestration_code(tmp_path, monkeypatch):
    """Editing engine.py re-runs nothing; editing what the child runs with re-runs all."""
    import runner.engine as engine

    project = project_with(tmp_path, {"ch/01_a.py": "print(1)\n"})
    path = project.snippets()[0]
    key = project.key(path)
    monkeypatch.setattr(engine, "__file__", str(tmp_path / "elsewhere.py"))
    assert project.key(path) == key
    monkeypatch.setitem(engine.CHILD_ENV, "OMP_NUM_THREADS", "2")
    assert project.key(path) != key


def test_published_files_hide_runner_directives(tmp_path):
    project = project_with(tmp_path, {"ch/01_a.py": "# runner: timeout=5\nprint(1)\n",
                                      "ch/helper.py": "X = 1\n"})
    project.run()
    published = project.published()
    assert published["snippets/ch/01_a.py"] == "print(1)\n"
    assert published["snippets/ch/helper.py"] == "X = 1\n"
