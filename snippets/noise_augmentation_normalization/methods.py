"""Noise, label smoothing, augmentation and batch norm as per-network modules.

Each module gives every network of the side-by-side model of the shared
harness (`experiment.py`) its own strength and its own random draws, so these
methods run under the comparison's protocol: per seed the same split, initial
weights and batch order as every other method.
"""

import keras
import numpy as np
from keras import layers, ops

from experiment import (
    BATCH, CONFIDENCE, HIDDEN, LEARNING_RATE, Parallel, ParallelDropout,
    PerNetwork, cite, compare, factor_key, slug, summed_crossentropy,
)
from scipy import stats

SIDE = 8  # the digits images are 8 x 8 pixels
BN_MOMENTUM = 0.9  # faster than Keras' 0.99: training has 200 steps


class ParallelGaussianNoise(layers.Layer):
    """GaussianNoise with its own stddev per network (axis 1): x + s * N(0, 1),
    in training only."""

    def __init__(self, stddevs, seed, **kwargs):
        super().__init__(**kwargs)
        self.stddevs = np.asarray(stddevs, "float32")[:, None]
        self.generator = keras.random.SeedGenerator(seed)

    def call(self, x, training=False):
        if not training or not self.stddevs.any():
            return x
        noise = keras.random.normal(ops.shape(x), seed=self.generator)
        return x + self.stddevs * noise


class ParallelGaussianDropout(layers.Layer):
    """GaussianDropout with its own rate per network: x * N(1, r / (1 - r)),
    the multiplier's variance being r / (1 - r), in training only."""

    def __init__(self, rates, seed, **kwargs):
        super().__init__(**kwargs)
        rates = np.asarray(rates, "float32")[:, None]
        self.stddevs = np.sqrt(rates / (1.0 - rates))
        self.generator = keras.random.SeedGenerator(seed)

    def call(self, x, training=False):
        if not training or not self.stddevs.any():
            return x
        noise = keras.random.normal(ops.shape(x), seed=self.generator)
        return x * (1.0 + self.stddevs * noise)


class ParallelTranslation(layers.Layer):
    """Keras' RandomTranslation with its own factor per network: one layer per
    distinct factor, applied to every (row, network) image, and each network
    keeps the images of its factor (factor 0: the image unchanged)."""

    def __init__(self, factors, seed, **kwargs):
        super().__init__(**kwargs)
        self.factors = np.asarray(factors, "float32")
        self.shifts = {
            float(f): layers.RandomTranslation(
                float(f), float(f), fill_mode="constant", seed=seed + i)
            for i, f in enumerate(sorted(set(self.factors) - {0.0}))}

    def build(self, input_shape):  # the shifts have no weights
        pass

    def call(self, x, training=False):
        if not training or not self.shifts:
            return x
        k = len(self.factors)
        images = ops.reshape(x, (-1, SIDE, SIDE, 1))  # (rows * networks, ...)
        for factor, shift in self.shifts.items():
            moved = ops.reshape(shift(images, training=True), (-1, k, SIDE**2))
            x = ops.where((self.factors == factor)[:, None], moved, x)
        return x


