"""Activity penalties under mixed precision: the failure and the one-line
fix."""
# runner: backends=tensorflow  # the fit() failure shown is TensorFlow's

import numpy as np
import keras
from keras import layers, regularizers

x = np.full((64, 32), 0.5, dtype="float32")
y = np.zeros((64, 1), dtype="float32")


def fit_with(hidden):
    keras.utils.set_random_seed(0)
    model = keras.Sequential(
        [keras.Input(shape=(32,)), hidden, layers.Dense(1, dtype="float32")]
    )
    model.compile(optimizer="adam", loss="mse")
    return model.fit(x, y, epochs=2, verbose=0).history["loss"]


# --8<-- [start:answer]
keras.config.set_dtype_policy("mixed_float16")
try:
    fit_with(
        layers.Dense(
            256, activation="relu", activity_regularizer=regularizers.L2(1e-4)
        )
    )
except TypeError as error:
    failure = f"{type(error).__name__}: {str(error).split(' (Tensor is')[0]}"
print("mixed_float16, activity penalty:", failure)

fixed_losses = fit_with(
    layers.Dense(
        256,
        activation="relu",
        dtype="float32",
        activity_regularizer=regularizers.L2(1e-4),
    )
)
print("same layer with dtype='float32':", [round(v, 4) for v in fixed_losses])
keras.config.set_dtype_policy("float32")
# --8<-- [end:answer]
