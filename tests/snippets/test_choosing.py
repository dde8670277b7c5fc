"""The facts the chapter "Choosing a regularizer" and its decision guide rely on."""

import pytest

TABULAR = ["02_tabular_l2", "03_tabular_l1", "04_tabular_activity", "05_tabular_dropout_decay",
           "06_tabular_early_stopping"]
DIGITS = ["07_digits_l2", "08_digits_l1", "09_digits_activity", "10_digits_dropout_decay",
          "11_digits_early_stopping"]



def methods(values, names):
    merged = {}
    for name in names:
        merged.update(values(name)["summary"])
    return merged


def significantly_better(a, b, sigmas=2.0):
    spread = max(a["test_acc_std"], b["test_acc_std"], 1e-3)
    return a["test_acc_mean"] - b["test_acc_mean"] > sigmas * spread


def test_sgd_weight_decay_equals_l2_with_twice_the_factor(values):
    v = values("01_weight_decay_vs_l2")
    assert v["sgd_gap"] < 1e-5  # float32 rounding after 25 steps
    assert v["sgd_half_gap"] > 100 * v["sgd_gap"]
    assert v["exclude_gap"] < 1e-5 < v["include_gap"]


def test_momentum_and_adam_break_the_equivalence(values):
    v = values("01_weight_decay_vs_l2")
    assert v["momentum_gap"] > 1e-3 and v["adam_gap"] > 1e-3
    assert v["adamw_equals_adam_decay"] == 0.0
    assert v["adamw_default"] == pytest.approx(0.004)


def test_every_row_comes_from_three_seeds_and_its_full_sweep(values):
    for name in TABULAR + DIGITS:
        v = values(name)
        for method, result in v["summary"].items():
            assert result["seeds"] == 3, (name, method)
            assert all(len(r["test_acc"]) == r["seeds"] == 3 for r in result["sweep"].values())
        assert v["trainings"] == sum(3 * len(r["sweep"]) for r in v["summary"].values())
    setup = values("02_tabular_l2")["setup"]
    assert setup["seeds"] == 3


def test_each_table_row_is_the_chosen_factor(values, output):
    for name in TABULAR + DIGITS:
        table = values(name)["table_rows"]
        assert output(name).text("run") == table + "\n"
        for method, result in values(name)["summary"].items():
            if method == "none" and not name.endswith("_l2"):
                continue  # only the figure's reference line in these files
            assert f"{result['test_acc_mean']:.3f} ± {result['test_acc_std']:.3f}" in table, method
            sweep = result["sweep"]
            best_key = max(sweep, key=lambda k: sweep[k]["val_acc"])
            assert sweep[best_key]["test_acc"] == pytest.approx(
                [result["test_acc_mean"]] * 3, abs=3 * result["test_acc_std"] + 1e-9)


def test_tabular_claims(values):
    m = methods(values, TABULAR)
    for penalty in ("l1", "l1l2", "l2"):  # kernel penalties help clearly
        assert significantly_better(m[penalty], m["none"]), penalty
    # "the three kernel penalties are the best single methods"
    singles = ["activity_l1", "activity_l2", "dropout", "adamw", "early_stopping"]
    kernels = ("l1", "l1l2", "l2")
    assert min(m[k]["test_acc_mean"] for k in kernels) > max(m[k]["test_acc_mean"] for k in singles)
    assert m["l1"]["test_acc_mean"] > m["l2"]["test_acc_mean"]
    assert m["l2"]["best_factor"] > m["l1"]["best_factor"]  # L2 needs a larger factor
    # activity penalties: smallest factor chosen, accuracy at the baseline
    for penalty in ("activity_l1", "activity_l2"):
        assert m[penalty]["best_factor"] == 1e-4
        assert abs(m[penalty]["test_acc_mean"] - m["none"]["test_acc_mean"]) < 0.01
    # early stopping alone lowers accuracy; combined it beats the baseline
    assert m["early_stopping"]["test_acc_mean"] < m["none"]["test_acc_mean"]
    assert significantly_better(m["l2_dropout_early_stopping"], m["none"])


def test_tabular_activity_lowers_loss_not_accuracy(values):
    sweep = values("04_tabular_activity")["summary"]["activity_l2"]["sweep"]
    losses = [sweep[k]["val_loss"] for k in ("1e-4", "1e-3", "1e-2", "1e-1")]
    accuracies = [sweep[k]["val_acc"] for k in ("1e-4", "1e-3", "1e-2", "1e-1")]
    assert losses == sorted(losses, reverse=True) and accuracies[-1] < accuracies[0]


def test_sweep_shapes_described_in_alt_texts(values):
    l2 = values("02_tabular_l2")["summary"]
    sweep = [l2["l2"]["sweep"][k]["val_loss"] for k in ("1e-3", "1e-2", "1e-1", "1e+00")]
    assert sweep[0] > sweep[1] > sweep[2] < sweep[3]
    assert all(value < l2["none"]["sweep"]["0"]["val_loss"] for value in sweep)
    l1 = values("03_tabular_l1")["summary"]
    for penalty in ("l1", "l1l2"):
        s = l1[penalty]["sweep"]
        assert min(s, key=lambda k: s[k]["val_loss"]) == "1e-2"
        assert s["1e-1"]["val_loss"] > s["1e-2"]["val_loss"]
    digits = values("07_digits_l2")["summary"]
    assert digits["l2"]["sweep"]["1e+00"]["val_loss"] > 3 * digits["none"]["sweep"]["0"]["val_loss"]


def test_digits_no_method_beyond_seed_noise(values):
    m = methods(values, DIGITS)
    for method, result in m.items():
        assert not significantly_better(result, m["none"], sigmas=2.5), method
