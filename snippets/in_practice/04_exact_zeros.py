"""L1 did not give exact zeros: why, and how to get a truly sparse first layer.

Trains a small classifier with an L1 kernel penalty (60 features, 6
informative), then sets small weights to exactly zero at several thresholds and
measures what that costs.
"""

import numpy as np
import keras
from keras import layers, regularizers
from sklearn.datasets import make_classification
from sklearn.model_selection import train_test_split

x, y = make_classification(
    n_samples=900,
    n_features=60,
    n_informative=6,
    n_redundant=0,
    flip_y=0.05,
    random_state=0,
)
x_train, x_val, y_train, y_val = train_test_split(
    x.astype("float32"),
    y.astype("float32"),
    train_size=150,
    random_state=0,
    stratify=y,
)
# a new batch order every epoch, fixed by a seed
shuffler = np.random.default_rng(0)
order = np.concatenate([shuffler.permutation(150) for _ in range(60)])
x_order, y_order = x_train[order], y_train[order]

# --8<-- [start:train]
keras.utils.set_random_seed(1)
model = keras.Sequential(
    [
        keras.Input(shape=(60,)),
        layers.Dense(
            64,
            activation="relu",
            kernel_regularizer=regularizers.L1(1e-3),
            name="hidden",
        ),
        layers.Dense(
            1, activation="sigmoid", kernel_regularizer=regularizers.L1(1e-3)
        ),
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
kernel = keras.ops.convert_to_numpy(model.get_layer("hidden").kernel)
print(
    f"exact zeros after training: {int((kernel == 0).sum())} of "
    f"{kernel.size}; "
    f"smallest |w|: {np.abs(kernel).min():.1e}"
)
# --8<-- [end:train]
exact_zeros_after_training = int((kernel == 0).sum())


# --8<-- [start:threshold]
def accuracy():
    return model.evaluate(x_val, y_val, verbose=0, return_dict=True)[
        "accuracy"
    ]


trained = model.get_layer("hidden").get_weights()
results = {}
for threshold in [0.0, 1e-3, 1e-2, 3e-2, 1e-1]:
    pruned = np.where(np.abs(trained[0]) < threshold, 0.0, trained[0])
    model.get_layer("hidden").set_weights([pruned, trained[1]])
    zeros = int((pruned == 0).sum())
    unused_inputs = int((np.abs(pruned).sum(axis=1) == 0).sum())
    # "1e-3"
    key = "0" if threshold == 0 else f"{threshold:.0e}".replace("e-0", "e-")
    results[key] = {
        "zeros": zeros,
        "unused_inputs": unused_inputs,
        "val_acc": accuracy(),
    }
    print(
        f"|w| < {threshold:<6g}-> 0: {zeros:4} zeros "
        f"({zeros / pruned.size:.0%}), "
        f"{unused_inputs:2} of 60 inputs unused, validation accuracy "
        f"{results[key]['val_acc']:.3f}"
    )
# --8<-- [end:threshold]
