"""Exercise: which epoch does EarlyStopping restore, as a function of its
patience?

Model A on the noisy digits, trained once for the full run; the callback's rule
(stop after `patience` epochs without improvement, restore the best epoch seen)
replayed on the recorded validation losses for every patience, and checked
against the real callback for one of them.
"""
# runner: backends=tensorflow  # tf.data validation (NumPy: +90% time on TF)

import numpy as np
import keras
import tensorflow as tf
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
steps = -(-n_train // 32)


# the batch order of the chapter's snippets
shuffler = np.random.default_rng(0)
order = np.concatenate([shuffler.permutation(n_train) for _ in range(80)])
x_order, y_order = x_train[order], y_noisy[order]
val_data = tf.data.Dataset.from_tensors((x_val, y_val)).repeat()


def model_a():
    keras.utils.set_random_seed(0)
    model = keras.Sequential([keras.Input(shape=(64,)),
                              layers.Dense(512, activation="relu"),
                              layers.Dense(512, activation="relu"),
                              layers.Dense(10, activation="softmax")])
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
    return model


def fit(model, epochs, callbacks=()):
    return model.fit(
        x_order,
        y_order,
        batch_size=32,
        shuffle=False,
        steps_per_epoch=steps,
        epochs=epochs,
        validation_data=val_data,
        validation_steps=1,
        callbacks=list(callbacks),
        verbose=0,
    ).history["val_loss"]


# --8<-- [start:replay]
max_epochs = 60
val_loss = fit(model_a(), max_epochs)
best_epoch_overall = int(np.argmin(val_loss)) + 1


def early_stopping(losses, patience):
    """(epochs run, epoch restored), counted from 1, as EarlyStopping decides
    them."""
    best, best_epoch, wait = np.inf, 0, 0
    for epoch, loss in enumerate(losses, start=1):
        if loss < best:
            best, best_epoch, wait = loss, epoch, 0
        else:
            wait += 1
            if wait >= patience:
                return epoch, best_epoch
    return len(losses), best_epoch


print(
    f"lowest val_loss of all {max_epochs} epochs: epoch {best_epoch_overall}"
)
restored = {}
for patience in (1, 2, 5, 10, 15, 20, 30):
    run, restored[patience] = early_stopping(val_loss, patience)
    print(
        f"patience {patience:2d}: stops after epoch {run:2d}, restores epoch "
        f"{restored[patience]:2d}"
    )
smallest_patience_for_best = next(
    p
    for p in range(1, max_epochs)
    if early_stopping(val_loss, p)[1] == best_epoch_overall
)
print(
    "smallest patience that reaches the overall best epoch:",
    smallest_patience_for_best,
)
# --8<-- [end:replay]

# --8<-- [start:check]
checked_patience = 10
stopper = keras.callbacks.EarlyStopping(
    patience=checked_patience, restore_best_weights=True
)
real_losses = fit(model_a(), max_epochs, [stopper])
real = (len(real_losses), stopper.best_epoch + 1)
print(
    f"the real callback, patience {checked_patience}: stops after epoch "
    f"{real[0]}, "
    f"restores epoch {real[1]}"
)
replay_matches_callback = real == early_stopping(val_loss, checked_patience)
# --8<-- [end:check]
