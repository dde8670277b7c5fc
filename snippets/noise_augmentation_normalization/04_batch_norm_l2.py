"""L2 before batch norm: no limit on the function, a change of step size."""
# runner: backends=tensorflow  # tf.GradientTape

import keras
import matplotlib.pyplot as plt
import numpy as np
import tensorflow as tf  # for the gradient: this snippet needs TensorFlow
from keras import layers, regularizers
from sklearn.datasets import load_digits

keras.utils.set_random_seed(0)
digits = load_digits()
x = (digits.data / 16.0).astype("float32")
y = digits.target

# --8<-- [start:invariance]
dense = layers.Dense(32, use_bias=False)
norm = layers.BatchNormalization(epsilon=1e-6)  # see below for the default
batch = x[:256]
out = keras.ops.convert_to_numpy(norm(dense(batch), training=True))
kernel = dense.kernel.numpy()
invariance = {}
for scale in (0.5, 2.0, 10.0):
    dense.kernel.assign(kernel * scale)
    scaled = keras.ops.convert_to_numpy(norm(dense(batch), training=True))
    invariance[f"{scale:g}"] = {
        "max_output_change": float(np.abs(scaled - out).max()),
        "penalty_ratio": float(np.sum((kernel * scale) ** 2)
                               / np.sum(kernel**2))}
    print(f"kernel x {scale:4g}: L2 penalty x {scale**2:6g}, "
          f"largest output change {np.abs(scaled - out).max():.1e}")
dense.kernel.assign(kernel)

default = layers.BatchNormalization()  # epsilon=1e-3 added to the variance
before = keras.ops.convert_to_numpy(default(dense(batch), training=True))
dense.kernel.assign(kernel * 0.5)
after = keras.ops.convert_to_numpy(default(dense(batch), training=True))
dense.kernel.assign(kernel)
default_change = float(np.abs(after - before).max())
print(f"with the default epsilon, kernel x 0.5: largest output change "
      f"{default_change:.1e}")
# --8<-- [end:invariance]

# --8<-- [start:gradient]
target = keras.ops.one_hot(y[:256], 32)
grad_norm, alignment = {}, {}
for scale in (1.0, 10.0):
    dense.kernel.assign(kernel * scale)
    with tf.GradientTape() as tape:
        z = norm(dense(batch), training=True)
        loss = keras.ops.mean(keras.ops.square(z - target))
    g = tape.gradient(loss, dense.kernel).numpy()
    grad_norm[f"{scale:g}"] = float(np.linalg.norm(g))
    w = dense.kernel.numpy()
    alignment[f"{scale:g}"] = float(
        np.sum(g * w) / (np.linalg.norm(g) * np.linalg.norm(w)))
dense.kernel.assign(kernel)
gradient_ratio = grad_norm["10"] / grad_norm["1"]
print(f"gradient norm with kernel x 10 / with kernel x 1: "
      f"{gradient_ratio:.4f}")
print(f"cosine(gradient, kernel): {alignment['1']:+.1e} (orthogonal)")
# --8<-- [end:gradient]

# --8<-- [start:training]
EPOCHS, LR, FACTOR = 20, 0.1, 1e-2
train, test = slice(0, 1000), slice(1000, None)


class Track(keras.callbacks.Callback):
    """After each epoch: the first kernel's norm, and its angle to the
    kernel of the epoch before (the step in direction, in degrees)."""

    def on_train_begin(self, logs=None):
        self.last = self.model.layers[0].kernel.numpy().ravel()
        self.norms, self.angles = [np.linalg.norm(self.last)], []

    def on_epoch_end(self, epoch, logs=None):
        w = self.model.layers[0].kernel.numpy().ravel()
        cos = w @ self.last / (np.linalg.norm(w) * np.linalg.norm(self.last))
        self.angles.append(float(np.degrees(np.arccos(min(cos, 1.0)))))
        self.norms.append(float(np.linalg.norm(w)))
        self.last = w


def run(factor):
    keras.utils.set_random_seed(0)  # the same weights and batches for both
    model = keras.Sequential([
        keras.Input((64,)),
        layers.Dense(64, use_bias=False,
                     kernel_regularizer=regularizers.L2(factor)),
        layers.BatchNormalization(),
        layers.Activation("relu"),
        layers.Dense(10, activation="softmax")])
    model.compile(optimizer=keras.optimizers.SGD(LR),
                  loss="sparse_categorical_crossentropy")
    track = Track()
    model.fit(x[train], y[train], epochs=EPOCHS, batch_size=32, verbose=0,
              callbacks=[track])
    p = model.predict(x[test], verbose=0)
    return {"norms": track.norms, "angles": track.angles,
            "test_acc": float((p.argmax(1) == y[test]).mean())}


runs = {"none": run(0.0), "l2": run(FACTOR)}
labels = {"none": "without L2", "l2": f"with L2({FACTOR:g})"}
print("one run each, plain SGD, learning rate", LR)
for name, r in runs.items():
    print(f"  {labels[name]:14} kernel norm {r['norms'][0]:.2f} -> "
          f"{r['norms'][-1]:.2f}; step per epoch {r['angles'][0]:.2f} -> "
          f"{r['angles'][-1]:.2f} degrees; test acc {r['test_acc']:.1%}")
# --8<-- [end:training]
final_norm = {n: runs[n]["norms"][-1] for n in runs}
final_angle = {n: float(np.mean(runs[n]["angles"][-5:])) for n in runs}
effective_lr = {n: LR / runs[n]["norms"][-1] ** 2 for n in runs}

fig, (left, right) = plt.subplots(1, 2, num="effective-step",
                                  figsize=(7.2, 3.0))
for index, (name, r) in enumerate(runs.items()):
    left.plot(range(EPOCHS + 1), r["norms"], color=f"C{index}",
              label=labels[name])
    right.plot(range(1, EPOCHS + 1), r["angles"], color=f"C{index}",
               label=labels[name])
left.set(xlabel="epoch", ylabel="norm of the kernel before BN")
right.set(xlabel="epoch", ylabel="angle moved per epoch (degrees)")
left.legend()
right.legend()
