"""The harness of the controlled comparison: two tasks, one network, one training recipe.

Every method of the chapter goes through `evaluate_method`: for each penalty factor (or dropout
rate, or weight decay) it trains the same network from three seeds, scores it on a validation
split, picks the factor with the best mean validation accuracy, and reports the test accuracy
of that factor as mean and standard deviation over the seeds. The test split is never used
for a choice.
"""

import numpy as np
import keras
import tensorflow as tf
from keras import layers, regularizers
from sklearn.datasets import load_digits, make_classification
from sklearn.model_selection import train_test_split

SEEDS = (0, 1, 2)
EPOCHS = 30
BATCH = 32
HIDDEN = 128
COMBINED_DROPOUT = 0.2
LEARNING_RATE = 1e-3
PATIENCE = 10
TASKS = {  # name: (rows for training, rows for validation)
    "tabular": (150, 500),
    "digits": (300, 500),
}
TABULAR = {"n_samples": 2000, "n_features": 100, "n_informative": 10}


def load_task(name):
    """(x_train, y_train, x_val, y_val, x_test, y_test, classes) for 'tabular' or 'digits'."""
    if name == "tabular":  # many features, few rows, most features noise
        x, y = make_classification(**TABULAR, n_redundant=0, flip_y=0.05, random_state=0)
    elif name == "digits":  # small images: the 8x8 digits scikit-learn ships
        digits = load_digits()
        x, y = digits.data / 16.0, digits.target
    else:
        raise ValueError(f"unknown task {name!r}")
    n_train, n_val = TASKS[name]
    x = x.astype("float32")
    x_train, x_rest, y_train, y_rest = train_test_split(
        x, y, train_size=n_train, random_state=0, stratify=y)
    x_val, x_test, y_val, y_test = train_test_split(
        x_rest, y_rest, train_size=n_val, random_state=0, stratify=y_rest)
    return x_train, y_train, x_val, y_val, x_test, y_test, int(y.max()) + 1


def build(method, factor, n_features, classes):
    """The network (one hidden layer of 128 ReLU units) with the method's regularization."""
    kernel = {"L1": regularizers.L1(factor), "L2": regularizers.L2(factor),
              "L1L2": regularizers.L1L2(l1=factor, l2=factor),
              "L2 + dropout + early stopping": regularizers.L2(factor)}.get(method)
    activity = {"activity L1": regularizers.L1(factor),
                "activity L2": regularizers.L2(factor)}.get(method)
    rate = {"dropout": factor, "L2 + dropout + early stopping": COMBINED_DROPOUT}.get(method, 0.0)
    model = keras.Sequential([
        keras.Input(shape=(n_features,)),
        layers.Dense(HIDDEN, activation="relu", kernel_regularizer=kernel,
                     activity_regularizer=activity),
        layers.Dropout(rate),
        layers.Dense(classes, activation="softmax", kernel_regularizer=kernel),
    ])
    if method == "AdamW":
        optimizer = keras.optimizers.AdamW(LEARNING_RATE, weight_decay=factor)
    else:
        optimizer = keras.optimizers.Adam(LEARNING_RATE)
    model.compile(optimizer=optimizer, loss="sparse_categorical_crossentropy")
    return model


