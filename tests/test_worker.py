"""The warm worker: snippets forked from one process that imported the heavy modules once
keep the isolation of a fresh interpreter and produce the same bytes.

The comparison for every snippet of the site is slow (a fresh and a warm run of each):
`.venv/bin/python -m pytest -m slow tests/test_worker.py` runs it; `make test` runs it for a
few representative snippets.
"""

import json
from pathlib import Path

import pytest

from runner.engine import Project
from tests.test_runner import project_with

pytestmark = pytest.mark.recorded  # tests/records.py

ROOT = Path(__file__).resolve().parents[1]
REPRESENTATIVE = [
    "about/01_versions",  # versions of what the worker imported
    "kernel_regularizers/01_penalty_formulas",  # values and sections, no training
    "overfitting/08_early_stopping_as_l2",  # seeded training, callbacks and a figure
]

CHANGES_STATE = """
import keras
import numpy as np



@keras.saving.register_keras_serializable(package="Leak")
class Thing(keras.layers.Layer):
    pass


keras.mixed_precision.set_global_policy("mixed_float16")
keras.config.set_floatx("float64")
keras.utils.set_random_seed(1)
np.random.seed(1)
seen = [keras.mixed_precision.global_policy().name, keras.config.floatx(),
        "Leak>Thing" in keras.saving.get_custom_objects(), float(np.random.rand())]
"""

READS_STATE = """
import signal
import time

ctrl_c = signal.getsignal(signal.SIGINT) is signal.default_int_handler

started = time.perf_counter()
import keras
import numpy as np

import_seconds = time.perf_counter() - started
np.random.seed(1)
seeded = float(np.random.rand())
np.random.seed(None)
seen = [keras.mixed_precision.global_policy().name, keras.config.floatx(),
        "Leak>Thing" in keras.saving.get_custom_objects()]
"""


def test_a_snippet_that_changes_global_state_leaves_the_next_unaffected(tmp_path):
    # one worker, one snippet at a time: 02 is forked from the worker after 01 ran
    project = project_with(tmp_path, {"ch/01_changes.py": CHANGES_STATE,
                                      "ch/02_reads.py": READS_STATE,
                                      "ch/03_changes_again.py": CHANGES_STATE},
                           jobs=1, preload=("numpy", "keras"))
    project.run()
    facts = project.worker_facts["tensorflow"]
    assert facts["warm"] and facts["modules"] == ["numpy", "keras"]
    changed = project.outputs("ch/01_changes").values["seen"]
    assert changed[:3] == ["mixed_float16", "float64", True]
    reads = project.outputs("ch/02_reads").values
    assert reads["seen"] == ["float32", "float32", False]
    assert reads["ctrl_c"] is True  # as in an interpreter started from a shell
    assert reads["import_seconds"] < 0.5  # keras came from the worker, not imported again
    # 03 registers the same class again: it would refuse a name already taken
    assert project.outputs("ch/03_changes_again").values["seen"] == changed
    assert changed[3] == reads["seeded"]  # the same draw after the same seed in both


def test_unseeded_random_state_is_not_inherited_from_a_previous_snippet(tmp_path):
    project = project_with(tmp_path, {
        "ch/01_draws.py": "import numpy as np\nnp.random.seed(7)\nx = float(np.random.rand())\n",
        "ch/02_draws.py": "import numpy as np\nx = float(np.random.rand())\n",
    }, jobs=1, preload=("numpy",))
    project.run()
    import numpy as np

    np.random.seed(7)
    after_seed_7 = [float(np.random.rand()) for _ in range(2)]
    assert project.outputs("ch/01_draws").values["x"] == after_seed_7[0]
    assert project.outputs("ch/02_draws").values["x"] not in after_seed_7


def files_of(project: Project, snippet_id: str) -> dict[str, bytes]:
    out = project.outputs(snippet_id)
    assert out.exists, f"{snippet_id} has no outputs"
    folder = project.link(snippet_id).resolve()
    return {file.name: file.read_bytes() for file in sorted(folder.iterdir())
            if file.name != "meta.json"}


