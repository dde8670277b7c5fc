"""The facts the chapter "Overfitting" states, asserted on its snippets' outputs."""

import re

import numpy as np
import pytest

from runner.engine import installed_backends


def test_model_a_memorises_model_b_generalises(values):
    v = values("01_two_models")
    a, b = v["a"], v["b"]
    assert v["n_wrong"] == int(v["noise"] * v["n_train"])
    assert a["train_acc"] == 1.0 and a["memorised"] == 1.0  # every wrong label learned
    assert b["memorised"] < 0.5 and b["train_acc"] < 1 - v["noise"] / 2
    assert b["val_acc"] > a["val_acc"]
    assert a["gap"] == pytest.approx(a["train_acc"] - a["val_acc"])
    assert a["gap"] > 0.15 and b["gap"] < a["gap"] / 3
    assert a["params"] > 50 * b["params"]
    # "its validation loss is lowest at epoch N and climbs from there"
    history = v["histories"]["A: 2 x 512 units"]["val_loss"]
    assert v["best_epoch_a"] < v["epochs"] / 2
    assert history[-1] > min(history) + 0.1


def test_capacity_sweep(runs):
    assert len(runs("02_capacity_sweep")) == len(installed_backends())
    for backend, run in runs("02_capacity_sweep").items():
        v = run.values
        sweep = v["by_width"]
        widths = [str(w) for w in v["widths"]]
        train = [sweep[w]["train_error"] for w in widths]
        val = [sweep[w]["val_error"] for w in widths]
        assert train[0] > 0.5 and val[0] > 0.5, backend  # underfitting
        assert train == sorted(train, reverse=True), backend  # training error keeps falling
        assert str(v["best_width"]) not in (widths[0], widths[-1]), backend  # a U shape
        assert sweep["512"]["train_error"] < v["noise"], backend
        assert sweep["512"]["val_error"] > sweep[str(v["best_width"])]["val_error"], backend


def test_size_sweep(runs):
    assert len(runs("03_size_sweep")) == len(installed_backends())
    for backend, run in runs("03_size_sweep").items():
        v = run.values
        sweep = v["by_size"]
        val = [sweep[str(n)]["val_error"] for n in v["sizes"]]
        train = [sweep[str(n)]["train_error"] for n in v["sizes"]]
        assert val == sorted(val, reverse=True), backend  # more data, lower validation error
        assert train == sorted(train), backend  # "training error rises" (the figure's text)
        assert sweep["50"]["train_error"] < 0.05, backend  # memorises everything
        assert sweep["800"]["train_error"] > sweep["50"]["train_error"], backend
        assert sweep["800"]["val_error"] < sweep["50"]["val_error"] / 2, backend


def test_loss_contains_the_penalty_metric_does_not(values):
    v = values("04_loss_vs_metric")
    assert v["val_gap"] == pytest.approx(v["penalty"], rel=1e-3)
    assert v["train_gap"] == pytest.approx(v["penalty"], rel=0.05)
    assert 0 < v["penalty_share"] < 1


def test_early_stopping(values, runs):
    assert len(runs("05_early_stopping")) == len(installed_backends())
    for backend, run in runs("05_early_stopping").items():
        v = run.values
        assert v["monitor"] == "val_loss", backend
        assert v["epochs_run"] < v["max_epochs"], backend
        assert v["epochs_run"] == v["best_epoch"] + 10, backend  # patience after the best
        assert v["restored_val_acc"] > v["last_epoch_val_acc"], backend
    # 01_two_models runs on TensorFlow only (its tf.data validation input)
    v = values("05_early_stopping")
    assert v["restored_val_acc"] > values("01_two_models")["a"]["val_acc"]


def test_dropout(values):
    v = values("06_dropout")
    assert v["inference_identity"] is True
    assert 0.47 < v["zeroed_share"] < 0.53
    assert v["survivor_value"] == 2.0  # 1 / (1 - 0.5)
    assert v["memorised"] > 0.5  # "still learns" most wrong labels


