"""Exercise: count the parameters of Models A and B by hand.

A `Dense` layer with n inputs and m units holds an n x m kernel and m biases;
the sum over the layers must match what Keras counts.
"""

import keras
from keras import layers

n_inputs, n_classes = 64, 10
hidden = {"A": [512, 512], "B": [32]}


# --8<-- [start:count]
def by_hand(widths):
    sizes = [n_inputs, *widths, n_classes]
    # kernel + biases
    return sum(n * m + m for n, m in zip(sizes[:-1], sizes[1:]))


def by_keras(widths):
    model = keras.Sequential(
        [keras.Input(shape=(n_inputs,))]
        + [layers.Dense(w, activation="relu") for w in widths]
        + [layers.Dense(n_classes, activation="softmax")]
    )
    return model.count_params()


counts = {}
for name, widths in hidden.items():
    counts[name] = {"by_hand": by_hand(widths), "keras": by_keras(widths)}
    print(f"Model {name} {widths}: by hand {counts[name]['by_hand']:,}, "
          f"Keras {counts[name]['keras']:,}")
ratio = counts["A"]["keras"] / counts["B"]["keras"]
print(f"A has {ratio:.0f} times as many parameters as B")
# --8<-- [end:count]
