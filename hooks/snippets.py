"""MkDocs hook: run the snippets before each build and wire their outputs into the site.

The work is done by the `runner` package (which knows nothing of MkDocs); this file only:
- runs it in `on_pre_build` (set SNIPPETS_EXECUTE=0 to reuse the outputs as they are),
- adds the figures, the snippet files (downloads) and the "Execution times" page,
- checks each page's includes, figures and values and injects the values,
- puts the versions that produced the outputs in the footer.
"""

from __future__ import annotations

import json
import logging
import os
import platform
import sys
from importlib.metadata import version
from pathlib import Path

from mkdocs.exceptions import PluginError
from mkdocs.structure.files import File

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from runner.engine import Project, RunnerError  # noqa: E402
from runner.pages import PageError, Pages  # noqa: E402
from runner.report import execution_times  # noqa: E402

TIMES_PAGE = "execution-times.md"
log = logging.getLogger("mkdocs.hooks.snippets")
DEFAULT_OUTPUTS = (ROOT / "build" / "outputs").resolve()
state: dict = {}


def on_config(config):
    project = Project(ROOT, output_dir=os.environ.get("SNIPPETS_OUTPUT_DIR"))
    state["project"] = project
    # Includes resolve against the project root, whatever the working directory, and
    # against the output folder in use (SNIPPETS_OUTPUT_DIR moves it, e.g. for `make bench`).
    snippets_config = config.mdx_configs.setdefault("pymdownx.snippets", {})
    bases = [(ROOT / base).resolve() for base in snippets_config.get("base_path", [])]
    bases = [project.output_dir if base == DEFAULT_OUTPUTS else base for base in bases]
    snippets_config["base_path"] = [str(base) for base in bases]
    state["pages"] = Pages(project.snippets_dir, project.output_dir, bases)
    versions = (
        f"Python {platform.python_version()}, TensorFlow {version('tensorflow')}, "
        f"Keras {version('keras')}"
    )
    config.extra["versions"] = versions
    config.copyright = f"Every output on this site was produced by running its code with {versions}."
    return config


def on_pre_build(config):
    project = state["project"]
    if os.environ.get("SNIPPETS_EXECUTE", "1") == "0":
        stale = project.stale()
        if stale:  # a warning: `mkdocs build --strict` refuses to publish stale outputs
            log.warning("execution is off and these snippets' outputs are missing or "
                        "out of date: %s", ", ".join(stale))
        return
    try:
        project.run()
    except RunnerError as error:
        raise PluginError(str(error)) from None
    state["pages"]._values.clear()


def on_files(files, config):
    project = state["project"]
    for link in sorted(project.output_dir.glob("*/*")):
        if not link.is_symlink():
            continue
        snippet_id = link.relative_to(project.output_dir).as_posix()
        for svg in sorted(link.glob("*.svg")):
            files.append(File.generated(config, f"figures/{snippet_id}/{svg.name}", abs_src_path=str(svg)))
    for source in sorted(project.snippets_dir.glob("*/*.py")):  # snippets and helper modules
        src_uri = f"snippets/{source.relative_to(project.snippets_dir).as_posix()}"
        files.append(File.generated(config, src_uri, abs_src_path=str(source)))
    runs_file = project.output_dir / "runs.json"
    runs = json.loads(runs_file.read_text()) if runs_file.is_file() else []
    files.append(File.generated(config, TIMES_PAGE, content=execution_times(runs, config.extra["versions"])))
    return files


def on_page_markdown(markdown, page, config, files):
    if not page.file.src_uri.endswith(".md"):  # notebooks are rendered by mkdocs-jupyter
        return markdown
    try:
        return state["pages"].render(markdown, f"docs/{page.file.src_uri}")
    except PageError as error:
        raise PluginError(str(error)) from None
