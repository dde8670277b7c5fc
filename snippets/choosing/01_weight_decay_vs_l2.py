"""Weight decay versus an L2 penalty, step by step.

With plain SGD, `weight_decay=wd` and an L2 penalty with factor wd / 2 give the
same weights after any number of steps; with momentum or Adam they do not. Also
AdamW, and how to keep biases out of weight decay.
"""

import numpy as np
import keras
from keras import layers, optimizers, regularizers

rng = np.random.default_rng(0)
x = rng.normal(size=(64, 5)).astype("float32")
y = (x @ rng.normal(size=(5, 1)) + 1.0).astype("float32")
STEPS = 25  # full-batch gradient steps


def train(optimizer, l2=0.0, bias_l2=True):
    """Full-batch training from fixed initial weights; returns [kernel,
    bias]."""
    keras.utils.set_random_seed(0)
    penalty = regularizers.L2(l2) if l2 else None
    model = keras.Sequential(
        [
            keras.Input(shape=(5,)),
            layers.Dense(
                1,
                kernel_regularizer=penalty,
                bias_regularizer=penalty if bias_l2 else None,
                bias_initializer="ones",
            ),
        ]
    )
    model.compile(optimizer=optimizer, loss="mse")
    # STEPS full-batch steps as one epoch over STEPS copies of the data: the
    # same updates, without Keras' per-epoch overhead
    model.fit(
        np.tile(x, (STEPS, 1)),
        np.tile(y, (STEPS, 1)),
        batch_size=len(x),
        shuffle=False,
        verbose=0,
    )
    return model.get_weights()


def gap(a, b):
    return float(max(np.max(np.abs(u - v)) for u, v in zip(a, b)))


# --8<-- [start:sgd]
lr, l2 = 0.05, 0.01
with_l2 = train(optimizers.SGD(lr), l2=l2)
with_decay = train(optimizers.SGD(lr, weight_decay=2 * l2))
with_half = train(optimizers.SGD(lr, weight_decay=l2))
sgd_gap, sgd_half_gap = gap(with_l2, with_decay), gap(with_l2, with_half)
print(
    f"SGD, L2({l2}) vs weight_decay={2 * l2}: largest weight difference "
    f"{sgd_gap:.1e}"
)
print(
    f"SGD, L2({l2}) vs weight_decay={l2}:  largest weight difference "
    f"{sgd_half_gap:.1e}"
)
# --8<-- [end:sgd]

# --8<-- [start:others]
momentum_gap = gap(
    train(optimizers.SGD(lr, momentum=0.9), l2=l2),
    train(optimizers.SGD(lr, momentum=0.9, weight_decay=2 * l2)),
)
adam_gap = gap(train(optimizers.Adam(lr), l2=l2),
               train(optimizers.Adam(lr, weight_decay=2 * l2)))
adamw_equals_adam_decay = gap(train(optimizers.AdamW(lr, weight_decay=2 * l2)),
                              train(optimizers.Adam(lr, weight_decay=2 * l2)))
print(f"SGD with momentum 0.9, same pair: {momentum_gap:.1e}")
print(f"Adam, same pair:                  {adam_gap:.1e}")
print(
    f"AdamW(weight_decay={2 * l2}) vs Adam(weight_decay={2 * l2}): "
    f"{adamw_equals_adam_decay:.1e}"
)
print("AdamW default weight_decay:", optimizers.AdamW().weight_decay)
# --8<-- [end:others]
adamw_default = optimizers.AdamW().weight_decay

# --8<-- [start:exclude]
decay_all = optimizers.SGD(lr, weight_decay=2 * l2)
decay_kernels = optimizers.SGD(lr, weight_decay=2 * l2)
decay_kernels.exclude_from_weight_decay(var_names=["bias"])

kernel_only_l2 = train(optimizers.SGD(lr), l2=l2, bias_l2=False)
exclude_gap = gap(kernel_only_l2, train(decay_kernels))
include_gap = gap(kernel_only_l2, train(decay_all))
print(f"L2 on the kernel only vs decay excluding biases: {exclude_gap:.1e}")
print(f"L2 on the kernel only vs decay on every weight:  {include_gap:.1e}")
# --8<-- [end:exclude]

