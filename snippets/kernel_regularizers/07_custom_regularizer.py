"""A custom regularizer: subclass, get_config, registration, and a .keras round
trip.

Also shows the exact error Keras raises when one of those steps is missing. The
model files are written to the current directory.
"""

import re

import keras
from keras import layers, ops

# --8<-- [start:define]
@keras.saving.register_keras_serializable(package="handbook")
class CenteredL2(keras.regularizers.Regularizer):
    """Penalise the distance of each weight from a target value."""

    def __init__(self, factor=0.01, center=0.0):
        self.factor = factor
        self.center = center

    def __call__(self, weights):
        return self.factor * ops.sum(ops.square(weights - self.center))

    def get_config(self):
        return {"factor": self.factor, "center": self.center}
# --8<-- [end:define]

# --8<-- [start:roundtrip]
model = keras.Sequential(
    [
        keras.Input(shape=(3,)),
        layers.Dense(
            2,
            kernel_initializer="ones",
            kernel_regularizer=CenteredL2(0.5, 0.25),
        ),
    ]
)
model.save("centered.keras")
restored = keras.saving.load_model("centered.keras")

regularizer = restored.layers[0].kernel.regularizer
print("restored:", type(regularizer).__name__, regularizer.get_config())
print(
    "penalty before:",
    float(sum(model.losses)),
    " after:",
    float(sum(restored.losses)),
)
print("registered as:", keras.saving.get_registered_name(CenteredL2))
# --8<-- [end:roundtrip]
penalty_before = float(sum(model.losses))
penalty_after = float(sum(restored.losses))
registered_name = keras.saving.get_registered_name(CenteredL2)

# --8<-- [start:no_config]
class NoConfigL2(keras.regularizers.Regularizer):
    def __call__(self, weights):
        return 0.01 * ops.sum(ops.square(weights))


model = keras.Sequential(
    [keras.Input(shape=(3,)), layers.Dense(2, kernel_regularizer=NoConfigL2())]
)
try:
    model.save("no_config.keras")
except NotImplementedError as error:
    # hide the memory address
    message = re.sub(r"0x[0-9a-f]+", "0x...", str(error))
    no_config_error = f"{type(error).__name__}: {message}"
print(no_config_error)
# --8<-- [end:no_config]

# --8<-- [start:unregistered]
# get_config, but not registered
class PlainL2(keras.regularizers.Regularizer):
    def __init__(self, factor=0.01):
        self.factor = factor

    def __call__(self, weights):
        return self.factor * ops.sum(ops.square(weights))

    def get_config(self):
        return {"factor": self.factor}


model = keras.Sequential(
    [keras.Input(shape=(3,)), layers.Dense(2, kernel_regularizer=PlainL2())]
)
model.save("plain.keras")
del PlainL2  # as in a new process that never defined the class
try:
    keras.saving.load_model("plain.keras")
except TypeError as error:
    # The message nests one "Exception encountered:" per level (model, layer,
    # regularizer).
    unregistered_outer = (
        f"{type(error).__name__}: {str(error).splitlines()[0]}"
    )
    unregistered_error = str(error).rsplit("Exception encountered: ", 1)[-1]
print(unregistered_outer)
print("...")
print(unregistered_error)
# --8<-- [end:unregistered]
