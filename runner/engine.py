"""Discover snippets, decide what must re-run, run it in parallel and store the outputs.

Layout of the output folder (gitignored, default `build/outputs/`):

    .store/<key>/                     one finished run: stdout.txt, <section>.txt,
                                      values.json, figures.json, <figure>.svg, meta.json
    <chapter>/<nn>_<topic>  ->  ../.store/<key>     a symlink, replaced atomically: the run
                                      on the snippet's first backend, which pages show
    .backends/<backend>/<chapter>/<nn>_<topic>      the same, one per backend it runs on
    runs.json                         what the last build did, for the "Execution times" page
    worker.json                       what the last build's worker imported and the sandbox
    .scratch/                         run folders of running snippets (cwd, stdout, stderr)
    .lock                             held (fcntl) by the build using this folder

Only this module knows that layout: everything else reads a run through `Project.outputs()`
(an `Outputs`; `backend=` for another backend's), `Project.backends_of()`,
`Project.published()`, `Project.runs()` and `Project.worker()`.

Backends: a snippet runs once per Keras backend it supports (`# runner: backends=tensorflow`
in its file; by default every backend of the build, which `from_env` takes to be every
installed one of BACKENDS), each run in its own process with KERAS_BACKEND set, keyed and
stored on its own. Each backend has its own warm worker, which imports its backend's module
first and Keras on it; it imports TensorFlow too where it is installed, because
`keras.utils.set_random_seed` imports it on every backend (3-4 s a snippet otherwise).
The JAX runs of a build share a compilation cache (JAX_CACHE), emptied when a build starts.

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
local modules it imports, the data files it declares (`# runner: data=FILE`), the child
process and its fixed environment, the dependency lock file, the style file, the Python
version and the CPU; not the orchestration code.

The store is content-addressed and verified:
- the child executes the very bytes that were hashed (a copy, not the file read again);
- it records the local modules the run actually imported (`pkg.sub` included); the key of
  the run is made from their hashes, and `.store/.deps/<prekey>.json` remembers which
  modules a snippet with those bytes imported, so the next lookup hashes the same files;
- `meta.json` holds the SHA-256 of every stored file; every cache hit checks them, and a
  damaged entry is re-run with a message naming the snippet;
- an entry is replaced by exchanging it atomically with its successor (renameat2), so the
  key never points at nothing.
"""

from __future__ import annotations

import ast
import ctypes
import errno
import fcntl
import hashlib
import json
import logging
import os
import platform
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from fnmatch import fnmatch
from functools import cached_property
from pathlib import Path

RUNNER_DIR = Path(__file__).resolve().parent
CHILD = RUNNER_DIR / "child.py"
WORKER = RUNNER_DIR / "worker.py"
# What the warm worker imports once, before it forks a process per snippet. A backend's
# worker imports its own module first (JAX: "jax", then TensorFlow, then Keras on JAX).
PRELOAD = ("numpy", "tensorflow", "keras", "matplotlib.pyplot", "scipy.stats",
           "sklearn.datasets", "sklearn.model_selection")
# The Keras backends the runner runs snippets on, in order: the first installed one is the
# primary, whose outputs the pages show. A snippet runs on every installed one unless it
# says otherwise (`# runner: backends=tensorflow`). Keras' "numpy" and "openvino" backends
# cannot train, so they are not among them.
BACKENDS = ("tensorflow", "jax", "torch")
BACKEND_MODULE = {"tensorflow": "tensorflow", "jax": "jax", "torch": "torch"}
BACKEND_NAME = {"tensorflow": "TensorFlow", "jax": "JAX", "torch": "PyTorch"}
# What a backend's snippets get on top of CHILD_ENV (part of their cache key): JAX on the
# CPU, one XLA thread, as TensorFlow has one thread.
BACKEND_ENV = {
    "jax": {"JAX_PLATFORMS": "cpu",
            "XLA_FLAGS": "--xla_cpu_multi_thread_eigen=false intra_op_parallelism_threads=1"},
    # PyTorch takes its intra-op thread count from OMP_NUM_THREADS (1 in CHILD_ENV): its
    # worker is left with one thread after `import torch, keras`, so it may fork. Said again
    # here so that the torch key does not depend on CHILD_ENV keeping it.
    "torch": {"OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"},
}
# JAX compiles each computation with XLA in every snippet process (a small fit compiles
# dozens); the JAX runs of one build share a persistent compilation cache, so a computation
# that several snippets run (the same model on data of the same shape) is compiled once.
# Not part of the key: a cached executable computes what a fresh compilation does (the
# outputs are the same bytes with it, without it, warm or fresh). It lives in the scratch
# folder, which every build empties at start, so a cold build compiles everything.
# SNIPPETS_JAX_CACHE=0 switches it off.
JAX_CACHE = "jax-cache"
JAX_CACHE_ENV = {
    "JAX_PERSISTENT_CACHE_MIN_COMPILE_TIME_SECS": "0",  # every computation, however quick
    "JAX_PERSISTENT_CACHE_MIN_ENTRY_SIZE_BYTES": "0",
    # a size limit makes JAX lock the folder around each read and write (two snippets at
    # once would otherwise read an entry the other is still writing)
    "JAX_COMPILATION_CACHE_MAX_SIZE": str(4 << 30),
}
# A backend pinned outside the lock file (PyTorch's CPU build comes from its own index):
# that file is part of the backend's cache key, and of no other backend's.
BACKEND_LOCK = {"torch": "requirements-torch.txt"}
ANSWER_GRACE = 30.0  # seconds past a snippet's timeout before its supervisor counts as lost
SNIPPET_NAME = "[0-9][0-9]_*.py"
NAMING_RULE = ("snippets are named NN_topic.py (two digits, an underscore) inside a chapter "
               "folder; other .py files there are helper modules, whose names cannot start "
               "with a digit")
