# runner: timeout=180
"""Nonlinear task: every method, ten seeds, each paired with no
regularization."""
# runner: backends=tensorflow  # experiment: too slow to run on two backends

import matplotlib.pyplot as plt

from experiment import (
    compare,
    describe,
    findings,
    grids,
    load_task,
    plot_sweeps,
    summarize,
    table,
)

# --8<-- [start:run]
task = load_task("nonlinear")
results = compare(task)
table_rows = table(results)
print(table_rows)
# --8<-- [end:run]

# --8<-- [start:grids]
grids()
# --8<-- [end:grids]

plot_sweeps(task, results)
plt.show()
summary, facts = summarize(task, results)
found = findings(task, summary)
setup = describe()
