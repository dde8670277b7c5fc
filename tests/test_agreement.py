"""TensorFlow, JAX and PyTorch agree on the mechanics: penalty values, their gradients, string
identifiers, defaults and serialization are the same numbers (to float32 rounding) on every
installed backend. Each snippet's values.json on another backend is compared with
TensorFlow's; the differences the site shows (docs/keras-versions.md#backends) are asserted as
differences."""

import math

import pytest

from runner.engine import installed_backends

pytestmark = pytest.mark.skipif(len(installed_backends()) < 2,
                                reason="one Keras backend installed")

# float32 sums of up to a few thousand terms, added in another order: up to a few
# thousand roundings of 2**-24 each. (Snippets whose values depend on random initial
# weights are not compared: each backend draws other numbers from the same seed.)
FLOAT32 = 2.0**-14
MECHANICS = [
    "kernel_regularizers/01_penalty_formulas",  # penalty values
    "kernel_regularizers/02_gradients",  # gradients of penalties
    "kernel_regularizers/03_string_identifiers",  # string identifiers, defaults
    "kernel_regularizers/06_bias_and_orthogonal",
    "kernel_regularizers/07_custom_regularizer",  # serialization of a custom one
    "kernel_regularizers/09_regularizer_after_build",
    "kernel_regularizers/20_exercise_predict_penalty",
    "kernel_regularizers/21_exercise_mean_penalty",
    "activity_regularizers/02_batch_size",
    "activity_regularizers/03_shapes_and_calls",
    "activity_regularizers/20_exercise_batch_of_four",
    "kernel_regularizers/08_pitfalls",
    "in_practice/06_weight_decay_biases",  # weight decay, an optimizer step
    "in_practice/11_constraints_vs_penalties",
    "in_practice/20_exercise_count_losses",  # what model.losses holds
    "in_practice/22_exercise_float16_overflow",
    "choosing/20_exercise_adam_l2_vs_adamw",  # one optimizer step
    "choosing/21_exercise_decay_and_schedule",
    "overfitting/20_exercise_parameters",
]
# values that name the backend, or that the site shows as a difference
DIFFERENT = {
    "kernel_regularizers/02_gradients": {"backend", "l1_gradient", "l1l2_gradient",
                                         "l1_matches_sign"},
}


def mismatches(a, b, path="") -> list[str]:
    """Where two JSON values differ by more than float32 rounding."""
    if isinstance(a, bool) or isinstance(b, bool) or a is None or isinstance(a, str):
        return [] if a == b else [f"{path}: {a!r} != {b!r}"]
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        scale = max(abs(a), abs(b))
        return [] if math.isclose(a, b, rel_tol=FLOAT32, abs_tol=1e-7) or scale == 0 \
            else [f"{path}: {a!r} != {b!r}"]
    if isinstance(a, list) and isinstance(b, list) and len(a) == len(b):
        return [m for n, (x, y) in enumerate(zip(a, b, strict=True))
                for m in mismatches(x, y, f"{path}.{n}")]
    if isinstance(a, dict) and isinstance(b, dict) and a.keys() == b.keys():
        return [m for key in a for m in mismatches(a[key], b[key], f"{path}.{key}")]
    return [f"{path}: {a!r} != {b!r}"]


# values that depend on random initial weights (each backend draws other numbers from the
# same seed): on each backend, Keras' penalty must equal the one computed by hand
SELF_CONSISTENT = {
    "activity_regularizers/01_what_is_penalized": ("by_keras", "by_hand"),
    "in_practice/21_exercise_clone_with_l2": ("clone_penalty", "expected"),
}


@pytest.mark.parametrize("snippet_id", MECHANICS)
def test_mechanics_agree_across_backends(outputs, snippet_id):
    runs = outputs.project.backends_of(snippet_id)
    assert list(runs) == list(installed_backends()), \
        f"{snippet_id} must run on every installed backend"
    reference = runs["tensorflow"].values
    skip = DIFFERENT.get(snippet_id, set())
    for name, run in runs.items():
        assert reference.keys() == run.values.keys(), name
        found = [m for key in reference if key not in skip
                 for m in mismatches(reference[key], run.values[key], key)]
        assert found == [], name


def test_a_training_run_from_fixed_weights_agrees_within_the_stated_tolerance(outputs):
    """docs/keras-versions.md#backends states this tolerance (a relative 2**-14) for the
    early-stopping run, which starts from zero weights: every value it computes agrees."""
    snippet_id = "overfitting/08_early_stopping_as_l2"
    runs = outputs.project.backends_of(snippet_id)
    assert list(runs) == list(installed_backends())
    reference = runs["tensorflow"].values
    for name, run in runs.items():
        assert mismatches(reference, run.values) == [], name


@pytest.mark.parametrize("snippet_id", sorted(SELF_CONSISTENT))
def test_penalties_match_the_hand_computed_value_on_each_backend(outputs, snippet_id):
    runs = outputs.project.backends_of(snippet_id)
    assert list(runs) == list(installed_backends())
    keras_name, hand_name = SELF_CONSISTENT[snippet_id]
    for name, run in runs.items():
        assert mismatches(run.values[keras_name], run.values[hand_name]) == [], name


def test_l1_subgradient_at_zero_differs_and_nothing_else(outputs):
    runs = outputs.project.backends_of("kernel_regularizers/02_gradients")
    tf_values, jax_values = runs["tensorflow"].values, runs["jax"].values
    weights = [-2.0, -0.5, 0.0, 0.5, 2.0]
    zero = weights.index(0.0)
    assert tf_values["l1_gradient"][zero] == 0.0  # TensorFlow: sign(0) = 0
    assert jax_values["l1_gradient"][zero] == pytest.approx(0.1)  # JAX: +lambda
    for name in ("l1_gradient", "l1l2_gradient"):
        others = [i for i in range(len(weights)) if i != zero]
        assert mismatches([tf_values[name][i] for i in others],
                          [jax_values[name][i] for i in others]) == []
    assert tf_values["l2_gradient"] == jax_values["l2_gradient"]
    assert tf_values["l1_matches_sign"] and not jax_values["l1_matches_sign"]


@pytest.mark.skipif("torch" not in installed_backends(), reason="PyTorch not installed")
def test_pytorch_autograd_gives_tensorflows_subgradient(outputs):
    runs = outputs.project.backends_of("kernel_regularizers/02_gradients")
    tf_values, torch_values = runs["tensorflow"].values, runs["torch"].values
    assert torch_values["backend"] == "torch"
    assert torch_values["l1_gradient"][2] == 0.0  # PyTorch: sign(0) = 0, as TensorFlow
    for name in ("l1_gradient", "l2_gradient", "l1l2_gradient", "l1_matches_sign"):
        assert mismatches(tf_values[name], torch_values[name]) == [], name


def test_custom_loops_miss_the_penalty_unless_added_on_each_backend(outputs):
    loops = {"tensorflow": "in_practice/01_custom_loop", "jax": "in_practice/12_custom_loop_jax",
             "torch": "in_practice/13_custom_loop_torch"}
    for backend, snippet_id in loops.items():
        if backend not in installed_backends():
            continue
        values = outputs.values(snippet_id)
        assert values["difference_matches"] is True  # the gap is exactly 2 * 0.1 * W
        assert values["weights_differ"] is True
        assert list(outputs.project.backends_of(snippet_id)) == [backend]
        if backend != "tensorflow":
            assert values["penalty"] > 0 and values["norm_with"] < values["norm_without"]
