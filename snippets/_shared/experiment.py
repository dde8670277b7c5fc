"""The harness of the controlled comparison: three tasks, one network, one
recipe.

A *seed* fixes everything random about one training run: the split of the data
into training, validation and test rows, the initial weights and the order of
the batches. Every method and every factor is trained from the same seeds, so
two variants that share a seed differ only in their regularization, and their
difference is a paired one.

To afford many seeds, the networks of one method (every factor times every
seed) are trained side by side as one Keras model: each layer holds one
independent set of weights per network, the loss is the sum of the networks'
own losses, and each network's penalty is computed from its own weights.
Gradients and Adam's updates are element-wise, so every network trains exactly
as it would alone; only the per-step overhead is shared.
"""

from dataclasses import dataclass

import keras
import numpy as np
from keras import layers, ops
from scipy import stats
from sklearn.datasets import (
    load_digits,
    make_classification,
    make_gaussian_quantiles,
)
from sklearn.model_selection import train_test_split

SEEDS = tuple(range(10))
BATCH = 32
HIDDEN = 128
LEARNING_RATE = 1e-2
PATIENCE = 10
COMBINED_DROPOUT = 0.2
CONFIDENCE = 0.95


@dataclass
class Task:
    name: str
    x: np.ndarray  # every row of the data set, float32
    y: np.ndarray  # integer class labels
    train: np.ndarray  # (seeds, rows): the training rows of each seed
    val: np.ndarray
    test: np.ndarray
    epochs: int

    @property
    def classes(self):
        return int(self.y.max()) + 1


# name: rows for training and validation (the test split is the rest), epochs
TASKS = {
    "tabular": {"train": 160, "val": 500, "epochs": 30},
    "digits": {"train": 160, "val": 500, "epochs": 40},
    "nonlinear": {"train": 256, "val": 500, "epochs": 60},
}


TABULAR = {
    "n_samples": 2000,
    "n_features": 100,
    "n_informative": 10,
    "flip_y": 0.05,
}


def make_data(name):
    # many features, few of them informative, some labels flipped
    if name == "tabular":
        x, y = make_classification(**TABULAR, n_redundant=0, random_state=0)
    elif name == "digits":  # the 8x8 digit images scikit-learn ships
        digits = load_digits()
        x, y = digits.data / 16.0, digits.target
    # 3 classes = 3 concentric shells in 6 dimensions
    elif name == "nonlinear":
        x, y = make_gaussian_quantiles(
            n_samples=2000, n_features=6, n_classes=3, random_state=0
        )
    else:
        raise ValueError(f"unknown task {name!r}; known: {', '.join(TASKS)}")
    return x.astype("float32"), y.astype("int32")


def load_task(name):
    """The data and, for every seed, its own stratified train/validation/test
    split."""
    x, y = make_data(name)
    sizes = TASKS[name]
    splits = []
    for seed in SEEDS:
        rows = np.arange(len(y))
        train, rest = train_test_split(
            rows, train_size=sizes["train"], random_state=seed, stratify=y
        )
        val, test = train_test_split(
            rest, train_size=sizes["val"], random_state=seed, stratify=y[rest]
        )
        splits.append((train, val, test))
    train, val, test = (np.stack(part) for part in zip(*splits))
    return Task(name, x, y, train, val, test, sizes["epochs"])


# ---- K networks as one model
# ----------------------------------------------------------


class Parallel(layers.Layer):
    """K independent dense layers: (batch, K, inputs) -> (batch, K, units).

    Network k starts from Glorot-uniform weights drawn with seed `seeds[k]`, so
    two models that share a seed share their initial weights, whatever else
    they contain.
    """

    def __init__(self, units, seeds, activation=None, kernel_regularizer=None,
                 activity_regularizer=None, **kwargs):
        super().__init__(activity_regularizer=activity_regularizer, **kwargs)
        self.units, self.seeds = units, [int(s) for s in seeds]
        self.activation = keras.activations.get(activation)
        self.kernel_regularizer = kernel_regularizer

    def build(self, input_shape):
        shape = (input_shape[-1], self.units)
        glorot = [
            keras.initializers.GlorotUniform(seed=s)(shape) for s in self.seeds
        ]
        self.kernel = self.add_weight(
            shape=(len(self.seeds), *shape),
            name="kernel",
            regularizer=self.kernel_regularizer,
        )
        self.kernel.assign(ops.stack(glorot))
        self.bias = self.add_weight(
            shape=(len(self.seeds), self.units),
            name="bias",
            initializer="zeros",
        )

    def call(self, x):
        return self.activation(
            ops.einsum("bki,kio->bko", x, self.kernel) + self.bias
        )


