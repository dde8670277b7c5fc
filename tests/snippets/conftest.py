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
