"""Exercise: does Keras's weight decay follow the learning rate?

Keras applies `weight_decay` as `w -= learning_rate * weight_decay * w` at each
step, so the per-step shrink changes with the learning rate (and with any
schedule on it).
"""

import numpy as np
import keras
from keras import optimizers

# --8<-- [start:shrink]
weight_decay, steps = 0.1, 10
shrink = {}
for lr in (1e-2, 1e-3):
    weight = keras.Variable(np.ones(3, dtype="float32"))
    optimizer = optimizers.SGD(learning_rate=lr, weight_decay=weight_decay)
    for _ in range(steps):
        # decay only
        optimizer.apply_gradients([(keras.ops.zeros(3), weight)])
    # "1e-2": no dot, so the page can name it
    key = f"{lr:.0e}".replace("e-0", "e-")
    measured = float(keras.ops.convert_to_numpy(weight)[0])
    shrink[key] = {"lr": lr, "measured": measured,
                   "formula": float((1 - lr * weight_decay) ** steps)}
    print(
        f"learning rate {lr:g}: after {steps} steps w = "
        f"{shrink[key]['measured']:.6f} "
        f"(formula (1 - lr * wd)^steps = {shrink[key]['formula']:.6f})"
    )
# --8<-- [end:shrink]
