"""One Jupyter notebook per chapter, made by walking the chapter's page model.

Prose becomes Markdown cells (links made absolute). Each snippet is emitted region by region
(between its `# --8<--` markers): a section appears where the page shows it, after the
regions it depends on; the rest of the file where the page offers "the whole file", so the
notebook runs top to bottom. A helper module becomes a `%%writefile` cell; an exercise is its
text, then its solution's cells.

With outputs (the site's notebooks), cells carry what the runner captured, values are
injected, and nothing is executed again. Without (notebooks/, for Colab), nothing
machine-dependent is written: values read [...] and printed tables are a note.
"""

from __future__ import annotations

import ast
import base64
import html
import re
import sys
from importlib.metadata import packages_distributions
from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

from runner.chapters import chapters
from runner.child import PHONE, split_regions
from runner.engine import Project, is_snippet, reader_text, write_atomic
from runner.page import (
    VALUE,
    Admonition,
    Checker,
    Code,
    Expander,
    Figure,
    Output,
    Page,
    PageError,
    Prose,
    mathml,
)

LINK = re.compile(r"(\]\()(?!https?://|#|mailto:)([^)\s]+)(\))")
TABLE_NOTE = "*(The cell above prints a table here when you run it.)*"
PLACEHOLDER = "[...]"  # a value, which running the cells computes


class Snippet:
    """A snippet file cut into regions (source, open sections); remembers what was emitted."""

    def __init__(self, project: Project, snippet_id: str, alt_texts: dict):
        self.id, self.alt_texts, self.outputs = snippet_id, alt_texts, project.outputs(snippet_id)
        lines = reader_text(project.snippets_dir / f"{snippet_id}.py").splitlines(keepends=True)
        self.regions = [("".join(lines[a:b]).strip("\n"), names)
                        for a, b, names in split_regions(lines) if "".join(lines[a:b]).strip()]
        self.emitted: set[int] = set()
        self.shown_figures: set[str] = set()

    def upto(self, section: str | None) -> list[int]:
        """Regions not yet emitted, up to and including those of `section` (None: all)."""
        last = len(self.regions) - 1 if section is None else max(
            (i for i, (_, names) in enumerate(self.regions) if section in names), default=-1)
        return [i for i in range(last + 1) if i not in self.emitted]

    def cell_outputs(self, index: int) -> list:
        """Captured stdout of a region (sections only), and figures on the last region."""
        source, names = self.regions[index]
        text = self.outputs.text(names[-1]) if names else None
        found = [new_output("stream", name="stdout", text=text)] if text else []
        if index < len(self.regions) - 1 and "plt.show()" not in source:
            return found
        for name, svg in sorted(self.outputs.figures.items()):
            if name not in self.shown_figures and not name.endswith(PHONE):
                self.shown_figures.add(name)
                alt = self.alt_texts.get((self.id, name), f"Figure {name} of {self.id}")
                src = "data:image/svg+xml;base64," + base64.b64encode(svg.read_bytes()).decode()
                img = f'<img alt="{html.escape(alt)}" src="{src}">'
                found.append(new_output("display_data", data={
                    "text/html": img, "image/svg+xml": svg.read_text()}))
        return found


