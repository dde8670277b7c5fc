"""Exercise: the batch size at which the activity penalty equals the kernel
penalty.

One Dense layer on the digits images with the same L2 factor on its kernel and
on its output. The kernel penalty does not depend on the batch; the activity
penalty is a mean over the batch in this Keras version and was a sum in Keras
3.0 to 3.13, where a large enough batch made it outweigh the kernel penalty.
"""

import math

import keras
from keras import layers, regularizers
from sklearn.datasets import load_digits

# --8<-- [start:setup]
keras.utils.set_random_seed(0)
factor, units = 1e-3, 32
# 64 pixels per image, in [0, 1]
rows = (load_digits().data / 16.0).astype("float32")
layer = layers.Dense(units, activation="relu",
                     kernel_regularizer=regularizers.L2(factor),
                     activity_regularizer=regularizers.L2(factor))
layer(rows[:1])  # builds the layer
kernel_penalty = float(layer.kernel.regularizer(layer.kernel))
print(f"kernel penalty (any batch size): {kernel_penalty:.4f}")
# --8<-- [end:setup]

# --8<-- [start:scan]
# applied to a whole batch, it gives the 3.0-3.13 sum
summed = regularizers.L2(factor)
# the average row's activity penalty
per_row = float(summed(layer(rows))) / len(rows)
equal_batch_size = math.ceil(kernel_penalty / per_row)
print(f"activity penalty of the average row: {per_row:.5f}")
print(f"sum rule: batch_size * {per_row:.5f} reaches the kernel penalty "
      f"at a batch of {equal_batch_size} rows")

scan = {}
for batch_size in (1, equal_batch_size, 128, 1024):
    layer(rows[:batch_size])
    # what this Keras records
    scan[str(batch_size)] = {
        "mean_rule": float(layer.losses[0]),
        "sum_rule": float(summed(layer(rows[:batch_size]))),
    }
    print(
        f"batch {batch_size:4d}: activity / kernel penalty = "
        f"{scan[str(batch_size)]['mean_rule'] / kernel_penalty:.2f} (mean "
        "rule), "
        f"{scan[str(batch_size)]['sum_rule'] / kernel_penalty:.2f} (sum rule)"
    )
# --8<-- [end:scan]
