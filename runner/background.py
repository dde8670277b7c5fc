"""`mkdocs serve` without the wait: the pages are served at once and filled in as their
snippets run.

A cold build runs every snippet on every backend before MkDocs writes a page (minutes on two
cores). Under `mkdocs serve` (`make serve`), hooks/snippets.py instead starts the runner as a
background process (`python -m runner`, the same command and cache as a blocking build) and
builds the pages from what the output folder holds; a snippet that has never run is shown as
pending (runner/page.py). A thread of this process watches the primary backend's links in
the output folder (the runner switches a snippet's link when its run is stored, the
primary backend's runs first) and touches SIGNAL, which the server watches: at most every
REFRESH seconds while runs land, and once when the runner ends. Each touch rebuilds the
site (about ten seconds with nothing to run) and reloads the open pages.

Nothing of this applies to `mkdocs build`, which the tests and the published site use: it
runs every snippet first, and its pages cannot show a pending output.

The state lives in this module, not in the hook: MkDocs loads its hook files again for
every rebuild, while a module imported the ordinary way stays loaded for the whole server.
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from runner.engine import RUNNER_DIR, Project

REFRESH = float(os.environ.get("SNIPPETS_SERVE_REFRESH", "30"))  # seconds between rebuilds
POLL = 1.0
SIGNAL = "serve-progress"  # beside the output folder (build/ by default)
serving = False  # set by hooks/snippets.py when the command is `mkdocs serve`


@dataclass
class Run:
    process: subprocess.Popen
    signal: Path
    log: Path
    started: float = field(default_factory=time.monotonic)
    returncode: int | None = None


_lock = threading.Lock()
_run: Run | None = None
_failed: str | None = None  # fingerprint() of what a failed run left out of date


def signal_file(project: Project) -> Path:
    return project.output_dir.parent / SIGNAL


def links(project: Project) -> dict[tuple[str, str], str]:
    """Each snippet's link target (its run's key) on each backend of the build, for the
    links that exist: the runner switches one when a run is stored."""
    found = {}
    for path in project.snippets():
        snippet_id = project.snippet_id(path)
        for backend in project.backends:
            try:
                found[snippet_id, backend] = os.readlink(project.link(snippet_id, backend))
            except OSError:
                pass
    return found


def fingerprint(project: Project, stale: list[str]) -> str:
    """The inputs of the stale snippets: a failed run is not started again until one of
    them (or the set) changes."""
    parts = []
    for shown in stale:
        path = project.root / shown
        try:
            parts.append(f"{shown}:{project.key(path)}")
        except Exception:  # noqa: BLE001 - a broken backends line: its text is the input
            parts.append(f"{shown}:{path.read_bytes() if path.is_file() else b''!r}")
    return "\n".join(parts)


def running() -> Run | None:
    with _lock:
        return _run if _run is not None and _run.returncode is None else None


def last() -> Run | None:
    with _lock:
        return _run


def start(project: Project, stale: list[str]) -> Run | None:
    """Start the runner in the background unless it runs already, or failed on exactly
    these inputs; return the run in progress (None if none was started)."""
    global _run, _failed
    with _lock:
        if _run is not None and _run.returncode is None:
            return _run
        if _failed is not None and _failed == fingerprint(project, stale):
            return None
        signal = signal_file(project)
        signal.parent.mkdir(parents=True, exist_ok=True)
        signal.touch()
        log = project.output_dir.parent / "serve-runner.log"
        env = {**os.environ, "SNIPPETS_OUTPUT_DIR": str(project.output_dir)}
        out = open(log, "wb")  # noqa: SIM115 - owned by the run until it ends
        process = subprocess.Popen(
            [sys.executable, "-m", "runner", "--root", str(project.root)],
            cwd=RUNNER_DIR.parent, env=env, stdout=out, stderr=subprocess.STDOUT)
        out.close()
        _run = Run(process, signal, log)
        _failed = None
        threading.Thread(target=_follow, args=(project, _run), daemon=True).start()
        return _run


def _follow(project: Project, run: Run):
    """Touch the signal file when new runs have landed (at most every REFRESH seconds) and
    when the runner ends; remember a failure."""
    global _failed
    seen, touched = links(project), time.monotonic()
    primary = project.backends[0]
    total = len(project.snippets())
    while run.process.poll() is None:
        time.sleep(POLL)
        now = links(project)
        if now != seen and time.monotonic() - touched >= REFRESH:
            seen, touched = now, time.monotonic()
            shown = sum(backend == primary for _, backend in now)
            print(f"snippets: {shown} of {total} have outputs to show, {len(now)} runs stored "
                  f"({time.monotonic() - run.started:.0f} s); rebuilding", file=sys.stderr,
                  flush=True)
            run.signal.touch()
    failed = fingerprint(project, project.stale()) if run.process.returncode else None
    with _lock:
        _failed = failed
        run.returncode = run.process.returncode
    tail = run.log.read_text(errors="replace").strip().splitlines()[-3:]
    print(f"snippets: the background run ended ({'ok' if run.returncode == 0 else 'failed'},"
          f" {time.monotonic() - run.started:.0f} s): " + " | ".join(tail),
          file=sys.stderr, flush=True)
    run.signal.touch()


def failure() -> str | None:
    """The end of the last background run's log if it failed."""
    run = last()
    if run is None or not run.returncode:
        return None
    lines = run.log.read_text(errors="replace").strip().splitlines()
    return "\n".join(lines[-20:])


def stop():
    """End the background run (the server is shutting down): the runner stops every
    snippet it started and keeps the last good outputs."""
    run = running()
    if run is None:
        return
    run.process.terminate()
    try:
        run.process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        run.process.kill()


def pending(project: Project) -> frozenset[str]:
    """While a background run has started under `mkdocs serve`: the snippets that lack
    outputs on one of their backends (the pages show what is missing as pending). Empty
    otherwise, and always in `mkdocs build`."""
    if not serving or last() is None:
        return frozenset()
    found = set()
    for path in project.snippets():
        snippet_id = project.snippet_id(path)
        try:
            wanted = project.snippet_backends(path)
        except Exception:  # noqa: BLE001 - a broken backends line: the runner names it
            continue
        if len(project.backends_of(snippet_id)) < len(wanted):
            found.add(snippet_id)
    return frozenset(found)
