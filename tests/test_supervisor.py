"""Fault suite of the supervisor and the sandbox (issue 14): hangs, orphans, signals to the
runner, leftovers, two builds on one output folder, and snippets that try to escape.

Throwaway snippets in a temporary project, as in test_runner.py. Each case asserts the
message, the exit status, that the last good outputs survive byte for byte, and that no
process, temporary folder or scratch folder is left behind. The cases about processes run
twice: with the namespaces this machine allows, and with the fallback (process group and
subreaper) that applies where the OS refuses them.
"""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from runner.engine import Project, RunnerError
from tests.test_runner import project_with

pytestmark = pytest.mark.recorded  # tests/records.py

ROOT = Path(__file__).resolve().parents[1]
GOOD = "print('good')\n"


def namespaces_here() -> bool:
    """Whether the OS lets the supervisor use namespaces (checked once, with a tiny run)."""
    if not hasattr(namespaces_here, "answer"):
        import tempfile

        with tempfile.TemporaryDirectory() as tmp:
            project = project_with(Path(tmp), {"ch/01_probe.py": "x = 1\n"})
            project.run()
            namespaces_here.answer = project.sandbox["processes"] == "PID namespace"
    return namespaces_here.answer


MODES = [
    pytest.param(True, id="namespaces"),
    pytest.param(False, id="fallback"),
]


def needs(isolate: bool):
    if isolate and not namespaces_here():
        reason = "the OS refuses namespaces here (the fallback is tested)"
        if os.environ.get("REQUIRE_SANDBOX") == "1":
            pytest.fail(reason)
        pytest.skip(reason)


def token() -> str:
    """A sleep duration no other process uses: how the tests find escaped children."""
    token.count = getattr(token, "count", 0) + 1
    return f"4321.{os.getpid()}{token.count:03d}"


def processes(*needles: str) -> list[str]:
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit() or int(entry.name) == os.getpid():
            continue
        try:
            command = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode()
        except OSError:
            continue
        if command and all(needle in command for needle in needles):
            found.append(f"{entry.name}: {command}")
    return found


def wait_until(condition, seconds: float = 30.0) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return False


def escaping_child(mark: str, then: str) -> str:
    return (f"import subprocess, time\n"
            f"subprocess.Popen(['sleep', '{mark}'], start_new_session=True)\n{then}\n")


def snapshot(project: Project, snippet_id: str) -> dict[str, bytes]:
    folder = project.link(snippet_id).resolve()
    return {file.name: file.read_bytes() for file in folder.iterdir()}


def assert_clean(project: Project, mark: str, runner_pid: int | None = None):
    """Nothing left: no process of the snippet or the worker, no temporary run, no scratch."""
    assert wait_until(lambda: not processes("sleep", mark), 5), processes("sleep", mark)
    worker = ["worker.py", str(runner_pid or os.getpid())]
    assert wait_until(lambda: not processes(*worker), 5), processes(*worker)
    assert list(project.store().glob(".tmp-*")) == []
    assert list(project.scratch().glob("*")) == []


@pytest.mark.parametrize("isolate", MODES)
def test_hang_with_an_escaped_child_is_stopped_at_the_deadline(tmp_path, isolate):
    needs(isolate)
    project = project_with(tmp_path, {"ch/01_hang.py": GOOD}, timeout=1, isolate=isolate)
    project.run()
    good = snapshot(project, "ch/01_hang")
    mark = token()
    (tmp_path / "snippets" / "ch" / "01_hang.py").write_text(
        escaping_child(mark, "while True:\n    pass"))
    started = time.monotonic()
    with pytest.raises(RunnerError, match=r"snippets/ch/01_hang.py: exceeded its timeout of 1 s "
                       r"and was stopped, with every process it started"):
        project.run()
    assert time.monotonic() - started < 15  # the deadline, not the escaped child's 72 minutes
    assert snapshot(project, "ch/01_hang") == good
    assert_clean(project, mark)


@pytest.mark.parametrize("isolate", MODES)
def test_a_child_left_running_is_ended_and_the_outputs_kept(tmp_path, isolate):
    needs(isolate)
    mark = token()
    project = project_with(tmp_path, {"ch/01_leaves.py": escaping_child(mark, "print('done')")},
                           isolate=isolate)
    [result] = project.run()
    assert result.status == "ran"
    assert project.outputs("ch/01_leaves").text() == "done\n"
    assert_clean(project, mark)


