"""A page of docs/, parsed once (markdown-it-py, admonition plugin) into typed blocks that
checking, rendering and notebook generation all walk: `Code` and `Output` (includes of a
snippet or section, and of what it printed), `Figure`, `Expander` (`??? example` with whole
files), `Exercise` (`!!! question` with a `??? success` solution), other `Admonition`s,
`Prose`; and the value
references `{{ chapter/nn_topic:dotted.path|spec }}` (`:@seconds`: a fact of the run; the
spec `json` gives compact JSON for a page's `<script type="application/json">`).
"""

from __future__ import annotations

import ast
import html
import json
import re
from dataclasses import dataclass
from pathlib import Path

from markdown_it import MarkdownIt
from mdit_py_plugins.admon import admon_plugin

from runner.child import MARKER, PHONE, split_regions
from runner.engine import BACKEND_MODULE, BACKEND_NAME, Project, is_snippet, reader_text

INCLUDE = re.compile(r"""^(?P<indent>\s*)--8<--\s+(["'])(?P<target>[^"']+)\2\s*$""")
VALUE = re.compile(
    r"\{\{\s*(?P<id>[\w-]+/[\w-]+)(?:@(?P<backend>\w+))?:(?P<path>@?[\w.-]+)"
    r"\s*(?:\|\s*(?P<spec>[^}]*?)\s*)?\}\}")
# A content tab (pymdownx.tabbed): parsed as an admonition of kind "tab"
TAB = re.compile(r'^(?P<indent>\s*)===(?P<open>\+?)\s+(?P<title>".*")\s*$')
FIGURE = re.compile(r"(?:^|/)figures/(?P<id>[\w-]+/[\w-]+)/(?P<name>[\w-]+)\.svg$")
FENCE = re.compile(r"^(?P<indent>\s*)(?P<fence>`{3,}|~{3,})\s*(?P<lang>[\w+-]*)\s*(?P<rest>.*)$")


class PageError(Exception):
    """A page refers to a snippet, section, output, figure or value that does not exist."""


@dataclass
class Block:
    line: int  # 1-based, as every line number here
    text: str  # its Markdown, dedented to the level of its container


class Prose(Block):
    """Text, headings, tables, lists, ordinary code blocks, other admonitions."""


@dataclass
class Include(Block):
    file: str  # chapter/nn_topic.py (or a helper module), or chapter/nn_topic/name.txt
    section: str | None
    snippet_id: str  # of the snippet included, or of the snippet that printed the output
    indent: str


class Code(Include):
    """A snippet section, a whole snippet or a whole helper module."""


@dataclass
class Output(Include):
    fenced: bool  # False: printed Markdown (a table) that the page shows as such


@dataclass
class Figure(Block):
    alt: str
    snippet_id: str
    name: str
    caption: str = ""  # the image's title: ![alt](figures/....svg "Caption")


@dataclass
class Admonition(Block):
    kind: str  # note, warning, example, question, ...
    title: str
    blocks: list[Block]


class Expander(Admonition):
    """`??? example` holding whole files: its blocks are Code and Output blocks."""


class Exercise(Admonition):
    """`!!! question`: its blocks are its text (Prose) and its solution (an Expander)."""


@dataclass
class Page:
    name: str  # docs/<file>, as messages name it
    text: str
    blocks: list[Block]
    # the line of its first second-level heading: what comes before is the page's opening,
    # where a reader lands (past the last line if it has none)
    opening_end: int = 0

    @classmethod
    def parse(cls, text: str, name: str) -> Page:
        lines = text.split("\n")
        # content tabs read as admonitions of kind "tab", line for line
        marked = "\n".join(TAB.sub(r"\g<indent>!!! tab \g<title>", line) for line in lines)
        tokens = MarkdownIt("commonmark").use(admon_plugin).enable("table").parse(marked)
        opening_end = next((token.map[0] + 1 for token in tokens if token.type == "heading_open"
                            and token.tag == "h2" and token.level == 0), len(lines) + 1)
        return cls(name, text, blocks(tokens, lines, 0, len(lines), ""), opening_end)

    @property
    def title(self) -> str:
        heading = re.search(r"^# (.+)$", self.text, re.M)
        return heading[1].strip() if heading else Path(self.name).stem

    @property
    def values(self) -> list[tuple[int, re.Match]]:
        """Each value reference, with its line: match["id"], ["path"] and ["spec"]."""
        return [(number, match) for number, line in enumerate(self.text.split("\n"), start=1)
                for match in VALUE.finditer(line)]

    def walk(self, items: list[Block] | None = None):
        """Every block, depth first."""
        for block in self.blocks if items is None else items:
            yield block
            if isinstance(block, Admonition):
                yield from self.walk(block.blocks)


