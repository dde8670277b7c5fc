"""CONTRIBUTING.md's "Add a chapter", followed step by step in a throwaway project: the new
chapter passes the chapter checks, its test module finds its values, and it builds."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from runner.chapters import missing_parts
from tests.test_pages import exercise, shown

pytestmark = pytest.mark.recorded  # tests/records.py

ROOT = Path(__file__).resolve().parents[1]
SNIPPET = '''"""The penalty of a vector: L1 against L2 on one small weight vector."""

# runner: timeout=30
weights = [3.0, -4.0]
# --8<-- [start:compute]
l1 = 0.5 * sum(abs(w) for w in weights)
print(f"L1 penalty = {l1:g}")
# --8<-- [end:compute]
'''
EXERCISE = '''"""Exercise: the L2 penalty of the same vector."""

l2 = 0.5 * sum(w * w for w in [3.0, -4.0])
print(f"L2 penalty = {l2:g}")
'''
PAGE = '''# Sparse codes

The idea, in one example:

''' + shown("sparse_codes/01_vector.py:compute", "sparse_codes/01_vector/compute.txt") + '''
The L1 penalty is {{ sparse_codes/01_vector:l1|g }}.

??? example "The whole file: `01_vector.py`"
    ```python title="snippets/sparse_codes/01_vector.py"
    --8<-- "sparse_codes/01_vector.py"
    ```

''' + exercise("sparse_codes/02_exercise_l2", "Exercise 1: the L2 penalty",
                "Compute the L2 penalty of the same vector.")
TESTS = '''def test_penalties(values):
    assert values("01_vector")["l1"] == 3.5
    assert values("02_exercise_l2")["l2"] == 12.5
'''


def test_add_a_chapter_as_contributing_says(make_project, tmp_path):
    steps = (ROOT / "CONTRIBUTING.md").read_text()
    assert "`- Sparse codes: sparse-codes.md`" in steps and "make notebooks" in steps
    # 1. snippets, 3. the page linked from the home page, 4. one line under "Chapters"
    project = make_project(
        snippets={"sparse_codes/01_vector.py": SNIPPET,
                  "sparse_codes/02_exercise_l2.py": EXERCISE},
        pages={"index.md": "# Home\n\nRead [Sparse codes](sparse-codes.md).\n",
               "sparse-codes.md": PAGE},
        nav=[{"Home": "index.md"}, {"Chapters": [{"Sparse codes": "sparse-codes.md"}]},
             {"Execution times": "execution-times.md"}],
    )
    # 2. the test module, with the fixtures it relies on
    for name in ("pyproject.toml", "tests/__init__.py", "tests/conftest.py", "tests/records.py",
                 "tests/snippets/__init__.py", "tests/snippets/conftest.py"):
        (project / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(ROOT / name, project / name)
    (project / "tests" / "snippets" / "test_sparse_codes.py").write_text(TESTS)
    # 5. make notebooks
    run = [sys.executable, "-m", "runner.notebooks"]
    assert subprocess.run(run, cwd=project, capture_output=True, text=True).returncode == 0
    assert missing_parts(project) == []

    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    env.pop("SNIPPETS_OUTPUT_DIR", None)
    tests = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
         "tests/snippets/test_sparse_codes.py"],
        cwd=project, env=env, capture_output=True, text=True, timeout=300)
    assert tests.returncode == 0, tests.stdout[-2000:]
    built = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(tmp_path / "site")],
        cwd=project, env=env, capture_output=True, text=True, timeout=300)
    assert built.returncode == 0, built.stderr[-3000:]

    html = (tmp_path / "site" / "sparse-codes" / "index.html").read_text()
    assert "L1 penalty = 3.5" in html and "runner:" not in html
    notebook = nbformat.read(project / "notebooks" / "sparse-codes.ipynb", as_version=4)
    sources = [cell.source for cell in notebook.cells]
    exercise = next(i for i, s in enumerate(sources) if "Exercise 1: the L2 penalty" in s)
    assert any("l2 = 0.5" in s for s in sources[exercise:])  # the solution, after its text
    # the download, beside the rendered notebook, and both linked from the chapter
    assert (tmp_path / "site" / "notebooks" / "sparse-codes" / "sparse-codes.ipynb").is_file()
    assert (tmp_path / "site" / "notebooks" / "sparse-codes" / "index.html").is_file()
    assert ('<a href="../notebooks/sparse-codes/sparse-codes.ipynb" download="sparse-codes.ipynb">'
            in html)
    assert '<a href="../notebooks/sparse-codes/">read it rendered</a>' in html
