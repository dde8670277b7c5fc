"""The gradient each penalty adds to a weight, measured with tf.GradientTape.

TensorFlow-specific on purpose: GradientTape is the plainest way to ask for a
gradient.
"""

import numpy as np
import tensorflow as tf
from keras import regularizers

# --8<-- [start:gradients]
weights = tf.Variable(np.array([-2.0, -0.5, 0.0, 0.5, 2.0], dtype="float32"))
penalties = {
    "L1(0.1)": regularizers.L1(0.1),
    "L2(0.1)": regularizers.L2(0.1),
    "L1L2(0.1, 0.1)": regularizers.L1L2(l1=0.1, l2=0.1),
}

print("w                  ", np.round(weights.numpy(), 3))
gradients = {}
for name, penalty in penalties.items():
    with tf.GradientTape() as tape:
        value = penalty(weights)
    gradients[name] = tape.gradient(value, weights).numpy()
    print(f"d/dw {name:14}", np.round(gradients[name], 3))
# --8<-- [end:gradients]

l1_gradient = gradients["L1(0.1)"].tolist()
l2_gradient = gradients["L2(0.1)"].tolist()
l1_matches_sign = bool(
    np.allclose(gradients["L1(0.1)"], 0.1 * np.sign(weights.numpy()))
)
l2_matches_2lw = bool(
    np.allclose(gradients["L2(0.1)"], 2 * 0.1 * weights.numpy())
)
