"""The same network trained with no penalty, an L1 kernel penalty and an L2
kernel penalty.

A small synthetic classification task (60 features, 6 of them informative, 150
training rows) makes an unregularized network overfit. The snippet records
training and validation curves, a histogram of first-layer weights, final
metrics, weight norms and counts of (near-)zeros.
"""
# runner: backends=tensorflow  # tf.data validation (NumPy: +56% time on TF)

import numpy as np
import keras
import matplotlib.pyplot as plt
import tensorflow as tf
from keras import layers, regularizers
from sklearn.datasets import make_classification
from sklearn.model_selection import train_test_split

# --8<-- [start:data]
n_features, n_informative, n_train = 60, 6, 150
features, labels = make_classification(
    n_samples=900,
    n_features=n_features,
    n_informative=n_informative,
    n_redundant=0,
    flip_y=0.05,
    class_sep=1.0,
    random_state=0,
)
x_train, x_val, y_train, y_val = train_test_split(
    features.astype("float32"), labels.astype("float32").reshape(-1, 1),
    train_size=n_train, random_state=0, stratify=labels,
)
# Arrays in one fixed order and fixed step counts: Keras then keeps one
# iterator for the whole run instead of building two per epoch, which makes
# these small fits much faster.
# one batch order, the same for every model
shuffler = np.random.default_rng(0)
order = np.concatenate([shuffler.permutation(n_train) for _ in range(80)])
x_order, y_order = x_train[order], y_train[order]
val_data = tf.data.Dataset.from_tensors((x_val, y_val)).repeat()
# --8<-- [end:data]

# --8<-- [start:model]
hidden_units = 64


def make_model(regularizer):
    # the same initial weights for every variant
    keras.utils.set_random_seed(1)
    model = keras.Sequential(
        [
            keras.Input(shape=(n_features,)),
            layers.Dense(
                hidden_units,
                activation="relu",
                kernel_regularizer=regularizer,
                name="hidden",
            ),
            layers.Dense(
                1,
                activation="sigmoid",
                kernel_regularizer=regularizer,
                name="out",
            ),
        ]
    )
    model.compile(
        optimizer=keras.optimizers.Adam(2e-3),
        loss="binary_crossentropy",
        metrics=["accuracy", keras.metrics.BinaryCrossentropy(name="bce")],
    )
    return model


variants = {
    "none": None,
    "L1(1e-3)": regularizers.L1(1e-3),
    "L2(1e-3)": regularizers.L2(1e-3),
}
histories, kernels, results = {}, {}, {}
for name, regularizer in variants.items():
    model = make_model(regularizer)
    history = model.fit(
        x_order,
        y_order,
        batch_size=30,
        shuffle=False,
        epochs=60,
        steps_per_epoch=5,
        validation_data=val_data,
        validation_steps=1,
        verbose=0,
    )
    histories[name] = history.history
    kernels[name] = model.get_layer("hidden").kernel.numpy()
    train = model.evaluate(x_train, y_train, verbose=0, return_dict=True)
    # last epoch
    val = {key: values[-1] for key, values in history.history.items()}
    results[name] = {
        "train_acc": train["accuracy"],
        "val_acc": val["val_accuracy"],
        "train_bce": train["bce"],
        "val_bce": val["val_bce"],
        "penalty": float(sum(model.losses)) if model.losses else 0.0,
    }
# --8<-- [end:model]

# --8<-- [start:weights]
for name, kernel in kernels.items():
    w = np.abs(kernel)
    results[name].update(
        l1_norm=float(w.sum()),
        l2_norm=float(np.sqrt((w**2).sum())),
        exact_zeros=int((w == 0).sum()),
        near_zeros=int((w < 1e-3).sum()),
        size=int(w.size),
    )
# --8<-- [end:weights]

# --8<-- [start:table]
print(
    "| variant | train acc | val acc | train BCE | val BCE | L2 norm | "
    "near-zero (<1e-3) | exact zeros |"
)
print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
for name, r in results.items():
    print(
        f"| {name} | {r['train_acc']:.3f} | {r['val_acc']:.3f} | "
        f"{r['train_bce']:.3f} "
        f"| {r['val_bce']:.3f} | {r['l2_norm']:.2f} | {r['near_zeros']} of "
        f"{r['size']} "
        f"| {r['exact_zeros']} |"
    )
# --8<-- [end:table]

# --8<-- [start:figures]
fig, (ax_loss, ax_acc) = plt.subplots(1, 2, num="curves", sharex=True)
for index, (name, history) in enumerate(histories.items()):
    color, epoch = f"C{index}", range(1, len(history["bce"]) + 1)
    ax_loss.plot(
        epoch,
        history["bce"],
        color=color,
        linestyle="--",
        label=f"{name} train",
    )
    ax_loss.plot(
        epoch, history["val_bce"], color=color, label=f"{name} validation"
    )
    ax_acc.plot(epoch, history["accuracy"], color=color, linestyle="--")
    ax_acc.plot(epoch, history["val_accuracy"], color=color)
ax_loss.set(
    title="Cross-entropy (no penalty)",
    xlabel="epoch",
    ylabel="binary cross-entropy",
)
ax_acc.set(title="Accuracy", xlabel="epoch", ylabel="accuracy")
ax_loss.xaxis.set_major_locator(plt.MaxNLocator(integer=True))  # whole epochs
ax_loss.legend()

fig, axes = plt.subplots(1, 3, num="weights", sharey=True, figsize=(7.0, 2.8))
bins = np.linspace(-0.6, 0.6, 61)
for index, (ax, (name, kernel)) in enumerate(zip(axes, kernels.items())):
    ax.hist(np.clip(kernel.ravel(), -0.6, 0.6), bins=bins, color=f"C{index}")
    ax.set(title=name, xlabel="first-layer weight")
    ax.set_yscale("log")
axes[0].set_ylabel("count (log scale)")
plt.show()
# --8<-- [end:figures]

summary = dict(zip(["none", "l1", "l2"], results.values()))
for r in summary.values():
    r["near_zero_percent"] = 100 * r["near_zeros"] / r["size"]
    r["gap"] = r["train_acc"] - r["val_acc"]
epochs = len(histories["none"]["loss"])
n_noise = n_features - n_informative
n_val = len(x_val)
best_epoch_none = int(np.argmin(histories["none"]["val_bce"])) + 1
