"""Learned sparse codes: a digits autoencoder with and without an L1 activity
penalty.

The 32-unit code layer of a small autoencoder, trained on the 8x8 digits that
scikit-learn ships: how many code units are (near) zero for each image, the
distribution of code values, the reconstruction error, and the codes
themselves.
"""

# runner: backends=tensorflow,jax  # training; the mechanics run on PyTorch too

import numpy as np
import keras
import matplotlib.pyplot as plt
from keras import layers, regularizers
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split

# --8<-- [start:model]
x = (load_digits().data / 16.0).astype("float32")
x_train, x_val = train_test_split(x, train_size=1200, random_state=0)
# one batch order, the same for every model
shuffler = np.random.default_rng(0)
order = np.concatenate([shuffler.permutation(len(x_train)) for _ in range(80)])
x_order = x_train[order]  # an autoencoder: the target is the input


def autoencoder(activity_regularizer):
    keras.utils.set_random_seed(0)
    inputs = keras.Input(shape=(64,))
    code = layers.Dense(
        32,
        activation="relu",
        activity_regularizer=activity_regularizer,
        name="code",
    )(inputs)
    outputs = layers.Dense(64, activation="sigmoid")(code)
    model = keras.Model(inputs, outputs)
    model.compile(optimizer=keras.optimizers.Adam(3e-3), loss="mse")
    return model, keras.Model(inputs, code)


results, codes = {}, {}
for name, regularizer in {
    "no penalty": None,
    "L1(1e-3)": regularizers.L1(1e-3),
}.items():
    model, encoder = autoencoder(regularizer)
    model.fit(
        x_order,
        x_order,
        batch_size=64,
        shuffle=False,
        steps_per_epoch=19,
        epochs=40,
        verbose=0,
    )
    codes[name] = encoder.predict(x_val, verbose=0)
    reconstruction = model.predict(x_val, verbose=0)
    results[name] = {
        "mse": float(np.mean((reconstruction - x_val) ** 2)),
        "near_zero": float(np.mean(codes[name] < 1e-3)),
        "exact_zero": float(np.mean(codes[name] == 0)),
        "active_per_image": float(np.mean((codes[name] >= 1e-3).sum(axis=1))),
        "dead_units": int(np.sum(codes[name].max(axis=0) < 1e-3)),
        "mean_activation": float(codes[name].mean()),
    }
# --8<-- [end:model]

# --8<-- [start:table]
print(
    "| code layer | reconstruction MSE | code values < 1e-3 | exactly 0 | "
    "active units per image | units never active |"
)
print("| --- | ---: | ---: | ---: | ---: | ---: |")
for name, r in results.items():
    print(
        f"| {name} | {r['mse']:.4f} | {r['near_zero']:.1%} | "
        f"{r['exact_zero']:.1%} "
        f"| {r['active_per_image']:.1f} of 32 | {r['dead_units']} |"
    )
# --8<-- [end:table]

# --8<-- [start:figures]
fig, axes = plt.subplots(
    1, 2, num="histograms", sharey=True, figsize=(7.0, 2.8)
)
bins = np.linspace(0, max(c.max() for c in codes.values()), 40)
for index, (ax, (name, code)) in enumerate(zip(axes, codes.items())):
    ax.hist(code.ravel(), bins=bins, color=f"C{index}")
    ax.set(title=name, xlabel="code value", yscale="log")
axes[0].set_ylabel("count (log scale)")

fig, axes = plt.subplots(1, 2, num="codes", figsize=(7.0, 3.2))
# one colour scale for both
top = max(code[:40].max() for code in codes.values())
for ax, (name, code) in zip(axes, codes.items()):
    image = ax.imshow(
        code[:40].T,
        aspect="auto",
        cmap="viridis",
        interpolation="nearest",
        vmin=0,
        vmax=top,
    )
    ax.set(title=name, xlabel="validation image", ylabel="code unit")
    ax.grid(False)
fig.colorbar(image, ax=axes, shrink=0.8, label="code value")
plt.show()
# --8<-- [end:figures]

plain, sparse = results.values()
