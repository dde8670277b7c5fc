"""Build-time example runner: executes `snippets/**.py` and captures their outputs.

This package does not import MkDocs. `python -m runner` runs it from the command line;
`hooks/snippets.py` calls it from `mkdocs build` and `mkdocs serve`.
"""

from runner.engine import Outputs, Project, RunnerError, SnippetResult, run

__all__ = ["Outputs", "Project", "RunnerError", "SnippetResult", "run"]
