"""Where a kernel penalty goes: layer.losses, model.losses, the training loss,
evaluate().

Builds a one-layer model with an L2 kernel penalty and checks, with printed
numbers, that the reported `loss` is the data loss plus the penalty, while a
compiled metric is not.
"""

import numpy as np
import keras
from keras import layers, regularizers

keras.utils.set_random_seed(0)
rng = np.random.default_rng(0)
x = rng.normal(size=(64, 4)).astype("float32")
y = (x @ np.array([[1.0], [-2.0], [0.5], [0.0]]) + 0.1).astype("float32")

# --8<-- [start:losses]
dense = layers.Dense(1, kernel_regularizer=regularizers.L2(0.1), name="dense")
model = keras.Sequential([keras.Input(shape=(4,)), dense])

kernel = dense.kernel.numpy()
penalty_by_hand = 0.1 * float(np.sum(kernel**2))
print("dense.losses:", [round(float(v), 4) for v in dense.losses])
print("model.losses:", [round(float(v), 4) for v in model.losses])
print(f"0.1 * sum(kernel**2) = {penalty_by_hand:.4f}")
# --8<-- [end:losses]
layer_penalty = float(dense.losses[0])

# --8<-- [start:evaluate]
model.compile(
    optimizer=keras.optimizers.SGD(0.05), loss="mse", metrics=["mse"]
)
scores = model.evaluate(x, y, verbose=0, return_dict=True)
penalty = float(sum(model.losses))
data_mse = float(np.mean((model.predict(x, verbose=0) - y) ** 2))

print(
    f"evaluate: loss = {scores['loss']:.4f}, mse metric = {scores['mse']:.4f}"
)
print(
    f"mse by hand = {data_mse:.4f}, penalty = {penalty:.4f}, sum = "
    f"{data_mse + penalty:.4f}"
)
# --8<-- [end:evaluate]
eval_loss = scores["loss"]
eval_mse = scores["mse"]
eval_penalty = penalty
eval_gap = eval_loss - eval_mse

# --8<-- [start:fit]
history = model.fit(
    x,
    y,
    validation_data=(x, y),
    epochs=20,
    batch_size=16,
    shuffle=False,
    verbose=0,
)
last = {name: values[-1] for name, values in history.history.items()}
end_scores = model.evaluate(x, y, verbose=0, return_dict=True)
end_penalty = float(sum(model.losses))

print("last epoch:", {name: round(value, 4) for name, value in last.items()})
print(f"val_loss - val_mse = {last['val_loss'] - last['val_mse']:.4f}; "
      f"penalty after training = {end_penalty:.4f}")
print(f"loss - mse (training epoch) = {last['loss'] - last['mse']:.4f}")
# --8<-- [end:fit]
val_gap = last["val_loss"] - last["val_mse"]
train_gap = last["loss"] - last["mse"]
final_penalty = end_penalty
