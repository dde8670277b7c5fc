"""The facts the chapter "Kernel regularizers" states, asserted on its snippets' outputs
and, where cheap, recomputed independently here."""

import numpy as np
import pytest


def test_seed_article_example_l1_of_10_is_1(values):
    v = values("01_penalty_formulas")
    assert v["l1_penalty"] == pytest.approx(1.0)  # 0.1 * |10|
    assert v["l2_penalty"] == pytest.approx(10.0)  # 0.1 * 10**2: no factor 1/2
    assert v["l1l2_penalty"] == pytest.approx(11.0)
    assert v["max_formula_error"] < 1e-6


def test_penalty_recomputed_independently():
    from keras import regularizers

    weights = np.array([[1.0, -2.0], [0.5, 0.0]], dtype="float32")
    assert float(regularizers.L1(0.1)(weights)) == pytest.approx(0.35)
    assert float(regularizers.L2(0.1)(weights)) == pytest.approx(0.525)


def test_defaults(values):
    v = values("01_penalty_formulas")
    assert v["default_l1"] == pytest.approx(0.01) and v["default_l1"] != 0.01  # float32 tensor
    assert v["default_l2"] == 0.01
    assert v["default_l1l2"] == {"l1": 0.0, "l2": 0.0}


def test_gradients(values):
    v = values("02_gradients")
    assert v["l1_matches_sign"] and v["l2_matches_2lw"]
    assert v["l1_gradient"] == pytest.approx([-0.1, -0.1, 0.0, 0.1, 0.1])
    assert v["l2_gradient"] == pytest.approx([-0.4, -0.1, 0.0, 0.1, 0.4])


def test_string_identifiers(values, outputs):
    v = values("03_string_identifiers")
    assert v["resolved"]["l1_l2"].startswith(
        "ValueError: Could not interpret regularizer identifier")
    assert v["resolved"]["l2"] == "L2 {'l2': 0.01}"
    assert v["l1l2_string_config"] == {"l1": 0.0, "l2": 0.0}
    assert v["l1l2_string_penalty"] == 0.0
    assert "l1_l2" in v["dense_l1_l2_error"]


def test_penalty_is_in_loss_and_val_loss_not_in_metrics(values):
    v = values("04_where_the_penalty_goes")
    assert v["layer_penalty"] > 0
    assert v["eval_gap"] == pytest.approx(v["eval_penalty"], rel=1e-4)
    assert v["val_gap"] == pytest.approx(v["final_penalty"], rel=1e-3)
    # the epoch's training loss averages penalties over steps: close, not equal
    assert v["train_gap"] == pytest.approx(v["final_penalty"], rel=0.05)
    assert v["train_gap"] != pytest.approx(v["final_penalty"], rel=1e-5)


def test_training_comparison_supports_the_prose(values):
    v = values("05_training_effect")
    s = v["summary"]
    assert set(s) == {"none", "l1", "l2"}
    assert all(r["train_acc"] == 1.0 for r in s.values())  # "all three fit perfectly"
    # "Both penalties slow that climb", fastest without a penalty, slowest with L1
    assert s["none"]["val_bce"] > s["l2"]["val_bce"] > s["l1"]["val_bce"]
    assert s["l1"]["val_acc"] > s["none"]["val_acc"]  # "L1 suits this task"
    assert s["l2"]["val_acc"] > s["none"]["val_acc"]
    # the unpenalised run's validation loss bottoms out early and climbs afterwards
    assert v["best_epoch_none"] < v["epochs"] / 2
    assert v["histories"]["none"]["val_bce"][-1] > min(v["histories"]["none"]["val_bce"]) + 0.05
    # sparsity: many near-zeros with L1, few otherwise, and no exact zeros anywhere
    assert s["l1"]["near_zero_percent"] > 30
    assert s["none"]["near_zero_percent"] < 2 and s["l2"]["near_zero_percent"] < 2
    assert s["l1"]["exact_zeros"] == 0
    assert s["none"]["l2_norm"] > s["l2"]["l2_norm"] > s["l1"]["l2_norm"]
    assert v["n_noise"] == v["n_features"] - v["n_informative"]


def test_training_figures_have_their_panels_and_lines(output):
    figures = output("05_training_effect").figures
    curves = figures["curves"].read_text()
    assert curves.count('<g id="axes_') == 2
    assert curves.count('<g id="line2d_') >= 12  # 3 variants x train/validation x 2 panels
    weights = figures["weights"].read_text()
    assert weights.count('<g id="axes_') == 3
    assert weights.count('<g id="patch_') >= 3 * 60  # 60 histogram bars per panel


def test_bias_and_orthogonal(values):
    v = values("06_bias_and_orthogonal")
    assert v["kernel_penalty"] == pytest.approx(0.08)
    assert v["bias_penalty"] == pytest.approx(3.0)
    assert v["orthogonal_keras"] == pytest.approx(v["orthogonal_by_hand"], rel=1e-5)
    assert "must have rank 2" in v["conv_error"]