NEWLINE = b"\n"
MAX_OUTPUT_BYTES = 4_000_000  # all the files of one run (the child caps printing at 1 MB)
SHARED = "_shared"  # snippets/_shared/: helper modules any chapter's snippets may import
DIRECTIVE = "# runner: "  # a line for the runner only, e.g. `# runner: timeout=90`
KEEP_PER_SNIPPET = 3  # runs kept per snippet and backend
BY_BACKEND = ".backends"  # <output folder>/.backends/<backend>/<chapter>/<nn>_<topic> links
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
# Appended to the site style: deterministic SVG with text as text (part of the cache key).
MPL_RC = "\nbackend: agg\nsvg.hashsalt: keras-regularization\nsvg.fonttype: none\n"


class RunnerError(Exception):
    """One or more snippets failed; the message names each file and line."""


log = logging.getLogger("runner")


def describe(error: BaseException) -> str:
    """An exception as a cause a reader can act on."""
    if isinstance(error, UnicodeDecodeError):
        return f"not valid UTF-8 (byte 0x{error.object[error.start]:02x}): save it as UTF-8"
    if isinstance(error, OSError) and error.filename:
        return f"cannot access {error.filename}: {error.strerror or error}"
    return f"{type(error).__name__}: {error}"


@dataclass
class SnippetResult:
    id: str
    path: str
    status: str  # "ran", "cached" or "failed"
    seconds: float
    key: str
    error: str = ""
    note: str = ""  # e.g. why a stored entry was not trusted
    own: float | None = None  # the snippet's own time, without interpreter start and imports
    warm: bool = False  # forked from the warm worker (else started in a fresh interpreter)
    backend: str = BACKENDS[0]  # the Keras backend it ran on (KERAS_BACKEND)


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
    # The Keras backends this build runs, the primary first (from_env: every installed one)
    backends: tuple[str, ...] = BACKENDS[:1]
    jax_cache: bool = True  # the JAX runs of a build share a compilation cache (JAX_CACHE)

    def __post_init__(self):
        self.root = Path(self.root).resolve()
        self.snippets_dir = Path(self.snippets_dir or self.root / "snippets").resolve()
        self.output_dir = Path(self.output_dir or self.root / "build" / "outputs").resolve()
        self.lock_file = Path(self.lock_file or self.root / "requirements.txt")
        self.style_file = Path(self.style_file or self.snippets_dir / "site.mplstyle")
        self._workers: dict[str, Worker] = {}  # one per backend, during run()
        self._jax_cache: Path | None = None  # the build's JAX compilation cache, during run()
        unknown = [name for name in self.backends if name not in BACKENDS]
        if unknown or not self.backends:
            raise RunnerError(f"unknown Keras backend(s) {', '.join(unknown) or '(none)'} "
                              f"for this build (the runner runs: {', '.join(BACKENDS)})")
        self.worker_facts: dict = {}  # what the last run's worker said about itself
        self.sandbox: dict = {}  # what the last run's sandbox applied

    @classmethod
    def from_env(cls, root: Path | str, output_dir: Path | str | None = None, **options):
        """The project at root, with its outputs in output_dir, else in $SNIPPETS_OUTPUT_DIR
        if that is set, else in the default folder."""
        output_dir = output_dir or os.environ.get("SNIPPETS_OUTPUT_DIR") or None
        options.setdefault("warm", os.environ.get("SNIPPETS_WARM", "1") != "0")
        options.setdefault("isolate", os.environ.get("SNIPPETS_SANDBOX", "1") != "0")
        options.setdefault("jax_cache", os.environ.get("SNIPPETS_JAX_CACHE", "1") != "0")
        if os.environ.get("SNIPPETS_BACKENDS"):  # comma-separated, the primary first
            options.setdefault("backends", tuple(
                name.strip() for name in os.environ["SNIPPETS_BACKENDS"].split(",")
                if name.strip()))
        options.setdefault("backends", installed_backends())
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
        """Files of local modules that path imports, transitively, found by reading the code
        in its chapter folder, then the shared folder (`pkg.sub` gives pkg/__init__.py and
        pkg/sub.py). Only a first guess: the key of a run uses the modules the child recorded
        it imported."""
        seen = set() if seen is None else seen
        try:
            tree = ast.parse(path.read_bytes(), str(path))
        except (SyntaxError, ValueError):
            return []
        names = set()
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                names.update(alias.name for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names.add(node.module)
                names.update(f"{node.module}.{alias.name}" for alias in node.names)
        found = []
        for name in sorted(names):
            parts = name.split(".")
            # the child process has the chapter folder, then the shared one, on sys.path
            for folder in (path.parent, self.snippets_dir / SHARED):
                if not (folder / f"{parts[0]}.py").is_file() and not (
                        folder / parts[0] / "__init__.py").is_file():
                    continue
                for depth in range(1, len(parts) + 1):
                    base = folder.joinpath(*parts[:depth])
                    for candidate in (base.with_suffix(".py"), base / "__init__.py"):
                        if candidate.is_file() and candidate not in seen:
                            seen.add(candidate)
                            found.append(candidate)
                            found.extend(self.local_imports(candidate, seen))
                break
        return found

    def data_files(self, path: Path, source: bytes) -> list[Path]:
        """Files a snippet declares it reads: lines `# runner: data=FILE` (relative to it)."""
        found = []
        for line in source.decode("utf-8").splitlines():
            if line.startswith(f"{DIRECTIVE}data="):
                file = (path.parent / line.split("=", 1)[1].strip()).resolve()
                if not file.is_file():
                    raise RunnerError(f"declared data file {line.split('=', 1)[1].strip()} "
                                      "does not exist")
                found.append(file)
        return found

    def declared_backends(self, path: Path, source: bytes | None = None) -> list[str] | None:
        """The names of a snippet's `# runner: backends=` line, unchecked (None: no line)."""
        source = path.read_bytes() if source is None else source
        declared = None
        for line in source.decode("utf-8").splitlines():
            if line.startswith(f"{DIRECTIVE}backends="):
                value = line.split("=", 1)[1].split("#", 1)[0]  # `# why` may follow
                declared = [name.strip() for name in value.split(",") if name.strip()]
        return declared

    def backends_reason(self, path: Path, source: bytes | None = None) -> str:
        """The `# why` after a snippet's `# runner: backends=` line ("" without one)."""
        source = path.read_bytes() if source is None else source
        reason = ""
        for line in source.decode("utf-8").splitlines():
            if line.startswith(f"{DIRECTIVE}backends="):
                rest = line.split("=", 1)[1]
                reason = rest.split("#", 1)[1].strip() if "#" in rest else ""
        return reason

    def snippet_backends(self, path: Path, source: bytes | None = None) -> list[str]:
        """The backends a snippet runs on, the one the pages show first: those of a line
        `# runner: backends=tensorflow,jax`, else every backend of this build. RunnerError
        naming the snippet for an unknown backend, or one this build does not run."""
        declared = self.declared_backends(path, source)
        if declared is None:
            return list(self.backends)
        display = self.display_path(path)
        unknown = [name for name in declared if name not in BACKENDS]
        if unknown or not declared:
            raise RunnerError(
                f"{display}: declares unknown Keras backend(s) {', '.join(unknown) or '(none)'}"
                f" in its `{DIRECTIVE}backends=` line (the runner runs: {', '.join(BACKENDS)})")
        absent = [name for name in declared if name not in self.backends]
        if absent:
            why = {name: "is not installed in this environment" if name not in
                   installed_backends() else "is not among this build's backends "
                   f"({', '.join(self.backends)}; SNIPPETS_BACKENDS chooses them)"
                   for name in absent}
            raise RunnerError(f"{display}: declares Keras backend "
                              + "; ".join(f"{name}, which {why[name]}" for name in absent)
                              + ": its stored outputs were kept")
        return [name for name in self.backends if name in declared]

    def fixed_env(self, backend: str) -> dict[str, str]:
        """The fixed environment of a snippet process on one backend (part of its key)."""
        return {**CHILD_ENV, "KERAS_BACKEND": backend, **BACKEND_ENV.get(backend, {})}

    def prekey(self, path: Path, source: bytes, backend: str | None = None) -> str:
        """Hash of everything but the local modules: the snippet's bytes and data files, the
        child process (child.py, its fixed environment, the backend included, and matplotlib
        settings), the lock and style files, the Python version and the CPU. Not the
        orchestration code."""
        digest = hashlib.sha256()
        digest.update(sys.version.encode() + machine_signature().encode())
        env = self.fixed_env(backend or self.backends[0])
        digest.update(json.dumps([env, MPL_RC], sort_keys=True).encode())
        backend_lock = BACKEND_LOCK.get(backend or self.backends[0])
        extras = [CHILD, self.lock_file, self.style_file]
        extras += [self.lock_file.parent / backend_lock] if backend_lock else []
        for extra in extras:
            digest.update(extra.read_bytes() if extra.is_file() else b"-")
        digest.update(self.snippet_id(path).encode() + b"\0" + source)
        for file in self.data_files(path, source):
            digest.update(b"\0data\0" + file.name.encode() + b"\0" + file.read_bytes())
        return digest.hexdigest()[:20]

    def deps_file(self, prekey: str) -> Path:
        return self.store() / ".deps" / f"{prekey}.json"

    def dependencies(self, path: Path, prekey: str) -> dict[str, str]:
        """{file relative to snippets/: sha256 now} of the local modules the last run of
        these bytes imported (or, before any run, those its code names)."""
        try:
            names = json.loads(self.deps_file(prekey).read_text())
        except (OSError, ValueError):
            names = [f.relative_to(self.snippets_dir).as_posix() for f in self.local_imports(path)]
        return {name: file_hash(self.snippets_dir / name) for name in sorted(names)}

    @staticmethod
    def full_key(prekey: str, deps: dict[str, str]) -> str:
        return hashlib.sha256(json.dumps([prekey, sorted(deps.items())]).encode()).hexdigest()[:20]

    def key(self, path: Path, source: bytes | None = None, backend: str | None = None) -> str:
        """The key under which a run of path with today's files on a backend (default: the
        primary) is (or would be) stored."""
        source = path.read_bytes() if source is None else source
        prekey = self.prekey(path, source, backend)
        return self.full_key(prekey, self.dependencies(path, prekey))

    # ---- environment of a snippet process -----------------------------------------------

    def mpl_config_dir(self) -> Path:
        """A MPLCONFIGDIR whose matplotlibrc is the site style plus deterministic SVG."""
        folder = self.output_dir / ".mplconfig"
        folder.mkdir(parents=True, exist_ok=True)
        style = self.style_file.read_text() if self.style_file.is_file() else ""
        rc = style + MPL_RC
        write_atomic(folder / "matplotlibrc", rc)
        return folder

    def child_env(self, backend: str | None = None) -> dict[str, str]:
        env = {
            key: value
            for key, value in os.environ.items()
            if not key.startswith(("PYTHON", "MPL", "TF_", "KERAS_"))
        }
        keras_home = self.output_dir / ".keras-home"
        keras_home.mkdir(parents=True, exist_ok=True)
        env.update(self.fixed_env(backend or self.backends[0]),
                   MPLCONFIGDIR=str(self.mpl_config_dir()), KERAS_HOME=str(keras_home),
                   PYTHONPATH=str(self.snippets_dir / SHARED))  # after the chapter folder
        env.pop("JAX_COMPILATION_CACHE_DIR", None)
        # during a build (run() made the folder); not in fixed_env: not part of the key
        if (backend or self.backends[0]) == "jax" and self._jax_cache:
            env.update(JAX_CACHE_ENV, JAX_COMPILATION_CACHE_DIR=str(self._jax_cache))
        return env

    # ---- running -----------------------------------------------------------------------

    def stale(self) -> list[str]:
        """Snippets whose outputs are missing, damaged or were made from other inputs."""
        found = []
        for path in self.snippets():
            snippet_id = self.snippet_id(path)
            try:
                backends = self.snippet_backends(path)
                wanted = [(self.link(snippet_id, name), self.key(path, backend=name))
                          for name in backends]
            except (OSError, ValueError, RunnerError):
                found.append(self.display_path(path))
                continue
            wanted.append((self.link(snippet_id), wanted[0][1]))  # the primary's, shown
            if any(not link.is_symlink() or Path(os.readlink(link)).name != key
                   or not link.resolve().is_dir() or self.verify(self.store() / key)
                   for link, key in wanted):
                found.append(self.display_path(path))
        return found

    def store(self) -> Path:
        return self.output_dir / ".store"

    def scratch(self) -> Path:
        """Run folders (a snippet's cwd, its stdout and stderr files), removed after each run."""
        return self.output_dir / ".scratch"

    def link(self, snippet_id: str, backend: str | None = None) -> Path:
        """The link to a snippet's last good run: on the backend the pages show (no backend
        given), or on one backend."""
        if backend is None:
            return self.output_dir / snippet_id
        return self.output_dir / BY_BACKEND / backend / snippet_id

    def verify(self, stored: Path) -> str:
        """Why a stored run cannot be trusted ("" if it can): every file listed in its
        meta.json, with that hash, and nothing else."""
        try:
            meta = json.loads((stored / "meta.json").read_text(encoding="utf-8"))
            files = meta["files"]
        except FileNotFoundError:
            return "its meta.json is missing"
        except (OSError, ValueError, KeyError, TypeError) as error:
            return f"its meta.json is unreadable ({type(error).__name__})"
        if meta.get("key") != stored.name:
            return f"its meta.json names key {meta.get('key')!r}"
        present = {p.name for p in stored.iterdir()} - {"meta.json"}
        if present != set(files):
            extra, missing = sorted(present - set(files)), sorted(set(files) - present)
            return f"files added {extra} or missing {missing}"
        for name, digest in files.items():
            file = stored / name
            if file.is_symlink() or not file.is_file():
                return f"{name} is not a regular file"
            if file_hash(file) != digest:
                return f"{name} does not match its hash"
        return ""

    def run_one(self, path: Path, force: bool = False, env: dict | None = None,
                backend: str | None = None) -> SnippetResult:
        """Run (or take from the cache) one snippet on one backend (default: its first)."""
        snippet_id, display = self.snippet_id(path), self.display_path(path)
        try:
            backends = self.snippet_backends(path)
            backend = backend or backends[0]
            if backend not in backends:
                raise RunnerError(f"{display} does not run on backend {backend} "
                                  f"(it runs on: {', '.join(backends)})")
            return self._run_one(path, snippet_id, display, force, env, backend,
                                 backend == backends[0])
        except Exception as error:  # noqa: BLE001 - every failure names its snippet
            message = error.args[0] if isinstance(error, RunnerError) else describe(error)
            message = message.removeprefix(f"{display}: ")
            line = ""
            if isinstance(error, UnicodeDecodeError):
                line = f":{error.object[: error.start].count(NEWLINE) + 1}"
            return SnippetResult(snippet_id, display, "failed", 0.0, "",
                                 f"{display}{line}: {message}", backend=backend or "")

    def _run_one(self, path, snippet_id, display, force, env, backend,
                 primary) -> SnippetResult:
        source = path.read_bytes()  # the exact bytes that are hashed and run
        source.decode("utf-8")
        prekey = self.prekey(path, source, backend)
        key = self.full_key(prekey, self.dependencies(path, prekey))
        stored = self.store() / key
        links = [self.link(snippet_id, backend)] + ([self.link(snippet_id)] if primary else [])
        if len(self.backends) > 1 or backend != self.backends[0]:
            display = f"[{backend}] {display}"  # messages name the backend too
        note = ""
        if not force and stored.exists():
            note = self.verify(stored)
            if not note:
                meta = json.loads((stored / "meta.json").read_text())
                for link in links:
                    if link.exists() and not link.is_symlink():
                        note = f"{display}: its output link was a regular file; linked again"
                        log.warning(note)
                    point_link(link, stored)
                return SnippetResult(snippet_id, self.display_path(path), "cached",
                                     meta["seconds"], key, note=note, own=meta.get("own"),
                                     warm=meta.get("warm", False), backend=backend)
            note = f"{display}: stored outputs {key} are damaged ({note}); running it again"
            log.warning(note)

        self.store().mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(prefix=f".tmp-{path.stem}-", dir=self.store()))
        started = time.perf_counter()
        try:
            source_copy = tmp / ".source.py"
            source_copy.write_bytes(source)
            error, own, warm = self.execute(path, tmp, env or self.child_env(backend),
                                            source_copy, backend)
            source_copy.unlink(missing_ok=True)
            seconds = round(time.perf_counter() - started, 2)
            if error:
                return SnippetResult(snippet_id, self.display_path(path), "failed", seconds,
                                     key, error, note, backend=backend)
            missing = [name for name in ("stdout.txt", "values.json", "imports.json",
                                         "versions.json")
                       if not (tmp / name).is_file()]
            if missing:
                error = f"{display}: the snippet process ended without writing {', '.join(missing)}"
                return SnippetResult(snippet_id, self.display_path(path), "failed", seconds,
                                     key, error, note, backend=backend)
            deps = json.loads((tmp / "imports.json").read_text())
            (tmp / "imports.json").unlink()
            versions = json.loads((tmp / "versions.json").read_text())
            (tmp / "versions.json").unlink()
            size = sum(f.stat().st_size for f in tmp.iterdir())
            if size > MAX_OUTPUT_BYTES:
                error = (f"{display}: its outputs take {size:,} bytes, more than the "
                         f"{MAX_OUTPUT_BYTES:,} allowed per snippet (fewer or smaller figures)")
                return SnippetResult(snippet_id, self.display_path(path), "failed", seconds,
                                     key, error, note, backend=backend)
            if self.prekey(path, source, backend) != prekey:
                error = f"{display}: its data files changed while it ran; run it again"
                return SnippetResult(snippet_id, self.display_path(path), "failed", seconds,
                                     key, error, note, backend=backend)
            key = self.full_key(prekey, deps)  # the modules this run actually imported
            stored = self.store() / key
            files = {f.name: file_hash(f) for f in sorted(tmp.iterdir())}
            meta = {"id": snippet_id, "path": self.display_path(path), "key": key,
                    "seconds": seconds, "own": own, "warm": warm, "backend": backend,
                    "versions": versions, "deps": deps, "files": files}
            (tmp / "meta.json").write_text(json.dumps(meta, indent=1))
            write_atomic(self.deps_file(prekey), json.dumps(sorted(deps)))
            self.store_run(tmp, stored, replace=force or bool(note))
            for link in links:
                point_link(link, stored)
            return SnippetResult(snippet_id, self.display_path(path), "ran", seconds, key,
                                 note=note, own=own, warm=warm, backend=backend)
        finally:
            shutil.rmtree(tmp, ignore_errors=True)

    def store_run(self, tmp: Path, stored: Path, replace: bool = False):
        """Move a finished run into the store. If the key is taken, keep a sound entry
        (another process stored the same inputs meanwhile) unless told to replace it; a
        replacement is swapped in atomically, so stored always names a complete run. tmp
        is left holding whatever the caller must delete."""
        try:
            os.rename(tmp, stored)
            return
        except OSError as error:
            if error.errno not in (errno.ENOTEMPTY, errno.EEXIST):
                raise
        if not replace and not self.verify(stored):
            return
        exchange(tmp, stored)

    def execute(self, path: Path, outdir: Path, env: dict[str, str],
                source: Path | None = None, backend: str | None = None,
                ) -> tuple[str, float | None, bool]:
        """Run the snippet (the bytes in source, if given) in its own process (forked from
        the warm worker, or a fresh interpreter) in a sandbox; return an error message ("" on
        success), its own time and whether it was forked from the warm worker."""
        backend = backend or env.get("KERAS_BACKEND", self.backends[0])
        display = self.display_path(path)
        if len(self.backends) > 1 or backend != self.backends[0]:
            display = f"[{backend}] {display}"
        timeout = snippet_timeout(path, self.timeout)
        self.scratch().mkdir(parents=True, exist_ok=True)
        run_dir = Path(tempfile.mkdtemp(prefix=f"snippet-cwd-{path.stem}-", dir=self.scratch()))
        (run_dir / "cwd").mkdir()
        request = {
            "snippet": str(path), "outdir": str(outdir), "rundir": str(run_dir),
            "source": str(source) if source else None,
            "timeout": timeout, "warm": self.warm, "isolate": self.isolate,
            "writable": [str(outdir), str(run_dir), env["MPLCONFIGDIR"], env["KERAS_HOME"]]
                        + ([env["JAX_COMPILATION_CACHE_DIR"]]
                           if env.get("JAX_COMPILATION_CACHE_DIR") else []),
            "protect": [str(self.root), str(self.snippets_dir)],
        }
        shared = self._workers.get(backend)
        worker = shared or Worker(self, env, backend)  # a worker of its own outside run()
        try:
            status = worker.submit(request, timeout + ANSWER_GRACE)
            stderr = run_dir / "stderr.log"
            stderr = stderr.read_text(errors="replace") if stderr.is_file() else ""
        finally:
            if worker is not shared:
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

    def looks_cached(self, path: Path, backend: str | None = None) -> bool:
        """Whether a run of this snippet on a backend is in the store (not yet verified): if
        every snippet looks cached on a backend, the build starts no warm worker for it."""
        try:
            return (self.store() / self.key(path, backend=backend) / "meta.json").is_file()
        except Exception:  # noqa: BLE001 - run_one reports the problem, naming the snippet
            return False

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
    def stopping_on_signals(self, workers: list[Worker]):
        """SIGINT, SIGTERM or SIGHUP to the runner end every running snippet at once, then
        take their usual course (Ctrl-C raises KeyboardInterrupt)."""
        if not workers or threading.current_thread() is not threading.main_thread():
            yield
            return
        previous = {}

        def handler(signum, frame):
            for worker in workers:
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

    def misnamed(self) -> list[str]:
        """Python files in snippets/ that break the naming rule, each with the rule."""
        found = []
        for file in sorted(self.snippets_dir.rglob("*.py")):
            relative = file.relative_to(self.snippets_dir)
            if any(part.startswith((".", "_")) for part in relative.parts[:-1]):
                continue
            depth_ok = len(relative.parts) == 2 or (len(relative.parts) > 2
                                                    and not is_snippet(file))
            if (file.name[0].isdigit() and not is_snippet(file)) or not depth_ok:
                found.append(f"{self.display_path(file)}: breaks the naming rule ({NAMING_RULE})")
        return found

    def share(self, snippets: list[Path], shard: tuple[int, int] | None) -> list[Path]:
        """Shard I of N (1-based): every N-th snippet in id order, from the I-th."""
        if not shard:
            return snippets
        index, count = shard
        if not 1 <= index <= count:
            raise RunnerError(f"shard {index}/{count} does not exist (use I/N with 1 <= I <= N)")
        ordered = sorted(snippets, key=self.snippet_id)
        return [path for number, path in enumerate(ordered) if number % count == index - 1]

    def run(self, only: list[str] | None = None, force: bool = False,
            shard: tuple[int, int] | None = None) -> list[SnippetResult]:
        """Run (or take from the cache) every snippet (or one shard's share); raise
        RunnerError if any failed."""
        try:
            return self._run(only, force, shard)
        except OSError as error:  # the output folder is read-only, full, ...
            raise RunnerError(f"runner: {describe(error)} (output folder {self.output_dir})"
                              ) from None

    def _run(self, only, force, shard) -> list[SnippetResult]:
        snippets = self.snippets()
        if problems := self.misnamed():
            raise RunnerError("\n".join(problems))
        if not snippets:
            raise RunnerError(f"no snippets found in {self.snippets_dir} (files named NN_*.py "
                              "inside a chapter folder)")
        if shard:
            only = [self.snippet_id(p) for p in self.share(snippets, shard)]
            if not only:
                return []
        if only:
            known = {self.snippet_id(p) for p in snippets} | {str(p) for p in snippets}
            unknown = [name for name in only if name not in known]
            if unknown:
                raise RunnerError(f"unknown snippet(s): {', '.join(unknown)}")
            snippets = [p for p in snippets if self.snippet_id(p) in only or str(p) in only]
        # one unit per snippet and backend, the primary backend's first; a snippet whose
        # backends line is wrong is one failed unit (naming it), and keeps what it had
        units, refused = [], []
        for path in snippets:
            try:
                units += [(path, name) for name in self.snippet_backends(path)]
            except (OSError, ValueError, RunnerError):
                refused.append(self.run_one(path))  # fails the same way, as a result
        units.sort(key=lambda unit: self.backends.index(unit[1]))
        workers = max(1, min(self.jobs, len(units)))
        with self.locked():
            self.sweep()
            if self.jax_cache and "jax" in self.backends:  # empty: a build starts cold
                self._jax_cache = self.scratch() / JAX_CACHE
                self._jax_cache.mkdir(parents=True)
            envs = {name: self.child_env(name) for name in self.backends}
            to_run = [name for name in self.backends
                      if any(b == name and (force or not self.looks_cached(p, name))
                             for p, b in units)]
            try:
                # started from this thread: its parent-death signal follows this thread's life
                for name in to_run:
                    self._workers[name] = Worker(self, envs[name], name)
                with (self.stopping_on_signals(list(self._workers.values())),
                      ThreadPoolExecutor(max_workers=workers) as pool):
                    results = refused + list(pool.map(
                        lambda unit: self.run_one(unit[0], force, envs[unit[1]], unit[1]),
                        units))
            finally:
                if self._workers:
                    self.worker_facts = {name: w.facts for name, w in self._workers.items()}
                    for worker in self._workers.values():
                        worker.close()
                    primary = self.worker_facts.get(self.backends[0])
                    facts = {**(primary or next(iter(self.worker_facts.values()))),
                             "sandbox": self.sandbox, "backends": self.worker_facts}
                    write_atomic(self.output_dir / "worker.json", json.dumps(facts, indent=1))
                self._workers = {}
                if self._jax_cache:
                    shutil.rmtree(self._jax_cache, ignore_errors=True)
                    self._jax_cache = None
            if not only:
                self.prune({self.snippet_id(p) for p in snippets},
                           {(self.snippet_id(p), b) for p, b in units})
            try:
                self.record(results, partial=bool(only))
            except OSError as error:
                raise RunnerError(f"cannot record the run in {self.output_dir / 'runs.json'}: "
                                  f"{error.strerror or error} (the output folder must be "
                                  "writable)") from None
        if self.sandbox.get("why"):
            print(f"runner: sandbox: {self.sandbox['why']}; snippets ran with: "
                  f"processes: {self.sandbox['processes']}; network: {self.sandbox['network']}; "
                  f"files: {self.sandbox['files']}", file=sys.stderr, flush=True)
        failed = [r for r in results if r.status == "failed"]
        if failed:
            listing = "\n".join(r.error for r in failed)
            ids = {r.id for r in results}
            runs = (f" ({len(failed)} of {len(results)} runs on {', '.join(self.backends)})"
                    if len(self.backends) > 1 else "")
            raise RunnerError(
                f"{len({r.id for r in failed})} of {len(ids)} snippet(s) failed{runs}; "
                f"their last good outputs were kept:\n{listing}"
            )
        return results

    def record(self, results: list[SnippetResult], partial: bool):
        """Write runs.json; a partial run updates only its own entries. A failed snippet's
        entry gives the time of the outputs the site still shows (its last good run), not
        the failed attempt's."""
        runs_file = self.output_dir / "runs.json"
        entries = {}
        if partial:
            entries = {(entry["id"], entry.get("backend", "")): entry for entry in self.runs()}
        for result in results:
            entry = asdict(result)
            if result.status == "failed":
                shown = self.outputs(result.id, result.backend or None).meta or {}
                entry.update(seconds=shown.get("seconds"), key=shown.get("key", ""),
                             own=shown.get("own"), warm=shown.get("warm", False))
            entries[(result.id, result.backend)] = entry
        live = set()  # (id, backend) of every snippet and backend it runs on now
        for path in self.snippets():
            try:
                names = self.snippet_backends(path)
            except (OSError, ValueError, RunnerError):
                names = [result.backend for result in results
                         if result.id == self.snippet_id(path)]
            live.update((self.snippet_id(path), name) for name in names)
        order = {name: number for number, name in enumerate(self.backends)}
        ordered = [entries[key] for key in sorted(
            entries, key=lambda key: (key[0], order.get(key[1], len(order)), key[1]))
            if key in live]
        write_atomic(runs_file, json.dumps(ordered, indent=1))

    def prune(self, live_ids: set[str], live_units: set[tuple[str, str]] | None = None):
        """Drop links of deleted snippets (and of backends a snippet no longer runs on) and
        all but a few unused runs per snippet and backend."""
        if not self.output_dir.is_dir():
            return
        if live_units is None:
            live_units = {(snippet_id, self.backends[0]) for snippet_id in live_ids}
        for link in self.output_dir.glob("*/*"):
            if link.is_symlink() and link.relative_to(self.output_dir).as_posix() not in live_ids:
                link.unlink()
        by_backend = self.output_dir / BY_BACKEND
        for link in by_backend.glob("*/*/*"):
            unit = (link.relative_to(link.parents[1]).as_posix(), link.parents[1].name)
            if link.is_symlink() and unit not in live_units:
                link.unlink()
        in_use = {link.resolve() for link in [*self.output_dir.glob("*/*"),
                                              *by_backend.glob("*/*/*")] if link.is_symlink()}
        by_id: dict[tuple[str, str], list[tuple[float, Path]]] = {}
        for meta in self.store().glob("*/meta.json"):
            run_dir = meta.parent
            if run_dir.resolve() in in_use:
                continue
            try:
                facts = json.loads(meta.read_text())
                unit = (facts.get("id", ""), facts.get("backend", self.backends[0]))
            except (ValueError, AttributeError):  # a damaged entry nothing links to: drop it
                unit = ("", "")
            by_id.setdefault(unit, []).append((meta.stat().st_mtime, run_dir))
        for (snippet_id, _), runs in by_id.items():
            keep = KEEP_PER_SNIPPET if snippet_id in live_ids else 0
            for _, run_dir in sorted(runs, reverse=True)[keep:]:
                shutil.rmtree(run_dir, ignore_errors=True)
        for leftover in self.store().glob(".tmp-*"):  # from runs killed long ago
            if time.time() - leftover.stat().st_mtime > 3600:
                shutil.rmtree(leftover, ignore_errors=True)


    # ---- reading outputs (the only readers of the layout above) -------------------------

    def outputs(self, snippet_id: str, backend: str | None = None) -> Outputs:
        """The last good run of one snippet (its fields are empty if it has none) on the
        backend the pages show, or on the backend given; all its fields come from one run,
        even if another run replaces it meanwhile."""
        return Outputs(snippet_id, self.link(snippet_id, backend).resolve())

    def backends_of(self, snippet_id: str) -> dict[str, Outputs]:
        """The last good run of one snippet on each backend it runs on, the shown one first
        ({} if its backends line is wrong; backends without a run are left out)."""
        try:
            backends = self.snippet_backends(self.snippets_dir / f"{snippet_id}.py")
        except (OSError, ValueError, RunnerError):
            return {}
        found = {name: self.outputs(snippet_id, name) for name in backends}
        return {name: outputs for name, outputs in found.items() if outputs.exists}

    def worker(self) -> dict:
        """What the worker of the last build that ran something said: the modules it
        imported, in how many seconds, whether it forked, and the sandbox (worker.json)."""
        file = self.output_dir / "worker.json"
        return json.loads(file.read_text()) if file.is_file() else {}

    def runs(self) -> list[dict]:
        """What the last run did, snippet by snippet (runs.json)."""
        runs_file = self.output_dir / "runs.json"
        try:
            return json.loads(runs_file.read_text()) if runs_file.is_file() else []
        except (OSError, ValueError) as error:
            raise RunnerError(f"{self.display_path(runs_file)} is unreadable ({error}); "
                              "run `python -m runner` to write it again") from None

    def merge(self, sources: list[Path]) -> list[str]:
        """Copy the sound runs of other output folders or bare stores (one per CI shard, as
        uploaded) into this store, then link every snippet whose current key is stored.
        Returns the snippets left without outputs. Runs are content-addressed: a key taken
        already is kept."""
        self.store().mkdir(parents=True, exist_ok=True)
        for source in map(Path, sources):
            store = source / ".store" if (source / ".store").is_dir() else source
            if not store.is_dir():
                raise RunnerError(f"{source} holds no runner store")
            for deps in sorted(store.glob(".deps/*.json")):
                write_atomic(self.store() / ".deps" / deps.name, deps.read_text())
            for entry in sorted(store.iterdir()):
                if entry.name.startswith(".") or (self.store() / entry.name).exists():
                    continue
                if problem := self.verify(entry):
                    raise RunnerError(f"{entry}: not merged, {problem}")
                tmp = Path(tempfile.mkdtemp(prefix=".tmp-merge-", dir=self.store()))
                try:
                    shutil.copytree(entry, tmp, dirs_exist_ok=True)
                    self.store_run(tmp, self.store() / entry.name)
                finally:
                    shutil.rmtree(tmp, ignore_errors=True)
        missing, results = [], []
        for path in self.snippets():
            snippet_id = self.snippet_id(path)
            for number, backend in enumerate(self.snippet_backends(path)):
                key = self.key(path, backend=backend)
                stored = self.store() / key
                if stored.is_dir() and not self.verify(stored):
                    for link in [self.link(snippet_id, backend)] + (
                            [self.link(snippet_id)] if number == 0 else []):
                        point_link(link, stored)
                    meta = json.loads((stored / "meta.json").read_text())
                    results.append(SnippetResult(snippet_id, self.display_path(path), "cached",
                                                 meta["seconds"], key, backend=backend))
                else:
                    missing.append(f"[{backend}] {self.display_path(path)}")
        self.record(results, partial=False)
        return missing

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

    def __init__(self, project: Project, env: dict[str, str], backend: str | None = None):
        project.scratch().mkdir(parents=True, exist_ok=True)
        self.log = Path(tempfile.mkstemp(prefix="worker-", suffix=".log", dir=project.scratch())[1])
        modules = preload_for(project.preload, backend) if project.warm else ()
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
                              f"{', '.join(modules) or 'nothing'}) of backend "
                              f"{env.get('KERAS_BACKEND')} did not start:\n{tail}")
        self.facts = json.loads(first)
        self.facts["backend"] = env.get("KERAS_BACKEND")
        if project.warm and not self.facts["warm"]:
            print(f"runner: {self.facts['backend']}: {self.facts['why']}", file=sys.stderr,
                  flush=True)
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
        try:
            return json.loads(file.read_text(encoding="utf-8")) if file.is_file() else None
        except (OSError, ValueError) as error:
            raise RunnerError(f"the stored {name} of snippets/{self.id}.py is unreadable "
                              f"({error}); run `python -m runner` to run it again") from None

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
    try:
        lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    except UnicodeDecodeError as error:
        line = error.object[: error.start].count(NEWLINE) + 1
        raise RunnerError(f"{path}:{line}: {describe(error)}") from None
    return "".join(line for line in lines if not line.startswith(DIRECTIVE))


