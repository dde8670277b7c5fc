"""What a reader copies runs: every Python block of every page (notebook pages aside, whose
cells run in order in the notebook), copied through its real copy button in Chromium, runs in
a fresh interpreter and prints what the page shows in the output block under it.

A copy of a snippet section is its file's set-up, the earlier sections the page shows and the
section itself (docs/javascripts/copy.js), so earlier sections print too: the run must end
with the section's own output, after the earlier sections' outputs in order.

Runs are cached under build/copy-runs/, keyed by the copied text, the lock file, the helper
modules of the chapter and the interpreter's environment, so a warm `make test` runs only
what changed; the runs of a page go two at a time.
"""

import hashlib
import json
import os
import subprocess
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import pytest

from runner.engine import CHILD_ENV, Project, is_snippet
from tests.browser.test_site import PAGES

ROOT = Path(__file__).resolve().parents[2]
CACHE = ROOT / "build" / "copy-runs"
SHARED = ROOT / "snippets" / "_shared"
TIMEOUT = 600
WORKERS = 2
CODE_PAGES = [path for path in PAGES if not path.startswith("notebooks/")]


@dataclass
class Copied:
    index: int
    title: str
    text: str  # what the copy button put on the clipboard
    expected: str | None  # the output block under it
    earlier: list[str]  # outputs of the earlier parts that the copy includes

    def label(self, path):
        return f"{path} block {self.index} ({self.title or 'untitled'})"


# Material's content tabs: a radio input per tab, then the labels, then one block per tab.
SHOW_TAB = """(block) => {
    const tab = block.closest(".tabbed-block");
    if (!tab) return;
    const index = [...tab.parentElement.children].indexOf(tab);
    const inputs = tab.closest(".tabbed-set").querySelectorAll(":scope > input");
    inputs[index].click();
}"""


def copy_every_block(page) -> list[Copied]:
    p = page.page
    p.wait_for_function("document.readyState === 'complete'")  # every block parsed
    p.evaluate("document.querySelectorAll('article details').forEach((d) => { d.open = true; })")
    blocks = p.locator("article div.language-python.highlight")
    found = []
    for index in range(blocks.count()):
        block = blocks.nth(index)
        block.evaluate(SHOW_TAB)  # a block in a content tab: as a reader, open that tab
        block.scroll_into_view_if_needed()
        p.evaluate("navigator.clipboard.writeText('')")
        block.hover()
        block.locator("button[data-md-type='copy']").click()
        text = p.evaluate("navigator.clipboard.readText()")
        facts = block.evaluate("""(block) => {
            const output = (b) => {
                const next = b.nextElementSibling;
                return next && next.matches('.highlight.output') ?
                    next.querySelector('code').textContent : null;
            };
            const id = block.dataset.snippet, order = Number(block.dataset.order);
            const earlier = id === undefined ? [] : [...document.querySelectorAll(
                    '[data-snippet]')]
                .filter((b) => b.dataset.snippet === id && Number(b.dataset.order) < order)
                .sort((a, b) => Number(a.dataset.order) - Number(b.dataset.order))
                .map(output).filter((text) => text);
            const title = block.querySelector('.filename');
            return {title: title ? title.textContent : '', expected: output(block), earlier};
        }""")
        found.append(Copied(index, facts["title"], text, facts["expected"], facts["earlier"]))
    return found


def chapter_folder(title: str) -> Path | None:
    parts = title.split()[0].split("/") if title else []
    if len(parts) == 3 and parts[0] == "snippets":
        return ROOT / "snippets" / parts[1]
    return None


def cache_key(text: str, folder: Path | None) -> str:
    digest = hashlib.sha256(text.encode())
    digest.update(sys.version.encode() + json.dumps(CHILD_ENV, sort_keys=True).encode())
    digest.update((ROOT / "requirements.txt").read_bytes())
    for helper in helpers(folder):  # local modules the copied code may import
        digest.update(helper.name.encode() + helper.read_bytes())
    return digest.hexdigest()[:24]


