# runner: timeout=240
"""Explorer grid: every method at 12 or more strengths, five seeds each,
recorded in full.

The data behind the Explorer page: the tabular task of the comparison chapter,
trained with its harness, and for every method and strength the mean training
curves, the histograms of first-layer weights and of hidden activations, the
final accuracies and the penalty's share of the training loss. `data` is the
page's JSON (schema in `SCHEMA`).
"""
# runner: backends=tensorflow  # experiment: too slow to run on two backends

import matplotlib.pyplot as plt
import numpy as np

from experiment import (
    ACTIVATION_BINS,
    BATCH,
    LEARNING_RATE,
    WEIGHT_BINS,
    factor_key,
    load_task,
    slug,
    train,
)

SEEDS = [0, 1, 2, 3, 4]
# 1e-7, 3e-7, ..., 300
LOG = [float(f"{m}e{e}") for e in range(-7, 3) for m in (1, 3)]


def log_range(low, high):
    """0 and the half-decade steps from low to high."""
    return [0.0, *[v for v in LOG if low * 0.99 < v < high * 1.01]]


# --8<-- [start:grid]
# method: the values tried, from "does nothing" to "kills the network"
GRID = {
    "none": [0.0],
    "L1": log_range(1e-6, 0.3),
    "L2": log_range(1e-5, 3),
    "L1L2": log_range(1e-6, 0.3),
    "activity L1": log_range(1e-5, 30),
    "activity L2": log_range(1e-5, 30),
    "dropout": [
        0.0,
        0.02,
        0.05,
        0.1,
        0.2,
        0.3,
        0.4,
        0.5,
        0.6,
        0.7,
        0.8,
        0.9,
        0.95,
        0.98,
    ],
    # total shrinkage: learning rate * decay * steps
    "AdamW": log_range(3e-4, 100),
}
LABELS = {"none": "none", "L1": "L1 kernel penalty", "L2": "L2 kernel penalty",
          "L1L2": "L1L2 kernel penalty", "activity L1": "L1 activity penalty",
          "activity L2": "L2 activity penalty", "dropout": "dropout",
          "AdamW": "weight decay (AdamW)"}
SETTINGS = {"dropout": "rate", "AdamW": "shrinkage"}  # the others: "factor"
# --8<-- [end:grid]

SCHEMA = {  # the keys of `data`, of each method and of each cell, for the page
    "data": "schema, task, seeds, epochs, rows (train, val, test), "
    "near_zero_below, "
    "weight_bins, activation_bins (bin edges), order (the methods' slugs), "
    "methods",
    "method": "label, setting, scale (log or rate), values, keys (the values "
    "as shown), "
    "chosen (index of the value validation chooses), cells (one per value)",
    "cell": "value, curves, weight_hist, act_hist, near_zero, exact_zero, "
    "act_zero, "
    "dead_units, penalty_share, final, spread",
    "curves": "train_loss, val_loss, train_acc, val_acc: one number per "
    "epoch, mean over "
    "seeds, dropout off, penalty left out",
    "weight_hist": "share of first-layer weights in each bin of weight_bins "
    "(clipped at "
    "the ends); near_zero: share with magnitude below near_zero_below; "
    "exact_zero: share exactly 0",
    "act_hist": "share of hidden activations on the validation rows in each "
    "bin of "
    "activation_bins (clipped); act_zero: share exactly 0; dead_units: share "
    "of units that are 0 on every validation row",
    "penalty_share": "penalty / (cross-entropy + penalty) on the training "
    "rows after "
    "training; null where the method adds no term to the loss",
    "final": "train_acc, val_acc, test_acc, gap: means over seeds; gap = "
    "train - test",
    "spread": "train_acc, val_acc, test_acc: one number per seed",
}


def r4(x):
    return [round(float(v), 4) for v in np.ravel(x)]


