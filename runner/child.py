"""Run one snippet in this (fresh) process and write what it produced.

Usage: python runner/child.py SNIPPET OUTDIR [SOURCE]

SOURCE, if given, holds the exact bytes the engine hashed for the cache key: they are what
runs (SNIPPET still names the file in messages, `__file__` and `sys.path`). `imports.json`
records every local module the run imported (any module file under the snippets folder,
`pkg.sub` included) with the SHA-256 of its bytes, so the engine can key the run on them;
`versions.json` the Keras backend and the versions of the libraries the run imported (the
engine keeps both in the run's meta.json).

The engine starts this file with a clean environment (fixed seeds, Agg backend, one
TensorFlow thread, no network). It executes the snippet region by region, so the stdout
of each `# --8<-- [start:name]` section can be shown right under that section's code,
then saves every open matplotlib figure as SVG and every top-level JSON-able variable in
`values.json`. On failure it writes `error.json` with the snippet line that raised.

Only the standard library is imported here; numpy and matplotlib are used only if the
snippet itself imported them.
"""

import builtins
import hashlib
import io
import json
import math
import os
import random
import re
import socket
import sys
import traceback
import types
from pathlib import Path

MARKER = re.compile(r"^# --8<-- \[(start|end):([\w-]+)\]\s*$")
FIGURE_NAME = re.compile(r"[^\w-]+")
MAX_LIST = 2000
MAX_STR = 4000
PHONE = "--phone"  # the name suffix of a figure's phone layout
PHONE_WIDTH = 3.6  # inches: 346 CSS px, a phone's content column at a scale near 1
MAX_PRINTED = 1_000_000  # characters a snippet may print


class OutputLimit(Exception):
    pass


class NetworkBlocked(OSError):
    pass


def block_network():
    """Refuse every connection that leaves this machine."""

    def is_local(host):
        if host is None:
            return True
        if isinstance(host, bytes):
            host = host.decode()
        return host in ("", "localhost", "::1") or host.startswith("127.")

    def refuse(what):
        raise NetworkBlocked(f"network access is blocked while snippets run ({what})")

    real_getaddrinfo = socket.getaddrinfo

    def getaddrinfo(host, *args, **kwargs):
        if not is_local(host):
            refuse(f"lookup of {host!r}")
        return real_getaddrinfo(host, *args, **kwargs)

    def guard(method):
        def wrapper(self, address, *args, **kwargs):
            if isinstance(address, tuple) and not is_local(address[0]):
                refuse(f"connection to {address[0]!r}")
            return method(self, address, *args, **kwargs)

        return wrapper

    socket.getaddrinfo = getaddrinfo
    socket.socket.connect = guard(socket.socket.connect)
    socket.socket.connect_ex = guard(socket.socket.connect_ex)


class SectionStdout(io.StringIO):
    """Stdout that also files each write under the sections open at the time."""

    def __init__(self):
        super().__init__()
        self.open_sections = []
        self.sections = {}
        self.size = 0

    def write(self, text):
        self.size += len(text)
        if self.size > MAX_PRINTED:
            raise OutputLimit(f"the snippet printed more than {MAX_PRINTED:,} characters (the "
                              "limit per snippet): print a summary, not the data")
        for name in self.open_sections:
            self.sections[name].append(text)
        return super().write(text)


def split_regions(lines):
    """Yield (first_line_index, end_line_index, open_sections) between column-0 markers."""
    open_sections, start = [], 0
    for index, line in enumerate(lines):
        match = MARKER.match(line)
        if not match:
            continue
        yield start, index, list(open_sections)
        kind, name = match.groups()
        if kind == "start":
            open_sections.append(name)
        elif name in open_sections:
            open_sections.remove(name)
        start = index + 1
    yield start, len(lines), list(open_sections)