class Builder:
    """Cells of one chapter's notebook, added block by block."""

    def __init__(self, page: Page, project: Project, site_url: str, page_url: str,
                 with_outputs: bool):
        self.page, self.project, self.with_outputs = page, project, with_outputs
        self.site_url, self.page_url = site_url.rstrip("/"), page_url
        self.checker = Checker(project)
        fill = self.checker.fill if with_outputs else (lambda alt: VALUE.sub(PLACEHOLDER, alt))
        self.alt_texts = {(b.snippet_id, b.name): fill(b.alt) for b in page.walk()
                          if isinstance(b, Figure)}
        self.snippets: dict[str, Snippet] = {}
        self.cells, self.prose = [], []

    def flush(self):
        body = "\n\n".join(self.prose).strip()
        if body:
            self.cells.append(new_markdown_cell(self.markdown(body)))
        self.prose.clear()

    def markdown(self, text: str) -> str:
        text = self.checker.fill(text) if self.with_outputs else VALUE.sub(PLACEHOLDER, text)
        text = absolute_links(text, self.site_url, self.page_url)
        return jupyter_markdown(text, self.page.name if self.with_outputs else None)

    def code(self, source: str, outputs=()):
        self.flush()
        cell = new_code_cell(source)
        if self.with_outputs:
            cell.outputs = list(outputs)
        self.cells.append(cell)

    def emit(self, snippet_id: str, section: str | None):
        self.flush()  # code, even if all of it was shown already, ends a Markdown cell
        if snippet_id not in self.snippets:
            self.snippets[snippet_id] = Snippet(self.project, snippet_id, self.alt_texts)
        item = self.snippets[snippet_id]
        for index in item.upto(section):
            item.emitted.add(index)
            self.code(item.regions[index][0], item.cell_outputs(index) if self.with_outputs else ())

    def add(self, block):
        if isinstance(block, Prose):
            self.prose.append(block.text)
        elif isinstance(block, Code) and is_snippet(block.file):
            self.emit(block.snippet_id, block.section)
        elif isinstance(block, Code) and not block.section:  # a helper module the snippets use
            source = reader_text(self.project.snippets_dir / block.file).rstrip()
            self.code(f"%%writefile {Path(block.file).name}\n{source}")
        elif isinstance(block, Output) and not block.fenced:  # printed Markdown: a table
            text = self.with_outputs and self.project.outputs(block.snippet_id).text(
                Path(block.file).stem)
            self.prose.append(text.strip() if text else TABLE_NOTE)
        elif isinstance(block, Expander):  # whole files: their remaining code
            for inner in block.blocks:
                if isinstance(inner, Code):
                    self.add(inner)
        elif isinstance(block, Admonition) and block.kind == "tab":  # a content tab
            files = [b.file for b in block.blocks if isinstance(b, Code) and is_snippet(b.file)]
            primary = self.project.backends[0]
            if any(primary not in (self.project.declared_backends(
                    self.project.snippets_dir / file) or [primary])
                   for file in dict.fromkeys(files)):
                # another backend's code cannot run in this notebook's Python
                links = ", ".join(f"[`{Path(f).name}`](snippets/{f})" for f in dict.fromkeys(files))
                self.prose.append(f"**{block.title}**: this tab's code runs on the {block.title} "
                                  f"backend, in a Python of its own: {links}.")
                return
            self.prose.append(f"**{block.title}**")
            for inner in block.blocks:
                self.add(inner)
        elif isinstance(block, Admonition):  # a note, a warning, an exercise: a quote
            text = "\n\n".join(b.text for b in block.blocks if isinstance(b, Prose))
            self.prose.append(quote(f"**{block.title or block.kind.title()}**\n\n{text}"))
            for inner in block.blocks:  # an exercise's solution follows its text
                if isinstance(inner, Expander):
                    self.prose.append(f"**{inner.title}**")
                if not isinstance(inner, Prose):
                    self.add(inner)
        # fenced outputs are on their code cells; figures are outputs of the code cells

    def notebook(self):
        if self.with_outputs and (problems := self.checker.problems(self.page)):
            raise PageError("\n".join(problems))
        for block in self.page.blocks:
            self.add(block)
        self.flush()
        for item in self.snippets.values():  # anything the page never showed, so it runs
            self.emit(item.id, None)
        chapter = f"{self.site_url}/{self.page_url}"
        intro = (f"*This notebook is generated from the chapter [{self.page.title}]({chapter}) "
                 "of the site; every code cell is one of its examples, in page order. It was "
                 f"run with the versions listed on the [About page]({self.site_url}/about/); the "
                 "first code cell prints yours, and in Colab installs those versions first.*")
        setup = [self.setup()] if self.project.lock_file.is_file() else []  # pins to show
        notebook = new_notebook(cells=[new_markdown_cell(intro), *setup, *self.cells])
        for index, cell in enumerate(notebook.cells):  # stable ids: regenerating changes nothing
            cell["id"] = f"cell-{index:03d}"
        notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                           "language": "python"}
        notebook.metadata["language_info"] = {"name": "python"}
        return notebook


    def setup(self):
        """The first code cell: in Colab, install the versions this chapter's outputs were made
        with (pinned in requirements.txt); everywhere, print the versions it runs with."""
        pins = pinned(self.project, [self.project.snippets_dir / f"{i}.py" for i in self.snippets])
        width = max(map(len, pins), default=0)
        lines = [
            "# The versions this chapter was run with for the site (from requirements.txt).",
            "# In Colab they are installed first; elsewhere, install them yourself.",
            "import importlib.metadata",
            "import subprocess",
            "import sys",
            "",
            "PINNED = {",
            *(f'    "{name}": "{version}",' for name, version in pins.items()),
            "}",
            'if "google.colab" in sys.modules:',
            "    pins = [f\"{name}=={version}\" for name, version in PINNED.items()]",
            '    subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", *pins],',
            "                   check=True)",
            "for name, version in PINNED.items():",
            "    installed = importlib.metadata.version(name)",
            "    note = \"\" if installed == version else f\"  (the site used {version})\"",
            f"    print(f\"{{name:{width}}} {{installed}}{{note}}\")",
        ]
        return new_code_cell("\n".join(lines))


