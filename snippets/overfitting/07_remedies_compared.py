# runner: timeout=300
"""Model A, early stopping, dropout and Model B compared on held-out test
images, five seeds.

Each seed draws its own split (training images with a fifth of their labels
wrong, validation images, test images) and fixes the initial weights and the
batch order; the four variants of a seed share all three, so their differences
are paired.
"""
# runner: backends=tensorflow  # experiment: too slow to run on two backends

import keras
import numpy as np
from keras import layers
from scipy import stats
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split

# --8<-- [start:setup]
SEEDS, EPOCHS, BATCH = range(5), 40, 25
n_train, n_val, noise = 200, 500, 0.2
digits = load_digits()
x = (digits.data / 16.0).astype("float32")
y = digits.target


def split(seed):
    """Training rows with noisy labels, and clean validation and test rows."""
    rest, train = train_test_split(np.arange(len(y)), test_size=n_train,
                                   random_state=seed, stratify=y)
    val, test = train_test_split(
        rest, train_size=n_val, random_state=seed, stratify=y[rest]
    )
    rng = np.random.default_rng(seed)
    y_train = y[train].copy()
    wrong = rng.choice(n_train, size=int(noise * n_train), replace=False)
    y_train[wrong] = (y_train[wrong] + rng.integers(1, 10, len(wrong))) % 10
    order = np.concatenate([rng.permutation(n_train) for _ in range(EPOCHS)])
    return (
        x[train][order],
        y_train[order],
        (x[val], y[val]),
        (x[test], y[test]),
    )


def model(hidden, rate, seed):
    # the same initial weights for A, early stopping, dropout
    keras.utils.set_random_seed(seed)
    stack = [keras.Input(shape=(64,))]
    for units in hidden:
        stack += [layers.Dense(units, activation="relu"), layers.Dropout(rate)]
    net = keras.Sequential([*stack, layers.Dense(10, activation="softmax")])
    net.compile(optimizer="adam", loss="sparse_categorical_crossentropy",
                metrics=["accuracy"], steps_per_execution=n_train // BATCH)
    return net


VARIANTS = {  # name: (hidden layers, dropout rate, early stopping)
    "A": ([512, 512], 0.0, False),
    "A + early stopping": ([512, 512], 0.0, True),
    "A + dropout 0.5": ([512, 512], 0.5, False),
    "B": ([32], 0.0, False),
}
# --8<-- [end:setup]

# --8<-- [start:run]
test_acc = {name: [] for name in VARIANTS}
for seed in SEEDS:
    x_order, y_order, val, (x_test, y_test) = split(seed)
    for name, (hidden, rate, stop) in VARIANTS.items():
        net = model(hidden, rate, seed)
        stopper = keras.callbacks.EarlyStopping(
            patience=10, restore_best_weights=True
        )
        net.fit(
            x_order,
            y_order,
            batch_size=BATCH,
            epochs=EPOCHS,
            shuffle=False,
            steps_per_epoch=n_train // BATCH,
            verbose=0,
            validation_data=val if stop else None,
            validation_batch_size=n_val,  # one step per check
            callbacks=[stopper] if stop else [],
        )
        # test accuracy from one eager forward pass (evaluate() would compile
        # a test step for each of the 20 networks)
        scores = keras.ops.convert_to_numpy(net(x_test))
        predicted = scores.argmax(axis=1)
        test_acc[name].append(float(np.mean(predicted == y_test)))


def paired(a, b):
    """Mean of a - b over seeds and its 95% t-interval (sample standard
    deviation)."""
    d = np.subtract(a, b)
    half = stats.t.ppf(0.975, len(d) - 1) * d.std(ddof=1) / np.sqrt(len(d))
    return {"mean": d.mean(), "low": d.mean() - half, "high": d.mean() + half}


print(
    "| variant | test accuracy (mean) | difference from A, pp [95% interval] |"
)
print("| --- | ---: | ---: |")
versus_a = {}
for name, accuracies in test_acc.items():
    cell = ""
    if name != "A":
        d = versus_a[name] = paired(accuracies, test_acc["A"])
        cell = (
            f"{100 * d['mean']:+.2f} "
            f"[{100 * d['low']:+.2f}, {100 * d['high']:+.2f}]"
        )
    print(f"| {name} | {np.mean(accuracies):.1%} | {cell} |")

stop_vs_drop = paired(
    test_acc["A + early stopping"], test_acc["A + dropout 0.5"]
)
print(f"early stopping - dropout: {100 * stop_vs_drop['mean']:+.2f} pp "
      f"[{100 * stop_vs_drop['low']:+.2f}, {100 * stop_vs_drop['high']:+.2f}]")
# --8<-- [end:run]

names = {
    "A + early stopping": "early_stopping",
    "A + dropout 0.5": "dropout",
    "B": "model_b",
}
verdicts = {names[name]: "better" if d["low"] > 0 else "worse" if d["high"] < 0
            else "not detectably different" for name, d in versus_a.items()}
ranked = sorted(versus_a, key=lambda name: -versus_a[name]["mean"])
versus_a = {
    name: {k: float(v) for k, v in d.items()} for name, d in versus_a.items()
}
stop_vs_drop = {k: float(v) for k, v in stop_vs_drop.items()}
stop_vs_drop_verdict = (
    "better than"
    if stop_vs_drop["low"] > 0
    else "worse than"
    if stop_vs_drop["high"] < 0
    else "not detectably different from"
)
mean_acc = {name: float(np.mean(a)) for name, a in test_acc.items()}
seeds = len(SEEDS)
