# runner: timeout=180
"""Digits task: dropout and decoupled weight decay (AdamW), three strengths each."""

from experiment import evaluate_method, load_task, summarize, table_row

# --8<-- [start:run]
task = load_task("digits")
results = {
    "dropout": evaluate_method(task, "dropout", [0.2, 0.4, 0.6]),
    "AdamW": evaluate_method(task, "AdamW", [0.004, 0.04, 0.4]),
}
names = {"dropout": "rate", "AdamW": "weight_decay"}
table_rows = "\n".join(table_row(method, result, names[method]) for method, result in results.items())
print(table_rows)
# --8<-- [end:run]

summary, trainings = summarize(results)