def test_figures_have_their_panels_and_lines(output):
    for snippet_id, name, panels, lines in [
        ("01_two_models", "curves", 2, 8), ("02_capacity_sweep", "capacity", 1, 3),
        ("03_size_sweep", "size", 1, 3), ("05_early_stopping", "early-stopping", 1, 4),
    ]:
        svg = output(snippet_id).figures[name].read_text()
        assert svg.count('<g id="axes_') == panels, name
        assert svg.count('<g id="line2d_') >= lines, name


def test_remedies_compared_on_test_images_with_paired_intervals(values):
    from scipy import stats

    v = values("07_remedies_compared")
    acc = v["test_acc"]
    assert v["seeds"] >= 5 and all(len(a) == v["seeds"] for a in acc.values())

    def interval(a, b):
        d = np.subtract(a, b)
        half = stats.t.ppf(0.975, len(d) - 1) * d.std(ddof=1) / np.sqrt(len(d))
        return d.mean() - half, d.mean() + half

    names = {"A + early stopping": "early_stopping", "A + dropout 0.5": "dropout",
             "B": "model_b"}
    for name, key in names.items():
        low, high = interval(acc[name], acc["A"])
        stored = v["versus_a"][name]
        assert (stored["low"], stored["high"]) == pytest.approx((low, high))
        expected = "better" if low > 0 else "worse" if high < 0 else "not detectably different"
        assert v["verdicts"][key] == expected  # a gain and a drop are both checked
    low, high = interval(acc["A + early stopping"], acc["A + dropout 0.5"])
    expected = ("better than" if low > 0 else "worse than" if high < 0
                else "not detectably different from")
    assert v["stop_vs_drop_verdict"] == expected


# Exercises


def test_exercise_parameter_counts_match_by_hand(values):
    v = values("20_exercise_parameters")
    for name in ("A", "B"):
        assert v["counts"][name]["by_hand"] == v["counts"][name]["keras"]
    # independent arithmetic: 64*512+512 + 512*512+512 + 512*10+10, and 64*32+32 + 32*10+10
    assert v["counts"]["A"]["keras"] == 301_066 and v["counts"]["B"]["keras"] == 2_410
    assert v["ratio"] == pytest.approx(301_066 / 2_410)


def test_exercise_patience_replay_matches_the_callback(values):
    v = values("21_exercise_patience")
    assert v["replay_matches_callback"] is True
    losses = v["val_loss"]
    best = v["best_epoch_overall"]
    assert losses[best - 1] == min(losses)
    # a patience reaches the overall best epoch exactly when it is at least the smallest one
    p = v["smallest_patience_for_best"]
    for patience, epoch in v["restored"].items():
        assert (epoch == best) == (int(patience) >= p), patience
    # the smallest patience is the longest run of epochs without a new best before it
    record, longest = losses[0], 0
    since = 0
    for loss in losses[:best]:
        since = 0 if loss < record else since + 1
        record = min(record, loss)
        longest = max(longest, since)
    assert p == longest + 1
    checked = str(v["checked_patience"])
    assert v["real"][1] == v["restored"][checked]
    # the restored epoch never gets later as patience shrinks
    restored = [v["restored"][k] for k in sorted(v["restored"], key=int)]
    assert restored == sorted(restored)


def test_exercise_correct_labels_are_learned_before_wrong_ones(values):
    v = values("22_exercise_memorisation_order")
    clean, wrong = v["curves"]["clean"], v["curves"]["wrong"]
    assert len(clean) == len(wrong) == v["epochs"]
    assert v["clean_90"] is not None and v["wrong_50"] is not None
    assert v["clean_90"] < v["wrong_50"]
    c, w = v["clean_level"], v["wrong_level"]
    assert clean[v["clean_90"] - 1] >= c and max(clean[: v["clean_90"] - 1], default=0) < c
    assert wrong[v["wrong_50"] - 1] >= w and max(wrong[: v["wrong_50"] - 1], default=0) < w
    assert wrong[-1] > 0.9  # by the end the wrong labels are memorised too


