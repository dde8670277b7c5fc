"""The "Execution times" page, as Markdown, from the runs.json of the last build."""


def execution_times(runs: list[dict], versions: str) -> str:
    total = sum(run["seconds"] for run in runs)
    ran = sum(run["status"] == "ran" for run in runs)
    rows = "\n".join(
        f"| [`{run['path']}`]({run['path']}) | {run['seconds']:.2f} | "
        f"{'cache' if run['status'] == 'cached' else 'this build'} |"
        for run in sorted(runs, key=lambda run: run["path"])
    )
    return f"""# Execution times

Every example on this site is a file in `snippets/` that the build runs in its own process
({versions}; one TensorFlow thread per snippet, one snippet per CPU core at a time).
A snippet re-runs only when its code, a local module it imports, the pinned dependency set,
the Python version or the way snippets are run changes; otherwise its outputs come from the cache.

In the last build, {ran} of {len(runs)} snippets ran and the others came from the cache.
{how_started(runs)} {total:.1f} s in all.

| Snippet | Run time (s) | Outputs from |
| --- | ---: | --- |
{rows}
"""


def how_started(runs: list[dict]) -> str:
    if runs and all(run.get("warm") for run in runs):
        return ("Each snippet ran in a process of its own, forked from a worker that had "
                "imported TensorFlow, Keras, NumPy, matplotlib and scikit-learn once per build "
                "(the outputs equal those of a fresh interpreter byte for byte; the tests check "
                "it). The times are those of each snippet's last run, without those imports:")
    return "The times are those of each snippet's last run, imports included:"
