"""snippets/_shared/: helper modules that the snippets of several chapters import.

The runner finds them (cache key, child's path: tests/test_runner.py); these tests check the
other two readers: each chapter that imports a shared module shows it whole on its page, and
its committed notebook writes it out before the first cell that imports it."""

import re
from pathlib import Path

import nbformat

from runner.chapters import chapters
from runner.engine import SHARED, Project

ROOT = Path(__file__).resolve().parents[1]
IMPORT = re.compile(r"^\s*(?:from\s+(\w+)\s+import|import\s+(\w+))", re.M)


def shared_modules():
    return {path.stem for path in (ROOT / "snippets" / SHARED).glob("*.py")}


def users():
    """{chapter slug: shared modules its snippets import}, from the runner's own view."""
    project = Project(ROOT)
    found = {}
    for chapter in chapters(ROOT):
        for path in sorted((ROOT / "snippets" / chapter.folder).glob("[0-9][0-9]_*.py")):
            for module in project.local_imports(path):
                if module.parent.name == SHARED:
                    found.setdefault(chapter.slug, set()).add(module.stem)
    return found


def test_the_harness_is_shared_by_two_chapters():
    assert "experiment" in shared_modules()
    sharing = [slug for slug, modules in users().items() if "experiment" in modules]
    assert {"choosing", "noise-augmentation-normalization"} <= set(sharing)


def test_every_shared_module_is_used():
    used = set().union(*users().values())
    assert shared_modules() <= used


def test_pages_show_and_notebooks_write_each_shared_module_before_importing_it():
    for slug, modules in users().items():
        page = (ROOT / "docs" / f"{slug}.md").read_text(encoding="utf-8")
        cells = nbformat.read(ROOT / "notebooks" / f"{slug}.ipynb", as_version=4).cells
        sources = [c.source for c in cells if c.cell_type == "code"]
        for module in modules:
            assert f'--8<-- "{SHARED}/{module}.py"' in page, (slug, module)
            written = next(i for i, s in enumerate(sources)
                           if s.startswith(f"%%writefile {module}.py"))
            imported = next(i for i, s in enumerate(sources)
                            if module in {a or b for a, b in IMPORT.findall(s)}
                            and not s.startswith("%%writefile"))
            assert written < imported, (slug, module)
