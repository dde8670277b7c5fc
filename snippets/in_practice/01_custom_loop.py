"""A custom training loop ignores kernel_regularizer unless you add
model.losses yourself.

TensorFlow-specific on purpose (tf.GradientTape): the gradient of the kernel
with and without the penalty term, and what `model.compute_loss` adds for you.
"""
# runner: backends=tensorflow  # tf.GradientTape (JAX: 12_custom_loop_jax)

import numpy as np
import keras
import tensorflow as tf
from keras import layers, regularizers

keras.utils.set_random_seed(0)
x = np.random.default_rng(0).normal(size=(32, 4)).astype("float32")
y = np.zeros((32, 1), dtype="float32")
model = keras.Sequential([
    keras.Input(shape=(4,)),
    layers.Dense(1, kernel_regularizer=regularizers.L2(0.1), name="dense"),
])
loss_fn = keras.losses.MeanSquaredError()

# --8<-- [start:loop]
with tf.GradientTape(persistent=True) as tape:
    predictions = model(x, training=True)
    # what most hand-written loops compute
    data_loss = loss_fn(y, predictions)
    total_loss = data_loss + sum(model.losses)   # what fit() optimises
kernel = model.get_layer("dense").kernel
without = tape.gradient(data_loss, kernel).numpy().ravel()
with_penalty = tape.gradient(total_loss, kernel).numpy().ravel()

print(f"loss without model.losses: {float(data_loss):.4f}")
print(f"loss with model.losses:    {float(total_loss):.4f}")
print("gradient without model.losses:", np.round(without, 4))
print("gradient with model.losses:   ", np.round(with_penalty, 4))
print("difference:                   ", np.round(with_penalty - without, 4))
print(
    "2 * 0.1 * kernel:             ", np.round(0.2 * kernel.numpy().ravel(), 4)
)
# --8<-- [end:loop]
difference_matches = bool(
    np.allclose(
        with_penalty - without, 0.2 * kernel.numpy().ravel(), atol=1e-6
    )
)

# --8<-- [start:compute_loss]
model.compile(optimizer="sgd", loss="mse")
computed = float(model.compute_loss(x=x, y=y, y_pred=model(x)))
print(f"model.compute_loss: {computed:.4f} = data loss {float(data_loss):.4f} "
      f"+ penalty {float(sum(model.losses)):.4f}")
# --8<-- [end:compute_loss]
compute_loss_gap = computed - float(data_loss) - float(sum(model.losses))


# --8<-- [start:steps]
def train(add_penalties, steps=20, learning_rate=0.1):
    start = model.get_weights()
    for _ in range(steps):
        with tf.GradientTape() as tape:
            loss = loss_fn(y, model(x, training=True))
            if add_penalties:
                loss = loss + sum(model.losses)
        grads = tape.gradient(loss, model.trainable_variables)
        for variable, grad in zip(model.trainable_variables, grads):
            variable.assign_sub(learning_rate * grad)
    trained = model.get_layer("dense").kernel.numpy().ravel()
    model.set_weights(start)  # as it was, for the next run
    return trained


kernel_without = train(add_penalties=False)
kernel_with = train(add_penalties=True)
print("kernel after 20 steps without penalties:", np.round(kernel_without, 4))
print("kernel after 20 steps with penalties:   ", np.round(kernel_with, 4))
# --8<-- [end:steps]
weights_differ = bool(not np.allclose(kernel_without, kernel_with))