def test_exercise_model_a_fits_random_labels_and_learns_nothing_general(runs):
    assert len(runs("23_exercise_random_labels")) == len(installed_backends())
    for backend, run in runs("23_exercise_random_labels").items():
        v = run.values
        assert v["train_acc"] == 1.0, backend  # every random label memorised
        assert v["first_perfect"] is not None and v["first_perfect"] <= v["epochs"], backend
        assert v["curve"][v["first_perfect"] - 1] == 1.0, backend
        assert v["curve"][0] < 0.3, backend  # it starts at chance
        assert v["val_acc"] < 0.25, backend  # near chance (0.1) on the true validation labels
        # the random labels are not the true ones in disguise
        assert v["agree_by_chance"] < 0.2, backend


def test_early_stopping_is_close_to_l2_with_factor_one_over_2_t_eta(values):
    v = values("08_early_stopping_as_l2")
    rows = sorted(v["distances"].values(), key=lambda r: r["t"])
    assert [r["t"] for r in rows] == v["checkpoints"]
    for r in rows:
        assert r["lam"] == pytest.approx(1 / (2 * r["t"] * v["eta"]))
        assert r["to_ridge"] < 0.5 * r["to_least_squares"]  # nearer the L2 weights than the target
        assert 0.4 < r["closest_over_lam"] < 1.0  # the constant is right within a factor 2.5
    assert v["max_to_ridge"] < 0.15 and v["max_to_ridge"] == max(r["to_ridge"] for r in rows)
    assert v["worst_ratio"] < 0.5
    # gradient descent does head for least squares: the distance falls with t
    to_ls = [r["to_least_squares"] for r in rows]
    assert all(a > b for a, b in zip(to_ls, to_ls[1:], strict=False)) and to_ls[0] > 0.8
    assert v["closest_range"][0] <= v["closest_range"][1]
    assert 0 < v["factor_gap"] < 0.3


def test_early_stopping_factors_recomputed_independently():
    """Per eigenvector, 1 - (1 - eta h)^t and h / (h + 2 lam) agree for small h when
    lam = 1/(2 t eta)."""
    eta, t = 0.1, 50
    lam = 1 / (2 * t * eta)
    h = np.array([1e-4, 1e-3, 1e-2])
    assert 1 - (1 - eta * h) ** t == pytest.approx(h / (h + 2 * lam), rel=0.03)
    assert 1 - (1 - eta * h) ** t != pytest.approx(h / (h + lam), rel=0.2)  # the textbook 1/(t eta)


def tick_labels(svg: str, axis: str) -> list[str]:
    """The tick labels of one axis of a one-panel (or first-panel) matplotlib SVG."""
    return re.findall(rf'<g id="{axis}tick_\d+">.*?<text[^>]*>([^<]*)</text>', svg, re.S)


def test_epoch_axes_have_whole_epoch_ticks(output):
    for snippet_id, name in [("01_two_models", "curves"), ("05_early_stopping", "early-stopping")]:
        for variant in (name, f"{name}--phone"):
            labels = tick_labels(output(snippet_id).figures[variant].read_text(), "x")
            assert labels and all(re.fullmatch(r"\d+", label) for label in labels), labels


def test_early_stopping_legend_sits_below_the_plot(output):
    """Below the axes, so that it covers neither the "best" nor the "stopped" line."""
    for variant in ("early-stopping", "early-stopping--phone"):
        svg = output("05_early_stopping").figures[variant].read_text()
        x_label = float(re.search(r'y="([\d.]+)"[^>]*>epoch</text>', svg)[1])
        stopped = float(re.search(r'y="([\d.]+)"[^>]*>stopped after epoch \d+</text>', svg)[1])
        assert stopped > x_label, variant  # SVG y grows downwards
