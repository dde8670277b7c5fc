"""Digits task: dropout, decoupled weight decay (AdamW), early stopping, and a combination."""

from experiment import evaluate_method, load_task, summarize, table_row

# --8<-- [start:run]
task = load_task("digits")
results = {
    "dropout": evaluate_method(task, "dropout", [0.2, 0.4, 0.6]),
    "AdamW": evaluate_method(task, "AdamW", [0.004, 0.04, 0.4]),
    "early stopping": evaluate_method(task, "early stopping", [0.0]),
    "L2 + dropout + early stopping": evaluate_method(
        task, "L2 + dropout + early stopping", [1e-3, 1e-2, 1e-1]),
}
results["early stopping"]["best_factor"] = None  # nothing to choose
names = {"dropout": "rate", "AdamW": "weight_decay", "L2 + dropout + early stopping": "L2 factor"}
table_rows = "\n".join(
    table_row(method, result, names.get(method, "factor")) for method, result in results.items())
print(table_rows)
# --8<-- [end:run]

summary, trainings = summarize(results)
