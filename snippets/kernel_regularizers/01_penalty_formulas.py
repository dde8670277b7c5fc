"""L1, L2 and L1L2 penalties: the formulas Keras computes, checked by hand.

Calls each built-in regularizer on a tensor and compares the result with the
formula, including the example many tutorials start from (a weight of 10 with
an L1 factor of 0.1).
"""

import numpy as np
from keras import regularizers

# --8<-- [start:single]
weight = np.array([10.0], dtype="float32")

l1_penalty = float(regularizers.L1(0.1)(weight))  # 0.1 * |10|
l2_penalty = float(regularizers.L2(0.1)(weight))  # 0.1 * 10**2
l1l2_penalty = float(regularizers.L1L2(l1=0.1, l2=0.1)(weight))

print(f"L1(0.1)   on w = 10: {l1_penalty:g}")
print(f"L2(0.1)   on w = 10: {l2_penalty:g}")
print(f"L1L2(0.1, 0.1) on w = 10: {l1l2_penalty:g}")
# --8<-- [end:single]

# --8<-- [start:matrix]
kernel = np.array([[0.5, -1.0, 0.0], [2.0, 0.25, -0.75]], dtype="float32")

by_keras = {
    "L1(0.01)": float(regularizers.L1(0.01)(kernel)),
    "L2(0.01)": float(regularizers.L2(0.01)(kernel)),
    "L1L2(0.01, 0.01)": float(regularizers.L1L2(0.01, 0.01)(kernel)),
}
by_hand = {
    "L1(0.01)": 0.01 * np.abs(kernel).sum(),
    "L2(0.01)": 0.01 * np.square(kernel).sum(),
    "L1L2(0.01, 0.01)": 0.01 * np.abs(kernel).sum()
    + 0.01 * np.square(kernel).sum(),
}
for name, value in by_keras.items():
    print(f"{name:17} Keras = {value:.6f}   formula = {by_hand[name]:.6f}")
# --8<-- [end:matrix]
max_formula_error = max(abs(by_keras[k] - by_hand[k]) for k in by_keras)

# --8<-- [start:defaults]
defaults = {
    "L1()": regularizers.L1().get_config(),
    "L2()": regularizers.L2().get_config(),
    "L1L2()": regularizers.L1L2().get_config(),
}
for name, config in defaults.items():
    print(f"{name:7} -> {config}")
# --8<-- [end:defaults]
default_l1 = defaults["L1()"]["l1"]
default_l2 = defaults["L2()"]["l2"]
default_l1l2 = defaults["L1L2()"]
