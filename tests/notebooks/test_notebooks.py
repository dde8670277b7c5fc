"""The chapter notebooks: in sync with their chapters, and runnable top to bottom in a fresh
kernel with no network.

Running them is the slow part, so it happens once: a notebook whose bytes, dependency set
(requirements.txt), Python version, CPU and kernel environment are unchanged since its last
successful run is not run again (the record is build/notebook-runs/<key>.json, keyed like
the runner's cache); the notebooks that do run, run in parallel, one per core.
"""

import hashlib
import json
import os
import re
import shutil
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

from runner.chapters import chapters
from runner.engine import Project, machine_signature, write_atomic
from runner.notebooks import build_all
from runner.page import VALUE

ROOT = Path(__file__).resolve().parents[2]
CHAPTERS = [chapter.slug for chapter in chapters(ROOT)]
RECORDS = ROOT / "build" / "notebook-runs"
# The kernel's environment: no network, one thread, no GPU, quiet TensorFlow.
KERNEL_ENV = {"HTTP_PROXY": "http://127.0.0.1:9", "HTTPS_PROXY": "http://127.0.0.1:9",
              "NO_PROXY": "", "TF_CPP_MIN_LOG_LEVEL": "3", "CUDA_VISIBLE_DEVICES": "-1",
              "TF_NUM_INTRAOP_THREADS": "1", "TF_NUM_INTEROP_THREADS": "1",
              "TF_ENABLE_ONEDNN_OPTS": "0", "PYTHONHASHSEED": "0"}


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


def notebook_key(path: Path) -> str:
    """What a run's success depends on: the notebook, the pinned dependency set, the Python
    version, the CPU, the kernel's environment and the way it is run (this file)."""
    digest = hashlib.sha256()
    for part in (path.read_bytes(), (ROOT / "requirements.txt").read_bytes(),
                 sys.version.encode(), machine_signature().encode(),
                 json.dumps(KERNEL_ENV, sort_keys=True).encode(), Path(__file__).read_bytes()):
        digest.update(hashlib.sha256(part).digest())
    return digest.hexdigest()[:20]


def execute(chapter: str, workdir: Path) -> dict:
    """Run one notebook in a fresh kernel; its record (or the error)."""
    notebook = nbformat.read(ROOT / "notebooks" / f"{chapter}.ipynb", as_version=4)
    client = NotebookClient(notebook, timeout=600, kernel_name="python3",
                            resources={"metadata": {"path": str(workdir)}})
    started = time.perf_counter()
    try:
        client.execute()  # raises CellExecutionError, with the cell and traceback
    except Exception as error:  # noqa: BLE001 - reported by the chapter's test
        return {"chapter": chapter, "error": f"{type(error).__name__}: {error}"}
    printed = [o for cell in notebook.cells for o in cell.get("outputs", [])
               if o.get("name") == "stdout"]
    return {"chapter": chapter, "seconds": round(time.perf_counter() - started, 1),
            "printed": len(printed)}


@pytest.fixture(scope="module")
def notebook_runs(tmp_path_factory):
    """{chapter: record}: from build/notebook-runs when nothing changed, else run now, the
    notebooks that must run in parallel across the cores."""
    records, todo = {}, {}
    for chapter in CHAPTERS:
        key = notebook_key(ROOT / "notebooks" / f"{chapter}.ipynb")
        try:
            records[chapter] = {**json.loads((RECORDS / f"{key}.json").read_text()),
                                "cached": True}
        except (OSError, ValueError):
            todo[chapter] = key
    if todo:
        with pytest.MonkeyPatch.context() as patch:
            for name, value in KERNEL_ENV.items():
                patch.setenv(name, value)
            patch.delenv("MPLBACKEND", raising=False)  # the inline backend, as in Jupyter
            workers = max(1, min(len(todo), os.cpu_count() or 1))
            with ThreadPoolExecutor(max_workers=workers) as pool:
                done = list(pool.map(lambda c: execute(c, tmp_path_factory.mktemp(c)), todo))
        for record in done:
            chapter = record["chapter"]
            records[chapter] = {**record, "cached": False}
            if "error" not in record and record["printed"]:
                write_atomic(RECORDS / f"{todo[chapter]}.json", json.dumps(record))
                report = ROOT / "build" / "test-artifacts" / "notebook-times" / f"{chapter}.txt"
                report.parent.mkdir(parents=True, exist_ok=True)
                report.write_text(f"{chapter}: {record['seconds']:.1f} s in a fresh kernel\n")
    return records


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_notebook_runs_top_to_bottom_offline(chapter, notebook_runs):
    record = notebook_runs[chapter]
    assert "error" not in record, f"notebooks/{chapter}.ipynb: {record.get('error')}"
    assert record["printed"], "the notebook printed nothing"


def test_a_notebook_runs_again_only_when_its_inputs_change(tmp_path, monkeypatch):
    notebook = tmp_path / "n.ipynb"
    notebook.write_text("{}")
    key = notebook_key(notebook)
    assert notebook_key(notebook) == key
    notebook.write_text('{"cells": []}')
    changed = notebook_key(notebook)
    assert changed != key
    monkeypatch.setitem(KERNEL_ENV, "PYTHONHASHSEED", "1")
    assert notebook_key(notebook) != changed
