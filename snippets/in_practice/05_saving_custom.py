"""Saving and loading a model whose regularizer is a registered class, a plain
function or a lambda."""

import re

import keras
from keras import layers, ops

keras.utils.set_random_seed(0)  # the same initial weights on every run


def build(regularizer):
    return keras.Sequential(
        [
            keras.Input(shape=(3,)),
            layers.Dense(2, kernel_regularizer=regularizer),
        ]
    )


def round_trip(regularizer, name):
    """Save, then load in a fresh state (no custom objects passed); report what
    happened."""
    model = build(regularizer)
    try:
        model.save(f"{name}.keras")
    # noqa: BLE001 - we report whatever Keras raises
    except Exception as error:
        return f"save fails: {type(error).__name__}: {first_line(error)}"
    try:
        loaded = keras.saving.load_model(f"{name}.keras")
    except Exception as error:  # noqa: BLE001
        return f"load fails: {type(error).__name__}: {first_line(error)}"
    return (
        f"works, penalty before {float(sum(model.losses)):.4f}, "
        f"after {float(sum(loaded.losses)):.4f}"
    )


def first_line(error):
    """The innermost message, without memory addresses or serialized
    bytecode."""
    text = str(error).rsplit("Exception encountered: ", 1)[-1].splitlines()[0]
    text = re.sub(r"0x[0-9a-f]+", "0x...", text)
    return re.sub(r"'config': \{'value': \[.*", "'config': {...}}", text)


# --8<-- [start:cases]
@keras.saving.register_keras_serializable(package="handbook")
class ScaledL2(keras.regularizers.Regularizer):
    def __init__(self, factor=0.01):
        self.factor = factor

    def __call__(self, weights):
        return self.factor * ops.sum(ops.square(weights))

    def get_config(self):
        return {"factor": self.factor}


def l2_function(weights):
    return 0.01 * ops.sum(ops.square(weights))


@keras.saving.register_keras_serializable(package="handbook")
def registered_l2_function(weights):
    return 0.01 * ops.sum(ops.square(weights))


outcomes = {
    "registered class": round_trip(ScaledL2(0.01), "class"),
    "plain function": round_trip(l2_function, "function"),
    "registered function": round_trip(
        registered_l2_function, "registered_function"
    ),
    "lambda": round_trip(
        lambda weights: 0.01 * ops.sum(ops.square(weights)), "lambda"
    ),
}
for kind, outcome in outcomes.items():
    print(f"{kind:20} -> {outcome}")
# --8<-- [end:cases]

# --8<-- [start:custom_objects]
model = build(l2_function)
model.save("function.keras")
loaded = keras.saving.load_model(
    "function.keras", custom_objects={"l2_function": l2_function}
)
custom_objects_penalty = float(sum(loaded.losses))
print(
    f"plain function with custom_objects={{'l2_function': ...}}: penalty "
    f"{custom_objects_penalty:.4f}"
)
# --8<-- [end:custom_objects]
