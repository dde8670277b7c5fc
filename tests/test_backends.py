"""The backend dimension of the runner: a snippet runs once per Keras backend it supports,
each run in its own process, keyed and stored on its own; the pages show the first.

Bad input (an unknown backend, one that is not installed) fails naming the snippet and the
backend, and keeps what was stored."""

import json

import pytest

from runner.engine import BACKENDS, RunnerError, installed_backends
from tests.test_faults import project_with, published
from tests.test_worker import ROOT, differences, files_of

pytestmark = [pytest.mark.skipif("jax" not in installed_backends(), reason="JAX not installed"),
              pytest.mark.recorded]  # tests/records.py

BOTH = ("tensorflow", "jax")
WHICH = """
import os

import keras

backend = keras.backend.backend()
env = os.environ["KERAS_BACKEND"]
print("backend", backend)
"""


def test_a_snippet_runs_on_each_backend_in_its_own_process(tmp_path):
    project = project_with(tmp_path, {"ch/01_which.py": WHICH}, backends=BOTH,
                           preload=("keras",))
    results = project.run()
    assert [(r.backend, r.status) for r in results] == [("tensorflow", "ran"), ("jax", "ran")]
    assert results[0].key != results[1].key  # the backend is part of the key
    for name in BOTH:
        out = project.outputs("ch/01_which", backend=name)
        assert out.values == {"backend": name, "env": name}
        assert out.meta["backend"] == name and out.meta["versions"]["backend"] == name
        assert "keras" in out.meta["versions"]
    assert "jax" in project.outputs("ch/01_which", "jax").meta["versions"]
    # the pages show the first backend's run
    assert project.outputs("ch/01_which").values["backend"] == "tensorflow"
    assert list(project.backends_of("ch/01_which")) == list(BOTH)
    assert [(r["backend"], r["status"]) for r in project.runs()] == [
        ("tensorflow", "ran"), ("jax", "ran")]
    assert {facts["backend"] for facts in project.worker()["backends"].values()} == set(BOTH)
    assert [r.status for r in project.run()] == ["cached", "cached"]
    assert project.stale() == []


def test_a_snippet_declares_its_backends_and_the_first_is_shown(tmp_path):
    project = project_with(tmp_path, {
        "ch/01_tf.py": "# runner: backends=tensorflow\n" + WHICH,
        "ch/02_jax.py": "# runner: backends=jax\n" + WHICH,
    }, backends=BOTH, preload=())
    results = project.run()
    assert sorted((r.id, r.backend) for r in results) == [
        ("ch/01_tf", "tensorflow"), ("ch/02_jax", "jax")]
    assert project.outputs("ch/01_tf").values["backend"] == "tensorflow"
    assert project.outputs("ch/02_jax").values["backend"] == "jax"
    assert not project.outputs("ch/01_tf", "jax").exists
    assert list(project.backends_of("ch/02_jax")) == ["jax"]
    # dropping a backend drops its link; the other backend's outputs stay
    path = tmp_path / "snippets" / "ch" / "02_jax.py"
    path.write_text("# runner: backends=tensorflow, jax\n" + WHICH)
    project.run()
    assert list(project.backends_of("ch/02_jax")) == list(BOTH)
    assert project.outputs("ch/02_jax").values["backend"] == "tensorflow"
    path.write_text("# runner: backends=jax\n" + WHICH)
    project.run()
    assert list(project.backends_of("ch/02_jax")) == ["jax"]
    assert not project.outputs("ch/02_jax", "tensorflow").exists
    assert project.outputs("ch/02_jax").values["backend"] == "jax"
    assert project.stale() == []


@pytest.mark.parametrize("line, expected", [
    ("# runner: backends=tensorflow,theano",
     "snippets/ch/01_a.py: declares unknown Keras backend(s) theano"),
    ("# runner: backends=",
     "snippets/ch/01_a.py: declares unknown Keras backend(s) (none)"),
    ("# runner: backends=jax",
     "snippets/ch/01_a.py: declares Keras backend jax, which is not among this build's "
     "backends (tensorflow"),
], ids=["unknown", "empty", "not-in-build"])
def test_a_wrong_backends_line_names_the_snippet_and_keeps_its_outputs(tmp_path, line,
                                                                      expected):
    project = project_with(tmp_path, {"ch/01_a.py": "print('good')\n",
                                      "ch/02_b.py": "print('other')\n"},
                           backends=("tensorflow",), preload=())
    project.run()
    before = published(project, "ch/01_a")
    (tmp_path / "snippets" / "ch" / "01_a.py").write_text(f"{line}\nprint('changed')\n")
    with pytest.raises(RunnerError) as error:
        project.run()
    assert expected in str(error.value)
    assert "1 of 2 snippet(s) failed" in str(error.value)
    assert published(project, "ch/01_a") == before  # nothing cached is lost
    assert project.outputs("ch/02_b").text() == "other\n"
    assert project.stale() == ["snippets/ch/01_a.py"]
    entry = next(r for r in project.runs() if r["id"] == "ch/01_a")
    assert entry["status"] == "failed" and entry["key"] == json.loads(
        (project.link("ch/01_a").resolve() / "meta.json").read_text())["key"]


def test_a_backend_that_is_not_installed_is_named(tmp_path):
    missing = next((name for name in BACKENDS if name not in installed_backends()), None)
    if missing is None:
        pytest.skip("every backend is installed")
    project = project_with(tmp_path, {"ch/01_a.py": f"# runner: backends={missing}\n"},
                           backends=installed_backends(), preload=())
    with pytest.raises(RunnerError, match=f"snippets/ch/01_a.py: declares Keras backend "
                       f"{missing}, which is not installed in this environment"):
        project.run()
    with pytest.raises(RunnerError, match="unknown Keras backend.*theano"):
        project_with(tmp_path, {}, backends=("tensorflow", "theano"))


