"""A downloaded file prints what the site shows, though the runner's seed is not there.

The runner starts every snippet with Python's `random` seeded (runner/child.py), so that a
build is repeatable; Keras draws the seeds of unseeded layers from that generator. A snippet
whose numbers depended on it would print the site's numbers in the build and other numbers
for a reader. The snippets that seed nothing themselves (no `keras.utils.set_random_seed` in
the file or in a local module it imports) are therefore run here as a reader runs a
download: the file without runner directives, in a fresh interpreter whose `random` is
seeded by the operating system. Each must print exactly what the build recorded. Runs are
cached like the copied blocks of tests/browser/test_copy.py, by the file's text, its local
modules and the environment."""

import re
from pathlib import Path

import pytest

from runner.engine import Project, reader_text
from tests.browser.test_copy import run

ROOT = Path(__file__).resolve().parents[1]
SEEDS = "set_random_seed("


def seeds_itself(path: Path, seen=None) -> bool:
    """Whether the file, or a local module it imports (its folder's or snippets/_shared/),
    calls set_random_seed."""
    seen = seen if seen is not None else set()
    if path in seen:
        return False
    seen.add(path)
    text = path.read_text()
    if SEEDS in text:
        return True
    for name in re.findall(r"^\s*(?:from|import)\s+(\w+)", text, re.M):
        for place in (path.parent, ROOT / "snippets" / "_shared"):
            module = place / f"{name}.py"
            if module.is_file() and seeds_itself(module, seen):
                return True
    return False


def unseeded() -> list[str]:
    project = Project(ROOT)
    return [project.snippet_id(path) for path in project.snippets()
            if not seeds_itself(path)]


UNSEEDED = unseeded()


def test_the_unseeded_snippets_are_found():
    assert "kernel_regularizers/01_penalty_formulas" in UNSEEDED
    assert "overfitting/01_two_models" not in UNSEEDED  # calls it
    assert "choosing/03_tabular" not in UNSEEDED  # through snippets/_shared/experiment.py
    assert len(UNSEEDED) >= 10


@pytest.mark.parametrize("snippet_id", UNSEEDED)
def test_a_download_prints_what_the_build_recorded(outputs, snippet_id):
    recorded = outputs.of(snippet_id).text("stdout")
    text = reader_text(ROOT / "snippets" / f"{snippet_id}.py")
    result = run(text, f"snippets/{snippet_id}.py")
    assert result["returncode"] == 0, result["stderr"][-1500:]
    assert result["stdout"] == recorded, (
        f"snippets/{snippet_id}.py prints other text in a fresh interpreter than in the "
        f"build:\n{result['stdout'][-1500:]}\n--- the build recorded ---\n"
        f"{(recorded or '')[-1500:]}")