SIGNALS = [
    pytest.param(signal.SIGINT, 130, True, id="SIGINT-namespaces"),
    pytest.param(signal.SIGTERM, -signal.SIGTERM, True, id="SIGTERM-namespaces"),
    pytest.param(signal.SIGHUP, -signal.SIGHUP, True, id="SIGHUP-namespaces"),
    pytest.param(signal.SIGKILL, -signal.SIGKILL, True, id="SIGKILL-group-namespaces"),
    pytest.param(signal.SIGINT, 130, False, id="SIGINT-fallback"),
    pytest.param(signal.SIGTERM, -signal.SIGTERM, False, id="SIGTERM-fallback"),
    pytest.param(signal.SIGHUP, -signal.SIGHUP, False, id="SIGHUP-fallback"),
]


def as_in_a_terminal():
    """For a child that a test stops with SIGINT, as Ctrl-C would: the default SIGINT
    disposition, which a terminal gives. A job started with `&` by a non-interactive shell
    inherits SIGINT ignored, and Python then installs no KeyboardInterrupt handler."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


@pytest.mark.parametrize(("signum", "status", "isolate"), SIGNALS)
def test_a_signal_to_the_runner_ends_every_running_snippet_at_once(
        tmp_path, signum, status, isolate):
    """Without namespaces, SIGKILL cannot be handled, and a child in its own session
    outlives its parents; with them, the kernel ends the whole tree."""
    needs(isolate)
    env = {**os.environ, "SNIPPETS_SANDBOX": "1" if isolate else "0", "SNIPPETS_WARM": "1",
           "SNIPPETS_PRELOAD": ""}
    env.pop("SNIPPETS_OUTPUT_DIR", None)
    project = project_with(tmp_path, {"ch/01_loops.py": GOOD, "ch/02_loops.py": GOOD})
    project.run()
    good = [snapshot(project, f"ch/0{n}_loops") for n in (1, 2)]
    marks = [token(), token()]
    for n, mark in enumerate(marks, 1):
        (tmp_path / "snippets" / "ch" / f"0{n}_loops.py").write_text(
            "# runner: timeout=600\n" + escaping_child(mark, "while True:\n    pass"))
    command = [sys.executable, "-m", "runner", "--root", str(tmp_path), "--jobs", "2"]
    runner = subprocess.Popen(command, cwd=ROOT, env=env, start_new_session=True,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                              preexec_fn=as_in_a_terminal)
    try:
        assert wait_until(lambda: all(processes("sleep", m) for m in marks), 120), \
            "the snippets did not start"
        started = time.monotonic()
        if signum == signal.SIGKILL:
            os.killpg(runner.pid, signal.SIGKILL)  # the runner and its worker, not the snippets
        else:
            runner.send_signal(signum)
        _, stderr = runner.communicate(timeout=30)
    finally:
        if runner.poll() is None:
            runner.kill()
    assert runner.returncode == status, stderr
    if signum == signal.SIGINT:
        assert "interrupted: every running snippet was stopped" in stderr
    assert wait_until(lambda: not any(processes("sleep", m) for m in marks), 10)
    assert wait_until(lambda: not processes("worker.py", str(runner.pid)), 10)
    assert time.monotonic() - started < 20  # at once, not at the snippets' 600 s deadline
    assert [snapshot(project, f"ch/0{n}_loops") for n in (1, 2)] == good
    # what the killed runner left (its unfinished runs, their scratch) goes at the next start
    for n in (1, 2):
        (tmp_path / "snippets" / "ch" / f"0{n}_loops.py").write_text(GOOD)
    project.run()
    assert_clean(project, marks[0])


def test_leftovers_of_killed_runs_are_swept_at_start(tmp_path):
    project = project_with(tmp_path, {"ch/01_a.py": GOOD})
    leftovers = [project.store() / ".tmp-01_a-killed", project.scratch() / "snippet-cwd-01_a-x"]
    for folder in leftovers:
        (folder / "cwd").mkdir(parents=True)
        (folder / "cwd" / "big.bin").write_bytes(b"0" * 1000)
    (project.scratch() / "worker-x.log").write_text("old")
    project.run()
    assert not any(folder.exists() for folder in leftovers)
    assert_clean(project, token())


def test_builds_sharing_an_output_folder_take_turns(tmp_path):
    project_with(tmp_path, {"ch/01_slow.py": "import time\ntime.sleep(2)\nprint('slow')\n"})
    command = [sys.executable, "-m", "runner", "--root", str(tmp_path), "--force"]
    env = {k: v for k, v in os.environ.items() if k != "SNIPPETS_OUTPUT_DIR"}
    env["SNIPPETS_PRELOAD"] = ""
    first = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True)
    assert wait_until(lambda: (tmp_path / "build" / "outputs" / ".scratch").is_dir(), 60)
    second = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True,
                            timeout=120)
    first_out, first_err = first.communicate(timeout=120)
    assert first.returncode == 0 and second.returncode == 0, first_err + second.stderr
    assert "waiting for another build that uses" in second.stderr
    assert "1 ran" in first_out and "1 ran" in second.stdout
    # the second build ran after the first had finished: both runs complete, none torn
    assert Project(tmp_path).outputs("ch/01_slow").text() == "slow\n"


ESCAPE = """
import _socket
import os
import subprocess
import tempfile


