"""Exercise: does the network learn the correct labels before it memorises the
wrong ones?

Model A on the noisy digits; after each epoch, its accuracy on the training
images whose label is correct and on those whose label was replaced, each
against the label it was given.
"""

import numpy as np
import keras
from keras import layers
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split

n_train, noise = 200, 0.2
digits = load_digits()
x = (digits.data / 16.0).astype("float32")
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
y_noisy[wrong] = (y_noisy[wrong] + rng.integers(1, 10, size=len(wrong))) % 10
clean = np.setdiff1d(np.arange(n_train), wrong)
steps = -(-n_train // 32)

# --8<-- [start:track]
keras.utils.set_random_seed(0)
model = keras.Sequential([keras.Input(shape=(64,)),
                          layers.Dense(512, activation="relu"),
                          layers.Dense(512, activation="relu"),
                          layers.Dense(10, activation="softmax")])
model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
curves = {"clean": [], "wrong": []}


class Track(keras.callbacks.Callback):
    def on_epoch_end(self, epoch, logs=None):
        scores = self.model(x_train, training=False)
        predicted = np.argmax(keras.ops.convert_to_numpy(scores), axis=1)
        hits = predicted == y_noisy  # against the labels the model was given
        curves["clean"].append(float(hits[clean].mean()))
        curves["wrong"].append(float(hits[wrong].mean()))


epochs = 60
# the batch order of the chapter's snippets
shuffler = np.random.default_rng(0)
order = np.concatenate([shuffler.permutation(n_train) for _ in range(80)])
model.fit(
    x_train[order],
    y_noisy[order],
    batch_size=32,
    shuffle=False,
    steps_per_epoch=steps,
    epochs=epochs,
    callbacks=[Track()],
    verbose=0,
)


def first_epoch(curve, level):
    return next(
        (e for e, acc in enumerate(curve, start=1) if acc >= level), None
    )


clean_level, wrong_level = 0.9, 0.5
clean_90 = first_epoch(curves["clean"], clean_level)
wrong_50 = first_epoch(curves["wrong"], wrong_level)
print(f"correct labels fitted to {clean_level:.0%}: epoch {clean_90}")
print(f"wrong labels memorised to {wrong_level:.0%}: epoch {wrong_50}")
for epoch in (1, 5, 10, 20, 40, epochs):
    print(
        f"epoch {epoch:2d}: correct labels {curves['clean'][epoch - 1]:.2f}, "
        f"wrong labels {curves['wrong'][epoch - 1]:.2f}"
    )
# --8<-- [end:track]