def jsonable(value):
    """Return a JSON-able copy of value, or raise TypeError."""
    if value is None or isinstance(value, (bool, int, str)):
        if isinstance(value, str) and len(value) > MAX_STR:
            raise TypeError("string too long")
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else repr(value)
    if isinstance(value, (list, tuple)):
        if len(value) > MAX_LIST:
            raise TypeError("sequence too long")
        return [jsonable(item) for item in value]
    if isinstance(value, dict):
        if len(value) > MAX_LIST:
            raise TypeError("mapping too long")
        return {str(key): jsonable(item) for key, item in value.items()}
    shape = getattr(value, "shape", None)
    if shape is not None and tuple(shape) == () and "numpy" in sys.modules:
        return jsonable(sys.modules["numpy"].asarray(value).item())
    raise TypeError(type(value).__name__)


def collect_values(namespace):
    values = {}
    for name, value in namespace.items():
        if name.startswith("_") or isinstance(value, types.ModuleType):
            continue
        try:
            values[name] = jsonable(value)
        except (TypeError, ValueError, RuntimeError):
            continue
    return values


def save_figures(outdir):
    pyplot = sys.modules.get("matplotlib.pyplot")
    if pyplot is None:
        return []
    names = []
    for number in pyplot.get_fignums():
        figure = pyplot.figure(number)
        name = FIGURE_NAME.sub("-", figure.get_label() or f"figure-{number}").strip("-")
        if name in names:
            raise ValueError(f"two figures share the label {name!r}")
        names.append(name)
        figure.savefig(outdir / f"{name}.svg", format="svg", metadata={"Date": None})
    for name, number in zip(list(names), pyplot.get_fignums(), strict=True):
        figure = pyplot.figure(number)
        if phone_layout(figure):
            names.append(f"{name}{PHONE}")
            figure.savefig(outdir / f"{name}{PHONE}.svg", format="svg", metadata={"Date": None})
    return names


def phone_layout(figure):
    """Lay a saved figure out again for a phone's column: its panels stacked in one column,
    PHONE_WIDTH inches wide, each with its own tick labels, legends in one column. False
    (figure untouched) if its panels are not one grid."""
    from matplotlib.gridspec import GridSpec

    axes = [ax for ax in figure.axes if ax.get_subplotspec() is not None]
    if not axes or len({id(ax.get_subplotspec().get_gridspec()) for ax in axes}) > 1:
        return False
    rows = axes[0].get_subplotspec().get_gridspec().get_geometry()[0]
    height = figure.get_size_inches()[1]
    cells = {}  # a panel's axes by grid cell: a twinx() axes stays with its panel
    for ax in axes:
        if not ax.get_visible():
            ax.remove()
            continue
        spec = ax.get_subplotspec()
        cells.setdefault((spec.rowspan.start, spec.colspan.start), []).append(ax)
    grid = GridSpec(len(cells), 1, figure=figure)
    for index, cell in enumerate(sorted(cells)):
        for ax in cells[cell]:
            ax.set_subplotspec(grid[index, 0])
        first = cells[cell][0]
        if len(first.get_shared_y_axes().get_siblings(first)) > 1:  # sharey hid them
            first.yaxis.set_tick_params(labelleft=True)
        if len(first.get_shared_x_axes().get_siblings(first)) > 1:  # sharex hid them
            first.xaxis.set_tick_params(labelbottom=True)
    figure.set_layout_engine("constrained")
    for legend in [*figure.legends, *(ax.get_legend() for ax in figure.axes)]:
        if legend is not None:
            legend.set_ncols(1)  # a narrow column: one entry per line
    panel_height = min(max(height / rows, 2.2), 3.0)
    entries = sum(len(legend.get_texts()) for legend in figure.legends)
    extra = 0.25 * entries + 0.4 * bool(figure.get_suptitle())
    figure.set_size_inches(PHONE_WIDTH, panel_height * len(cells) + extra)
    return True


def snippet_line(exc, path):
    """The last line of the snippet file in the traceback of exc."""
    line = getattr(exc, "lineno", None) if isinstance(exc, SyntaxError) else None
    for frame, lineno in traceback.walk_tb(exc.__traceback__):
        if Path(frame.f_code.co_filename) == path:
            line = lineno
    return line


