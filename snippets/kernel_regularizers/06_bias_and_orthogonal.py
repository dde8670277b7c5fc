"""bias_regularizer, and OrthogonalRegularizer: its formula checked by hand,
and its limits."""

import numpy as np
import keras
from keras import layers, regularizers

keras.utils.set_random_seed(0)

# --8<-- [start:bias]
dense = layers.Dense(
    2,
    kernel_initializer="ones",
    bias_initializer=keras.initializers.Constant(3.0),
    kernel_regularizer=regularizers.L2(0.01),
    bias_regularizer=regularizers.L1(0.5),
)
dense.build((None, 4))
kernel_penalty, bias_penalty = (float(v) for v in dense.losses)
print(f"kernel: L2(0.01) * sum(1**2 over 8 weights) = {kernel_penalty:g}")
print(f"bias:   L1(0.5)  * sum(|3| over 2 biases)   = {bias_penalty:g}")
# --8<-- [end:bias]

# --8<-- [start:orthogonal]
kernel = np.random.default_rng(0).normal(size=(4, 3)).astype("float32")
regularizer = regularizers.OrthogonalRegularizer(factor=0.1, mode="rows")
by_keras = float(regularizer(kernel))

rows = kernel / np.linalg.norm(kernel, axis=1, keepdims=True)
cosines = rows @ rows.T
pairs = np.triu_indices(len(rows), k=1)  # each pair of distinct rows once
by_hand = 0.1 * np.abs(cosines[pairs]).mean()
print(f"OrthogonalRegularizer(0.1) = {by_keras:.6f}")
print(
    f"0.1 * mean |cos(row_i, row_j)| over {len(pairs[0])} pairs = "
    f"{by_hand:.6f}"
)

orthonormal_rows = np.linalg.qr(np.random.default_rng(1).normal(size=(3, 3)))[
    0
]
print(
    "on orthonormal rows: "
    f"{float(regularizer(orthonormal_rows.astype('float32'))):.1e}"
)
# --8<-- [end:orthogonal]
orthogonal_keras = by_keras
orthogonal_by_hand = float(by_hand)

# --8<-- [start:limits]
conv = layers.Conv2D(
    8, 3, kernel_regularizer=regularizers.OrthogonalRegularizer(0.1)
)
# builds fine: the penalty is computed only when asked for
conv.build((None, 16, 16, 3))
try:
    conv.losses
except ValueError as error:
    conv_error = str(error)
print("Conv2D kernel (rank 4):", conv_error)
# --8<-- [end:limits]
