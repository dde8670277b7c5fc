"""Regularizing Embedding and LSTM weights: which variables each argument
covers."""

import numpy as np
from keras import layers, regularizers

tokens = np.array([[1, 2, 3, 4]], dtype="int32")

# --8<-- [start:embedding]
embedding = layers.Embedding(
    input_dim=10,
    output_dim=4,
    embeddings_initializer="ones",
    embeddings_regularizer=regularizers.L2(0.01),
)
embedding(tokens)
print(
    "Embedding variables:",
    [(v.name, tuple(v.shape)) for v in embedding.trainable_variables],
)
print(f"embeddings_regularizer penalty: {float(embedding.losses[0]):.2f} "
      "(all 10 rows, not only the 4 looked up)")
# --8<-- [end:embedding]
embedding_penalty = float(embedding.losses[0])

# --8<-- [start:lstm]
arguments = ["kernel_regularizer", "recurrent_regularizer", "bias_regularizer"]
covered = {}
for argument in arguments:
    lstm = layers.LSTM(
        3,
        kernel_initializer="ones",
        recurrent_initializer="ones",
        bias_initializer="ones",
        unit_forget_bias=False,
        **{argument: regularizers.L1(1.0)},
    )
    lstm(np.ones((1, 4, 2), dtype="float32"))
    penalty = float(sum(lstm.losses))
    matching = [(v.name, tuple(v.shape)) for v in lstm.trainable_variables
                if int(np.prod(v.shape)) == penalty]
    covered[argument] = matching[0][0]
    print(
        f"{argument:22} -> L1(1.0) = {penalty:g} = every entry of {matching}"
    )
# --8<-- [end:lstm]
