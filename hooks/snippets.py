"""MkDocs hook: run the snippets before each build and wire their outputs into the site.

The work is done by the `runner` package (which knows nothing of MkDocs); this file only:
- runs it in `on_pre_build` (set SNIPPETS_EXECUTE=0 to reuse the outputs as they are);
  under `mkdocs serve` it runs it in the background instead and serves the pages at once,
  a snippet that has not run yet shown as pending until its run lands (runner/background.py;
  SNIPPETS_SERVE_WAIT=1 waits as `mkdocs build` does),
- publishes what the runner says the site serves (figures, snippet files as readers see
  them) and the "Execution times" page,
- renders each page through its page model (references checked, values injected), then
  refuses what rendering left wrong: a placeholder in any form, a nan/inf value,
- after the build, refuses an image or a download link to a file the site does not have,
- refuses a snippets folder without a page of the same name,
- puts the versions that produced the outputs in the footer,
- keeps highlighted code light: Pygments wraps every name, run of whitespace, punctuation
  mark and operator in a span of its own; those spans are unwrapped, so punctuation and
  operators take the plain code colour instead of a lighter grey (names and whitespace had
  it already). That halves a chapter's elements (in-practice: 5,457 to 2,960), which is
  what the browser styles and lays out on a phone. Neighbouring tokens of one Material
  colour group become one span (notebook pages, coloured per token, aside),
- gives a glossary term its hover definition at its first use in each section only.
"""

from __future__ import annotations

import logging
import os
import platform
import re
import sys
from importlib.metadata import version
from pathlib import Path
from urllib.parse import unquote, urlsplit

from mkdocs.exceptions import PluginError
from mkdocs.structure.files import File

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from runner import background  # noqa: E402
from runner.engine import Project, RunnerError  # noqa: E402
from runner.page import Checker, Page, PageError, render, with_pending_note  # noqa: E402
from runner.report import execution_times  # noqa: E402

TIMES_PAGE = "execution-times.md"
PLACEHOLDER = re.compile(r"\{\{.{0,200}?\}\}", re.S)
NOT_A_NUMBER = re.compile(r"(?<![\w.])[-+]?(nan|inf|infinity)(?![\w])", re.I)
LINKED = re.compile(r"""<(img|a|source)\b[^>]*?\s(src|href)=["']([^"']+)["'][^>]*>""", re.I)
FILE_LINK = re.compile(r"\.(py|ipynb|svg|png|jpg|csv|txt|json|zip)$")
# Pygments tokens drawn in the plain code colour: a name and whitespace (Material's
# --md-code-hl-name-color is --md-code-fg-color), punctuation and operators (unwrapped).
PLAIN_TOKEN = re.compile(r'<span class="[nwpo]">([^<]*)</span>')
# sa (a string's prefix: the f of f"...") has no colour of its own in Material either (the
# notebook pages colour it: docs/stylesheets/site.css).
PLAIN_AFFIX = re.compile(r'<span class="sa">([^<]*)</span>')
# Material's colour groups of Pygments tokens (its main.css): neighbouring tokens of one
# group are drawn alike, so they become one element (an f-string was up to seven).
SAME_COLOUR = [
    {"cpf", "l", "s", "s1", "s2", "sb", "sc", "si", "ss"},
    {"cp", "se", "sh", "sr", "sx"},
    {"il", "m", "mb", "mf", "mh", "mi", "mo"},
    {"k", "kd", "kn", "kp", "kr", "kt"},
    {"bp", "nb", "no"},
    {"nc", "ne", "nf", "nn"},
    {"c", "c1", "ch", "cm", "cs", "sd"},
]
COLOUR = {name: index for index, group in enumerate(SAME_COLOUR) for name in group}
TOKEN_PAIR = re.compile(r'<span class="([a-z0-9]+)">([^<]*)</span><span class="([a-z0-9]+)">'
                        r'([^<]*)</span>')
