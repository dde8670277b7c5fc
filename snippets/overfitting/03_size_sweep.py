"""What drives the gap, part 2: the size of the training set.

The same one-hidden-layer network (256 units) trained on 50 to 800 digits, a
fifth of their labels wrong, and scored on the same clean validation set.
"""

import numpy as np
import keras
import matplotlib.pyplot as plt
from keras import layers
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split

# --8<-- [start:data]
noise = 0.2
digits = load_digits()
x = (digits.data / 16.0).astype("float32")
x_pool, x_val, y_pool, y_val = train_test_split(
    x, digits.target, train_size=800, random_state=0, stratify=digits.target
)


def noisy_subset(n, seed=0):
    """The first n pool rows, a fraction `noise` of their labels replaced by
    wrong ones."""
    rng = np.random.default_rng(seed)
    y = y_pool[:n].copy()
    wrong = rng.choice(n, size=int(noise * n), replace=False)
    y[wrong] = (y[wrong] + rng.integers(1, 10, size=len(wrong))) % 10
    return x_pool[:n], y
# --8<-- [end:data]

# --8<-- [start:sweep]
hidden_units = 256


def train_size(n, epochs=40):
    x_train, y_train = noisy_subset(n)
    # a fixed batch order, enough for every epoch
    shuffler = np.random.default_rng(0)
    order = np.concatenate(
        [shuffler.permutation(n) for _ in range(2 * epochs)]
    )
    keras.utils.set_random_seed(0)
    model = keras.Sequential([
        keras.Input(shape=(64,)),
        layers.Dense(hidden_units, activation="relu"),
        layers.Dense(10, activation="softmax"),
    ])
    model.compile(
        optimizer=keras.optimizers.Adam(2e-3),
        loss="sparse_categorical_crossentropy",
    )
    model.fit(
        x_train[order],
        y_train[order],
        batch_size=32,
        shuffle=False,
        steps_per_epoch=-(-n // 32),
        epochs=epochs,
        verbose=0,
    )
    return {
        "train_error": float(
            (model.predict(x_train, verbose=0).argmax(1) != y_train).mean()
        ),
        "val_error": float(
            (model.predict(x_val, verbose=0).argmax(1) != y_val).mean()
        ),
    }


sizes = [50, 100, 200, 400, 800]
sweep = {n: train_size(n) for n in sizes}
for n, r in sweep.items():
    print(
        f"{n:4} rows: train error {r['train_error']:.3f}, validation error "
        f"{r['val_error']:.3f}"
    )
# --8<-- [end:sweep]

# --8<-- [start:figure]
fig, ax = plt.subplots(num="size", figsize=(6.0, 3.4))
ax.plot(
    sizes,
    [r["train_error"] for r in sweep.values()],
    "o--",
    label="training error (noisy labels)",
)
ax.plot(
    sizes,
    [r["val_error"] for r in sweep.values()],
    "o-",
    label="validation error",
)
ax.axhline(
    noise,
    color="0.5",
    linewidth=1,
    linestyle=":",
    label="share of wrong training labels",
)
ax.set_xscale("log", base=2)
ax.set_xticks(sizes, [str(value) for value in sizes])
ax.minorticks_off()
ax.set(
    xlabel="training rows (log scale)",
    ylabel="error",
    title="Error against training-set size",
)
ax.legend()
plt.show()
# --8<-- [end:figure]

by_size = {str(n): r for n, r in sweep.items()}
n_val = len(x_val)
