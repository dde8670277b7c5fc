"""The one list of chapters: mkdocs.yml's "Chapters" nav section, and the naming rule that
ties each chapter's parts together.

    page docs/kernel-regularizers.md   snippets/kernel_regularizers/
    tests/snippets/test_kernel_regularizers.py   notebooks/kernel-regularizers.ipynb

A snippets folder that is not a chapter's belongs to another page of the nav with the same
name (`snippets/about/` to `docs/about.md`) and has a test module, but no notebook.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml

SECTION = "Chapters"


@dataclass(frozen=True)
class Chapter:
    slug: str  # the page's name: kernel-regularizers
    title: str

    @property
    def page(self) -> str:
        return f"{self.slug}.md"

    @property
    def folder(self) -> str:
        """Its folder in snippets/ (an importable name)."""
        return self.slug.replace("-", "_")

    @property
    def test_module(self) -> str:
        return f"tests/snippets/test_{self.folder}.py"

    @property
    def notebook(self) -> str:
        return f"notebooks/{self.slug}.ipynb"


def nav(root: Path) -> list:
    """The nav of mkdocs.yml."""
    return yaml.safe_load((root / "mkdocs.yml").read_text(encoding="utf-8"))["nav"]


def chapters_in(entries: list) -> list[Chapter]:
    for entry in entries:
        if isinstance(entry, dict) and SECTION in entry:
            return [
                Chapter(file.removesuffix(".md"), title)
                for item in entry[SECTION]
                for title, file in item.items()
            ]
    return []


def chapters(root: Path) -> list[Chapter]:
    """The chapters, in reading order."""
    return chapters_in(yaml.safe_load((root / "mkdocs.yml").read_text(encoding="utf-8"))["nav"])


def nav_files(entries: list) -> list[str]:
    """Every file the nav names, in order."""
    found = []
    for entry in entries:
        for value in (entry.values() if isinstance(entry, dict) else [entry]):
            found.extend(nav_files(value) if isinstance(value, list) else [value])
    return found


def missing_parts(root: Path) -> list[str]:
    """What the naming rule expects and does not find: empty when every part is there."""
    problems = []
    in_nav = set(nav_files(nav(root)))
    for chapter in chapters(root):
        for part in (f"docs/{chapter.page}", f"snippets/{chapter.folder}/",
                     chapter.test_module, chapter.notebook):
            if not (root / part).exists():
                problems.append(f"chapter {chapter.slug!r} has no {part}")
    for folder in sorted(p for p in (root / "snippets").iterdir() if p.is_dir()):
        page = folder.name.replace("_", "-") + ".md"
        if folder.name.startswith((".", "_")):
            continue
        if page not in in_nav:
            problems.append(f"snippets/{folder.name}/ has no page docs/{page} in the nav")
        if not (root / "tests" / "snippets" / f"test_{folder.name}.py").is_file():
            problems.append(f"snippets/{folder.name}/ has no tests/snippets/test_{folder.name}.py")
    return problems