def blocks(tokens, lines: list[str], start: int, end: int, indent: str) -> list[Block]:
    """The blocks of lines[start:end] (0-based), whose top-level tokens are `tokens`;
    the lines between the special blocks are prose."""
    result, position, index = [], start, 0
    while index < len(tokens):
        token, close, depth = tokens[index], index, 0
        while token.nesting == 1 and (depth := depth + tokens[close].nesting) > 0:
            close += 1  # to the matching close
        found = classify(token, tokens[index + 1 : close], lines, indent)
        if found:
            add_prose(result, lines[position : token.map[0]], position, indent)
            result.extend(found)
            position = token.map[1]
        index = close + 1
    add_prose(result, lines[position:end], position, indent)
    return result


def add_prose(result: list[Block], lines: list[str], start: int, indent: str):
    text = "\n".join(dedent(line, indent) for line in lines).strip("\n")
    if text.strip():
        first = next(i for i, line in enumerate(lines) if line.strip())
        result.append(Prose(start + first + 1, text))


def dedent(line: str, indent: str) -> str:
    return line[len(indent) :] if line.startswith(indent) else line.lstrip()


def include(line: int, text: str, target: str, indent: str, fenced: bool) -> Include:
    file, _, section = target.partition(":")
    path = Path(file)
    if path.suffix == ".txt":
        return Output(line, text, file, None, path.parent.as_posix(), indent, fenced)
    return Code(line, text, file, section or None, path.with_suffix("").as_posix(), indent)


def classify(token, inner, lines: list[str], indent: str) -> list[Block]:
    """The special blocks a top-level token stands for; [] for prose."""
    if not token.map:
        return []
    start, end = token.map
    text = "\n".join(dedent(line, indent) for line in lines[start:end])
    if token.type in ("fence", "paragraph_open"):
        found = [(n + 1, m) for n in range(start, end) if (m := INCLUDE.match(lines[n]))]
        fenced = token.type == "fence"
        if found and (fenced or len(found) == end - start):  # a paragraph of bare includes
            return [include(n, text, m["target"], m["indent"], fenced) for n, m in found]
        children = [t for t in (inner[0].children if inner else []) or []
                    if t.type != "softbreak" and (t.type == "image" or t.content.strip())]
        figures = [(t, FIGURE.search(t.attrGet("src") or "")) for t in children]
        if figures and all(t.type == "image" and m for t, m in figures):
            return [Figure(start + 1, text, t.content, m["id"], m["name"],
                           (t.attrGet("title") or "").strip()) for t, m in figures]
    elif token.type == "admonition_open":
        kind, _, name = token.info.strip().partition(" ")  # question "Exercise 1: ..."
        name = name.strip().strip('"')
        found = blocks(inner, lines, start + 1, end, indent + " " * 4)
        if token.markup.startswith("???") and any(
                isinstance(b, Code) and not b.section for b in found):
            whole = [b for b in found if isinstance(b, Include)]
            return [Expander(start + 1, text, kind, name, whole)]
        kind_class = Exercise if kind == "question" else Admonition
        return [kind_class(start + 1, text, kind, name, found)]
    return []


PENDING_VALUE = "…"
PENDING_JSON = "null"


def pending_text(snippet_id: str) -> str:
    return (f"(pending: this output appears when snippets/{snippet_id}.py has run; "
            "the page reloads by itself)")


