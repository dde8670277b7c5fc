"""What an activity regularizer penalises: the layer's output, after its
activation.

Computes the penalty Keras records for a Dense layer, checks it against the
formula, and recomputes a claim often repeated in tutorials (an activation of
20 with an L2 factor of 0.05).
"""

import numpy as np
from keras import initializers, layers, ops, regularizers, utils

utils.set_random_seed(0)  # the same initial weights on every run

# --8<-- [start:after_activation]
dense = layers.Dense(
    2,
    activation="relu",
    use_bias=False,
    kernel_initializer=initializers.Constant([[1.0, -1.0]]),
    activity_regularizer=regularizers.L2(1.0),
)
x = np.array([[3.0]], dtype="float32")
output = dense(x)  # pre-activation [3, -3]; after relu [3, 0]

penalty = float(dense.losses[0])
print("output:", ops.convert_to_numpy(output).tolist())
print("penalty:", penalty)
print(
    "L2 of the output (after relu):",
    float(np.sum(ops.convert_to_numpy(output) ** 2)),
)
print(
    "L2 of the pre-activation:     ",
    float(np.sum((x @ np.array([[1.0, -1.0]])) ** 2)),
)
# --8<-- [end:after_activation]

# --8<-- [start:formula]
rng = np.random.default_rng(0)
batch = rng.normal(size=(5, 3)).astype("float32")
layer = layers.Dense(
    4,
    activation="tanh",
    activity_regularizer=regularizers.L1L2(l1=0.01, l2=0.02),
)
activations = ops.convert_to_numpy(layer(batch))

by_keras = float(layer.losses[0])
by_hand = (
    0.01 * np.abs(activations).sum() + 0.02 * np.square(activations).sum()
) / len(batch)
print(f"Keras: {by_keras:.6f}   formula: {by_hand:.6f}")
# --8<-- [end:formula]
formula_error = abs(by_keras - float(by_hand))

# --8<-- [start:seed]
# the claim: a penalty of 2
claim_factor, claim_activation, article_says = 0.05, 20.0, 2.0
regularizer = regularizers.L2(claim_factor)
# a batch of one row, one unit
one_activation = np.array([[claim_activation]], dtype="float32")
seed_penalty = float(regularizer(one_activation))
print(
    f"L2({claim_factor:g}) on an activation of {claim_activation:g}: "
    f"{seed_penalty:g} "
    f"(the claim: {article_says:g})"
)

probe = layers.ActivityRegularization(l2=claim_factor)
probe(one_activation)
print(f"as an activity penalty, batch of one: {float(probe.losses[0]):g}")
# --8<-- [end:seed]
seed_activity_penalty = float(probe.losses[0])
claim_ratio = seed_penalty / article_says