log = logging.getLogger("mkdocs.hooks.snippets")
state: dict = {}


def on_startup(command, dirty):
    background.serving = command == "serve" and os.environ.get("SNIPPETS_SERVE_WAIT") != "1"


def on_serve(server, config, builder):
    server.watch(str(background.signal_file(state["project"])))  # touched as runs land
    return server


def on_shutdown():
    background.stop()


def on_config(config):
    project = Project.from_env(ROOT)
    state["project"] = project
    # Section includes resolve against snippets/, whatever the working directory; whole
    # files and outputs are written into the page by the page model. Other folders of the
    # config (overrides/, for the appended abbreviations) stay, resolved against the root.
    options = config.mdx_configs.setdefault("pymdownx.snippets", {})
    others = [(ROOT / base).resolve() for base in options.get("base_path", [])]
    others = [base for base in others
              if base not in (project.snippets_dir, (ROOT / "build" / "outputs").resolve())]
    options["base_path"] = [str(project.snippets_dir), *map(str, others)]
    versions = (
        f"Python {platform.python_version()}, TensorFlow {version('tensorflow')}, "
        f"Keras {version('keras')}"
    )
    config.extra["versions"] = versions
    config.copyright = (
        f"Every output on this site was produced by running its code with {versions}.")
    return config


def on_pre_build(config):
    project = state["project"]
    if os.environ.get("SNIPPETS_EXECUTE", "1") == "0":
        for problem in project.misnamed():
            log.warning(problem)
        stale = project.stale()
        if stale:  # a warning: `mkdocs build --strict` refuses to publish stale outputs
            log.warning("execution is off and these snippets' outputs are missing or "
                        "out of date: %s", ", ".join(stale))
        return
    if background.serving:
        serve_in_background(project)
        return
    try:
        project.run()
    except RunnerError as error:
        raise PluginError(str(error)) from None


def serve_in_background(project: Project):
    """`mkdocs serve`: start the runner behind the server if snippets are out of date and
    build the pages from what is there; a failed background run fails the build (the server
    keeps the last good pages) until one of the failing snippets' inputs changes (nothing
    out of date, as after undoing the edit that broke a snippet: nothing fails)."""
    stale = project.stale()
    state["pending"] = frozenset()
    if stale and background.start(project, stale) is None:
        raise PluginError("the background run of the snippets failed (its log: "
                          f"{background.last().log}); fix the snippet and save it:\n"
                          f"{background.failure()}")
    state["pending"] = background.pending(project)
    if background.running():
        missing = len(state["pending"])
        log.info("snippets: %d out of date, running in the background (log: %s); %d without "
                 "outputs yet are shown as pending, and the pages reload as runs land",
                 len(stale), background.last().log, missing)


def on_files(files, config):
    project = state["project"]
    for folder in sorted(p for p in project.snippets_dir.iterdir() if p.is_dir()):
        page = folder.name.replace("_", "-") + ".md"
        if not folder.name.startswith((".", "_")) and files.get_file_from_path(page) is None:
            raise PluginError(f"snippets/{folder.name}/ has no page: its snippets belong to "
                              f"docs/{page} (the folder's name with '-' for '_')")
    try:
        published = project.published()
        runs = project.runs()
    except RunnerError as error:
        raise PluginError(str(error)) from None
    for uri, source in published.items():
        if isinstance(source, Path):
            files.append(File.generated(config, uri, abs_src_path=str(source)))
        else:
            files.append(File.generated(config, uri, content=source))
    reasons = {}
    for run in runs:
        path = project.snippets_dir / f"{run['id']}.py"
        if run["id"] not in reasons and path.is_file():
            reasons[run["id"]] = project.backends_reason(path)
    times = execution_times(runs, config.extra["versions"], reasons)
    files.append(File.generated(config, TIMES_PAGE, content=times))
    return files


