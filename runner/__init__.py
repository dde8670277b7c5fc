"""Build-time example runner: executes `snippets/**.py` and captures their outputs.

This package does not import MkDocs. `python -m runner` runs it from the command line;
`hooks/snippets.py` calls it from `mkdocs build` and `mkdocs serve`.
"""

from runner.engine import (
    Project,
    RunnerError,
    SnippetResult,
    load_values,
    run,
)

__all__ = ["Project", "RunnerError", "SnippetResult", "load_values", "run"]