def test_a_failure_names_the_backend(tmp_path):
    project = project_with(tmp_path, {"ch/01_only_tf.py": """
        import keras
        if keras.backend.backend() == "jax":
            raise RuntimeError("not on JAX")
        print("fine")
    """}, backends=BOTH, preload=())
    with pytest.raises(RunnerError) as error:
        project.run()
    assert "[jax] snippets/ch/01_only_tf.py:4: RuntimeError: not on JAX" in str(error.value)
    assert "1 of 1 snippet(s) failed (1 of 2 runs on tensorflow, jax)" in str(error.value)
    assert project.outputs("ch/01_only_tf").text() == "fine\n"  # TensorFlow's run is kept


JAX_PROBE = """
import os

cache = os.environ.get("JAX_COMPILATION_CACHE_DIR")
entries = (len([name for name in os.listdir(cache) if name.endswith("-cache")])
           if cache else None)
"""
JAX_SUM = """
import jax
import jax.numpy as jnp

total = float(jax.jit(lambda x: jnp.sin(x) * 2 + 1)(jnp.arange(5.0)).sum())
print(total)
"""


def test_the_jax_runs_of_a_build_share_a_compilation_cache_outside_the_key(tmp_path):
    """JAX_CACHE: a build's JAX runs share one compilation cache, which starts empty in
    every build (so a cold build compiles everything) and is gone after it; it is not part
    of the key, and the outputs are the same bytes without it."""
    from runner.engine import JAX_CACHE

    snippets = {"ch/01_probe.py": JAX_PROBE, "ch/02_sum.py": JAX_SUM,
                "ch/03_sum_again.py": JAX_SUM, "ch/04_probe.py": JAX_PROBE}
    shared = project_with(tmp_path / "shared", snippets, backends=("jax",), jobs=1,
                          preload=("jax", "keras"))
    alone = project_with(tmp_path / "alone", snippets, backends=("jax",), jobs=1,
                         preload=("jax", "keras"), jax_cache=False)
    for _ in range(2):  # the second build starts from an empty cache again
        results = shared.run(force=True)
        assert shared.outputs("ch/01_probe").values["entries"] == 0
        assert shared.outputs("ch/04_probe").values["entries"] >= 1  # the sum, compiled
        assert not (shared.scratch() / JAX_CACHE).exists()
    assert "JAX_COMPILATION_CACHE_DIR" not in shared.fixed_env("jax")
    others = alone.run()
    assert alone.outputs("ch/04_probe").values["entries"] is None
    assert [r.key for r in results] == [r.key for r in others]
    for snippet_id in ("ch/02_sum", "ch/03_sum_again"):
        assert shared.outputs(snippet_id).text() == alone.outputs(snippet_id).text()
        assert shared.outputs(snippet_id).values == alone.outputs(snippet_id).values


def test_a_backends_worker_imports_its_module_before_tensorflow_and_keras():
    from runner.engine import PRELOAD, preload_for

    assert preload_for(PRELOAD, "tensorflow") == PRELOAD
    assert preload_for(PRELOAD, None) == PRELOAD
    for backend in ("jax", "torch"):
        modules = preload_for(PRELOAD, backend)
        assert modules[:4] == ("numpy", backend, "tensorflow", "keras")
        assert modules[4:] == PRELOAD[3:]
    assert preload_for(("numpy", "keras"), "jax") == ("numpy", "keras")  # no TensorFlow asked


REPRESENTATIVE = [
    "kernel_regularizers/01_penalty_formulas",  # values and sections, no training
    "kernel_regularizers/02_gradients",  # gradients of penalties (each backend's autodiff)
    "overfitting/08_early_stopping_as_l2",  # seeded training, callbacks and a figure
]


@pytest.mark.build
@pytest.mark.parametrize("backend", ["jax", "torch"])
def test_warm_outputs_equal_fresh_interpreter_outputs(tmp_path, backend):
    """A backend's warm worker is left with one thread after its imports (so it forks), and
    a snippet forked from it writes the same bytes as one started in a fresh interpreter.
    It imports TensorFlow too, after its own module: `keras.utils.set_random_seed` imports
    TensorFlow on every backend, and each snippet would otherwise pay for that import."""
    from runner.engine import Project

    if backend not in installed_backends():
        pytest.skip(f"{backend} not installed")
    warm = Project(ROOT, output_dir=tmp_path / "warm", warm=True, backends=(backend,))
    fresh = Project(ROOT, output_dir=tmp_path / "fresh", warm=False, backends=(backend,))
    warm.run(only=REPRESENTATIVE, force=True)
    fresh.run(only=REPRESENTATIVE, force=True)
    assert warm.worker_facts[backend]["warm"], warm.worker_facts[backend].get("why")
    assert backend in warm.worker_facts[backend]["modules"]
    modules = warm.worker_facts[backend]["modules"]
    assert modules.index(backend) < modules.index("tensorflow") < modules.index("keras")
    assert differences(warm, fresh, REPRESENTATIVE) == []
    assert [r["warm"] for r in warm.runs()] == [True] * 3
    assert [r["warm"] for r in fresh.runs()] == [False] * 3
    for snippet_id in REPRESENTATIVE:
        assert json.loads(files_of(warm, snippet_id)["values.json"]) is not None
