"""Kernel versus activity penalty on the same network: what each one shrinks.

A digits classifier with one hidden layer of 128 units, trained with no
penalty, with an L2 kernel penalty and with an L2 activity penalty on the
hidden layer, the same factor for both.
"""

# runner: backends=tensorflow,jax  # training; the mechanics run on PyTorch too

import numpy as np
import keras
import matplotlib.pyplot as plt
from keras import layers, regularizers
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split

digits = load_digits()
x = (digits.data / 16.0).astype("float32")
x_train, x_val, y_train, y_val = train_test_split(
    x, digits.target, train_size=500, random_state=0, stratify=digits.target
)
# one batch order, the same for every model
shuffler = np.random.default_rng(0)
order = np.concatenate([shuffler.permutation(len(x_train)) for _ in range(80)])
x_order, y_order = x_train[order], y_train[order]

# --8<-- [start:compare]
factor = 1e-3
variants = {
    "none": {},
    "kernel L2": {"kernel_regularizer": regularizers.L2(factor)},
    "activity L2": {"activity_regularizer": regularizers.L2(factor)},
}
results = {}
for name, penalty in variants.items():
    keras.utils.set_random_seed(0)
    inputs = keras.Input(shape=(64,))
    hidden = layers.Dense(128, activation="relu", name="hidden", **penalty)(
        inputs
    )
    model = keras.Model(inputs, layers.Dense(10, activation="softmax")(hidden))
    model.compile(
        optimizer="adam",
        loss="sparse_categorical_crossentropy",
        metrics=["accuracy"],
    )
    model.fit(
        x_order,
        y_order,
        batch_size=32,
        shuffle=False,
        steps_per_epoch=16,
        epochs=40,
        verbose=0,
    )

    activations = keras.Model(inputs, hidden).predict(x_val, verbose=0)
    kernel = model.get_layer("hidden").kernel.numpy()
    results[name] = {
        "val_acc": model.evaluate(x_val, y_val, verbose=0, return_dict=True)[
            "accuracy"
        ],
        "kernel_norm": float(np.linalg.norm(kernel)),
        "activation_norm": float(np.linalg.norm(activations, axis=1).mean()),
        "active_units": float((activations > 1e-3).sum(axis=1).mean()),
    }

print(
    "| penalty on the hidden layer | val accuracy | kernel L2 norm | mean "
    "activation L2 norm per image | active units per image |"
)
print("| --- | ---: | ---: | ---: | ---: |")
for name, r in results.items():
    print(
        f"| {name} | {r['val_acc']:.3f} | {r['kernel_norm']:.2f} | "
        f"{r['activation_norm']:.2f} "
        f"| {r['active_units']:.1f} of 128 |"
    )
# --8<-- [end:compare]

# --8<-- [start:figure]
fig, axes = plt.subplots(1, 2, num="norms", figsize=(7.0, 3.0))
names = list(results)
for ax, key, title in zip(
    axes,
    ["kernel_norm", "activation_norm"],
    ["Hidden kernel, L2 norm", "Hidden activations, mean L2 norm"],
):
    ax.bar(
        names, [results[name][key] for name in names], color=["C0", "C1", "C2"]
    )
    ax.set(title=title)
plt.show()
# --8<-- [end:figure]

summary = dict(zip(["none", "kernel", "activity"], results.values()))