def test_custom_regularizer_round_trip_and_errors(values):
    v = values("07_custom_regularizer")
    assert v["penalty_before"] == v["penalty_after"] == pytest.approx(0.5 * 6 * 0.75**2)
    assert v["registered_name"] == "handbook>CenteredL2"
    assert v["no_config_error"].startswith("NotImplementedError:")
    assert "does not implement get_config()" in v["no_config_error"]
    assert "register_keras_serializable" in v["unregistered_error"]
    assert "0x" not in v["no_config_error"].replace("0x...", "")  # deterministic output


def test_pitfalls(values):
    v = values("08_pitfalls")
    assert v["losses_after_attribute"] == 0
    assert v["penalty_after_variable"] == pytest.approx(6.0)
    assert v["trainable_penalty"] == pytest.approx(6.0)
    assert v["frozen_losses"] == 0
    assert v["l1l2_default_penalty"] == 0.0


# Bit-for-bit reproducibility of the training snippets (a second, uncached run gives the same
# numbers and figure bytes) is checked by `make bench` for every snippet, against a second
# cold run: retraining does not belong in `make test`, which does no training when nothing
# changed.


def test_regularizer_set_after_build_what_reads_it(values):
    """The kernel and in-practice chapters state this table: attribute -> config, saving and
    clone_model; variable -> losses (and so training) only."""
    p = values("09_regularizer_after_build")["paths"]
    assert p["attribute only"] == {
        "losses": 0.0, "in_config": True, "after_load": 6.0, "after_clone": 1}
    assert p["variable only"] == {
        "losses": 6.0, "in_config": False, "after_load": 0.0, "after_clone": 0}
    assert p["both"] == {"losses": 6.0, "in_config": True, "after_load": 6.0, "after_clone": 1}


# Exercises


def test_exercise_predicted_penalty(values):
    v = values("20_exercise_predict_penalty")
    assert v["predicted"] == pytest.approx(0.01 * 40 + 0.001 * 40)
    assert v["computed"] == pytest.approx(v["predicted"], rel=1e-6)
    assert v["doubled"] == pytest.approx(0.01 * 40 * 2 + 0.001 * 40 * 4, rel=1e-6)


def test_exercise_mean_penalty_does_not_grow_with_width(values):
    p = values("21_exercise_mean_penalty")["penalties"]
    assert set(p) == {"16", "64", "256"}
    for units, row in p.items():
        assert row["sum"] == pytest.approx(0.01 * 32 * int(units) * 0.1**2, rel=1e-5)
        assert row["mean"] == pytest.approx(0.01 * 0.1**2, rel=1e-5)
    assert p["256"]["sum"] == pytest.approx(16 * p["16"]["sum"], rel=1e-5)


def test_exercise_group_lasso_switches_inputs_off_element_wise_l1_does_not(values):
    v = values("22_exercise_group_lasso")
    l1, strong, group = v["l1"], v["l1_strong"], v["group"]
    # the chapter's L1 setting: about half the weights near zero, yet no input switched off
    assert l1["near_zero_weights"] > 0.3 and l1["inputs_off"] == 0
    # a similar share of near-zero weights with the group penalty, concentrated in whole rows
    assert abs(group["near_zero_weights"] - l1["near_zero_weights"]) < 0.15
    assert group["inputs_off"] > 0.6 * v["n_noise"]
    # even ten times stronger L1 zeroes more weights but switches off fewer inputs
    assert strong["near_zero_weights"] > group["near_zero_weights"]
    assert strong["inputs_off"] < group["inputs_off"]
    # only noise inputs are switched off
    for r in (l1, strong, group):
        assert r["informative_inputs_off"] == 0 and r["inputs_off"] == r["noise_inputs_off"]


def test_probabilistic_view_prior_scales_and_map(values):
    v = values("10_probabilistic_view")
    n, lam = v["n_rows"], v["lam"]
    # Keras' L2 has no 1/2, and the data loss is a mean
    assert v["sigma2"] == pytest.approx(1 / (2 * n * lam))
    assert v["b"] == pytest.approx(1 / (n * lam))
    for name in ("L2", "L1"):
        # N * loss + log posterior is constant in w with the right scale, not with the wrong one
        assert v["spread"][name] < 1e-3
        assert v["spread_wrong"][name] > 1.0
        # Keras-trained weights are the MAP weights
        assert v["agreement"][name]["max_difference"] < 1e-3
    assert v["agreement"]["L2"]["max_difference"] < 1e-5
    assert v["agreement"]["L1"]["map_zeros"] == 1 and v["agreement"]["L1"]["keras_zeros"] == 0


def test_probabilistic_view_recomputed_independently():
    """N * (Keras L2 loss) - N * (loss at w = 0) equals minus the log-posterior ratio."""
    from keras import regularizers
    from scipy import stats

    rng = np.random.default_rng(1)
    n, lam = 50, 0.02
    w = rng.normal(size=4).astype("float32")
    penalty = float(regularizers.L2(lam)(w))
    sigma = np.sqrt(1 / (2 * n * lam))
    log_prior_ratio = (stats.norm.logpdf(w, scale=sigma).sum()
                       - stats.norm.logpdf(0 * w, scale=sigma).sum())
    assert n * penalty == pytest.approx(-log_prior_ratio, rel=1e-5)