@dataclass
class Checker:
    """Checks a page's references against a project's snippets and their outputs.

    `pending`: snippets that have not run yet while `mkdocs serve` runs them in the
    background (runner/background.py); their outputs, values and figures are shown as
    pending instead of being refused. Empty in every other build."""

    project: Project
    pending: frozenset[str] = frozenset()

    def waiting(self, snippet_id: str, backend: str | None = None) -> bool:
        """A snippet of `pending` that still has no outputs (on the backend, else the
        primary one)."""
        return snippet_id in self.pending and not self.project.outputs(
            snippet_id, backend).exists

    def include(self, item: Include) -> str | None:
        file = self.project.snippets_dir / (
            f"{item.snippet_id}.py" if isinstance(item, Output) else item.file)
        if not file.is_file():
            return f"included file {item.file!r} does not exist"
        if isinstance(item, Output):
            if self.waiting(item.snippet_id):
                return None
            texts = self.project.outputs(item.snippet_id).texts
            return None if Path(item.file).stem in texts else (
                f"output '{Path(item.file).name}' was not produced by snippets/{item.snippet_id}.py"
                f" (it produced: {', '.join(f'{n}.txt' for n in texts) or 'nothing yet'})")
        if item.section and f"# --8<-- [start:{item.section}]" not in file.read_text():
            return f"section {item.section!r} is not marked in {item.file}"
        return None

    def figure(self, block: Figure) -> str | None:
        ref, source = f"{block.snippet_id}/{block.name}.svg", f"snippets/{block.snippet_id}.py"
        figures = self.project.outputs(block.snippet_id).figures
        if not block.alt.strip():
            return f"figure {ref} has no alt text"
        if not (self.project.snippets_dir / f"{block.snippet_id}.py").is_file():
            return f"figure {ref} names snippet {source}, which does not exist"
        if self.waiting(block.snippet_id):
            return None
        shown = [name for name in figures if not name.endswith(PHONE)]
        if block.name not in shown:
            return (f"figure {block.name!r} was not produced by {source} "
                    f"(it produced: {', '.join(shown) or 'no figures'})")
        if not block.caption:
            return (f"figure {ref} has no caption: give the image a title, "
                    f'![alt text](figures/{ref} "Caption.")')
        return None

    def value(self, match: re.Match) -> str:
        """The formatted value of a VALUE match; KeyError with the problem if there is none."""
        snippet_id, path, spec = match["id"], match["path"], match["spec"]
        outputs = self.project.outputs(snippet_id, match["backend"])
        if self.waiting(snippet_id, match["backend"]):
            return PENDING_JSON if spec == "json" else PENDING_VALUE
        if match["backend"] and not outputs.exists:
            known = ", ".join(self.project.backends_of(snippet_id)) or "none"
            raise KeyError(f"snippets/{snippet_id}.py has no outputs on backend "
                           f"{match['backend']!r} (it has: {known})")
        if not (self.project.snippets_dir / f"{snippet_id}.py").is_file():
            raise KeyError(f"snippet snippets/{snippet_id}.py does not exist")
        if not outputs.exists:
            raise KeyError(f"snippets/{snippet_id}.py has no outputs yet")
        value = outputs.meta if path.startswith("@") else outputs.values
        for part in path.removeprefix("@").split("."):
            if isinstance(value, list) and re.fullmatch(r"-?\d+", part) and (
                    -len(value) <= int(part) < len(value)):
                value = value[int(part)]
            elif isinstance(value, dict) and part in value:
                value = value[part]
            elif path.startswith("@"):
                known = ", ".join("@" + k for k in outputs.meta)
                raise KeyError(f"run fact {path!r} is unknown (known: {known})")
            else:
                known = ", ".join(sorted(outputs.values)) or "none"
                raise KeyError(f"value {path!r} is not set by snippets/{snippet_id}.py "
                               f"(its top-level values: {known})")
        if spec == "json":  # compact JSON, safe inside <script type="application/json">
            return json.dumps(value, separators=(",", ":")).replace("<", "\\u003c")
        try:
            return format(value, spec or "")
        except (TypeError, ValueError) as error:
            raise KeyError(f"value {path!r} = {value!r} cannot be formatted as {spec!r}: "
                           f"{error}") from None

    def problems(self, page: Page) -> list[str]:
        found = []
        for block in page.walk():
            check = self.include if isinstance(block, Include) else (
                self.figure if isinstance(block, Figure) else None)
            if check and (problem := check(block)):
                found.append((block.line, problem))
        for line, match in page.values:
            try:
                self.value(match)
            except KeyError as error:
                found.append((line, error.args[0]))
        return [f"{page.name}:{line}: {problem}" for line, problem in sorted(found)]

    def fill(self, text: str) -> str:
        """text with its values substituted (checked already)."""
        return VALUE.sub(self.value, text)


