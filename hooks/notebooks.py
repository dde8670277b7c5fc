"""MkDocs hook: one notebook per chapter, rendered by mkdocs-jupyter, linked from its page.

- `on_config` adds the "Notebooks" nav section: one entry per chapter of "Chapters".
- `on_pre_build` (after hooks/snippets.py has run the snippets) writes docs/notebooks/*.ipynb
  with the captured outputs attached, so rendering executes nothing twice. Those files are
  generated: gitignored, never edited. The output-free copies that "Open in Colab" opens are
  notebooks/*.ipynb in the repository (`make notebooks`; a test keeps them in sync).
- `on_page_markdown` puts the notebook links under each chapter's title.
"""

from __future__ import annotations

import sys
from pathlib import Path
from urllib.parse import urlparse

from mkdocs.exceptions import PluginError

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from runner.chapters import chapters_in, with_notebooks  # noqa: E402
from runner.engine import Project  # noqa: E402
from runner.notebooks import build_all  # noqa: E402

state: dict = {}


def on_config(config):
    repo = urlparse(config.repo_url).path.strip("/")
    state["colab"] = f"https://colab.research.google.com/github/{repo}/blob/main/notebooks/"
    state["chapters"] = {chapter.page: chapter for chapter in chapters_in(config.nav or [])}
    config.nav = with_notebooks(config.nav or [])
    return config


def on_pre_build(config):
    try:
        build_all(Project.from_env(ROOT), ROOT / "docs" / "notebooks", with_outputs=True)
    except Exception as error:  # a page or snippet the generator cannot read
        raise PluginError(f"notebook generation failed: {type(error).__name__}: {error}") from None


def on_page_markdown(markdown, page, config, files):
    chapter = state["chapters"].get(page.file.src_uri)
    if chapter is None:
        return markdown
    links = (
        f"This chapter is also a notebook: [read it with its outputs, or download it]"
        f"({chapter.notebook}), or [open it in Colab]({state['colab']}{chapter.slug}.ipynb) "
        "(output-free; it runs top to bottom)."
    )
    head, _, rest = markdown.partition("\n")
    return f"{head}\n\n{links}\n{rest}"
