"""A kernel constraint (max_norm) versus a kernel regularizer: a hard limit
versus a cost."""

import numpy as np
import keras
from keras import constraints, layers, regularizers

rng = np.random.default_rng(0)
x = rng.normal(size=(256, 10)).astype("float32")
# wants big weights
y = (3 * x[:, :1] + rng.normal(scale=0.1, size=(256, 1))).astype("float32")
# the 256 rows in order, once per epoch: one input pipeline for the whole fit
epochs = 20
x_epochs, y_epochs = np.tile(x, (epochs, 1)), np.tile(y, (epochs, 1))

# --8<-- [start:compare]
variants = {
    "none": {},
    "kernel_constraint=MaxNorm(1.0)": {
        "kernel_constraint": constraints.MaxNorm(1.0)
    },
    "kernel_regularizer=L2(0.1)": {"kernel_regularizer": regularizers.L2(0.1)},
}
results = {}
for name, argument in variants.items():
    keras.utils.set_random_seed(0)
    model = keras.Sequential(
        [keras.Input(shape=(10,)), layers.Dense(1, **argument)]
    )
    model.compile(optimizer=keras.optimizers.Adam(0.05), loss="mse")
    model.fit(
        x_epochs,
        y_epochs,
        batch_size=32,
        shuffle=False,
        steps_per_epoch=8,
        epochs=epochs,
        verbose=0,
    )
    kernel = keras.ops.convert_to_numpy(model.layers[0].kernel)
    results[name] = {
        "norm": float(np.linalg.norm(kernel)),
        "penalties": len(model.losses),
        "mse": float(np.mean((model.predict(x, verbose=0) - y) ** 2)),
    }
    print(
        f"{name:32} kernel norm {results[name]['norm']:.3f}, "
        f"entries in model.losses: {results[name]['penalties']}, mse "
        f"{results[name]['mse']:.3f}"
    )
# --8<-- [end:compare]
summary = dict(zip(["none", "constraint", "regularizer"], results.values()))
