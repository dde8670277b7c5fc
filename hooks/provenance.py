"""MkDocs hook: where the site comes from, stated on the site.

- `on_config` records the commit the site is built from (`git rev-parse HEAD`, or
  $GITHUB_SHA; "with local changes" when the work tree differs from it) and the build date
  ($SOURCE_DATE_EPOCH when set, so that a reproducible build gives the same bytes; else
  today, UTC) in `config.extra["build"]`; overrides/partials/copyright.html shows them in the
  footer beside the versions.
- `on_page_markdown` fills `{{ site:clone_url }}` and `{{ site:clone_folder }}` from
  `repo_url`, so that commands a reader copies name the real repository.
- `on_page_context` takes the edit and view actions off generated pages (they have no
  source file in the repository to edit).
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlparse

from mkdocs.exceptions import PluginError

ROOT = Path(__file__).resolve().parents[1]
SITE_VALUE = re.compile(r"\{\{\s*site:([\w-]+)\s*\}\}")
state: dict = {}


def git(*args: str) -> str:
    try:
        result = subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True,
                                timeout=30)
    except (OSError, subprocess.SubprocessError):
        return ""
    return result.stdout.strip() if result.returncode == 0 else ""


def build_facts(repo_url: str) -> dict:
    commit = os.environ.get("GITHUB_SHA") or git("rev-parse", "HEAD")
    # local changes to tracked files (generated files are gitignored)
    changed = bool(git("status", "--porcelain", "--untracked-files=no")) and (
        "GITHUB_SHA" not in os.environ)
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    when = datetime.fromtimestamp(int(epoch), UTC) if epoch else datetime.now(UTC)
    return {
        "commit": commit[:12] or "unknown",
        "commit_url": f"{repo_url.rstrip('/')}/commit/{commit}" if commit else "",
        "local_changes": changed,
        "date": when.strftime("%Y-%m-%d"),
    }


def exports() -> str:
    """The variables every example runs with that bear on its numbers (the runner's fixed
    environment without its no-network proxies), as shell lines that fit a code block."""
    root = str(Path(__file__).resolve().parents[1])
    if root not in sys.path:
        sys.path.insert(0, root)
    from runner.engine import CHILD_ENV

    pairs = [f"{key}={value}" for key, value in CHILD_ENV.items() if "PROXY" not in key]
    lines, line = [], "export"
    for pair in pairs:
        if len(line) + 1 + len(pair) > 76:
            lines.append(line + " \\")
            line = "   "
        line += " " + pair
    return "\n".join([*lines, line])


def on_config(config):
    if not config.repo_url:
        raise PluginError("mkdocs.yml: repo_url is needed for the clone commands and the footer")
    repo_url = config.repo_url.rstrip("/")
    state["values"] = {
        "clone_url": f"{repo_url}.git",
        "clone_folder": urlparse(repo_url).path.rstrip("/").rsplit("/", 1)[-1],
        "child_env": exports(),
    }
    config.extra["build"] = build_facts(repo_url)
    return config


def on_page_markdown(markdown, page, config, files):
    def fill(match):
        name = match[1]
        if name not in state["values"]:
            line = markdown.count("\n", 0, match.start()) + 1
            known = ", ".join(f"site:{key}" for key in state["values"])
            raise PluginError(f"docs/{page.file.src_uri}:{line}: unknown value "
                              f"'site:{name}' (known: {known})")
        return state["values"][name]

    return SITE_VALUE.sub(fill, markdown)


def on_page_context(context, page, config, nav):
    # made by a hook, or written by one (the rendered notebooks, gitignored): no file in the
    # repository to edit or view
    if page.file.generated_by or page.file.src_uri.startswith("notebooks/"):
        page.edit_url = None
    return context
