"""Check a page's references to snippet outputs and inject values into its Markdown.

A page refers to runs in three ways:

* `--8<-- "chapter/nn_topic.py:section"` and `--8<-- "chapter/nn_topic/section.txt"`:
  pymdownx.snippets includes of code and captured stdout;
* `![alt text](figures/chapter/nn_topic/name.svg)`: a figure the snippet saved;
* `{{ chapter/nn_topic:name }}` or `{{ chapter/nn_topic:name|.3f }}`: a value from the
  snippet's values.json (a dotted path reaches into dicts and lists: `table.l1.0`),
  optionally formatted with a Python format spec (`|json`: as compact JSON, for a page's
  script); `{{ chapter/nn_topic:@seconds }}` is the
  run time of the snippet's last run (from its meta.json).

`render()` checks all three and returns the Markdown with values substituted; every problem
is reported with the page, the line and the snippet involved. Nothing here imports MkDocs.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

INCLUDE = re.compile(r"""^\s*(?:[-*]\s+)?--8<--\s+(["'])(?P<target>[^"']+)\1\s*$""")
IMAGE = re.compile(r"!\[(?P<alt>[^\]]*)\]\((?P<src>[^)\s]*figures/(?P<ref>[^)\s]+?)\.svg)\)")
VALUE = re.compile(r"\{\{\s*(?P<id>[\w-]+/[\w-]+):(?P<path>@?[\w.-]+)\s*(?:\|\s*(?P<spec>[^}]*?)\s*)?\}\}")
SECTION_MARK = "# --8<-- [start:{}]"


class PageError(Exception):
    """A page refers to a snippet, section, output, figure or value that does not exist."""


class Pages:
    def __init__(self, snippets_dir: Path, output_dir: Path, base_paths: list[Path]):
        self.snippets_dir = Path(snippets_dir)
        self.output_dir = Path(output_dir)
        self.base_paths = [Path(p) for p in base_paths]
        self._values: dict[str, dict] = {}

    def snippet_file(self, snippet_id: str) -> str:
        return f"snippets/{snippet_id}.py"

    def values(self, snippet_id: str) -> dict:
        if snippet_id not in self._values:
            path = self.output_dir / snippet_id / "values.json"
            self._values[snippet_id] = json.loads(path.read_text()) if path.is_file() else None
        return self._values[snippet_id]

    def meta(self, snippet_id: str, name: str, spec: str | None):
        path = self.output_dir / snippet_id / "meta.json"
        if not path.is_file():
            raise KeyError(f"{self.snippet_file(snippet_id)} has no outputs yet")
        meta = json.loads(path.read_text())
        if name not in meta:
            raise KeyError(f"run fact '@{name}' is unknown (known: {', '.join('@' + k for k in meta)})")
        return format(meta[name], spec or "")

    def check_include(self, target: str) -> str | None:
        """Return a problem with an include target, or None."""
        path, _, section = target.partition(":")
        for base in self.base_paths:
            file = base / path
            if file.is_file():
                break
        else:
            parts = Path(path).parts
            if len(parts) == 3 and (self.snippets_dir / parts[0] / f"{parts[1]}.py").is_file():
                snippet_id = f"{parts[0]}/{parts[1]}"
                produced = sorted(p.name for p in (self.output_dir / snippet_id).glob("*.txt"))
                return (
                    f"output {parts[2]!r} was not produced by {self.snippet_file(snippet_id)} "
                    f"(it produced: {', '.join(produced) or 'nothing yet'})"
                )
            return f"included file {path!r} does not exist"
        if section and not section.isdigit():
            if SECTION_MARK.format(section) not in file.read_text(encoding="utf-8"):
                return f"section {section!r} is not marked in {path}"
        return None

    def check_figure(self, ref: str, alt: str) -> str | None:
        snippet_id, _, name = ref.rpartition("/")
        if not alt.strip():
            return f"figure {ref}.svg has no alt text"
        if not (self.snippets_dir / f"{snippet_id}.py").is_file():
            return f"figure {ref}.svg names snippet {self.snippet_file(snippet_id)}, which does not exist"
        if not (self.output_dir / snippet_id / f"{name}.svg").is_file():
            figures = self.output_dir / snippet_id / "figures.json"
            made = json.loads(figures.read_text()) if figures.is_file() else []
            return (
                f"figure {name!r} was not produced by {self.snippet_file(snippet_id)} "
                f"(it produced: {', '.join(made) or 'no figures'})"
            )
        return None

    def value(self, snippet_id: str, dotted: str, spec: str | None):
        if dotted.startswith("@"):  # facts about the run itself, from meta.json: @seconds
            return self.meta(snippet_id, dotted[1:], spec)
        values = self.values(snippet_id)
        if values is None:
            if not (self.snippets_dir / f"{snippet_id}.py").is_file():
                raise KeyError(f"snippet {self.snippet_file(snippet_id)} does not exist")
            raise KeyError(f"{self.snippet_file(snippet_id)} has no outputs yet")
        value = values
        for part in dotted.split("."):
            if isinstance(value, list) and part.lstrip("-").isdigit() and -len(value) <= int(part) < len(value):
                value = value[int(part)]
            elif isinstance(value, dict) and part in value:
                value = value[part]
            else:
                raise KeyError(
                    f"value {dotted!r} is not set by {self.snippet_file(snippet_id)} "
                    f"(its top-level values: {', '.join(sorted(values)) or 'none'})"
                )
        if spec == "json":  # compact JSON, safe inside <script type="application/json">
            return json.dumps(value, separators=(",", ":")).replace("<", "\\u003c")
        try:
            return format(value, spec or "")
        except (TypeError, ValueError) as error:
            raise KeyError(f"value {dotted!r} = {value!r} cannot be formatted as {spec!r}: {error}")

    def render(self, markdown: str, page: str) -> str:
        """Check the page's references and return it with values substituted."""
        problems = []
        lines = markdown.split("\n")
        in_fence = None
        for number, line in enumerate(lines, start=1):
            stripped = line.strip()
            fence = re.match(r"(`{3,}|~{3,})", stripped)
            if fence and (in_fence is None or stripped.startswith(in_fence)):
                in_fence = None if in_fence else fence.group(1)
            match = INCLUDE.match(line)
            if match:
                problem = self.check_include(match.group("target"))
                if problem:
                    problems.append(f"{page}:{number}: {problem}")
            if in_fence is None:
                for image in IMAGE.finditer(line):
                    problem = self.check_figure(image.group("ref"), image.group("alt"))
                    if problem:
                        problems.append(f"{page}:{number}: {problem}")

            def substitute(match, number=number):
                try:
                    return self.value(match.group("id"), match.group("path"), match.group("spec"))
                except KeyError as error:
                    problems.append(f"{page}:{number}: {error.args[0]}")
                    return match.group(0)

            lines[number - 1] = VALUE.sub(substitute, line)
        if problems:
            raise PageError("\n".join(problems))
        return "\n".join(lines)
