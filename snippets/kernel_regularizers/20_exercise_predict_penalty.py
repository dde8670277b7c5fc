"""Exercise: predict a layer's penalty before Keras computes it.

A `Dense(4)` layer on 10 inputs, every weight 1, with `L1L2(l1=0.01, l2=0.001)`
on its kernel and nothing on its bias: the penalty by hand, then by Keras.
"""

import keras
from keras import layers, regularizers

# --8<-- [start:check]
n_inputs, units, l1, l2 = 10, 4, 0.01, 0.001
layer = layers.Dense(units, kernel_initializer="ones", bias_initializer="ones",
                     kernel_regularizer=regularizers.L1L2(l1=l1, l2=l2))
layer.build((None, n_inputs))

n_weights = n_inputs * units  # the biases are not penalised
predicted = l1 * n_weights * 1.0 + l2 * n_weights * 1.0**2
computed = float(sum(layer.losses))
print(
    f"{n_weights} kernel weights of 1: predicted {predicted:.4f}, Keras "
    f"{computed:.4f}"
)

# every weight doubled
layer.kernel.assign(2.0 * keras.ops.ones((n_inputs, units)))
doubled = float(sum(layer.losses))
print(f"every weight 2: Keras {doubled:.4f} (L1 part x2, L2 part x4)")
# --8<-- [end:check]
