"""Exercise: a penalty that does not grow with the layer.

The built-in L2 sums over every weight, so a wider layer pays more for the same
typical weight; a custom regularizer that takes the mean instead pays the same
at any width.
"""

import keras
from keras import ops, regularizers


# --8<-- [start:mean]
@keras.saving.register_keras_serializable(package="exercises")
class MeanL2(regularizers.Regularizer):
    """factor * mean(w**2): the size of the tensor no longer matters."""

    def __init__(self, factor=0.01):
        self.factor = factor

    def __call__(self, weights):
        return self.factor * ops.mean(ops.square(weights))

    def get_config(self):
        return {"factor": self.factor}


penalties = {}
for units in (16, 64, 256):
    # the same typical weight at every width
    weights = 0.1 * ops.ones((32, units))
    penalties[units] = {"sum": float(regularizers.L2(0.01)(weights)),
                        "mean": float(MeanL2(0.01)(weights))}
    print(f"32 x {units:3d} kernel: L2 (sum) {penalties[units]['sum']:.4f}, "
          f"MeanL2 {penalties[units]['mean']:.6f}")
# --8<-- [end:mean]
