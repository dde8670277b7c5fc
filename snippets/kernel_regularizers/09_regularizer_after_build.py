"""What reads a regularizer set on a layer that is already built.

Three ways to add `L2` to a built `Dense` layer (the layer attribute, the
kernel variable, or both), each checked four ways: `layer.losses`,
`get_config()`, a save and load round trip, and `keras.models.clone_model`.
"""

import keras
from keras import layers, regularizers


def built_model():
    return keras.Sequential(
        [
            keras.Input(shape=(3,)),
            layers.Dense(2, kernel_initializer="ones", name="dense"),
        ]
    )


# --8<-- [start:paths]
def set_attribute(layer):
    layer.kernel_regularizer = regularizers.L2(1.0)


def set_variable(layer):
    layer.kernel.regularizer = regularizers.L2(1.0)


def set_both(layer):
    set_attribute(layer)
    set_variable(layer)


paths = {}
for name, add in {
    "attribute only": set_attribute,
    "variable only": set_variable,
    "both": set_both,
}.items():
    model = built_model()
    add(model.get_layer("dense"))
    model.save("model.keras")
    reloaded = keras.saving.load_model("model.keras")
    cloned = keras.models.clone_model(model)
    paths[name] = {
        "losses": float(sum(model.losses)) if model.losses else 0.0,
        "in_config": model.get_layer("dense").get_config()[
            "kernel_regularizer"
        ]
        is not None,
        "after_load": float(sum(reloaded.losses)) if reloaded.losses else 0.0,
        "after_clone": len(cloned.losses),
    }
    p = paths[name]
    print(
        f"{name:14}: penalty now {p['losses']:g}; in get_config(): "
        f"{p['in_config']}; "
        f"penalty after save/load {p['after_load']:g}; penalties after "
        "clone_model: "
        f"{p['after_clone']}"
    )
# --8<-- [end:paths]
