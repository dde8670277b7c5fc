"""Install the Keras releases that the version page probes, one folder each.

    python -m runner.releases            install what is missing (part of `make setup`)
    python -m runner.releases --list     print each folder and whether it is installed

requirements-releases.txt names one folder per line (`keras-3.0.5: keras==3.0.5 --hash=...`).
Each folder is installed with `pip install --no-deps --require-hashes --target` into a
temporary folder and renamed into place only when pip succeeded, so a folder either holds the
whole release or does not exist. A release that cannot be installed on this machine (no wheel
for its platform, say) leaves `<folder>.error` with pip's last lines instead of failing the
set-up: the page then says why that release has no column.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FILE = ROOT / "requirements-releases.txt"
LINE = re.compile(r"^(?P<folder>[\w.-]+):\s+(?P<rest>.+)$")


@dataclass(frozen=True)
class Release:
    folder: str  # keras-3.0.5
    requirements: tuple[str, ...]  # "keras==3.0.5 --hash=sha256:..."


def target() -> Path:
    """Where the folders go: beside the environment's own packages."""
    return Path(sys.prefix) / "releases"


def parse(text: str, source: str = str(FILE)) -> list[Release]:
    releases = []
    for number, line in enumerate(text.splitlines(), 1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        match = LINE.match(line)
        if not match:
            raise SystemExit(f"{source}:{number}: expected 'folder: name==version --hash=...'")
        requirements, current = [], []
        for token in match["rest"].split():
            if not token.startswith("--") and current:
                requirements.append(" ".join(current))
                current = []
            current.append(token)
        requirements.append(" ".join(current))
        for requirement in requirements:
            if "==" not in requirement or "--hash=sha256:" not in requirement:
                raise SystemExit(f"{source}:{number}: {requirement!r} is not pinned with a hash")
        releases.append(Release(match["folder"], tuple(requirements)))
    return releases


def releases() -> list[Release]:
    return parse(FILE.read_text())


def install(release: Release, root: Path) -> bool:
    folder, error = root / release.folder, root / f"{release.folder}.error"
    if folder.is_dir():
        return True
    root.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix=f".tmp-{release.folder}-", dir=root) as tmp:
        pins = Path(tmp) / "pins.txt"
        pins.write_text("\n".join(release.requirements) + "\n")
        run = subprocess.run(
            [sys.executable, "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
             "--no-deps", "--require-hashes", "--target", str(Path(tmp) / "pkg"),
             "--requirement", str(pins)],
            capture_output=True, text=True,
        )
        if run.returncode != 0:
            last = [line for line in run.stderr.splitlines() if "WARNING" not in line][-3:]
            error.write_text("\n".join(last) + "\n")
            print(f"{release.folder}: could not be installed here ({' '.join(last)[:200]})")
            return False
        (Path(tmp) / "pkg").rename(folder)
    error.unlink(missing_ok=True)
    return True


def main(argv: list[str]) -> int:
    root = target()
    wanted = releases()
    if "--list" in argv:
        for release in wanted:
            state = "installed" if (root / release.folder).is_dir() else "missing"
            print(f"{release.folder:18} {state}")
        return 0
    missing = [r for r in wanted if not (root / r.folder).is_dir()]
    if missing:
        print(f"installing {len(missing)} Keras release(s) into {root}")
    with ThreadPoolExecutor(4) as pool:  # pip mostly waits on the network
        list(pool.map(lambda release: install(release, root), missing))
    names = {r.folder for r in wanted}
    for stale in root.glob("*") if root.is_dir() else ():
        if stale.is_dir() and stale.name not in names and not stale.name.startswith("."):
            shutil.rmtree(stale)  # a release dropped from the list
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