def installed_backends() -> tuple[str, ...]:
    """The backends of BACKENDS whose module this Python can import, in that order."""
    from importlib.util import find_spec

    return tuple(name for name in BACKENDS if find_spec(BACKEND_MODULE[name]) is not None)


def preload_for(modules: tuple[str, ...], backend: str | None) -> tuple[str, ...]:
    """What a backend's warm worker imports: the preload list with the backend's module just
    before TensorFlow's. TensorFlow stays: `keras.utils.set_random_seed`, which nearly every
    snippet calls, imports it on any backend when it is installed (measured: 3.4 s of a
    4.7 s JAX snippet), and a worker that imports jax or torch and TensorFlow is still left
    with one thread (tests/test_worker.py)."""
    if backend in (None, BACKENDS[0]):
        return tuple(modules)
    primary = BACKEND_MODULE[BACKENDS[0]]
    found: list[str] = []
    for name in modules:
        if name == primary:
            found.append(BACKEND_MODULE[backend])
        found.append(name)
    return tuple(found)


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
    """Atomically make link a relative symlink to target (replacing a file or folder that
    took its place)."""
    link.parent.mkdir(parents=True, exist_ok=True)
    relative = os.path.relpath(target, link.parent)
    if link.is_symlink() and os.readlink(link) == relative:
        return
    tmp = link.with_name(f".{link.name}.{unique()}.link")
    os.symlink(relative, tmp)
    if link.is_dir() and not link.is_symlink():  # a folder cannot be replaced in one step
        exchange(tmp, link)
        tmp.unlink() if tmp.is_symlink() else shutil.rmtree(tmp)
        return
    os.replace(tmp, link)