def differences(warm: Project, fresh: Project, snippet_ids: list[str]) -> list[str]:
    found = []
    for snippet_id in snippet_ids:
        a, b = files_of(warm, snippet_id), files_of(fresh, snippet_id)
        if a.keys() != b.keys():
            found.append(f"{snippet_id}: files {sorted(a)} != {sorted(b)}")
        found += [f"{snippet_id}/{name}" for name in a if name in b and a[name] != b[name]]
    return found


def warm_and_fresh(tmp_path, only: list[str]) -> tuple[Project, Project]:
    warm = Project(ROOT, output_dir=tmp_path / "warm", warm=True)
    fresh = Project(ROOT, output_dir=tmp_path / "fresh", warm=False)
    warm.run(only=only, force=True)
    fresh.run(only=only, force=True)
    facts = warm.worker_facts["tensorflow"]
    assert facts["warm"] and "tensorflow" in facts["modules"]
    assert fresh.worker_facts["tensorflow"]["modules"] == []
    return warm, fresh


@pytest.mark.build
def test_warm_outputs_equal_fresh_interpreter_outputs_for_representative_snippets(tmp_path):
    warm, fresh = warm_and_fresh(tmp_path, REPRESENTATIVE)
    assert differences(warm, fresh, REPRESENTATIVE) == []
    # a warm snippet's own time leaves out the imports; a fresh one has no such time
    assert [r["warm"] for r in warm.runs()] == [True] * 3
    assert [(r["warm"], r["own"]) for r in fresh.runs()] == [(False, None)] * 3
    assert next(r["own"] for r in warm.runs() if r["id"] == "about/01_versions") < 1.0


@pytest.mark.slow
def test_warm_outputs_equal_fresh_interpreter_outputs_for_every_snippet(tmp_path):
    ids = [Project(ROOT).snippet_id(p) for p in Project(ROOT).snippets()]
    warm, fresh = warm_and_fresh(tmp_path, ids)
    found = differences(warm, fresh, ids)
    report = {"snippets": len(ids), "differing": found,
              "warm_own": sum(r["own"] for r in warm.runs()),
              "warm_seconds": sum(r["seconds"] for r in warm.runs()),
              "fresh_seconds": sum(r["seconds"] for r in fresh.runs())}
    artifacts = ROOT / "build" / "test-artifacts"
    artifacts.mkdir(parents=True, exist_ok=True)
    (artifacts / "warm-vs-fresh.json").write_text(json.dumps(report, indent=1))
    assert found == []


@pytest.mark.parametrize("warm", [True, False], ids=["warm", "fresh"])
def test_snippet_process_starts_like_an_interpreter_from_a_shell(tmp_path, warm):
    project = project_with(tmp_path, {"ch/01_start.py": """
        import os, signal, sys, tempfile
        ctrl_c = signal.getsignal(signal.SIGINT) is signal.default_int_handler
        main = sys.modules["__main__"].__file__
        temporary = tempfile.gettempdir() == os.getcwd()
    """}, warm=warm)
    [result] = project.run()
    assert result.warm is warm
    values = project.outputs("ch/01_start").values
    assert values["ctrl_c"] is True and values["temporary"] is True
    assert values["main"].endswith("snippets/ch/01_start.py")


UNSEEDED = """
import random

import keras

weight = float(keras.initializers.GlorotUniform()((3, 3))[0, 0])
after = random.random()
"""


def test_unseeded_keras_randomness_equals_a_fresh_interpreter(tmp_path):
    """Importing Keras draws from Python's global random (rich takes getrandbits(24)); an
    unseeded initializer then draws its seed from it: the warm worker must match that."""
    warm = project_with(tmp_path / "warm", {"ch/01_unseeded.py": UNSEEDED},
                        preload=("numpy", "keras"))
    fresh = project_with(tmp_path / "fresh", {"ch/01_unseeded.py": UNSEEDED}, warm=False)
    warm.run()
    fresh.run()
    assert warm.runs()[0]["warm"] and not fresh.runs()[0]["warm"]
    assert warm.outputs("ch/01_unseeded").values == fresh.outputs("ch/01_unseeded").values
