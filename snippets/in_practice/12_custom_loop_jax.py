"""The custom training loop on JAX: `stateless_call` returns the penalties,
and they are missing from the gradient unless you add them.

JAX-specific on purpose (`jax.value_and_grad`): the loss with and without
the returned losses, their gradients, and a few steps of each loop.
"""
# runner: backends=jax

import os

os.environ["KERAS_BACKEND"] = "jax"  # before keras is imported

import jax
import keras
import numpy as np
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
def compute_loss(trainable, non_trainable, x, y, add_penalties):
    predictions, non_trainable, losses = model.stateless_call(
        trainable, non_trainable, x, training=True, return_losses=True
    )
    loss = loss_fn(y, predictions)  # what most hand-written loops compute
    if add_penalties:
        loss = loss + sum(losses)  # what fit() optimises
    return loss, non_trainable


grad_fn = jax.value_and_grad(compute_loss, has_aux=True)
trainable = [v.value for v in model.trainable_variables]
non_trainable = [v.value for v in model.non_trainable_variables]
(data_loss, _), without = grad_fn(trainable, non_trainable, x, y, False)
(total_loss, _), with_penalty = grad_fn(trainable, non_trainable, x, y, True)
kernel = np.asarray(trainable[0]).ravel()
without = np.asarray(without[0]).ravel()
with_penalty = np.asarray(with_penalty[0]).ravel()

print(f"loss without the returned losses: {float(data_loss):.4f}")
print(f"loss with the returned losses:    {float(total_loss):.4f}")
print("gradient without:", np.round(without, 4))
print("gradient with:   ", np.round(with_penalty, 4))
print("difference:      ", np.round(with_penalty - without, 4))
print("2 * 0.1 * kernel:", np.round(0.2 * kernel, 4))
# --8<-- [end:loop]
difference_matches = bool(
    np.allclose(with_penalty - without, 0.2 * kernel, atol=1e-6)
)
penalty = float(total_loss - data_loss)


# --8<-- [start:steps]
def train(add_penalties, steps=20, learning_rate=0.1):
    weights = [v.value for v in model.trainable_variables]
    state = [v.value for v in model.non_trainable_variables]
    for _ in range(steps):
        (_, state), grads = grad_fn(weights, state, x, y, add_penalties)
        weights = [w - learning_rate * g for w, g in zip(weights, grads)]
    return np.asarray(weights[0]).ravel()


kernel_without = train(add_penalties=False)
kernel_with = train(add_penalties=True)
print("kernel after 20 steps without penalties:", np.round(kernel_without, 4))
print("kernel after 20 steps with penalties:   ", np.round(kernel_with, 4))
# --8<-- [end:steps]
norm_without = float(np.linalg.norm(kernel_without))
norm_with = float(np.linalg.norm(kernel_with))
weights_differ = bool(not np.allclose(kernel_without, kernel_with))
