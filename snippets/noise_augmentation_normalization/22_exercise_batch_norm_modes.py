"""Exercise: one image, alone and in a batch, through BatchNormalization."""

import keras
import numpy as np
from keras import layers
from sklearn.datasets import load_digits

keras.utils.set_random_seed(0)
digits = load_digits()
x = (digits.data / 16.0).astype("float32")
model = keras.Sequential([keras.Input((64,)), layers.Dense(32),
                          layers.BatchNormalization(),
                          layers.Dense(10, activation="softmax")])
model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
model.fit(x[:1000], digits.target[:1000], epochs=5, batch_size=32,
          verbose=0)

image, others = x[1000:1001], x[1001:1100]
gaps = {}
for training in (False, True):
    alone = keras.ops.convert_to_numpy(model(image, training=training))
    batch = np.concatenate([image, others])
    in_batch = keras.ops.convert_to_numpy(model(batch, training=training))
    gaps[str(training)] = float(np.abs(alone[0] - in_batch[0]).max())
    print(f"training={training!s:5}: largest change of the image's "
          f"probabilities, alone vs in a batch of {len(batch)}: "
          f"{gaps[str(training)]:.2e}")