class PerNetwork(keras.regularizers.Regularizer):
    """One L1L2 penalty per network: the sum over k of L1L2(l1[k],
    l2[k])(x[k]), where `axis` is the axis of x that indexes the networks."""

    def __init__(self, l1, l2, axis):
        self.l1 = np.asarray(l1, "float32")
        self.l2 = np.asarray(l2, "float32")
        self.axis = axis

    def __call__(self, x):
        others = [a for a in range(len(x.shape)) if a != self.axis]
        return (ops.sum(self.l1 * ops.sum(ops.abs(x), axis=others))
                + ops.sum(self.l2 * ops.sum(ops.square(x), axis=others)))


class ParallelDropout(layers.Layer):
    """Dropout with its own rate per network (axis 1), an independent mask per
    unit."""

    def __init__(self, rates, seed, **kwargs):
        super().__init__(**kwargs)
        self.rates = np.asarray(rates, "float32")[:, None]
        self.generator = keras.random.SeedGenerator(seed)

    def call(self, x, training=False):
        if not training or not self.rates.any():
            return x
        keep = (
            keras.random.uniform(ops.shape(x), seed=self.generator)
            >= self.rates
        )
        return x * ops.where(keep, 1.0 / (1.0 - self.rates), 0.0)


def summed_crossentropy(y, p):
    """Each network's mean cross-entropy, summed over the networks."""
    return ops.sum(keras.losses.sparse_categorical_crossentropy(y, p), axis=-1)


# ---- methods
# --------------------------------------------------------------------------

KERNEL = {
    "L1": (1, 0),
    "L2": (0, 1),
    "L1L2": (1, 1),
    "L2 + dropout + early stopping": (0, 1),
}
ACTIVITY = {"activity L1": (1, 0), "activity L2": (0, 1)}
EARLY_STOPPING = ("early stopping", "L2 + dropout + early stopping")


