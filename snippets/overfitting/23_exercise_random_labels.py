"""Exercise: can Model A learn labels that carry no information at all?

Model A on the training images of the noisy-digits task, but with every label
replaced by a random digit: its training accuracy over the epochs, and its
validation accuracy.
"""

import numpy as np
import keras
from keras import layers
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split

n_train = 200
digits = load_digits()
x = (digits.data / 16.0).astype("float32")
x_train, x_val, y_train, y_val = train_test_split(
    x,
    digits.target,
    train_size=n_train,
    random_state=0,
    stratify=digits.target,
)

# --8<-- [start:random]
# no link to the images
y_random = np.random.default_rng(1).integers(0, 10, size=n_train)
agree_by_chance = float((y_random == y_train).mean())

keras.utils.set_random_seed(0)
model = keras.Sequential([keras.Input(shape=(64,)),
                          layers.Dense(512, activation="relu"),
                          layers.Dense(512, activation="relu"),
                          layers.Dense(10, activation="softmax")])
model.compile(
    optimizer="adam",
    loss="sparse_categorical_crossentropy",
    metrics=["accuracy"],
)
epochs = 100
# a fixed batch order, enough for every epoch
shuffler = np.random.default_rng(0)
order = np.concatenate([shuffler.permutation(n_train) for _ in range(120)])
history = model.fit(
    x_train[order],
    y_random[order],
    batch_size=32,
    shuffle=False,
    steps_per_epoch=-(-n_train // 32),
    epochs=epochs,
    verbose=0,
).history

train_acc = float(
    (model.predict(x_train, verbose=0).argmax(1) == y_random).mean()
)
val_acc = float((model.predict(x_val, verbose=0).argmax(1) == y_val).mean())
curve = history["accuracy"]
first_perfect = next(
    (e for e, acc in enumerate(curve, start=1) if acc == 1.0), None
)
for epoch in (1, 10, 25, 50, epochs):
    print(
        f"epoch {epoch:3d}: training accuracy on the random labels "
        f"{curve[epoch - 1]:.2f}"
    )
print("first epoch with every random label fitted:", first_perfect)
print(f"after training: {train_acc:.3f} on the random training labels, "
      f"{val_acc:.3f} on the true validation labels")
# --8<-- [end:random]
