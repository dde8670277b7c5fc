"""Pitfall: an activity penalty under the mixed_float16 policy, and two fixes
that work.

Under mixed precision a layer's output is float16, and the built-in
regularizers compute in the dtype of their input: the sum of squares can
overflow float16 (largest value 65504), and on TensorFlow the float16
penalty also makes `fit()` fail (JAX and PyTorch train on).
"""

import numpy as np
import keras
from keras import layers, ops, regularizers

# a batch of 64 rows with moderate values
x = np.full((64, 32), 0.5, dtype="float32")

# --8<-- [start:problem]
keras.config.set_dtype_policy("mixed_float16")

dense = layers.Dense(512, activation="relu", kernel_initializer="ones",
                     activity_regularizer=regularizers.L2(1e-4))
output = dense(x)
mixed_penalty = float(dense.losses[0])
expected = (
    1e-4
    * float(np.sum(np.square(ops.convert_to_numpy(output).astype("float64"))))
    / len(x)
)
print("output dtype:", output.dtype)
print("penalty under mixed_float16:", mixed_penalty)
print(f"what it should be: {expected:.4f}")



def train_briefly(hidden_layer):
    """Three epochs of a small regression model around the given hidden
    layer."""
    keras.utils.set_random_seed(0)
    model = keras.Sequential(
        [
            keras.Input(shape=(32,)),
            hidden_layer,
            layers.Dense(1, dtype="float32"),
        ]
    )
    model.compile(optimizer="adam", loss="mse")
    history = model.fit(
        x, np.zeros((64, 1)), epochs=3, batch_size=64, verbose=0
    )
    return [round(value, 4) for value in history.history["loss"]]


try:
    mixed_losses = train_briefly(
        layers.Dense(
            512, activation="relu", activity_regularizer=regularizers.L2(1e-4)
        )
    )
    fit_error = f"no error, losses {mixed_losses}"
except TypeError as error:
    fit_error = f"{type(error).__name__}: {str(error).split(' (Tensor is')[0]}"
print("model.fit ->", fit_error)
# --8<-- [end:problem]

# --8<-- [start:fix_layer]
# Fix 1: keep the regularized layer in float32 (the rest of the model stays
# mixed).
dense32 = layers.Dense(
    512,
    activation="relu",
    kernel_initializer="ones",
    dtype="float32",
    activity_regularizer=regularizers.L2(1e-4),
)
dense32(x)
float32_layer_penalty = float(dense32.losses[0])
print(f"layer in float32: {float32_layer_penalty:.4f}")
fit_layer_fix = train_briefly(
    layers.Dense(
        512,
        activation="relu",
        dtype="float32",
        activity_regularizer=regularizers.L2(1e-4),
    )
)
print("model.fit losses:", fit_layer_fix)
# --8<-- [end:fix_layer]


# --8<-- [start:fix_regularizer]
# Fix 2: a regularizer that computes in float32 whatever its input dtype.
@keras.saving.register_keras_serializable(package="handbook")
class Float32L2(regularizers.Regularizer):
    def __init__(self, l2=0.01):
        self.l2 = l2

    def __call__(self, x):
        return self.l2 * ops.sum(ops.square(ops.cast(x, "float32")))

    def get_config(self):
        return {"l2": self.l2}


dense_fixed = layers.Dense(512, activation="relu", kernel_initializer="ones",
                           activity_regularizer=Float32L2(1e-4))
output_fixed = dense_fixed(x)
float32_regularizer_penalty = float(dense_fixed.losses[0])
print(
    f"float32 regularizer: {float32_regularizer_penalty:.4f} (output still "
    f"{output_fixed.dtype})"
)
fit_regularizer_fix = train_briefly(
    layers.Dense(512, activation="relu", activity_regularizer=Float32L2(1e-4))
)
print("model.fit losses:", fit_regularizer_fix)
# --8<-- [end:fix_regularizer]

keras.config.set_dtype_policy("float32")
mixed_is_inf = bool(np.isinf(mixed_penalty))
fit_raises = fit_error.startswith("TypeError")
