"""The sparsity-reconstruction trade-off: the autoencoder of the previous
example with L1 activity penalties from 0 to 1e-2 on its code layer."""

# runner: backends=tensorflow,jax  # training sweep; over 20 s on PyTorch

import numpy as np
import keras
import matplotlib.pyplot as plt
from keras import layers, regularizers
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split

x = (load_digits().data / 16.0).astype("float32")
x_train, x_val = train_test_split(x, train_size=1200, random_state=0)
# one batch order, the same for every model
shuffler = np.random.default_rng(0)
order = np.concatenate([shuffler.permutation(len(x_train)) for _ in range(80)])
x_order = x_train[order]  # an autoencoder: the target is the input

# --8<-- [start:sweep]
def train(factor):
    keras.utils.set_random_seed(0)
    inputs = keras.Input(shape=(64,))
    code = layers.Dense(
        32, activation="relu", activity_regularizer=regularizers.L1(factor)
    )(inputs)
    model = keras.Model(inputs, layers.Dense(64, activation="sigmoid")(code))
    model.compile(optimizer=keras.optimizers.Adam(3e-3), loss="mse")
    model.fit(
        x_order,
        x_order,
        batch_size=64,
        shuffle=False,
        steps_per_epoch=19,
        epochs=40,
        verbose=0,
    )
    codes = keras.Model(inputs, code).predict(x_val, verbose=0)
    mse = float(np.mean((model.predict(x_val, verbose=0) - x_val) ** 2))
    return {
        "mse": mse,
        "active_per_image": float(np.mean((codes >= 1e-3).sum(axis=1))),
    }


factors = [0.0, 1e-4, 1e-3, 1e-2]
sweep = {factor: train(factor) for factor in factors}
for factor, r in sweep.items():
    print(f"L1({factor:g}): reconstruction MSE {r['mse']:.4f}, "
          f"active code units per image {r['active_per_image']:.1f}")
# --8<-- [end:sweep]

# --8<-- [start:figure]
fig, ax_mse = plt.subplots(num="tradeoff", figsize=(6.0, 3.4))
positions = range(len(factors))
ax_mse.plot(positions, [r["mse"] for r in sweep.values()], "o-", color="C0")
ax_mse.set(
    xlabel="L1 activity factor",
    ylabel="reconstruction MSE",
    title="Sparsity against reconstruction",
)
ax_mse.yaxis.label.set_color("C0")
ax_active = ax_mse.twinx()
ax_active.plot(
    positions,
    [r["active_per_image"] for r in sweep.values()],
    "s--",
    color="C1",
)
ax_active.set_ylabel("active code units per image")
ax_active.yaxis.label.set_color("C1")
ax_active.grid(False)
ax_mse.set_xticks(list(positions), [f"{factor:g}" for factor in factors])
plt.show()
# --8<-- [end:figure]

by_factor = {
    (f"{factor:.0e}".replace("e-0", "e-") if factor else "0"): r
    for factor, r in sweep.items()
}
