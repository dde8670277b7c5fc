"""Discover snippets, decide what must re-run, run it in parallel and store the outputs.

Layout of the output folder (gitignored, default `build/outputs/`):

    .store/<key>/                     one finished run: stdout.txt, <section>.txt,
                                      values.json, figures.json, <figure>.svg, meta.json
    <chapter>/<nn>_<topic>  ->  ../.store/<key>     a symlink, replaced atomically
    runs.json                         what the last build did, for the "Execution times" page
    worker.json                       what the last build's worker imported and the sandbox
    .scratch/                         run folders of running snippets (cwd, stdout, stderr)
    .lock                             held (fcntl) by the build using this folder

Only this module knows that layout: everything else reads a run through `Project.outputs()`
(an `Outputs`), `Project.published()`, `Project.runs()` and `Project.worker()`.

Each snippet runs in a process of its own, started by runner/worker.py: forked from a worker
that imported TensorFlow, Keras, NumPy, matplotlib and scikit-learn once per build (or a
fresh interpreter with SNIPPETS_WARM=0; the outputs are the same bytes), under a supervisor
that enforces the deadline, ends every process the snippet started and sandboxes it
(namespaces: no network, read-only files but its own folders). A build holds the output
folder's lock; at start it sweeps what killed builds left behind; SIGINT, SIGTERM and SIGHUP
end every running snippet at once.

A run writes into a temporary folder; only a successful run is moved into the store and
only then is the symlink switched, so a failed or interrupted run leaves the last good
outputs in place. The key hashes everything a snippet's result depends on: its bytes, the
local modules it imports, the child process and its fixed environment, the dependency lock
file, the style file, the Python version and the CPU; not the orchestration code.
"""

from __future__ import annotations

import ast
import fcntl
import hashlib
import json
import os
import platform
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from fnmatch import fnmatch
from functools import cached_property
from pathlib import Path

RUNNER_DIR = Path(__file__).resolve().parent
CHILD = RUNNER_DIR / "child.py"
WORKER = RUNNER_DIR / "worker.py"
# What the warm worker imports once, before it forks a process per snippet.
PRELOAD = ("numpy", "tensorflow", "keras", "matplotlib.pyplot", "scipy.stats",
           "sklearn.datasets", "sklearn.model_selection")
ANSWER_GRACE = 30.0  # seconds past a snippet's timeout before its supervisor counts as lost
SNIPPET_NAME = "[0-9][0-9]_*.py"
DIRECTIVE = "# runner: "  # a line for the runner only, e.g. `# runner: timeout=90`
KEEP_PER_SNIPPET = 3
DEFAULT_TIMEOUT = 60.0
# The fixed environment of every snippet process (part of the cache key).
CHILD_ENV = {
    "PYTHONHASHSEED": "0",
    "PYTHONDONTWRITEBYTECODE": "1",
    "PYTHONUNBUFFERED": "1",
    "MPLBACKEND": "agg",
    "KERAS_BACKEND": "tensorflow",
    "CUDA_VISIBLE_DEVICES": "-1",
    "TF_CPP_MIN_LOG_LEVEL": "3",
    "TF_DETERMINISTIC_OPS": "1",
    "TF_ENABLE_ONEDNN_OPTS": "0",  # oneDNN's results can vary with memory alignment
    "TF_NUM_INTRAOP_THREADS": "1",
    "TF_NUM_INTEROP_THREADS": "1",
    "OMP_NUM_THREADS": "1",
    "OPENBLAS_NUM_THREADS": "1",
    "MKL_NUM_THREADS": "1",
    "NO_PROXY": "*",
    "HTTP_PROXY": "http://127.0.0.1:9",
    "HTTPS_PROXY": "http://127.0.0.1:9",
}
# Appended to the site style: deterministic SVG (part of the cache key).
MPL_RC = "\nbackend: agg\nsvg.hashsalt: keras-regularization\nsvg.fonttype: path\n"


class RunnerError(Exception):
    """One or more snippets failed; the message names each file and line."""


