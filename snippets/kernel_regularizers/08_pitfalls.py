"""Three pitfalls: a regularizer set on a built layer, frozen layers, and
L1L2's defaults."""

import keras
from keras import layers, regularizers

# --8<-- [start:built]
dense = layers.Dense(2, kernel_initializer="ones")
dense.build((None, 3))  # the kernel variable exists from here on

# layer.losses does not read it
dense.kernel_regularizer = regularizers.L2(1.0)
losses_after_attribute = len(dense.losses)
print("after setting layer.kernel_regularizer:", dense.losses)

# the variable's own regularizer
dense.kernel.regularizer = regularizers.L2(1.0)
print(
    "after setting layer.kernel.regularizer:", [float(v) for v in dense.losses]
)
# --8<-- [end:built]
penalty_after_variable = float(sum(dense.losses))

# --8<-- [start:frozen]
dense = layers.Dense(
    2, kernel_initializer="ones", kernel_regularizer=regularizers.L2(1.0)
)
dense.build((None, 3))
trainable_penalty = float(sum(dense.losses))
print("trainable:", [float(v) for v in dense.losses])
dense.trainable = False
frozen_losses = len(dense.losses)
print("frozen:   ", dense.losses)
# --8<-- [end:frozen]

# --8<-- [start:l1l2]
weights = keras.ops.ones((10,))
for regularizer in [
    regularizers.L1L2(),
    regularizers.L1L2(l1=0.01),
    regularizers.L1L2(0.01, 0.01),
]:
    print(
        f"{regularizer.get_config()} -> penalty on ten ones = "
        f"{float(regularizer(weights)):.2f}"
    )
# --8<-- [end:l1l2]
l1l2_default_penalty = float(regularizers.L1L2()(weights))
