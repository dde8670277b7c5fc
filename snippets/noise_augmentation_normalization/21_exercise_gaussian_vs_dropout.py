"""Exercise: the multipliers of Dropout and GaussianDropout, compared."""

import keras
import numpy as np
from keras import layers

keras.utils.set_random_seed(0)
rate = 0.4
ones = np.ones((2000, 500), dtype="float32")
multipliers = {
    "Dropout": keras.ops.convert_to_numpy(
        layers.Dropout(rate, seed=0)(ones, training=True)),
    "GaussianDropout": keras.ops.convert_to_numpy(
        layers.GaussianDropout(rate, seed=0)(ones, training=True)),
}
variance = rate / (1 - rate)
stats = {}
for name, m in multipliers.items():
    stats[name] = {"mean": float(m.mean()), "var": float(m.var()),
                   "zeros": float((m == 0).mean())}
    print(f"{name:16} mean {m.mean():.3f}  variance {m.var():.3f}  "
          f"share of zeros {(m == 0).mean():.1%}")
print(f"rate / (1 - rate) = {variance:.3f}")
