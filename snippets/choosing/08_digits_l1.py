# runner: timeout=180
"""Digits task: L1 and L1L2 kernel penalties at four factors each."""

import matplotlib.pyplot as plt

from experiment import (
    PENALTY_FACTORS, evaluate_method, load_task, plot_sweeps, summarize, table_row,
)

# --8<-- [start:run]
task = load_task("digits")
results = {
    "none": evaluate_method(task, "none", [0.0]),  # the reference line of the figure
    "L1": evaluate_method(task, "L1", PENALTY_FACTORS),
    "L1L2": evaluate_method(task, "L1L2", PENALTY_FACTORS),
}
table_rows = "\n".join(table_row(method, results[method]) for method in ["L1", "L1L2"])
print(table_rows)
# --8<-- [end:run]

plot_sweeps(results, "sweep", "Digits: L1 and L1L2 kernel penalties")
plt.show()

summary, trainings = summarize(results)