@dataclass
class SnippetResult:
    id: str
    path: str
    status: str  # "ran", "cached" or "failed"
    seconds: float
    key: str
    error: str = ""
    own: float | None = None  # the snippet's own time, without interpreter start and imports
    warm: bool = False  # forked from the warm worker (else started in a fresh interpreter)


@dataclass
class Project:
    root: Path
    snippets_dir: Path | None = None
    output_dir: Path | None = None
    timeout: float = DEFAULT_TIMEOUT
    jobs: int = field(default_factory=lambda: os.cpu_count() or 1)
    lock_file: Path | None = None
    style_file: Path | None = None
    warm: bool = True  # fork each snippet from a worker that imported `preload` once
    preload: tuple[str, ...] = PRELOAD
    isolate: bool = True  # namespaces where the OS allows (False: the fallback everywhere)

    def __post_init__(self):
        self.root = Path(self.root).resolve()
        self.snippets_dir = Path(self.snippets_dir or self.root / "snippets").resolve()
        self.output_dir = Path(self.output_dir or self.root / "build" / "outputs").resolve()
        self.lock_file = Path(self.lock_file or self.root / "requirements.txt")
        self.style_file = Path(self.style_file or self.snippets_dir / "site.mplstyle")
        self._worker: Worker | None = None
        self.worker_facts: dict = {}  # what the last run's worker said about itself
        self.sandbox: dict = {}  # what the last run's sandbox applied

    @classmethod
    def from_env(cls, root: Path | str, output_dir: Path | str | None = None, **options):
        """The project at root, with its outputs in output_dir, else in $SNIPPETS_OUTPUT_DIR
        if that is set, else in the default folder."""
        output_dir = output_dir or os.environ.get("SNIPPETS_OUTPUT_DIR") or None
        options.setdefault("warm", os.environ.get("SNIPPETS_WARM", "1") != "0")
        options.setdefault("isolate", os.environ.get("SNIPPETS_SANDBOX", "1") != "0")
        if "SNIPPETS_PRELOAD" in os.environ:  # comma-separated module names ("": none)
            options.setdefault("preload", tuple(
                name for name in os.environ["SNIPPETS_PRELOAD"].split(",") if name))
        return cls(Path(root), output_dir=output_dir, **options)

    # ---- discovery -------------------------------------------------------------------

    def snippets(self) -> list[Path]:
        return sorted(self.snippets_dir.glob(f"*/{SNIPPET_NAME}"))

    def snippet_id(self, path: Path) -> str:
        return path.relative_to(self.snippets_dir).with_suffix("").as_posix()

    def display_path(self, path: Path) -> str:
        try:
            return path.relative_to(self.root).as_posix()
        except ValueError:
            return str(path)

    def local_imports(self, path: Path, seen: set[Path] | None = None) -> list[Path]:
        """Files of local modules that path imports, transitively (its chapter folder)."""
        seen = set() if seen is None else seen
        try:
            tree = ast.parse(path.read_bytes(), str(path))
        except SyntaxError:
            return []
        names = set()
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                names.update(alias.name.split(".")[0] for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names.add(node.module.split(".")[0])
        found = []
        for name in sorted(names):
            folder = path.parent  # the child process puts the chapter folder on sys.path
            for candidate in (folder / f"{name}.py", folder / name / "__init__.py"):
                if candidate.is_file() and candidate not in seen:
                    seen.add(candidate)
                    found.append(candidate)
                    found.extend(self.local_imports(candidate, seen))
        return found

    def key(self, path: Path) -> str:
        """Hash what determines a snippet's outputs: the snippet and its local imports, the
        child process (child.py, its fixed environment and matplotlib settings), the lock
        and style files, the Python version and the CPU. Not the orchestration code."""
        digest = hashlib.sha256()
        digest.update(sys.version.encode() + machine_signature().encode())
        digest.update(json.dumps([CHILD_ENV, MPL_RC], sort_keys=True).encode())
        for extra in (CHILD, self.lock_file, self.style_file):
            digest.update(extra.read_bytes() if extra.is_file() else b"-")
        for file in [path, *self.local_imports(path)]:
            digest.update(file.name.encode() + b"\0" + file.read_bytes())
        return digest.hexdigest()[:20]

    # ---- environment of a snippet process -----------------------------------------------

    def mpl_config_dir(self) -> Path:
        """A MPLCONFIGDIR whose matplotlibrc is the site style plus deterministic SVG."""
        folder = self.output_dir / ".mplconfig"
        folder.mkdir(parents=True, exist_ok=True)
        style = self.style_file.read_text() if self.style_file.is_file() else ""
        rc = style + MPL_RC
        write_atomic(folder / "matplotlibrc", rc)
        return folder

    def child_env(self) -> dict[str, str]:
        env = {
            key: value
            for key, value in os.environ.items()
            if not key.startswith(("PYTHON", "MPL", "TF_", "KERAS_"))
        }
        keras_home = self.output_dir / ".keras-home"
        keras_home.mkdir(parents=True, exist_ok=True)
        env.update(CHILD_ENV, MPLCONFIGDIR=str(self.mpl_config_dir()), KERAS_HOME=str(keras_home))
        return env

    # ---- running -----------------------------------------------------------------------

    def stale(self) -> list[str]:
        """Snippets whose outputs are missing or were made from other inputs."""
        found = []
        for path in self.snippets():
            link = self.link(self.snippet_id(path))
            if not link.is_symlink() or Path(os.readlink(link)).name != self.key(path):
                found.append(self.display_path(path))
        return found

    def store(self) -> Path:
        return self.output_dir / ".store"

    def scratch(self) -> Path:
        """Run folders (a snippet's cwd, its stdout and stderr files), removed after each run."""
        return self.output_dir / ".scratch"

    def link(self, snippet_id: str) -> Path:
        return self.output_dir / snippet_id

    def run_one(self, path: Path, force: bool = False, env: dict | None = None) -> SnippetResult:
        snippet_id = self.snippet_id(path)
        key = self.key(path)
        stored = self.store() / key
        display = self.display_path(path)
        if not force and (stored / "meta.json").is_file():
            meta = json.loads((stored / "meta.json").read_text())
            point_link(self.link(snippet_id), stored)
            return SnippetResult(snippet_id, display, "cached", meta["seconds"], key,
                                 own=meta.get("own"), warm=meta.get("warm", False))

        self.store().mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(prefix=f".tmp-{path.stem}-", dir=self.store()))
        started = time.perf_counter()
        try:
            error, own, warm = self.execute(path, tmp, env or self.child_env())
            seconds = round(time.perf_counter() - started, 2)
            if error:
                return SnippetResult(snippet_id, display, "failed", seconds, key, error)
            missing = [name for name in ("stdout.txt", "values.json") if not (tmp / name).is_file()]
            if missing:
                error = f"{display}: the snippet process ended without writing {', '.join(missing)}"
                return SnippetResult(snippet_id, display, "failed", seconds, key, error)
            meta = {"id": snippet_id, "path": display, "key": key, "seconds": seconds,
                    "own": own, "warm": warm}
            (tmp / "meta.json").write_text(json.dumps(meta, indent=1))
            self.store_run(tmp, stored)
            point_link(self.link(snippet_id), stored)
            return SnippetResult(snippet_id, display, "ran", seconds, key, own=own, warm=warm)
        finally:
            shutil.rmtree(tmp, ignore_errors=True)

    def store_run(self, tmp: Path, stored: Path):
        """Move a finished run into the store. Another process may have stored the same key
        meanwhile (same key, same inputs): then either copy will do."""
        if stored.exists():  # a forced re-run: move the old copy aside first
            aside = stored.with_name(f".old-{stored.name}-{unique()}")
            try:
                os.rename(stored, aside)
            except OSError:
                pass
            shutil.rmtree(aside, ignore_errors=True)
        try:
            os.rename(tmp, stored)
        except OSError:
            if not (stored / "meta.json").is_file():
                raise

    def execute(self, path: Path, outdir: Path, env: dict[str, str]
                ) -> tuple[str, float | None, bool]:
        """Run the snippet in its own process (forked from the warm worker, or a fresh
        interpreter) in a sandbox; return an error message ("" on success), its own time
        and whether it was forked from the warm worker."""
        display = self.display_path(path)
        timeout = snippet_timeout(path, self.timeout)
        self.scratch().mkdir(parents=True, exist_ok=True)
        run_dir = Path(tempfile.mkdtemp(prefix=f"snippet-cwd-{path.stem}-", dir=self.scratch()))
        (run_dir / "cwd").mkdir()
        request = {
            "snippet": str(path), "outdir": str(outdir), "rundir": str(run_dir),
            "timeout": timeout, "warm": self.warm, "isolate": self.isolate,
            "writable": [str(outdir), str(run_dir), env["MPLCONFIGDIR"], env["KERAS_HOME"]],
            "protect": [str(self.root), str(self.snippets_dir)],
        }
        worker = self._worker or Worker(self, env)  # a worker of its own outside run()
        try:
            status = worker.submit(request, timeout + ANSWER_GRACE)
            stderr = run_dir / "stderr.log"
            stderr = stderr.read_text(errors="replace") if stderr.is_file() else ""
        finally:
            if worker is not self._worker:
                worker.close()
            shutil.rmtree(run_dir, ignore_errors=True)
        if status is None:
            return (f"{display}: its supervisor ended without an answer (the runner's worker "
                    f"stopped, or {timeout + ANSWER_GRACE:g} s passed)"), None, False
        self.sandbox = status["sandbox"]
        if status["timed_out"]:
            return (f"{display}: exceeded its timeout of {timeout:g} s and was stopped, "
                    "with every process it started"), None, False
        error_file = outdir / "error.json"
        if error_file.is_file():
            error = json.loads(error_file.read_text())
            where = f"{display}:{error['line']}" if error["line"] else display
            tail = "\n".join("    " + line for line in error["traceback"].rstrip().splitlines())
            return f"{where}: {error['type']}: {error['message']}\n{tail}", None, False
        if status["returncode"] != 0:
            last = "\n".join(stderr.strip().splitlines()[-8:])
            return (f"{display}: the snippet process exited with code "
                    f"{status['returncode']}\n{last}"), None, False
        return "", status["own"], status["warm"]

    def sweep(self):
        """Remove what killed runs left behind: unfinished runs and run folders."""
        for leftover in [*self.store().glob(".tmp-*"), *self.scratch().glob("*")]:
            if leftover.is_dir() and not leftover.is_symlink():
                shutil.rmtree(leftover, ignore_errors=True)
            else:
                leftover.unlink(missing_ok=True)

    @contextmanager
    def locked(self):
        """One build at a time per output folder (`mkdocs serve` and `make test` may share
        one): wait for the other build's lock (fcntl, released by the kernel if it dies)."""
        self.output_dir.mkdir(parents=True, exist_ok=True)
        with open(self.output_dir / ".lock", "a") as handle:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                print(f"runner: waiting for another build that uses {self.output_dir}",
                      file=sys.stderr, flush=True)
                fcntl.flock(handle, fcntl.LOCK_EX)
            yield

    @contextmanager
    def stopping_on_signals(self, worker: Worker | None):
        """SIGINT, SIGTERM or SIGHUP to the runner end every running snippet at once, then
        take their usual course (Ctrl-C raises KeyboardInterrupt)."""
        if worker is None or threading.current_thread() is not threading.main_thread():
            yield
            return
        previous = {}

        def handler(signum, frame):
            worker.kill()
            signal.signal(signum, previous[signum])
            if callable(previous[signum]):
                previous[signum](signum, frame)
            else:
                os.kill(os.getpid(), signum)

        for signum in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
            if signal.getsignal(signum) is not signal.SIG_IGN:
                previous[signum] = signal.signal(signum, handler)
        try:
            yield
        finally:
            for signum, old in previous.items():
                signal.signal(signum, old)

    def run(self, only: list[str] | None = None, force: bool = False) -> list[SnippetResult]:
        """Run (or take from the cache) every snippet; raise RunnerError if any failed."""
        snippets = self.snippets()
        if not snippets:
            raise RunnerError(f"no snippets found in {self.snippets_dir} (files named NN_*.py "
                              "inside a chapter folder)")
        if only:
            known = {self.snippet_id(p) for p in snippets} | {str(p) for p in snippets}
            unknown = [name for name in only if name not in known]
            if unknown:
                raise RunnerError(f"unknown snippet(s): {', '.join(unknown)}")
            snippets = [p for p in snippets if self.snippet_id(p) in only or str(p) in only]
        workers = max(1, min(self.jobs, len(snippets)))
        with self.locked():
            self.sweep()
            env = self.child_env()
            to_run = force or any(not (self.store() / self.key(p) / "meta.json").is_file()
                                  for p in snippets)
            # started from this thread: its parent-death signal follows this thread's life
            self._worker = Worker(self, env) if to_run else None
            try:
                with (self.stopping_on_signals(self._worker),
                      ThreadPoolExecutor(max_workers=workers) as pool):
                    results = list(pool.map(lambda p: self.run_one(p, force, env), snippets))
            finally:
                if self._worker is not None:
                    self.worker_facts = self._worker.facts
                    self._worker.close()
                    facts = {**self.worker_facts, "sandbox": self.sandbox}
                    write_atomic(self.output_dir / "worker.json", json.dumps(facts, indent=1))
                self._worker = None
            if not only:
                self.prune({self.snippet_id(p) for p in snippets})
            self.record(results, partial=bool(only))
        if self.sandbox.get("why"):
            print(f"runner: sandbox: {self.sandbox['why']}; snippets ran with: "
                  f"processes: {self.sandbox['processes']}; network: {self.sandbox['network']}; "
                  f"files: {self.sandbox['files']}", file=sys.stderr, flush=True)
        failed = [r for r in results if r.status == "failed"]
        if failed:
            listing = "\n".join(r.error for r in failed)
            raise RunnerError(
                f"{len(failed)} of {len(results)} snippet(s) failed; "
                f"their last good outputs were kept:\n{listing}"
            )
        return results

    def record(self, results: list[SnippetResult], partial: bool):
        """Write runs.json; a partial run updates only its own entries."""
        runs_file = self.output_dir / "runs.json"
        entries = {}
        if partial and runs_file.is_file():
            entries = {entry["id"]: entry for entry in json.loads(runs_file.read_text())}
        entries.update({r.id: asdict(r) for r in results})
        live = {self.snippet_id(p) for p in self.snippets()}
        ordered = [entries[key] for key in sorted(entries) if key in live]
        write_atomic(runs_file, json.dumps(ordered, indent=1))

    def prune(self, live_ids: set[str]):
        """Drop links of deleted snippets and all but a few unused runs per snippet."""
        if not self.output_dir.is_dir():
            return
        for link in self.output_dir.glob("*/*"):
            if link.is_symlink() and link.relative_to(self.output_dir).as_posix() not in live_ids:
                link.unlink()
        in_use = {link.resolve() for link in self.output_dir.glob("*/*") if link.is_symlink()}
        by_id: dict[str, list[tuple[float, Path]]] = {}
        for meta in self.store().glob("*/meta.json"):
            run_dir = meta.parent
            if run_dir.resolve() in in_use:
                continue
            snippet_id = json.loads(meta.read_text()).get("id", "")
            by_id.setdefault(snippet_id, []).append((meta.stat().st_mtime, run_dir))
        for snippet_id, runs in by_id.items():
            keep = KEEP_PER_SNIPPET if snippet_id in live_ids else 0
            for _, run_dir in sorted(runs, reverse=True)[keep:]:
                shutil.rmtree(run_dir, ignore_errors=True)
        for leftover in self.store().glob(".tmp-*"):  # from runs killed long ago
            if time.time() - leftover.stat().st_mtime > 3600:
                shutil.rmtree(leftover, ignore_errors=True)


    # ---- reading outputs (the only readers of the layout above) -------------------------

    def outputs(self, snippet_id: str) -> Outputs:
        """The last good run of one snippet (its fields are empty if it has none); all its
        fields come from one run, even if another run replaces it meanwhile."""
        return Outputs(snippet_id, self.link(snippet_id).resolve())

    def worker(self) -> dict:
        """What the worker of the last build that ran something said: the modules it
        imported, in how many seconds, whether it forked, and the sandbox (worker.json)."""
        file = self.output_dir / "worker.json"
        return json.loads(file.read_text()) if file.is_file() else {}

    def runs(self) -> list[dict]:
        """What the last run did, snippet by snippet (runs.json)."""
        runs_file = self.output_dir / "runs.json"
        return json.loads(runs_file.read_text()) if runs_file.is_file() else []

    def published(self) -> dict[str, Path | str]:
        """What the site serves besides the pages, by URL path: each snippet's figures
        (a file) and each file of snippets/ (its text as a reader sees it)."""
        found: dict[str, Path | str] = {}
        for path in self.snippets():
            for name, svg in self.outputs(self.snippet_id(path)).figures.items():
                found[f"figures/{self.snippet_id(path)}/{name}.svg"] = svg
        for source in sorted(self.snippets_dir.glob("*/*.py")):  # snippets and helper modules
            uri = f"snippets/{source.relative_to(self.snippets_dir).as_posix()}"
            found[uri] = reader_text(source)
        return found


