"""The "Execution times" page, as Markdown, from the runs.json of the last build."""

from statistics import median

from runner.engine import BACKEND_NAME

HEAVY = "TensorFlow, Keras, NumPy, matplotlib and scikit-learn"
SOURCE = {"cached": "an earlier build", "ran": "this build",
          "failed": "an earlier run (this build's run failed)"}


def escape_cell(text: str) -> str:
    """Text for a Markdown table cell (a pipe would end it)."""
    return text.replace("|", "\\|")


def execution_times(runs: list[dict], versions: str,
                    reasons: dict[str, str] | None = None) -> str:
    """A failed snippet's row gives the time of the outputs the site shows (runs.json keeps
    that, not the failed attempt's), or a dash if it has none. reasons: by example id, why it
    runs on the backends it declares (the `# why` of its `# runner: backends=` line)."""
    reasons = reasons or {}
    primary = runs[0].get("backend", "tensorflow") if runs else "tensorflow"
    by_backend: dict[str, float] = {}
    for run in runs:
        name = run.get("backend") or primary
        by_backend[name] = by_backend.get(name, 0) + (run["seconds"] or 0)
    examples = len({run["id"] for run in runs})
    total = sum(run["seconds"] or 0 for run in runs)
    ran = sum(run["status"] == "ran" for run in runs)
    timed = [run for run in runs if run["seconds"] is not None]
    middle = median([run["seconds"] for run in timed] or [0])
    slowest = max(timed, key=lambda run: run["seconds"], default=None)
    rows = "\n".join(
        f"| [`{run['path']}`]({run['path']}) | "
        f"{BACKEND_NAME.get(run.get('backend') or primary, run.get('backend'))} | "
        f"{'-' if run['seconds'] is None else format(run['seconds'], '.1f')} | "
        f"{'warm worker' if run.get('warm') else 'fresh interpreter'} | "
        f"{SOURCE[run['status']]} |"
        for run in runs  # by example, the backend the pages show first
    )
    others = [name for name in by_backend if name != primary]
    backends_line = ""
    if others:
        extra = sum(by_backend[name] for name in others)
        names = " and ".join(BACKEND_NAME.get(name, name) for name in others)
        backends_line = (
            f" The pages show each example's {BACKEND_NAME.get(primary, primary)} run; "
            f"{sum((r.get('backend') or primary) != primary for r in runs)} runs on {names} "
            f"check the examples that need no {BACKEND_NAME.get(primary, primary)}-specific "
            f"code, and take {extra:.0f} s, {extra / max(by_backend[primary], 1e-9):.0%} "
            f"of the {by_backend[primary]:.0f} s of the {BACKEND_NAME.get(primary, primary)} "
            "runs.")
    if ran == 0:
        this_build = ("This version of the site reuses every output of earlier runs: none of "
                      "the examples, nor anything they depend on, changed since they last ran.")
    elif ran == len(runs):
        this_build = "Every example ran for this version of the site."
    else:
        this_build = (f"For this version of the site {ran} "
                      f"{'example' if ran == 1 else 'examples'} ran again, because "
                      f"{'it' if ran == 1 else 'they'} or something "
                      f"{'it depends' if ran == 1 else 'they depend'} on changed; the outputs "
                      "of the others are those of their last run.")
    backend_names = list(dict.fromkeys(run.get("backend") or primary for run in runs))
    ran_on: dict[str, dict[str, str]] = {}
    for run in runs:
        ran_on.setdefault(run["id"], {"path": run["path"]})[run.get("backend") or primary] = "yes"
    per_example = "\n".join(
        f"| [`{facts['path']}`]({facts['path']}) | "
        + " | ".join(facts.get(name, "-") for name in backend_names)
        + f" | {escape_cell(reasons.get(snippet_id, ''))} |"
        for snippet_id, facts in ran_on.items())
    counts = ", ".join(
        f"{BACKEND_NAME.get(name, name)} {sum(name in facts for facts in ran_on.values())}"
        for name in backend_names)
    header = " | ".join(BACKEND_NAME.get(name, name) for name in backend_names)
    slowest_line = (f" The slowest, `{slowest['path']}`, takes {slowest['seconds']:.1f} s."
                    if slowest else "")
    return f"""# Execution times

Every example on this site is a file in `snippets/` that the build runs in its own Python
process ({versions}; one TensorFlow thread per example, one example per CPU core at a time).
An example runs again only when its code, a local module it imports, the pinned dependency
set, the Python version or the way examples are run changes; otherwise its outputs are kept.

The site has {examples} examples, run {len(runs)} times in all (once per Keras backend each
supports). Run one after another, they take {total:.0f} s in all; half of the runs finish within
{middle:.1f} s.{slowest_line}{backends_line} An example started by the warm worker
was forked from a process that had imported {HEAVY} once per build, so its time leaves out
those imports; one started in a fresh interpreter paid for them (the outputs are the same
bytes either way, which the tests check).

{this_build}

| Example | Backend | Run time (s) | Started by | Last run in |
| --- | --- | ---: | --- | --- |
{rows}

## Backends per example

Which Keras backends each example runs on, as the runner decided from the example's file (an
example that declares no `# runner: backends=` line runs on every installed backend; one that
does says why in that line, quoted in the last column). Examples per backend: {counts}.

| Example | {header} | Why these backends |
| --- | {" | ".join("---" for _ in backend_names)} | --- |
{per_example}
"""
