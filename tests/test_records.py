"""The records that let a second `make test` skip work (tests/records.py): a test that passed
is skipped on the same tree, environment (and, for browser tests, built site and browser);
a failure, any changed file, a changed output link, another browser or TESTS_FRESH=1 runs it
again. Checked on a throwaway git repository with its own copy of the plugin."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
pytestmark = pytest.mark.recorded  # tests/records.py

TESTS = '''
import os, pytest

def log(name):
    with open(os.environ["RAN_LOG"], "a") as f:
        f.write(name + "\\n")

@pytest.mark.recorded
def test_passes():
    log("passes")

@pytest.mark.recorded
def test_fails():
    log("fails")
    assert os.environ.get("MAKE_IT_PASS")

@pytest.mark.recorded_site
def test_in_the_browser():
    log("browser")

def test_unmarked():
    log("unmarked")
'''


@pytest.fixture
def repo(tmp_path):
    """A git repository holding the plugin, the runner it imports, a fake browser that
    prints its version, and the tests above."""
    root = tmp_path / "repo"
    shutil.copytree(ROOT / "runner", root / "runner",
                    ignore=shutil.ignore_patterns("__pycache__"))
    (root / "tests" / "browser").mkdir(parents=True)
    (root / "tests" / "__init__.py").write_text("")
    shutil.copy(ROOT / "tests" / "records.py", root / "tests" / "records.py")
    shutil.copy(ROOT / "tests" / "browser" / "conftest.py",
                root / "tests" / "browser" / "conftest.py")
    (root / "tests" / "test_it.py").write_text(TESTS)
    (root / "snippets").mkdir()
    (root / ".gitignore").write_text("build/\n__pycache__/\n")
    browser = tmp_path / "chromium"
    browser.write_text("#!/bin/sh\necho Chromium 1.0\n")
    browser.chmod(0o755)
    git = ["git", "-c", "user.name=t", "-c", "user.email=t@t"]
    subprocess.run(["git", "init", "-q"], cwd=root, check=True)
    subprocess.run([*git, "add", "-A"], cwd=root, check=True)
    subprocess.run([*git, "commit", "-qm", "x"], cwd=root, check=True)
    return root


def run(root: Path, **env) -> list[str]:
    """The names of the tests that ran (their bodies, in order) in one pytest session."""
    log = root.parent / "ran.log"
    log.unlink(missing_ok=True)
    environ = {k: v for k, v in os.environ.items() if k != "TESTS_FRESH"}
    environ.update(RAN_LOG=str(log), CHROMIUM=str(root.parent / "chromium"),
                   SNIPPETS_OUTPUT_DIR=str(root / "build" / "outputs"), **env)
    subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "tests.records",
                    "-p", "no:cacheprovider", "tests/test_it.py"],
                   cwd=root, env=environ, capture_output=True, text=True, timeout=300)
    return sorted(log.read_text().split()) if log.is_file() else []


def test_a_pass_is_recorded_and_skipped_and_a_failure_runs_again(repo):
    everything = ["browser", "fails", "passes", "unmarked"]
    assert run(repo) == everything
    assert run(repo) == ["fails", "unmarked"]
    assert run(repo, MAKE_IT_PASS="1") == ["fails", "unmarked"]
    assert run(repo) == ["unmarked"]  # it passed once on this tree: recorded
    assert run(repo, TESTS_FRESH="1") == everything


def test_any_changed_file_runs_everything_again(repo):
    run(repo)
    (repo / "notes.txt").write_text("an untracked file counts too\n")
    assert run(repo) == ["browser", "fails", "passes", "unmarked"]
    (repo / "notes.txt").unlink()
    assert run(repo) == ["fails", "unmarked"]  # the earlier tree's records still hold


def test_a_new_output_or_browser_runs_only_the_browser_tests_again(repo, tmp_path):
    run(repo)
    store = repo / "build" / "outputs" / "chapter"
    store.mkdir(parents=True)
    (store / "01_x").symlink_to("../.store/abc")  # a snippet now links to another output
    assert run(repo) == ["browser", "fails", "unmarked"]
    assert run(repo) == ["fails", "unmarked"]
    (tmp_path / "chromium").write_text("#!/bin/sh\necho Chromium 2.0\n")
    assert run(repo) == ["browser", "fails", "unmarked"]

