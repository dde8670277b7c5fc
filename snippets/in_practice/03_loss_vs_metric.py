"""Why `loss` is larger than the same quantity compiled as a metric, and what
val_loss holds."""

import numpy as np
import keras
from keras import layers, regularizers

rng = np.random.default_rng(0)
x = rng.normal(size=(128, 6)).astype("float32")
y = (x[:, :1] - 0.5 * x[:, 1:2]).astype("float32")

# --8<-- [start:answer]
keras.utils.set_random_seed(0)
model = keras.Sequential(
    [
        keras.Input(shape=(6,)),
        layers.Dense(
            32, activation="relu", kernel_regularizer=regularizers.L2(1e-2)
        ),
        layers.Dropout(0.3),
        layers.Dense(1),
    ]
)
model.compile(optimizer="adam", loss="mse", metrics=["mse"])
history = model.fit(
    x[:96], y[:96], validation_data=(x[96:], y[96:]), epochs=20, verbose=0
)
last = {name: round(values[-1], 4) for name, values in history.history.items()}
penalty = float(sum(model.losses))
print(last)
print(
    f"val_loss - val_mse = {last['val_loss'] - last['val_mse']:.4f}; penalty "
    f"= {penalty:.4f}"
)
# --8<-- [end:answer]
val_gap = last["val_loss"] - last["val_mse"]
