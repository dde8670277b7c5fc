"""The Random* preprocessing layers as augmentation, on the digits images."""

import keras
import matplotlib.pyplot as plt
import numpy as np
from keras import layers
from sklearn.datasets import load_digits

keras.utils.set_random_seed(0)

# --8<-- [start:layers]
images = (load_digits().images / 16.0).astype("float32")[..., None]
augment = {  # fill with 0, the digits' background
    "translation": layers.RandomTranslation(0.125, 0.125, fill_mode="constant",
                                            seed=0),
    "rotation": layers.RandomRotation(0.05, fill_mode="constant", seed=0),
    "zoom": layers.RandomZoom(0.2, fill_mode="constant", seed=0),
}
same = np.repeat(images[:1], 200, axis=0)  # one image, 200 times
changes = {}
for name, layer in augment.items():
    off = keras.ops.convert_to_numpy(layer(same, training=False))
    on = keras.ops.convert_to_numpy(layer(same, training=True))
    distinct = len({row.tobytes() for row in on.round(4)})
    changes[name] = {"inference_unchanged": bool(np.array_equal(off, same)),
                     "distinct": distinct,
                     "mean_change": float(np.abs(on - same).mean())}
    print(f"{type(layer).__name__:17} training=False unchanged: "
          f"{changes[name]['inference_unchanged']}; training=True: "
          f"{distinct} distinct images of 200 copies")
# --8<-- [end:layers]

# --8<-- [start:model]
model = keras.Sequential([keras.Input((8, 8, 1)),
                          augment["translation"],
                          layers.Flatten(),
                          layers.Dense(10, activation="softmax")])
predict_twice = [model.predict(same[:8], verbose=0) for _ in range(2)]
predict_stable = bool(np.array_equal(*predict_twice))
print(f"predict() twice, same outputs (no augmentation): {predict_stable}")
# --8<-- [end:model]

fig, axes = plt.subplots(3, 6, num="augmented", figsize=(6.4, 3.4))
for row, (name, layer) in zip(axes, augment.items()):
    shown = keras.ops.convert_to_numpy(layer(same[:5], training=True))
    for ax, image in zip(row, [same[0], *shown]):
        ax.imshow(image[..., 0], cmap="gray_r", vmin=0, vmax=1)
        ax.set_xticks([])
        ax.set_yticks([])
    row[0].set_ylabel(name)
axes[0, 0].set_title("original")
fig.suptitle("Five draws of each layer")