class Worker:
    """The worker process of one build (runner/worker.py) and the requests in flight.
    Thread-safe: each thread submits one snippet and waits for its answer."""

    def __init__(self, project: Project, env: dict[str, str]):
        project.scratch().mkdir(parents=True, exist_ok=True)
        self.log = Path(tempfile.mkstemp(prefix="worker-", suffix=".log", dir=project.scratch())[1])
        modules = project.preload if project.warm else ()
        with open(self.log, "wb") as log:
            self.process = subprocess.Popen(
                [sys.executable, str(WORKER), str(os.getpid()), *modules],
                cwd=project.scratch(), env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                stderr=log, start_new_session=True,  # a terminal's Ctrl-C is the runner's
            )
        first = self.process.stdout.readline()
        if not first:
            self.process.wait()
            tail = "\n".join(self.log.read_text(errors="replace").strip().splitlines()[-8:])
            raise RunnerError(f"the snippet worker ({WORKER.name}, importing "
                              f"{', '.join(modules) or 'nothing'}) did not start:\n{tail}")
        self.facts = json.loads(first)
        if project.warm and not self.facts["warm"]:
            print(f"runner: {self.facts['why']}", file=sys.stderr, flush=True)
        self.lock = threading.Lock()
        self.waiting: dict[int, tuple[threading.Event, dict]] = {}
        self.count = 0
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def submit(self, request: dict, timeout: float) -> dict | None:
        """Run one snippet; its supervisor's status, or None if none came in time."""
        event, answer = threading.Event(), {}
        with self.lock:
            self.count += 1
            self.waiting[self.count] = (event, answer)
            try:
                self.process.stdin.write(json.dumps({**request, "id": self.count}).encode()
                                         + b"\n")
                self.process.stdin.flush()
            except (BrokenPipeError, ValueError):
                self.waiting.pop(self.count)
                return None
        event.wait(timeout)
        return answer.get("status")

    def _read(self):
        for line in self.process.stdout:
            message = json.loads(line)
            with self.lock:
                event, answer = self.waiting.pop(message["id"], (threading.Event(), {}))
            answer["status"] = message["status"]
            event.set()
        with self.lock:  # the worker ended: nobody gets an answer any more
            for event, _ in self.waiting.values():
                event.set()
            self.waiting.clear()

    def kill(self):
        """End every running snippet now (the worker ends each supervisor, which ends its
        snippet and everything the snippet started), then the worker."""
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.reader.join(timeout=5)

    def close(self):
        """No more requests: the worker ends once idle (it is idle when all answered)."""
        try:
            self.process.stdin.close()
        except OSError:
            pass
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.kill()
        self.reader.join(timeout=5)
        self.process.stdout.close()
        self.log.unlink(missing_ok=True)


