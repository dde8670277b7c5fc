"""Discover snippets, decide what must re-run, run it in parallel and store the outputs.

Layout of the output folder (gitignored, default `build/outputs/`):

    .store/<key>/                     one finished run: stdout.txt, <section>.txt,
                                      values.json, figures.json, <figure>.svg, meta.json
    <chapter>/<nn>_<topic>  ->  ../.store/<key>     a symlink, replaced atomically
    runs.json                         what the last build did, for the "Execution times" page

Only this module knows that layout: everything else reads a run through `Project.outputs()`
(an `Outputs`), `Project.published()` and `Project.runs()`.

A run writes into a temporary folder; only a successful run is moved into the store and
only then is the symlink switched, so a failed or interrupted run leaves the last good
outputs in place. The key hashes everything a snippet's result depends on: its bytes, the
local modules it imports, the child process and its fixed environment, the dependency lock
file, the style file, the Python version and the CPU; not the orchestration code.
"""

from __future__ import annotations

import ast
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
from dataclasses import asdict, dataclass, field
from fnmatch import fnmatch
from functools import cached_property
from pathlib import Path

RUNNER_DIR = Path(__file__).resolve().parent
CHILD = RUNNER_DIR / "child.py"
SNIPPET_NAME = "[0-9][0-9]_*.py"
SHARED = "_shared"  # snippets/_shared/: helper modules any chapter's snippets may import
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


@dataclass
class Project:
    root: Path
    snippets_dir: Path | None = None
    output_dir: Path | None = None
    timeout: float = DEFAULT_TIMEOUT
    jobs: int = field(default_factory=lambda: os.cpu_count() or 1)
    lock_file: Path | None = None
    style_file: Path | None = None

    def __post_init__(self):
        self.root = Path(self.root).resolve()
        self.snippets_dir = Path(self.snippets_dir or self.root / "snippets").resolve()
        self.output_dir = Path(self.output_dir or self.root / "build" / "outputs").resolve()
        self.lock_file = Path(self.lock_file or self.root / "requirements.txt")
        self.style_file = Path(self.style_file or self.snippets_dir / "site.mplstyle")

    @classmethod
    def from_env(cls, root: Path | str, output_dir: Path | str | None = None, **options):
        """The project at root, with its outputs in output_dir, else in $SNIPPETS_OUTPUT_DIR
        if that is set, else in the default folder."""
        output_dir = output_dir or os.environ.get("SNIPPETS_OUTPUT_DIR") or None
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
        """Files of local modules that path imports, transitively (its chapter folder,
        then the shared folder)."""
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
            # the child process has the chapter folder, then the shared one, on sys.path
            for folder in (path.parent, self.snippets_dir / SHARED):
                candidates = (folder / f"{name}.py", folder / name / "__init__.py")
                candidate = next((c for c in candidates if c.is_file()), None)
                if candidate:
                    if candidate not in seen:
                        seen.add(candidate)
                        found.append(candidate)
                        found.extend(self.local_imports(candidate, seen))
                    break
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
        env.update(CHILD_ENV, MPLCONFIGDIR=str(self.mpl_config_dir()),
                   KERAS_HOME=str(self.output_dir / ".keras-home"),
                   PYTHONPATH=str(self.snippets_dir / SHARED))  # after the chapter folder
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
            return SnippetResult(snippet_id, display, "cached", meta["seconds"], key)

        self.store().mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(prefix=f".tmp-{path.stem}-", dir=self.store()))
        started = time.perf_counter()
        try:
            error = self.execute(path, tmp, env or self.child_env())
            seconds = round(time.perf_counter() - started, 2)
            if error:
                return SnippetResult(snippet_id, display, "failed", seconds, key, error)
            missing = [name for name in ("stdout.txt", "values.json") if not (tmp / name).is_file()]
            if missing:
                error = f"{display}: the snippet process ended without writing {', '.join(missing)}"
                return SnippetResult(snippet_id, display, "failed", seconds, key, error)
            meta = {"id": snippet_id, "path": display, "key": key, "seconds": seconds}
            (tmp / "meta.json").write_text(json.dumps(meta, indent=1))
            self.store_run(tmp, stored)
            point_link(self.link(snippet_id), stored)
            return SnippetResult(snippet_id, display, "ran", seconds, key)
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

    def execute(self, path: Path, outdir: Path, env: dict[str, str]) -> str:
        """Run the snippet in a new process; return an error message, or "" on success."""
        display = self.display_path(path)
        timeout = snippet_timeout(path, self.timeout)
        scratch = tempfile.TemporaryDirectory(prefix="snippet-cwd-")  # files a snippet saves
        process = subprocess.Popen(
            [sys.executable, str(CHILD), str(path), str(outdir)],
            cwd=scratch.name,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            start_new_session=True,
        )
        try:
            _, stderr = process.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.communicate()
            return f"{display}: exceeded its timeout of {timeout:g} s and was stopped"
        finally:
            scratch.cleanup()
        error_file = outdir / "error.json"
        if error_file.is_file():
            error = json.loads(error_file.read_text())
            where = f"{display}:{error['line']}" if error["line"] else display
            tail = "\n".join("    " + line for line in error["traceback"].rstrip().splitlines())
            return f"{where}: {error['type']}: {error['message']}\n{tail}"
        if process.returncode != 0:
            last = "\n".join(stderr.decode(errors="replace").strip().splitlines()[-8:])
            return f"{display}: the snippet process exited with code {process.returncode}\n{last}"
        return ""

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
        env = self.child_env()
        with ThreadPoolExecutor(max_workers=workers) as pool:
            results = list(pool.map(lambda p: self.run_one(p, force, env), snippets))
        if not only:
            self.prune({self.snippet_id(p) for p in snippets})
        self.record(results, partial=bool(only))
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

