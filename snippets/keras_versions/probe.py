"""Probe one Keras release: run as a script with that release first on
sys.path.

Prints one JSON object: the release's version and one entry per question,
each either {"value": ...} or {"error": "..."} (the exception a reader of that
release would meet). With KERAS_PROBE=tf_keras it probes tf.keras (Keras 2)
instead of Keras 3.
"""

import json
import os
import sys
import tempfile

import numpy as np


def load():
    if os.environ.get("KERAS_PROBE") == "tf_keras":
        import tf_keras as keras

        return keras
    import keras

    return keras


# --8<-- [start:activity]
def activity_penalty(keras, batch):
    """Penalty recorded for L2(0.05) on an output of `batch` equal rows
    [20.0]."""
    layer = keras.layers.Activation(
        "linear", activity_regularizer=keras.regularizers.L2(0.05)
    )
    layer(np.full((batch, 1), 20.0, dtype="float32"))
    return float(sum(float(loss) for loss in layer.losses))


# --8<-- [end:activity]


def identifier(keras, name):
    """What regularizers.get(name) returns: a class with its factors, or
    else."""
    reg = keras.regularizers.get(name)
    if not hasattr(reg, "get_config"):
        return f"{type(reg).__name__} {reg!r}"
    config = ", ".join(
        f"{k}={float(v):g}" for k, v in sorted(reg.get_config().items())
    )
    return f"{type(reg).__name__}({config})"


def l1l2_defaults(keras):
    reg = keras.regularizers.L1L2()
    return {k: float(v) for k, v in reg.get_config().items()}


def tiny_model(keras, seed, **dense):
    keras.utils.set_random_seed(seed)
    return keras.Sequential(
        [keras.Input((3,)), keras.layers.Dense(2, **dense)]
    )


# --8<-- [start:optimizers]
def adam_vs_adamw(keras):
    """Largest weight difference after 5 steps of the same gradients:
    Adam(weight_decay=0.5) against AdamW(weight_decay=0.5)."""
    rng = np.random.default_rng(0)
    start = rng.normal(size=(3, 2)).astype("float32")
    grads = [rng.normal(size=(3, 2)).astype("float32") for _ in range(5)]
    finals = []
    for make in (keras.optimizers.Adam, keras.optimizers.AdamW):
        variable = make_variable(keras, start)
        optimizer = make(learning_rate=0.1, weight_decay=0.5)
        for grad in grads:
            optimizer.apply_gradients([(grad, variable)])
        finals.append(np.asarray(variable.numpy()))
    return float(np.abs(finals[0] - finals[1]).max())


def make_variable(keras, value):
    if hasattr(keras, "Variable"):  # Keras 3
        return keras.Variable(value)
    import tensorflow as tf  # tf.keras optimizes TensorFlow variables

    return tf.Variable(value)


def evaluate_includes_penalty(keras):
    """evaluate()'s loss minus the data loss alone: the penalty, or 0."""
    rng = np.random.default_rng(0)
    x = rng.normal(size=(8, 3)).astype("float32")
    y = rng.normal(size=(8, 2)).astype("float32")
    model = tiny_model(keras, 2, kernel_regularizer=keras.regularizers.L2(1.0))
    model.compile(optimizer="sgd", loss="mse", run_eagerly=True)
    total = model.evaluate(x, y, batch_size=8, verbose=0)
    kernel, bias = model.get_weights()
    data = float(np.mean((x @ kernel + bias - y) ** 2))
    penalty = float(np.sum(kernel**2))
    return {"extra": round(total - data, 5), "penalty": round(penalty, 5)}


# --8<-- [end:optimizers]


def custom_round_trip(keras):
    """Save a model with a registered custom regularizer, load it, compare."""
    register = keras.saving.register_keras_serializable

    @register(package="probe")
    class Scaled(keras.regularizers.Regularizer):
        def __init__(self, factor=0.1):
            self.factor = factor

        def __call__(self, w):
            return (
                self.factor * keras.ops.sum(keras.ops.abs(w))
                if hasattr(keras, "ops")
                else self.factor * sum_abs(w)
            )

        def get_config(self):
            return {"factor": self.factor}

    model = tiny_model(keras, 3, kernel_regularizer=Scaled(0.25))
    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, "model.keras")
        model.save(path)
        loaded = keras.models.load_model(path)
    reg = loaded.layers[-1].kernel_regularizer
    return f"{type(reg).__name__}(factor={reg.factor})"


def sum_abs(w):
    import tensorflow as tf

    return tf.reduce_sum(tf.abs(w))


