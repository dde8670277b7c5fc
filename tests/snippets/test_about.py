"""The versions printed on the About page are those installed (and pinned)."""

from importlib.metadata import version
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_versions_match_the_environment_and_the_lock(outputs):
    printed = outputs.values("about/01_versions")["versions"]
    lock = (ROOT / "requirements.txt").read_text().splitlines()
    for name, package in [("TensorFlow", "tensorflow"), ("Keras", "keras"), ("NumPy", "numpy")]:
        assert printed[name] == version(package)
        assert f"{package}=={printed[name]}" in lock
    assert printed["Keras backend"] == "tensorflow"
