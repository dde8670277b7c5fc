# runner: timeout=180
"""Tabular task: no penalty, and L2 kernel penalties at four factors."""

import matplotlib.pyplot as plt

from experiment import (
    L2_FACTORS, describe, evaluate_method, load_task, plot_sweeps, summarize, table_row,
)

# --8<-- [start:run]
task = load_task("tabular")
results = {
    "none": evaluate_method(task, "none", [0.0]),
    "L2": evaluate_method(task, "L2", L2_FACTORS),
}
table_rows = "\n".join(table_row(method, result) for method, result in results.items())
print(table_rows)
# --8<-- [end:run]

plot_sweeps(results, "sweep", "Tabular: L2 kernel penalty")
plt.show()

summary, trainings = summarize(results)
setup = describe()
