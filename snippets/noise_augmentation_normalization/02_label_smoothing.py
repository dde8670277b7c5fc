"""Label smoothing: the target it trains towards, and what it does to
confidence."""

import keras
import numpy as np
from keras import layers, losses
from sklearn.datasets import load_digits

keras.utils.set_random_seed(0)

# --8<-- [start:target]
a, classes = 0.1, 4
y = np.array([[0.0, 1.0, 0.0, 0.0]])
p = np.array([[0.1, 0.6, 0.2, 0.1]])
smoothed = y * (1 - a) + a / classes  # what Keras trains towards
with_option = float(losses.CategoricalCrossentropy(label_smoothing=a)(y, p))
by_hand = float(losses.CategoricalCrossentropy()(smoothed, p))
print(f"target with label_smoothing={a}: {smoothed[0].round(3).tolist()}")
print(f"loss with the option {with_option:.6f}, on the smoothed target "
      f"{by_hand:.6f}")
# --8<-- [end:target]
target = smoothed[0].tolist()
smoothing_gap = abs(with_option - by_hand)

# --8<-- [start:sparse]
try:
    losses.SparseCategoricalCrossentropy(label_smoothing=a)
    sparse_accepts = True
except TypeError as error:
    sparse_accepts = False
    print(f"SparseCategoricalCrossentropy: TypeError: {error}")
# with integer labels, smooth their one-hot version instead:
labels = np.array([1])
one_hot = keras.ops.one_hot(labels, classes)
one_hot_loss = losses.CategoricalCrossentropy(label_smoothing=a)(one_hot, p)
print(f"the same loss from the integer label: {float(one_hot_loss):.6f}")
# --8<-- [end:sparse]

# --8<-- [start:effect]
digits = load_digits()
x = (digits.data / 16.0).astype("float32")
onehot = keras.ops.convert_to_numpy(keras.ops.one_hot(digits.target, 10))
n_train = 160  # so few rows that the network overfits
train, test = slice(0, n_train), slice(500, None)
SMOOTHING = 0.2


def fit(smoothing):
    keras.utils.set_random_seed(0)  # the same weights and batches for both
    model = keras.Sequential([keras.Input((64,)),
                              layers.Dense(128, activation="relu"),
                              layers.Dense(10, activation="softmax")])
    model.compile(
        optimizer=keras.optimizers.Adam(1e-2),
        loss=losses.CategoricalCrossentropy(label_smoothing=smoothing),
    )
    model.fit(x[train], onehot[train], epochs=40, batch_size=32, verbose=0)
    p_train = model.predict(x[train], verbose=0)
    p_test = model.predict(x[test], verbose=0)
    y_train, y_test = digits.target[train], digits.target[test]
    return {"confidence": float(p_train.max(1).mean()),
            "train_acc": float((p_train.argmax(1) == y_train).mean()),
            "test_acc": float((p_test.argmax(1) == y_test).mean())}


effect = {"none": fit(0.0), "smoothed": fit(SMOOTHING)}
print("one run each; confidence = mean top probability on training rows")
for name, r in effect.items():
    setting = SMOOTHING if name == "smoothed" else 0
    print(f"  label_smoothing={setting:<3g}: confidence "
          f"{r['confidence']:.3f}, train acc {r['train_acc']:.1%}, "
          f"test acc {r['test_acc']:.1%}")
optimum = 1 - SMOOTHING + SMOOTHING / 10
print(f"  the smoothed target's top value, 1 - a + a / 10 = {optimum:.2f}")
# --8<-- [end:effect]
