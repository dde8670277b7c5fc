"""Exercise: add an L2 penalty to every Dense kernel of a built model with
`clone_model`.

`keras.models.clone_model` rebuilds each layer from its configuration through a
`clone_function`, which can add a regularizer; the weights are then copied
over.
"""

import numpy as np
import keras
from keras import layers, regularizers

keras.utils.set_random_seed(0)
original = keras.Sequential([keras.Input(shape=(8,)),
                             layers.Dense(16, activation="relu"),
                             layers.Dense(16, activation="relu"),
                             layers.Dense(1)])


# --8<-- [start:clone]
def with_l2(layer):
    config = layer.get_config()
    if isinstance(layer, layers.Dense):
        config["kernel_regularizer"] = regularizers.L2(1e-3)
    return layer.__class__.from_config(config)


regularized = keras.models.clone_model(original, clone_function=with_l2)
# clone_model gives fresh weights
regularized.set_weights(original.get_weights())

expected = sum(
    1e-3 * float(np.sum(keras.ops.convert_to_numpy(layer.kernel) ** 2))
    for layer in original.layers
)
probe = np.random.default_rng(0).normal(size=(5, 8)).astype("float32")
same_predictions = bool(np.allclose(
    original.predict_on_batch(probe), regularized.predict_on_batch(probe)
))
print(
    f"original: {len(original.losses)} penalties; clone: "
    f"{len(regularized.losses)} penalties, "
    f"sum {float(sum(regularized.losses)):.5f} (by hand {expected:.5f})"
)
print("same predictions:", same_predictions)
# --8<-- [end:clone]
clone_penalty = float(sum(regularized.losses))
n_dense = sum(isinstance(layer, layers.Dense) for layer in original.layers)
