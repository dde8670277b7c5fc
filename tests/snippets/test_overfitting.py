"""The facts the chapter "Overfitting" states, asserted on its snippets' outputs."""

import pytest


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


def test_capacity_sweep(values):
    v = values("02_capacity_sweep")
    sweep = v["by_width"]
    widths = [str(w) for w in v["widths"]]
    train = [sweep[w]["train_error"] for w in widths]
    val = [sweep[w]["val_error"] for w in widths]
    assert train[0] > 0.5 and val[0] > 0.5  # underfitting
    assert train == sorted(train, reverse=True)  # training error keeps falling
    assert str(v["best_width"]) not in (widths[0], widths[-1])  # a U shape
    assert sweep["512"]["train_error"] < v["noise"]
    assert sweep["512"]["val_error"] > sweep[str(v["best_width"])]["val_error"]


def test_size_sweep(values):
    v = values("03_size_sweep")
    sweep = v["by_size"]
    val = [sweep[str(n)]["val_error"] for n in v["sizes"]]
    assert val == sorted(val, reverse=True)  # more data, lower validation error
    assert sweep["50"]["train_error"] < 0.05  # memorises everything
    assert sweep["800"]["train_error"] > sweep["50"]["train_error"]
    assert sweep["800"]["val_error"] < sweep["50"]["val_error"] / 2


def test_loss_contains_the_penalty_metric_does_not(values):
    v = values("04_loss_vs_metric")
    assert v["val_gap"] == pytest.approx(v["penalty"], rel=1e-3)
    assert v["train_gap"] == pytest.approx(v["penalty"], rel=0.05)
    assert 0 < v["penalty_share"] < 1


def test_early_stopping(values):
    v = values("05_early_stopping")
    assert v["monitor"] == "val_loss"
    assert v["epochs_run"] < v["max_epochs"]
    assert v["epochs_run"] == v["best_epoch"] + 10  # patience after the best epoch
    assert v["restored_val_acc"] > v["last_epoch_val_acc"]
    assert v["restored_val_acc"] > values("01_two_models")["a"]["val_acc"]
    assert v["restored_val_acc"] > values("06_dropout")["val_acc"]  # "did better on this task"


def test_dropout(values):
    v = values("06_dropout")
    assert v["inference_identity"] is True
    assert 0.47 < v["zeroed_share"] < 0.53
    assert v["survivor_value"] == 2.0  # 1 / (1 - 0.5)
    assert v["val_acc"] > values("01_two_models")["a"]["val_acc"]
    assert v["memorised"] > 0.5  # "still learns" most wrong labels


def test_figures_have_their_panels_and_lines(output):
    for snippet_id, name, panels, lines in [
        ("01_two_models", "curves", 2, 8), ("02_capacity_sweep", "capacity", 1, 3),
        ("03_size_sweep", "size", 1, 3), ("05_early_stopping", "early-stopping", 1, 4),
    ]:
        svg = output(snippet_id).figures[name].read_text()
        assert svg.count('<g id="axes_') == panels, name
        assert svg.count('<g id="line2d_') >= lines, name