def build(task, method, factors, seeds):
    """One model holding a network per (factor, seed) pair, for one method."""
    l1, l2 = KERNEL.get(method, (0, 0))
    kernel = [
        PerNetwork(np.multiply(factors, l1), np.multiply(factors, l2), axis=0)
        if method in KERNEL
        else None
        for _ in range(2)
    ]
    a1, a2 = ACTIVITY.get(method, (0, 0))
    activity = (
        PerNetwork(np.multiply(factors, a1), np.multiply(factors, a2), axis=1)
        if method in ACTIVITY
        else None
    )
    rates = {
        "dropout": factors,
        "L2 + dropout + early stopping": [COMBINED_DROPOUT] * len(factors),
    }.get(method, [0.0] * len(factors))
    seeds = np.asarray(seeds)
    model = keras.Sequential(
        [
            # row numbers, one per network
            keras.Input(shape=(len(seeds),), dtype="int32"),
            layers.Embedding(
                len(task.x), task.x.shape[1], trainable=False, name="rows"
            ),
            Parallel(HIDDEN, 1000 + seeds, "relu", kernel[0], activity),
            ParallelDropout(rates, seed=int(seeds[0])),
            Parallel(task.classes, 2000 + seeds, "softmax", kernel[1]),
        ]
    )
    # the data table, looked up by row
    model.get_layer("rows").set_weights([task.x])
    if method == "AdamW":  # one decay per model: `factors` are all equal here
        optimizer = keras.optimizers.AdamW(
            LEARNING_RATE, weight_decay=factors[0]
        )
        optimizer.exclude_from_weight_decay(var_names=["bias"])
    else:
        optimizer = keras.optimizers.Adam(LEARNING_RATE)
    model.compile(optimizer=optimizer, loss=summed_crossentropy,
                  # an epoch per call
                  steps_per_execution=task.train.shape[1] // BATCH)
    return model


def batch_order(task, seeds):
    """Row numbers for every step of training, (epochs * rows, networks): for
    each seed a new permutation of its training rows each epoch, drawn from
    that seed alone."""
    orders = []
    for seed in seeds:
        rng = np.random.default_rng(seed)
        rows = task.train[seed]
        orders.append(
            np.concatenate([rng.permutation(rows) for _ in range(task.epochs)])
        )
    return np.stack(orders, axis=1)


def scores(task, model, split, seeds):
    """Per network: mean cross-entropy (the data term) and accuracy on a
    split."""
    rows = getattr(task, split)[seeds].T  # (rows, networks)
    p = keras.ops.convert_to_numpy(model(rows, training=False))
    y = task.y[rows]
    picked = np.take_along_axis(p, y[..., None], axis=-1)[..., 0]
    return -np.log(np.maximum(picked, 1e-7)).mean(0), (p.argmax(-1) == y).mean(
        0
    )


class StopEach(keras.callbacks.Callback):
    """Early stopping for each network on its own validation cross-entropy,
    with Keras' rule (stop after `patience` epochs without improvement, restore
    the best epoch)."""

    def __init__(self, task, seeds):
        super().__init__()
        self.task, self.seeds = task, seeds
        self.history, self.snapshots = [], []

    def on_epoch_end(self, epoch, logs=None):
        self.history.append(
            scores(self.task, self.model, "val", self.seeds)[0]
        )
        self.snapshots.append(
            [w.numpy() for w in self.model.trainable_weights]
        )

    def restore(self):
        losses = np.array(self.history)  # (epochs, networks)
        best = np.zeros(losses.shape[1], int)
        stop = np.full(losses.shape[1], len(losses) - 1)
        for k in range(losses.shape[1]):
            for epoch in range(1, len(losses)):
                if losses[epoch, k] < losses[best[k], k]:
                    best[k] = epoch
                elif epoch - best[k] >= PATIENCE:
                    stop[k] = epoch
                    break
        for index, weight in enumerate(self.model.trainable_weights):
            chosen = [
                self.snapshots[best[k]][index][k] for k in range(len(best))
            ]
            weight.assign(np.stack(chosen))
        return best + 1, stop + 1


# networks per block: a network's arithmetic is then the same at any position
BLOCK = 8


def train(task, method, factors, seeds, record=False, builder=None):
    """Train one network per (factor, seed); return per-network results (with
    `record=True`, also the curves, histograms and penalty share of
    `record_run`). `builder(task, method, factors, seeds)` makes the model
    (default: `build`)."""
    n = len(seeds)
    if n % BLOCK:  # pad with copies of the first network, dropped at the end
        factors = [*factors, *[factors[0]] * (BLOCK - n % BLOCK)]
        seeds = [*seeds, *[seeds[0]] * (BLOCK - n % BLOCK)]
    result = train_block(task, method, factors, seeds, record, builder)
    return {key: value[:n] for key, value in result.items()}


def train_block(task, method, factors, seeds, record=False, builder=None):
    # dropout masks; weights and batches have their seeds
    keras.utils.set_random_seed(0)
    model = (builder or build)(task, method, factors, seeds)
    order = batch_order(task, seeds)
    stopper = StopEach(task, seeds) if method in EARLY_STOPPING else None
    recorder = Recorder(task, seeds) if record else None
    model.fit(
        order,
        task.y[order],
        batch_size=BATCH,
        epochs=task.epochs,
        steps_per_epoch=task.train.shape[1] // BATCH,
        shuffle=False,
        verbose=0,
        callbacks=[c for c in (stopper, recorder) if c],
    )
    first = next(lay for lay in model.layers if isinstance(lay, Parallel))
    # (networks, inputs, units)
    kernel = keras.ops.convert_to_numpy(first.kernel)
    result = {
        "near_zero": (np.abs(kernel) < 1e-3).mean(axis=(1, 2)),
        "exact_zero": (kernel == 0).mean(axis=(1, 2)),
    }
    if stopper:
        result["best_epoch"], result["stopped_epoch"] = stopper.restore()
    for split in ("train", "val", "test"):
        result[f"{split}_loss"], result[f"{split}_acc"] = scores(
            task, model, split, seeds
        )
    if recorder:
        result.update(recorder.curves())
        result.update(
            record_run(
                task, model, method, factors, seeds, result["train_loss"]
            )
        )
    return result


# ---- what the explorer records (train(..., record=True))
# -------------------------------

# 41 bins, the middle one centred on zero
WEIGHT_BINS = np.linspace(-0.4, 0.4, 42)
# log bins for the non-zero activations
ACTIVATION_BINS = 10.0 ** np.arange(-4, 2.01, 0.5)


class Recorder(keras.callbacks.Callback):
    """After each epoch, every network's data loss and accuracy on its training
    and validation rows (inference mode: no dropout, no penalty)."""

    def __init__(self, task, seeds):
        super().__init__()
        self.task, self.seeds = task, seeds
        self.history = {
            key: []
            for key in ("train_loss", "train_acc", "val_loss", "val_acc")
        }

    def on_epoch_end(self, epoch, logs=None):
        for split in ("train", "val"):
            loss, acc = scores(self.task, self.model, split, self.seeds)
            self.history[f"{split}_loss"].append(loss)
            self.history[f"{split}_acc"].append(acc)

    def curves(self):
        """(networks, epochs) arrays under `curve_<name>`."""
        return {
            f"curve_{key}": np.stack(value, axis=1)
            for key, value in self.history.items()
        }


def hidden(task, model, split, seeds):
    """Each network's hidden (ReLU) activations on its rows of a split: (rows,
    networks, units), computed from the trained weights."""
    layer = model.layers[1]
    kernel, bias = (
        keras.ops.convert_to_numpy(w) for w in (layer.kernel, layer.bias)
    )
    x = task.x[getattr(task, split)[seeds].T]  # (rows, networks, inputs)
    return np.maximum(np.einsum("bki,kio->bko", x, kernel) + bias, 0.0)


def record_run(task, model, method, factors, seeds, train_loss):
    """Per network: a histogram of the first-layer weights (shares over
    WEIGHT_BINS, clipped at the ends), of the hidden activations on the
    validation rows (the share of zeros, and shares of the others over
    ACTIVATION_BINS, clipped), the share of units that are zero on every
    validation row, and the penalty's share of the training loss (penalty /
    (cross-entropy + penalty) on the training rows; NaN where the method puts
    no term in the loss: none, dropout, AdamW)."""
    factors = np.asarray(factors, "float64")
    kernels = [
        keras.ops.convert_to_numpy(model.layers[i].kernel) for i in (1, 3)
    ]
    first = kernels[0].reshape(len(seeds), -1)
    edges = WEIGHT_BINS
    weights = np.stack(
        [
            np.histogram(np.clip(w, edges[0], edges[-1]), edges)[0] / w.size
            for w in first
        ]
    )
    act = hidden(task, model, "val", seeds)
    # (networks, rows * units)
    flat = act.transpose(1, 0, 2).reshape(len(seeds), -1)
    bins = ACTIVATION_BINS
    acts = np.stack(
        [
            np.histogram(np.clip(a[a > 0], bins[0], bins[-1]), bins)[0]
            / a.size
            for a in flat
        ]
    )
    if method in KERNEL:
        l1, l2 = KERNEL[method]
        penalty = factors * sum(
            l1 * np.abs(k).sum(axis=(1, 2))
            + l2 * np.square(k).sum(axis=(1, 2))
            for k in kernels
        )
    # Keras divides the activity penalty by the batch size
    elif method in ACTIVITY:
        a1, a2 = ACTIVITY[method]
        h = hidden(task, model, "train", seeds)
        penalty = factors * (
            a1 * np.abs(h).sum(-1) + a2 * np.square(h).sum(-1)
        ).mean(0)
    else:
        penalty = np.full(len(seeds), np.nan)
    return {
        "weight_hist": weights,
        "act_hist": acts,
        "act_zero": (flat == 0).mean(1),
        "dead_units": (act == 0).all(axis=0).mean(-1),
        "penalty": penalty,
        "penalty_share": penalty / (train_loss + penalty),
    }


def evaluate_method(task, method, grid, scale=1.0, builder=None):
    """Train every value of the grid from every seed (the method's setting is
    value * scale); choose the value with the best mean validation accuracy
    (the smaller on a tie) and keep its per-seed results. The test split plays
    no part in the choice."""
    n = len(SEEDS)
    settings = [value * scale for value in grid]
    if method == "AdamW":  # one decay per optimizer: one model per value
        parts = [
            train(task, method, [s] * n, list(SEEDS), builder=builder)
            for s in settings
        ]
        runs = {
            key: np.concatenate([p[key] for p in parts]) for key in parts[0]
        }
    else:
        runs = train(
            task,
            method,
            np.repeat(settings, n),
            np.tile(SEEDS, len(grid)),
            builder=builder,
        )
    sweep = {
        factor_key(value): {
            key: [round(float(v), 6) for v in runs[key][i * n : (i + 1) * n]]
            for key in runs
        }
        for i, value in enumerate(grid)
    }
    best = max(
        grid, key=lambda v: (np.mean(sweep[factor_key(v)]["val_acc"]), -v)
    )
    return {
        "grid": list(grid),
        "best": best,
        "on_edge": len(grid) > 1 and best == max(grid),
        "chosen": sweep[factor_key(best)],
        "sweep": sweep,
    }


def factor_key(value):
    """'0', '1e-4', '0.2', '3': a name without dots where possible, for
    pages."""
    if value == 0:
        return "0"
    if (
        0.01 <= value < 1
        and round(value, 2) == value
        or value >= 1
        and value == int(value)
    ):
        return f"{value:g}"
    return f"{value:.0e}".replace("e-0", "e-").replace("e+0", "e")


# ---- statistics
# -----------------------------------------------------------------------


def paired(a, b, confidence=CONFIDENCE):
    """Mean of a - b over seeds with a t-based interval (sample standard
    deviation)."""
    d = np.asarray(a) - np.asarray(b)
    half = (
        stats.t.ppf(0.5 + confidence / 2, len(d) - 1)
        * d.std(ddof=1)
        / np.sqrt(len(d))
    )
    return {
        "mean": float(d.mean()),
        "low": float(d.mean() - half),
        "high": float(d.mean() + half),
        "n": len(d),
        "confidence": confidence,
    }


def verdict(interval):
    """'better' or 'worse' only where the interval excludes no difference."""
    if interval["low"] > 0:
        return "better"
    if interval["high"] < 0:
        return "worse"
    return "no detectable difference"


# ---- the whole comparison on one task
# -------------------------------------------------

DECADES = [1e-5, 1e-4, 1e-3, 1e-2, 1e-1, 1.0]
# method: the values tried; 0 (no regularization) is always one of them
GRIDS = {
    "none": [0.0],
    "L1": [0.0, *DECADES[:5]],
    "L2": [0.0, *DECADES[1:]],
    "L1L2": [0.0, *DECADES[:5]],
    "activity L1": [0.0, *DECADES],
    "activity L2": [0.0, *DECADES],
    "dropout": [0.0, 0.2, 0.4, 0.6, 0.8, 0.9],
    # total shrinkage: lr * decay * steps
    "AdamW": [0.0, 0.3, 1.0, 3.0, 10.0, 30.0],
    "early stopping": [0.0],
    "L2 + dropout + early stopping": [0.0, *DECADES[1:]],
}
SETTING = {
    "dropout": "rate",
    "AdamW": "shrinkage",
    "L2 + dropout + early stopping": "L2 factor",
    "early stopping": f"patience {PATIENCE}",
}


def compare(task, grids=None, builder=None, compared=None):
    """Every method of `grids` (default: GRIDS, built by `builder`, default:
    `build`) on one task, each compared seed by seed with no regularization
    ("none", which `grids` must contain). The intervals are simultaneous:
    Bonferroni over the methods compared (`compared` of them, if the family is
    split over several calls)."""
    steps = task.epochs * task.train.shape[1] // BATCH
    results = {
        method: evaluate_method(
            task,
            method,
            grid,
            1 / (LEARNING_RATE * steps) if method == "AdamW" else 1,
            builder,
        )
        for method, grid in (grids or GRIDS).items()
    }
    base = results["none"]["chosen"]["test_acc"]
    confidence = 1 - (1 - CONFIDENCE) / (compared or len(results) - 1)
    for method, result in results.items():
        if method != "none":
            result["vs_none"] = paired(
                result["chosen"]["test_acc"], base, confidence
            )
            result["verdict"] = verdict(result["vs_none"])
    return results


def points(d):
    """A difference of accuracies in percentage points, with its interval."""
    return (
        f"{100 * d['mean']:+.2f} pp [{100 * d['low']:+.2f}, "
        f"{100 * d['high']:+.2f}]"
    )


def table(results, settings=None):
    """One Markdown row per method: what validation chose, test accuracy, and
    the paired difference from no regularization with its interval. `settings`
    names what each method's value is (default: SETTING; otherwise
    "factor")."""
    settings = SETTING if settings is None else settings
    rows = []
    for method, r in results.items():
        acc = f"{np.mean(r['chosen']['test_acc']):.1%}"
        if method == "none":
            rows.append(f"| none | | {acc} | | |")
            continue
        if len(r["grid"]) == 1:
            setting = settings[method]
        elif r["best"] == 0:
            setting = "0 (none)"
        else:
            setting = f"{settings.get(method, 'factor')} {r['best']:g}"
        rows.append(
            f"| {method} | {setting} | {acc} | {points(r['vs_none'])} "
            f"| {r['verdict']} |"
        )
    return "\n".join(rows)


def summarize(task, results):
    """Plain numbers for the page and the tests, under names without spaces."""
    summary = {}
    for method, r in results.items():
        summary[slug(method)] = {
            "best": r["best"],
            "grid": r["grid"],
            "on_edge": r["on_edge"],
            "keys": [factor_key(v) for v in r["grid"]],
            "test_acc": float(np.mean(r["chosen"]["test_acc"])),
            "train_acc": float(np.mean(r["chosen"]["train_acc"])),
            "per_seed": r["chosen"],
            "sweep": r["sweep"],
            **(
                {"vs_none": r["vs_none"], "verdict": r["verdict"]}
                if "vs_none" in r
                else {}
            ),
        }
    n_test = task.test.shape[1]
    p = summary["none"]["test_acc"]
    facts = {
        "train": task.train.shape[1],
        "val": task.val.shape[1],
        "test": n_test,
        "features": task.x.shape[1],
        "classes": task.classes,
        "epochs": task.epochs,
        "steps": task.epochs * task.train.shape[1] // BATCH,
        "test_error_one_seed": float(np.sqrt(p * (1 - p) / n_test)),
        "networks": sum(len(r["grid"]) * len(SEEDS) for r in results.values()),
    }
    return summary, facts


def slug(method):
    """'activity L1' -> 'activity_l1', 'L2 + dropout + early stopping' ->
    'combined'."""
    if method == "L2 + dropout + early stopping":
        return "combined"
    return method.lower().replace(" ", "_")


def best_method(summary):
    """The method with the largest mean gain over none, if that gain is
    real."""
    gains = {m: summary[slug(m)]["vs_none"] for m in GRIDS if m != "none"}
    method = max(gains, key=lambda m: gains[m]["mean"])
    return method if gains[method]["low"] > 0 else None


def describe():
    """The recipe, for the page to quote."""
    return {
        "seeds": len(SEEDS),
        "batch": BATCH,
        "hidden": HIDDEN,
        "tabular": TABULAR,
        "learning_rate": LEARNING_RATE,
        "patience": PATIENCE,
        "combined_dropout": COMBINED_DROPOUT,
        "confidence": CONFIDENCE,
        "methods": len(GRIDS) - 1,
        "grids": {slug(m): g for m, g in GRIDS.items()},
    }


def grids():
    """The grid of every method, as printed on the page."""
    for method, grid in GRIDS.items():
        print(f"{method:30} {', '.join(f'{v:g}' for v in grid)}")


def plot_sweeps(task, results, label="sweep"):
    """Validation accuracy against each penalty's factor (log scale), mean and
    95% interval over the seeds; the dashed line is no regularization."""
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(1, 2, num=label, figsize=(7.2, 3.2), sharey=True)
    base = np.mean(results["none"]["chosen"]["val_acc"])
    for ax, methods in zip(
        axes, (["L1", "L2", "L1L2"], ["activity L1", "activity L2"])
    ):
        for index, method in enumerate(methods):
            sweep = results[method]["sweep"]
            values = [v for v in results[method]["grid"] if v > 0]
            acc = [np.asarray(sweep[factor_key(v)]["val_acc"]) for v in values]
            half = [
                stats.t.ppf(0.975, len(a) - 1)
                * a.std(ddof=1)
                / np.sqrt(len(a))
                for a in acc
            ]
            ax.errorbar(
                values,
                [a.mean() for a in acc],
                yerr=half,
                marker="o",
                capsize=3,
                label=method,
                color=f"C{index}",
            )
        ax.axhline(base, color="0.4", linestyle="--", label="none")
        ax.set_xscale("log")
        ax.set(xlabel="factor (log scale)")
        ax.legend()
    axes[0].set(ylabel="validation accuracy")
    fig.suptitle(
        f"{task.name}: {DESCRIPTIONS[task.name]} ({task.train.shape[1]} "
        "training rows)"
    )
    return fig


# ---- sentences for the page, generated from the results
# ------------------------------

DESCRIPTIONS = {
    "tabular": "many features, few rows, most features noise",
    "digits": "small images, few rows per class",
    "nonlinear": "few features, all informative, curved class boundaries",
}


def cite(summary, method, settings=None):
    """'L1 (factor 0.01): +7.20 pp [+4.90, +9.50]'"""
    settings = SETTING if settings is None else settings
    r = summary[slug(method)]
    if len(r["grid"]) == 1:
        setting = ""
    elif r["best"] == 0:
        setting = " (validation chose 0)"
    else:
        setting = f" ({settings.get(method, 'factor')} {r['best']:g})"
    return f"{method}{setting}: {points(r['vs_none'])}"


def findings(task, summary):
    """Which methods beat no regularization, which did worse, which made no
    detectable difference; a decision-guide row; and the verdicts on the rules
    of thumb."""
    methods = [m for m in GRIDS if m != "none"]
    by_verdict = {
        v: [m for m in methods if summary[slug(m)]["verdict"] == v]
        for v in ("better", "worse", "no detectable difference")
    }
    listed = {
        v: "; ".join(cite(summary, m) for m in ms) or "none"
        for v, ms in by_verdict.items()
    }
    best = best_method(summary)
    start = (
        f"**{best}**"
        if best
        else "**no regularizer**: no method beat no "
        "regularization beyond seed noise"
    )
    evidence = cite(summary, best) if best else "every interval includes zero"
    guide_row = (
        f"| Like the {task.name} task ({DESCRIPTIONS[task.name]}) | {start} "
        f"| {evidence} ([results](#results-{task.name})) |"
    )
    kernel = ["L1", "L2", "L1L2"]
    kernel_verdicts = {summary[slug(m)]["verdict"] for m in kernel}
    if kernel_verdicts == {"better"}:
        word = "**Supported**"
    elif "worse" in kernel_verdicts:
        word = "**Contradicted**"
    else:
        word = (
            "**Not observed**"
            if "better" not in kernel_verdicts
            else "**Partly supported**"
        )
    rules = {
        "kernel": f"{word} on the {task.name} task ({task.x.shape[1]} "
        "features): " + "; ".join(cite(summary, m) for m in kernel)
    }
    activity = ["activity L1", "activity L2"]
    verdicts = {summary[slug(m)]["verdict"] for m in activity}
    if verdicts == {"better"}:
        word = "**Supported**"
    elif "worse" in verdicts and "better" not in verdicts:
        word = "**Contradicted**"
    else:
        ceiling = max(summary[slug(m)]["vs_none"]["high"] for m in activity)
        word = (
            f"**Inconclusive** (any gain is at most {100 * ceiling:+.2f} pp)"
        )
    rules["activity"] = f"{word} on the {task.name} task: " + "; ".join(
        cite(summary, m) for m in activity
    )
    near = {
        m: summary[m]["per_seed"]["near_zero"] for m in ("none", "l1", "l2")
    }
    exact = max(
        max(summary[m]["per_seed"]["exact_zero"]) for m in ("l1", "l2")
    )
    gap = paired(near["l1"], near["l2"])
    word = (
        "**Supported**, with a correction"
        if gap["low"] > 0 and exact == 0
        else "**Supported**"
        if gap["low"] > 0
        else "**Not observed**"
    )
    rules["sparsity"] = (
        f"{word} on the {task.name} task: at the chosen factors, "
        f"{np.mean(near['l1']):.0%} of L1's first-layer weights are near zero "
        f"(magnitude below 0.001) against {np.mean(near['l2']):.0%} for L2 "
        "and "
        f"{np.mean(near['none']):.1%} without a penalty (L1 - L2: "
        f"{gap['mean']:+.0%} "
        f"[{gap['low']:+.0%}, {gap['high']:+.0%}]); exactly zero: {exact:.0%}"
    )
    return {
        "better": listed["better"],
        "worse": listed["worse"],
        "no_difference": listed["no detectable difference"],
        "guide_row": guide_row,
        "rules": rules,
        "early_stopping": cite(summary, "early stopping")
        + " "
        + f"({summary['early_stopping']['verdict']})",
    }
