"""A tale of two models: one memorises its training set, the other generalises.

The digits images that scikit-learn ships (8x8 pixels, 10 classes), 200 of them
for training with a fifth of those labels deliberately wrong, the rest for
validation with correct labels. Model A is big enough to learn every training
label, wrong ones included; Model B is not.
"""
# runner: backends=tensorflow  # tf.data validation (NumPy: +42% time on TF)

import numpy as np
import keras
import matplotlib.pyplot as plt
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

# --8<-- [start:models]
def mlp(hidden):
    keras.utils.set_random_seed(0)
    model = keras.Sequential(
        [keras.Input(shape=(64,))]
        + [layers.Dense(units, activation="relu") for units in hidden]
        + [layers.Dense(10, activation="softmax")]
    )
    model.compile(
        optimizer="adam",
        loss="sparse_categorical_crossentropy",
        metrics=["accuracy"],
    )
    return model


models = {"A: 2 x 512 units": mlp([512, 512]), "B: 1 x 32 units": mlp([32])}
epochs, histories, rows = 60, {}, {}
for name, model in models.items():
    history = model.fit(
        x_order,
        y_order,
        batch_size=32,
        shuffle=False,
        steps_per_epoch=steps,
        epochs=epochs,
        validation_data=val_data,
        validation_steps=1,
        verbose=0,
    )
    histories[name] = history.history
    predicted = model.predict(x_train, verbose=0).argmax(axis=1)
    rows[name] = {
        "params": model.count_params(),
        # against the labels it was given
        "train_acc": float((predicted == y_noisy).mean()),
        "val_acc": history.history["val_accuracy"][-1],
        "memorised": float((predicted[wrong] == y_noisy[wrong]).mean()),
    }
    rows[name]["gap"] = rows[name]["train_acc"] - rows[name]["val_acc"]
# --8<-- [end:models]

# --8<-- [start:table]
print(
    "| model | parameters | train accuracy | validation accuracy | gap | "
    "wrong labels learned |"
)
print("| --- | ---: | ---: | ---: | ---: | ---: |")
for name, r in rows.items():
    print(
        f"| {name} | {r['params']:,} | {r['train_acc']:.3f} | "
        f"{r['val_acc']:.3f} "
        f"| {r['gap']:+.3f} | {r['memorised']:.0%} |"
    )
# --8<-- [end:table]

# --8<-- [start:figure]
fig, (ax_loss, ax_acc) = plt.subplots(1, 2, num="curves", sharex=True)
for index, (name, history) in enumerate(histories.items()):
    color, epoch = f"C{index}", range(1, len(history["loss"]) + 1)
    ax_loss.plot(
        epoch,
        history["loss"],
        color=color,
        linestyle="--",
        label=f"{name}, train",
    )
    ax_loss.plot(
        epoch, history["val_loss"], color=color, label=f"{name}, validation"
    )
    ax_acc.plot(epoch, history["accuracy"], color=color, linestyle="--")
    ax_acc.plot(epoch, history["val_accuracy"], color=color)
ax_loss.set(title="Cross-entropy", xlabel="epoch", ylabel="loss")
ax_acc.set(title="Accuracy", xlabel="epoch", ylabel="accuracy")
ax_loss.xaxis.set_major_locator(plt.MaxNLocator(integer=True))  # whole epochs
ax_loss.legend()
plt.show()
# --8<-- [end:figure]

a, b = rows.values()
n_wrong = len(wrong)
best_epoch_a = int(np.argmin(histories["A: 2 x 512 units"]["val_loss"])) + 1
