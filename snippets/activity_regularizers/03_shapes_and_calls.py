"""Activity penalties on conv outputs, several outputs, repeated calls and
inference calls."""

import numpy as np
import keras
from keras import layers, regularizers

# --8<-- [start:layer_defaults]
default = layers.ActivityRegularization()
print(
    "ActivityRegularization() ->",
    {key: default.get_config()[key] for key in ("l1", "l2")},
)
default(np.ones((2, 3), dtype="float32"))
print("penalty with the defaults:", float(default.losses[0]))
# --8<-- [end:layer_defaults]
default_penalty = float(default.losses[0])

# --8<-- [start:conv]
conv = layers.Conv2D(3, 1, use_bias=False, kernel_initializer="ones",
                     activity_regularizer=regularizers.L1(0.1))
images = np.ones((2, 4, 4, 1), dtype="float32")  # 2 images, 4 x 4 pixels
feature_maps = conv(images)  # shape (2, 4, 4, 3), every value 1
conv_penalty = float(conv.losses[0])
print("output shape:", tuple(feature_maps.shape))
print(f"penalty = 0.1 * (2 * 4 * 4 * 3 ones) / 2 images = {conv_penalty:.4f}")
# --8<-- [end:conv]

# --8<-- [start:outputs]
class TwoOutputs(layers.Layer):
    def call(self, x):
        return x, 2.0 * x[:1]  # the second output has a batch of one


two = TwoOutputs(activity_regularizer=regularizers.L1(1.0))
two(np.ones((4, 3), dtype="float32"))
two_outputs = [float(v) for v in two.losses]
print(
    "one penalty per output, each divided by its own batch size:", two_outputs
)
# --8<-- [end:outputs]

# --8<-- [start:calls]
dense = layers.Dense(1, use_bias=False, kernel_initializer="ones",
                     activity_regularizer=regularizers.L2(1.0))
x = np.array([[2.0]], dtype="float32")
dense(x)
dense(x)
eager_count = len(dense.losses)
print("eager, called twice -> entries in layer.losses:", eager_count)

inputs = keras.Input(shape=(1,))
# the same layer used twice in a graph
model = keras.Model(inputs, dense(dense(inputs)))
model(x)
shared = [float(v) for v in model.losses]
print("functional model using it twice -> model.losses:", shared)

dense(x, training=False)
inference = [float(v) for v in dense.losses]
print("called with training=False -> layer.losses:", inference)

model = keras.Sequential([keras.Input(shape=(1,)), dense])
model.compile(loss="mse", metrics=["mse"])
scores = model.evaluate(x, np.zeros((1, 1)), verbose=0, return_dict=True)
print(
    f"evaluate(): loss {scores['loss']:g} = mse {scores['mse']:g} + activity "
    "penalty"
)
# --8<-- [end:calls]
evaluate_gap = scores["loss"] - scores["mse"]