def on_page_markdown(markdown, page, config, files):
    if not page.file.src_uri.endswith(".md"):  # notebooks are rendered by mkdocs-jupyter
        return markdown
    name = f"docs/{page.file.src_uri}"
    pending = state.get("pending", frozenset())
    try:
        parsed = Page.parse(markdown, name)
        rendered = render(parsed, state["project"], pending)
        problems = leftovers(parsed, Checker(state["project"], pending))
    except (PageError, RunnerError) as error:
        raise PluginError(str(error)) from None
    if problems:
        raise PluginError("\n".join(problems))
    rendered = with_pending_note(rendered, parsed, pending)
    return rendered


def leftovers(page: Page, checker: Checker) -> list[str]:
    """What rendering must not leave in the page's own text (included outputs may print
    braces): a placeholder it did not recognise (a typo, a space, a missing chapter), or a
    value that is not a number (nan, inf)."""
    found = []
    for number, line in enumerate(page.text.split("\n"), start=1):
        for match in PLACEHOLDER.finditer(checker.fill(line)):
            found.append(f"{page.name}:{number}: placeholder {match[0]!r} was not filled in "
                         "(the form is {{ chapter/NN_topic:name }}, no space after the colon)")
    for line, match in page.values:
        value = checker.value(match)
        if NOT_A_NUMBER.search(value):
            found.append(f"{page.name}:{line}: value {match['path']!r} of "
                         f"snippets/{match['id']}.py is {value!r}, not a number to publish")
    return found


def on_post_build(config):
    """Every image and download link of every page names a file the site has."""
    site = Path(config.site_dir)
    base = urlsplit(config.site_url or "/").path or "/"
    problems = []
    for page in sorted(site.rglob("*.html")):
        for match in LINKED.finditer(page.read_text(encoding="utf-8", errors="replace")):
            tag, _, url = match.groups()
            parts = urlsplit(url)
            if parts.scheme or parts.netloc or not parts.path:
                continue
            if tag.lower() == "a" and not ("download" in match[0] or FILE_LINK.search(parts.path)):
                continue
            path = unquote(parts.path)
            if path.startswith("/"):
                if not path.startswith(base):
                    continue
                target = site / path[len(base):]
            else:
                target = page.parent / path
            if path.endswith("/"):
                target = target / "index.html"
            if not target.exists():
                problems.append(f"{page.relative_to(site).as_posix()}: <{tag}> links to "
                                f"{url}, which the site does not have")
    if problems:
        raise PluginError("\n".join(sorted(set(problems))))


def merge_tokens(html: str) -> str:
    """Neighbouring token spans of one colour group as one span (the first one's class)."""
    def merge(match):
        first, second = COLOUR.get(match[1]), COLOUR.get(match[3])
        if first is None or first != second:
            return match[0]
        return f'<span class="{match[1]}">{match[2]}{match[4]}</span>'

    while True:
        merged = TOKEN_PAIR.sub(merge, html)
        if merged == html:
            return merged
        html = merged


ABBR = re.compile(r'<abbr title="[^"]*">([^<]*)</abbr>')


def first_definitions(html: str) -> str:
    """A glossary term keeps its hover definition (<abbr>) at its first use in each section
    (each part of the page from one <h2> to the next), and is plain text after that: a
    chapter said "L2" with its definition over a hundred times."""
    parts = re.split(r"(?=<h2[ >])", html)
    for index, part in enumerate(parts):
        seen: set[str] = set()

        def once(match, seen=seen):
            term = match[1].lower()
            if term in seen:
                return match[1]
            seen.add(term)
            return match[0]

        parts[index] = ABBR.sub(once, part)
    return "".join(parts)


def on_page_content(html, page, config, files):
    html = PLAIN_TOKEN.sub(r"\1", html)
    if page.file.src_uri.endswith(".ipynb"):  # coloured per token by docs/stylesheets/site.css
        return html
    return first_definitions(merge_tokens(PLAIN_AFFIX.sub(r"\1", html)))
