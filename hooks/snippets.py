"""MkDocs hook: run the snippets before each build and wire their outputs into the site.

The work is done by the `runner` package (which knows nothing of MkDocs); this file only:
- runs it in `on_pre_build` (set SNIPPETS_EXECUTE=0 to reuse the outputs as they are),
- publishes what the runner says the site serves (figures, snippet files as readers see
  them) and the "Execution times" page,
- renders each page through its page model (references checked, values injected),
- puts the versions that produced the outputs in the footer,
- keeps highlighted code light: Pygments wraps every name and every run of whitespace in a
  span of its own, drawn in the plain code colour; those spans are unwrapped (about a fifth
  of a chapter's elements, no visible change).
"""

from __future__ import annotations

import logging
import os
import platform
import re
import sys
from importlib.metadata import version
from pathlib import Path

from mkdocs.exceptions import PluginError
from mkdocs.structure.files import File

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from runner.engine import Project, RunnerError  # noqa: E402
from runner.page import Page, PageError, render  # noqa: E402
from runner.report import execution_times  # noqa: E402

TIMES_PAGE = "execution-times.md"
# Pygments tokens that Material draws in the plain code colour (--md-code-hl-name-color is
# --md-code-fg-color): a name, and whitespace.
PLAIN_TOKEN = re.compile(r'<span class="[nw]">([^<]*)</span>')
log = logging.getLogger("mkdocs.hooks.snippets")
state: dict = {}


def on_config(config):
    project = Project.from_env(ROOT)
    state["project"] = project
    # Section includes resolve against snippets/, whatever the working directory; whole
    # files and outputs are written into the page by the page model. Other folders of the
    # config (overrides/, for the appended abbreviations) stay, resolved against the root.
    options = config.mdx_configs.setdefault("pymdownx.snippets", {})
    others = [(ROOT / base).resolve() for base in options.get("base_path", [])]
    others = [base for base in others
              if base not in (project.snippets_dir, (ROOT / "build" / "outputs").resolve())]
    options["base_path"] = [str(project.snippets_dir), *map(str, others)]
    versions = (
        f"Python {platform.python_version()}, TensorFlow {version('tensorflow')}, "
        f"Keras {version('keras')}"
    )
    config.extra["versions"] = versions
    config.copyright = (
        f"Every output on this site was produced by running its code with {versions}.")
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


def on_files(files, config):
    project = state["project"]
    for uri, source in project.published().items():
        if isinstance(source, Path):
            files.append(File.generated(config, uri, abs_src_path=str(source)))
        else:
            files.append(File.generated(config, uri, content=source))
    times = execution_times(project.runs(), config.extra["versions"])
    files.append(File.generated(config, TIMES_PAGE, content=times))
    return files


def on_page_markdown(markdown, page, config, files):
    if not page.file.src_uri.endswith(".md"):  # notebooks are rendered by mkdocs-jupyter
        return markdown
    try:
        return render(Page.parse(markdown, f"docs/{page.file.src_uri}"), state["project"])
    except PageError as error:
        raise PluginError(str(error)) from None


def on_page_content(html, page, config, files):
    return PLAIN_TOKEN.sub(r"\1", html)
