# runner: data=../../requirements-torch.txt
"""The Keras backends this build runs on: each one's version and the disk
space its packages take, read from the installed packages' own file lists."""
# runner: backends=tensorflow  # reads package metadata, the same everywhere

from importlib import metadata

# each backend's own packages: the module Keras imports, and what only it needs
PACKAGES = {
    "TensorFlow": ["tensorflow"],
    "JAX": ["jax", "jaxlib"],
    "PyTorch": ["torch", "sympy", "networkx", "mpmath", "fsspec", "filelock"],
}


def megabytes(name):
    """Size on disk of an installed distribution's files, in MB."""
    files = metadata.distribution(name).files or []
    paths = (file.locate() for file in files)
    return sum(path.stat().st_size for path in paths if path.is_file()) / 1e6


# --8<-- [start:table]
installs = {}
for backend, names in PACKAGES.items():
    try:
        version = metadata.version(names[0])
    except metadata.PackageNotFoundError:
        continue
    installs[backend] = {
        "version": version,
        "main_mb": round(megabytes(names[0])),
        "total_mb": round(sum(megabytes(name) for name in names)),
        "packages": ", ".join(names),
    }

print("| Backend | Version | Its module (MB) | With what only it needs (MB) |")
print("| --- | --- | ---: | ---: |")
for backend, facts in installs.items():
    print(f"| {backend} | {facts['version']} | {facts['main_mb']} | "
          f"{facts['total_mb']} ({facts['packages']}) |")
# --8<-- [end:table]
torch_version = installs.get("PyTorch", {}).get("version", "not installed")
