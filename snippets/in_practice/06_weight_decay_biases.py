"""Does an optimizer's weight_decay shrink biases too? Yes, unless you exclude
them."""

from keras import layers, ops, optimizers


def one_step(optimizer):
    """One optimizer step with zero gradients: only weight decay can move the
    weights."""
    layer = layers.Dense(2, kernel_initializer="ones", bias_initializer="ones")
    layer.build((None, 3))
    zeros = [ops.zeros(v.shape) for v in layer.trainable_variables]
    optimizer.apply_gradients(zip(zeros, layer.trainable_variables))
    return {
        v.name: float(ops.convert_to_numpy(v).ravel()[0])
        for v in layer.trainable_variables
    }


# --8<-- [start:decay]
decay_all = one_step(optimizers.SGD(learning_rate=0.1, weight_decay=0.5))
print("SGD(learning_rate=0.1, weight_decay=0.5):", decay_all)

kernels_only = optimizers.SGD(learning_rate=0.1, weight_decay=0.5)
kernels_only.exclude_from_weight_decay(var_names=["bias"])
decay_kernels = one_step(kernels_only)
print("... with exclude_from_weight_decay(var_names=['bias']):", decay_kernels)
print("AdamW's default weight_decay:", optimizers.AdamW().weight_decay)
# --8<-- [end:decay]
factor = 1 - 0.1 * 0.5