def run_method(task, method, values):
    n = len(SEEDS)
    if method == "AdamW":  # one decay per optimizer: one model per value
        steps = task.epochs * task.train.shape[1] // BATCH
        parts = [
            train(
                task,
                method,
                [v / (LEARNING_RATE * steps)] * n,
                SEEDS,
                record=True,
            )
            for v in values
        ]
        return {
            key: np.concatenate([p[key] for p in parts]) for key in parts[0]
        }
    return train(
        task,
        method,
        np.repeat(values, n),
        np.tile(SEEDS, len(values)),
        record=True,
    )


def cells(runs, values):
    n = len(SEEDS)
    out = []
    for i, value in enumerate(values):
        part = {key: array[i * n:(i + 1) * n] for key, array in runs.items()}
        mean = {key: array.mean(axis=0) for key, array in part.items()}
        share = mean["penalty_share"]
        final = {
            f"{s}_acc": round(float(mean[f"{s}_acc"]), 4)
            for s in ("train", "val", "test")
        }
        final["gap"] = round(final["train_acc"] - final["test_acc"], 4)
        out.append(
            {
                "value": value,
                "curves": {
                    k: r4(mean[f"curve_{k}"])
                    for k in ("train_loss", "val_loss", "train_acc", "val_acc")
                },
                "weight_hist": r4(mean["weight_hist"]),
                "act_hist": r4(mean["act_hist"]),
                "near_zero": round(float(mean["near_zero"]), 4),
                "exact_zero": round(float(mean["exact_zero"]), 4),
                "act_zero": round(float(mean["act_zero"]), 4),
                "dead_units": round(float(mean["dead_units"]), 4),
                "penalty_share": None
                if np.isnan(share)
                else round(float(share), 4),
                "final": final,
                "spread": {
                    f"{s}_acc": r4(part[f"{s}_acc"])
                    for s in ("train", "val", "test")
                },
            }
        )
    return out


# --8<-- [start:run]
task = load_task("tabular")
methods = {}
for method, values in GRID.items():
    runs = run_method(task, method, values)
    found = cells(runs, values)
    val = [c["final"]["val_acc"] for c in found]
    # ties: smaller
    chosen = max(range(len(values)), key=lambda i: (val[i], -values[i]))
    methods[slug(method)] = {
        "label": LABELS[method],
        "setting": SETTINGS.get(method, "factor"),
        "scale": "rate" if method == "dropout" else "log",
        "values": values,
        "keys": [factor_key(v) for v in values],
        "chosen": chosen,
        "cells": found,
    }
    best = found[chosen]["final"]
    print(
        f"{LABELS[method]:22} {len(values):2} values; validation chooses "
        f"{factor_key(values[chosen]):>5}: val {best['val_acc']:.1%}, test "
        f"{best['test_acc']:.1%}"
    )
# --8<-- [end:run]

data = {
    "schema": 1,
    "task": task.name,
    "seeds": SEEDS,
    "epochs": task.epochs,
    "rows": {
        "train": int(task.train.shape[1]),
        "val": int(task.val.shape[1]),
        "test": int(task.test.shape[1]),
    },
    "near_zero_below": 1e-3,
    "weight_bins": r4(WEIGHT_BINS),
    "activation_bins": list(ACTIVATION_BINS),
    "order": list(methods),
    "methods": methods,
}
networks = sum(len(v) for v in GRID.values()) * len(SEEDS)
print(f"{networks} networks ({len(GRID)} methods, {len(SEEDS)} seeds each)")


# ---- numbers for the guided text
# ------------------------------------------------------


def at(name, index):
    return methods[name]["cells"][index]


def chosen(name):
    return at(name, methods[name]["chosen"])


def value(name, index):
    return methods[name]["keys"][index]


