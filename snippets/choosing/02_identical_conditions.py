# runner: timeout=180
"""The comparison's guarantee, checked: a network trains the same wherever it
sits."""

# runner: backends=tensorflow,jax  # experiment.py is not PyTorch-ready

import keras
import numpy as np
from keras import layers, regularizers

from experiment import (
    BATCH,
    HIDDEN,
    LEARNING_RATE,
    GRIDS,
    batch_order,
    load_task,
    train,
)

task = load_task("tabular")

# --8<-- [start:position]
# L2(0.01) from seeds 0 and 1, once beside other factors and once beside others
# again
first = train(task, "L2", [0.0, 1e-2, 1e-2], [0, 0, 1])
second = train(task, "L2", [1e-2, 1e-3, 1e-2, 0.1], [1, 5, 0, 3])
same_position = all(
    np.array_equal(first[key][[1, 2]], second[key][[2, 0]]) for key in first
)
print(f"same results at two positions, bit for bit: {same_position}")
# --8<-- [end:position]

# --8<-- [start:zero]
baseline = train(task, "none", [0.0] * 3, [0, 1, 2])
zero_is_none = {}
for method in (
    "L1",
    "L2",
    "L1L2",
    "activity L1",
    "activity L2",
    "dropout",
    "AdamW",
):
    assert GRIDS[method][0] == 0.0
    runs = train(task, method, [0.0, 0.0, 0.0], [0, 1, 2])
    zero_is_none[method] = all(
        np.array_equal(runs[k], baseline[k]) for k in runs
    )
print("factor 0 reproduces no regularization, bit for bit:")
for method, same in zero_is_none.items():
    print(f"  {method:12} {same}")
# --8<-- [end:zero]

# --8<-- [start:alone]
seed, factor = 0, 1e-2
order = batch_order(task, [seed])[:, 0]  # the same rows in the same order
model = keras.Sequential(
    [
        keras.Input(shape=(task.x.shape[1],)),
        layers.Dense(
            HIDDEN,
            activation="relu",
            kernel_regularizer=regularizers.L2(factor),
            kernel_initializer=keras.initializers.GlorotUniform(1000 + seed),
        ),
        layers.Dense(
            task.classes,
            activation="softmax",
            kernel_regularizer=regularizers.L2(factor),
            kernel_initializer=keras.initializers.GlorotUniform(2000 + seed),
        ),
    ]
)
model.compile(optimizer=keras.optimizers.Adam(LEARNING_RATE),
              loss="sparse_categorical_crossentropy")
model.fit(
    task.x[order],
    task.y[order],
    batch_size=BATCH,
    epochs=task.epochs,
    steps_per_epoch=task.train.shape[1] // BATCH,
    shuffle=False,
    verbose=0,
)
test = task.test[seed]
p = model.predict(task.x[test], verbose=0)
alone = {
    "test_acc": float((p.argmax(1) == task.y[test]).mean()),
    "test_loss": float(-np.log(p[np.arange(len(test)), task.y[test]]).mean()),
}
side_by_side = {key: float(first[key][1]) for key in alone}
for key in alone:
    print(
        f"{key}: alone {alone[key]:.6f}, side by side {side_by_side[key]:.6f}"
    )
# --8<-- [end:alone]
