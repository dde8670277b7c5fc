"""MkDocs hook: `mkdocs build` writes the site into a staging folder beside the site folder
and swaps it in only when the build succeeded, so a failed build never empties or half
rewrites the last good site. `mkdocs serve` (which builds into its own temporary folder) is
left alone.
"""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from runner.engine import exchange, unique  # noqa: E402

state: dict = {}


def on_startup(command, dirty):
    state.clear()
    state["command"] = command


def on_config(config):
    if state.get("command") not in ("build", "gh-deploy") or "final" in state:
        return config
    final = Path(config.site_dir).resolve()
    for leftover in final.parent.glob(f".{final.name}.building-*"):  # of builds killed
        pid = leftover.name.rsplit(".building-", 1)[1].split("-")[0]
        if pid.isdigit() and not os.path.exists(f"/proc/{pid}"):
            shutil.rmtree(leftover, ignore_errors=True)
    state["final"] = final
    state["staging"] = final.with_name(f".{final.name}.building-{unique()}")
    config.site_dir = str(state["staging"])
    return config


def on_post_build(config):
    state["built"] = True


def on_build_error(error):
    state["failed"] = True


def on_shutdown():
    staging, final = state.get("staging"), state.get("final")
    if staging is None or not staging.exists():
        return
    if not state.get("built") or state.get("failed"):
        shutil.rmtree(staging, ignore_errors=True)  # the last good site stays as it was
        return
    if final.exists():
        exchange(staging, final)  # staging now holds the previous site
        shutil.rmtree(staging, ignore_errors=True)
    else:
        staging.rename(final)