def helpers(folder: Path | None) -> list[Path]:
    """The modules a copy from a chapter folder may import: the chapter's own and the
    shared ones (snippets/_shared/, offered for download where a page uses them)."""
    if folder is None:
        return []
    return [path for place in (folder, SHARED) for path in sorted(place.glob("*.py"))
            if not is_snippet(path)]


def run(text: str, title: str) -> dict:
    """Run pasted code in a fresh interpreter (the runner's fixed environment, the chapter's
    folder on the path for its helper modules); cached when it succeeds."""
    folder = chapter_folder(title)
    cached = CACHE / f"{cache_key(text, folder)}.json"
    if cached.is_file():
        return json.loads(cached.read_text())
    with tempfile.TemporaryDirectory(prefix="pasted-") as scratch:
        script = Path(scratch) / "pasted.py"
        script.write_text(text)
        env = {**Project.from_env(ROOT).child_env(), "HOME": scratch,
               "KERAS_HOME": str(Path(scratch) / ".keras")}
        if folder:  # as a reader keeps the downloaded helper modules beside the code
            env["PYTHONPATH"] = os.pathsep.join([str(folder), str(SHARED)])
        try:
            done = subprocess.run([sys.executable, str(script)], cwd=scratch, env=env,
                                  capture_output=True, text=True, timeout=TIMEOUT)
            result = {"returncode": done.returncode, "stdout": done.stdout,
                      "stderr": done.stderr[-3000:]}
        except subprocess.TimeoutExpired:
            result = {"returncode": None, "stdout": "", "stderr": f"timeout after {TIMEOUT} s"}
    if result["returncode"] == 0:
        CACHE.mkdir(parents=True, exist_ok=True)
        tmp = cached.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_text(json.dumps(result))
        os.replace(tmp, cached)
    return result


def problem(copied: Copied, result: dict) -> str | None:
    if result["returncode"] != 0:
        return f"does not run:\n{result['stderr'][-1500:]}"
    printed = result["stdout"].rstrip()
    if copied.expected is not None and not printed.endswith(copied.expected.rstrip()):
        return (f"prints\n{printed[-1500:]}\n--- but the page shows ---\n"
                f"{copied.expected.rstrip()[-1500:]}")
    position = 0
    for earlier in copied.earlier:  # the earlier sections' outputs, in order
        found = printed.find(earlier.rstrip(), position)
        if found < 0:
            return f"does not print the earlier output\n{earlier.rstrip()[-800:]}"
        position = found + len(earlier.rstrip())
    return None


@pytest.mark.parametrize("path", CODE_PAGES)
def test_every_copied_block_runs_and_prints_what_the_page_shows(visit, path):
    page = visit(path, viewport={"width": 1280, "height": 900},
                 permissions=["clipboard-read", "clipboard-write"])
    copied = copy_every_block(page)
    assert all(c.text.strip() for c in copied), [c.label(path) for c in copied if not c.text]
    with ThreadPoolExecutor(max_workers=WORKERS) as pool:
        results = list(pool.map(lambda c: run(c.text, c.title), copied))
    problems = [f"{c.label(path)} {p}" for c, r in zip(copied, results, strict=True)
                if (p := problem(c, r))]
    assert problems == [], "\n\n".join(problems)


def test_a_section_copies_its_set_up_and_the_earlier_sections(visit):
    """The kernel chapter's first file: set-up (imports), then sections in file order."""
    page = visit("kernel-regularizers/index.html", viewport={"width": 1280, "height": 900},
                 permissions=["clipboard-read", "clipboard-write"])
    copied = [c for c in copy_every_block(page) if "01_penalty_formulas" in c.title]
    assert [c.title.endswith("(set-up)") for c in copied] == [True, False, False, False]
    setup, single, matrix, defaults = (c.text for c in copied)
    assert setup.startswith("import numpy as np\n") and '"""' not in setup
    assert single.startswith(setup.rstrip() + "\n\nweight = np.array([10.0]")
    assert matrix.startswith(single.rstrip() + "\n\nkernel = ")
    assert defaults.startswith(matrix.rstrip() + "\n\ndefaults = ")
    assert "max_formula_error" not in defaults  # a hidden line between sections is not copied
