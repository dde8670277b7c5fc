"""Regularizers do not change predict(); frozen layers keep activity penalties,
not weight penalties."""

import numpy as np
import keras
from keras import layers, regularizers

x = np.random.default_rng(0).normal(size=(4, 3)).astype("float32")

# --8<-- [start:predict]
def model_with(**penalties):
    keras.utils.set_random_seed(0)  # identical initial weights every time
    return keras.Sequential(
        [keras.Input(shape=(3,)), layers.Dense(2, **penalties)]
    )


plain = model_with()
penalised = model_with(kernel_regularizer=regularizers.L2(10.0),
                       activity_regularizer=regularizers.L1(10.0))
same_predictions = bool(
    np.array_equal(
        plain.predict(x, verbose=0), penalised.predict(x, verbose=0)
    )
)
print("same weights, same predictions:", same_predictions)
# an eager call, so that losses holds this batch's activity penalty
penalised(x)
print(
    "penalties the regularized model records:",
    [round(float(v), 3) for v in penalised.losses],
)
# --8<-- [end:predict]

# --8<-- [start:frozen]
penalised.layers[0].trainable = False
penalised(x)  # a forward pass records the activity penalty again
frozen_losses = [round(float(v), 3) for v in penalised.losses]
print("frozen layer, after a call:", frozen_losses, "(activity penalty only)")
# --8<-- [end:frozen]
