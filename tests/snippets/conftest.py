"""`values(name)`: the values.json of a snippet of the test module's CHAPTER."""

import pytest


@pytest.fixture(scope="module")
def values(outputs, request):
    chapter = request.module.CHAPTER
    return lambda name: outputs.values(f"{chapter}/{name}")
