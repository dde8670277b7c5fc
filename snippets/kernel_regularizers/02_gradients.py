"""The gradient each penalty adds to a weight, measured by automatic
differentiation.

`gradient` asks the Keras backend's own autodiff: `tf.GradientTape` on
TensorFlow, `jax.grad` on JAX, `backward()` on PyTorch. They agree but at
exactly zero, where each backend picks its own subgradient of |w|.
"""

import keras
import numpy as np
from keras import regularizers


def gradient(function, weights):
    """d function(weights) / d weights, by the backend's autodiff."""
    if keras.backend.backend() == "jax":
        import jax

        return np.asarray(jax.grad(function)(weights))
    if keras.backend.backend() == "torch":
        import torch

        variable = torch.tensor(weights, requires_grad=True)
        function(variable).backward()
        return variable.grad.numpy()
    import tensorflow as tf

    variable = tf.Variable(weights)
    with tf.GradientTape() as tape:
        value = function(variable)
    return tape.gradient(value, variable).numpy()


# --8<-- [start:gradients]
weights = np.array([-2.0, -0.5, 0.0, 0.5, 2.0], dtype="float32")
penalties = {
    "L1(0.1)": regularizers.L1(0.1),
    "L2(0.1)": regularizers.L2(0.1),
    "L1L2(0.1, 0.1)": regularizers.L1L2(l1=0.1, l2=0.1),
}

print("w                  ", np.round(weights, 3))
gradients = {}
for name, penalty in penalties.items():
    gradients[name] = gradient(penalty, weights)
    print(f"d/dw {name:14}", np.round(gradients[name], 3))
# --8<-- [end:gradients]

l1_gradient = gradients["L1(0.1)"].tolist()
l2_gradient = gradients["L2(0.1)"].tolist()
l1l2_gradient = gradients["L1L2(0.1, 0.1)"].tolist()
l1_matches_sign = bool(
    np.allclose(gradients["L1(0.1)"], 0.1 * np.sign(weights))
)
l2_matches_2lw = bool(np.allclose(gradients["L2(0.1)"], 2 * 0.1 * weights))
backend = keras.backend.backend()
