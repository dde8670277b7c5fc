"""How the L2 factor should scale with the number of rows, and how weight decay
follows the learning rate.

Keras averages the data loss over the batch and adds the penalty once, so the
best L2 factor on validation data falls like 1/N; and Keras' decoupled weight
decay shrinks a weight by (1 - lr * wd) per step, so at a fixed `weight_decay`
the learning rate sets how much it decays.
"""

import numpy as np
import keras
import matplotlib.pyplot as plt
from keras import layers, optimizers, regularizers

# --8<-- [start:objective]
# y = x @ w + noise, w ~ N(0, prior_var)
noise_var, prior_var, n_features = 4.0, 0.25, 20


def keras_ridge(x, y, lam):
    """The minimum of Keras' loss mean((x @ w - y)^2) + lam * sum(w^2), in
    closed form."""
    return np.linalg.solve(
        x.T @ x + len(x) * lam * np.eye(x.shape[1]), x.T @ y
    )


rng = np.random.default_rng(0)
x = rng.normal(size=(100, n_features)).astype("float32")
y = (x @ rng.normal(scale=np.sqrt(prior_var), size=(n_features, 1))
     + rng.normal(scale=np.sqrt(noise_var), size=(100, 1))).astype("float32")
lam_check, sgd_steps = 0.1, 300
keras.utils.set_random_seed(0)
model = keras.Sequential(
    [
        keras.Input(shape=(n_features,)),
        layers.Dense(
            1, use_bias=False, kernel_regularizer=regularizers.L2(lam_check)
        ),
    ]
)
model.compile(optimizer=optimizers.SGD(0.2), loss="mse")
model.fit(
    np.tile(x, (sgd_steps, 1)),
    np.tile(y, (sgd_steps, 1)),
    batch_size=len(x),
    shuffle=False,
    verbose=0,
)  # sgd_steps full-batch steps
closed_form_gap = float(
    np.max(
        np.abs(model.layers[0].kernel.numpy() - keras_ridge(x, y, lam_check))
    )
)
print(
    f"L2({lam_check:g}), Keras fit ({sgd_steps} full-batch SGD steps) vs "
    "closed form: "
    f"largest difference {closed_form_gap:.1e}"
)
# --8<-- [end:objective]

# --8<-- [start:rows]
lams = np.logspace(-4, 1, 51)
rows, datasets = (100, 300, 1000), 40
val_mse, best = {}, {}
for n in rows:
    curve = np.zeros_like(lams)
    # average over datasets drawn from the same prior
    for seed in range(datasets):
        r = np.random.default_rng(seed)
        w_true = r.normal(scale=np.sqrt(prior_var), size=n_features)
        x_all = r.normal(size=(n + 2000, n_features))
        y_all = x_all @ w_true + r.normal(
            scale=np.sqrt(noise_var), size=n + 2000
        )
        x_tr, y_tr, x_val, y_val = x_all[:n], y_all[:n], x_all[n:], y_all[n:]
        curve += [
            np.mean((x_val @ keras_ridge(x_tr, y_tr, lam) - y_val) ** 2)
            for lam in lams
        ]
    val_mse[n] = curve / datasets
    best[n] = float(lams[np.argmin(val_mse[n])])
    print(
        f"N = {n:4}: best L2 factor {best[n]:.3f}, N * factor = "
        f"{n * best[n]:.1f} "
        f"(prior view: noise_var / prior_var = {noise_var / prior_var:g})"
    )
# --8<-- [end:rows]

# --8<-- [start:same_factor]
def excess(n, lam):
    """How much more error above the noise floor (noise_var) lam gives for N =
    n than the best factor."""
    # the part of the validation MSE that a model can change
    reducible = val_mse[n] - noise_var
    return float(
        reducible[int(np.argmin(np.abs(lams - lam)))] / reducible.min() - 1
    )


small, large = rows[0], rows[-1]
over, under = excess(large, best[small]), excess(small, best[large])
print(
    f"L2({best[small]:.3f}), best for {small} rows, on {large} rows: "
    f"error above the noise floor {100 * over:.0f}% higher than with the best "
    "factor"
)
print(
    f"L2({best[large]:.3f}), best for {large} rows, on {small} rows: "
    f"error above the noise floor {100 * under:.0f}% higher than with the "
    "best factor"
)
# --8<-- [end:same_factor]

# --8<-- [start:decay]
steps = 200
xd = rng.normal(size=(steps * 16, 4)).astype("float32")
# the fourth input is always zero: its weight gets no data gradient, only decay
xd[:, 3] = 0
yd = (xd[:, :3] @ np.array([[1.0], [-2.0], [0.5]])).astype("float32")


def decayed(lr, weight_decay):
    """The fourth weight after `steps` AdamW steps, starting from 1."""
    keras.utils.set_random_seed(0)
    net = keras.Sequential(
        [
            keras.Input(shape=(4,)),
            layers.Dense(1, use_bias=False, kernel_initializer="ones"),
        ]
    )
    net.compile(
        optimizer=optimizers.AdamW(lr, weight_decay=weight_decay), loss="mse"
    )
    # one epoch of `steps` batches
    net.fit(xd, yd, batch_size=16, shuffle=False, verbose=0)
    return float(net.layers[0].kernel.numpy()[3, 0])


learning_rates, fixed_wd, fixed_product = (1e-3, 1e-2, 1e-1), 0.5, 5e-3
shrink = {"fixed_wd": [(lr, fixed_wd) for lr in learning_rates],
          "fixed_product": [(lr, fixed_product / lr) for lr in learning_rates]}
for label, pairs in shrink.items():
    for index, (lr, wd) in enumerate(pairs):
        measured, formula = decayed(lr, wd), (1 - lr * wd) ** steps
        pairs[index] = {
            "lr": lr,
            "wd": wd,
            "measured": measured,
            "formula": formula,
        }
        print(
            f"{label:13} lr {lr:<6g} weight_decay {wd:<5g}: w = "
            f"{measured:.4g} "
            f"(formula (1 - lr * wd)^{steps} = {formula:.4g})"
        )
# --8<-- [end:decay]

fig, ax = plt.subplots(num="factor-vs-rows")
for index, n in enumerate(rows):
    ax.plot(lams, val_mse[n], color=f"C{index}", label=f"N = {n}")
    ax.plot(best[n], val_mse[n].min(), "o", color=f"C{index}")
ax.set(
    xscale="log",
    xlabel="L2 factor",
    ylabel=f"validation MSE (mean of {datasets} datasets)",
    title="Best factor (dots) against rows",
)
ax.legend()
summary = {
    str(n): {"best": best[n], "n_times_best": n * best[n]} for n in rows
}
prior_ratio = noise_var / prior_var
