"""One Jupyter notebook per chapter, generated from the chapter's page and its snippets.

The page is read in order. Prose becomes Markdown cells (values injected, links made absolute
so they work outside the site). Each snippet is emitted region by region (the runner's
`# --8<--` sections and the code between them): a region shown on the page appears where the
page shows it, with the regions it depends on just before it; the rest of the file follows
where the page offers "the whole file", so every notebook runs top to bottom. A helper module
that the page includes whole becomes a `%%writefile` cell, so imports of it work in Colab.

With outputs, each cell carries what the runner captured for that region (its stdout, and the
figures on the cell that shows them): rendering a notebook never executes anything again.
"""

from __future__ import annotations

import base64
import html
import re
from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

from runner.child import split_regions
from runner.pages import INCLUDE, VALUE, Pages

FENCE = re.compile(r"^(\s*)(`{3,})(.*)$")
IMAGE_LINE = re.compile(r"^\s*!\[(?P<alt>[^\]]*)\]\([^)]*figures/(?P<ref>[^)]*)\.svg\)\s*$")
LINK = re.compile(r"(\]\()(?!https?://|#|mailto:)([^)\s]+)(\))")


class Snippet:
    """A snippet file cut into regions; remembers which regions were emitted."""

    def __init__(self, path: Path, snippet_id: str, output_dir: Path):
        self.path, self.id = path, snippet_id
        self.lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
        self.regions = [r for r in split_regions(self.lines) if "".join(self.lines[r[0]:r[1]]).strip()]
        self.emitted: set[int] = set()
        self.shown_figures: set[str] = set()
        self.alt_texts: dict[str, str] = {}
        self.output_dir = output_dir / snippet_id

    def source(self, index: int) -> str:
        start, end, _ = self.regions[index]
        return "".join(self.lines[start:end]).strip("\n")

    def upto(self, section: str | None) -> list[int]:
        """Regions not yet emitted, up to and including those of `section` (None: all)."""
        last = len(self.regions) - 1
        if section is not None:
            inside = [i for i, (_, _, names) in enumerate(self.regions) if section in names]
            last = inside[-1] if inside else -1
        return [i for i in range(last + 1) if i not in self.emitted]

    def outputs(self, index: int) -> list:
        """Captured stdout of a region (sections only), and figures on the last region."""
        found = []
        names = self.regions[index][2]
        if names:
            text = self.output_dir / f"{names[-1]}.txt"
            if text.is_file() and text.read_text():
                found.append(new_output("stream", name="stdout", text=text.read_text()))
        if index == len(self.regions) - 1 or "plt.show()" in self.source(index):
            for svg in sorted(self.output_dir.glob("*.svg")):
                if svg.stem not in self.shown_figures:
                    self.shown_figures.add(svg.stem)
                    alt = self.alt_texts.get(svg.stem, f"Figure {svg.stem} of {self.id}")
                    encoded = base64.b64encode(svg.read_bytes()).decode()
                    html_img = (f'<img alt="{html.escape(alt)}" '
                                f'src="data:image/svg+xml;base64,{encoded}">')
                    found.append(new_output("display_data", data={
                        "text/html": html_img, "image/svg+xml": svg.read_text()}))
        return found


def chapter_notebook(page: Path, pages: Pages, site_url: str, page_url: str,
                     with_outputs: bool = True):
    """The notebook of one chapter page (docs/<name>.md). Without outputs (the copy kept in
    the repository for Colab), numbers the site fills in from runs are left as [...]:
    they depend on the machine, and running the cells computes them."""
    text = page.read_text(encoding="utf-8")
    text = pages.render(text, f"docs/{page.name}") if with_outputs else VALUE.sub("[...]", text)
    snippets: dict[str, Snippet] = {}
    cells, prose = [], []

    def flush_prose():
        body = "\n".join(prose).strip()
        if body:
            body = jupyter_markdown(absolute_links(body, site_url, page_url), mathml=with_outputs)
            cells.append(new_markdown_cell(body))
        prose.clear()

    def snippet(target: str) -> tuple[Snippet, str | None] | None:
        path, _, section = target.partition(":")
        file = pages.snippets_dir / path
        if not (file.suffix == ".py" and file.is_file() and re.match(r"\d\d_", file.name)):
            return None
        snippet_id = Path(path).with_suffix("").as_posix()
        if snippet_id not in snippets:
            snippets[snippet_id] = Snippet(file, snippet_id, pages.output_dir)
            snippets[snippet_id].alt_texts = {
                ref.rsplit("/", 1)[1]: alt for ref, alt in alt_texts.items()
                if ref.rsplit("/", 1)[0] == snippet_id}
        return snippets[snippet_id], section or None

    def emit(item: Snippet, section: str | None):
        flush_prose()
        for index in item.upto(section):
            item.emitted.add(index)
            cell = new_code_cell(item.source(index))
            if with_outputs:
                cell.outputs = item.outputs(index)
            cells.append(cell)

    alt_texts = {m.group("ref"): m.group("alt") for m in map(IMAGE_LINE.match, text.split("\n")) if m}
    lines = text.split("\n")
    number = 0
    while number < len(lines):
        line = lines[number]
        fence = FENCE.match(line)
        if line.startswith("??? "):  # an expandable block: the whole file(s) of snippets
            block = [line]
            number += 1
            while number < len(lines) and (lines[number].startswith("    ") or not lines[number].strip()):
                block.append(lines[number])
                number += 1
            for inner in block:
                match = INCLUDE.match(inner)
                if not match:
                    continue
                target = match.group("target")
                found = snippet(target)
                if found:
                    emit(found[0], None)
                elif target.endswith(".py"):  # a helper module the experiment files import
                    flush_prose()
                    source = (pages.snippets_dir / target).read_text(encoding="utf-8")
                    cells.append(new_code_cell(f"%%writefile {Path(target).name}\n{source.rstrip()}"))
            continue
        if fence:
            indent, ticks, info = fence.groups()
            body = []
            number += 1
            while number < len(lines) and not lines[number].strip().startswith(ticks):
                body.append(lines[number])
                number += 1
            number += 1
            targets = [INCLUDE.match(b).group("target") for b in body if INCLUDE.match(b)]
            if not targets:  # an ordinary code block of the page
                prose.extend([line, *body, indent + ticks])
                continue
            for target in targets:
                found = snippet(target)
                if found:
                    emit(*found)
            # outputs (```text blocks of .txt files) are already on their code cells
            continue
        include = INCLUDE.match(line)
        if include and include.group("target").endswith(".txt"):  # a table printed by a snippet
            for base in pages.base_paths:
                file = base / include.group("target")
                if file.is_file():
                    prose.append(file.read_text(encoding="utf-8"))
                    break
            number += 1
            continue
        if IMAGE_LINE.match(line):  # figures are outputs of the code cells
            number += 1
            continue
        prose.append(line)
        number += 1
    flush_prose()
    for item in snippets.values():  # anything the page never showed, so the notebook runs
        emit(item, None)

    intro = (f"*This notebook is generated from the chapter [{title(page)}]({site_url.rstrip('/')}/{page_url}) "
             "of the site; every code cell is one of its examples, in page order. It was run with "
             f"the versions listed on the [About page]({site_url.rstrip('/')}/about/).*")
    notebook = new_notebook(cells=[new_markdown_cell(intro), *cells])
    for index, cell in enumerate(notebook.cells):  # stable ids: regenerating changes nothing
        cell["id"] = f"cell-{index:03d}"
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    notebook.metadata["language_info"] = {"name": "python"}
    return notebook