def file_hash(path: Path) -> str:
    """SHA-256 of a file's bytes ("missing" if there is none)."""
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except FileNotFoundError:
        return "missing"


_RENAME_EXCHANGE = 2
_AT_FDCWD = -100


def exchange(new: Path, old: Path):
    """Swap two paths in one step (Linux renameat2): old then names what new held, and
    new what old held. Where the call does not exist, old is moved aside first (a brief
    moment without old), and moved back if the second rename fails."""
    renameat2 = getattr(ctypes.CDLL(None, use_errno=True), "renameat2", None)
    if renameat2 is not None:
        if renameat2(_AT_FDCWD, os.fsencode(new), _AT_FDCWD, os.fsencode(old),
                     _RENAME_EXCHANGE) == 0:
            return
        code = ctypes.get_errno()
        if code not in (errno.ENOSYS, errno.EINVAL, errno.ENOTSUP):
            raise OSError(code, os.strerror(code), str(old))
    aside = old.with_name(f".old-{old.name}-{unique()}")
    os.rename(old, aside)
    try:
        os.rename(new, old)
    except OSError:
        os.rename(aside, old)
        raise
    os.rename(aside, new)


def unique() -> str:
    """A name part no other process or thread uses at the same time."""
    return f"{os.getpid()}-{threading.get_ident()}-{uuid.uuid4().hex[:8]}"


def write_atomic(path: Path, text: str) -> bool:
    """Replace path's text in one step (readers see the old or the new file, never a part);
    return False, writing nothing, if it already holds that text."""
    if path.is_file() and path.read_text(encoding="utf-8") == text:
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{unique()}.tmp")
    try:
        tmp.write_text(text, encoding="utf-8")
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
    return True


def run(root: Path | str = ".", **options) -> list[SnippetResult]:
    """Run every snippet of the project at root (see Project for the options)."""
    only = options.pop("only", None)
    force = options.pop("force", False)
    shard = options.pop("shard", None)
    return Project(Path(root), **options).run(only=only, force=force, shard=shard)

