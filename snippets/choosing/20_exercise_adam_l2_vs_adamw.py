"""Exercise: one Adam step with an L2 penalty, one AdamW step, on a small and a
large weight.

With no data gradient, the only force is the penalty (through Adam) or the
decay (AdamW): how far does each move a weight of 0.1 and a weight of 10?
"""

import numpy as np
import keras
from keras import optimizers

# --8<-- [start:step]
lr, l2 = 1e-2, 1e-2
start = np.array([0.1, 10.0], dtype="float32")
start_values = start.tolist()


def one_step(optimizer, penalty_factor):
    weight = keras.Variable(start)
    # the gradient of L2(penalty_factor) alone
    gradient = keras.ops.multiply(2 * penalty_factor, weight)
    optimizer.apply_gradients([(gradient, weight)])
    return keras.ops.convert_to_numpy(weight)


adam_l2 = one_step(optimizers.Adam(lr), l2)
adamw = one_step(optimizers.AdamW(lr, weight_decay=2 * l2), 0.0)
moves = {
    "adam_l2": (start - adam_l2).tolist(),
    "adamw": (start - adamw).tolist(),
}
for name, move in moves.items():
    print(
        f"{name:7}: weight 0.1 moves by {move[0]:.2e}, weight 10 moves by "
        f"{move[1]:.2e}"
    )
# --8<-- [end:step]