none = at("none", 0)
l2_small = next(i for i, v in enumerate(methods["l2"]["values"]) if v > 0)
adamw_val = [c["final"]["val_acc"] for c in methods["adamw"]["cells"]]
guide = {
    "none": {
        "train_acc": none["final"]["train_acc"],
        "val_acc": none["final"]["val_acc"],
        "test_acc": none["final"]["test_acc"],
        "gap": none["final"]["gap"],
        "near_zero": none["near_zero"],
        "act_zero": none["act_zero"],
    },
    "l1": {
        "chosen": value("l1", methods["l1"]["chosen"]),
        "near_zero": chosen("l1")["near_zero"],
        "test_acc": chosen("l1")["final"]["test_acc"],
        "max": value("l1", -1),
        "max_val_acc": at("l1", -1)["final"]["val_acc"],
    },
    "l2": {
        "chosen": value("l2", methods["l2"]["chosen"]),
        "near_zero": chosen("l2")["near_zero"],
        "small": value("l2", l2_small),
        "small_share": at("l2", l2_small)["penalty_share"],
        "small_val_acc": at("l2", l2_small)["final"]["val_acc"],
    },
    **{
        name: {
            "chosen": value(name, methods[name]["chosen"]),
            "max": value(name, -1),
            "max_act_zero": at(name, -1)["act_zero"],
            "max_val_acc": at(name, -1)["final"]["val_acc"],
        }
        for name in ("activity_l1", "activity_l2")
    },
    "dropout": {
        "chosen": value("dropout", methods["dropout"]["chosen"]),
        "gap": chosen("dropout")["final"]["gap"],
    },
    "adamw": {
        "chosen": value("adamw", methods["adamw"]["chosen"]),
        "max": value("adamw", -1),
        "max_diff_points": round(
            100 * max(abs(v - adamw_val[0]) for v in adamw_val), 1
        ),
    },
}
facts = {
    "seeds": len(SEEDS),
    "networks": networks,
    "methods": len(GRID),
    "features": int(task.x.shape[1]),
    "min_values": min(len(v) for m, v in GRID.items() if m != "none"),
    "max_values": max(len(v) for v in GRID.values()),
    **data["rows"],
    "steps": task.epochs * task.train.shape[1] // BATCH,
}


# ---- the same data as static figures (the page without JavaScript)
# ---------------------


def plot_sweeps():
    names = [m for m in methods if m != "none"]
    fig, axes = plt.subplots(
        4, 2, num="explorer-sweeps", figsize=(7.0, 9.6), sharey=True
    )
    for ax, name in zip(axes.flat, names):
        m = methods[name]
        x = np.arange(len(m["values"]))
        for index, split in enumerate(("train", "val", "test")):
            ax.plot(
                x,
                [c["final"][f"{split}_acc"] for c in m["cells"]],
                marker="o",
                markersize=3,
                color=f"C{index}",
                label=split,
            )
        ax.axvline(m["chosen"], color="0.3", linestyle=":")
        ax.set_xticks(x[::3], [m["keys"][i] for i in x[::3]])
        ax.set_title(m["label"])
        ax.set_xlabel(m["setting"])
    axes[0, 0].legend()
    axes.flat[-1].set_visible(False)  # seven methods, eight places
    for ax in axes[:, 0]:
        ax.set_ylabel("accuracy")
    fig.suptitle(
        "Accuracy against strength (dotted: the value validation chooses); "
        f"mean of {len(SEEDS)} seeds"
    )


def plot_inside():
    names = [m for m in methods if m != "none"]
    fig, axes = plt.subplots(
        1, 2, num="explorer-inside", figsize=(7.0, 4.2), sharey=True
    )
    for index, name in enumerate(names):
        m = methods[name]
        x = np.arange(len(m["values"]))
        axes[0].plot(
            x,
            [c["near_zero"] for c in m["cells"]],
            marker="o",
            markersize=3,
            color=f"C{index}",
            label=m["label"],
        )
        axes[1].plot(
            x,
            [c["act_zero"] for c in m["cells"]],
            marker="o",
            markersize=3,
            color=f"C{index}",
            label=m["label"],
        )
    axes[0].set(
        title="first-layer weights with |w| < 0.001",
        ylabel="share",
        xlabel="position on the slider (weakest to strongest)",
    )
    axes[1].set(
        title="hidden activations that are exactly zero",
        xlabel="position on the slider (weakest to strongest)",
    )
    fig.legend(
        *axes[1].get_legend_handles_labels(),
        loc="outside lower center",
        ncols=3,
    )


plot_sweeps()
plot_inside()
del found, runs, none, best, adamw_val  # all in `data` already
# likewise (a `del` would unbind them for the functions above)
methods = val = None