def render(page: Page, project: Project, pending: frozenset[str] = frozenset()) -> str:
    """Check every reference of the page and return its Markdown for the site: values
    substituted, outputs and whole files written in as readers see them (sections are
    left to pymdownx.snippets). Each shown section is tagged with its file and its place in
    it, and preceded, the first time its file appears, by a collapsed "Set-up" block (what
    the file runs before its first section), so that a copy button can copy set-up, earlier
    sections and the section itself (docs/javascripts/copy.js). Outputs are tagged as such.
    A "whole file" expander becomes a link to the copy of the file that the site serves,
    instead of a second copy of the code in the page. Snippets of `pending` without outputs
    (only while `mkdocs serve` runs them) get a pending note in place of each output."""
    checker = Checker(project, pending)
    if problems := checker.problems(page):
        raise PageError("\n".join(problems))
    lines = [checker.fill(line) for line in page.text.split("\n")]  # a value may be lines
    numbers = figure_numbers(page, project)
    shown = shown_sections(page)
    edits: list[tuple[int, int, list[str]]] = []  # replace lines[start:end]
    set_up, skip_to = set(), -1
    for block in page.walk():
        if block.line - 1 < skip_to:  # inside an expander replaced by links
            continue
        if isinstance(block, Expander) and linked(block):
            start = block.line - 1
            skip_to = start + len(block.text.split("\n"))
            indent = re.match(r"\s*", lines[start])[0]
            edits.append((start, skip_to, whole_file_links(block, project, indent)))
        elif isinstance(block, Include) and not block.section:
            body = (pending_text(block.snippet_id) if isinstance(block, Output)
                    and checker.waiting(block.snippet_id) else included_text(block, project)
                    ).rstrip("\n").split("\n")
            edits.append((block.line - 1, block.line, [(block.indent + s).rstrip() for s in body]))
        elif isinstance(block, Figure):
            start = block.line - 1
            indent = re.match(r"\s*", lines[start])[0]
            body = (figure_markdown(block, numbers[id(block)], checker, project,
                                    lazy=block.line >= page.opening_end)
                    if not checker.waiting(block.snippet_id) else
                    [f"*Figure {numbers[id(block)]}: {pending_text(block.snippet_id)}*"])
            edits.append((start, start + block.text.count("\n") + 1,
                          [(indent + s).rstrip() for s in body]))
        if isinstance(block, Output) and block.fenced:
            fence = fence_line(lines, block.line - 1)
            edits.append((fence, fence + 1, [tag(with_provenance(
                lines[fence], block, project), "output")]))
    for item in shown_blocks(page, project):
        first = item.blocks[0]
        edits.append((item.fence, item.fence + 1, [tag(
            lines[item.fence], "snippet", snippet=first.snippet_id, order=item.order)]))
        parts = Parts.of(project.snippets_dir / first.file, shown[first.snippet_id])
        if first.snippet_id not in set_up and parts.setup:
            set_up.add(first.snippet_id)
            edits.append((item.fence, item.fence, setup_block(first, parts.setup)))
    for start, end, replacement in sorted(edits, key=lambda e: (e[0], e[1]), reverse=True):
        lines[start:end] = replacement
    return "\n".join(lines)


