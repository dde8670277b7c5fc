"""Loss versus metric: what `loss` and `val_loss` contain when a model has a
penalty.

The noisy-digits task of the two-model example, with an L2 kernel penalty on
the hidden layer and the cross-entropy compiled a second time as a metric.
"""
# runner: backends=tensorflow  # tf.data validation (NumPy: +54% time on TF)

import numpy as np
import keras
import tensorflow as tf
from keras import layers, regularizers
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split

# --8<-- [start:data]
n_train, noise = 200, 0.2
digits = load_digits()
x = (digits.data / 16.0).astype("float32")  # 64 pixel intensities in [0, 1]
x_train, x_val, y_train, y_val = train_test_split(
    x,
    digits.target,
    train_size=n_train,
    random_state=0,
    stratify=digits.target,
)
rng = np.random.default_rng(0)
wrong = rng.choice(n_train, size=int(noise * n_train), replace=False)
y_noisy = y_train.copy()
# never the true label
y_noisy[wrong] = (y_noisy[wrong] + rng.integers(1, 10, size=len(wrong))) % 10

# one batch order, the same for every model
shuffler = np.random.default_rng(0)
order = np.concatenate([shuffler.permutation(n_train) for _ in range(80)])
x_order, y_order = x_train[order], y_noisy[order]
val_data = tf.data.Dataset.from_tensors((x_val, y_val)).repeat()
steps = -(-n_train // 32)  # batches per epoch
# --8<-- [end:data]

# --8<-- [start:train]
keras.utils.set_random_seed(0)
model = keras.Sequential(
    [
        keras.Input(shape=(64,)),
        layers.Dense(
            128, activation="relu", kernel_regularizer=regularizers.L2(1e-3)
        ),
        layers.Dense(10, activation="softmax"),
    ]
)
model.compile(
    optimizer="adam",
    loss="sparse_categorical_crossentropy",
    metrics=[
        "accuracy",
        keras.metrics.SparseCategoricalCrossentropy(name="ce"),
    ],
)
history = model.fit(
    x_order,
    y_order,
    batch_size=32,
    shuffle=False,
    steps_per_epoch=steps,
    epochs=30,
    validation_data=val_data,
    validation_steps=1,
    verbose=0,
)
last = {name: values[-1] for name, values in history.history.items()}
penalty = float(sum(model.losses))

for name in ["loss", "ce", "val_loss", "val_ce", "val_accuracy"]:
    print(f"{name:13} {last[name]:.4f}")
print(f"penalty now  {penalty:.4f}")
print(f"val_loss - val_ce = {last['val_loss'] - last['val_ce']:.4f}")
print(
    f"loss - ce         = {last['loss'] - last['ce']:.4f}  (averaged over the "
    "epoch's steps)"
)
# --8<-- [end:train]
val_gap = last["val_loss"] - last["val_ce"]
train_gap = last["loss"] - last["ce"]
penalty_share = penalty / last["val_loss"]
