"""Exercise: a group penalty that switches whole inputs off, against
element-wise L1.

Element-wise L1 pulls each weight to zero on its own; a group-lasso penalty on
the rows of the first kernel (one row per input feature) pulls a whole row, so
an input is either used or not.
"""

import numpy as np
import keras
from keras import layers, ops, regularizers
from sklearn.datasets import make_classification
from sklearn.model_selection import train_test_split

# shuffle=False keeps the informative features in the first columns, so we can
# check which inputs were switched off
n_features, n_informative, n_train = 60, 6, 150
features, labels = make_classification(
    n_samples=900,
    n_features=n_features,
    n_informative=n_informative,
    n_redundant=0,
    flip_y=0.05,
    class_sep=1.0,
    shuffle=False,
    random_state=0,
)
x_train, x_val, y_train, y_val = train_test_split(
    features.astype("float32"), labels.astype("float32").reshape(-1, 1),
    train_size=n_train, random_state=0, stratify=labels,
)
# one batch order, the same for every model
shuffler = np.random.default_rng(0)
order = np.concatenate([shuffler.permutation(n_train) for _ in range(80)])
x_order, y_order = x_train[order], y_train[order]


# --8<-- [start:penalty]
class GroupLasso(regularizers.Regularizer):
    """factor * sum over rows of the row's Euclidean norm (one row per
    input)."""

    def __init__(self, factor):
        self.factor = factor

    def __call__(self, kernel):
        # no NaN gradient at 0
        row_norms = ops.sqrt(ops.sum(ops.square(kernel), axis=1) + 1e-12)
        return self.factor * ops.sum(row_norms)

    def get_config(self):
        return {"factor": self.factor}
# --8<-- [end:penalty]


# --8<-- [start:compare]
hidden_units, off_below = 64, 1e-2
variants = {
    "L1(1e-3)": regularizers.L1(1e-3),
    "L1(1e-2)": regularizers.L1(1e-2),
    "GroupLasso(5e-2)": GroupLasso(5e-2),
}
results = {}
for name, regularizer in variants.items():
    keras.utils.set_random_seed(1)
    model = keras.Sequential(
        [
            keras.Input(shape=(n_features,)),
            layers.Dense(
                hidden_units,
                activation="relu",
                kernel_regularizer=regularizer,
                name="hidden",
            ),
            layers.Dense(1, activation="sigmoid"),
        ]
    )
    model.compile(
        optimizer=keras.optimizers.Adam(2e-3),
        loss="binary_crossentropy",
        metrics=["accuracy"],
    )
    model.fit(
        x_order,
        y_order,
        batch_size=30,
        shuffle=False,
        steps_per_epoch=5,
        epochs=60,
        verbose=0,
    )
    # one row per input
    kernel = np.abs(model.get_layer("hidden").kernel.numpy())
    # every weight of the input's row is negligible
    off = kernel.max(axis=1) < off_below
    results[name] = {
        "near_zero_weights": float((kernel < 1e-3).mean()),
        "inputs_off": int(off.sum()),
        "noise_inputs_off": int(off[n_informative:].sum()),
        "informative_inputs_off": int(off[:n_informative].sum()),
        "val_acc": model.evaluate(x_val, y_val, verbose=0, return_dict=True)[
            "accuracy"
        ],
    }
    r = results[name]
    print(
        f"{name:16}: weights below 1e-3: {r['near_zero_weights']:.0%}; inputs "
        "off: "
        f"{r['noise_inputs_off']} of {n_features - n_informative} noise, "
        f"{r['informative_inputs_off']} of {n_informative} informative; "
        f"validation accuracy {r['val_acc']:.3f}"
    )
# --8<-- [end:compare]
l1, l1_strong, group = results.values()
n_noise = n_features - n_informative
