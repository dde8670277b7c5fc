"""The code colours survive the page's lighter markup (hooks/snippets.py): every character of
a highlighted block keeps the colour group Material gives its token, the text is unchanged,
and there are fewer elements."""

from html.parser import HTMLParser

from pygments import highlight
from pygments.formatters import HtmlFormatter
from pygments.lexers import PythonLexer

from hooks.snippets import COLOUR, PLAIN_AFFIX, PLAIN_TOKEN, merge_tokens

SAMPLE = '''"""A docstring."""
import numpy as np
from keras import layers, regularizers

# a comment
x = np.arange(6, dtype="float32").reshape(2, 3) * 0.5 + 1e-3
for name, value in {"l1": 0.01, "l2": 1e-4}.items():
    print(f"{name:>4}: {value:.2g} -> {regularizers.get(name)!r} \\t done")
layer = layers.Dense(3, kernel_regularizer=regularizers.L2(0.01), use_bias=True)
assert isinstance(layer, layers.Layer) and None is not True
'''


class Colours(HTMLParser):
    """(character, colour group) for every character of the code."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack, self.chars, self.elements = [], [], 0

    def handle_starttag(self, tag, attrs):
        self.elements += 1
        self.stack.append(dict(attrs).get("class", ""))

    def handle_endtag(self, tag):
        self.stack.pop()

    def handle_data(self, data):
        token = self.stack[-1] if self.stack else ""
        self.chars += [(char, COLOUR.get(token, "plain")) for char in data]


def colours(html):
    parser = Colours()
    parser.feed(html)
    return parser


def test_merged_tokens_keep_every_characters_colour_and_the_text():
    html = highlight(SAMPLE, PythonLexer(), HtmlFormatter(nowrap=True))
    before = colours(PLAIN_TOKEN.sub(r"\1", html))
    after = colours(merge_tokens(PLAIN_AFFIX.sub(r"\1", PLAIN_TOKEN.sub(r"\1", html))))
    assert "".join(c for c, _ in after.chars) == SAMPLE
    assert after.chars == before.chars
    assert after.elements < 0.8 * before.elements, (before.elements, after.elements)
