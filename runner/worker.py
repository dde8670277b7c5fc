"""Start snippets: a worker that imports the heavy modules once, a supervisor per snippet.

Usage: python runner/worker.py RUNNER_PID [MODULE ...]

The engine starts this file with the snippets' fixed environment. It imports the MODULEs
(TensorFlow, Keras, NumPy, matplotlib, scikit-learn: a warm worker), or none (then each
snippet starts a fresh interpreter), writes one line of facts about itself on stdout, then
reads one request per line on stdin (JSON: id, snippet, outdir, rundir, timeout, writable,
protect, warm) and answers one line per finished request (JSON: id, status).

    runner -- worker (this file, one per build)
                 `-- supervisor (forked, one per snippet: sandbox, deadline, clean-up)
                        `-- snippet process: forked from the imported state and running
                            child.main, or `python child.py` in a fresh interpreter

The supervisor puts the snippet in new PID, network and mount namespaces where the OS
allows it: the snippet is process 1 of its own PID namespace, so when it ends (or is
killed at its deadline) the kernel ends every process it started, even one in its own
session; there is no network interface but a loopback that is down; every file system is
read-only except the run's folders. Where the OS refuses, the supervisor becomes a child
subreaper and ends the snippet's process group and every descendant it can find, and the
child's Python-level network guard is all there is; the status says which applies.

Every process here dies with its parent (PR_SET_PDEATHSIG): killing the runner, even with
SIGKILL, ends the worker, the supervisors and the snippets. Forking is safe only from a
single thread: the worker checks that the imports left it with one, and otherwise runs
every snippet in a fresh interpreter and says why.
"""

import ctypes
import errno
import json
import os
import random
import re
import select
import signal
import sys
import tempfile
import time
import traceback
import types
from pathlib import Path

import child

CHILD = Path(child.__file__).resolve()
PR_SET_PDEATHSIG, PR_SET_CHILD_SUBREAPER = 1, 36
CLONE_NEWNS, CLONE_NEWUSER, CLONE_NEWPID, CLONE_NEWNET = 0x20000, 0x10000000, 0x20000000, 0x40000000
MS_RDONLY, MS_NOSUID, MS_NODEV, MS_NOEXEC, MS_REMOUNT = 1, 2, 4, 8, 32
MS_NOATIME, MS_NODIRATIME, MS_BIND, MS_REC, MS_PRIVATE = 1024, 2048, 4096, 16384, 1 << 18
MS_RELATIME, MS_STRICTATIME = 1 << 21, 1 << 24
LOCKED_FLAGS = {"nosuid": MS_NOSUID, "nodev": MS_NODEV, "noexec": MS_NOEXEC,
                "noatime": MS_NOATIME, "nodiratime": MS_NODIRATIME, "relatime": MS_RELATIME,
                "strictatime": MS_STRICTATIME}
PSEUDO = ("/proc", "/sys", "/dev")  # left as they are: not places a snippet stores files in
libc = ctypes.CDLL(None, use_errno=True)
AFTER_IMPORTS = None  # Python's global random state after random.seed(0) and the imports


def check(result: int, what: str):
    if result != 0:
        code = ctypes.get_errno()
        raise OSError(code, f"{what}: {os.strerror(code)}")


def die_with_parent(parent: int):
    """SIGKILL this process when its parent ends (also if it already has)."""
    check(libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0), "prctl(PR_SET_PDEATHSIG)")
    if os.getppid() not in (parent, 0):  # 0: the parent is outside our PID namespace
        os._exit(1)


def mount(target: str, flags: int, source: str | None = None):
    check(libc.mount(source and source.encode(), target.encode(), None,
                     ctypes.c_ulong(flags), None), f"mount {target}")


def mounts() -> list[tuple[str, str]]:
    found = []
    for line in Path("/proc/self/mountinfo").read_text().splitlines():
        fields = line.split()
        point = re.sub(r"\\([0-7]{3})", lambda m: chr(int(m[1], 8)), fields[4])
        found.append((point, fields[5]))
    return found


