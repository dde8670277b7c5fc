"""What drives the gap, part 1: model capacity.

One hidden layer of 2 to 512 units, trained on the same 200 noisy digits as the
two-model example; training and validation error for each width.
"""

import numpy as np
import keras
import matplotlib.pyplot as plt
from keras import layers
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split

# --8<-- [start:data]
n_train, noise = 200, 0.2
digits = load_digits()
x = (digits.data / 16.0).astype("float32")  # 64 pixel intensities in [0, 1]
x_train, x_val, y_train, y_val = train_test_split(
    x,
    digits.target,
    train_size=n_train,
    random_state=0,
    stratify=digits.target,
)
rng = np.random.default_rng(0)
wrong = rng.choice(n_train, size=int(noise * n_train), replace=False)
y_noisy = y_train.copy()
# never the true label
y_noisy[wrong] = (y_noisy[wrong] + rng.integers(1, 10, size=len(wrong))) % 10

# one batch order, the same for every width
shuffler = np.random.default_rng(0)
order = np.concatenate([shuffler.permutation(n_train) for _ in range(80)])
x_order, y_order = x_train[order], y_noisy[order]
steps = -(-n_train // 32)  # batches per epoch
# --8<-- [end:data]

# --8<-- [start:sweep]
def train_width(units, epochs=40):
    # the same initial weights for every width
    keras.utils.set_random_seed(0)
    model = keras.Sequential([
        keras.Input(shape=(64,)),
        layers.Dense(units, activation="relu"),
        layers.Dense(10, activation="softmax"),
    ])
    model.compile(
        optimizer=keras.optimizers.Adam(2e-3),
        loss="sparse_categorical_crossentropy",
    )
    model.fit(
        x_order,
        y_order,
        batch_size=32,
        shuffle=False,
        steps_per_epoch=steps,
        epochs=epochs,
        verbose=0,
    )
    return {
        "train_error": float(
            (model.predict(x_train, verbose=0).argmax(1) != y_noisy).mean()
        ),
        "val_error": float(
            (model.predict(x_val, verbose=0).argmax(1) != y_val).mean()
        ),
    }


widths = [2, 8, 32, 128, 512]
sweep = {units: train_width(units) for units in widths}
for units, r in sweep.items():
    print(
        f"{units:4} units: train error {r['train_error']:.3f}, validation "
        f"error {r['val_error']:.3f}"
    )
# --8<-- [end:sweep]

# --8<-- [start:figure]
fig, ax = plt.subplots(num="capacity", figsize=(6.0, 3.4))
ax.plot(
    widths,
    [r["train_error"] for r in sweep.values()],
    "o--",
    label="training error (noisy labels)",
)
ax.plot(
    widths,
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
ax.set_xticks(widths, [str(value) for value in widths])
ax.minorticks_off()
ax.set(
    xlabel="hidden units (log scale)",
    ylabel="error",
    title="Error against capacity",
)
ax.legend()
plt.show()
# --8<-- [end:figure]

by_width = {str(units): r for units, r in sweep.items()}
best_width = min(sweep, key=lambda units: sweep[units]["val_error"])
