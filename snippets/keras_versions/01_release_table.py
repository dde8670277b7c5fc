# runner: timeout=300
# runner: data=../../requirements-releases.txt
"""Probe every Keras release in requirements-releases.txt and group the
answers.

`make setup` installs each release into a folder of its own; probe.py imports
TensorFlow once and runs each release in a forked process of its own.
"""
# runner: backends=tensorflow  # probes Keras releases on TensorFlow

import json
import subprocess
import sys
from pathlib import Path

import probe

ROOT = Path(probe.__file__).resolve().parents[2]
INSTALLED = Path(sys.prefix) / "releases"


def listed():
    """The folders named in requirements-releases.txt, in its order."""
    text = (ROOT / "requirements-releases.txt").read_text()
    return [
        line.split(":")[0]
        for line in text.splitlines()
        if line.strip() and not line.startswith("#")
    ]


# --8<-- [start:run]
folders = listed()
present = [f for f in folders if (INSTALLED / f).is_dir()]
run = subprocess.run(
    [sys.executable, probe.__file__, *(str(INSTALLED / f) for f in present)],
    capture_output=True,
    text=True,
    check=True,
)
answers = json.loads(run.stdout.splitlines()[-1])
for folder in folders:
    if folder not in answers:
        why = INSTALLED / f"{folder}.error"
        reason = why.read_text().strip() if why.exists() else "not installed"
        answers[folder] = {"import_error": f"not installed here: {reason}"}
print(f"{len(present)} of {len(folders)} releases installed and probed")
# --8<-- [end:run]

columns = {
    "activity": "activity penalty, batch 1 → 4",
    "activity_kind": "activity penalty over the batch",
    "get_l2": '`regularizers.get("l2")`',
    "get_l1_l2": '`regularizers.get("l1_l2")`',
    "get_l1l2": '`regularizers.get("l1l2")`',
    "l1l2_defaults": "`L1L2()` factors",
    "orthogonal": "orthogonal penalty, rows at 60°",
    "adam_equals_adamw": "`Adam(weight_decay)` gives `AdamW`'s weights",
    "evaluate_adds_penalty": "`evaluate()` loss includes the penalty",
    "custom_round_trip": "custom regularizer after save and load",
    "mixed_precision": "kernel penalty dtype, `mixed_float16`",
}


def cell(answer):
    if "error" in answer:
        return answer["error"].split(":")[0]
    return answer["value"]


def row(folder):
    kind, release = folder.split("-")
    r = {
        "label": f"{'tf_keras' if kind == 'tf_keras' else 'Keras'} {release}",
        "keras": "tf.keras" if kind == "tf_keras" else "Keras",
    }
    a = answers[folder]
    if "import_error" in a:
        return {**r, "runs": False, "why": a["import_error"]}
    b1, b4 = cell(a["activity_batch_1"]), cell(a["activity_batch_4"])
    ev = a["evaluate"].get("value", {})
    cells = {
        "activity": f"{b1:g} → {b4:g}",
        "activity_kind": "sum"
        if b4 == 4 * b1
        else "mean"
        if b4 == b1
        else "?",
        "adam_equals_adamw": cell(a["adam_vs_adamw"]) == 0.0,
        "evaluate_adds_penalty": bool(ev) and ev["extra"] == ev["penalty"],
    }
    for key in columns:
        if key not in cells:
            cells[key] = cell(a[key])
    return {**r, "runs": True, "version": a["version"], "cells": cells}


def show(value):
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, dict):
        return ", ".join(f"{k}={v:g}" for k, v in value.items())
    if isinstance(value, str) and "(" in value:
        return f"`{value}`"
    return str(value)


def group(rows):
    """Runs of consecutive releases that answer every question alike."""
    groups = []
    for r in rows:
        last = groups[-1] if groups else None
        if (
            last
            and r["runs"]
            and last["runs"]
            and r["keras"] == last["keras"]
            and r["cells"] == last["cells"]
        ):
            last["members"].append(r["label"])
        else:
            groups.append(
                {
                    "members": [r["label"]],
                    "runs": r["runs"],
                    "keras": r["keras"],
                    "cells": r.get("cells"),
                    "why": r.get("why"),
                }
            )
        r["group"] = len(groups) - 1
    for g in groups:
        first, last = g["members"][0], g["members"][-1]
        g["label"] = (
            first if first == last else f"{first} to {last.split()[1]}"
        )
    return groups


rows = [row(folder) for folder in folders]
groups = group(rows)
ran = [r for r in rows if r["runs"]]
keras3 = [r for r in ran if r["keras"] == "Keras"]
sums = [r["version"] for r in keras3 if r["cells"]["activity_kind"] == "sum"]
means = [r["version"] for r in keras3 if r["cells"]["activity_kind"] == "mean"]
first_mean = means[0] if means else None
last_sum = sums[-1] if sums else None
changed = [
    columns[k]
    for k in columns
    if len({show(r["cells"][k]) for r in keras3}) > 1
]
changed_text = "; ".join(changed) or "none"
pinned = keras3[-1]["cells"] if keras3 else None
reference = next((r["cells"] for r in ran if r["keras"] == "tf.keras"), None)
summary = {
    "releases": len(rows),
    "ran": len(ran),
    "keras3": len(keras3),
    "groups": len(groups),
    "first": keras3[0]["version"] if keras3 else None,
    "last_keras3": keras3[-1]["label"] if keras3 else None,
}

# --8<-- [start:changes]
print("| | " + " | ".join(g["label"] for g in groups) + " |")
print("|---" * (len(groups) + 1) + "|")
for key, title in columns.items():
    cells = [
        show(g["cells"][key]) if g["runs"] else "does not run" for g in groups
    ]
    print(f"| {title} | " + " | ".join(cells) + " |")
# --8<-- [end:changes]

# --8<-- [start:table]
print("| release | imported as | activity penalty, batch 1 → 4 | answers as |")
print("|---|---|---|---|")
for r in rows:
    if r["runs"]:
        print(
            f"| {r['label']} | {r['keras']} {r['version']} "
            f"| {r['cells']['activity']} | {groups[r['group']]['label']} |"
        )
    else:
        print(f"| {r['label']} | does not run: {r['why']} | | |")
# --8<-- [end:table]