def with_pending_note(markdown: str, page: Page, pending: frozenset[str]) -> str:
    """The rendered page with a note under its title if some of its snippets are pending
    (`mkdocs serve` is running them in the background)."""
    used = {match["id"] for _, match in page.values} | {
        block.snippet_id for block in page.walk() if getattr(block, "snippet_id", None)}
    waiting = used & pending
    if not waiting:
        return markdown
    count = f"{len(waiting)} of this page's snippets {'is' if len(waiting) == 1 else 'are'}"
    note = (f'!!! info "{count} still running"\n    Their outputs, numbers and figures show '
            "as pending until they have run; the page reloads by itself.\n")
    head, _, rest = markdown.partition("\n")
    return f"{head}\n\n{note}\n{rest}" if head.startswith("# ") else f"{note}\n{markdown}"


def provenance(block: Output, project: Project) -> str:
    """Which backends ran the snippet of an output, from their runs: "TensorFlow 2.21.0",
    "TensorFlow 2.21.0 and JAX 0.10.2 print the same" or "...: JAX 0.10.2 prints it
    differently"."""
    runs = project.backends_of(block.snippet_id)
    name = Path(block.file).stem
    named = []
    for backend, out in runs.items():
        version = out.meta.get("versions", {}).get(BACKEND_MODULE.get(backend, backend))
        if not version:  # a run that did not import the backend verified nothing on it
            return ""
        named.append(f"{BACKEND_NAME.get(backend, backend)} {version}")
    if len(named) <= 1:
        return named[0] if named else ""
    outputs = list(runs.values())
    shown = outputs[0].text(name)
    same = [n for n, out in zip(named[1:], outputs[1:], strict=True) if out.text(name) == shown]
    other = [n for n in named[1:] if n not in same]
    if not same:
        return f"{named[0]}; {listed(other)} print{'s' * (len(other) == 1)} it differently"
    text = f"{listed([named[0], *same])} print the same"
    if other:
        text += f"; {listed(other)} print{'s' * (len(other) == 1)} it differently"
    return text


def listed(names: list[str]) -> str:
    """"A", "A and B", "A, B and C"."""
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"


def with_provenance(fence: str, block: Output, project: Project) -> str:
    """An output fence whose title says which backends ran it: `title="Output"` becomes
    `title="Output · TensorFlow 2.21.0 and JAX 0.10.2 print the same"`."""
    text = provenance(block, project)
    if not text:
        return fence
    return re.sub(r'title="([^"]*)"', lambda m: f'title="{m[1]} · {text}"', fence, count=1)


def figure_numbers(page: Page, project: Project) -> dict[int, str]:
    """"3.2" for a chapter's second figure (the chapter's place in mkdocs.yml's "Chapters"),
    "2" on a page that is not a chapter; by id() of the Figure block."""
    from runner.chapters import chapters

    slugs = [c.slug for c in chapters(project.root)] if (
        project.root / "mkdocs.yml").is_file() else []
    slug = Path(page.name).stem
    prefix = f"{slugs.index(slug) + 1}." if slug in slugs else ""
    found = [block for block in page.walk() if isinstance(block, Figure)]
    return {id(block): f"{prefix}{index}" for index, block in enumerate(found, start=1)}


def svg_size(path: Path) -> tuple[int, int]:
    """The CSS pixel size of a matplotlib SVG (its width and height are in pt)."""
    head = path.read_text(encoding="utf-8")[:2000]
    found = re.search(r'<svg[^>]*?width="([\d.]+)pt" height="([\d.]+)pt"', head)
    if not found:
        raise PageError(f"{path}: not an SVG with its size in pt")
    return round(float(found[1]) * 4 / 3), round(float(found[2]) * 4 / 3)


