"""Ruff, at the version requirements-test.txt pins, finds nothing in the code readers copy
(snippets/) or in the code that builds and tests the site."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_ruff_is_pinned_and_installed():
    pins = [line for line in (ROOT / "requirements-test.txt").read_text().splitlines()
            if line.startswith("ruff")]
    assert len(pins) == 1 and "==" in pins[0], pins
    result = subprocess.run([sys.executable, "-m", "ruff", "--version"],
                            capture_output=True, text=True)
    assert result.stdout.split() == ["ruff", pins[0].split("==")[1]], result.stdout + result.stderr


def test_ruff_finds_nothing():
    result = subprocess.run(
        [sys.executable, "-m", "ruff", "check", "--no-cache", "--output-format", "concise",
         "snippets", "runner", "hooks", "tests"],
        cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr


def test_every_line_a_reader_sees_fits_the_code_column():
    """Ruff's E501 lets through a long line without a space (`loss=a.B(c=d))`), which
    still scrolls on the page: every line of every snippet and helper module, as readers
    see it, fits the column that snippets/ruff.toml sets."""
    import tomllib

    from runner.engine import reader_text

    limit = tomllib.loads((ROOT / "snippets" / "ruff.toml").read_text())["line-length"]
    long = [f"{path.relative_to(ROOT)}:{number}: {len(line)} columns"
            for path in sorted((ROOT / "snippets").rglob("*.py"))
            for number, line in enumerate(reader_text(path).splitlines(), start=1)
            if len(line) > limit]
    assert long == [], "\n".join(long)
