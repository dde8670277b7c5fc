"""What each string identifier turns into, in the pinned Keras version.

`kernel_regularizer="l2"` is resolved by `keras.regularizers.get`; this prints
the class and the factors each name really gives, and the error a name that is
not registered raises.
"""

from keras import layers, regularizers

# --8<-- [start:identifiers]
resolved = {}
for name in ["l1", "l2", "l1l2", "L1L2", "orthogonal_regularizer", "l1_l2"]:
    try:
        regularizer = regularizers.get(name)
    except ValueError as error:
        resolved[name] = f"ValueError: {error}"
    else:
        resolved[name] = (
            f"{type(regularizer).__name__} {regularizer.get_config()}"
        )
    print(f"{name!r:26} -> {resolved[name]}")
# --8<-- [end:identifiers]

# --8<-- [start:layer]
try:
    layers.Dense(3, kernel_regularizer="l1_l2")
except ValueError as error:
    dense_l1_l2_error = str(error)
    print(
        "Dense(3, kernel_regularizer='l1_l2') ->",
        type(error).__name__ + ":",
        error,
    )

dense = layers.Dense(3, kernel_regularizer="l1l2")
dense.build((None, 4))
l1l2_string_penalty = float(sum(dense.losses))
print("Dense(3, kernel_regularizer='l1l2') penalty =", l1l2_string_penalty)
# --8<-- [end:layer]
l1l2_string_config = regularizers.get("l1l2").get_config()
l1_string_factor = regularizers.get("l1").get_config()["l1"]
