"""The "Execution times" page, as Markdown, from the runs.json of the last build."""


SOURCE = {"cached": "cache", "ran": "this build",
          "failed": "an earlier run (this build's run failed)"}


def execution_times(runs: list[dict], versions: str) -> str:
    """A failed snippet's row gives the time of the outputs the site shows (runs.json keeps
    that, not the failed attempt's), or a dash if it has none."""
    total = sum(run["seconds"] or 0 for run in runs)
    ran = sum(run["status"] == "ran" for run in runs)
    rows = "\n".join(
        f"| [`{run['path']}`]({run['path']}) | "
        f"{'-' if run['seconds'] is None else format(run['seconds'], '.2f')} | "
        f"{SOURCE[run['status']]} |"
        for run in sorted(runs, key=lambda run: run["path"])
    )
    return f"""# Execution times

Every example on this site is a file in `snippets/` that the build runs in its own process
({versions}; one TensorFlow thread per snippet, one snippet per CPU core at a time).
A snippet re-runs only when its code, a local module it imports, the pinned dependency set,
the Python version or the way snippets are run changes; otherwise its outputs come from the cache.

In the last build, {ran} of {len(runs)} snippets ran and the others came from the cache.
The times are those of each snippet's last run, imports included: {total:.1f} s in all.

| Snippet | Run time (s) | Outputs from |
| --- | ---: | --- |
{rows}
"""
