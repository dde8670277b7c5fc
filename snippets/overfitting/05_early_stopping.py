"""Early stopping: what EarlyStopping monitors by default, when it stops, what
it restores.

Model A of the two-model example (2 x 512 units, noisy digits) with
`EarlyStopping(patience=10, restore_best_weights=True)`.
"""

import numpy as np
import keras
import matplotlib.pyplot as plt
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
steps = -(-n_train // 32)  # batches per epoch
# --8<-- [end:data]

# --8<-- [start:callback]
keras.utils.set_random_seed(0)
model = keras.Sequential([
    keras.Input(shape=(64,)),
    layers.Dense(512, activation="relu"),
    layers.Dense(512, activation="relu"),
    layers.Dense(10, activation="softmax"),
])
model.compile(
    optimizer="adam",
    loss="sparse_categorical_crossentropy",
    metrics=["accuracy"],
)

max_epochs = 60
stopper = keras.callbacks.EarlyStopping(patience=10, restore_best_weights=True)
print("monitor:", stopper.monitor, "| patience:", stopper.patience)
history = model.fit(
    x_order,
    y_order,
    batch_size=32,
    shuffle=False,
    steps_per_epoch=steps,
    epochs=max_epochs,
    callbacks=[stopper],
    validation_data=(x_val, y_val),
    validation_batch_size=len(x_val),  # one batch
    verbose=0,
)
# --8<-- [end:callback]
monitor = stopper.monitor

# --8<-- [start:result]
epochs_run = len(history.history["loss"])
best_epoch = stopper.best_epoch + 1  # the callback counts from 0
restored = model.evaluate(x_val, y_val, verbose=0, return_dict=True)
last_epoch_val_acc = history.history["val_accuracy"][-1]
print(
    f"trained {epochs_run} epochs; best val_loss {stopper.best:.4f} at epoch "
    f"{best_epoch}"
)
print(f"validation accuracy at the last epoch run: {last_epoch_val_acc:.3f}")
print(
    f"validation accuracy after restoring epoch {best_epoch}: "
    f"{restored['accuracy']:.3f}"
)
# --8<-- [end:result]
restored_val_acc = restored["accuracy"]
best_val_loss = stopper.best

# --8<-- [start:figure]
fig, ax = plt.subplots(num="early-stopping", figsize=(6.0, 4.2))
ax.plot(
    range(1, epochs_run + 1),
    history.history["loss"],
    "--",
    label="training loss",
)
ax.plot(
    range(1, epochs_run + 1),
    history.history["val_loss"],
    label="validation loss",
)
ax.axvline(
    best_epoch,
    color="C2",
    linestyle=":",
    label=f"best epoch ({best_epoch}), restored",
)
ax.axvline(
    epochs_run,
    color="C5",
    linestyle="-.",
    label=f"stopped after epoch {epochs_run}",
)
ax.set(
    xlabel="epoch", ylabel="cross-entropy", title="EarlyStopping(patience=10)"
)
ax.xaxis.set_major_locator(plt.MaxNLocator(integer=True))  # whole epochs
fig.legend(loc="outside lower center")  # below the plot, clear of both lines
plt.show()
# --8<-- [end:figure]
