"""Early stopping as an approximate L2 penalty, on a linear model.

Gradient descent on the mean squared error from w = 0, stopped after t steps of
learning rate eta, lands close to the minimum of the same loss plus L2(1 / (2 t
eta)): far closer than to the unregularized least-squares solution it is
heading for.
"""

import numpy as np
import keras
import matplotlib.pyplot as plt
from keras import layers, optimizers

# --8<-- [start:data]
rng = np.random.default_rng(0)
n_rows, n_features = 60, 20
# features of very different sizes: a spread of curvatures
scales = np.logspace(0, -1.5, n_features)
x = (rng.normal(size=(n_rows, n_features)) * scales).astype("float32")
y = (
    x @ rng.normal(size=(n_features, 1))
    + rng.normal(scale=0.5, size=(n_rows, 1))
).astype("float32")
xd, yd = x.astype("float64"), y.astype("float64")
# where gradient descent is heading
w_ls = np.linalg.lstsq(xd, yd, rcond=None)[0]


def ridge(lam):
    """The minimum of Keras' loss mean((x @ w - y)^2) + lam * sum(w^2)."""
    return np.linalg.solve(
        xd.T @ xd + n_rows * lam * np.eye(n_features), xd.T @ yd
    )


# --8<-- [end:data]


# --8<-- [start:descent]
eta = 0.2
keras.utils.set_random_seed(0)
model = keras.Sequential(
    [
        keras.Input(shape=(n_features,)),
        layers.Dense(1, use_bias=False, kernel_initializer="zeros"),
    ]
)
model.compile(optimizer=optimizers.SGD(eta), loss="mse")
checkpoints = [3, 10, 30, 100, 300, 1000, 3000]
rows, done = [], 0
for t in checkpoints:
    model.fit(
        np.tile(x, (t - done, 1)),
        np.tile(y, (t - done, 1)),
        batch_size=n_rows,
        shuffle=False,
        verbose=0,
    )  # t - done more full-batch steps
    done = t
    w_t = model.layers[0].kernel.numpy().astype("float64")
    lam = 1 / (2 * t * eta)
    size = np.linalg.norm(w_ls)
    # the L2 factor whose weights come closest to w_t
    grid = lam * np.logspace(-1, 1, 201)
    closest = grid[np.argmin([np.linalg.norm(w_t - ridge(g)) for g in grid])]
    rows.append({"t": t, "lam": lam, "closest_over_lam": float(closest / lam),
                 "to_ridge": float(np.linalg.norm(w_t - ridge(lam)) / size),
                 "to_least_squares": float(np.linalg.norm(w_t - w_ls) / size)})
    print(
        f"t = {t:4}  lambda = 1/(2 t eta) = {lam:.2e}   distance to "
        "L2(lambda) weights "
        f"{rows[-1]['to_ridge']:.3f}, to least squares "
        f"{rows[-1]['to_least_squares']:.3f}; "
        f"closest L2 factor {rows[-1]['closest_over_lam']:.2f} lambda"
    )
# --8<-- [end:descent]

# --8<-- [start:eigen]
# eigenvalues of the Hessian of the MSE
curvatures = np.linalg.eigvalsh(2 / n_rows * xd.T @ xd)
t = 100
lam = 1 / (2 * t * eta)
# share of w_ls reached along each eigenvector
descent_factor = 1 - (1 - eta * curvatures) ** t
ridge_factor = curvatures / (curvatures + 2 * lam)
factor_gap = float(np.max(np.abs(descent_factor - ridge_factor)))
print(
    f"curvatures from {curvatures.min():.1e} to {curvatures.max():.2f}; eta * "
    "largest = "
    f"{eta * curvatures.max():.2f}"
)
print(f"t = {t}: per-direction factors differ by at most {factor_gap:.3f}")
# --8<-- [end:eigen]

fig, ax = plt.subplots(num="early-stopping-as-l2")
ax.plot(
    checkpoints,
    [r["to_least_squares"] for r in rows],
    "o-",
    label="to the least-squares weights",
)
ax.plot(
    checkpoints,
    [r["to_ridge"] for r in rows],
    "s-",
    label="to the L2 weights, lambda = 1/(2 t eta)",
)
ax.set(
    xscale="log",
    xlabel="gradient steps t",
    ylabel="relative distance",
    title="Distance to two references",
)
fig.legend(loc="outside lower center")  # below the plot, clear of both lines
distances = {str(r["t"]): r for r in rows}
worst_ratio = max(r["to_ridge"] / r["to_least_squares"] for r in rows)
max_to_ridge = max(r["to_ridge"] for r in rows)
closest_range = [
    min(r["closest_over_lam"] for r in rows),
    max(r["closest_over_lam"] for r in rows),
]
