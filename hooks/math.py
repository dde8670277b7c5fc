"""MkDocs hook: turn the LaTeX that pymdownx.arithmatex marks into MathML at build time.

Browsers render MathML natively, so formulas need no script, font or third-party request.
A formula latex2mathml cannot convert fails the build with the page and the formula.
"""

import html
import re

from latex2mathml.converter import convert
from mkdocs.exceptions import PluginError

INLINE = re.compile(r'<span class="arithmatex">\\\((?P<tex>.+?)\\\)</span>', re.S)
BLOCK = re.compile(r'<div class="arithmatex">\\\[(?P<tex>.+?)\\\]</div>', re.S)


def to_mathml(match, display, page):
    tex = html.unescape(match.group("tex")).strip()
    try:
        mathml = convert(tex, display=display)
    except Exception as error:  # latex2mathml raises many kinds
        raise PluginError(f"docs/{page.file.src_uri}: cannot render formula {tex!r}: {error}")
    mathml = mathml.replace("<math ", f'<math aria-label="{html.escape(tex)}" ', 1)
    tag = "div" if display == "block" else "span"
    return f'<{tag} class="arithmatex">{mathml}</{tag}>'


def on_page_content(content, page, config, files):
    content = BLOCK.sub(lambda m: to_mathml(m, "block", page), content)
    return INLINE.sub(lambda m: to_mathml(m, "inline", page), content)
