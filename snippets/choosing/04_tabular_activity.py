# runner: timeout=180
"""Tabular task: L1 and L2 activity penalties on the hidden layer at four factors each."""

import matplotlib.pyplot as plt

from experiment import (
    PENALTY_FACTORS, evaluate_method, load_task, plot_sweeps, summarize, table_row,
)

# --8<-- [start:run]
task = load_task("tabular")
results = {
    "none": evaluate_method(task, "none", [0.0]),  # the reference line of the figure
    "activity L1": evaluate_method(task, "activity L1", PENALTY_FACTORS),
    "activity L2": evaluate_method(task, "activity L2", PENALTY_FACTORS),
}
table_rows = "\n".join(table_row(method, results[method]) for method in ["activity L1", "activity L2"])
print(table_rows)
# --8<-- [end:run]

plot_sweeps(results, "sweep", "Tabular: activity penalties")
plt.show()

summary, trainings = summarize(results)
