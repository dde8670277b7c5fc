"""Exercise: choose an L2 factor on validation accuracy, with several seeds.

The kernel chapter's task (60 features, 6 informative, 150 training rows), three L2 factors,
three seeds each (initial weights and data order), mean and spread of validation accuracy.
"""

import numpy as np
import keras
import tensorflow as tf
from keras import layers, regularizers
from sklearn.datasets import make_classification
from sklearn.model_selection import train_test_split

features, labels = make_classification(n_samples=900, n_features=60, n_informative=6,
                                       n_redundant=0, flip_y=0.05, random_state=0)
x_train, x_val, y_train, y_val = train_test_split(
    features.astype("float32"), labels.astype("float32").reshape(-1, 1),
    train_size=150, random_state=0, stratify=labels)

# --8<-- [start:sweep]
factors, seeds, epochs = (0.0, 1e-3, 1e-2), (0, 1, 2), 30


def val_accuracy(factor, seed):
    keras.utils.set_random_seed(seed)  # initial weights and data order
    penalty = regularizers.L2(factor) if factor else None
    model = keras.Sequential([keras.Input(shape=(60,)),
                              layers.Dense(64, activation="relu", kernel_regularizer=penalty),
                              layers.Dense(1, activation="sigmoid", kernel_regularizer=penalty)])
    model.compile(optimizer=keras.optimizers.Adam(2e-3), loss="binary_crossentropy",
                  metrics=["accuracy"])
    data = tf.data.Dataset.from_tensor_slices((x_train, y_train)).shuffle(150, seed=seed)
    model.fit(data.batch(30).repeat(), steps_per_epoch=5, epochs=epochs, verbose=0)
    return model.evaluate(x_val, y_val, verbose=0, return_dict=True)["accuracy"]


n_factors, n_seeds = len(factors), len(seeds)
labels = {f: (f"{f:.0e}".replace("e-0", "e-") if f else "0") for f in factors}  # "1e-3"
scores = {labels[f]: [val_accuracy(f, s) for s in seeds] for f in factors}
summary = {f: {"mean": float(np.mean(a)), "min": float(np.min(a)), "max": float(np.max(a))}
           for f, a in scores.items()}
for f, s in summary.items():
    print(f"L2({f}): validation accuracy mean {s['mean']:.3f} over {len(seeds)} seeds "
          f"(min {s['min']:.3f}, max {s['max']:.3f})")
best = max(summary, key=lambda f: summary[f]["mean"])
runner_up = sorted(summary, key=lambda f: summary[f]["mean"])[-2]
separated = summary[best]["min"] > summary[runner_up]["max"]  # ranges do not overlap
best_mean = summary[best]["mean"]
print(f"best factor: {best}; its range and the runner-up's ({runner_up}) do not overlap: {separated}")
# --8<-- [end:sweep]
