# runner: timeout=180
"""Tabular task: early stopping alone, and combined with an L2 penalty and dropout."""

from experiment import evaluate_method, load_task, summarize, table_row

# --8<-- [start:run]
task = load_task("tabular")
results = {
    "early stopping": evaluate_method(task, "early stopping", [0.0]),
    "L2 + dropout + early stopping": evaluate_method(
        task, "L2 + dropout + early stopping", [1e-3, 1e-2, 1e-1]),
}
results["early stopping"]["best_factor"] = None  # nothing to choose
table_rows = "\n".join([
    table_row("early stopping", results["early stopping"]),
    table_row("L2 + dropout + early stopping", results["L2 + dropout + early stopping"], "L2 factor"),
])
print(table_rows)
# --8<-- [end:run]

summary, trainings = summarize(results)
