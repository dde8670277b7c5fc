"""The "Execution times" page, as Markdown, from the runs.json of the last build."""

HEAVY = "TensorFlow, Keras, NumPy, matplotlib and scikit-learn"


def execution_times(runs: list[dict], versions: str) -> str:
    total = sum(run["seconds"] for run in runs)
    ran = sum(run["status"] == "ran" for run in runs)
    rows = "\n".join(
        f"| [`{run['path']}`]({run['path']}) | {run['seconds']:.2f} | "
        f"{'warm worker' if run.get('warm') else 'fresh interpreter'} | "
        f"{'cache' if run['status'] == 'cached' else 'this build'} |"
        for run in sorted(runs, key=lambda run: run["path"])
    )
    return f"""# Execution times

Every example on this site is a file in `snippets/` that the build runs in its own process
({versions}; one TensorFlow thread per snippet, one snippet per CPU core at a time).
A snippet re-runs only when its code, a local module it imports, the pinned dependency set,
the Python version or the way snippets are run changes; otherwise its outputs come from the cache.

In the last build, {ran} of {len(runs)} snippets ran and the others came from the cache.
The times are those of each snippet's last run, {total:.1f} s in all. A snippet started by the
warm worker was forked from a process that had imported {HEAVY} once per build, so its time
leaves out those imports; one started in a fresh interpreter paid for them (the outputs are
the same bytes either way, which the tests check).

| Snippet | Run time (s) | Started by | Outputs from |
| --- | ---: | --- | --- |
{rows}
"""
