"""MkDocs hook: one notebook per chapter, offered from its page: rendered, as a download and in
Colab.

mkdocs-jupyter renders each notebook as a page, but the chapter already shows every cell's
code and output, so the rendered copy is reached from its chapter only: it has no nav entry
(so no second book in the sidebar and no "Next" leading into the notebooks) and no search
entry (so searches find the chapter, not its copy).

- `on_pre_build` (after hooks/snippets.py has run the snippets) writes docs/notebooks/*.ipynb
  with the captured outputs attached; MkDocs publishes them as plain files. They are
  generated: gitignored, never edited. The output-free copies that "Open in Colab" opens are
  notebooks/*.ipynb in the repository (`make notebooks`; a test keeps them in sync).
- `on_page_markdown` puts the download and Colab links under each chapter's title.
"""

from __future__ import annotations

import posixpath
import sys
from pathlib import Path
from urllib.parse import urlparse

from mkdocs.exceptions import PluginError

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from runner import background  # noqa: E402
from runner.chapters import chapters_in  # noqa: E402
from runner.engine import Project  # noqa: E402
from runner.notebooks import build_all  # noqa: E402

state: dict = {}


def on_config(config):
    repo = urlparse(config.repo_url).path.strip("/")
    state["colab"] = f"https://colab.research.google.com/github/{repo}/blob/main/notebooks/"
    state["chapters"] = {chapter.page: chapter for chapter in chapters_in(config.nav or [])}
    if any(isinstance(entry, dict) and "Notebooks" in entry for entry in config.nav or []):
        raise PluginError("mkdocs.yml: the nav has a 'Notebooks' section; notebooks are "
                          "downloads linked from their chapters, not pages")
    return config


def on_pre_build(config):
    try:
        project = Project.from_env(ROOT)
        # while `mkdocs serve` runs snippets in the background, without outputs for now
        build_all(project, ROOT / "docs" / "notebooks",
                  with_outputs=not background.pending(project))
    except Exception as error:  # a page or snippet the generator cannot read
        raise PluginError(f"notebook generation failed: {type(error).__name__}: {error}") from None


def on_page_markdown(markdown, page, config, files):
    chapter = state["chapters"].get(page.file.src_uri)
    if chapter is None:
        return markdown
    name = f"{chapter.slug}.ipynb"
    # mkdocs-jupyter's include_source puts the file beside its rendered page
    here = page.url.rstrip("/") if config.use_directory_urls else posixpath.dirname(page.url)
    source = posixpath.relpath(f"notebooks/{chapter.slug}/{name}", here or ".")
    links = (
        f"This chapter is also a notebook: [read it rendered]({chapter.notebook}), "
        f'<a href="{source}" download="{name}">download it with its outputs</a>, or '
        f"[open it in Colab]({state['colab']}{name}) "
        "(output-free; its first cell installs the versions this site was built with)."
    )
    head, _, rest = markdown.partition("\n")
    return f"{head}\n\n{links}\n{rest}"


def on_page_content(html, page, config, files):
    if page.file.src_uri.startswith("notebooks/"):
        page.meta["search"] = {"exclude": True}  # read by Material's search plugin
    return html
