"""Constraints versus penalties on the same network: MaxNorm, UnitNorm, NonNeg
and an L2 sweep.

A penalty is the Lagrangian of a constraint: the L2 factor that matches
MaxNorm(c) is the Lagrange multiplier of the constraint ||w|| <= c, read off
the constrained weights and found again by a sweep. Same initial weights and
the same batch order for every variant.
"""

import numpy as np
import keras
from keras import constraints, layers, optimizers, regularizers

# --8<-- [start:setup]
rng = np.random.default_rng(0)
n_rows, n_features = 256, 10
x = rng.normal(size=(n_rows, n_features)).astype("float32")
true_w = np.array([2.0, -1.5, 1.0, -0.5, 0.8, 0.0, 0.0, -1.0, 0.5, 0.3])
y = (
    (x @ true_w + rng.normal(scale=0.5, size=n_rows))
    .astype("float32")
    .reshape(-1, 1)
)
# one fixed batch order
order = np.concatenate([rng.permutation(n_rows) for _ in range(20)])
x_order, y_order = x[order], y[order]


def train(**argument):
    """Dense(1) without bias, same initial weights and batches for every
    variant; returns w."""
    keras.utils.set_random_seed(0)
    model = keras.Sequential([keras.Input(shape=(n_features,)),
                              layers.Dense(1, use_bias=False, **argument)])
    model.compile(optimizer=optimizers.SGD(0.05), loss="mse")
    # 160 steps
    model.fit(x_order, y_order, batch_size=32, shuffle=False, verbose=0)
    return model.layers[0].kernel.numpy()[:, 0].astype("float64")


def data_mse(w):
    return float(np.mean((x @ w - y[:, 0]) ** 2))
# --8<-- [end:setup]

# --8<-- [start:variants]
c, l2_factor = 2.0, 0.1
variants = {
    "none": {},
    f"MaxNorm({c:g})": {"kernel_constraint": constraints.MaxNorm(c)},
    "UnitNorm()": {"kernel_constraint": constraints.UnitNorm()},
    "NonNeg()": {"kernel_constraint": constraints.NonNeg()},
    f"L2({l2_factor:g})": {"kernel_regularizer": regularizers.L2(l2_factor)},
}
weights, table = {}, {}
print(
    "| variant | kernel norm | negative weights | exact zeros | data MSE | "
    "loss (MSE + penalty) |"
)
print("| --- | ---: | ---: | ---: | ---: | ---: |")
for name, argument in variants.items():
    w = weights[name] = train(**argument)
    table[name] = {
        "norm": float(np.linalg.norm(w)),
        "negative": int(np.sum(w < 0)),
        "zeros": int(np.sum(w == 0)),
        "mse": data_mse(w),
        "loss": data_mse(w)
        + (
            l2_factor * float(w @ w) if "kernel_regularizer" in argument else 0
        ),
    }
    r = table[name]
    print(
        f"| {name} | {r['norm']:.3f} | {r['negative']} | {r['zeros']} | "
        f"{r['mse']:.3f} | {r['loss']:.3f} |"
    )
# --8<-- [end:variants]

# --8<-- [start:lagrangian]
# At the constrained optimum, grad L(w_c) + 2 mu w_c = 0: mu is the L2 factor
# with the same minimum.
w_c = weights[f"MaxNorm({c:g})"]
# gradient of the mean squared error
gradient = 2 / n_rows * x.T.astype("float64") @ (x @ w_c - y[:, 0])
multiplier = float(-gradient @ w_c / (2 * w_c @ w_c))
alignment = float(
    -gradient @ w_c / (np.linalg.norm(gradient) * np.linalg.norm(w_c))
)
print(f"Lagrange multiplier of ||w|| <= {c:g}: mu = {multiplier:.3f} "
      f"(cosine between -gradient and w: {alignment:.4f})")

factors = np.logspace(-1.5, 0.5, 9)
norms = [
    float(np.linalg.norm(train(kernel_regularizer=regularizers.L2(f))))
    for f in factors
]
for f, norm in zip(factors, norms):
    print(f"L2({f:.3f}): kernel norm {norm:.3f}")
# norms fall as f grows
swept = float(np.exp(np.interp(c, norms[::-1], np.log(factors[::-1]))))
w_matched = train(kernel_regularizer=regularizers.L2(multiplier))
matched_gap = float(np.max(np.abs(w_matched - w_c)))
print(
    f"L2 factor with kernel norm {c:g}: {swept:.3f} from the sweep, "
    f"{multiplier:.3f} from mu; "
    f"L2({multiplier:.3f}) weights differ from MaxNorm's by at most "
    f"{matched_gap:.3f}"
)
# --8<-- [end:lagrangian]
summary = {
    "none": table["none"],
    "maxnorm": table[f"MaxNorm({c:g})"],
    "unitnorm": table["UnitNorm()"],
    "nonneg": table["NonNeg()"],
    "l2": table[f"L2({l2_factor:g})"],
}
true_negative = int(np.sum(true_w < 0))
