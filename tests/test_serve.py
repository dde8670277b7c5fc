"""`mkdocs serve` without the wait (runner/background.py): the pages are served before the
snippets have run, show what has not run as pending, fill in as runs land, and a failed
background run is not started again until its inputs change. `mkdocs build` never shows a
pending output (tests/test_build.py builds the real site that way)."""

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from runner import background
from runner.page import PENDING_VALUE, Page, PageError, render, with_pending_note
from tests.test_runner import project_with
from tests.test_supervisor import as_in_a_terminal

pytestmark = pytest.mark.recorded  # tests/records.py

ROOT = Path(__file__).resolve().parents[1]
SNIPPET = """
import matplotlib.pyplot as plt

# --8<-- [start:main]
total = 40 + 2
print(f"total = {total}")
# --8<-- [end:main]
fig, ax = plt.subplots(num="line")
ax.plot([0, 1], [0, 1])
"""
PAGE = """# Chapter

The total is {{ ch/01_sum:total }}.

```python title="snippets/ch/01_sum.py"
--8<-- "ch/01_sum.py:main"
```

```text title="Output"
--8<-- "ch/01_sum/main.txt"
```

![A line](figures/ch/01_sum/line.svg "A line.")
"""


def test_a_snippet_that_has_not_run_is_pending_only_where_allowed(tmp_path):
    project = project_with(tmp_path, {"ch/01_sum.py": SNIPPET}, backends=("tensorflow",))
    page = Page.parse(PAGE, "docs/ch.md")
    with pytest.raises(PageError, match="has no outputs yet"):
        render(page, project)  # mkdocs build: refused, naming the page and line
    pending = render(page, project, frozenset({"ch/01_sum"}))
    assert f"The total is {PENDING_VALUE}." in pending
    assert "(pending: this output appears when snippets/ch/01_sum.py has run" in pending
    assert "*Figure 1: (pending:" in pending and "line.svg" not in pending
    noted = with_pending_note(pending, page, frozenset({"ch/01_sum", "other/01_x"}))
    assert noted.startswith('# Chapter\n\n!!! info "1 of this page\'s snippets is still running"')
    assert with_pending_note(pending, page, frozenset({"other/01_x"})) == pending
    project.run()
    done = render(page, project, frozenset({"ch/01_sum"}))  # ran meanwhile: shown
    assert done == render(page, project)
    assert "The total is 42." in done and "total = 42" in done and "line.svg" in done
    assert with_pending_note(done, page, frozenset()) == done


def test_a_failed_background_run_is_not_repeated_until_its_inputs_change(tmp_path,
                                                                        monkeypatch):
    monkeypatch.setenv("SNIPPETS_PRELOAD", "")  # the throwaway snippets import nothing heavy
    monkeypatch.setenv("SNIPPETS_BACKENDS", "tensorflow")
    monkeypatch.setattr(background, "serving", True)
    monkeypatch.setattr(background, "_run", None)
    monkeypatch.setattr(background, "_failed", None)
    project = project_with(tmp_path, {"ch/01_ok.py": "print('fine')\n",
                                      "ch/02_bad.py": "print('so far')\nraise SystemExit(3)\n"},
                           backends=("tensorflow",))
    stale = project.stale()
    assert background.pending(project) == frozenset()  # nothing started yet: a build

    run = background.start(project, stale)
    assert background.start(project, stale) is run  # one background run at a time
    assert background.pending(project) <= {"ch/01_ok", "ch/02_bad"}
    run.process.wait(timeout=120)
    deadline = time.monotonic() + 30
    while run.returncode is None and time.monotonic() < deadline:  # the follower's report
        time.sleep(0.1)
    assert run.returncode == 1
    assert "snippets/ch/02_bad.py" in background.failure()
    assert project.outputs("ch/01_ok").text() == "fine\n"  # what ran is kept
    assert background.pending(project) == {"ch/02_bad"}
    assert background.start(project, project.stale()) is None  # same inputs: not again

    (tmp_path / "snippets" / "ch" / "02_bad.py").write_text("print('fixed')\n")
    again = background.start(project, project.stale())
    assert again is not None and again is not run
    again.process.wait(timeout=120)
    deadline = time.monotonic() + 30
    while again.returncode is None and time.monotonic() < deadline:
        time.sleep(0.1)
    assert again.returncode == 0 and background.failure() is None
    assert project.stale() == [] and background.pending(project) == frozenset()
    assert background.signal_file(project).is_file()  # what the server watches


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def fetch(url: str) -> str | None:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.read().decode()
    except OSError:
        return None


@pytest.mark.build
def test_serve_shows_pages_before_the_snippets_have_run_and_fills_them_in(tmp_path):
    """The real site, an empty output folder: pages are served with pending outputs while
    the runner works behind the server; the about page fills in when its snippet has run
    (the first in the runner's order); stopping the server stops the runner."""
    outputs, port = tmp_path / "outputs", free_port()
    env = {**os.environ, "SNIPPETS_OUTPUT_DIR": str(outputs),
           "SNIPPETS_SERVE_REFRESH": "1", "NO_MKDOCS_2_WARNING": "1"}
    env.pop("SNIPPETS_EXECUTE", None)
    env.pop("SNIPPETS_SERVE_WAIT", None)
    env.pop("SNIPPETS_BACKENDS", None)
    server = subprocess.Popen(
        [sys.executable, "-m", "mkdocs", "serve", "--strict", "--dev-addr", f"127.0.0.1:{port}"],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        start_new_session=True, preexec_fn=as_in_a_terminal)
    base = f"http://127.0.0.1:{port}/handbook"
    try:
        first = None
        deadline = time.monotonic() + 240
        while first is None and time.monotonic() < deadline and server.poll() is None:
            first = fetch(f"{base}/kernel-regularizers/")
            time.sleep(0.5)
        assert first is not None, "the server never answered"
        assert "of this page's snippets are still running" in first
        assert "(pending: this output appears when snippets/kernel_regularizers/" in first
        snippets = sorted(p for p in (ROOT / "snippets").glob("*/[0-9][0-9]_*.py"))
        stored = [p for p in outputs.glob("*/*") if p.is_symlink()]
        assert len(stored) < len(snippets)  # served before the runs were done

        about = None
        deadline = time.monotonic() + 240
        while time.monotonic() < deadline and server.poll() is None:
            about = fetch(f"{base}/about/") or ""
            if "Python         3" in about:
                break
            time.sleep(1)
        assert "Python         3" in about, "the about page never showed its snippet's output"
    finally:
        if server.poll() is None:
            os.killpg(server.pid, signal.SIGINT)  # Ctrl-C in a terminal
        try:
            log, _ = server.communicate(timeout=60)
        except subprocess.TimeoutExpired:  # never leave a server rewriting docs/notebooks
            os.killpg(server.pid, signal.SIGKILL)
            log, _ = server.communicate()
            raise AssertionError(f"Ctrl-C did not stop the server: {log[-2000:]}") from None
    assert server.returncode is not None
    time.sleep(1)
    assert runs_with(outputs) == [], log[-2000:]


def runs_with(outputs: Path) -> list[int]:
    """Processes whose environment names this output folder (the background runner, its
    worker and snippets)."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit() and int(entry.name) != os.getpid():
            try:
                if f"SNIPPETS_OUTPUT_DIR={outputs}\0" in (entry / "environ").read_bytes(
                        ).decode(errors="replace"):
                    found.append(int(entry.name))
            except OSError:
                pass
    return found
