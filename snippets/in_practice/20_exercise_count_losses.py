"""Exercise: predict how many entries `model.losses` holds.

A model with a regularized trainable layer, a regularized frozen layer and a
frozen layer with an activity regularizer: which of them still add a penalty
after a call?
"""

import numpy as np
import keras
from keras import layers, regularizers

# --8<-- [start:check]
inputs = keras.Input(shape=(4,))
h = layers.Dense(
    8,
    kernel_regularizer=regularizers.L2(1e-3),
    bias_regularizer=regularizers.L2(1e-3),
    name="trainable",
)(inputs)
h = layers.Dense(
    8, kernel_regularizer=regularizers.L2(1e-3), name="frozen_kernel"
)(h)
outputs = layers.Dense(
    2, activity_regularizer=regularizers.L2(1e-3), name="frozen_activity"
)(h)
model = keras.Model(inputs, outputs)
model.get_layer("frozen_kernel").trainable = False
model.get_layer("frozen_activity").trainable = False

model(np.ones((3, 4), dtype="float32"))  # a call records the activity penalty
sources = {layer.name: len(layer.losses) for layer in model.layers[1:]}
n_losses = len(model.losses)
print("penalties per layer:", sources)
print("entries in model.losses:", n_losses)
# --8<-- [end:check]