ADMONITION = re.compile(r'^(!!!|\?\?\?\+?) (\w+)(?: "([^"]*)")?\s*$')


def title(page: Path) -> str:
    for line in page.read_text(encoding="utf-8").splitlines():
        if line.startswith("# "):
            return line[2:].strip()
    return page.stem


def jupyter_markdown(markdown: str, mathml: bool = False) -> str:
    """pymdownx syntax that Jupyter does not know: admonitions become quotes; \\( \\) and
    \\[ \\] math becomes $ and $$ (for Jupyter and Colab), or MathML (for the rendered
    notebooks of the site, which load no math script)."""
    out, inside = [], False
    for line in markdown.split("\n"):
        if line.startswith("#"):  # headings without code spans: their anchors then agree
            line = line.replace("`", "")
        match = ADMONITION.match(line)
        if match:
            inside = True
            out.append(f"> **{match.group(3) or match.group(2).title()}**")
            continue
        if inside and (line.startswith("    ") or not line.strip()):
            out.append(("> " + line[4:]) if line.strip() else ">")
            continue
        inside = False
        out.append(line)
    text = "\n".join(out)
    if mathml:
        from latex2mathml.converter import convert

        text = re.sub(r"\\\[(.+?)\\\]", lambda m: convert(m.group(1).strip(), display="block"),
                      text, flags=re.S)
        return re.sub(r"\\\((.+?)\\\)", lambda m: convert(m.group(1).strip()), text)
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


def write_if_changed(notebook, path: Path) -> bool:
    text = nbformat.writes(notebook) + "\n"
    if path.is_file() and path.read_text(encoding="utf-8") == text:
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(path)
    return True


def chapters(config_file: Path) -> list[tuple[str, str]]:
    """(page file, title) of every chapter in mkdocs.yml's nav section "Chapters"."""
    import yaml

    nav = yaml.safe_load(config_file.read_text())["nav"]
    for entry in nav:
        if "Chapters" in entry:
            return [(file, name) for item in entry["Chapters"] for name, file in item.items()]
    return []


def build_all(root: Path, output_dir: Path | None, target: Path, with_outputs: bool) -> list[Path]:
    """Write one notebook per chapter into target; return the files that changed."""
    import yaml

    from runner.engine import Project

    config = yaml.safe_load((root / "mkdocs.yml").read_text())
    project = Project(root, output_dir=output_dir)
    pages = Pages(project.snippets_dir, project.output_dir, [project.snippets_dir, project.output_dir])
    changed = []
    for file, _ in chapters(root / "mkdocs.yml"):
        page_url = file.removesuffix(".md") + "/"
        notebook = chapter_notebook(root / "docs" / file, pages, config["site_url"], page_url,
                                    with_outputs=with_outputs)
        path = target / file.replace(".md", ".ipynb")
        if write_if_changed(notebook, path):
            changed.append(path)
    return changed


def main(argv=None) -> int:
    """`python -m runner.notebooks [--check]`: (re)write notebooks/*.ipynb, the output-free
    copies that "Open in Colab" opens; --check only reports whether they are current."""
    import argparse
    import tempfile

    parser = argparse.ArgumentParser(prog="python -m runner.notebooks")
    parser.add_argument("--check", action="store_true")
    args = parser.parse_args(argv)
    root = Path(__file__).resolve().parents[1]
    if args.check:
        with tempfile.TemporaryDirectory() as folder:
            build_all(root, None, Path(folder), with_outputs=False)
            stale = [p.name for p in sorted(Path(folder).glob("*.ipynb"))
                     if not (root / "notebooks" / p.name).is_file()
                     or (root / "notebooks" / p.name).read_text() != p.read_text()]
        if stale:
            print(f"out of date: {', '.join(stale)}; run `make notebooks`")
            return 1
        print("notebooks/ is up to date")
        return 0
    for path in build_all(root, None, root / "notebooks", with_outputs=False):
        print(f"wrote {path.relative_to(root)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