class ParallelBatchNorm(layers.Layer):
    """BatchNormalization of each network's units on its own: statistics,
    scale and shift per (network, unit)."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.norm = layers.BatchNormalization(momentum=BN_MOMENTUM)

    def call(self, x, training=False):
        shape = ops.shape(x)
        flat = ops.reshape(x, (-1, shape[1] * shape[2]))
        normed = self.norm(flat, training=training)
        return ops.reshape(normed, (-1, *shape[1:]))


def smoothed_crossentropy(smoothing, classes):
    """Each network's cross-entropy with its own label smoothing a, summed:
    (1 - a) * CE(y) + a * mean over classes of -log p, which is Keras'
    CategoricalCrossentropy(label_smoothing=a) on one-hot labels."""
    a = ops.convert_to_tensor(np.asarray(smoothing, "float32"))

    def loss(y, p):
        ce = keras.losses.sparse_categorical_crossentropy(y, p)
        uniform = -ops.mean(ops.log(ops.clip(p, 1e-7, 1.0)), axis=-1)
        return ops.sum((1.0 - a) * ce + a * uniform, axis=-1)

    return loss


METHODS = ("none", "L2", "dropout", "Gaussian noise", "Gaussian dropout",
           "label smoothing", "augmentation", "batch norm",
           "batch norm and L2")


def build(task, method, factors, seeds):
    """One model holding a network per (factor, seed) pair, for one method."""
    if method not in METHODS:
        raise ValueError(f"unknown method {method!r}; known: {METHODS}")
    zero = [0.0] * len(factors)
    seeds = np.asarray(seeds)
    l2 = factors if method in ("L2", "batch norm and L2") else zero
    kernel = [PerNetwork(zero, l2, axis=0) if any(l2) else None
              for _ in range(2)]
    normed = method.startswith("batch norm")
    stack = [
        keras.Input(shape=(len(seeds),), dtype="int32"),
        layers.Embedding(len(task.x), task.x.shape[1], trainable=False,
                         name="rows"),
        ParallelTranslation(factors if method == "augmentation" else zero,
                            seed=int(seeds[0])),
        ParallelGaussianNoise(factors if method == "Gaussian noise" else zero,
                              seed=int(seeds[0])),
        Parallel(HIDDEN, 1000 + seeds, None if normed else "relu", kernel[0]),
    ]
    if normed:
        stack += [ParallelBatchNorm(), layers.Activation("relu")]
    stack += [
        ParallelDropout(factors if method == "dropout" else zero,
                        seed=int(seeds[0])),
        ParallelGaussianDropout(
            factors if method == "Gaussian dropout" else zero,
            seed=int(seeds[0])),
        Parallel(task.classes, 2000 + seeds, "softmax", kernel[1]),
    ]
    model = keras.Sequential(stack)
    model.get_layer("rows").set_weights([task.x])
    loss = (smoothed_crossentropy(factors, task.classes)
            if method == "label smoothing" else summed_crossentropy)
    model.compile(optimizer=keras.optimizers.Adam(LEARNING_RATE), loss=loss,
                  steps_per_execution=task.train.shape[1] // BATCH)
    return model


GRIDS = {  # method: the values tried, 0 (no regularization) first
    "none": [0.0],
    "L2": [0.0, 1e-4, 1e-3, 1e-2, 1e-1],
    "dropout": [0.0, 0.2, 0.4, 0.6, 0.8],
    "Gaussian noise": [0.0, 0.05, 0.1, 0.2, 0.4],
    "Gaussian dropout": [0.0, 0.2, 0.4, 0.6, 0.8],
    "label smoothing": [0.0, 0.1, 0.2, 0.4, 0.6, 0.8],
    "augmentation": [0.0, 0.0625, 0.125, 0.25],
    "batch norm": [0.0],
    "batch norm and L2": [0.0, 1e-4, 1e-3, 1e-2, 1e-1],
}
SETTING = {"dropout": "rate", "Gaussian noise": "stddev",
           "Gaussian dropout": "rate", "label smoothing": "smoothing",
           "augmentation": "shift", "batch norm": f"momentum {BN_MOMENTUM}",
           "batch norm and L2": "L2 factor"}
PARTS = {  # the comparison, split into files of under a minute each
    "noise": ["L2", "dropout", "Gaussian noise", "Gaussian dropout"],
    "targets and inputs": ["label smoothing", "augmentation"],
    "batch norm": ["batch norm", "batch norm and L2"],
}
COMPARED = len(GRIDS) - 1  # every method against none, over all parts


def compare_part(task, part):
    """Train none and the methods of one part; intervals simultaneous over
    all COMPARED methods of the chapter."""
    grids = {m: GRIDS[m] for m in ["none", *PARTS[part]]}
    return compare(task, grids, build, compared=COMPARED)


def verdicts(summary, part):
    """The methods of a part by verdict, each cited with its interval."""
    found = {}
    for verdict in ("better", "worse", "no detectable difference"):
        cited = [cite(summary, m, SETTING) for m in PARTS[part]
                 if summary[slug(m)]["verdict"] == verdict]
        found[verdict.replace("no detectable difference", "no_difference")] = (
            "; ".join(cited) or "none")
    return found


def zero_is_none(results):
    """For each method with a grid: does its strength 0 give, seed by seed,
    exactly the results of its baseline (none; batch norm alone for batch
    norm and L2)?"""
    found = {}
    for method, r in results.items():
        if len(r["grid"]) > 1:
            base = "batch norm" if method == "batch norm and L2" else "none"
            if base in results:
                found[method] = r["sweep"]["0"] == results[base]["chosen"]
    for method, same in found.items():
        print(f"  {method:18} {same}")
    return found


def grids():
    """Every method's grid, as printed on the page."""
    for method, grid in GRIDS.items():
        print(f"{method:18} {', '.join(f'{v:g}' for v in grid)}")


def plot_sweeps(results, label="sweeps"):
    """Validation accuracy at each value of each method's grid, mean and 95%
    interval over the seeds, each panel on its own scale; the dashed line is
    no regularization."""
    import matplotlib.pyplot as plt

    swept = [m for m, r in results.items() if len(r["grid"]) > 1]
    cols = min(len(swept), 2)  # two panels a row: the text stays legible
    rows = -(-len(swept) // cols)
    fig, axes = plt.subplots(rows, cols, num=label, squeeze=False,
                             figsize=(3.2 * cols + 0.4, 2.9 * rows))
    for ax in axes.flat[len(swept):]:
        ax.remove()
    base = np.mean(results["none"]["chosen"]["val_acc"])
    for ax, method in zip(axes.flat, swept):
        keys = [factor_key(v) for v in results[method]["grid"]]
        sweep = results[method]["sweep"]
        acc = [np.asarray(sweep[k]["val_acc"]) for k in keys]
        half = [stats.t.ppf(0.5 + CONFIDENCE / 2, len(a) - 1) * a.std(ddof=1)
                / np.sqrt(len(a)) for a in acc]
        ax.errorbar(range(len(keys)), [a.mean() for a in acc], yerr=half,
                    marker="o", capsize=3, color="C0")
        ax.axhline(base, color="0.4", linestyle="--")
        ax.set_xticks(range(len(keys)), keys, rotation=45)
        ax.set_title(method)
        ax.set(xlabel=SETTING.get(method, "factor"))
    for ax in axes[:, 0]:
        ax.set(ylabel="validation accuracy")
    return fig