def figure_markdown(block: Figure, number: str, checker: Checker, project: Project,
                    lazy: bool = True) -> list[str]:
    """A figure as readers see it: numbered, captioned, its size given (no layout shift),
    loaded lazily (eagerly in the page's opening, where it is on screen at once and often the
    largest thing painted); with its phone layout if the runner made one, the stylesheet
    choosing between the two by the width of the screen."""
    figures = project.outputs(block.snippet_id).figures
    alt = checker.fill(block.alt).replace("[", "\\[").replace("]", "\\]")
    caption = html.escape(checker.fill(block.caption), quote=False)
    raster = "<image" in figures[block.name].read_text(encoding="utf-8")
    classes = "figure figure-raster" if raster else "figure"
    lines = [f'<figure class="{classes}" id="figure-{number.replace(".", "-")}" markdown="span">']
    variants = [(block.name, "figure-wide")]
    if f"{block.name}{PHONE}" in figures:
        variants.append((f"{block.name}{PHONE}", "figure-phone"))
    loading = "lazy" if lazy else "eager"
    for name, css in variants:
        width, height = svg_size(figures[name])
        css = f".{css} " if len(variants) > 1 else ""
        lines.append(f"![{alt}](figures/{block.snippet_id}/{name}.svg){{ {css}"
                     f'width="{width}" height="{height}" loading="{loading}" }}')
    lines += [f"<figcaption>Figure {number} — {caption}</figcaption>", "</figure>"]
    return lines


@dataclass
class Parts:
    """A snippet as a page shows it in sections: its set-up (everything before the first
    section the page shows, without the docstring: imports, and data or helpers from
    sections the page does not show) and its sections' code, in the order of the file."""

    setup: str
    sections: dict[str, str]

    @classmethod
    def of(cls, path: Path, shown: list[str]) -> Parts:
        lines = reader_text(path).splitlines(keepends=True)
        regions = list(split_regions(lines))
        first = next((i for i, (_, _, names) in enumerate(regions) if set(names) & set(shown)),
                     len(regions))
        head = [line for start, end, _ in regions[:first] for line in lines[start:end]]
        setup = "".join(head[docstring_end(head):]).strip("\n")
        setup = re.sub(r"\n{3,}", "\n\n\n", setup)
        sections: dict[str, list[str]] = {}
        for start, end, names in regions:
            for name in names:
                sections.setdefault(name, []).extend(lines[start:end])
        return cls(setup, {name: "".join(body).strip("\n") for name, body in sections.items()})


def docstring_end(lines: list[str]) -> int:
    """The number of leading lines that hold the module's docstring (0 if none)."""
    try:
        body = ast.parse("".join(lines)).body
    except SyntaxError:
        return 0
    first = body[0] if body else None
    if isinstance(first, ast.Expr) and isinstance(getattr(first, "value", None), ast.Constant) \
            and isinstance(first.value.value, str):
        return first.end_lineno
    return 0


def shown_sections(page: Page) -> dict[str, list[str]]:
    """The sections of each snippet that the page shows, by snippet id, in page order."""
    shown: dict[str, list[str]] = {}
    for block in page.walk():
        if isinstance(block, Code) and block.section and is_snippet(block.file):
            shown.setdefault(block.snippet_id, []).append(block.section)
    return shown


@dataclass
class Shown:
    """A code block of the page that shows sections of one snippet (usually one section;
    consecutive includes in one fence show several): the index of its fence in the page's
    lines, and its place in the file, that of its last section (0 is the set-up)."""

    fence: int
    blocks: list[Code]
    order: int
    text: str


def shown_blocks(page: Page, project: Project) -> list[Shown]:
    """The page's code blocks of snippet sections, in page order."""
    lines, shown, found = page.text.split("\n"), shown_sections(page), {}
    for block in page.walk():
        if isinstance(block, Code) and block.section and is_snippet(block.file):
            fence = fence_line(lines, block.line - 1)
            found.setdefault(fence, []).append(block)
    result = []
    for fence, blocks in found.items():
        parts = Parts.of(project.snippets_dir / blocks[0].file, shown[blocks[0].snippet_id])
        order = max(list(parts.sections).index(b.section) + 1 for b in blocks)
        text = "\n".join(parts.sections[b.section] for b in blocks)
        result.append(Shown(fence, blocks, order, text))
    return result


