"""Exercise: an L1 activity penalty before the ReLU or after it?

The digits autoencoder's code layer with `ActivityRegularization(l1=...)`
placed after the ReLU (what `activity_regularizer=` on a
`Dense(activation="relu")` does) or before it, on the pre-activations: exact
zeros in the code and reconstruction error, measured.
"""

# runner: backends=tensorflow,jax  # training; the mechanics run on PyTorch too

import numpy as np
import keras
from keras import layers
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split

x = (load_digits().data / 16.0).astype("float32")
x_train, x_val = train_test_split(x, train_size=1200, random_state=0)
# one batch order, the same for both models
shuffler = np.random.default_rng(0)
order = np.concatenate([shuffler.permutation(len(x_train)) for _ in range(80)])
x_order = x_train[order]  # an autoencoder: the target is the input

# --8<-- [start:compare]
factor, code_units = 1e-3, 32


def autoencoder(place):
    keras.utils.set_random_seed(0)
    inputs = keras.Input(shape=(64,))
    h = layers.Dense(code_units)(inputs)
    if place == "before ReLU":
        h = layers.ActivityRegularization(l1=factor)(h)
    code = layers.ReLU()(h)
    if place == "after ReLU":
        code = layers.ActivityRegularization(l1=factor)(code)
    outputs = layers.Dense(64, activation="sigmoid")(code)
    model = keras.Model(inputs, outputs)
    model.compile(optimizer=keras.optimizers.Adam(3e-3), loss="mse")
    return model, keras.Model(inputs, code)


results = {}
for place in ("after ReLU", "before ReLU"):
    model, encoder = autoencoder(place)
    model.fit(
        x_order,
        x_order,
        batch_size=64,
        shuffle=False,
        steps_per_epoch=19,
        epochs=40,
        verbose=0,
    )
    code = encoder.predict(x_val, verbose=0)
    reconstruction = model.predict(x_val, verbose=0)
    results[place] = {
        "exact_zero": float(np.mean(code == 0)),
        "active_per_image": float(np.mean((code > 0).sum(axis=1))),
        "mse": float(np.mean((reconstruction - x_val) ** 2)),
    }
    r = results[place]
    print(
        f"L1 {place:11}: code values exactly 0: {r['exact_zero']:.1%}, "
        f"active units per image {r['active_per_image']:.1f} of {code_units}, "
        f"MSE {r['mse']:.4f}"
    )
# --8<-- [end:compare]
after, before = results["after ReLU"], results["before ReLU"]
