# runner: timeout=300
"""The comparison, part 1: L2, dropout and the noise layers against none."""
# runner: backends=tensorflow  # experiment: too slow to run on two backends

import matplotlib.pyplot as plt
from experiment import describe, load_task, summarize, table

from methods import (
    BN_MOMENTUM, COMPARED, SETTING, compare_part, grids, plot_sweeps, verdicts,
    zero_is_none,
)

# --8<-- [start:run]
task = load_task("digits")
results = compare_part(task, "noise")
table_rows = table(results, SETTING)
print(table_rows)
# --8<-- [end:run]
table_rows_methods = table_rows.split("\n", 1)[1]  # without the row of none

# --8<-- [start:zero]
print("strength 0 gives the baseline's results, every seed, bit for bit:")
zero = zero_is_none(results)
# --8<-- [end:zero]

# --8<-- [start:grids]
grids()
# --8<-- [end:grids]

plot_sweeps(results)
plt.show()
summary, facts = summarize(task, results)
found = verdicts(summary, "noise")
setup = describe()
compared, bn_momentum = COMPARED, BN_MOMENTUM