def isolate(writable: list[str], protect: list[str], wanted: bool = True) -> dict[str, str]:
    """Enter new PID, network and mount namespaces (as root, or in a user namespace), make
    every file system read-only but the writable folders; say what applied."""
    applied = {"processes": "process group and subreaper", "network": "Python-level guard",
               "files": "not restricted"}
    if not wanted:
        applied["why"] = "switched off (SNIPPETS_SANDBOX=0)"
        return applied
    flags = CLONE_NEWNS | CLONE_NEWPID | CLONE_NEWNET
    if libc.unshare(flags) != 0:
        reason = os.strerror(ctypes.get_errno())
        uid, gid = os.getuid(), os.getgid()
        try:
            check(libc.unshare(flags | CLONE_NEWUSER), "unshare")
            Path("/proc/self/setgroups").write_text("deny")
            Path("/proc/self/uid_map").write_text(f"{uid} {uid} 1")
            Path("/proc/self/gid_map").write_text(f"{gid} {gid} 1")
        except OSError as error:
            applied["why"] = f"namespaces refused ({reason}; in a user namespace: {error})"
            return applied
    applied.update(processes="PID namespace", network="network namespace (no interface up)")
    try:
        mount("/", MS_REC | MS_PRIVATE)
        for point, options in mounts():
            if point.startswith(PSEUDO):
                continue
            keep = sum(flag for name, flag in LOCKED_FLAGS.items() if name in options.split(","))
            try:
                mount(point, MS_REMOUNT | MS_BIND | MS_RDONLY | keep)
            except OSError:
                pass  # checked below for the folders that matter
        for folder in writable:
            mount(folder, MS_BIND, source=folder)
            mount(folder, MS_REMOUNT | MS_BIND)
        open_to_writes = [p for p in protect if not os.statvfs(p).f_flag & os.ST_RDONLY]
        if open_to_writes:
            raise OSError(errno.EPERM, f"{', '.join(open_to_writes)} stayed writable")
        applied["files"] = "read-only but the snippet's scratch and output folders"
    except OSError as error:
        applied["why"] = f"file systems not made read-only ({error})"
    return applied


def descendants(root: int) -> list[int]:
    """Processes whose parent chain leads to root (read from /proc)."""
    parents = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                stat = Path(f"/proc/{entry}/stat").read_text()
            except OSError:
                continue
            parents[int(entry)] = int(stat.rsplit(")", 1)[1].split()[1])
    found, frontier = [], [root]
    while frontier:
        current = frontier.pop()
        children = [pid for pid, parent in parents.items() if parent == current]
        found += children
        frontier += children
    return found


def end_all(snippet: int):
    """SIGKILL the snippet's process group and every descendant of this supervisor, until
    none is left (used where there is no PID namespace to do it)."""
    for _ in range(100):
        try:
            os.killpg(snippet, signal.SIGKILL)
        except OSError:
            pass
        left = descendants(os.getpid())
        for pid in left:
            try:
                os.kill(pid, signal.SIGKILL)
            except OSError:
                pass
        while True:  # reap what ended
            try:
                if os.waitpid(-1, os.WNOHANG)[0] == 0:
                    break
            except ChildProcessError:
                break
        if not left:
            return
        time.sleep(0.01)


