"""Adding a regularizer to a model that is already built, or loaded from a
file.

Setting `layer.kernel_regularizer` afterwards adds no penalty to this model;
two ways that work, checked again after a save and load round trip.
"""

import numpy as np
import keras
from keras import layers, regularizers

keras.utils.set_random_seed(0)
pretrained = keras.Sequential([
    keras.Input(shape=(8,)),
    layers.Dense(16, activation="relu", name="hidden"),
    layers.Dense(1, name="head"),
])
pretrained.save("pretrained.keras")

# --8<-- [start:attribute]
model = keras.saving.load_model("pretrained.keras")
for layer in model.layers:
    # no penalty in this model
    layer.kernel_regularizer = regularizers.L2(1e-3)
attribute_losses = len(model.losses)
print("after setting layer.kernel_regularizer:", model.losses)
# --8<-- [end:attribute]

# --8<-- [start:variable]
for layer in model.layers:
    # keeps get_config() honest
    layer.kernel_regularizer = regularizers.L2(1e-3)
    # what losses actually read
    layer.kernel.regularizer = layer.kernel_regularizer
variable_penalty = float(sum(model.losses))
print(
    f"after setting layer.kernel.regularizer too: {len(model.losses)} "
    "penalties, "
    f"sum {variable_penalty:.5f}"
)

model.save("regularized.keras")
reloaded = keras.saving.load_model("regularized.keras")
reloaded_penalty = float(sum(reloaded.losses))
print(
    f"after save and load: {len(reloaded.losses)} penalties, sum "
    f"{reloaded_penalty:.5f}"
)
# --8<-- [end:variable]

# --8<-- [start:rebuild]
config = keras.saving.load_model("pretrained.keras").get_config()
for layer_config in config["layers"]:
    if layer_config["class_name"] == "Dense":
        layer_config["config"]["kernel_regularizer"] = (
            keras.saving.serialize_keras_object(regularizers.L2(1e-3))
        )
rebuilt = keras.Sequential.from_config(config)
rebuilt.set_weights(keras.saving.load_model("pretrained.keras").get_weights())
rebuilt_penalty = float(sum(rebuilt.losses))
same_predictions = bool(
    np.allclose(
        rebuilt.predict(np.ones((2, 8)), verbose=0),
        pretrained.predict(np.ones((2, 8)), verbose=0),
    )
)
print(
    f"rebuilt from config: {len(rebuilt.losses)} penalties, sum "
    f"{rebuilt_penalty:.5f}, "
    f"same predictions: {same_predictions}"
)
# --8<-- [end:rebuild]