def orthogonal(keras):
    """Penalty of OrthogonalRegularizer(1.0) on two unit rows at 60 degrees."""
    rows = np.array([[1.0, 0.0], [0.5, 3**0.5 / 2]], dtype="float32")
    reg = keras.regularizers.OrthogonalRegularizer(factor=1.0, mode="rows")
    if not hasattr(keras, "ops"):  # tf.keras wants a TensorFlow tensor
        import tensorflow as tf

        rows = tf.constant(rows)
    return round(float(reg(rows)), 5)


def mixed_precision_penalty(keras):
    """dtype of a kernel penalty under the mixed_float16 policy (this process
    only)."""
    keras.mixed_precision.set_global_policy("mixed_float16")
    try:
        model = tiny_model(
            keras, 4, kernel_regularizer=keras.regularizers.L2(0.01)
        )
        return str(model.losses[0].dtype).replace("<dtype: '", "").rstrip("'>")
    finally:
        keras.mixed_precision.set_global_policy("float32")


QUESTIONS = {
    "activity_batch_1": lambda k: activity_penalty(k, 1),
    "activity_batch_4": lambda k: activity_penalty(k, 4),
    "get_l2": lambda k: identifier(k, "l2"),
    "get_l1_l2": lambda k: identifier(k, "l1_l2"),
    "get_l1l2": lambda k: identifier(k, "l1l2"),
    "orthogonal": orthogonal,
    "l1l2_defaults": l1l2_defaults,
    "adam_vs_adamw": adam_vs_adamw,
    "evaluate": evaluate_includes_penalty,
    "custom_round_trip": custom_round_trip,
    "mixed_precision": mixed_precision_penalty,
}


def probe_one():
    """Probe the Keras found first on sys.path; one dict of answers."""
    try:
        keras = load()
    except Exception as error:  # the release does not import here
        return {"import_error": f"{type(error).__name__}: {error}"}
    result = {"version": keras.__version__, "file": keras.__file__}
    for name, question in QUESTIONS.items():
        try:
            result[name] = {"value": question(keras)}
        except Exception as error:
            text = str(error).strip()
            first = text.splitlines()[0] if text else ""
            result[name] = {"error": f"{type(error).__name__}: {first}"[:160]}
    return result


class Hidden(ModuleNotFoundError, ValueError):
    """Both kinds TensorFlow expects when it looks for an optional Keras."""


class Hide:
    """An import hook that hides every Keras while TensorFlow loads, so no
    release's import-time registrations leak into the forked probes."""

    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in ("keras", "tf_keras"):
            raise Hidden(f"hidden while TensorFlow loads: {name}")
        return None


def probe_all(folders, workers=2):
    """Import TensorFlow once, then probe each release folder in a forked child
    that puts the folder first on sys.path: {folder: answers}."""
    hide = Hide()
    sys.meta_path.insert(0, hide)
    import tensorflow  # noqa: F401  (the slow import, paid once)

    sys.meta_path.remove(hide)
    loaded = [name for name in sys.modules if name.split(".")[0] == "keras"]
    assert not loaded, f"TensorFlow imported a Keras: {loaded[:3]}"
    running, results, queue = {}, {}, list(folders)
    while queue or running:
        while queue and len(running) < workers:
            folder = queue.pop(0)
            read, write = os.pipe()
            pid = os.fork()
            if pid == 0:  # the child: this release only
                os.close(read)
                sys.path.insert(0, folder)
                if os.path.basename(folder).startswith("tf_keras"):
                    os.environ["KERAS_PROBE"] = "tf_keras"
                answer = probe_one()
                # imported from this folder? (no paths kept)
                if "file" in answer:
                    answer["from_folder"] = answer.pop("file").startswith(
                        folder
                    )
                with os.fdopen(write, "w") as pipe:
                    json.dump(answer, pipe)
                os._exit(0)
            os.close(write)
            running[pid] = (folder, os.fdopen(read))
        pid, status = os.wait()
        folder, pipe = running.pop(pid)
        text = pipe.read()
        pipe.close()
        results[folder] = (
            json.loads(text)
            if text
            else {
                "import_error": f"the probe process ended with status {status}"
            }
        )
    return results


def main():
    if len(sys.argv) > 1:  # probe every release folder named
        results = probe_all(sys.argv[1:])
        print(json.dumps({os.path.basename(k): v for k, v in results.items()}))
    else:
        print(json.dumps(probe_one()))


if __name__ == "__main__":
    main()
