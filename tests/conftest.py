"""Shared fixtures: the project's snippet outputs (run once per session, cached), the real
site (built once per session, for every test that reads it) and a factory for throwaway
projects used by the bad-input tests."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from runner.engine import Project
from tests.records import site_key

ROOT = Path(__file__).resolve().parents[1]


class Outputs:
    """The project's snippets, run (or taken from the cache), and their outputs."""

    def __init__(self, project: Project):
        self.project = project
        self.results = {r.id: r for r in project.run()}

    def of(self, snippet_id):
        return self.project.outputs(snippet_id)

    def values(self, snippet_id):
        return self.of(snippet_id).values

    def stdout(self, snippet_id, section="stdout"):
        return self.of(snippet_id).text(section)


@pytest.fixture(scope="session")
def outputs():
    """Runs every snippet that is not already cached; fails with the runner's message."""
    return Outputs(Project.from_env(ROOT))


SITES = ROOT / "build" / "test-sites"


@pytest.fixture(scope="session")
def built_site(outputs, tmp_path_factory):
    """The real site, built strictly from the current sources once (the snippets already run
    by the outputs fixture, so the build executes nothing). A site built from exactly these
    files, outputs, commit and day is reused from build/test-sites/<key>/; tests only read
    it."""
    key = site_key(outputs.project)
    cached = SITES / key if key else None
    if cached and (cached / "index.html").is_file():
        return cached
    site_dir = tmp_path_factory.mktemp("site")
    result = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(site_dir)],
        cwd=ROOT, env={**os.environ, "NO_MKDOCS_2_WARNING": "1"}, capture_output=True,
        text=True, timeout=900,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    if cached is None or site_key(outputs.project) != key:  # changed while it built
        return site_dir
    shutil.rmtree(SITES, ignore_errors=True)  # one cached site: the last one built
    SITES.mkdir(parents=True)
    shutil.copytree(site_dir, cached.with_name(f".{key}.tmp"), symlinks=True)
    os.replace(cached.with_name(f".{key}.tmp"), cached)
    return cached


def make_project_in(root: Path, snippets=None, pages=None, nav=None) -> Path:
    """A small project in root: the real mkdocs.yml, hooks and runner, with the given
    snippets {"chapter/01_x.py": source} and pages {"page.md": markdown}."""
    for folder in ("hooks", "runner", "overrides"):
        shutil.copytree(ROOT / folder, root / folder,
                        ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copytree(ROOT / "docs" / "stylesheets", root / "docs" / "stylesheets")
    (root / "snippets").mkdir()
    shutil.copy(ROOT / "snippets" / "site.mplstyle", root / "snippets" / "site.mplstyle")
    for name, source in (snippets or {}).items():
        path = root / "snippets" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(source)
    pages = pages or {"index.md": "# Home\n"}
    for name, text in pages.items():
        (root / "docs" / name).write_text(text)
    config = yaml.safe_load((ROOT / "mkdocs.yml").read_text())
    config["nav"] = nav or [{name.removesuffix(".md").title(): name} for name in pages] + [
        {"Execution times": "execution-times.md"}
    ]
    (root / "mkdocs.yml").write_text(yaml.safe_dump(config, sort_keys=False))
    return root


@pytest.fixture
def make_project(tmp_path):
    """Build a small project in tmp_path (see make_project_in)."""

    def make(snippets=None, pages=None, nav=None):
        return make_project_in(tmp_path, snippets, pages, nav)

    return make