def attempt(action):
    try:
        action()
        return "done"
    except OSError as error:
        return error.strerror


def write(path):
    with open(path, "w") as handle:
        handle.write("stray")


def connect(host):
    sock = _socket.socket()
    sock.settimeout(3)
    sock.connect((host, 80))


results = {
    "docs": attempt(lambda: write(os.path.join(ROOT, "docs", "stray.md"))),
    "snippets": attempt(lambda: write(os.path.join(ROOT, "snippets", "ch", "stray.py"))),
    "tmp": attempt(lambda: write("/tmp/stray-MARK")),
    "home": attempt(lambda: write(os.path.expanduser("~/stray-MARK"))),
    "cwd": attempt(lambda: write("scratch.txt")),
    "tempfile": attempt(lambda: write(tempfile.mkstemp()[1])),
    "internet": attempt(lambda: connect("1.1.1.1")),
    "loopback": attempt(lambda: connect("127.0.0.1")),
    "dns": attempt(lambda: _socket.getaddrinfo("example.com", 80)),
}
child = "import socket; socket.create_connection(('1.1.1.1', 80), timeout=3)"
results["subprocess"] = subprocess.run(["python3", "-c", child], capture_output=True,
                                       text=True).stderr.strip().splitlines()[-1]
"""


def test_a_snippet_cannot_write_outside_its_scratch_folder_or_reach_the_network(tmp_path):
    needs(True)
    mark = token()
    (tmp_path / "docs").mkdir()
    source = f"ROOT = {str(tmp_path)!r}\n" + ESCAPE.replace("MARK", mark)
    project = project_with(tmp_path, {"ch/01_escape.py": source})
    project.run()
    results = project.outputs("ch/01_escape").values["results"]
    refused = "Read-only file system"
    assert {k: results[k] for k in ("docs", "snippets", "tmp", "home")} == dict.fromkeys(
        ("docs", "snippets", "tmp", "home"), refused)
    assert results["cwd"] == results["tempfile"] == "done"
    assert results["internet"] == results["loopback"] == "Network is unreachable"
    assert results["dns"] != "done" and "Network is unreachable" in results["subprocess"]
    assert list((tmp_path / "docs").iterdir()) == []
    assert not Path(f"/tmp/stray-{mark}").exists()
    assert project.sandbox == {
        "processes": "PID namespace", "network": "network namespace (no interface up)",
        "files": "read-only but the snippet's scratch and output folders"}
    assert_clean(project, mark)


def test_a_write_into_the_docs_is_a_clear_error_naming_the_line(tmp_path):
    needs(True)
    (tmp_path / "docs").mkdir()
    project = project_with(tmp_path, {"ch/01_writes.py": GOOD})
    project.run()
    good = snapshot(project, "ch/01_writes")
    (tmp_path / "snippets" / "ch" / "01_writes.py").write_text(
        f"print('start')\nopen({str(tmp_path / 'docs' / 'stray.md')!r}, 'w').write('x')\n")
    with pytest.raises(RunnerError, match=r"snippets/ch/01_writes.py:2: OSError: \[Errno 30\] "
                       r"Read-only file system"):
        project.run()
    assert snapshot(project, "ch/01_writes") == good
    assert list((tmp_path / "docs").iterdir()) == []


def test_the_fallback_says_so_in_the_build_log(tmp_path, capsys):
    project = project_with(tmp_path, {"ch/01_net.py": """
        import urllib.request
        urllib.request.urlopen("http://example.com", timeout=5)
    """}, isolate=False)
    with pytest.raises(RunnerError, match=r"01_net.py:3: .*network access is blocked"):
        project.run()
    assert ("runner: sandbox: switched off (SNIPPETS_SANDBOX=0); snippets ran with: processes: "
            "process group and subreaper; network: Python-level guard; files: not restricted"
            ) in capsys.readouterr().err
