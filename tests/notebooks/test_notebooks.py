"""The chapter notebooks: in sync with their chapters, and runnable top to bottom in a fresh
kernel with no network."""

import os
import subprocess
import sys
import time
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

from runner.notebooks import chapters
from runner.pages import VALUE

ROOT = Path(__file__).resolve().parents[2]
CHAPTERS = [file.removesuffix(".md") for file, _ in chapters(ROOT / "mkdocs.yml")]


def test_every_chapter_has_a_notebook():
    assert sorted(p.stem for p in (ROOT / "notebooks").glob("*.ipynb")) == sorted(CHAPTERS)


def test_committed_notebooks_match_the_chapters(outputs):
    result = subprocess.run([sys.executable, "-m", "runner.notebooks", "--check"],
                            cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_committed_notebooks_carry_no_outputs():
    for path in (ROOT / "notebooks").glob("*.ipynb"):
        notebook = nbformat.read(path, as_version=4)
        assert all(not cell.get("outputs") for cell in notebook.cells if cell.cell_type == "code")
        text = "".join(cell.source for cell in notebook.cells)
        assert not VALUE.search(text) and "[...]" in text  # values left for the reader to compute


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
    printed = [o for cell in notebook.cells for o in cell.get("outputs", []) if o.get("name") == "stdout"]
    assert printed, "the notebook printed nothing"
    report = ROOT / "build" / "test-artifacts" / "notebook-times" / f"{chapter}.txt"
    report.parent.mkdir(parents=True, exist_ok=True)
    report.write_text(f"{chapter}: {seconds:.1f} s in a fresh kernel\n")