def train_once(task, method, factor, seed):
    """Train one network; return its validation loss (data term only) and accuracies."""
    x_train, y_train, x_val, y_val, x_test, y_test, classes = task
    keras.utils.set_random_seed(seed)
    model = build(method, factor, x_train.shape[1], classes)
    data = tf.data.Dataset.from_tensor_slices((x_train, y_train))
    data = data.shuffle(len(x_train), seed=seed).batch(BATCH).repeat()
    callbacks, validation = [], None
    if method in ("early stopping", "L2 + dropout + early stopping"):
        validation = tf.data.Dataset.from_tensors((x_val, y_val)).repeat()
        callbacks = [keras.callbacks.EarlyStopping(patience=PATIENCE, restore_best_weights=True)]
    history = model.fit(data, steps_per_epoch=-(-len(x_train) // BATCH), epochs=EPOCHS,
                        validation_data=validation, validation_steps=1,
                        callbacks=callbacks, verbose=0)
    val_p = keras.ops.convert_to_numpy(model(x_val, training=False))
    test_p = keras.ops.convert_to_numpy(model(x_test, training=False))
    return {
        "val_loss": float(-np.log(val_p[np.arange(len(y_val)), y_val] + 1e-7).mean()),
        "val_acc": float((val_p.argmax(1) == y_val).mean()),
        "test_acc": float((test_p.argmax(1) == y_test).mean()),
        "epochs": len(history.history["loss"]),
    }


def evaluate_method(task, method, factors):
    """Train every factor from every seed; choose the factor on validation loss."""
    by_factor = {}
    for factor in factors:
        runs = [train_once(task, method, factor, seed) for seed in SEEDS]
        by_factor[factor] = {
            "val_loss": float(np.mean([r["val_loss"] for r in runs])),
            "val_loss_std": float(np.std([r["val_loss"] for r in runs])),
            "val_acc": float(np.mean([r["val_acc"] for r in runs])),
            "test_acc": [r["test_acc"] for r in runs],
            "seeds": len(runs),
        }
    best = max(by_factor, key=lambda factor: (by_factor[factor]["val_acc"], -factor))
    accuracies = by_factor[best]["test_acc"]
    return {
        "best_factor": best,
        "test_acc_mean": float(np.mean(accuracies)),
        "test_acc_std": float(np.std(accuracies)),
        "seeds": by_factor[best]["seeds"],
        "sweep": {factor_key(factor): r for factor, r in by_factor.items()},
    }


def factor_key(factor):
    """'0', '1e-4', '4e-3': a key without dots, so pages can address it."""
    return "0" if factor == 0 else f"{factor:.0e}".replace("e-0", "e-")


def table_row(method, result, factor_name="factor"):
    best = result["best_factor"]
    factor = "n/a" if best is None or method == "none" else f"{factor_name} {best:g}"
    return (f"| {method} | {result['test_acc_mean']:.3f} ± {result['test_acc_std']:.3f} "
            f"| {factor} | {result['seeds']} |")


PENALTY_FACTORS = [1e-4, 1e-3, 1e-2, 1e-1]
L2_FACTORS = [1e-3, 1e-2, 1e-1, 1.0]  # L2 needs larger factors to over-regularize


def plot_sweeps(results, label, title):
    """Mean validation loss against the factor (log scale), one line per method; the
    unregularized network as a dashed reference."""
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(num=label, figsize=(6.0, 3.4))
    for index, (method, result) in enumerate(results.items()):
        sweep = result["sweep"]
        if method == "none":
            ax.axhline(sweep["0"]["val_loss"], color="0.4", linestyle="--", label="no penalty")
            continue
        factors = [float(factor) for factor in sweep]
        ax.errorbar(factors, [r["val_loss"] for r in sweep.values()],
                    yerr=[r["val_loss_std"] for r in sweep.values()],
                    marker="o", capsize=3, label=method, color=f"C{index}")
    ax.set_xscale("log")
    ax.set(xlabel="penalty factor (log scale)", ylabel="validation loss (data term)", title=title)
    ax.legend(fontsize=8)
    return fig


def slug(method):
    """'activity L1' -> 'activity_l1': a name pages can address."""
    return method.lower().replace(" + ", "_").replace(" ", "_")


def summarize(results):
    """Per-method results under simple names, and how many networks were trained."""
    summary = {slug(method): result for method, result in results.items()}
    trainings = sum(r["seeds"] * len(r["sweep"]) for r in results.values())
    return summary, trainings


def describe():
    """The set-up, for the page to quote."""
    return {
        "tasks": {name: {"train": n_train, "val": n_val} for name, (n_train, n_val) in TASKS.items()},
        "tabular": {**TABULAR, "noise_features": TABULAR["n_features"] - TABULAR["n_informative"]},
        "hidden": HIDDEN, "epochs": EPOCHS, "batch": BATCH, "learning_rate": LEARNING_RATE,
        "seeds": len(SEEDS), "patience": PATIENCE, "combined_dropout": COMBINED_DROPOUT,
    }
