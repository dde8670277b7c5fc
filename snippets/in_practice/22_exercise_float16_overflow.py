"""Exercise: from which activation size does a float16 L2 activity penalty
overflow?

`L2(factor)` on n units that all hold the value a computes factor * n * a**2,
in the dtype of its input; float16 cannot hold anything above 65504.
"""

import numpy as np
import keras
from keras import regularizers

# --8<-- [start:scan]
factor, units = 1e-2, 128
float16_max = float(np.finfo(np.float16).max)
regularizer = regularizers.L2(factor)


def penalty(value, dtype):
    return float(regularizer(keras.ops.full((1, units), value, dtype=dtype)))


values = np.arange(1.0, 300.0, 0.5)
first_inf = next(a for a in values if not np.isfinite(penalty(a, "float16")))
# a**2 itself overflows beyond this
largest_square = float(np.sqrt(float16_max))
# sum of n squares overflows beyond this
largest_sum = float(np.sqrt(float16_max / units))
print(f"float16 max: {float16_max:g}")
print(
    f"sum of {units} squares overflows from a = {largest_sum:.1f} (predicted)"
)
print(f"first value whose float16 penalty is inf: a = {first_inf:g}")
print(f"the same in float32: {penalty(first_inf, 'float32'):.1f}")
# --8<-- [end:scan]
