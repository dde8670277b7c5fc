"""Exercise: one large activation in a batch of four rows.

The L2 activity example (an activation of 20, factor 0.05) again, but the
active row now shares its batch with three rows of zeros.
"""

import numpy as np
from keras import layers

# --8<-- [start:check]
factor, activation, batch_size = 0.05, 20.0, 4
batch = np.zeros((batch_size, 3), dtype="float32")
batch[0, 0] = activation  # one active unit in one row; everything else is zero

probe = layers.ActivityRegularization(l2=factor)
probe(batch)
recorded = float(probe.losses[0])
alone = factor * activation**2  # what the row would pay in a batch of its own
print(
    f"the row alone would pay {alone:g}; in a batch of {batch_size} Keras "
    f"records {recorded:g}"
)
# --8<-- [end:check]
