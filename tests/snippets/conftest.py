"""Fixtures of a chapter's test module, named tests/snippets/test_<chapter folder>.py:
`values(name)` and `output(name)` give the values and all outputs of its snippets."""

import pytest


@pytest.fixture(scope="module")
def chapter(request):
    """The snippets folder the module tests, from its name."""
    return request.path.stem.removeprefix("test_")


@pytest.fixture(scope="module")
def output(outputs, chapter):
    return lambda name: outputs.of(f"{chapter}/{name}")


@pytest.fixture(scope="module")
def values(output):
    return lambda name: output(name).values


@pytest.fixture(scope="module")
def runs(outputs, chapter):
    """`runs(name)`: a snippet's last good run on each backend it runs on, the shown one first
    (each backend draws other initial weights from the same seed: a claim the page makes from
    a training run should hold on each)."""
    return lambda name: outputs.project.backends_of(f"{chapter}/{name}")
