"""Each printed fact an answer of "Regularizers in practice" relies on."""

import pytest

from runner.engine import installed_backends


def test_custom_loop_needs_model_losses(values):
    v = values("01_custom_loop")
    assert v["difference_matches"] is True
    assert v["compute_loss_gap"] == pytest.approx(0.0, abs=1e-5)


def test_torch_loop_misses_the_penalty_unless_it_adds_model_losses(values):
    v = values("13_custom_loop_torch")
    assert v["difference_matches"] is True  # the gap in the gradient is exactly 2 * 0.1 * W
    assert v["penalty"] > 0 and v["total_loss"] == pytest.approx(v["data_loss"] + v["penalty"])
    assert v["weights_differ"] is True and v["norm_with"] < v["norm_without"]


def test_pretrained_model(values):
    v = values("02_pretrained_model")
    assert v["attribute_losses"] == 0
    assert v["variable_penalty"] > 0
    assert v["reloaded_penalty"] == pytest.approx(v["variable_penalty"])
    assert v["rebuilt_penalty"] == pytest.approx(v["variable_penalty"])
    assert v["same_predictions"] is True


def test_val_loss_contains_the_penalty(values):
    v = values("03_loss_vs_metric")
    assert v["val_gap"] == pytest.approx(v["penalty"], abs=2e-4)  # printed values are rounded
    assert v["last"]["loss"] > v["last"]["mse"]


def test_exact_zeros_only_after_thresholding(values, runs):
    assert len(runs("04_exact_zeros")) == len(installed_backends())
    for backend, run in runs("04_exact_zeros").items():
        v = run.values
        r = v["results"]
        assert v["exact_zeros_after_training"] == 0 and r["0"]["zeros"] == 0, backend
        assert r["1e-3"]["zeros"] > 0.3 * 3840, backend
        assert r["1e-3"]["val_acc"] >= r["0"]["val_acc"] - 0.005, backend
        assert r["1e-1"]["zeros"] > r["1e-3"]["zeros"], backend
        # "element-wise L1 zeroes weights, not inputs": no input unused at any threshold
        assert all(row["unused_inputs"] == 0 for row in r.values()), backend
    # pruning the most costs some accuracy on TensorFlow (the page does not claim it)
    r = values("04_exact_zeros")["results"]
    assert r["1e-1"]["val_acc"] <= r["1e-3"]["val_acc"]


def test_saving_outcomes(values):
    outcomes = values("05_saving_custom")["outcomes"]
    assert outcomes["registered class"].startswith("works")
    assert outcomes["registered function"].startswith("works")
    fails = "load fails: TypeError: Could not interpret regularizer"
    assert outcomes["plain function"].startswith(fails)
    assert outcomes["lambda"].startswith(fails)
    assert "0x" not in "".join(outcomes.values()).replace("0x...", "")
    assert values("05_saving_custom")["custom_objects_penalty"] > 0


def test_weight_decay_shrinks_biases_unless_excluded(values):
    v = values("06_weight_decay_biases")
    assert v["decay_all"]["kernel"] == pytest.approx(v["factor"])
    assert v["decay_all"]["bias"] == pytest.approx(v["factor"])
    assert v["decay_kernels"] == {"kernel": pytest.approx(v["factor"]), "bias": 1.0}


def test_embedding_and_lstm_coverage(values):
    v = values("07_embedding_lstm")
    assert v["embedding_penalty"] == pytest.approx(0.01 * 10 * 4)
    assert v["covered"] == {"kernel_regularizer": "kernel",
                            "recurrent_regularizer": "recurrent_kernel",
                            "bias_regularizer": "bias"}


def test_predict_unchanged_frozen_keeps_activity_penalty(values):
    v = values("08_predict_and_frozen")
    assert v["same_predictions"] is True
    assert len(v["frozen_losses"]) == 1


def test_mixed_precision_failure_and_fix(values):
    v = values("09_mixed_precision")
    assert v["failure"].startswith("TypeError: Cannot convert a list containing a tensor of dtype")
    assert all(loss == loss and loss < 1e3 for loss in v["fixed_losses"])  # finite


def test_constraint_versus_regularizer(runs):
    assert len(runs("10_constraint_vs_regularizer")) == len(installed_backends())
    for backend, run in runs("10_constraint_vs_regularizer").items():
        s = run.values["summary"]
        assert s["constraint"]["norm"] == pytest.approx(1.0, abs=1e-3), backend
        assert s["constraint"]["penalties"] == 0 and s["regularizer"]["penalties"] == 1
        assert s["constraint"]["norm"] < s["regularizer"]["norm"] < s["none"]["norm"], backend


# Exercises


def test_exercise_which_layers_add_penalties(values):
    v = values("20_exercise_count_losses")
    assert v["sources"] == {"trainable": 2, "frozen_kernel": 0, "frozen_activity": 1}
    assert v["n_losses"] == 3


def test_exercise_clone_model_adds_l2_and_keeps_predictions(values):
    v = values("21_exercise_clone_with_l2")
    assert v["same_predictions"] is True
    assert v["n_dense"] == 3
    assert v["clone_penalty"] == pytest.approx(v["expected"], rel=1e-5)


def test_exercise_float16_penalty_overflow(values):
    v = values("22_exercise_float16_overflow")
    assert v["float16_max"] == 65504.0
    predicted = (v["float16_max"] / v["units"]) ** 0.5
    assert v["largest_sum"] == pytest.approx(predicted)
    # the first overflowing value is the first step of the scan above the prediction
    assert predicted < v["first_inf"] <= predicted + 0.5
    assert v["first_inf"] < v["largest_square"]  # the sum overflows long before one square


def test_constraints_versus_penalties_and_the_lagrange_multiplier(values):
    v = values("11_constraints_vs_penalties")
    s, c = v["summary"], v["c"]
    assert s["none"]["norm"] > c  # the limit binds
    assert s["maxnorm"]["norm"] == pytest.approx(c, abs=1e-3)
    assert s["unitnorm"]["norm"] == pytest.approx(1.0, abs=1e-3)
    assert s["nonneg"]["negative"] == 0 and s["nonneg"]["zeros"] >= v["true_negative"]
    assert s["none"]["negative"] >= v["true_negative"]
    assert s["maxnorm"]["negative"] == s["none"]["negative"]
    assert s["l2"]["zeros"] == 0 and s["maxnorm"]["zeros"] == 0
    # constraints add nothing to the loss; the penalty does
    for name in ("none", "maxnorm", "unitnorm", "nonneg"):
        assert s[name]["loss"] == s[name]["mse"]
    penalty = v["l2_factor"] * s["l2"]["norm"] ** 2
    assert s["l2"]["loss"] == pytest.approx(s["l2"]["mse"] + penalty, rel=1e-5)
    # every limit costs data fit, the tighter the more
    assert s["none"]["mse"] < s["maxnorm"]["mse"] < s["unitnorm"]["mse"]
    # the Lagrange multiplier is the L2 factor that reaches the same norm, and the same weights
    assert v["alignment"] > 0.99  # -gradient parallel to w at the constrained optimum
    assert v["swept"] == pytest.approx(v["multiplier"], rel=0.05)
    assert v["matched_gap"] < 0.05
    norms = v["norms"]
    assert all(a > b for a, b in zip(norms, norms[1:], strict=False))  # larger factor, smaller norm
    assert min(norms) < c < max(norms)
