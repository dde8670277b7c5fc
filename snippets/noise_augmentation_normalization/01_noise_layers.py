"""Noise layers on a tensor: what each adds or drops, in training and not."""

import keras
import numpy as np
from keras import layers

keras.utils.set_random_seed(0)

# --8<-- [start:gaussian]
x = np.full((1000, 100), 2.0, dtype="float32")
noise = layers.GaussianNoise(stddev=0.5, seed=0)
added = keras.ops.convert_to_numpy(noise(x, training=True)) - x
unchanged = np.array_equal(keras.ops.convert_to_numpy(noise(x)), x)
print(f"GaussianNoise(0.5), training=True:  added noise mean "
      f"{added.mean():+.3f}, std {added.std():.3f}")
print(f"GaussianNoise(0.5), training=False: output equals input: {unchanged}")

rate = 0.3
gdrop = layers.GaussianDropout(rate, seed=0)
factor = keras.ops.convert_to_numpy(gdrop(x, training=True)) / x
gd_expected = float(np.sqrt(rate / (1 - rate)))
gd_unchanged = np.array_equal(keras.ops.convert_to_numpy(gdrop(x)), x)
print(f"GaussianDropout({rate}), training=True:  multiplier mean "
      f"{factor.mean():.3f}, std {factor.std():.3f} "
      f"(sqrt(rate / (1 - rate)) = {gd_expected:.3f})")
print(f"GaussianDropout({rate}), training=False: output equals input: "
      f"{gd_unchanged}")
# --8<-- [end:gaussian]
noise_std, noise_mean = float(added.std()), float(added.mean())
gd_mean, gd_std = float(factor.mean()), float(factor.std())

# --8<-- [start:spatial]
maps = np.ones((64, 6, 6, 16), dtype="float32")  # images, rows, cols, channels


def whole_channels(out):
    """Share of (image, channel) maps that are all zero or all kept."""
    zero = (out == 0).all(axis=(1, 2))
    kept = (out != 0).all(axis=(1, 2))
    return float((zero | kept).mean()), float(zero.mean())


spatial_out = keras.ops.convert_to_numpy(
    layers.SpatialDropout2D(0.5, seed=0)(maps, training=True))
plain_out = keras.ops.convert_to_numpy(
    layers.Dropout(0.5, seed=0)(maps, training=True))
spatial_whole, spatial_dropped = whole_channels(spatial_out)
plain_whole, plain_dropped = whole_channels(plain_out)
print("share of channel maps dropped or kept whole (share dropped):")
print(f"  SpatialDropout2D(0.5): {spatial_whole:.1%} ({spatial_dropped:.1%})")
print(f"  Dropout(0.5):          {plain_whole:.1%} ({plain_dropped:.1%})")
print(f"  kept values scaled to: {spatial_out.max():g}")

steps = np.ones((64, 10, 16), dtype="float32")  # sequences, steps, channels
seq_out = keras.ops.convert_to_numpy(
    layers.SpatialDropout1D(0.5, seed=0)(steps, training=True))
seq_whole = float(((seq_out == 0).all(axis=1)
                   | (seq_out != 0).all(axis=1)).mean())
print(f"  SpatialDropout1D(0.5), a channel over all steps: {seq_whole:.1%}")
# --8<-- [end:spatial]

# --8<-- [start:alpha]
print(f"Keras {keras.__version__} has AlphaDropout: "
      f"{hasattr(layers, 'AlphaDropout')}")
z = np.random.default_rng(0).standard_normal((2000, 200)).astype("float32")
alpha_out = keras.ops.convert_to_numpy(
    layers.AlphaDropout(0.2, seed=0)(z, training=True))
drop_out = keras.ops.convert_to_numpy(
    layers.Dropout(0.2, seed=0)(z, training=True))
print(f"standard-normal input:  mean {z.mean():+.3f}, std {z.std():.3f}")
print(f"AlphaDropout(0.2):      mean {alpha_out.mean():+.3f}, "
      f"std {alpha_out.std():.3f}")
print(f"Dropout(0.2):           mean {drop_out.mean():+.3f}, "
      f"std {drop_out.std():.3f}")
# --8<-- [end:alpha]
alpha_std, drop_std = float(alpha_out.std()), float(drop_out.std())
alpha_exists = hasattr(layers, "AlphaDropout")