def pinned(project: Project, files: list[Path]) -> dict[str, str]:
    """The distributions that files (and the local modules they import) import, with their
    versions pinned in the project's lock file, by name."""
    lock = {}
    text = project.lock_file.read_text(encoding="utf-8") if project.lock_file.is_file() else ""
    for line in text.splitlines():
        name, _, version = line.strip().partition("==")
        if version and not name.startswith("#"):
            lock[name.lower().replace("_", "-")] = version
    modules = set()
    for file in {f for path in files for f in (path, *project.local_imports(path))}:
        for node in ast.walk(ast.parse(file.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                modules.update(alias.name.split(".")[0] for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                modules.add(node.module.split(".")[0])
    distributions = packages_distributions()
    found = {}
    for module in sorted(modules - set(sys.stdlib_module_names)):
        for name in distributions.get(module, []):
            key = name.lower().replace("_", "-")
            if key in lock:
                found[key] = lock[key]
    if "keras" in found and "tensorflow" in lock:  # Keras runs on the site's backend
        found["tensorflow"] = lock["tensorflow"]
    return dict(sorted(found.items()))


def quote(text: str) -> str:
    return "\n".join(f"> {line}" if line.strip() else ">" for line in text.split("\n"))


def jupyter_markdown(markdown: str, page: str | None = None) -> str:
    """Math that Jupyter does not know: \\( \\) and \\[ \\] become $ and $$ (for Jupyter and
    Colab), or MathML if a page name is given (for the site's notebooks, which load no math
    script). Headings lose their code spans, so that their anchors agree."""
    text = re.sub(r"^(#+ .*)$", lambda m: m[1].replace("`", ""), markdown, flags=re.M)
    if page:
        text = re.sub(r"\\\[(.+?)\\\]", lambda m: mathml(m[1].strip(), "block", page),
                      text, flags=re.S)
        return re.sub(r"\\\((.+?)\\\)", lambda m: mathml(m[1].strip(), "inline", page), text)
    text = re.sub(r"\\\((.+?)\\\)", r"$\1$", text)
    return re.sub(r"\\\[(.+?)\\\]", r"$$\1$$", text, flags=re.S)


def absolute_links(markdown: str, site_url: str, page_url: str) -> str:
    """Relative links of a page, rewritten against the published site."""

    def rewrite(match):
        target = match.group(2)
        path, _, anchor = target.partition("#")
        if path.endswith(".md"):
            path = path.removesuffix(".md").removesuffix("index") + "/"
            path = "" if path == "/" else path
        url = f"{site_url.rstrip('/')}/{path}" if path else f"{site_url.rstrip('/')}/{page_url}"
        return f"{match.group(1)}{url}{'#' + anchor if anchor else ''}{match.group(3)}"

    return LINK.sub(rewrite, markdown)


def build_all(project: Project, target: Path, with_outputs: bool) -> list[Path]:
    """Write one notebook per chapter into target; return the files that changed."""
    import yaml

    site_url = yaml.safe_load((project.root / "mkdocs.yml").read_text())["site_url"]
    changed = []
    for chapter in chapters(project.root):
        text = (project.root / "docs" / chapter.page).read_text(encoding="utf-8")
        page = Page.parse(text, f"docs/{chapter.page}")
        notebook = Builder(page, project, site_url, f"{chapter.slug}/", with_outputs).notebook()
        path = target / f"{chapter.slug}.ipynb"
        if write_atomic(path, nbformat.writes(notebook) + "\n"):
            changed.append(path)
    return changed


def main() -> int:
    """`python -m runner.notebooks`: (re)write notebooks/*.ipynb, the output-free copies
    that "Open in Colab" opens."""
    project = Project.from_env(Path(__file__).resolve().parents[1])
    for path in build_all(project, project.root / "notebooks", with_outputs=False):
        print(f"wrote {path.relative_to(project.root)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