def format_tail(exc, keep=8):
    """The last lines of the traceback, without this file's own frames."""
    frames = [f for f in traceback.extract_tb(exc.__traceback__) if f.filename != __file__]
    lines = traceback.format_list(frames) + traceback.format_exception_only(exc)
    return "".join(lines).splitlines()[-keep:]


def local_modules(root, snippet):
    """{path relative to root: sha256} of every imported module file under root."""
    found = {}
    for module in list(sys.modules.values()):
        file = getattr(module, "__file__", None)
        if not file:
            continue
        file = Path(file).resolve()
        if file != snippet and file.is_relative_to(root) and file.is_file():
            found[file.relative_to(root).as_posix()] = hashlib.sha256(file.read_bytes()).hexdigest()
    return dict(sorted(found.items()))


def versions():
    """The Keras backend of this run and the versions of the libraries it had imported."""
    found = {"backend": os.environ.get("KERAS_BACKEND", "")}
    for name in ("keras", "tensorflow", "jax", "jaxlib", "torch", "numpy"):
        module = sys.modules.get(name)
        if module is not None and isinstance(getattr(module, "__version__", None), str):
            found[name] = module.__version__
    return found


def main(snippet, outdir, source_file=None):
    path = Path(snippet).resolve()
    outdir = Path(outdir)
    source = Path(source_file or path).read_bytes().decode("utf-8")
    lines = source.splitlines(keepends=True)

    block_network()
    random.seed(0)
    sys.path[0] = str(path.parent)
    module = types.ModuleType("__main__")
    module.__dict__.update(__file__=str(path), __builtins__=builtins)
    sys.modules["__main__"] = module
    stdout = SectionStdout()
    for _, _, names in split_regions(lines):
        for name in names:
            stdout.sections.setdefault(name, [])

    real_stdout = sys.stdout
    try:
        compile(source, str(path), "exec")
        sys.stdout = stdout
        for start, end, names in split_regions(lines):
            stdout.open_sections = names
            region = "\n" * start + "".join(lines[start:end])
            try:
                code = compile(region, str(path), "exec")
            except SyntaxError as exc:
                marker = end if end < len(lines) else start - 1
                raise SyntaxError(
                    f"a section marker splits a statement ({exc.msg})",
                    (str(path), marker + 1, 1, lines[marker]),
                ) from None
            try:
                exec(code, module.__dict__)
            except SystemExit as exc:
                if exc.code not in (0, None):
                    raise
                break  # sys.exit(0): the snippet ends here, successfully
        sys.stdout = real_stdout
        figures = save_figures(outdir)
    except BaseException as exc:  # noqa: BLE001 - every failure is reported
        sys.stdout = real_stdout
        tail = format_tail(exc)
        error = {
            "type": type(exc).__name__,
            "message": (exc.msg if isinstance(exc, SyntaxError) else
                    f"the snippet exited with status {exc.code}" if isinstance(exc, SystemExit)
                    else str(exc)),
            "line": snippet_line(exc, path),
            "traceback": "\n".join(tail),
        }
        (outdir / "error.json").write_text(json.dumps(error, indent=1), encoding="utf-8")
        return 1

    (outdir / "stdout.txt").write_text(stdout.getvalue(), encoding="utf-8")
    for name, parts in stdout.sections.items():
        (outdir / f"{name}.txt").write_text("".join(parts), encoding="utf-8")
    values = collect_values(module.__dict__)
    (outdir / "values.json").write_text(
        json.dumps(values, indent=1, sort_keys=True), encoding="utf-8"
    )
    (outdir / "figures.json").write_text(json.dumps(figures), encoding="utf-8")
    (outdir / "versions.json").write_text(json.dumps(versions()), encoding="utf-8")
    imports = local_modules(path.parent.parent, path)
    (outdir / "imports.json").write_text(json.dumps(imports, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:4]))