class Outputs:
    """Read access to one snippet's last good run: values, printed text, figures, facts."""

    def __init__(self, snippet_id: str, folder: Path):
        self.id, self._folder = snippet_id, folder

    def __repr__(self):
        return f"Outputs({self.id!r})"

    def _json(self, name: str):
        file = self._folder / name
        return json.loads(file.read_text()) if file.is_file() else None

    @property
    def exists(self) -> bool:
        return self.meta is not None

    @cached_property
    def meta(self) -> dict | None:
        """Facts about the run: seconds, key, path."""
        return self._json("meta.json")

    @cached_property
    def values(self) -> dict | None:
        return self._json("values.json")

    def text(self, name: str = "stdout") -> str | None:
        """What the snippet printed (`stdout`), or what one marked section printed."""
        file = self._folder / f"{name}.txt"
        return file.read_text(encoding="utf-8") if file.is_file() else None

    @property
    def texts(self) -> list[str]:
        return sorted(file.stem for file in self._folder.glob("*.txt"))

    @cached_property
    def figures(self) -> dict[str, Path]:
        """SVG files by figure name, in the order the snippet made them."""
        return {name: self._folder / f"{name}.svg" for name in self._json("figures.json") or []}


def reader_text(path: Path) -> str:
    """A snippet file as readers see and download it: without runner directives."""
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    return "".join(line for line in lines if not line.startswith(DIRECTIVE))


