"""Dropout: what the layer does in training and in inference, and what it does
to Model A.

First the mechanics on a tensor of ones, then Model A of the two-model example
with `Dropout(0.5)` after each hidden layer, on the same noisy digits.
"""
# runner: backends=tensorflow  # tf.data validation (NumPy: +87% time on TF)

import numpy as np
import keras
import tensorflow as tf
from keras import layers
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

# --8<-- [start:mechanics]
dropout = layers.Dropout(rate=0.5, seed=0)
ones = np.ones((1, 10_000), dtype="float32")

at_inference = keras.ops.convert_to_numpy(dropout(ones, training=False))
in_training = keras.ops.convert_to_numpy(dropout(ones, training=True))
kept = in_training[in_training != 0]
print("training=False: all ones?", bool((at_inference == 1).all()))
print(f"training=True: zeroed {np.mean(in_training == 0):.1%}, "
      f"survivors = {np.unique(kept)}, mean = {in_training.mean():.3f}")
# --8<-- [end:mechanics]
inference_identity = bool((at_inference == 1).all())
zeroed_share = float(np.mean(in_training == 0))
survivor_value = float(np.unique(kept)[0])

# --8<-- [start:model]
keras.utils.set_random_seed(0)
model = keras.Sequential([
    keras.Input(shape=(64,)),
    layers.Dense(512, activation="relu"),
    layers.Dropout(0.5),
    layers.Dense(512, activation="relu"),
    layers.Dropout(0.5),
    layers.Dense(10, activation="softmax"),
])
model.compile(
    optimizer="adam",
    loss="sparse_categorical_crossentropy",
    metrics=["accuracy"],
)
history = model.fit(
    x_order,
    y_order,
    batch_size=32,
    shuffle=False,
    steps_per_epoch=steps,
    epochs=60,
    validation_data=val_data,
    validation_steps=1,
    verbose=0,
)

# predict(): dropout off
predicted = model.predict(x_train, verbose=0).argmax(axis=1)
train_acc = float((predicted == y_noisy).mean())
val_acc = history.history["val_accuracy"][-1]
memorised = float((predicted[wrong] == y_noisy[wrong]).mean())
print(f"train accuracy {train_acc:.3f}, validation accuracy {val_acc:.3f}, "
      f"wrong labels learned {memorised:.0%}")
# --8<-- [end:model]
