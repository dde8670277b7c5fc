"""The facts the chapter "Activity regularizers" states, asserted on its snippets' outputs."""

import numpy as np
import pytest


def test_penalty_is_on_the_output_after_activation(values):
    v = values("01_what_is_penalized")
    assert v["penalty"] == 9.0  # 1.0 * 3**2: the ReLU removed the -3
    assert v["formula_error"] < 1e-6


def test_seed_example_is_20_not_2(values):
    v = values("01_what_is_penalized")
    assert v["seed_penalty"] == pytest.approx(20.0)
    assert v["seed_activity_penalty"] == pytest.approx(20.0)


def test_batch_size_table_is_a_mean(values):
    v = values("02_batch_size")
    for batch_size, row in v["table"].items():
        assert row["recorded"] == pytest.approx(row["mean"], rel=1e-5), batch_size
        assert row["sum"] == pytest.approx(row["mean"] * int(batch_size), rel=1e-5)
    assert v["table"]["32"]["recorded"] < v["table"]["32"]["sum"] / 30
    identical = list(v["recorded_identical"].values())
    assert identical == pytest.approx([identical[0]] * 3, rel=1e-6)


def test_batch_size_semantics_of_the_installed_keras():
    import keras
    from keras import layers

    probe = layers.ActivityRegularization(l1=1.0)
    probe(np.ones((8, 2), dtype="float32"))
    assert float(probe.losses[0]) == pytest.approx(2.0)  # sum 16 / batch 8
    major, minor = (int(part) for part in keras.__version__.split(".")[:2])
    assert (major, minor) >= (3, 14), "the chapter's callout says the pinned Keras divides"


def test_shapes_and_calls(values):
    v = values("03_shapes_and_calls")
    assert v["default_penalty"] == 0.0
    assert v["conv_penalty"] == pytest.approx(0.1 * 4 * 4 * 3)
    assert v["two_outputs"] == pytest.approx([3.0, 6.0])
    assert v["eager_count"] == 1
    assert v["shared"] == pytest.approx([4.0, 4.0])
    assert v["inference"] == pytest.approx([4.0])
    assert v["evaluate_gap"] == pytest.approx(4.0)


def test_sparse_autoencoder(values):
    v = values("04_sparse_autoencoder")
    plain, sparse = v["plain"], v["sparse"]
    assert sparse["active_per_image"] < plain["active_per_image"] / 1.5
    assert sparse["exact_zero"] == pytest.approx(sparse["near_zero"], abs=0.01)  # true zeros
    assert sparse["exact_zero"] > 0.4
    assert sparse["mse"] > plain["mse"]
    assert sparse["dead_units"] > plain["dead_units"]


def test_penalty_sweep_trades_sparsity_for_reconstruction(values):
    v = values("05_penalty_sweep")
    rows = [v["by_factor"][key] for key in ("0", "1e-4", "1e-3", "1e-2")]
    active = [r["active_per_image"] for r in rows]
    mse = [r["mse"] for r in rows]
    assert active == sorted(active, reverse=True) and mse == sorted(mse)
    assert mse[1] < 1.5 * mse[0]  # "some sparsity at little cost"
    assert mse[3] > 5 * mse[0] and active[3] < 2  # the code collapses


def test_kernel_versus_activity(values):
    s = values("06_kernel_vs_activity")["summary"]
    kernel = {name: s[name]["kernel_norm"] for name in s}
    activation = {name: s[name]["activation_norm"] for name in s}
    assert kernel["kernel"] < kernel["activity"] <= kernel["none"] * 1.01
    assert activation["activity"] < activation["kernel"] < activation["none"]


def test_mixed_precision(values):
    v = values("07_mixed_precision")
    assert v["mixed_is_inf"] is True
    assert v["fit_error"].startswith(
        "TypeError: Cannot convert a list containing a tensor of dtype")
    assert v["float32_layer_penalty"] == pytest.approx(v["expected"], rel=1e-4)
    assert v["float32_regularizer_penalty"] == pytest.approx(v["expected"], rel=1e-3)
    assert all(np.isfinite(v["fit_layer_fix"])) and all(np.isfinite(v["fit_regularizer_fix"]))
    assert v["fit_raises"] is True


def test_mixed_precision_fit_fails_on_tensorflow_only(outputs):
    """The page quotes the other backends' `fit()` line: they train on, and the penalty
    overflows float16 on every backend."""
    runs = outputs.project.backends_of("activity_regularizers/07_mixed_precision")
    assert runs["tensorflow"].values["fit_raises"] is True
    others = [name for name in runs if name != "tensorflow"]
    assert others, "07_mixed_precision must run on another backend than TensorFlow"
    for name in others:
        values = runs[name].values
        assert values["fit_raises"] is False, name
        assert values["fit_error"].startswith("no error, losses [")
        assert values["mixed_is_inf"] is True, name
        assert values["float32_layer_penalty"] == pytest.approx(values["expected"], rel=1e-4)


# Exercises


def test_exercise_one_active_row_in_a_batch_of_four(values):
    v = values("20_exercise_batch_of_four")
    assert v["alone"] == pytest.approx(0.05 * 20**2)
    assert v["recorded"] == pytest.approx(v["alone"] / v["batch_size"])


def test_exercise_batch_size_where_activity_equals_kernel_penalty(values):
    v = values("21_exercise_equal_batch")
    b, kernel, scan = v["equal_batch_size"], v["kernel_penalty"], v["scan"]
    assert b > 1
    # the sum rule crosses the kernel penalty at b rows (one row fewer is not enough)
    assert (b - 1) * v["per_row"] < kernel <= b * v["per_row"]
    assert scan[str(b)]["sum_rule"] / kernel == pytest.approx(1.0, abs=0.25)
    # the mean rule: the ratio stays put at every batch size, far below 1
    ratios = [row["mean_rule"] / kernel for row in scan.values()]
    assert max(ratios) < 0.2 and max(ratios) - min(ratios) < 0.05
    assert scan["1024"]["sum_rule"] == pytest.approx(1024 * scan["1024"]["mean_rule"], rel=1e-4)


def test_exercise_l1_after_relu_gives_sparser_codes_than_before(values):
    v = values("22_exercise_before_after_relu")
    after, before = v["after"], v["before"]
    assert after["exact_zero"] > before["exact_zero"] + 0.2
    assert after["active_per_image"] < before["active_per_image"]
    assert after["mse"] > before["mse"]  # the sparser code reconstructs worse


def test_the_two_code_heat_maps_share_one_colour_scale(output, values):
    svg = output("04_sparse_autoencoder").figures["codes"].read_text()
    assert svg.count('<g id="axes_') == 3  # two heat maps and the one colour bar they share
    assert ">code value</text>" in svg
    v = values("04_sparse_autoencoder")
    assert v["top"] > 0  # the top of the shared scale: the larger of the two maxima