def start_snippet(request: dict, warm: bool):
    """In the forked snippet process: files for its output, its own session, cwd and
    temporary folder, then the snippet (never returns)."""
    try:
        os.setsid()
        die_with_parent(int(os.environ["RUNNER_SUPERVISOR"]))
        run = Path(request["rundir"])
        cwd = run / "cwd"
        null = os.open(os.devnull, os.O_RDONLY)
        out = os.open(run / "stdout.log", os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
        err = os.open(run / "stderr.log", os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
        for fd, target in ((null, 0), (out, 1), (err, 2)):
            os.dup2(fd, target)
            os.close(fd)
        os.chdir(cwd)
        del os.environ["RUNNER_SUPERVISOR"]
        os.environ["TMPDIR"] = str(cwd)
        args = [str(CHILD), request["snippet"], request["outdir"]]
        if request.get("source"):  # the exact bytes the engine hashed
            args.append(request["source"])
        # signal dispositions as in an interpreter started from a shell (the worker ignores
        # Ctrl-C, and an ignored signal stays ignored across exec)
        signal.signal(signal.SIGINT, signal.SIG_DFL if not warm else signal.default_int_handler)
        if not warm:
            os.execv(sys.executable, [sys.executable, *args])
        tempfile.tempdir = None
        sys.argv = args
        # child.main's random.seed(0), as a fresh child that imported these modules sees it
        child.random = types.SimpleNamespace(seed=lambda _: random.setstate(AFTER_IMPORTS))
        started = time.perf_counter()
        code = child.main(*args[1:])
        # the snippet's own time: no interpreter start, no imports of what the worker imported
        (run / "timing.json").write_text(json.dumps({"seconds": time.perf_counter() - started}))
        sys.stdout.flush()
        sys.stderr.flush()
    except BaseException:  # noqa: BLE001 - reported through stderr.log and the exit code
        traceback.print_exc()
        sys.stderr.flush()
        code = 70
    os._exit(code)


def supervise(request: dict, worker: int, warm: bool):
    """In the forked supervisor: sandbox, start, deadline, clean-up; writes status.json."""
    die_with_parent(worker)
    run = Path(request["rundir"])
    sandbox = isolate(request["writable"], request["protect"], request.get("isolate", True))
    namespaces = sandbox["processes"] == "PID namespace"
    if not namespaces:
        check(libc.prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0), "prctl(PR_SET_CHILD_SUBREAPER)")
    os.environ["RUNNER_SUPERVISOR"] = str(os.getpid())
    started = time.monotonic()
    snippet = os.fork()
    if snippet == 0:
        start_snippet(request, warm)

    def on_term(signum, frame):
        os.kill(snippet, signal.SIGKILL)  # in a PID namespace the kernel ends the rest
        if not namespaces:
            end_all(snippet)
        os._exit(128 + signum)

    signal.signal(signal.SIGTERM, on_term)
    handle = os.pidfd_open(snippet)
    timed_out = not select.select([handle], [], [], request["timeout"])[0]
    if timed_out:
        os.kill(snippet, signal.SIGKILL)
    _, status = os.waitpid(snippet, 0)
    seconds = time.monotonic() - started
    if not namespaces:
        end_all(snippet)  # whatever the snippet left running, even in another session
    timing = run / "timing.json"
    own = json.loads(timing.read_text())["seconds"] if timing.is_file() else None
    result = {"returncode": os.waitstatus_to_exitcode(status), "timed_out": timed_out,
              "seconds": round(seconds, 3), "own": own, "sandbox": sandbox, "warm": warm}
    (run / "status.json").write_text(json.dumps(result))
    os._exit(0)


def preload(modules: list[str]) -> dict:
    """Import the modules; fork only if that left this process with one thread."""
    started, missing = time.perf_counter(), []
    # A fresh child seeds Python's global random with 0 before the snippet imports anything,
    # and some imports draw from it (rich, imported by Keras, takes getrandbits(24)): so the
    # worker seeds before its imports, and each forked snippet starts from the state after.
    random.seed(0)
    for name in modules:
        try:
            __import__(name)
        except ModuleNotFoundError:  # a project without it: its snippets import nothing of it
            missing.append(name)
    modules = [name for name in modules if name not in missing]
    global AFTER_IMPORTS
    AFTER_IMPORTS = random.getstate()
    facts = {"pid": os.getpid(), "modules": modules, "missing": missing,
             "import_seconds": round(time.perf_counter() - started, 3)}
    threads = len(os.listdir("/proc/self/task"))
    facts["warm"] = threads == 1
    if threads != 1:
        facts["why"] = (f"{threads} threads after importing {', '.join(modules)}: forking "
                        "would copy their locks mid-use, so each snippet starts a fresh "
                        "interpreter")
    return facts


def serve(runner: int, modules: list[str]):
    die_with_parent(runner)
    facts = preload(modules)
    warm = facts["warm"]
    reply(facts)
    running: dict[int, dict] = {}  # supervisor pid -> request

    def on_term(signum, frame):
        for pid in running:
            os.kill(pid, signal.SIGTERM)
        deadline = time.monotonic() + 5
        while running and time.monotonic() < deadline:
            reap(running, block=False)
            time.sleep(0.01)
        os._exit(128 + signum)

    signal.signal(signal.SIGTERM, on_term)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the runner decides what Ctrl-C does
    pending, worker = b"", os.getpid()
    while True:
        ready = select.select([0], [], [], 0.02)[0]
        if ready:
            chunk = os.read(0, 65536)
            if not chunk:  # the runner is done (or gone): end what still runs
                on_term(signal.SIGTERM, None)
            pending += chunk
            while b"\n" in pending:
                line, pending = pending.split(b"\n", 1)
                request = json.loads(line)
                sys.stdout.flush()
                sys.stderr.flush()
                pid = os.fork()
                if pid == 0:
                    signal.signal(signal.SIGTERM, signal.SIG_DFL)
                    try:
                        supervise(request, worker, warm and request["warm"])
                    except BaseException:  # noqa: BLE001
                        traceback.print_exc()
                        sys.stderr.flush()
                    os._exit(1)
                running[pid] = request
        reap(running, block=False)


def reap(running: dict[int, dict], block: bool):
    while running:
        try:
            pid, _ = os.waitpid(-1, 0 if block else os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            return
        request = running.pop(pid, None)
        if request is None:
            continue
        status_file = Path(request["rundir"]) / "status.json"
        status = json.loads(status_file.read_text()) if status_file.is_file() else None
        reply({"id": request["id"], "status": status})


def reply(message: dict):
    data = (json.dumps(message) + "\n").encode()
    while data:
        data = data[os.write(1, data):]


if __name__ == "__main__":
    serve(int(sys.argv[1]), sys.argv[2:])