def is_snippet(path: Path | str) -> bool:
    """Files named NN_*.py are snippets; other .py files in a chapter folder are helpers."""
    return fnmatch(Path(path).name, SNIPPET_NAME)


def machine_signature() -> str:
    """Architecture and CPU model and features: float results can differ between CPUs."""
    cpu = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith(("model name", "flags", "Features")):
                cpu += line.split(":", 1)[1].strip() + ";"
                if line.startswith(("flags", "Features")):
                    break
    except OSError:
        pass
    return f"{platform.machine()}|{hashlib.sha256(cpu.encode()).hexdigest()[:12]}"


def snippet_timeout(path: Path, default: float) -> float:
    """A snippet may raise its own limit with a line `# runner: timeout=SECONDS`."""
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith(f"{DIRECTIVE}timeout="):
            return float(line.split("=", 1)[1])
    return default


def point_link(link: Path, target: Path):
    """Atomically make link a relative symlink to target."""
    link.parent.mkdir(parents=True, exist_ok=True)
    relative = os.path.relpath(target, link.parent)
    if link.is_symlink() and os.readlink(link) == relative:
        return
    if link.exists() and not link.is_symlink():
        shutil.rmtree(link)
    tmp = link.with_name(f".{link.name}.{unique()}.link")
    if tmp.is_symlink():
        tmp.unlink()
    os.symlink(relative, tmp)
    os.replace(tmp, link)


def unique() -> str:
    """A name part no other process or thread uses at the same time."""
    return f"{os.getpid()}-{threading.get_ident()}"


def write_atomic(path: Path, text: str) -> bool:
    """Replace path's text in one step (readers see the old or the new file, never a part);
    return False, writing nothing, if it already holds that text."""
    if path.is_file() and path.read_text(encoding="utf-8") == text:
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{unique()}.tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)
    return True


def run(root: Path | str = ".", **options) -> list[SnippetResult]:
    """Run every snippet of the project at root (see Project for the options)."""
    only = options.pop("only", None)
    force = options.pop("force", False)
    return Project(Path(root), **options).run(only=only, force=force)

