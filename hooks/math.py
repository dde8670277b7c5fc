"""MkDocs hook: turn the LaTeX that pymdownx.arithmatex marks into MathML at build time.

Browsers render MathML natively, so formulas need no script, font or third-party request.
A formula latex2mathml cannot convert fails the build with the page and the formula.
"""

import html
import re
import sys
from pathlib import Path

from mkdocs.exceptions import PluginError

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from runner.page import PageError, mathml  # noqa: E402

INLINE = re.compile(r'<span class="arithmatex">\\\((?P<tex>.+?)\\\)</span>', re.S)
BLOCK = re.compile(r'<div class="arithmatex">\\\[(?P<tex>.+?)\\\]</div>', re.S)


def on_page_content(content, page, config, files):
    name = f"docs/{page.file.src_uri}"

    def convert(match, display, tag):
        tex = html.unescape(match.group("tex")).strip()
        return f'<{tag} class="arithmatex">{mathml(tex, display, name)}</{tag}>'

    try:
        content = BLOCK.sub(lambda m: convert(m, "block", "div"), content)
        return INLINE.sub(lambda m: convert(m, "inline", "span"), content)
    except PageError as error:
        raise PluginError(str(error)) from None
