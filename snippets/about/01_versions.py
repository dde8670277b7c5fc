"""The versions that produced every output on this site."""

import platform

import keras
import matplotlib
import numpy
import sklearn
import tensorflow as tf

versions = {
    "Python": platform.python_version(),
    "TensorFlow": tf.__version__,
    "Keras": keras.__version__,
    "Keras backend": keras.backend.backend(),
    "NumPy": numpy.__version__,
    "scikit-learn": sklearn.__version__,
    "Matplotlib": matplotlib.__version__,
}
for name, version in versions.items():
    print(f"{name:14} {version}")
