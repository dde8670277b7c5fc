"""The custom training loop on PyTorch: `loss.backward()` sees the penalties
only if the loss adds `model.losses`.

PyTorch-specific on purpose (autograd and a `torch.optim` optimizer): the
loss with and without `model.losses`, their gradients, and a few steps of
each loop.
"""
# runner: backends=torch

import os

os.environ["KERAS_BACKEND"] = "torch"  # before keras is imported

import keras
import numpy as np
import torch
from keras import layers, regularizers

keras.utils.set_random_seed(0)
x = np.random.default_rng(0).normal(size=(32, 4)).astype("float32")
y = np.zeros((32, 1), dtype="float32")
model = keras.Sequential([
    keras.Input(shape=(4,)),
    layers.Dense(1, kernel_regularizer=regularizers.L2(0.1), name="dense"),
])
loss_fn = keras.losses.MeanSquaredError()
initial_weights = model.get_weights()
x, y = torch.from_numpy(x), torch.from_numpy(y)


# --8<-- [start:loop]
def compute_loss(add_penalties):
    predictions = model(x, training=True)
    loss = loss_fn(y, predictions)  # what most hand-written loops compute
    if add_penalties:
        loss = loss + sum(model.losses)  # what fit() optimises
    return loss


kernel = model.get_layer("dense").kernel.value  # a torch.nn.Parameter
gradients = {}
for add_penalties in (False, True):
    model.zero_grad()  # a Keras model on PyTorch is a torch.nn.Module
    loss = compute_loss(add_penalties)
    loss.backward()
    gradients[add_penalties] = kernel.grad.numpy().ravel().copy()
    print(f"loss {'with' if add_penalties else 'without'} model.losses: "
          f"{loss.item():.4f}")
without, with_penalty = gradients[False], gradients[True]
kernel_now = kernel.detach().numpy().ravel()
print("gradient without:", np.round(without, 4))
print("gradient with:   ", np.round(with_penalty, 4))
print("difference:      ", np.round(with_penalty - without, 4))
print("2 * 0.1 * kernel:", np.round(0.2 * kernel_now, 4))
# --8<-- [end:loop]
difference_matches = bool(
    np.allclose(with_penalty - without, 0.2 * kernel_now, atol=1e-6)
)
with torch.no_grad():
    data_loss = float(compute_loss(False))
    total_loss = float(compute_loss(True))
penalty = total_loss - data_loss


# --8<-- [start:steps]
def train(add_penalties, steps=20, learning_rate=0.1):
    model.set_weights(initial_weights)  # the same start for both loops
    optimizer = torch.optim.SGD(model.parameters(), lr=learning_rate)
    for _ in range(steps):
        optimizer.zero_grad()
        compute_loss(add_penalties).backward()
        optimizer.step()
    return kernel.detach().numpy().ravel().copy()


kernel_without = train(add_penalties=False)
kernel_with = train(add_penalties=True)
print("kernel after 20 steps without penalties:", np.round(kernel_without, 4))
print("kernel after 20 steps with penalties:   ", np.round(kernel_with, 4))
# --8<-- [end:steps]
norm_without = float(np.linalg.norm(kernel_without))
norm_with = float(np.linalg.norm(kernel_with))
weights_differ = bool(not np.allclose(kernel_without, kernel_with))