def copies(page: Page, project: Project) -> list[tuple[Code, str]]:
    """What the copy button of each block of shown sections copies (docs/javascripts/copy.js
    does the same in the browser): its file's set-up, then the blocks of that file that the
    page shows before it in file order (the first block of each place), then itself."""
    shown, blocks, found = shown_sections(page), shown_blocks(page, project), []
    for item in blocks:
        first = item.blocks[0]
        setup = Parts.of(project.snippets_dir / first.file, shown[first.snippet_id]).setup
        parts: dict[int, str] = {}
        for other in blocks:
            if other.blocks[0].snippet_id == first.snippet_id and other.order <= item.order:
                parts.setdefault(other.order, other.text)
        code = [setup] + [parts[order] for order in sorted(parts)]
        found.append((item.blocks[-1], "\n\n".join(part for part in code if part) + "\n"))
    return found


def linked(block: Expander) -> bool:
    """A "whole file" expander (`??? example`) of whole files only, no outputs."""
    return block.kind == "example" and all(
        isinstance(b, Code) and not b.section for b in block.blocks)


def whole_file_links(block: Expander, project: Project, indent: str) -> list[str]:
    found = []
    for code in (b for b in block.blocks if isinstance(b, Code)):
        name, url = Path(code.file).name, f"snippets/{code.file}"
        count = len(reader_text(project.snippets_dir / code.file).splitlines())
        what = ("The whole file, which runs as it is" if is_snippet(code.file) else
                "The helper module that the files import, to keep next to them")
        found += [f"{indent}{what}: [`{name}`]({url}) ({count} lines), or "
                  f'[download it]({url}){{ download="{name}" }}.',
                  f"{indent}{{ .whole-file }}", ""]
    return found


def fence_line(lines: list[str], include: int) -> int:
    """The index of the fence that opens the code block holding the line `include`."""
    index = include
    while index > 0 and not FENCE.match(lines[index]):
        index -= 1
    return index


def tag(fence: str, kind: str, **data) -> str:
    """A fence's opening line with a class and data attributes (attr_list syntax)."""
    match = FENCE.match(fence)
    rest = match["rest"].strip()
    if rest.startswith("{") and rest.endswith("}"):
        rest = rest[1:-1].strip()
    attributes = [f".{match['lang']}" if match["lang"] else "", f".{kind}", rest,
                  *(f'data-{key}="{value}"' for key, value in data.items())]
    return f"{match['indent']}{match['fence']}{{{' '.join(a for a in attributes if a)}}}"


def setup_block(block: Code, setup: str) -> list[str]:
    """A collapsed block with a file's set-up, tagged as part 0 of the file."""
    indent, name = block.indent, Path(block.file).name
    fence = "`" * max(3, 1 + max((len(m) for m in re.findall(r"`+", setup)), default=0))
    head = (f'{fence}{{.python .snippet title="snippets/{block.file} (set-up)" '
            f'data-snippet="{block.snippet_id}" data-order="0"}}')
    body = [f"    {line}".rstrip() for line in setup.split("\n")]
    return [f'{indent}??? note "Set-up for `{name}`: the copy buttons below include it"',
            *(f"{indent}{line}".rstrip() for line in [f"    {head}", *body, f"    {fence}", ""])]


def included_text(item: Include, project: Project) -> str:
    if isinstance(item, Output):
        return project.outputs(item.snippet_id).text(Path(item.file).stem)
    source = reader_text(project.snippets_dir / item.file).splitlines(keepends=True)
    return "".join(line for line in source if not MARKER.match(line))


def mathml(tex: str, display: str, page: str) -> str:
    """LaTeX as MathML, labelled with its source for screen readers; PageError naming the
    page for a formula latex2mathml cannot convert. The site and the notebooks use it."""
    from latex2mathml.converter import convert

    try:
        converted = convert(tex, display=display)
    except Exception as error:  # latex2mathml raises many kinds
        raise PageError(f"{page}: cannot render formula {tex!r}: {error}") from None
    return converted.replace("<math ", f'<math aria-label="{html.escape(tex)}" ', 1)
