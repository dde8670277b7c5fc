"""The chapter notebooks: in sync with their chapters, and runnable top to bottom in a fresh
kernel with no network."""

import json
import re
import shutil
import time
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

from runner.chapters import chapters
from runner.engine import Project
from runner.notebooks import build_all
from runner.page import VALUE

ROOT = Path(__file__).resolve().parents[2]
CHAPTERS = [chapter.slug for chapter in chapters(ROOT)]


def test_every_chapter_has_a_notebook():
    assert sorted(p.stem for p in (ROOT / "notebooks").glob("*.ipynb")) == sorted(CHAPTERS)


def test_committed_notebooks_carry_no_outputs():
    for path in (ROOT / "notebooks").glob("*.ipynb"):
        notebook = nbformat.read(path, as_version=4)
        assert all(not cell.get("outputs") for cell in notebook.cells if cell.cell_type == "code")
        text = "".join(cell.source for cell in notebook.cells)
        assert not VALUE.search(text) and "[...]" in text  # values left for the reader to compute
        assert "# runner:" not in text, path.name  # directives are for the runner only


def perturb(value):
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, (int, float)):
        return value * 3 + 1
    if isinstance(value, str):
        return re.sub(r"\d", "7", value) + " (perturbed)"
    if isinstance(value, list):
        return [perturb(item) for item in value]
    return {key: perturb(item) for key, item in value.items()}


def test_committed_notebooks_are_current_and_depend_on_no_output(outputs, tmp_path):
    """Regenerated from outputs whose every value and printed line differ (as on another
    CPU), the output-free notebooks are byte for byte the committed ones."""
    perturbed = tmp_path / "outputs"
    shutil.copytree(outputs.project.output_dir, perturbed, symlinks=True)
    for file in (perturbed / ".store").glob("*/*"):
        if file.name == "values.json":
            file.write_text(json.dumps(perturb(json.loads(file.read_text()))))
        elif file.suffix == ".txt":
            file.write_text(re.sub(r"\d", "7", file.read_text()) + "perturbed\n")
    project = Project(ROOT, output_dir=perturbed)
    assert project.outputs("about/01_versions").text() != outputs.stdout("about/01_versions")
    build_all(project, tmp_path / "notebooks", with_outputs=False)
    for chapter in CHAPTERS:
        regenerated = (tmp_path / "notebooks" / f"{chapter}.ipynb").read_text()
        committed = (ROOT / "notebooks" / f"{chapter}.ipynb").read_text()
        assert regenerated == committed, f"notebooks/{chapter}.ipynb: run `make notebooks`"


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_notebook_runs_top_to_bottom_offline(chapter, tmp_path, monkeypatch):
    # the kernel inherits this environment: no network, one thread, no GPU, quiet TensorFlow
    for name, value in {"HTTP_PROXY": "http://127.0.0.1:9", "HTTPS_PROXY": "http://127.0.0.1:9",
                        "NO_PROXY": "", "TF_CPP_MIN_LOG_LEVEL": "3", "CUDA_VISIBLE_DEVICES": "-1",
                        "TF_NUM_INTRAOP_THREADS": "1", "TF_NUM_INTEROP_THREADS": "1",
                        "TF_ENABLE_ONEDNN_OPTS": "0",
                        "PYTHONHASHSEED": "0"}.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("MPLBACKEND", raising=False)  # the kernel's inline backend, as in Jupyter
    notebook = nbformat.read(ROOT / "notebooks" / f"{chapter}.ipynb", as_version=4)
    client = NotebookClient(notebook, timeout=600, kernel_name="python3",
                            resources={"metadata": {"path": str(tmp_path)}})
    started = time.perf_counter()
    client.execute()  # raises CellExecutionError, with the cell and traceback, on failure
    seconds = time.perf_counter() - started
    printed = [o for cell in notebook.cells for o in cell.get("outputs", [])
               if o.get("name") == "stdout"]
    assert printed, "the notebook printed nothing"
    report = ROOT / "build" / "test-artifacts" / "notebook-times" / f"{chapter}.txt"
    report.parent.mkdir(parents=True, exist_ok=True)
    report.write_text(f"{chapter}: {seconds:.1f} s in a fresh kernel\n")
