"""L2 as a Gaussian prior, L1 as a Laplace prior: Keras' loss is a scaled
negative log posterior.

On a small logistic regression, N times Keras' loss (mean cross-entropy +
penalty) differs from minus the log posterior by a constant exactly when the
prior's scale is sigma^2 = 1/(2 N lambda) (L2) or b = 1/(N lambda) (L1), and
training with Keras lands on the maximum a posteriori weights.
"""

# runner: backends=tensorflow,jax  # training; the mechanics run on PyTorch too

import numpy as np
import keras
from keras import layers, optimizers, regularizers
from scipy import stats


def keras_model(regularizer):
    keras.utils.set_random_seed(0)
    model = keras.Sequential(
        [
            keras.Input(shape=(n_features,)),
            layers.Dense(
                1,
                activation="sigmoid",
                use_bias=False,
                kernel_regularizer=regularizer,
            ),
        ]
    )
    model.compile(
        optimizer=optimizers.Adam(
            optimizers.schedules.ExponentialDecay(0.05, 200, 0.5)
        ),
        loss="binary_crossentropy",
    )
    return model


def log_likelihood(w):
    logits = x.astype("float64") @ w
    # sum of log p(y_i | x_i, w)
    return float(np.sum(y[:, 0] * logits - np.logaddexp(0, logits)))


def map_weights(name, sigma2, b):
    """Maximum a posteriori weights in float64: Newton for Gaussian, proximal
    gradient for Laplace."""
    xd, yd, w = (
        x.astype("float64"),
        y[:, 0].astype("float64"),
        np.zeros(n_features),
    )
    if name == "L2":
        for _ in range(50):
            p = 1 / (1 + np.exp(-xd @ w))
            gradient = xd.T @ (p - yd) + w / sigma2
            hessian = (
                xd.T @ (xd * (p * (1 - p))[:, None])
                + np.eye(n_features) / sigma2
            )
            w -= np.linalg.solve(hessian, gradient)
        return w
    # 1 / Lipschitz constant of the gradient
    step = 4 / np.linalg.eigvalsh(xd.T @ xd).max()
    for _ in range(5000):
        w = w - step * xd.T @ (1 / (1 + np.exp(-xd @ w)) - yd)
        # proximal step of |w| / b
        w = np.sign(w) * np.maximum(np.abs(w) - step / b, 0)
    return w


# --8<-- [start:data]
rng = np.random.default_rng(0)
n_rows, n_features = 200, 5
x = rng.normal(size=(n_rows, n_features)).astype("float32")
true_w = np.array([1.5, -1.0, 0.5, 0.0, 0.0])
y = (
    (rng.random(n_rows) < 1 / (1 + np.exp(-x @ true_w)))
    .astype("float32")
    .reshape(-1, 1)
)
# --8<-- [end:data]

# --8<-- [start:priors]
lam = 0.01  # the factor passed to L2(...) and to L1(...)
sigma2 = 1 / (2 * n_rows * lam)  # Gaussian prior variance that L2(lam) encodes
b = 1 / (n_rows * lam)  # Laplace prior scale that L1(lam) encodes
priors = {
    "L2": (
        regularizers.L2(lam),
        lambda w, s2=sigma2: stats.norm.logpdf(w, scale=np.sqrt(s2)).sum(),
    ),
    "L1": (
        regularizers.L1(lam),
        lambda w, scale=b: stats.laplace.logpdf(w, scale=scale).sum(),
    ),
}
# Two tempting mistakes: the textbook variance of a penalty (lam / 2) *
# sum(w^2), and forgetting N.
wrong_scale = {"L2": 1 / (n_rows * lam), "L1": 1 / lam}
print(
    f"N = {n_rows}, lambda = {lam}: Gaussian variance sigma^2 = {sigma2:g}, "
    f"Laplace scale b = {b:g}"
)
# --8<-- [end:priors]

# --8<-- [start:identity]
# N * (Keras loss) + log posterior must be the same number for every w (it is
# -log p(D) + const).
probe = rng.normal(size=(6, n_features))
spread, spread_wrong = {}, {}
for name, (regularizer, log_prior) in priors.items():
    model = keras_model(regularizer)
    offsets, offsets_wrong = [], []
    for w in probe:
        model.layers[0].kernel.assign(w.reshape(-1, 1).astype("float32"))
        keras_loss = model.evaluate(x, y, batch_size=n_rows, verbose=0)
        offsets.append(n_rows * keras_loss + log_likelihood(w) + log_prior(w))
        offsets_wrong.append(
            n_rows * keras_loss
            + log_likelihood(w)
            + log_prior(w, wrong_scale[name])
        )
    spread[name] = float(np.ptp(offsets))
    spread_wrong[name] = float(np.ptp(offsets_wrong))
    print(
        f"{name}: N * loss + log posterior varies by {spread[name]:.1e} over "
        f"{len(probe)} weight "
        f"vectors (with the wrong scale {wrong_scale[name]:g}: "
        f"{spread_wrong[name]:.1f})"
    )
# --8<-- [end:identity]


# --8<-- [start:map]
# full-batch steps: the rows repeated, one epoch, in a fixed order
repeats = 1500
agreement = {}
for name, (regularizer, _) in priors.items():
    model = keras_model(regularizer)
    model.fit(
        np.tile(x, (repeats, 1)),
        np.tile(y, (repeats, 1)),
        batch_size=n_rows,
        shuffle=False,
        verbose=0,
    )
    trained = model.layers[0].kernel.numpy()[:, 0]
    w_map = map_weights(name, sigma2, b) + 0.0  # + 0.0 turns -0.0 into 0.0
    agreement[name] = {
        "keras": trained.round(4).tolist(),
        "map": w_map.round(4).tolist(),
        "max_difference": float(np.max(np.abs(trained - w_map))),
        "map_zeros": int(np.sum(w_map == 0)),
        "keras_zeros": int(np.sum(trained == 0)),
    }
    print(
        f"{name}  Keras-trained w: "
        f"{np.array2string(trained, precision=4, suppress_small=True)}"
    )
    print(
        f"{name}  MAP w (NumPy):   "
        f"{np.array2string(w_map, precision=4, suppress_small=True)}"
        f"   largest difference {agreement[name]['max_difference']:.1e}"
    )
# --8<-- [end:map]
