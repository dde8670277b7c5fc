"""Batch-size semantics: an activity penalty is divided by the batch size in
this Keras.

Batches of the first 1, 4 and 32 rows of one array: the recorded penalty is the
mean of the per-row penalties, not their sum.
"""

import numpy as np
from keras import layers

# --8<-- [start:batches]
rng = np.random.default_rng(0)
rows = rng.normal(size=(32, 8)).astype("float32")
probe = layers.ActivityRegularization(l2=0.05)

# the penalty each row would pay alone
per_row = 0.05 * np.square(rows).sum(axis=1)
table = {}
print(
    "| batch size | penalty Keras records | sum of its rows' penalties | mean "
    "of them |"
)
print("| ---: | ---: | ---: | ---: |")
for batch_size in [1, 4, 32]:
    probe(rows[:batch_size])
    recorded = float(probe.losses[0])
    row_sum = float(per_row[:batch_size].sum())
    row_mean = float(per_row[:batch_size].mean())
    table[str(batch_size)] = {
        "recorded": recorded,
        "sum": row_sum,
        "mean": row_mean,
    }
    print(
        f"| {batch_size} | {recorded:.4f} | {row_sum:.4f} | {row_mean:.4f} |"
    )
# --8<-- [end:batches]

# --8<-- [start:identical]
same_row = np.tile(rows[:1], (32, 1))
recorded_identical = {}
for batch_size in [1, 4, 32]:
    probe(same_row[:batch_size])
    recorded_identical[str(batch_size)] = float(probe.losses[0])
print("one row repeated, batch sizes 1 / 4 / 32:",
      " / ".join(f"{value:.4f}" for value in recorded_identical.values()))
# --8<-- [end:identical]
