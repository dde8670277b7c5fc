"""Execute once, for the tests of the machinery.

The tests marked `recorded` exercise the runner, the hooks and the build on throwaway
projects: they start processes, run small snippets and build small sites, and their outcome
depends only on the files of this repository and the installed environment. When every
file that git tracks or would add (modified or not), the installed distributions, the
Python version and the CPU are exactly those of a session in which such a test passed, it
is not run again: it is reported as skipped with the record that vouches for it. Any change
to any file re-runs all of them; CI, on a fresh clone, has no records and runs everything.

Records live in build/test-records/<key>.json (the key hashes the above); the session that
writes one checks first that the tree did not change while it ran. `TESTS_FRESH=1` (or
`make test FRESH=1`) runs them all, whatever the records say, and records the passes.

The browser tests (marked `recorded_site`) are recorded the same way under a second key: the
tree and environment as above, plus what the built site is made of (the output each snippet
links to, the commit and the day, as `site_key` says) and the browser (its `--version`). They
read nothing else: the same bytes served to the same browser give the same outcome.

The other tests of the real site (pages, snippets' values, notebooks' freshness) are not
recorded: they are fast, and run every time.
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
import time
from importlib.metadata import distributions
from pathlib import Path

import pytest

from runner.engine import machine_signature, write_atomic

ROOT = Path(__file__).resolve().parents[1]
RECORDS = ROOT / "build" / "test-records"
MARK = "recorded"
SITE_MARK = "recorded_site"


def tree_key() -> str | None:
    """A hash of every file git tracks or would add, as it is on disk, and of the
    environment that runs them; None outside a git checkout."""
    try:
        listed = subprocess.run(
            ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
            cwd=ROOT, capture_output=True, check=True, timeout=60).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    digest = hashlib.sha256()
    for name in sorted(set(listed.split(b"\0")) - {b""}):
        path = ROOT / os.fsdecode(name)
        digest.update(name + b"\0")
        if path.is_symlink():
            digest.update(b"link:" + os.fsencode(os.readlink(path)))
        elif path.is_file():
            digest.update(hashlib.sha256(path.read_bytes()).digest())
        else:
            digest.update(b"missing")  # deleted but still tracked
    installed = sorted(f"{d.metadata['Name']}=={d.version}" for d in distributions())
    digest.update("\n".join([sys.version, machine_signature(), *installed]).encode())
    return digest.hexdigest()[:24]


def site_key(project=None) -> str | None:
    """What the built site depends on: every file of the tree and the environment
    (tree_key), the output each snippet links to, the commit and the day (the footer names
    both). None outside a git checkout."""
    from runner.engine import Project

    tree = tree_key()
    if tree is None:
        return None
    project = project or Project.from_env(ROOT)
    head = subprocess.run(["git", "rev-parse", "HEAD"], cwd=ROOT, capture_output=True,
                          text=True).stdout.strip()
    links = sorted(f"{link.relative_to(project.output_dir)}>{os.readlink(link)}"
                   for link in project.output_dir.rglob("*") if link.is_symlink())
    text = "\n".join([tree, head, time.strftime("%Y-%m-%d", time.gmtime()), *links])
    return hashlib.sha256(text.encode()).hexdigest()[:24]


def browser_key() -> str | None:
    """site_key plus the browser the tests drive (its path and `--version`); None without
    a browser (the browser tests skip, and nothing is recorded)."""
    from tests.browser.conftest import chromium_path

    executable, site = chromium_path(), site_key()
    if executable is None or site is None:
        return None
    try:
        version = subprocess.run([executable, "--version"], capture_output=True, text=True,
                                 timeout=60).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return None
    text = "\n".join([site, os.path.realpath(executable), version])
    return "site-" + hashlib.sha256(text.encode()).hexdigest()[:19]


class Records:
    """The records of one key, for the tests carrying one marker."""

    def __init__(self, mark: str, make_key, what: str):
        self.mark, self.make_key, self.what = mark, make_key, what
        self.key: str | None = None
        self.file: Path | None = None
        self.vouched: set[str] = set()  # TESTS_FRESH: run them all (and record the passes)
        self.passed: set[str] = set()
        self.failed: set[str] = set()
        self.recorded: set[str] = set()  # nodeids of the marked tests collected

    @pytest.hookimpl(trylast=True)
    def pytest_collection_modifyitems(self, config, items):
        marked = [item for item in items if item.get_closest_marker(self.mark) is not None]
        if not marked:
            return
        self.key = self.make_key()  # only when such tests run: the key may cost a second
        self.file = RECORDS / f"{self.key}.json" if self.key else None
        if self.file and self.file.is_file() and not os.environ.get("TESTS_FRESH"):
            self.vouched = set(json.loads(self.file.read_text())["passed"])
        for item in marked:
            self.recorded.add(item.nodeid)
            if item.nodeid in self.vouched:
                item.add_marker(pytest.mark.skip(
                    reason=f"passed on this very {self.what} (build/test-records/"
                           f"{self.key}.json); TESTS_FRESH=1 runs it again"))

    def pytest_runtest_logreport(self, report):
        if report.nodeid not in self.recorded:
            return
        if report.failed:
            self.failed.add(report.nodeid)
        elif report.when == "call" and report.passed:
            self.passed.add(report.nodeid)

    def pytest_sessionfinish(self, session):
        if not self.file or not (self.passed - self.vouched):
            return
        if self.make_key() != self.key:  # a file changed while the tests ran: vouch for nothing
            return
        passed = sorted((self.vouched | self.passed) - self.failed)
        RECORDS.mkdir(parents=True, exist_ok=True)
        write_atomic(self.file, json.dumps({"passed": passed}, indent=1))


def pytest_configure(config):
    config.addinivalue_line(
        "markers", f"{MARK}: a test of the machinery, not run again on a tree and environment "
                   "where it passed (tests/records.py)")
    config.addinivalue_line(
        "markers", f"{SITE_MARK}: a browser test, not run again on a tree, environment, built "
                   "site and browser where it passed (tests/records.py)")
    config.pluginmanager.register(Records(MARK, tree_key, "tree and environment"), "records")
    config.pluginmanager.register(
        Records(SITE_MARK, browser_key, "tree, environment, built site and browser"),
        "site-records")
