"""TensorFlow and JAX agree on the mechanics: penalty values, their gradients, string
identifiers, defaults and serialization are the same numbers (to float32 rounding) on both
backends. Each snippet's values.json on one backend is compared with the other's; the
differences the site shows (docs/keras-versions.md#backends) are asserted as differences."""

import math

import pytest

from runner.engine import installed_backends

pytestmark = pytest.mark.skipif("jax" not in installed_backends(), reason="JAX not installed")

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


@pytest.mark.parametrize("snippet_id", MECHANICS)
def test_mechanics_agree_across_backends(outputs, snippet_id):
    runs = outputs.project.backends_of(snippet_id)
    assert list(runs) == ["tensorflow", "jax"], f"{snippet_id} must run on both backends"
    tf_values, jax_values = runs["tensorflow"].values, runs["jax"].values
    skip = DIFFERENT.get(snippet_id, set())
    assert tf_values.keys() == jax_values.keys()
    found = [m for key in tf_values if key not in skip
             for m in mismatches(tf_values[key], jax_values[key], key)]
    assert found == []


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


def test_custom_loops_miss_the_penalty_unless_added_on_each_backend(outputs):
    tf_loop = outputs.values("in_practice/01_custom_loop")
    jax_loop = outputs.values("in_practice/12_custom_loop_jax")
    for values in (tf_loop, jax_loop):
        assert values["difference_matches"] is True  # the gap is exactly 2 * 0.1 * W
        assert values["weights_differ"] is True
    assert jax_loop["penalty"] > 0 and jax_loop["norm_with"] < jax_loop["norm_without"]
    assert list(outputs.project.backends_of("in_practice/12_custom_loop_jax")) == ["jax"]
    assert list(outputs.project.backends_of("in_practice/01_custom_loop")) == ["tensorflow"]
